"""A yes/no question before something final."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from coach.ui.access import CoachAccess


class ConfirmDialog(CoachAccess, ModalScreen[bool]):
    """Asks before something that cannot be undone. y confirms; n, ctrl+l or Esc cancel."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,ctrl+l,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, title: str, body: Text | str, confirm_label: str = "Yes") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.body)
            with Horizontal(classes="buttons"):
                yield Button(Text(f"{self.confirm_label} (y)"), variant="error", id="yes")
                yield Button(Text("No (n)"), variant="primary", id="no")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#no", Button))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

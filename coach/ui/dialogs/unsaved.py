"""Leaving a reflection that could not be saved: nothing typed is dropped unasked."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from coach.ui.access import CoachAccess
from coach.ui.widgets.fields import TextField


class UnsavedDialog(CoachAccess, ModalScreen[str]):
    """Dismissed with "retry", "file:<path>", "discard" or "stay".

    The text stays in memory and on screen whatever is chosen here, until the
    user says discard (and confirms it with a second key).
    """

    BINDINGS = [
        Binding("ctrl+r", "choose('retry')", "Retry", id="unsaved.retry", priority=True),
        Binding("ctrl+s", "to_file", "Save to file", id="unsaved.file", priority=True),
        Binding("ctrl+d", "discard", "Discard", id="unsaved.discard", priority=True),
        Binding("ctrl+l,escape", "choose('stay')", "Stay", id="unsaved.stay", priority=True),
    ]

    def __init__(self, reason: str, suggested_path: str) -> None:
        super().__init__()
        self.reason = reason
        self.suggested_path = suggested_path
        self._discard_armed = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Your answers are not saved", classes="dialog-title")
            yield Static(Text(self.reason))
            yield Static(Text("They are still here. Try again, or save them to a file elsewhere (readable only by "
                              "you), or discard them."))
            yield Label("Save to this file:")
            yield TextField(value=self.suggested_path, id="path")
            yield Static("", id="problem", classes="problem")
            with Horizontal(classes="buttons"):
                # short labels, keys as the footer writes them: all four fit 80 columns
                yield Button(Text("Retry ^r"), variant="primary", id="retry")
                yield Button(Text("Save to file ^s"), id="file")
                yield Button(Text("Discard ^d"), variant="error", id="discard")
                yield Button(Text("Stay ^l"), id="stay")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#retry", Button))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {"retry": lambda: self.action_choose("retry"), "file": self.action_to_file,
         "discard": self.action_discard, "stay": lambda: self.action_choose("stay")}[event.button.id or "stay"]()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_to_file()

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

    def action_to_file(self) -> None:
        path = self.query_one("#path", TextField).value.strip()
        if not path:
            self.say("Give the file a name.")
            return
        self.dismiss(f"file:{path}")

    def action_discard(self) -> None:
        if not self._discard_armed:  # one key never throws words away
            self._discard_armed = True
            self.say("Press ctrl+d again to throw these answers away.")
            return
        self.dismiss("discard")

    def say(self, text: str) -> None:
        self.query_one("#problem", Static).update(Text(text, style="bold"))

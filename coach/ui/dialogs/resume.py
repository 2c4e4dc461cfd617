"""The offer to resume an unfinished reflection."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from coach.dates import short_moment
from coach.models import Client, Draft
from coach.textsafe import literal
from coach.ui.access import CoachAccess


class ResumeDialog(CoachAccess, ModalScreen[str]):
    """Offered at launch when a reflection was left unfinished.

    Dismissed with "resume", "later" or "discard".
    """

    BINDINGS = [
        Binding("r", "choose('resume')", "Resume", id="resume.resume"),
        Binding("l,ctrl+l,escape", "choose('later')", "Later", id="resume.later"),
        Binding("d", "choose('discard')", "Discard", id="resume.discard"),
    ]

    def __init__(self, draft: Draft, client: Client, steps: int) -> None:
        super().__init__()
        self.draft = draft
        self.client = client
        self.steps = steps

    def compose(self) -> ComposeResult:
        text = Text("You left a reflection on ")
        text.append_text(literal(self.client.label, "bold"))
        text.append(f" unfinished at step {self.draft.step + 1} of {self.steps}")
        text.append(f" (last saved {short_moment(self.draft.updated_at, self.coach.today)}).")
        with Vertical(classes="dialog"):
            yield Label("Unfinished reflection", classes="dialog-title")
            yield Static(text)
            with Horizontal(classes="buttons"):
                # Text, not str: a str label is markup and "[r]" would vanish
                yield Button(Text("Resume (r)"), variant="primary", id="resume")
                yield Button(Text("Later (l)"), id="later")
                yield Button(Text("Discard (d)"), variant="error", id="discard")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_choose(event.button.id or "later")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

"""Small modal dialogs: a new client, resuming a draft, confirming something final."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from coach.ui.fields import TextField
from textual.widgets import Button, Input, Label, Static

from coach.models import Client, Draft
from coach.textsafe import literal


class NewClientDialog(ModalScreen[Client | None]):
    """Create a client: a name is required, the organisation is optional."""

    BINDINGS = [
        Binding("escape,ctrl+l", "cancel", "Cancel", id="new_client.cancel"),
        Binding("ctrl+n", "create", "Create", id="new_client.create", priority=True),
    ]

    def __init__(self, name: str = "") -> None:
        super().__init__()
        self.initial_name = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("New client", classes="dialog-title")
            yield Label("Name (required)")
            yield TextField(value=self.initial_name, placeholder="Who is the relationship with?", id="name")
            yield Label("Organisation (optional)")
            yield TextField(placeholder="Their company or team", id="organisation")
            yield Static("", id="problem", classes="problem")
            with Horizontal(classes="buttons"):
                yield Button(Text("Create (ctrl+n)"), variant="primary", id="create")
                yield Button("Cancel", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "name":
            self.query_one("#organisation", Input).focus()
        else:
            self.action_create()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_create() if event.button.id == "create" else self.action_cancel()

    def action_create(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        if not name:
            self.query_one("#problem", Static).update("A client needs a name.")
            self.query_one("#name", Input).focus()
            return
        organisation = self.query_one("#organisation", Input).value.strip()
        created: list[Client] = []
        if self.app.guarded_save(
            lambda: created.append(self.app.store.add_client(name, organisation, on=self.app.today)),
            what="The client",
        ):
            self.dismiss(created[0])

    def action_cancel(self) -> None:
        self.dismiss(None)


class ResumeDialog(ModalScreen[str]):
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
        text.append(f" (last saved {self.draft.updated_at[:16].replace('T', ' ')} UTC).")
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


class ConfirmDialog(ModalScreen[bool]):
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
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

"""Adding a client by name (and organisation), from the picker or the clients screen."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from coach.textsafe import shorten
from coach.models import Client
from coach.schema import NAME_MAX, too_long
from coach.ui.access import CoachAccess
from coach.ui.widgets.fields import TextField


class NewClientDialog(CoachAccess, ModalScreen[Client | None]):
    """Create a client: a name is required, the organisation is optional."""

    BINDINGS = [
        Binding("escape,ctrl+l", "cancel", "Cancel", id="new_client.cancel"),
        Binding("ctrl+n", "create", "Create", id="new_client.create", priority=True),
    ]

    def __init__(self, name: str = "") -> None:
        super().__init__()
        self.initial_name = name
        # the name and organisation a same-name warning was shown for: Create again adds it
        self.warned_for: tuple[str, str] | None = None

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

    def on_mount(self) -> None:
        # named already (what was typed in the picker): what comes next is the organisation
        self.set_focus(self.query_one("#organisation" if self.initial_name.strip() else "#name", Input))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "name":
            self.query_one("#organisation", Input).focus()
        else:
            self.action_create()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_create() if event.button.id == "create" else self.action_cancel()

    def action_create(self) -> None:
        name = self.query_one("#name", TextField).kept_value.strip()
        if not name:
            self.query_one("#problem", Static).update("A client needs a name.")
            self.query_one("#name", Input).focus()
            return
        organisation = self.query_one("#organisation", TextField).kept_value.strip()
        problem = too_long("the name", name, NAME_MAX) or too_long("the organisation", organisation, NAME_MAX)
        if problem:
            self.query_one("#problem", Static).update(problem)
            return
        twin = self.same_name(name, organisation)
        if twin is not None and self.warned_for != (name, organisation):
            self.warned_for = (name, organisation)
            self.query_one("#problem", Static).update(twin)
            return
        created: list[Client] = []
        if self.coach.guarded_save(
            lambda: created.append(self.coach.store.add_client(name, organisation, on=self.coach.today)),
            what="The client",
        ):
            self.dismiss(created[0])

    def same_name(self, name: str, organisation: str) -> str | None:
        """A sentence when a client of this name is kept already, most of all an archived one,
        who would otherwise be added twice without the user seeing the first."""
        key = name.casefold()
        twins = [c for c in self.coach.store.clients(include_archived=True) if c.name.strip().casefold() == key]
        if not twins:
            return None
        archived = [c for c in twins if c.archived]
        shown = twins[0] if not archived else archived[0]
        where = "an archived client" if shown.archived else "a client"
        hint = "; a on the clients screen restores them" if shown.archived else ""
        return (f"There is {where} called {shorten(shown.label, 40)} already{hint}. "
                "Press Create again to add another.")

    def action_cancel(self) -> None:
        self.dismiss(None)

"""Editing a client's name, organisation and notes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from coach.models import Client
from coach.schema import NAME_MAX, too_long
from coach.ui.access import CoachAccess
from coach.ui.dialogs.form import FormDialog, form_buttons
from coach.ui.settle import settle
from coach.ui.widgets.fields import NoteArea, TextField


class ClientEditDialog(FormDialog, CoachAccess, ModalScreen[Client | None]):
    """Edit a client's name, organisation and notes; dismissed with the saved client."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="edit_client.save", priority=True),
        Binding("ctrl+l,escape", "cancel", "Cancel", id="edit_client.cancel"),
    ]

    def __init__(self, client: Client) -> None:
        super().__init__()
        self.client = client

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Edit client", classes="dialog-title")
            with VerticalScroll(id="edit-fields", can_focus=False):
                yield Label("Name (required)")
                yield TextField(self.client.name, id="name")
                yield Label("Organisation")
                yield TextField(self.client.organisation, id="organisation")
                yield Label("Notes: who they are, how they like to work")
                yield NoteArea(self.client.notes, id="notes")
                yield Static("", id="problem", classes="problem")  # in the scroll, under the notes
            yield from form_buttons(problem=False)
        yield Footer()

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#name", Input))

    async def action_save(self) -> None:
        await settle(self.app)
        name = self.query_one("#name", TextField).kept_value.strip()
        if not name:
            self.say("A client needs a name.", "name")
            return
        organisation = self.query_one("#organisation", TextField).kept_value.strip()
        notes = self.query_one("#notes", NoteArea).kept_text
        problem = (too_long("the name", name, NAME_MAX) or too_long("the organisation", organisation, NAME_MAX)
                   or too_long("the notes", notes))
        if problem:
            self.say(problem)
            return
        store = self.coach.store
        client = store.client(self.client.id) or self.client  # the freshest copy, so nothing else is undone
        client.name = name
        client.organisation = organisation
        client.notes = notes
        if self.coach.guarded_save(lambda: store.save_client(client), what="The client"):
            self.dismiss(client)

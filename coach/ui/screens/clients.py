"""Every client, archived ones too: add, edit, set the partnership's terms,
archive and restore, delete (after saying exactly what goes with it)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from coach.dates import iso_day
from coach.models import Client
from coach.storage import SaveError, describe_os_error
from coach.store import BACKUPS_DIR
from coach.textsafe import literal, shorten
from coach.ui.access import CoachAccess
from coach.ui.dialogs.client_edit import ClientEditDialog
from coach.ui.dialogs.confirm import ConfirmDialog
from coach.ui.dialogs.new_client import NewClientDialog
from coach.ui.widgets.dashboard import table_date


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class ClientsScreen(CoachAccess, Screen):
    BINDINGS = [
        Binding("n", "add", "Add", id="clients.add"),
        Binding("e", "edit", "Edit", id="clients.edit"),
        Binding("t", "terms", "Terms", id="clients.terms"),
        Binding("a", "archive", "Archive", id="clients.archive"),
        Binding("d", "delete", "Delete", id="clients.delete"),
        Binding("h", "history", "History", id="clients.history"),
        Binding("k", "ask", "Ask them", id="clients.ask"),
        Binding("b,ctrl+l", "back", "Back", id="clients.back"),
        Binding("escape", "back", "Back", show=False, id="clients.back_esc"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Clients · archived ones are kept, with their history", style="bold"), classes="screen-title")
        yield DataTable(id="clients-table", cursor_type="row", zebra_stripes=False)
        yield Static("", id="client-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#clients-table", DataTable)
        table.add_column("Client", width=20, key="name")
        table.add_column("Organisation", width=17, key="organisation")
        table.add_column("Status", width=8, key="status")
        table.add_column("Reflections", width=11, key="count")
        table.add_column("Last", width=11, key="last")  # "30 Nov 2025"
        self.load()
        self.set_focus(table)

    def on_screen_resume(self) -> None:
        self.load()

    def load(self, select: str | None = None) -> None:
        table = self.query_one("#clients-table", DataTable)
        select = select or self.selected_id()
        clients = sorted(self.coach.store.clients(include_archived=True), key=lambda c: (c.archived, c.name.casefold()))
        table.clear()
        for client in clients:
            table.add_row(
                literal(client.name),
                literal(client.organisation),
                Text("archived", style="italic") if client.archived else Text("active"),
                Text(str(client.summary.reflection_count), justify="right"),
                self._last(client.summary.last_reflection_on),
                key=client.id,
            )
        if select and select in [c.id for c in clients]:
            table.move_cursor(row=table.get_row_index(select))
        self.show_detail()

    def _last(self, iso: str) -> Text | str:
        day = iso_day(iso)
        if day is None:
            return Text("never", style="dim") if not iso else iso
        return table_date(day, self.coach.today)

    def selected_id(self) -> str | None:
        table = self.query_one("#clients-table", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def selected(self) -> Client | None:
        client_id = self.selected_id()
        return self.coach.store.client(client_id) if client_id else None

    def on_data_table_row_highlighted(self) -> None:
        self.show_detail()

    def on_data_table_row_selected(self) -> None:
        self.action_history()

    def show_detail(self) -> None:
        client = self.selected()
        detail = self.query_one("#client-detail", Static)
        if client is None:
            detail.update(Text("No clients yet: press n to add one.", style="italic"))
            return
        text = literal(client.label, "bold")
        if client.archived:
            text.append(" (archived: a to restore)")
        text.append("\nObjectives: ", style="bold")
        text.append_text(literal("; ".join(client.objectives)) if client.objectives else Text("none yet (t to add)"))
        text.append("\nMetrics: ", style="bold")
        if client.metrics:
            text.append_text(literal("; ".join(f"{m.name} {m.current or '?'} of {m.target or '?'}" for m in client.metrics)))
        else:
            text.append("none yet (t to add)")
        if client.notes.strip():
            text.append("\nNotes: ", style="bold")
            text.append_text(literal(client.notes))
        detail.update(text)

    # -- actions -----------------------------------------------------------------

    def _need_client(self) -> Client | None:
        client = self.selected()
        if client is None:
            self.coach.notify("No client chosen: press n to add one.", timeout=4)
        return client

    def action_add(self) -> None:
        if self.coach.refuse_if_read_only():
            return

        def created(client: Client | None) -> None:
            if client is not None:
                self.load(select=client.id)

        self.coach.push_screen(NewClientDialog(), created)

    def action_edit(self) -> None:
        client = self._need_client()
        if client is None or self.coach.refuse_if_read_only():
            return
        self.coach.push_screen(ClientEditDialog(client), lambda saved: self.load())

    def action_terms(self) -> None:
        client = self._need_client()
        if client is None or self.coach.refuse_if_read_only():
            return
        from coach.ui.screens.terms import TermsScreen

        self.coach.push_screen(TermsScreen(client.id), lambda saved: self.load())

    def action_history(self) -> None:
        client = self._need_client()
        if client is not None:
            from coach.ui.screens.history import HistoryScreen

            if self.coach.readable_history(client):
                self.coach.push_screen(HistoryScreen(client.id))

    def action_ask(self) -> None:
        """The check-in to send the selected client, to copy or save."""
        client = self._need_client()
        if client is not None:
            from coach.ui.screens.agenda import CheckInScreen

            self.coach.push_screen(CheckInScreen(client.id))

    def action_archive(self) -> None:
        client = self._need_client()
        if client is None or self.coach.refuse_if_read_only():
            return
        archive = not client.archived
        if self.coach.guarded_save(lambda: self.coach.store.set_archived(client.id, archive), what="The change"):
            if archive:
                message = f"{shorten(client.name, 40)} is archived: off home and the portfolio, history kept. Press a again to restore."
            else:
                message = f"{shorten(client.name, 40)} is restored."
            self.coach.notify(message, timeout=5, markup=False)
        self.load(select=client.id)

    def action_delete(self) -> None:
        client = self._need_client()
        if client is None or self.coach.refuse_if_read_only() or not self.coach.readable_history(client):
            return  # a damaged history is mended, not deleted unseen
        store = self.coach.store
        reflections = len(store.reflections(client.id))
        commitments = len(store.commitments(client.id))
        drafts = sum(1 for d in store.drafts() if d.client_id == client.id)
        body = Text("Delete ")
        body.append_text(literal(client.label, "bold"))
        body.append(f"? {_plural(reflections, 'reflection')} and {_plural(commitments, 'commitment')}")
        if drafts:
            body.append(f" and {_plural(drafts, 'unfinished draft')}")
        body.append(" will be deleted. ")
        body.append(f"A backup of all your data is taken first and kept in {store.data_dir / BACKUPS_DIR}.")
        if not client.archived:
            body.append("\nTo keep the history instead, archive the client (a).")

        def answered(delete: bool | None) -> None:
            if delete:
                self._delete(client)

        self.coach.push_screen(ConfirmDialog("Delete this client?", body, "Delete"), answered)

    def _delete(self, client: Client) -> None:
        store = self.coach.store
        kept = []

        def delete() -> None:
            try:
                kept.append(store.backup())  # this moment's state, whatever the run wrote before
            except OSError as exc:
                raise SaveError(f"Could not take a backup first: {describe_os_error(exc, store.data_dir / BACKUPS_DIR)}. Nothing was deleted.") from exc
            store.delete_client(client.id)

        if self.coach.guarded_save(delete, what="The deletion"):
            where = kept[0] if kept and kept[0] else store.data_dir / BACKUPS_DIR
            self.coach.notify(f"{shorten(client.name, 40)} is deleted. The backup taken just before is in {where}.", timeout=10, markup=False)
        self.load()

    def action_back(self) -> None:
        self.dismiss()

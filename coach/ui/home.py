"""Home: what coach is for, the clients at a glance, and the way into a reflection."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from coach.models import Client
from coach.textsafe import literal
from coach.ui.dialogs import ResumeDialog
from coach.ui.picker import ClientPicker

TAGLINE = "Once a week: score what each client would say of you, with evidence, and commit to one thing."

WELCOME = (
    "Welcome. coach walks you through a short weekly reflection on one client at a time: "
    "how strongly they would agree with seven beliefs about you, with the evidence; whether "
    "the partnership is thriving; and one thing you commit to do about it.\n\n"
    "Press n to start your first reflection; you can add the client as you go.\n"
    "Just looking? Quit (ctrl+q) and run `coach demo` on an empty data directory."
)


class HomeScreen(Screen):
    BINDINGS = [
        Binding("n", "new_reflection", "Reflect", id="home.reflect"),
        Binding("q", "app.quit", "Quit", id="home.quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(TAGLINE, id="tagline")
        yield Static(WELCOME, id="welcome")
        yield DataTable(id="client-table", cursor_type="row", zebra_stripes=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#client-table", DataTable)
        table.add_columns("Client", "Organisation", "Last reflection", "Verdict")
        self.refresh_clients()
        self.call_after_refresh(self.offer_drafts)

    def on_screen_resume(self) -> None:
        self.refresh_clients()

    def refresh_clients(self) -> None:
        clients = self.app.store.clients()
        table = self.query_one("#client-table", DataTable)
        table.clear()
        for client in clients:
            table.add_row(
                literal(client.name),
                literal(client.organisation),
                client.summary.last_reflection_on or "never",
                self.app.method.verdict_name(client.summary.last_verdict) or "–",
                key=client.id,
            )
        self.query_one("#welcome").display = not clients
        table.display = bool(clients)
        if clients:
            table.focus()

    def offer_drafts(self) -> None:
        if self.app.store.read_only:
            return
        for draft in self.app.store.drafts():
            client = self.app.store.client(draft.client_id)
            if client is None:
                continue
            steps = len(self.app.method.beliefs) + 5

            def chosen(choice: str, draft=draft, client=client) -> None:
                if choice == "resume":
                    self.app.start_reflection(client, draft, self._reflection_done)
                elif choice == "discard":
                    self.app.guarded_save(lambda: self.app.store.discard_draft(draft.id), what="Discarding")

            self.app.push_screen(ResumeDialog(draft, client, steps), chosen)
            return  # one offer per launch; the others stay for later

    def selected_client(self) -> Client | None:
        table = self.query_one("#client-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.app.store.client(key)

    def action_new_reflection(self) -> None:
        if self.app.store.read_only:
            self.app.notify(self.app.store.read_only_reason(), severity="warning", timeout=8)
            return

        def picked(client: Client | None) -> None:
            if client is not None:
                self.app.start_reflection(client, on_done=self._reflection_done)

        self.app.push_screen(ClientPicker(), picked)

    def _reflection_done(self, saved: bool | None) -> None:
        self.refresh_clients()

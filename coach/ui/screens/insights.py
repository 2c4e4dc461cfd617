"""`coach insights` in the app: your view beside theirs, the partnership over
time, and the decisions, as the same lines the command prints."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from coach.insights_report import gather, lines
from coach.textsafe import literal
from coach.ui.access import CoachAccess


class InsightsScreen(CoachAccess, Screen):
    BINDINGS = [
        Binding("b,ctrl+l", "back", "Back", id="insights.back"),
        Binding("escape", "back", "Back", show=False, id="insights.back_esc"),
        Binding("down,j", "scroll('down')", "Scroll down", show=False, id="insights.down"),
        Binding("up,k", "scroll('up')", "Scroll up", show=False, id="insights.up"),
    ]

    def __init__(self, client_id: str | None = None, section: str | None = None) -> None:
        super().__init__()
        self.client_id = client_id  # one client, as `coach insights --client`; None: all of them
        self.section = section  # one section of the report (What works), or all of it

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="insights-title", classes="screen-title")
        with VerticalScroll(id="insights-body"):
            yield Static("", id="insights-text")
        yield Footer()

    def on_mount(self) -> None:
        self.load()
        self.query_one("#insights-body", VerticalScroll).focus()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        store = self.coach.store
        if self.client_id is None:
            clients = store.clients(include_archived=True)
            title = Text(f"{self.section or 'Insights'} · all clients", style="bold")
        else:
            client = store.client(self.client_id)
            clients = [client] if client is not None else []
            title = Text(f"{self.section or 'Insights'} · ", style="bold")
            title.append_text(literal(client.label if client else "this client no longer exists", "bold"))
        self.query_one("#insights-title", Static).update(title)
        report = gather(store, clients, self.coach.today)
        text = Text()
        for message in report.unread:
            text.append(message + "\n", style="italic")
        for n, line in enumerate(lines(report, self.coach.method, self.coach.today, self.section)):
            if line.heading:
                text.append(("\n" if n else "") + line.text + "\n", style="bold underline")
            else:
                text.append_text(literal(line.text))
                text.append("\n")
        self.query_one("#insights-text", Static).update(text)

    def action_scroll(self, direction: str) -> None:
        body = self.query_one("#insights-body", VerticalScroll)
        body.scroll_down(animate=False) if direction == "down" else body.scroll_up(animate=False)

    def action_back(self) -> None:
        self.dismiss()

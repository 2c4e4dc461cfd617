"""All clients side by side: latest scores per belief, the average, and the
beliefs weak across most clients, called out as a habit rather than one
client's problem."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from coach.method import BELIEF_KEYS, Method
from coach.models import Client
from coach.textsafe import literal, shorten
from coach.trends import HABIT_LOW, habit_sentence, habits, portfolio_averages
from coach.ui.access import CoachAccess

# Column headings that fit seven beliefs in 80 columns; the legend spells them out.
SHORT_NAMES = {
    "known": "Know",
    "cared": "Care",
    "valued": "Value",
    "faith": "Faith",
    "committed": "Commit",
    "curious": "Learn",
    "adaptive": "Change",
}
AVERAGE_ROW = "__average__"


def score_cell(score: int | None) -> Text:
    """A score; low ones carry a "!" as well as a style, so they read without colour."""
    if score is None:
        return Text("–", justify="center")
    if score <= HABIT_LOW:
        return Text(f"{score}!", style="bold reverse", justify="center")
    return Text(str(score), justify="center")


class PortfolioScreen(CoachAccess, Screen):
    BINDINGS = [
        Binding("h", "history", "History", id="portfolio.history"),
        Binding("b,ctrl+l", "back", "Back", id="portfolio.back"),
        Binding("escape", "back", "Back", show=False, id="portfolio.back_esc"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.clients: list[Client] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Portfolio · latest scores, 1-5, per client", style="bold"), classes="screen-title")
        with VerticalScroll(id="portfolio-body"):
            yield DataTable(id="portfolio-table", cursor_type="row", zebra_stripes=False)
            yield Static("", id="portfolio-legend", classes="prompts")
            yield Static("", id="portfolio-habits")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#portfolio-table", DataTable)
        table.add_column("Client", width=18, key="client")
        for key in BELIEF_KEYS:
            table.add_column(SHORT_NAMES[key], width=6, key=key)
        self.load()
        self.set_focus(table)

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        method: Method = self.coach.method
        self.clients = self.coach.store.clients()
        table = self.query_one("#portfolio-table", DataTable)
        table.clear()
        rows = []
        for client in self.clients:
            scores = client.summary.last_scores
            if any(scores.get(k) is not None for k in BELIEF_KEYS):
                rows.append(scores)
            table.add_row(
                literal(shorten(client.name, 18)), *(score_cell(scores.get(k)) for k in BELIEF_KEYS), key=client.id
            )
        averages = portfolio_averages(rows)
        table.add_row(
            Text("Average", style="bold"),
            *(Text(f"{a:.1f}" if a is not None else "–", style="bold", justify="center") for a in (averages[k] for k in BELIEF_KEYS)),
            key=AVERAGE_ROW,
        )
        legend = Text("Columns: " + " · ".join(f"{SHORT_NAMES[b.key]} = {b.name}" for b in method.beliefs))
        legend.append(f"\n! = {HABIT_LOW} or lower. – = not scored. Archived clients are left out.")
        if not self.clients:
            legend.append("\nNo clients yet.")
        elif not rows:
            legend.append("\nNo reflection saved yet, so there is nothing to compare.")
        self.query_one("#portfolio-legend", Static).update(legend)
        self.query_one("#portfolio-habits", Static).update(self.habits_text(rows))

    def habits_text(self, rows) -> Text:
        method: Method = self.coach.method
        found = habits(rows)
        text = Text("Across your clients\n", style="bold")
        if len(rows) < 2:
            text.append("With fewer than two clients scored, a pattern across clients cannot show yet.")
            return text
        if not found:
            text.append("No belief is weak with most of your clients: where a score is low, it is about that relationship.")
            return text
        for n, habit in enumerate(found):
            if n:
                text.append("\n")
            text.append("· " + habit_sentence(habit, method.belief(habit.key).name))
        return text

    def action_history(self) -> None:
        table = self.query_one("#portfolio-table", DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key == AVERAGE_ROW:
            self.coach.notify("Choose a client's row to see their history.", timeout=3)
            return
        from coach.ui.screens.history import HistoryScreen

        client = self.coach.store.client(key)
        if client is not None and self.coach.readable_history(client):
            self.coach.push_screen(HistoryScreen(key))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_history()

    def action_back(self) -> None:
        self.dismiss()

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

from coach.dates import iso_day, short_date
from coach.method import BELIEF_KEYS, Method
from coach.models import Client
from coach.partnership import ONE_WAY_AT, latest, summary_points
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
            yield Static(Text("The partnership, per client (latest answers)", style="bold"), classes="section")
            yield DataTable(id="partnership-table", cursor_type="row", zebra_stripes=False)
            yield Static("", id="partnership-legend", classes="prompts")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#portfolio-table", DataTable)
        table.add_column("Client", width=18, key="client")
        for key in BELIEF_KEYS:
            table.add_column(SHORT_NAMES[key], width=6, key=key)
        lenses = self.query_one("#partnership-table", DataTable)
        for label, width, key in (("Client", 16, "client"), ("Cares", 5, "reciprocity"), ("With", 6, "with"),
                                  ("Agreed", 7, "objectives"), ("Metrics", 7, "metrics"),
                                  ("Partner talk", 12, "talk"), ("Flag", 8, "flag")):
            lenses.add_column(label, width=width, key=key)
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
        self._fill_partnership()

    def _fill_partnership(self) -> None:
        """Reciprocity, with/for, objectives and metrics agreed and the last partner talk, from
        each client's summary (no history is read), with the one-way flag."""
        table = self.query_one("#partnership-table", DataTable)
        table.clear()
        flagged = 0
        for client in self.clients:
            part = client.summary.partnership
            points = summary_points(part)
            last = {name: latest(points, name) for name in ("reciprocity", "with_or_for", "objectives_agreed",
                                                            "metrics_tracked")}
            recip = last["reciprocity"]
            cares = Text("–" if recip is None else f"{recip}!" if recip <= HABIT_LOW else str(recip), justify="center")
            if recip is not None and recip <= HABIT_LOW:
                cares.stylize("bold reverse")
            talk = iso_day(client.summary.last_partner_talk)
            flag = part.get("one_way")
            flagged += bool(flag)
            table.add_row(
                literal(shorten(client.name, 16)), cares,
                Text({"with": "with", "mixed": "betw.", "for": "for"}.get(last["with_or_for"] or "", "–")),
                Text(last["objectives_agreed"] or "–"), Text(last["metrics_tracked"] or "–"),
                Text(short_date(talk, self.coach.today) if talk else "none"),
                Text("one-way", style="bold reverse") if flag else Text(""),
                key=client.id,
            )
        legend = Text(f"Cares = they care about you too (1-5). With = working with them, between, or for them. "
                      f"Agreed = objectives agreed. one-way = reciprocity {ONE_WAY_AT} or lower three times running, "
                      f"or a fall of 2.")
        if flagged:
            legend.append(f"\n{flagged} relationship{'s look' if flagged != 1 else ' looks'} one-way: "
                          "open the history (h) to see the series.")
        self.query_one("#partnership-legend", Static).update(legend)

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
        table = self.focused if isinstance(self.focused, DataTable) else self.query_one("#portfolio-table", DataTable)
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

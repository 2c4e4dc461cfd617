"""The pieces of the home dashboard: every client in one table, and what the
week asks for (commitments due, clients worth a reflection, the rhythm).

Only summaries are read (store.clients()), never a history file, so home
stays quick however long the history grows. Every cell that carries meaning
in colour carries it in characters too: digits, arrows, signs, words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from rich.console import Console
from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from coach import weekly
from coach.dates import describe, iso_day, short_date
from coach.method import Method
from coach.models import Client, Commitment
from coach.textsafe import literal, shorten
from coach.ui.access import CoachAccess
from coach.ui.widgets.fields import TextField

# Fixed widths (plus one cell of padding each side) so name, last reflection,
# verdict and the score strip always show at 80 columns; the commitment takes
# what is left.
NAME_WIDTH = 15
DATE_WIDTH = 7  # "23 Nov!"
WIDE_DATE_WIDTH = 11  # "23 Nov 2025": the columns widen only while a date of another year is shown
VERDICT_WIDTH = 8
STRIP_WIDTH = 7
CHANGE_WIDTH = 6
MIN_COMMITMENT_WIDTH = 12
COLUMNS = (
    ("Client", "name", NAME_WIDTH),
    ("Last", "last", DATE_WIDTH),
    ("Verdict", "verdict", VERDICT_WIDTH),
    ("Beliefs", "strip", STRIP_WIDTH),
    ("Change", "change", CHANGE_WIDTH),
    ("Due", "due", DATE_WIDTH),
)
PADDING = 2  # DataTable's cell padding, one each side
SCROLLBAR = 1
PANEL_CHROME = 2 + 10 + 1 + SCROLLBAR  # padding, the heading column and the gap after it

VERDICT_ORDER = {"at_risk": 0, "drifting": 1, "steady": 2, "thriving": 3}
VERDICT_STYLE = {"at_risk": "bold red", "drifting": "yellow", "steady": "", "thriving": "green"}
LEVEL_STYLE = {1: "red", 2: "red", 3: "yellow", 4: "green", 5: "green"}


def tint(style: str, colour: bool) -> str:
    """The style without its colours under NO_COLOR, where a greyed red would be
    too dark to read; bold and dim still carry emphasis."""
    if colour:
        return style
    return " ".join(word for word in style.split() if word in ("bold", "dim", "italic", "underline"))


def commitment_width(total: int, date_widths: tuple[int, int] = (DATE_WIDTH, DATE_WIDTH)) -> int:
    fixed = sum(width + PADDING for width in column_widths(date_widths).values())
    return max(MIN_COMMITMENT_WIDTH, total - fixed - PADDING - SCROLLBAR)


def column_widths(date_widths: tuple[int, int]) -> dict[str, int]:
    """Each fixed column's width, with Last and Due as wide as their dates need."""
    widths = {key: width for _, key, width in COLUMNS}
    widths["last"], widths["due"] = date_widths
    return widths


# -- one client's row ------------------------------------------------------------




def table_date(day: date | None, today: date) -> str:
    """A date in a table cell: the short format without its weekday, "23 Nov"
    ("23 Nov 2025" in another year); 80 columns have no room for the weekday."""
    return short_date(day, today, weekday=False) if day is not None else ""


def days_phrase(due: date, today: date) -> str:
    """"3 days overdue", "due today", "due in 5 days"."""
    late = (today - due).days
    if late > 0:
        return f"{late} day{'s' if late != 1 else ''} overdue"
    if late == 0:
        return "due today"
    if late == -1:
        return "due tomorrow"
    return f"due in {-late} days"


def strip_text(scores: dict[str, int | None], colour: bool = True) -> Text:
    """The seven scores as digits, each coloured by level; "·" for unscored."""
    text = Text()
    for ch in weekly.score_strip(scores):
        text.append(ch, style=tint(LEVEL_STYLE.get(int(ch), ""), colour) if ch.isdigit() else "dim")
    return text


def change_text(change: float | None, colour: bool = True) -> Text:
    """"▲+0.4", "▼−1.1", "=0.0"; the arrow and the sign both say which way."""
    if change is None:
        return Text("–", style="dim")
    if round(change, 1) > 0:
        return Text(f"▲+{change:.1f}", style=tint("green", colour))
    if round(change, 1) < 0:
        return Text(f"▼−{-change:.1f}", style=tint("red", colour))
    return Text("=0.0")


def open_commitment(client: Client) -> tuple[Commitment | None, int]:
    """The client's soonest-due open commitment, and how many are open."""
    items = [Commitment.from_dict(raw) for raw in client.summary.open_commitments]
    items = [c for c in items if c.is_open]
    items.sort(key=lambda c: (c.due or "9999-99-99", c.made_on))
    return (items[0] if items else None), len(items)


@dataclass
class ClientRow:
    """What one table row shows, and the values it sorts by."""

    client: Client
    change: float | None
    commitment: Commitment | None
    open_count: int

    @classmethod
    def of(cls, client: Client) -> "ClientRow":
        commitment, count = open_commitment(client)
        return cls(client, weekly.score_change(client.summary), commitment, count)

    def matches(self, needle: str) -> bool:
        needle = needle.strip().casefold()
        client = self.client
        return not needle or needle in client.name.casefold() or needle in client.organisation.casefold()

    def date_labels(self, today: date) -> tuple[str, str]:
        """What the Last and Due cells say: "23 Nov", "20 Nov!" when overdue."""
        last = table_date(iso_day(self.client.summary.last_reflection_on), today)
        if self.commitment is None:
            return last, ""
        due = iso_day(self.commitment.due)
        return last, table_date(due, today) + ("!" if due is not None and due < today else "")

    def cells(self, method: Method, today: date, commitment_chars: int, colour: bool = True) -> tuple:
        summary = self.client.summary
        verdict = summary.last_verdict
        due_cell = Text("")
        action_cell = Text("")
        last_label, due_label = self.date_labels(today)
        if self.commitment is not None:
            due = iso_day(self.commitment.due)
            overdue = due is not None and due < today
            due_cell = Text(due_label, style=tint("bold red", colour) if overdue else ("bold" if due == today else ""))
            more = f" +{self.open_count - 1}" if self.open_count > 1 else ""
            action_cell = literal(shorten(self.commitment.action, commitment_chars - len(more)))
            action_cell.append(more, style="dim")
        return (
            literal(shorten(self.client.name, NAME_WIDTH)),
            last_label or Text("never", style="dim"),
            Text(method.verdict_name(verdict) or "–", style=tint(VERDICT_STYLE.get(verdict, "dim"), colour)),
            strip_text(summary.last_scores, colour),
            change_text(self.change, colour),
            due_cell,
            action_cell,
        )


# -- sorting -------------------------------------------------------------------------


@dataclass(frozen=True)
class Sort:
    key: str
    label: str
    order: Callable[[ClientRow], tuple]


def _name(row: ClientRow) -> str:
    return row.client.name.casefold()


SORTS = (
    Sort("name", "name", lambda r: (_name(r),)),
    # never reflected on counts as the oldest: that client needs a look most
    Sort("last", "last reflection, oldest first", lambda r: (r.client.summary.last_reflection_on, _name(r))),
    Sort("verdict", "verdict, most at risk first", lambda r: (VERDICT_ORDER.get(r.client.summary.last_verdict, 9), _name(r))),
    Sort("change", "change, biggest fall first", lambda r: (r.change is None, r.change or 0.0, _name(r))),
    Sort("due", "due date, soonest first", lambda r: (r.commitment is None or not r.commitment.due, r.commitment.due if r.commitment else "", _name(r))),
)


# -- widgets -------------------------------------------------------------------------


class ClientTable(CoachAccess, DataTable):
    """The clients, one row each; the row key is the client id."""

    def __init__(self, **kw) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kw)
        self.commitment_chars = MIN_COMMITMENT_WIDTH
        self.total_width = 80
        self.date_widths = (DATE_WIDTH, DATE_WIDTH)

    def needs_columns(self, total_width: int) -> bool:
        return not self.columns or commitment_width(total_width, self.date_widths) != self.commitment_chars

    def set_up_columns(self, total_width: int, date_widths: tuple[int, int] | None = None) -> None:
        self.total_width = total_width
        self.date_widths = date_widths or self.date_widths
        self.commitment_chars = commitment_width(total_width, self.date_widths)
        self.clear(columns=True)
        widths = column_widths(self.date_widths)
        for label, key, _ in COLUMNS:
            self.add_column(label, key=key, width=widths[key])
        self.add_column("Commitment", key="commitment", width=self.commitment_chars)

    def show(self, rows: list[ClientRow], method: Method, today: date) -> None:
        """Replace the rows, keeping the cursor on the same client when it is still shown."""
        selected = self.selected_id()
        colour = not self.coach.no_color
        labels = [row.date_labels(today) for row in rows]
        date_widths = tuple(
            min(max([DATE_WIDTH] + [len(pair[n]) for pair in labels]), WIDE_DATE_WIDTH) for n in (0, 1)
        )
        if date_widths != self.date_widths:
            self.set_up_columns(self.total_width, date_widths)
        self.clear()
        for row in rows:
            self.add_row(*row.cells(method, today, self.commitment_chars, colour), key=row.client.id)
        ids = [row.client.id for row in rows]
        if selected in ids:
            self.move_cursor(row=ids.index(selected), animate=False)

    def selected_id(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value


class FilterInput(TextField):
    """One line at the top of home: typing narrows the table."""

    BINDINGS = [
        Binding("down", "screen.focus_table", "To the table", show=False, id="home.filter.down"),
    ]


def selection_text(row: ClientRow | None, today: date, width: int = 78) -> Text:
    """The highlighted client on one line, with its open commitment as far as it
    fits in `width` cells, ending at a whole word."""
    text = Text(no_wrap=True, overflow="ellipsis")
    if row is None:
        return text
    text.append_text(literal(row.client.label, "bold"))
    if row.commitment is None:
        text.append(" · no open commitment", style="dim")
        return text
    due = iso_day(row.commitment.due)
    if due is not None:
        text.append(f" · {days_phrase(due, today)}", style="bold" if due <= today else "")
        text.append(f" ({short_date(due, today)})")
    text.append(" · ")
    room = width - text.cell_len
    if room > 8:
        text.append_text(literal(shorten(row.commitment.action, room)))
    return text


HEADING_WIDTH = 10
#: Commitments due named in the panel, the most overdue first (with the line that
#: counts the rest, all of it fits the panel at 80x24); the review has
#: every one, and a user back from a long break needs the panel to stay short
#: (800 lines of it took a second to lay out at launch).
DUE_SHOWN = 3


def _hanging(rows: list[tuple[str, Text | str]], width: int, console: Console) -> Text:
    """Rows of a heading column and a body that wraps under itself, as one Text.

    Wrapped here, once, at the width home has: a rich grid does the same but
    is measured again on every layout pass, and home has several at launch."""
    out = Text(no_wrap=True, overflow="crop")
    indent = " " * (HEADING_WIDTH + 1)
    for heading, body in rows:
        body = Text(body) if isinstance(body, str) else body
        for n, line in enumerate(body.wrap(console, width, overflow="fold")):
            if out:
                out.append("\n")
            out.append(heading.ljust(HEADING_WIDTH) + " " if n == 0 else indent, style="bold" if n == 0 else "")
            out.append_text(line)
    return out


def this_week_text(clients: list[Client], method: Method, today: date, width: int, console: Console) -> Text:
    """The rhythm, commitments due, and clients worth a reflection with the reasons.

    Two columns, so a long reason wraps under its client, not under the heading.
    """
    body_width = max(width - PANEL_CHROME, 20)
    rows: list[tuple[str, Text | str]] = [("Rhythm", rhythm_phrase(weekly.rhythm(clients, today), today))]

    due = weekly.due_commitments(clients, today)
    if not due:
        rows.append(("Due", "Nothing is due."))
    for n, item in enumerate(due[:DUE_SHOWN]):
        phrase = days_phrase(today - timedelta(days=item.overdue_days), today)
        line = Text("! ", style="bold")
        line.append_text(literal(shorten(item.client.name, NAME_WIDTH), "bold"))
        line.append(": ")
        # one line per commitment when it fits; the whole action is in the review
        room = body_width - len(line) - len(phrase) - 3
        line.append_text(literal(shorten(item.commitment.action, max(room, 20))))
        line.append(f" · {phrase}", style="bold")
        rows.append(("Due" if n == 0 else "", line))
    if len(due) > DUE_SHOWN:
        rows.append(("", Text(f"and {len(due) - DUE_SHOWN} more; r reviews them all", style="dim")))
    elif due:
        rows.append(("", Text("r reviews them", style="dim")))

    suggested = weekly.suggestions(clients, today)
    if not suggested:
        rows.append(("Reflect on", "No client stands out; pick the one you think of first."))
    for n, item in enumerate(suggested):
        line = literal(item.client.name, "bold")
        line.append(": " + "; ".join(item.reasons))
        rows.append(("Reflect on" if n == 0 else "", line))
    return _hanging(rows, body_width, console)


def rhythm_phrase(rhythm: weekly.Rhythm, today: date) -> str:
    last = iso_day(rhythm.last_reflection_on)
    if last is None:
        return "no reflection yet. Once a week is the habit that pays."
    weeks = rhythm.weeks_in_a_row
    streak = f"{weeks} week{'s' if weeks != 1 else ''} in a row" if weeks else "no reflection last week"
    this_week = rhythm.reflections_this_week
    return f"{streak} · last {describe(last, today)} · {this_week} this week"

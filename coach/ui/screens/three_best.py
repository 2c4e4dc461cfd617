"""The three best clients, the method's own exercise, in four steps on one screen.

1. Pick your three best clients (active ones only).
2. Score the seven beliefs for the three, in one grid; each client's latest
   reflection fills it in to start with, marked as such.
3. Read it back: where each is strong (say so to them) and where it falls short.
4. Pick one other client to improve: the screen closes with that client's id,
   and home opens a reflection on them.

Nothing is saved: the scores are for the exercise, and the screen says so.
Esc (or ctrl+l, since Esc lags over SSH) goes back one step; from the first
step, back home.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    ContentSwitcher,
    DataTable,
    Footer,
    Header,
    OptionList,
    Static,
)
from textual.widgets.option_list import Option

from coach import three_best
from coach.dates import short_iso
from coach.method import BELIEF_KEYS
from coach.models import Client
from coach.textsafe import literal, shorten
from coach.ui.access import CoachAccess

STEPS = ("pick", "grid", "reading", "improve")
STEP_TITLES = {
    "pick": "pick your three best clients",
    "grid": "score the seven beliefs",
    "reading": "where you are strong, where you fall short",
    "improve": "one other client to improve",
}
NOT_SAVED = "These scores are for this exercise only: they are not saved."
NOT_SAVED_SHORT = "scores for this exercise only, not saved"
NAME_WIDTH = 14  # a client's column in the grid: three of them and the beliefs fit 80 columns
PREFILL_MARK = "last time"
READING_INDENT = 14  # "  Strong 4-5  ": the lists of beliefs hang from here


class PickList(OptionList):
    """A keyboard list: up/down, and space as well as Enter choose.

    The highlighted row is marked with "›" as well as the cursor's style:
    under NO_COLOR Textual draws an option list's cursor bold, no more, and a
    picked client is bold too."""

    BINDINGS = [Binding("space", "select", "Toggle", show=False)]
    CURSOR = "› "

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.prompt_of: Callable[[int], Text] = lambda n: Text("")
        self._marked: int | None = None

    def fill(self, count: int, prompt_of: Callable[[int], Text]) -> None:
        """`count` rows, row n showing prompt_of(n)."""
        self.prompt_of = prompt_of
        self._marked = None
        self.clear_options()
        self.add_options([Option(self._prompt(n, here=False)) for n in range(count)])
        if count:
            self.highlighted = 0
            self._mark()

    def redraw(self, index: int) -> None:
        if 0 <= index < self.option_count:
            self.replace_option_prompt_at_index(index, self._prompt(index, here=index == self.highlighted))

    def _prompt(self, index: int, *, here: bool) -> Text:
        text = Text()
        text.append(self.CURSOR if here else " " * len(self.CURSOR), style="bold")
        return text.append_text(self.prompt_of(index))

    def _mark(self) -> None:
        if self._marked == self.highlighted:
            return
        before, self._marked = self._marked, self.highlighted
        if before is not None:
            self.redraw(before)
        if self.highlighted is not None:
            self.redraw(self.highlighted)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list is self:
            self._mark()


class ScoreGrid(DataTable):
    """The beliefs down, the three clients across; a digit 1-5 scores the cell under the cursor
    (and only while the grid has focus), then the cursor goes on down the column."""

    BINDINGS = [
        *(Binding(str(n), f"score({n})", f"Score {n}", show=False) for n in three_best.SCORES),
        Binding("backspace,delete", "score(0)", "Clear", show=False),
    ]

    class Scored(Message):
        def __init__(self, row: int, column: int, score: int | None) -> None:
            super().__init__()
            self.row = row
            self.column = column
            self.score = score

    def __init__(self, **kw) -> None:
        super().__init__(cursor_type="cell", zebra_stripes=False, **kw)

    def action_score(self, score: int) -> None:
        if not self.row_count or not self.columns:
            return
        row, column = self.cursor_coordinate
        self.post_message(self.Scored(row, column, score or None))
        if score:
            self.step_cursor(1)

    def step_cursor(self, direction: int) -> None:
        """To the next cell in scoring order: down a client's column, then the top of the next."""
        rows, columns = self.row_count, len(self.columns)
        if not rows or not columns:
            return
        row, column = self.cursor_coordinate
        at = column * rows + row + direction
        at = max(0, min(at, rows * columns - 1))
        self.cursor_coordinate = Coordinate(at % rows, at // rows)


class ThreeBestScreen(CoachAccess, Screen[str | None]):
    """Dismissed with the id of the client to reflect on, or None."""

    BINDINGS = [
        Binding("ctrl+n", "next", "Next", id="three_best.next", priority=True),
        Binding("pagedown", "next", "Next", show=False, id="three_best.next_page", priority=True),
        # Esc lags or is swallowed over SSH and in tmux: ctrl+l goes back too
        Binding("ctrl+l", "back", "Back", id="three_best.back", priority=True),
        Binding("escape", "back", "Back", show=False, id="three_best.back_esc"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.step = "pick"
        self.active: list[Client] = []
        self.picked: list[str] = []  # client ids, in the order picked: the grid's columns
        self.scores: dict[str, dict[str, int | None]] = {}  # client id -> belief key -> score
        self.prefilled: dict[str, set[str]] = {}  # client id -> beliefs still as the latest reflection had them
        self.others: list[Client] = []  # step 4's list

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="tb-title", classes="screen-title")
        with ContentSwitcher(initial="step-pick", id="tb-steps"):
            with Vertical(id="step-pick"):
                yield Static("", id="pick-intro", classes="tb-intro")
                yield PickList(id="pick-list")
                yield Static("", id="pick-count", classes="tb-status")
            with Vertical(id="step-grid"):
                yield Static("", id="grid-intro", classes="tb-intro")
                yield ScoreGrid(id="score-grid")
                yield Static("", id="grid-status", classes="tb-status")
                yield Static("", id="grid-legend", classes="prompts tb-legend")
            with Vertical(id="step-reading"):
                with VerticalScroll(id="reading"):
                    yield Static("", id="reading-text")
                yield Static(Text.assemble(("ctrl+n", "bold"), " one other client to improve · ", NOT_SAVED_SHORT),
                             id="reading-status", classes="tb-status")
            with Vertical(id="step-improve"):
                yield Static("", id="improve-intro", classes="tb-intro")
                yield PickList(id="improve-list")
        yield Static("", id="tb-problem", classes="problem")
        yield Footer()

    def on_mount(self) -> None:
        self.active = self.coach.store.clients()  # archived clients are left out
        self.fill_pick_list()
        self.show_step("pick")

    def on_resize(self) -> None:
        if self.step == "reading":
            self.fill_reading()  # its lists were laid out for the width it had

    # -- moving between steps ----------------------------------------------------------

    def show_step(self, step: str) -> None:
        self.step = step
        self.say_problem("")
        number = STEPS.index(step) + 1
        self.query_one("#tb-title", Static).update(
            Text(f"Three best clients · step {number} of {len(STEPS)}: {STEP_TITLES[step]}", style="bold"))
        self.query_one("#tb-steps", ContentSwitcher).current = f"step-{step}"
        focus = {"pick": "#pick-list", "grid": "#score-grid", "reading": "#reading", "improve": "#improve-list"}[step]
        widget = self.query_one(focus)
        self.set_focus(widget if widget.display else None)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next" and self.step == "improve":
            return False  # Enter on a client is the way on from here
        return True

    def action_next(self) -> None:
        if self.step == "pick":
            if len(self.active) < three_best.HOW_MANY:
                self.say_problem(self.too_few_text())
                return
            if len(self.picked) != three_best.HOW_MANY:
                self.say_problem(f"Pick exactly three to go on: {len(self.picked)} picked so far.")
                return
            self.fill_grid()
            self.show_step("grid")
        elif self.step == "grid":
            missing = sum(1 for cid in self.picked for key in BELIEF_KEYS if self.scores[cid].get(key) is None)
            if missing:
                self.say_problem(f"Score every cell to go on: {missing} still to score (shown as –).")
                self.go_to_first_blank()
                return
            self.fill_reading()
            self.show_step("reading")
        elif self.step == "reading":
            self.fill_improve()
            self.show_step("improve")

    def action_back(self) -> None:
        if self.step == "pick":
            self.dismiss(None)
            return
        self.show_step(STEPS[STEPS.index(self.step) - 1])

    def move_focus(self, direction: int) -> None:
        """Tab (see CoachApp.action_focus_next): from cell to cell in the grid, else the usual way."""
        grid = self.query_one(ScoreGrid)
        if self.step == "grid":
            if self.focused is not grid:
                self.set_focus(grid)
            else:
                grid.step_cursor(direction)
            return
        self.focus_next() if direction > 0 else self.focus_previous()

    def say_problem(self, problem: str) -> None:
        line = self.query_one("#tb-problem", Static)
        line.update(Text(f"✗ {problem}", style="bold") if problem else "")
        line.display = bool(problem)

    # -- step 1: pick three ------------------------------------------------------------

    def too_few_text(self) -> str:
        have = len(self.active)
        which = "no active client" if not have else f"only {have} active client{'s' if have != 1 else ''}"
        return (f"The exercise needs three active clients, and you have {which}. "
                "Add clients (c on home) or reflect on one (n), then come back. "
                "Esc or ctrl+l goes back.")

    def fill_pick_list(self) -> None:
        picks = self.query_one("#pick-list", PickList)
        intro = self.query_one("#pick-intro", Static)
        if len(self.active) < three_best.HOW_MANY:
            intro.update(Text(self.too_few_text()))
            picks.display = False
            self.query_one("#pick-count", Static).display = False
            return
        intro.update(Text(
            "The method's own exercise: take your three best clients, score each belief for each, "
            "see where you are strong and where you fall short. Space or Enter picks; ctrl+n goes on."))
        picks.fill(len(self.active), lambda n: self.pick_prompt(self.active[n]))
        self.show_pick_count()

    def pick_prompt(self, client: Client) -> Text:
        picked = client.id in self.picked
        text = Text()
        text.append(f"[{self.picked.index(client.id) + 1}] " if picked else "[ ] ", style="bold" if picked else "")
        text.append_text(literal(shorten(client.name, 30), "bold" if picked else ""))
        if client.organisation:
            text.append_text(literal(" · " + shorten(client.organisation, 30), "dim"))
        return text

    def show_pick_count(self) -> None:
        count = len(self.picked)
        line = Text(f"{count} of 3 picked", style="bold")
        if count == three_best.HOW_MANY:
            line.append(" · ctrl+n to score them", style="")
        self.query_one("#pick-count", Static).update(line)

    def toggle(self, index: int) -> None:
        if not 0 <= index < len(self.active):
            return
        client = self.active[index]
        touched = set(self.picked) | {client.id}  # the numbers of the others picked can change too
        if client.id in self.picked:
            self.picked.remove(client.id)
        elif len(self.picked) >= three_best.HOW_MANY:
            self.say_problem("Three are picked already: unpick one first (space or Enter on it).")
            return
        else:
            self.picked.append(client.id)
        self.say_problem("")
        picks = self.query_one("#pick-list", PickList)
        for n, other in enumerate(self.active):
            if other.id in touched:
                picks.redraw(n)
        self.show_pick_count()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_list.id == "pick-list" and self.step == "pick":
            self.toggle(event.option_index)
        elif event.option_list.id == "improve-list" and self.step == "improve":
            self.choose(event.option_index)

    # -- step 2: the grid --------------------------------------------------------------

    def client(self, client_id: str) -> Client | None:
        return next((c for c in self.active if c.id == client_id), None)

    def fill_grid(self) -> None:
        for cid in list(self.scores):
            if cid not in self.picked:  # unpicked on the way back: a new pick starts from its own prefill
                del self.scores[cid]
                self.prefilled.pop(cid, None)
        for cid in self.picked:
            if cid not in self.scores:
                client = self.client(cid)
                found = three_best.prefill(client.summary.last_scores if client else {})
                self.scores[cid] = {key: found.get(key) for key in BELIEF_KEYS}
                self.prefilled[cid] = set(found)
        grid = self.query_one(ScoreGrid)
        grid.clear(columns=True)
        method = self.coach.method
        for cid in self.picked:
            client = self.client(cid)
            grid.add_column(literal(shorten(client.name if client else "?", NAME_WIDTH), "bold"), width=NAME_WIDTH,
                            key=cid)
        for key in BELIEF_KEYS:
            grid.add_row(*(self.cell(cid, key) for cid in self.picked), key=key, label=Text(method.belief(key).name))
        grid.cursor_coordinate = Coordinate(0, 0)
        self.query_one("#grid-intro", Static).update(Text(
            "How strongly would each agree? 1-5 in each cell. Arrows or tab move; "
            "a digit scores the cell and moves down.", style=""))
        labels = " · ".join(f"{n} {label}" for n, label in sorted(method.scale_labels.items()))
        legend = Text(labels)
        legend.append(f"\n“{PREFILL_MARK}” = as your latest reflection on them had it; a digit replaces it. ")
        legend.append(NOT_SAVED)
        self.query_one("#grid-legend", Static).update(legend)
        self.show_grid_status()

    def cell(self, client_id: str, key: str) -> Text:
        score = self.scores[client_id].get(key)
        if score is None:
            return Text("–", justify="center")
        if key in self.prefilled.get(client_id, ()):
            text = Text(f"{score} ", style="bold")
            text.append(PREFILL_MARK, style="dim italic")
            return text
        return Text(str(score), style="bold")

    def on_score_grid_scored(self, event: ScoreGrid.Scored) -> None:
        event.stop()
        if self.step != "grid" or not (0 <= event.column < len(self.picked)) or not (0 <= event.row < len(BELIEF_KEYS)):
            return
        cid, key = self.picked[event.column], BELIEF_KEYS[event.row]
        self.scores[cid][key] = event.score
        self.prefilled.get(cid, set()).discard(key)
        self.query_one(ScoreGrid).update_cell(key, cid, self.cell(cid, key))
        self.say_problem("")
        self.show_grid_status()

    def show_grid_status(self) -> None:
        cells = len(self.picked) * len(BELIEF_KEYS)
        scored = sum(1 for cid in self.picked for key in BELIEF_KEYS if self.scores[cid].get(key) is not None)
        kept = sum(len(self.prefilled.get(cid, ())) for cid in self.picked)
        line = Text(f"{scored} of {cells} scored", style="bold")
        if kept:
            line.append(f" · {kept} as last time")
        if scored == cells:
            line.append(" · ctrl+n to read them back")
        self.query_one("#grid-status", Static).update(line)

    def go_to_first_blank(self) -> None:
        for column, cid in enumerate(self.picked):
            for row, key in enumerate(BELIEF_KEYS):
                if self.scores[cid].get(key) is None:
                    grid = self.query_one(ScoreGrid)
                    grid.cursor_coordinate = Coordinate(row, column)
                    self.set_focus(grid)
                    return

    # -- step 3: strong and short --------------------------------------------------------

    def fill_reading(self) -> None:
        method = self.coach.method
        readings = []
        parts: list = []

        width = max(20, self.size.width - READING_INDENT - 3)  # the padding, and a scrollbar if it comes

        def part(pairs, end: str, none: str) -> Text:
            if not pairs:
                return Text(none)
            items = [f"{method.belief(k).name} {s}" for k, s in pairs]
            lines = three_best.pack(items, width, end=end)
            text = Text(("\n" + " " * READING_INDENT).join(lines))
            text.highlight_words([end], "bold")
            return text

        for cid in self.picked:
            client = self.client(cid)
            reading = three_best.read_scores(self.scores[cid])
            readings.append(reading)
            parts.append(literal(client.name if client else "?", "bold underline"))
            parts.append(Text("  Strong 4-5  ", style="bold").append_text(
                part(reading.strong, "Acknowledge it to them.", "nothing scored 4 or 5.")))
            parts.append(Text("  Short 1-3   ", style="bold").append_text(
                part(reading.short, "Work out what to do.", "nothing below 4.")))
        shared = three_best.short_with_all(readings)
        if shared:
            line = Text("\nShort with all three: ", style="bold")
            line.append(", ".join(method.belief(k).name for k in shared) + ". "
                        "Even with your best clients, so more likely a habit of yours than about one of them.")
            parts.append(line)
        self.query_one("#reading-text", Static).update(Group(*parts))
        self.query_one("#reading", VerticalScroll).scroll_home(animate=False)

    # -- step 4: one other client ---------------------------------------------------------

    def fill_improve(self) -> None:
        self.others = [c for c in self.active if c.id not in self.picked]
        intro = self.query_one("#improve-intro", Static)
        options = self.query_one("#improve-list", PickList)
        options.clear_options()
        if not self.others:
            intro.update(Text("Every active client is one of your three, so there is no other to pick. "
                              "Add one (c on home) and come back; Esc or ctrl+l goes back."))
            options.display = False
            return
        intro.update(Text("Now one relationship you want to improve, not one of the three. "
                          "Enter starts a reflection on them, to choose what to do about it."))
        options.display = True
        options.fill(len(self.others), lambda n: self.other_prompt(self.others[n]))

    def other_prompt(self, client: Client) -> Text:
        text = Text()
        text.append_text(literal(shorten(client.name, 26), "bold"))
        summary = client.summary
        if summary.last_reflection_on:
            text.append(f" · last {short_iso(summary.last_reflection_on, self.coach.today)}")
            scores = "".join(str(s) if (s := three_best.valid_score(summary.last_scores.get(k))) else "·"
                             for k in BELIEF_KEYS)
            text.append(f" · beliefs {scores}")
        else:
            text.append(" · no reflection yet", style="dim")
        return text

    def choose(self, index: int) -> None:
        if not 0 <= index < len(self.others):
            return
        client = self.others[index]
        if self.coach.refuse_if_read_only() or not self.coach.readable_history(client):
            return  # it says why; the exercise stays on screen
        self.dismiss(client.id)  # home opens the reflection (HomeScreen.action_three_best)

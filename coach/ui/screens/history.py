"""One client's history: each belief over time, the reflections newest first,
and for the one selected, what moved since the one before and the evidence on
both sides, so the user sees why."""

from __future__ import annotations

from typing import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Header, Label, Static

from coach.dates import iso_day, short_date
from coach.method import Method
from coach.models import Client, Commitment, Note, Reflection
from coach.decisions import call_of
from coach.decisions import describe as describe_decision
from coach.partnership import series
from coach.textsafe import literal, shorten
from coach.trends import (
    BeliefTrend,
    belief_trends,
    changes_between,
    previous_reflection,
)
from coach.ui.access import CoachAccess
from coach.ui.widgets.dashboard import LEVEL_STYLE, tint

DATE_WIDTH = 10
SPARK_CELLS = 12  # the bars show the last 12 reflections
DIGITS_SHOWN = 5  # the last few scores, spelled out: bars alone do not read in every terminal


# One bar per reflection on the fixed 1-5 scale; a reflection that left the
# belief unscored is a gap, so it never reads as a middling score.
BARS = {1: "▁", 2: "▂", 3: "▄", 4: "▆", 5: "█"}
GAP = " "


def spark_text(scores: Sequence[int | None], colour: bool = True, cells: int = SPARK_CELLS) -> Text:
    """The last `cells` scores as bars, oldest first, each coloured by level; None is a gap."""
    text = Text(no_wrap=True)
    for score in scores[-cells:]:
        if score in BARS:
            text.append(BARS[score], style=tint(LEVEL_STYLE[score], colour))
        else:
            text.append(GAP)
    return text


class BeliefTrendRow(Horizontal):
    """A belief's name, its latest score, a sparkline and the last few scores as digits."""

    def __init__(self, trend: BeliefTrend, name: str) -> None:
        super().__init__(classes="trend-row")
        self.trend = trend
        self.belief_name = name

    def compose(self) -> ComposeResult:
        scored = self.trend.scored
        yield Label(literal(self.belief_name), classes="trend-name")
        latest = self.trend.latest
        yield Label(Text(f"{latest} of 5" if latest is not None else "–", style="bold"), classes="trend-latest")
        spark = Label(spark_text(self.trend.scores, not self.app.no_color), classes="trend-spark")
        spark.display = bool(scored)
        yield spark
        digits = " ".join(str(s) if s is not None else "–" for s in self.trend.recent(DIGITS_SHOWN))
        yield Label(digits or "not scored yet", classes="trend-digits")


WITH_LETTERS = {"with": "w", "mixed": "m", "for": "f"}
AGREED_LETTERS = {"yes": "y", "partly": "p", "no": "n"}


class LetterRow(Horizontal):
    """A lens answered in words, as letters for the last few reflections (– unanswered), latest spelled out."""

    def __init__(self, name: str, answers: Sequence[str], letters: dict[str, str], *, latest: str | None = None) -> None:
        super().__init__(classes="trend-row")
        self.lens_name = name
        self.answers = list(answers)
        self.letters = letters
        answered = [a for a in self.answers if a]
        self.latest = latest if latest is not None else (answered[-1] if answered else "–")

    def compose(self) -> ComposeResult:
        yield Label(Text(self.lens_name), classes="trend-name")
        yield Label(Text(self.latest, style="bold"), classes="lens-latest")
        if self.letters:
            shown = " ".join(self.letters.get(a, "–") for a in self.answers[-DIGITS_SHOWN:])
            yield Label(Text(shown), classes="trend-digits")


class NotesTable(DataTable):
    """The notes between sessions; x deletes the highlighted one, after asking."""

    BINDINGS = [Binding("x", "screen.delete_note", "Delete note", id="history.delete_note")]


class HistoryScreen(CoachAccess, Screen):
    BINDINGS = [
        Binding("o", "open", "Open", id="history.open"),
        Binding("a", "agenda", "Agenda", id="history.agenda"),
        Binding("k", "ask", "Ask them", id="history.ask"),
        Binding("t", "their_answers", "Their answers", id="history.their_answers"),
        Binding("d", "decide", "Decide", id="history.decide"),
        Binding("m", "note", "Note", id="history.note"),
        Binding("i", "insights", "Insights", show=False, id="history.insights"),
        Binding("b,ctrl+l", "back", "Back", id="history.back"),
        # Esc works too, but is slow or lost over SSH and in tmux
        Binding("escape", "back", "Back", show=False, id="history.back_esc"),
    ]

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.client: Client | None = None
        self.reflections: list[Reflection] = []
        self.commitments: dict[str, Commitment] = {}
        self.notes: list[Note] = []
        self._ready = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="history-title", classes="screen-title")
        with VerticalScroll(id="history-body"):
            yield Label("Each belief over time (oldest → newest, scale 1-5)", classes="section")
            yield Vertical(id="trends")
            yield Label("The partnership over time (oldest → newest)", classes="section")
            yield Vertical(id="lenses")
            yield Label("Reflections, newest first · Enter or o opens one", classes="section", id="timeline-label")
            yield DataTable(id="timeline", cursor_type="row", zebra_stripes=False)
            yield Label("What moved since the reflection before", classes="section")
            yield Vertical(id="changes")
            yield Label("Notes between sessions, newest first · m adds one, x deletes", classes="section",
                        id="notes-label")
            yield NotesTable(id="notes-table", cursor_type="row", zebra_stripes=False)
            yield Static("", id="notes-empty", classes="lens-note")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#timeline", DataTable)
        table.add_column("Date", width=DATE_WIDTH, key="date")
        table.add_column("Verdict", width=8, key="verdict")
        table.add_column("Commitment", width=self._commitment_width(), key="commitment")
        table.add_column("Outcome", key="outcome")
        notes = self.query_one("#notes-table", NotesTable)
        notes.add_column("Date", width=DATE_WIDTH, key="on")
        notes.add_column("Kind", width=14, key="kind")
        notes.add_column("Note", key="text")
        self.load()
        table.focus(scroll_visible=False)  # open at the top: the beliefs over time come first
        self.call_after_refresh(self._mark_ready)

    def _commitment_width(self) -> int:
        """The commitment column takes what the others leave, so the outcome stays in view."""
        return max(12, min(40, self.coach.size.width - 43 - self._date_width()))  # room for "Open, due Sat 30 Nov"

    def _day(self, iso: str) -> str:
        """A stored date in the short format ("Fri 4 Dec"); as stored if it is not a date."""
        day = iso_day(iso)
        return short_date(day, self.coach.today) if day else iso

    def _date_width(self) -> int:
        """Wide enough for "Sat 30 Nov 2025" only while such a date is in the timeline."""
        return max([DATE_WIDTH] + [len(self._day(r.date)) for r in self.reflections])

    def on_resize(self) -> None:
        table = self.query_one("#timeline", DataTable)
        width = self._commitment_width()
        if self._ready and table.ordered_columns[2].width != width:
            table.ordered_columns[2].width = width
            self._fill_timeline()

    def _mark_ready(self) -> None:
        self._ready = True

    def on_screen_resume(self) -> None:
        if self._ready:
            self.load()

    def load(self) -> None:
        store = self.coach.store
        self.client = store.client(self.client_id)
        if self.client is None:
            self.query_one("#history-title", Static).update("This client no longer exists.")
            return
        self.reflections = store.reflections(self.client_id)
        self.commitments = {c.id: c for c in store.commitments(self.client_id)}
        title = Text("History · ", style="bold")
        title.append_text(literal(self.client.label, "bold"))
        count = len(self.reflections)
        title.append(f" · {count} reflection{'s' if count != 1 else ''}")
        if self.client.archived:
            title.append(" · archived")
        self.query_one("#history-title", Static).update(title)
        self._fill_trends()
        self._fill_lenses()
        self._fill_timeline()
        self._fill_notes()

    def _fill_notes(self) -> None:
        store = self.coach.store
        self.notes = store.notes(self.client_id)
        table = self.query_one("#notes-table", NotesTable)
        selected = self.selected_note()
        table.clear()
        room = max(20, self.coach.size.width - DATE_WIDTH - 14 - 8)
        for note in reversed(self.notes):
            table.add_row(self._day(note.on), note.kind_word, literal(shorten(note.text, room)), key=note.id)
        table.display = bool(self.notes)
        empty = self.query_one("#notes-empty", Static)
        empty.display = not self.notes
        empty.update(Text("No notes yet: press m to keep a moment with them (or `coach note` from the shell).",
                          style="italic"))
        if selected is not None and selected.id in [n.id for n in self.notes]:
            table.move_cursor(row=table.get_row_index(selected.id))

    def selected_note(self) -> Note | None:
        table = self.query_one("#notes-table", NotesTable)
        if not table.row_count:
            return None
        note_id = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((n for n in self.notes if n.id == note_id), None)

    def action_note(self) -> None:
        if self.client is None:
            return
        self.coach.note_on(self.client, lambda note: self.load() if note is not None else None)

    def action_delete_note(self) -> None:
        note = self.selected_note()
        if note is None or self.coach.refuse_if_read_only():
            return
        from coach.ui.dialogs.confirm import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes and self.coach.guarded_save(lambda: self.coach.store.delete_note(self.client_id, note.id),
                                               what="Deleting the note"):
                self.load()
                self.coach.notify("The note is deleted.", timeout=4)

        body = Text(f"{self._day(note.on)}, {note.kind_name}: ")
        body.append_text(literal(shorten(note.text, 200)))
        self.coach.push_screen(ConfirmDialog("Delete this note?", body, "Delete"), answered)

    def _fill_trends(self) -> None:
        box = self.query_one("#trends", Vertical)
        box.remove_children()
        method: Method = self.coach.method
        if not self.reflections:
            box.mount(Static(Text("No reflection on this client yet.", style="italic")))
            return
        box.mount_all(BeliefTrendRow(t, method.belief(t.key).name) for t in belief_trends(self.reflections))

    def _fill_lenses(self) -> None:
        """Reciprocity, with/for, objectives and metrics agreed, the last partner talk,
        then the one-way flag, the order-taker signals and the decisions taken."""
        box = self.query_one("#lenses", Vertical)
        box.remove_children()
        if not self.reflections or self.client is None:
            box.mount(Static(Text("The lenses of each reflection make these series.", style="italic")))
            return
        points = series(self.reflections)
        rows: list[Widget] = [BeliefTrendRow(BeliefTrend("reciprocity", tuple(p.on for p in points),
                                                         tuple(p.reciprocity for p in points)), "They care about you too")]
        for name, answers, letters in (
            ("With them, or for them", [p.with_or_for for p in points], WITH_LETTERS),
            ("Objectives agreed", [p.objectives_agreed for p in points], AGREED_LETTERS),
            ("Metrics tracked together", [p.metrics_tracked for p in points], AGREED_LETTERS),
        ):
            rows.append(LetterRow(name, answers, letters))
        talk = self.client.summary.last_partner_talk
        rows.append(LetterRow("Last partner talk", [], {}, latest=self._day(talk) if talk else "none on record"))
        notes: list[Text] = [Text("Letters: w with them, m mixed, f for them; y yes, p partly, n no.", style="dim")]
        # the flag and the signals from the summary, as the portfolio and insights read them
        if why := self.client.summary.partnership.get("one_way"):
            notes.append(Text(f"One-way: {why}.", style="bold"))
        call = call_of(self.client)
        if call is not None and call.signals:
            text = Text("Order-taker signals now: " + "; ".join(call.names()) + ".")
            if call.due:
                text.append(" Time to decide: press d.", style="bold")
            notes.append(text)
        for decision in self.client.decisions[-3:]:
            notes.append(Text(f"Decided {self._day(decision.on)}: ") + literal(describe_decision(decision)))
        rows += [Static(n, classes="lens-note") for n in notes]
        box.mount_all(rows)

    def _fill_timeline(self) -> None:
        table = self.query_one("#timeline", DataTable)
        selected = self.selected_id()
        table.clear()
        table.ordered_columns[0].width = self._date_width()
        table.ordered_columns[2].width = self._commitment_width()
        for reflection in reversed(self.reflections):
            commitment = self.commitments.get(reflection.commitment_id)
            table.add_row(
                self._day(reflection.date),
                self.coach.method.verdict_name(reflection.verdict) or "–",
                literal(shorten(commitment.action, self._commitment_width())) if commitment else Text("none", style="dim"),
                self._outcome(commitment),
                key=reflection.id,
            )
        table.display = bool(self.reflections)
        if selected and selected in [r.id for r in self.reflections]:
            table.move_cursor(row=table.get_row_index(selected))
        self.show_changes()

    def _outcome(self, commitment: Commitment | None) -> Text:
        if commitment is None:
            return Text("–")
        if commitment.is_open:
            due = iso_day(commitment.due)
            return Text(f"Open, due {short_date(due, self.coach.today) if due else commitment.due}" if commitment.due else "Open")
        return Text(self.coach.method.outcome_name(commitment.status))

    def selected_id(self) -> str | None:
        table = self.query_one("#timeline", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def selected(self) -> Reflection | None:
        reflection_id = self.selected_id()
        return next((r for r in self.reflections if r.id == reflection_id), None)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id != "timeline":
            return
        self.show_changes()
        if self._ready:
            # keep the timeline and the changes under it in view together
            body = self.query_one("#history-body", VerticalScroll)
            body.scroll_to_widget(self.query_one("#timeline-label"), top=True, animate=False)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "timeline":
            self.action_open()

    def show_changes(self) -> None:
        box = self.query_one("#changes", Vertical)
        box.remove_children()
        box.mount_all(Static(text, classes=kind) for text, kind in self.changes_blocks(self.selected()))

    def changes_blocks(self, reflection: Reflection | None) -> list[tuple[Text, str]]:
        """The changes panel as (text, kind) blocks; kind "evidence" is indented under its belief."""
        if reflection is None:
            return [(Text("Finish a reflection on this client and its history starts here.", style="italic"), "line")]
        earlier = previous_reflection(self.reflections, reflection.id)
        theirs = self.answer_blocks(reflection)
        if earlier is None:
            return [(Text(f"{self._day(reflection.date)} is the first reflection on this client: nothing to compare with yet."), "line"),
                    *theirs]
        method: Method = self.coach.method
        blocks = [(Text(f"From {self._day(earlier.date)} to {self._day(reflection.date)}", style="bold"), "line"), *theirs]
        commitment = self.commitments.get(earlier.commitment_id)
        if commitment is not None:
            text = Text("In between you committed to: ")
            text.append_text(literal(commitment.action))
            text.append(f" → {method.outcome_name(commitment.status if not commitment.is_open else None)}")
            if commitment.what_happened.strip():
                text.append(": ")
                text.append_text(literal(commitment.what_happened))
            blocks.append((text, "line"))
        changes = changes_between(earlier, reflection)
        if not changes:
            blocks.append((Text("No belief score changed."), "line"))
        for change in changes:
            before = "–" if change.before is None else str(change.before)
            after = "–" if change.after is None else str(change.after)
            title = Text(f"{method.belief(change.key).name} {before} → {after}", style="bold")
            if change.delta:
                title.append(f" ({'up' if change.delta > 0 else 'down'} {abs(change.delta)})")
            blocks.append((title, "change"))
            for when, evidence in ((earlier.date, change.before_evidence), (reflection.date, change.after_evidence)):
                text = Text(f"{self._day(when)}: ", style="bold")
                if evidence.strip():
                    text.append_text(literal(evidence.strip(), keep_newlines=True))
                else:
                    text.append("no evidence written", style="italic")
                blocks.append((text, "evidence"))
        return blocks

    def answer_blocks(self, reflection: Reflection) -> list[tuple[Text, str]]:
        """The client's own answers on this reflection beside your scores, if any were recorded."""
        answers = reflection.client_answers
        if not answers.given:
            return []
        method: Method = self.coach.method
        text = Text(f"Their own answers (asked {self._day(answers.asked_on)}), yours beside them:", style="bold")
        blocks = [(text, "line")]
        for belief in method.beliefs:
            theirs, yours = answers.beliefs[belief.key], reflection.beliefs[belief.key].score
            if theirs.score is None and not theirs.words.strip():
                continue
            line = Text(f"{belief.name}: {theirs.score if theirs.score is not None else '–'}"
                        f" (yours {yours if yours is not None else '–'})")
            if theirs.words.strip():
                line.append(" “")
                line.append_text(literal(theirs.words.strip()))
                line.append("”")
            blocks.append((line, "evidence"))
        both = answers.both_ways
        if both.score is not None or both.words.strip():
            line = Text(f"Cares both ways: {both.score if both.score is not None else '–'}")
            if both.words.strip():
                line.append(" “")
                line.append_text(literal(both.words.strip()))
                line.append("”")
            blocks.append((line, "evidence"))
        return blocks

    def action_open(self) -> None:
        reflection = self.selected()
        if reflection is None:
            self.coach.notify("There is no reflection to open yet.", timeout=4)
            return
        from coach.ui.screens.past_reflection import PastReflectionScreen

        self.coach.push_screen(PastReflectionScreen(self.client_id, reflection.id))

    def action_agenda(self) -> None:
        from coach.ui.screens.agenda import AgendaScreen

        self.coach.push_screen(AgendaScreen(self.client_id))

    def action_ask(self) -> None:
        if self.client is None:
            return
        from coach.ui.screens.agenda import CheckInScreen

        self.coach.push_screen(CheckInScreen(self.client_id))

    def action_their_answers(self) -> None:
        """Record the client's own answers on the selected reflection."""
        reflection = self.selected()
        if reflection is None or self.client is None:
            self.coach.notify("Their answers go on a reflection: finish one on this client first.", timeout=6)
            return
        if self.coach.refuse_if_read_only():
            return
        from coach.ui.dialogs.their_answers import TheirAnswersDialog

        def save(answers) -> bool:
            store = self.coach.store

            def write() -> None:
                fresh = store.reflection(self.client_id, reflection.id) or reflection  # undo nothing saved meanwhile
                fresh.client_answers = answers
                store.update_reflection(fresh)

            return self.coach.guarded_save(write, what="Their answers")

        def recorded(answers) -> None:
            if answers is not None:
                self.load()

        asked = iso_day(reflection.client_answers.asked_on) or iso_day(reflection.date) or self.coach.today
        self.coach.push_screen(TheirAnswersDialog(self.client.name, reflection.client_answers, self.coach.method,
                                                  min(asked, self.coach.today), save), recorded)

    def action_insights(self) -> None:
        from coach.ui.screens.insights import InsightsScreen

        self.coach.push_screen(InsightsScreen(self.client_id))

    def action_decide(self) -> None:
        """The keep / exit / let go question, asked now whatever the signals say."""
        if self.client is None or not self.reflections:
            self.coach.notify("A decision rests on reflections: finish one on this client first.", timeout=6)
            return
        if self.coach.refuse_if_read_only():
            return
        self.coach.ask_for_decision(self.client_id, always=True)

    def action_back(self) -> None:
        self.dismiss()

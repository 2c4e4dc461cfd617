"""The steps of a reflection, built from its one definition (coach.reflection_form).

A step lays out its fields by kind: a score or a short choice is a row of
keyed options, a longer choice a select, a text a one-line field, a note a
few lines, a date a field with its reading echoed below. Every step reads its
fields from the draft (`load`) and writes them back (`store`) through the
definition, so moving back and forth, saving a draft and resuming all go
through one place.
"""

from __future__ import annotations

import textwrap
from datetime import date

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, Select, Static

from coach.dates import (
    DateError,
    describe,
    iso_day,
    other_reading,
    parse_due,
    reading_note,
    short_iso,
)
from coach.insight import propose_verdict, shortfalls, strengths, weakest_aim
from coach.method import Method
from coach.models import Client, Draft, Note, Reflection
from coach.reflection_form import CHOICE, DATE, NOTE, SCORE, TEXT, Field
from coach.reflection_form import Step as StepSpec
from coach.textsafe import literal, shorten, visible
from coach.ui.access import CoachAccess
from coach.ui.widgets.choices import Choices
from coach.ui.widgets.fields import NoteArea, TextField, cursor_to_end

GUESS_HINT = "No evidence yet: this score is a guess."


def widget_id(field: Field) -> str:
    return field.key.replace("_", "-")


def focus_now(widget) -> None:
    """Focus at once. Widget.focus() waits a turn, and keys of a fast burst
    that arrive meanwhile would go to the step just left."""
    widget.screen.set_focus(widget)
    # a step just shown has no layout yet, so focusing could not scroll to it:
    # bring it into view once it has one (at 60x20 the score can start below)
    screen = widget.screen
    screen.call_after_refresh(lambda: screen.call_after_refresh(widget.scroll_visible, animate=False))


class Step(CoachAccess, VerticalScroll, can_focus=False):
    """One page of the reflection, laid out from its definition."""

    def __init__(self, spec: StepSpec, client: Client, previous: Reflection | None, today: date, **kw) -> None:
        super().__init__(classes=f"step {spec.kind}-step", **kw)
        self.spec = spec
        self.client = client
        self.previous = previous
        self.today = today
        self.title = spec.title
        self._loaded: dict[str, object] = {}  # field key -> value when the step was shown

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield from self.head()
        for field in self.spec.fields:
            yield from self.field_widgets(field)
        yield from self.tail()

    def head(self) -> ComposeResult:
        spec = self.spec
        if spec.intro:
            yield Static(literal(spec.intro), classes="intro")
        notes = [*spec.guidance]
        if notes:
            yield Static(Text("\n".join(notes)), classes="prompts guidance")
        if spec.prompts:
            yield Static(Text("\n".join(f"· {q}" for q in spec.prompts)), classes="prompts")

    def tail(self) -> ComposeResult:
        return iter(())

    def field_widgets(self, field: Field) -> ComposeResult:
        wid = self.wid(field)
        last = self.last_time(field)
        if field.kind in (SCORE, CHOICE) and all(o.hotkey for o in field.options):
            with Horizontal(classes="choice-row", id=f"{wid}-row"):
                yield Label(field.label + " ", classes="question")
                yield Choices(list(field.options), id=wid)
                yield Label(last, id=f"{wid}-last", classes="last-time")
        elif field.kind == CHOICE:
            yield Label(field.label, classes="field-label")
            yield Select([(o.full_name, o.value) for o in field.options], id=wid, allow_blank=False, prompt=field.label)
        elif field.kind == NOTE:
            yield Label(field.label, classes="field-label")
            yield NoteArea(id=wid)
        elif self.spec.kind == "lenses":  # TEXT and DATE on a lens step: the label beside it, rows are tight
            with Horizontal(classes="text-row"):
                yield Label(Text(field.label), classes="inline-label")
                yield TextField(placeholder=self.placeholder(field, last), id=wid)
            if field.kind == DATE:
                yield Label("", id=f"{wid}-echo", classes="echo")
        else:  # TEXT and DATE: one line; last time's text stands in the empty field
            yield Label(Text(field.label), classes="field-label")
            yield TextField(placeholder=self.placeholder(field, last), id=wid)
            if field.kind == DATE:
                yield Label("", id=f"{wid}-echo", classes="echo")

    def placeholder(self, field: Field, last: str) -> str:
        if last and field.kind == TEXT:
            # cut at a whole word within the field: beside a label on lens steps, full width elsewhere
            return f"Last time: {visible_line(last, 36 if self.spec.kind == 'lenses' else 60)}"
        return field.placeholder_for(shorten(self.client.name, 30), self.today)

    def last_time(self, field: Field) -> str:
        """What the previous reflection said for this field, in words ("" when nothing)."""
        if not field.remembered or self.previous is None:
            return ""
        value = field.of_reflection(self.previous)
        if field.kind in (SCORE, CHOICE):
            return f"last: {field.shown(value, self.today, empty='–', short=True)}"
        return field.shown(value, self.today)

    # -- values ---------------------------------------------------------------------------

    def wid(self, field: Field) -> str:
        return widget_id(field)

    def widget(self, field: Field):
        return self.query_one(f"#{self.wid(field)}")

    def value_of(self, field: Field):
        widget = self.widget(field)
        if field.kind == SCORE:
            return int(widget.value) if widget.value.isascii() and widget.value.isdigit() else None
        if isinstance(widget, Choices):
            return widget.value
        if isinstance(widget, Select):
            return widget.value if isinstance(widget.value, str) else ""
        if isinstance(widget, NoteArea):
            return widget.kept_text
        return widget.kept_value

    def put(self, field: Field, value) -> None:
        widget = self.widget(field)
        if isinstance(widget, Choices):
            widget.set_reactive(Choices.value, "" if value is None else str(value))
            widget.refresh()
        elif isinstance(widget, Select):
            if value:
                widget.value = value
        elif isinstance(widget, NoteArea):
            widget.load_text(value or "")
        else:
            widget.value = value or ""

    def load(self, draft: Draft) -> None:
        """Fill the widgets from the draft."""
        for field in self.spec.fields:
            value = field.get(draft)
            self._loaded[field.key] = value
            self.put(field, value)
        self.refresh_hints()

    def store(self, draft: Draft) -> None:
        """Copy the widgets' values into the draft."""
        for field in self.spec.fields:
            field.set(draft, self.stored_value(field))

    def stored_value(self, field: Field):
        return self.value_of(field)

    def problem(self, draft: Draft) -> str | None:
        """Why Next cannot go on yet, in a sentence; None when it can."""
        for field in self.spec.fields:
            problem = field.problem(self.value_of(field), self.today)
            if problem:
                return problem
        return None

    # -- focus ------------------------------------------------------------------------------

    def entered(self, draft: Draft) -> None:
        """Called when the step is shown, after load: focus where typing belongs.

        The first field still empty; when all are filled, the end of the last
        text, so a key typed on coming back lands in words, never on a score.
        """
        fields = [f for f in self.spec.fields if self.focusable(f)]
        if not fields:
            focus_now(self)
            return
        empty = next((f for f in fields if self.is_empty(f)), None)
        if empty is not None:
            focus_now(self.widget(empty))
            return
        texts = [f for f in fields if f.kind in (TEXT, NOTE, DATE)]
        target = texts[-1] if texts else fields[0]
        widget = self.widget(target)
        focus_now(widget)
        cursor_to_end(widget)

    def focusable(self, field: Field) -> bool:
        return not (field.kind == CHOICE and isinstance(self.widget(field), Select))

    def is_empty(self, field: Field) -> bool:
        value = self.value_of(field)
        return value is None or (isinstance(value, str) and not value.strip())

    # -- hints --------------------------------------------------------------------------------

    def refresh_hints(self) -> None:
        for field in self.spec.fields:
            if field.kind == DATE:
                self.echo(field)

    def echo(self, field: Field) -> None:
        value = self.value_of(field)
        label = self.query_one(f"#{self.wid(field)}-echo", Label)
        text = str(value or "").strip()
        problem = field.problem(value, self.today)
        if text and problem:
            label.update(Text(f"✗ {problem}", style="bold"))
        elif text:
            label.update(f"→ {self.date_reading(field, text)}")
        else:
            label.update(self.blank_date_hint(field))

    def date_reading(self, field: Field, text: str) -> str:
        try:
            day = field.read_date(text, self.today)
        except DateError:
            return ""
        note = reading_note(text, day)  # 4/12: say which of the two readings was taken
        other = other_reading(text, self.today) if note else None
        if other is not None:
            # the other way round is nearer ("1/12" due read as next December; 12 January is in six weeks)
            try:
                alt = field.read_date(other[1], self.today)
            except DateError:
                alt = None
            # only a reading the field would take, and only when it is nearer
            if (alt is not None and field.problem(other[1], self.today) is None
                    and abs((alt - self.today).days) < abs((day - self.today).days)):
                note += f'; for {alt.day} {alt:%B} type "{other[1]}"'
        return describe(day, self.today) + (f" · {note}" if note else "")

    def blank_date_hint(self, field: Field) -> str:
        return ""

    def on_input_changed(self, event) -> None:
        for field in self.spec.fields:
            if field.kind == DATE and event.input.id == self.wid(field):
                self.echo(field)


def visible_line(text: str, width: int = 60) -> str:
    return shorten(text.replace("\n", " "), width)


class BeliefStep(Step):
    """One belief: the client's voice, prompts, last time, the score and its evidence."""

    BINDINGS = [
        Binding("ctrl+t", "their_answers", "Their answer", id="reflect.their_answers"),
        Binding("ctrl+g", "use_note", "Use a note", id="reflect.use_note"),
    ]

    def __init__(self, *args, notes: list[Note] | None = None, **kw) -> None:
        super().__init__(*args, **kw)
        self.notes = notes or []  # the notes on this client since the last reflection, oldest first
        self._used: set[str] = set()  # ids of the notes put into this belief's evidence

    def head(self) -> ComposeResult:
        yield Static(literal(f"“{self.spec.intro}”"), classes="feel")
        yield Static(Text("\n".join(f"· {q}" for q in self.spec.prompts)), classes="prompts")
        # last time sits above the score, where it informs it, and keeps the step
        # within 80x24 without scrolling
        yield Static(self._before_text(), id="before", classes="before")

    def field_widgets(self, field: Field) -> ComposeResult:
        if field.kind == SCORE:
            with Horizontal(classes="score-row"):
                yield Label(field.label + " ", classes="question")
                yield Choices(list(field.options), id=self.wid(field))
                yield Label("", id="scale-label", classes="scale-label")
        else:
            label = field.label_for(visible(self.client.name))
            if cell_len(label) > 76:  # a long name would push the label onto two lines
                label = field.label_for("the client")
            yield Label(Text(label), classes="field-label")  # Text: a name is never markup
            yield NoteArea(id=self.wid(field))

    def tail(self) -> ComposeResult:
        yield Static("", id="guess", classes="guess")
        if self.notes:
            yield Static(self._notes_text(), id="notes", classes="notes")

    def _notes_text(self) -> Text:
        """One line at 80x24 (the step has one row to spare): how many notes, and
        the next that ctrl+g would use; the whole list follows, a scroll away."""
        since = f"since {short_iso(self.previous.date, self.today)}" if self.previous is not None else "so far"
        width = max(30, (self.app.size.width if self.is_attached else 80) - 4)
        count = f"{len(self.notes)} note{'s' if len(self.notes) != 1 else ''} {since}"
        upcoming = next((n for n in self.notes if not self._is_used(n)), None)
        text = Text(count, style="bold")
        if upcoming is None:
            text.append(" · all in this evidence")
        else:
            head = f" · ctrl+g uses: {short_iso(upcoming.on, self.today)}, {upcoming.kind_name}: "
            text.append(head)
            text.append_text(literal(visible_line(upcoming.text, max(10, width - cell_len(count + head))),
                                     keep_newlines=False))
        if len(self.notes) > 1:
            for note in self.notes:
                mark = "✓ " if self._is_used(note) else "· "
                line = f"\n{mark}{short_iso(note.on, self.today)}, {note.kind_name}: "
                text.append(line)
                text.append_text(literal(visible_line(note.text, max(10, width - cell_len(line))), keep_newlines=False))
        return text

    def _is_used(self, note: Note) -> bool:
        """Put in here, now or in an earlier sitting of this draft (its words are in the evidence)."""
        if note.id in self._used:
            return True
        evidence = self.widget(self.evidence_field).kept_text if self.is_mounted else ""
        return bool(note.text.strip()) and note.text.strip() in evidence

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "use_note":
            return bool(self.notes)  # in the footer only when there is a note to use
        return True

    def action_use_note(self) -> None:
        """Copy the next note not yet used here into the evidence."""
        note = next((n for n in self.notes if not self._is_used(n)), None)
        if note is None:
            self.coach.notify("Every note is in this evidence already.", timeout=3)
            return
        self._used.add(note.id)
        evidence = self.widget(self.evidence_field)
        evidence.add_line(note.text)
        focus_now(evidence)
        self._show_notes()

    def wid(self, field: Field) -> str:
        # one belief per step: the widgets are named for their part
        return "score" if field.kind == SCORE else "evidence"

    @property
    def score_field(self) -> Field:
        return next(f for f in self.spec.fields if f.kind == SCORE)

    @property
    def evidence_field(self) -> Field:
        return next(f for f in self.spec.fields if f.kind == NOTE)

    def _before_text(self, draft: Draft | None = None) -> Text:
        if self.previous is None:
            text = Text("No earlier reflection on this client.", style="dim")
        else:
            score = self.score_field.of_reflection(self.previous)
            evidence = self.evidence_field.of_reflection(self.previous)
            text = Text(f"Last time ({short_iso(self.previous.date, self.today)}): ", style="bold")
            text.append(f"{score if score is not None else '–'} of 5")
            text.append(" — ")
            text.append_text(literal(evidence or "no evidence given", keep_newlines=False))
        answers = draft.reflection.client_answers if draft is not None else None
        theirs = answers.beliefs[self.spec.key] if answers is not None else None
        if theirs is not None and (theirs.score is not None or theirs.words.strip()):
            # their own answer, where it tests the guess about to be made
            text.append(f"\nThey said ({short_iso(answers.asked_on, self.today)}): ", style="bold")
            text.append(f"{theirs.score if theirs.score is not None else '–'} of 5")
            if theirs.words.strip():
                text.append(" — ")
                text.append_text(literal(visible_line(theirs.words, 200)))
        return text

    def load(self, draft: Draft) -> None:
        super().load(draft)
        self.query_one("#before", Static).update(self._before_text(draft))
        self._show_notes()

    def _show_notes(self) -> None:
        if self.notes:
            self.query_one("#notes", Static).update(self._notes_text())

    def action_their_answers(self) -> None:
        """Record the client's own answers to a check-in on this reflection."""
        from coach.ui.dialogs.their_answers import TheirAnswersDialog

        screen = self.screen
        draft: Draft = screen.draft

        def save(answers) -> bool:
            draft.reflection.client_answers = answers
            screen.save_draft(quiet=True)  # held in the draft either way, like every word typed
            return True

        def recorded(answers) -> None:
            if answers is not None:
                self.query_one("#before", Static).update(self._before_text(draft))

        asked = iso_day(draft.reflection.client_answers.asked_on) or self.today
        self.coach.push_screen(TheirAnswersDialog(self.client.name, draft.reflection.client_answers,
                                                  self.coach.method, asked, save, focus=self.spec.key), recorded)

    def refresh_hints(self) -> None:
        self._hints = None
        self.hint()

    def hint(self) -> None:
        score = self.value_of(self.score_field)
        evidence = self.widget(self.evidence_field).text.strip()
        label = self.coach.method.scale_labels.get(score, "") if score else "press 1-5 to score"
        before = self._loaded.get(self.score_field.key)
        if before is not None and score != before:
            # a score already given, now changed: say so, so a stray digit is
            # seen; the longest wording that fits the row, never cut mid-word
            change = f"{before} → {score if score is not None else 'none'}"
            room = self.query_one("#scale-label", Label).content_size.width or 20
            wordings = [f"changed {change}: {label}", f"{change}: {label}"] if score else []
            wordings += [f"changed {change}", change]
            label = next((w for w in wordings if cell_len(w) <= room), wordings[-1])
        guess = GUESS_HINT if score is not None and not evidence else ""
        # update only on change: each update redraws, and over SSH every key pays for it
        if (label, guess) != getattr(self, "_hints", None):
            self._hints = (label, guess)
            self.query_one("#scale-label", Label).update(label)
            self.query_one("#guess", Static).update(guess)

    def on_choices_changed(self) -> None:
        self.hint()

    def on_resize(self) -> None:
        self.refresh_hints()  # the room for the wording changed

    def on_text_area_changed(self) -> None:
        self.hint()


class PartnersStep(Step):
    """Partners, not customers; and does it go both ways?"""

    BINDINGS = [Binding("ctrl+t", "edit_terms", "Edit terms", id="reflect.edit_terms")]

    def head(self) -> ComposeResult:
        yield Static(Text("\n".join(self.spec.guidance)), classes="prompts guidance")
        yield Static(self._terms(), classes="terms", id="terms")

    def _terms(self) -> Text:
        text = Text()
        if self.client.objectives:
            text.append("Objectives: ", style="bold")
            text.append_text(literal("; ".join(self.client.objectives)))
        else:
            text.append("No objectives recorded for this client yet.", style="dim")
        if self.client.metrics:
            text.append("\nMetrics: ", style="bold")
            text.append_text(literal("; ".join(
                f"{m.name} {m.current or '?'} of {m.target or '?'}" for m in self.client.metrics
            )))
        text.append("\nctrl+t edits these terms.", style="dim")
        return text

    def action_edit_terms(self) -> None:
        from coach.ui.screens.terms import TermsScreen

        def edited(saved: bool | None) -> None:
            fresh = self.coach.store.client(self.client.id) if saved else None
            if fresh is not None:
                self.client.objectives, self.client.metrics = fresh.objectives, fresh.metrics
                self.query_one("#terms", Static).update(self._terms())

        self.coach.push_screen(TermsScreen(self.client.id), edited)


class MeetingStep(Step):
    """Working with them or for them; the last talk as business partners."""

    def __init__(self, *args, last_talk: date | None = None, **kw) -> None:
        super().__init__(*args, **kw)
        self.last_talk = last_talk  # what history knows, whatever this week's field says

    def head(self) -> ComposeResult:
        yield Static(Text("\n".join(self.spec.guidance)), classes="prompts guidance")

    def stored_value(self, field: Field):
        value = self.value_of(field)
        if field.kind == DATE and value:
            # the ISO date when it reads as one; otherwise keep what was typed
            try:
                return field.read_date(value, self.today).isoformat()
            except DateError:
                return value
        return value

    def blank_date_hint(self, field: Field) -> str:
        if self.last_talk is None:
            return "No partner talk on record yet."
        return f"Last on record: {describe(self.last_talk, self.today)}; leave blank if none since."


class VerdictStep(Step):
    """coach proposes; the person decides, and says why."""

    def __init__(self, *args, last_talk: date | None = None, **kw) -> None:
        super().__init__(*args, **kw)
        self.last_talk = last_talk  # the same fact the meeting step and the agenda show

    def head(self) -> ComposeResult:
        yield Static("", id="proposal", classes="proposal")

    def field_widgets(self, field: Field) -> ComposeResult:
        if field.kind == CHOICE:
            yield Label(field.label, classes="field-label")
            yield Choices(list(field.options), id=self.wid(field))
            yield Static("", id="verdict-meaning", classes="prompts")
        else:
            yield from super().field_widgets(field)

    def entered(self, draft: Draft) -> None:
        """Propose, never decide: the verdict stays empty until the person picks
        one, and the proposal is worked out afresh each time the step is shown,
        so scores changed on the way back are in it."""
        method = self.coach.method
        proposal = propose_verdict(draft.reflection, self.previous, self.today, last_talk=self.last_talk)
        before = draft.reflection.proposed_verdict
        draft.reflection.proposed_verdict = proposal.verdict
        draft.reflection.verdict_reasons = list(proposal.reasons)
        verdict = self.spec.field("verdict")
        chosen = draft.reflection.verdict
        hotkey = next(o.hotkey for o in verdict.options if o.value == proposal.verdict)
        text = Text("coach proposes: ", style="bold")
        text.append(method.verdict_name(proposal.verdict), style="bold reverse")
        if not chosen:
            text.append(f"  (press {hotkey} to agree, or choose another)")
        elif before and before != proposal.verdict:
            text.append(f"  (it was {method.verdict_name(before)} when you chose {method.verdict_name(chosen)})")
        # each reason a bullet whose wrapped lines hang under its first word
        room = max((self.query_one("#proposal").content_size.width or self.app.size.width - 4) - 4, 20)
        for reason in proposal.reasons:
            text.append("\n  · " + "\n    ".join(textwrap.wrap(reason, room)))
        self.query_one("#proposal", Static).update(text)
        if not chosen:
            focus_now(self.widget(verdict))  # the decision comes first
            return
        super().entered(draft)

    def on_choices_changed(self, event: Choices.Changed) -> None:
        self._meaning(event.value)

    def _meaning(self, key: str) -> None:
        verdict = next((v for v in self.coach.method.verdicts if v.key == key), None)
        self.query_one("#verdict-meaning", Static).update(verdict.meaning if verdict else "")

    def load(self, draft: Draft) -> None:
        super().load(draft)
        self._meaning(draft.reflection.verdict)


class CommitmentStep(Step):
    """Exactly one action, aimed at a belief or lens, with a due date."""

    def field_widgets(self, field: Field) -> ComposeResult:
        yield from super().field_widgets(field)
        if field.key == "aim":
            yield Label("", id="aim-hint", classes="prompts")
            yield Static("", id="worked", classes="worked")

    def entered(self, draft: Draft) -> None:
        suggested = weakest_aim(draft.reflection, self.previous)
        if not draft.commitment.aim:
            self.query_one("#aim", Select).value = suggested
        self.query_one("#aim-hint", Label).update(f"coach suggests: {self.coach.method.aim_name(suggested)}")
        self._show_worked()
        super().entered(draft)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "aim":
            self._show_worked()

    def _show_worked(self) -> None:
        aim = self.value_of(self.spec.field("aim"))
        self.query_one("#worked", Static).update(self.worked_text(aim) if aim else "")

    def worked_text(self, aim: str) -> Text:
        """What has worked for this user on `aim`: kept commitments followed by a
        rise, this client's first, then other clients', newest first (two at most:
        the step fits 80x24)."""
        from coach.works import what_worked

        def works(client: Client) -> dict:
            return (client.summary.partnership or {}).get("works") or {}

        others = [c for c in self.coach.store.clients(include_archived=True) if c.id != self.client.id]
        rows = (what_worked([(self.client.name, works(self.client))], aim)
                + what_worked([(c.name, works(c)) for c in others], aim))[:2]
        name = self.coach.method.aim_name(aim)
        if not rows:
            return Text(f"Nothing kept has yet been followed by a rise in {name}.", style="dim")
        text = Text(f"What has worked for you on {name}:", style="bold")
        width = max(30, (self.app.size.width if self.is_attached else 80) - 4)
        for w in rows:
            rise = f"+{w.change:.0f}" if float(w.change).is_integer() else f"+{w.change:.1f}"
            where = f" ({w.client}, {short_iso(w.made_on, self.today)}, {rise})"
            where = shorten(where, 40)
            text.append("\n· ")
            text.append_text(literal(visible_line(w.action, max(10, width - 2 - cell_len(where)))))
            text.append(where, style="dim")
        return text

    def store(self, draft: Draft) -> None:
        super().store(draft)
        due = self._due()
        draft.commitment.due = due.isoformat() if due else ""

    def _due(self) -> date | None:
        text = self.value_of(self.spec.field("due_text"))
        try:
            return parse_due(text, self.today) if text.strip() else None
        except DateError:
            return None


class SummaryStep(Step, can_focus=True):
    """What to acknowledge, where it falls short, the verdict and the commitment."""

    BINDINGS = [Binding("enter", "screen.save", "Save", show=False, id="reflect.summary_save")]

    def head(self) -> ComposeResult:
        yield Static("", id="summary")
        yield Static("Press ctrl+n (or Enter) to save this reflection.", classes="prompts")

    def entered(self, draft: Draft) -> None:
        text = summary_text(draft, self.coach.method, self.today, self.previous)
        if why := self._ask_why(draft):
            text.append(f"\nAsk them ({why}): ", style="bold")
            text.append("their own answers test these guesses; k in their history writes a check-in to send.")
        self.query_one("#summary", Static).update(text)
        focus_now(self)

    def _ask_why(self, draft: Draft) -> str | None:
        """Why it is time to ask the client for their own answers, unless this reflection holds them."""
        from coach.settings import current
        from coach.voice import ask_reason

        if draft.reflection.client_answers.given:
            return None
        return ask_reason(self.client.summary, self.today, current().ask_every_days)


STEP_CLASSES = {"belief": BeliefStep, "verdict": VerdictStep, "commitment": CommitmentStep, "summary": SummaryStep}


def make_step(spec: StepSpec, client: Client, previous: Reflection | None, today: date, *,
              last_talk: date | None = None, notes: list[Note] | None = None, **kw) -> Step:
    if spec.key == "partners":
        return PartnersStep(spec, client, previous, today, **kw)
    if spec.key == "meeting":
        return MeetingStep(spec, client, previous, today, last_talk=last_talk, **kw)
    if spec.kind == "verdict":
        return VerdictStep(spec, client, previous, today, last_talk=last_talk, **kw)
    if spec.kind == "belief":
        return BeliefStep(spec, client, previous, today, notes=notes, **kw)
    return STEP_CLASSES.get(spec.kind, Step)(spec, client, previous, today, **kw)


def summary_text(draft: Draft, method: Method, today: date, previous: Reflection | None = None) -> Text:
    reflection = draft.reflection
    text = Text()
    strong = strengths(reflection)
    text.append("Acknowledge: ", style="bold")
    text.append(", ".join(method.belief(k).name for k in strong) if strong else "no belief is both strong and evidenced yet")
    low = shortfalls(reflection, previous)
    text.append("\n\nFalls short: ", style="bold")
    if low:
        text.append(", ".join(f"{method.belief(k).name} ({_fall(k, reflection, previous)})" for k in low))
    else:
        text.append("nothing scored 2 or lower, and nothing fell")
    guesses = [method.belief(k).name for k, b in reflection.beliefs.items() if b.is_guess]
    if guesses:
        text.append("\nGuesses (no evidence): ", style="bold")
        text.append(", ".join(guesses))
    unscored = [method.belief(k).name for k, b in reflection.beliefs.items() if b.score is None]
    if unscored:
        text.append("\nNot scored: ", style="bold")
        text.append(", ".join(unscored))
    text.append("\n\nVerdict: ", style="bold")
    text.append(method.verdict_name(reflection.verdict) or "none")
    if reflection.verdict_why.strip():
        text.append(" — ")
        text.append_text(literal(reflection.verdict_why))
    commitment = draft.commitment
    text.append("\n\nCommitment: ", style="bold")
    text.append_text(literal(commitment.action or "none"))
    if commitment.aim:
        text.append(f"\n  aimed at {method.aim_name(commitment.aim)}")
    if commitment.due:
        text.append(f", due {describe(date.fromisoformat(commitment.due), today)}")
    return text


def _fall(key: str, reflection: Reflection, previous: Reflection | None) -> str:
    """A short-falling score, with where it fell from: "2", or "3, was 4"."""
    now = reflection.beliefs[key].score
    before = previous.beliefs[key].score if previous is not None else None
    return f"{now}, was {before}" if before is not None and now is not None and now < before else str(now)


def last_commitment_line(client: Client, method: Method, width: int = 78, today: date | None = None) -> Text | None:
    """What became of the last commitment, for the top of the next reflection.

    The outcome is what matters here, so it always fits; the action takes the
    room that is left of `width` cells.
    """
    last = client.summary.last_commitment
    if not last:
        return None
    status = last.get("status", "open")
    outcome = Text(f" → {method.outcome_name(status if status != 'open' else None)}")
    if status == "open":
        outcome.append(f" (due {short_iso(last.get('due', ''), today or date.today()) or '?'})")
    elif last.get("what_happened"):
        outcome.append(": ")
        outcome.append(shorten(last["what_happened"], 30))
    text = Text("Last commitment: ", style="bold")
    room = max(12, width - text.cell_len - outcome.cell_len)
    text.append(shorten(last.get("action", ""), room))
    return text + outcome

"""The steps of a reflection, one widget each.

Every step reads its fields from the draft (`load`) and writes them back
(`store`), so moving back and forth, saving a draft and resuming all go
through one place.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Select, Static

from coach.dates import DateError, describe, parse_date, parse_due
from coach.insight import propose_verdict, shortfalls, strengths, weakest_aim
from coach.method import Belief, Method
from coach.models import BeliefScore, Client, Draft, Reflection
from coach.textsafe import literal, shorten
from coach.ui.access import CoachAccess
from coach.ui.widgets.choices import Choices, Option, score_options
from coach.ui.widgets.fields import NoteArea, TextField


class Step(CoachAccess, VerticalScroll, can_focus=False):
    """One page of the reflection."""

    title = ""

    def load(self, draft: Draft) -> None:
        """Fill the widgets from the draft."""

    def store(self, draft: Draft) -> None:
        """Copy the widgets' values into the draft."""

    def problem(self, draft: Draft) -> str | None:
        """Why Next cannot go on yet, in a sentence; None when it can."""
        return None

    def entered(self, draft: Draft) -> None:
        """Called when the step is shown, after load."""


def focus_now(widget) -> None:
    """Focus at once. Widget.focus() waits a turn, and keys of a fast burst
    that arrive meanwhile would go to the step just left."""
    widget.screen.set_focus(widget)


def _score(value: str) -> int | None:
    return int(value) if value.isdigit() else None


GUESS_HINT = "No evidence yet: this score is a guess."


class BeliefStep(Step):
    def __init__(self, belief: Belief, method: Method, before: tuple[str, BeliefScore] | None, **kw) -> None:
        super().__init__(classes="step belief-step", **kw)
        self.belief = belief
        self.method = method
        self.before = before
        self.title = belief.name
        self._hints: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield Static(f"“{self.belief.feel}”", classes="feel")
        yield Static("\n".join(f"· {q}" for q in self.belief.prompts), classes="prompts")
        # last time sits above the score, where it informs it, and keeps the step
        # within 80x24 without scrolling
        yield Static(self._before_text(), id="before", classes="before")
        with Horizontal(classes="score-row"):
            yield Label(self.method.scale_question + " ", classes="question")
            yield Choices(score_options(self.method.scale_labels), id="score")
            yield Label("", id="scale-label", classes="scale-label")
        yield Label("Evidence, in the client's terms: a moment, something they said or did", classes="field-label")
        yield NoteArea(id="evidence")
        yield Static("", id="guess", classes="guess")

    def _before_text(self) -> Text:
        if self.before is None:
            return Text("No earlier reflection on this client.", style="dim")
        when, earlier = self.before
        text = Text(f"Last time ({when}): ", style="bold")
        text.append(f"{earlier.score if earlier.score is not None else '–'} of 5")
        text.append(" — ")
        text.append_text(literal(earlier.evidence or "no evidence given", keep_newlines=False))
        return text

    def load(self, draft: Draft) -> None:
        entry = draft.reflection.beliefs[self.belief.key]
        self.query_one("#score", Choices).set_reactive(Choices.value, str(entry.score or ""))
        self.query_one("#score", Choices).refresh()
        self.query_one("#evidence", NoteArea).load_text(entry.evidence)
        self.refresh_hints()

    def store(self, draft: Draft) -> None:
        draft.reflection.beliefs[self.belief.key] = BeliefScore(
            score=_score(self.query_one("#score", Choices).value),
            evidence=self.query_one("#evidence", NoteArea).kept_text,
        )

    def refresh_hints(self) -> None:
        score = _score(self.query_one("#score", Choices).value)
        evidence = self.query_one("#evidence", NoteArea).text.strip()
        label = self.method.scale_labels.get(score, "") if score else "not scored yet: press 1-5"
        guess = GUESS_HINT if score is not None and not evidence else ""
        # update only on change: each update redraws, and over SSH every key pays for it
        if (label, guess) != self._hints:
            self._hints = (label, guess)
            self.query_one("#scale-label", Label).update(label)
            self.query_one("#guess", Static).update(guess)

    def on_choices_changed(self) -> None:
        self.refresh_hints()

    def on_text_area_changed(self) -> None:
        self.refresh_hints()

    def entered(self, draft: Draft) -> None:
        focus_now(self.query_one("#score", Choices))


AGREEMENT = [Option("yes", "Yes", "y"), Option("partly", "Partly", "p"), Option("no", "No", "n")]
WITH_OR_FOR = [Option("with", "With", "w"), Option("mixed", "Between", "b"), Option("for", "For", "f")]


class PartnersStep(Step):
    title = "Partners, and does it go both ways?"

    BINDINGS = [Binding("ctrl+t", "edit_terms", "Edit terms", id="reflect.edit_terms")]

    def __init__(self, client: Client, method: Method, **kw) -> None:
        super().__init__(classes="step lens-step", **kw)
        self.client = client
        self.method = method

    def compose(self) -> ComposeResult:
        lenses = {lens.key: lens for lens in self.method.lenses}
        yield Static(lenses["partners"].note, classes="prompts")
        yield Static(self._terms(), classes="terms", id="terms")
        with Horizontal(classes="choice-row"):
            yield Label("Objectives agreed and aligned? ", classes="question")
            yield Choices(AGREEMENT, id="objectives")
        with Horizontal(classes="choice-row"):
            yield Label("Key metrics agreed, tracked?  ", classes="question")
            yield Choices(AGREEMENT, id="metrics")
        yield TextField(placeholder="What stands in the way, or what the numbers say", id="partners-notes")
        yield Static(lenses["reciprocity"].question, classes="field-label")
        with Horizontal(classes="choice-row"):
            yield Label("Cares about you too (1-5)?   ", classes="question")
            yield Choices(score_options(self.method.scale_labels), id="reciprocity")
        yield TextField(placeholder="Evidence: when did they show interest in you or your business?", id="reciprocity-evidence")

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

    def load(self, draft: Draft) -> None:
        lenses = draft.reflection.lenses
        self.query_one("#objectives", Choices).value = lenses.objectives_agreed
        self.query_one("#metrics", Choices).value = lenses.metrics_tracked
        self.query_one("#partners-notes", Input).value = lenses.partners_notes
        self.query_one("#reciprocity", Choices).value = str(lenses.reciprocity or "")
        self.query_one("#reciprocity-evidence", Input).value = lenses.reciprocity_evidence

    def store(self, draft: Draft) -> None:
        lenses = draft.reflection.lenses
        lenses.objectives_agreed = self.query_one("#objectives", Choices).value
        lenses.metrics_tracked = self.query_one("#metrics", Choices).value
        lenses.partners_notes = self.query_one("#partners-notes", TextField).kept_value
        lenses.reciprocity = _score(self.query_one("#reciprocity", Choices).value)
        lenses.reciprocity_evidence = self.query_one("#reciprocity-evidence", TextField).kept_value

    def entered(self, draft: Draft) -> None:
        focus_now(self.query_one("#objectives", Choices))


class MeetingStep(Step):
    title = "With them? Meeting as partners"

    def __init__(self, method: Method, today: date, **kw) -> None:
        super().__init__(classes="step lens-step", **kw)
        self.method = method
        self.today = today

    def compose(self) -> ComposeResult:
        lenses = {lens.key: lens for lens in self.method.lenses}
        yield Static(lenses["with"].question, classes="field-label")
        with Horizontal(classes="choice-row"):
            yield Label("Working with them or for them? ", classes="question")
            yield Choices(WITH_OR_FOR, id="with-or-for")
        yield TextField(placeholder="What makes you say so?", id="with-notes")
        yield Static(lenses["meeting"].question, classes="field-label")
        yield TextField(placeholder='Last partner talk: "3 weeks ago", "2026-10-02", or blank', id="meeting-date")
        yield Label("", id="meeting-echo", classes="echo")
        yield TextField(placeholder="Unused capacity that came up", id="unused-capacity")
        yield TextField(placeholder="Further topics to take on together", id="further-topics")
        yield TextField(placeholder="Better ways of working", id="better-ways")

    def load(self, draft: Draft) -> None:
        lenses = draft.reflection.lenses
        self.query_one("#with-or-for", Choices).value = lenses.with_or_for
        self.query_one("#with-notes", Input).value = lenses.with_or_for_notes
        self.query_one("#meeting-date", Input).value = lenses.last_partner_meeting
        self.query_one("#unused-capacity", Input).value = lenses.unused_capacity
        self.query_one("#further-topics", Input).value = lenses.further_topics
        self.query_one("#better-ways", Input).value = lenses.better_ways
        self._echo()

    def _meeting_date(self) -> tuple[str, str | None]:
        """The ISO date typed, or the problem with it."""
        text = self.query_one("#meeting-date", TextField).kept_value.strip()
        if not text:
            return "", None
        try:
            day = parse_date(text, self.today)
        except DateError as exc:
            return text, str(exc)
        if day > self.today:
            return text, "That is in the future; when was the last one?"
        return day.isoformat(), None

    def _echo(self) -> None:
        value, problem = self._meeting_date()
        echo = self.query_one("#meeting-echo", Label)
        if problem:
            echo.update(Text(f"✗ {problem}", style="bold"))
        elif value:
            echo.update(f"→ {describe(date.fromisoformat(value), self.today)}")
        else:
            echo.update("")

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "meeting-date":
            self._echo()

    def store(self, draft: Draft) -> None:
        lenses = draft.reflection.lenses
        lenses.with_or_for = self.query_one("#with-or-for", Choices).value
        lenses.with_or_for_notes = self.query_one("#with-notes", TextField).kept_value
        value, problem = self._meeting_date()
        # keep what was typed even when it does not read as a date yet
        lenses.last_partner_meeting = value if not problem else self.query_one("#meeting-date", Input).value
        lenses.unused_capacity = self.query_one("#unused-capacity", TextField).kept_value
        lenses.further_topics = self.query_one("#further-topics", TextField).kept_value
        lenses.better_ways = self.query_one("#better-ways", TextField).kept_value

    def problem(self, draft: Draft) -> str | None:
        return self._meeting_date()[1]

    def entered(self, draft: Draft) -> None:
        focus_now(self.query_one("#with-or-for", Choices))


class VerdictStep(Step):
    title = "Is the partnership thriving?"

    def __init__(self, method: Method, previous: Reflection | None, today: date, **kw) -> None:
        super().__init__(classes="step verdict-step", **kw)
        self.method = method
        self.previous = previous
        self.today = today

    def compose(self) -> ComposeResult:
        yield Static("", id="proposal", classes="proposal")
        yield Label("Your verdict (the decision is yours):", classes="field-label")
        yield Choices(
            [Option(v.key, v.name, v.name[0].lower()) for v in self.method.verdicts], id="verdict"
        )
        yield Static("", id="verdict-meaning", classes="prompts")
        yield Label("Why?", classes="field-label")
        yield TextField(placeholder="The reason, in a sentence", id="verdict-why")

    def entered(self, draft: Draft) -> None:
        proposal = propose_verdict(draft.reflection, self.previous, self.today)
        draft.reflection.proposed_verdict = proposal.verdict
        draft.reflection.verdict_reasons = list(proposal.reasons)
        text = Text("coach proposes: ", style="bold")
        text.append(self.method.verdict_name(proposal.verdict), style="bold reverse")
        for reason in proposal.reasons:
            text.append(f"\n  · {reason}")
        self.query_one("#proposal", Static).update(text)
        if not draft.reflection.verdict:
            self.query_one("#verdict", Choices).value = proposal.verdict
        focus_now(self.query_one("#verdict", Choices))

    def load(self, draft: Draft) -> None:
        self.query_one("#verdict", Choices).value = draft.reflection.verdict
        self.query_one("#verdict-why", Input).value = draft.reflection.verdict_why

    def store(self, draft: Draft) -> None:
        draft.reflection.verdict = self.query_one("#verdict", Choices).value
        draft.reflection.verdict_why = self.query_one("#verdict-why", TextField).kept_value

    def on_choices_changed(self, event: Choices.Changed) -> None:
        verdict = next((v for v in self.method.verdicts if v.key == event.value), None)
        self.query_one("#verdict-meaning", Static).update(verdict.meaning if verdict else "")

    def problem(self, draft: Draft) -> str | None:
        return None if self.query_one("#verdict", Choices).value else "Choose a verdict (t, s, d or a)."


class CommitmentStep(Step):
    title = "One commitment"

    def __init__(self, method: Method, today: date, **kw) -> None:
        super().__init__(classes="step commitment-step", **kw)
        self.method = method
        self.today = today

    def compose(self) -> ComposeResult:
        yield Static("One concrete action, not a list. What will you do, and by when?", classes="prompts")
        yield Label("Action", classes="field-label")
        yield TextField(placeholder="e.g. Ask Dana what a good quarter looks like for her team", id="action")
        yield Label("Aimed at", classes="field-label")
        options = [(b.name, b.key) for b in self.method.beliefs] + [(l.name, l.key) for l in self.method.lenses]
        yield Select(options, id="aim", allow_blank=False, prompt="Aimed at")
        yield Label("", id="aim-hint", classes="prompts")
        yield Label("Due", classes="field-label")
        yield TextField(placeholder='"next friday", "in 2 weeks", "2026-12-04"', id="due")
        yield Label("", id="due-echo", classes="echo")

    def entered(self, draft: Draft) -> None:
        suggested = weakest_aim(draft.reflection)
        if not draft.commitment.aim:
            self.query_one("#aim", Select).value = suggested
        self.query_one("#aim-hint", Label).update(f"coach suggests: {self.method.aim_name(suggested)}")
        focus_now(self.query_one("#action", Input))

    def load(self, draft: Draft) -> None:
        self.query_one("#action", Input).value = draft.commitment.action
        if draft.commitment.aim:
            self.query_one("#aim", Select).value = draft.commitment.aim
        self.query_one("#due", Input).value = draft.due_text
        self._echo()

    def store(self, draft: Draft) -> None:
        draft.commitment.action = self.query_one("#action", TextField).kept_value
        aim = self.query_one("#aim", Select).value
        draft.commitment.aim = aim if isinstance(aim, str) else ""
        draft.due_text = self.query_one("#due", TextField).kept_value
        due, _ = self._due()
        draft.commitment.due = due.isoformat() if due else ""

    def _due(self) -> tuple[date | None, str | None]:
        text = self.query_one("#due", TextField).kept_value
        if not text.strip():
            return None, "Give it a due date."
        try:
            return parse_due(text, self.today), None
        except DateError as exc:
            return None, str(exc)

    def _echo(self) -> None:
        due, problem = self._due()
        echo = self.query_one("#due-echo", Label)
        if due:
            echo.update(f"→ {describe(due, self.today)}")
        elif self.query_one("#due", Input).value.strip():
            echo.update(Text(f"✗ {problem}", style="bold"))
        else:
            echo.update("")

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "due":
            self._echo()

    def problem(self, draft: Draft) -> str | None:
        if not self.query_one("#action", Input).value.strip():
            return "Write the one action you commit to."
        return self._due()[1]


class SummaryStep(Step, can_focus=True):
    title = "Summary"

    def __init__(self, method: Method, today: date, **kw) -> None:
        super().__init__(classes="step summary-step", **kw)
        self.method = method
        self.today = today

    def compose(self) -> ComposeResult:
        yield Static("", id="summary")
        yield Static("Press ctrl+n (or Enter) to save this reflection.", classes="prompts")

    def entered(self, draft: Draft) -> None:
        self.query_one("#summary", Static).update(summary_text(draft, self.method, self.today))
        focus_now(self)

    async def key_enter(self) -> None:
        await self.screen.action_next()


def summary_text(draft: Draft, method: Method, today: date) -> Text:
    reflection = draft.reflection
    text = Text()
    strong = strengths(reflection)
    text.append("Acknowledge: ", style="bold")
    text.append(", ".join(method.belief(k).name for k in strong) if strong else "no belief is both strong and evidenced yet")
    low = shortfalls(reflection)
    text.append("\n\nFalls short: ", style="bold")
    if low:
        text.append(", ".join(f"{method.belief(k).name} ({reflection.beliefs[k].score})" for k in low))
    else:
        text.append("nothing scored 3 or lower")
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


def last_commitment_line(client: Client, method: Method, width: int = 78) -> Text | None:
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
        outcome.append(f" (due {last.get('due', '?')})")
    elif last.get("what_happened"):
        outcome.append(": ")
        outcome.append(shorten(last["what_happened"], 30))
    text = Text("Last commitment: ", style="bold")
    room = max(12, width - text.cell_len - outcome.cell_len)
    text.append(shorten(last.get("action", ""), room))
    return text + outcome

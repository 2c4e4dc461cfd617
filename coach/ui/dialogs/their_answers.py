"""Recording what a client answered to a check-in, beside your own scores."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label

from coach.dates import DateError, parse_date, short_date
from coach.method import Method
from coach.models import Answer, ClientAnswers
from coach.schema import too_long
from coach.textsafe import literal, shorten
from coach.ui.access import CoachAccess
from coach.ui.dialogs.form import FormDialog, form_buttons
from coach.ui.settle import settle
from coach.ui.widgets.fields import TextField

BOTH_WAYS = "both_ways"


class TheirAnswersDialog(FormDialog, CoachAccess, ModalScreen[ClientAnswers | None]):
    """The client's score (1-5, or blank) and words for each belief and for
    "do we care about each other's business?", and the day they were asked.
    `save(answers)` keeps them and says whether it could: the dialog stays
    open when it could not, so nothing typed is lost. Dismissed with the
    answers saved, or None when cancelled; every answer left blank clears the
    check-in from the reflection."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="their_answers.save", priority=True),
        Binding("ctrl+l,escape", "cancel", "Cancel", id="their_answers.cancel"),
    ]

    def __init__(self, client_name: str, answers: ClientAnswers, method: Method, asked_by_default: date,
                 save: Callable[[ClientAnswers], bool], *, focus: str = "") -> None:
        super().__init__()
        self.save = save
        self.client_name = client_name
        self.answers = answers
        self.method = method
        self.asked_by_default = asked_by_default
        self.focus_key = focus

    def _rows(self) -> list[tuple[str, str, Answer]]:
        rows = [(b.key, b.name, self.answers.beliefs[b.key]) for b in self.method.beliefs]
        return rows + [(BOTH_WAYS, "Cares both ways", self.answers.both_ways)]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog their-answers"):
            title = Text("What ", style="bold")
            title.append_text(literal(shorten(self.client_name, 40), "bold"))
            title.append(" said, in their own words", style="bold")
            yield Label(title, classes="dialog-title")
            with Horizontal(classes="answer-row"):
                yield Label("Asked on", classes="answer-name")
                asked = self.answers.asked_on or self.asked_by_default.isoformat()
                yield TextField(asked, id="asked_on", compact=True, classes="answer-date")
            yield Label(Text("Their score (1-5, blank if they skipped it) and their words"), classes="answer-head")
            for key, name, answer in self._rows():
                with Horizontal(classes="answer-row"):
                    yield Label(Text(name), classes="answer-name")
                    yield TextField("" if answer.score is None else str(answer.score), id=f"{key}-score",
                                    compact=True, restrict=r"[1-5]?", max_length=1, classes="answer-score")
                    yield TextField(answer.words, id=f"{key}-words", compact=True, classes="answer-words",
                                    placeholder="what they wrote or said")
            yield from form_buttons()
        yield Footer()

    def on_mount(self) -> None:
        first = f"#{self.focus_key}-score" if self.focus_key else "#known-score"
        self.set_focus(self.query_one(first, Input))

    async def action_save(self) -> None:
        await settle(self.app)
        today = self.coach.today
        result = ClientAnswers()
        for key, name, _ in self._rows():
            score_text = self.query_one(f"#{key}-score", TextField).kept_value.strip()
            words = self.query_one(f"#{key}-words", TextField).kept_value.strip()
            if problem := too_long(f"what they said about “{name}”", words):
                self.say(problem, f"{key}-words")
                return
            answer = Answer(int(score_text) if score_text in ("1", "2", "3", "4", "5") else None, words)
            if key == BOTH_WAYS:
                result.both_ways = answer
            else:
                result.beliefs[key] = answer
        if result.given:
            typed = self.query_one("#asked_on", TextField).kept_value.strip()
            try:
                asked = parse_date(typed, today, past=True) if typed else self.asked_by_default
            except DateError as exc:
                self.say(f"Asked on: {exc}", "asked_on")
                return
            if asked > today:
                self.say(f"Asked on: {short_date(asked, today)} is still to come; when did you ask them?", "asked_on")
                return
            result.asked_on = asked.isoformat()
        if self.save(result):
            self.dismiss(result)

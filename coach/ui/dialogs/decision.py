"""The question coach asks once when the order-taker signals line up: keep
working on the partnership, plan an exit, or let the client go."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from coach.decisions import CHOICE_NAMES, DecisionCall
from coach.models import Commitment, Decision
from coach.schema import too_long
from coach.textsafe import literal, shorten
from coach.ui.access import CoachAccess
from coach.ui.dialogs.form import FormDialog, form_buttons
from coach.ui.settle import settle
from coach.ui.widgets.choices import Choices, Option
from coach.ui.widgets.fields import TextField

KEEP_DUE_DAYS = 14  # the partnership commitment of "keep working on it" is due in two weeks
PARTNERSHIP_AIM = "with"  # it aims at working with the client rather than for them

# what the second field asks, per choice
SECOND = {
    "keep": ("One action aimed at the partnership itself (due in two weeks)",
             "e.g. ask for a partner talk about how we work together"),
    "exit": ("The first step of the exit", "e.g. tell them by the end of the month; hand over the reports"),
    "let_go": ("What you learned, for the next client", "e.g. agree objectives before the first invoice"),
}


class DecisionDialog(FormDialog, CoachAccess, ModalScreen[Decision | None]):
    """`save(decision, commitment)` logs it and says whether it could; the dialog
    stays open when it could not, so nothing typed is lost. Dismissed with the
    decision, or None when put off (the question comes back next time)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Decide", id="decision.save", priority=True),
        Binding("ctrl+l,escape", "cancel", "Not now", id="decision.cancel"),
    ]

    def __init__(self, client_name: str, call: DecisionCall, reflection_id: str,
                 save: Callable[[Decision, Commitment | None], bool]) -> None:
        super().__init__()
        self.client_name = client_name
        self.call = call
        self.reflection_id = reflection_id
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog decision"):
            title = Text("Time to decide about ", style="bold")
            title.append_text(literal(shorten(self.client_name, 40), "bold"))
            yield Label(title, classes="dialog-title")
            if self.call.signals:
                why = ("The relationship shows the signs of order-taking: " + "; ".join(self.call.names())
                       + ". Working harder at it as it is rarely helps; choose what to do.")
            else:
                why = "No order-taker signal holds right now; decide anyway if you know where this is going."
            yield Static(Text(why), classes="prompts")
            yield Choices([Option("keep", "Keep working on it", "1"), Option("exit", "Plan an exit", "2"),
                           Option("let_go", "Let them go", "3")], id="choice", advance_on_pick=True)
            yield Label("Why", classes="field-label")
            yield TextField("", id="reason", compact=True, placeholder="the reason, in a line")
            yield Label(SECOND["keep"][0], classes="field-label", id="second-label")
            yield TextField("", id="second", compact=True, placeholder=SECOND["keep"][1])
            yield from form_buttons("Decide", "Not now")
        yield Footer()

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#choice", Choices))

    def on_choices_changed(self, event: Choices.Changed) -> None:
        label, hint = SECOND.get(event.value or "keep", SECOND["keep"])
        self.query_one("#second-label", Label).update(label)
        self.query_one("#second", TextField).placeholder = hint

    async def action_save(self) -> None:
        await settle(self.app)
        choice = self.query_one("#choice", Choices).value
        if choice not in CHOICE_NAMES:
            self.say("Choose 1, 2 or 3 first.", "choice")
            return
        reason = self.query_one("#reason", TextField).kept_value.strip()
        second = self.query_one("#second", TextField).kept_value.strip()
        if not reason:
            self.say("Say why in a line: it is what you will read when you look back.", "reason")
            return
        for what, text, field in (("the reason", reason, "reason"), (SECOND[choice][0].lower(), second, "second")):
            if problem := too_long(what, text):
                self.say(problem, field)
                return
        if choice == "keep" and not second:
            self.say("Name the action aimed at the partnership.", "second")
            return
        today = self.coach.today
        decision = Decision(on=today.isoformat(), choice=choice, reason=reason, signals=sorted(self.call.signals))
        commitment = None
        if choice == "keep":
            commitment = Commitment(reflection_id=self.reflection_id, action=second, aim=PARTNERSHIP_AIM,
                                    made_on=today.isoformat(), due=(today + timedelta(days=KEEP_DUE_DAYS)).isoformat())
        elif choice == "exit":
            decision.reason = f"{reason} First step: {second}" if second else reason
        else:
            decision.lesson = second
        if self.save(decision, commitment):
            self.dismiss(decision)

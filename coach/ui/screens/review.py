"""Reviewing commitments: what became of each one, or a new date for it.

One commitment at a time, with the list of them above. For each the user
records an outcome (done, partly, not done, dropped) with what happened and
what they learned, or moves it to a new date typed in words. What is typed
for a commitment stays while moving between them; leaving with unsaved
notes asks first.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Static

from coach.dates import (
    DateError,
    describe,
    iso_day,
    parse_due,
    reading_note,
    short_date,
)
from coach.models import Client, Commitment
from coach.schema import too_long
from coach.textsafe import literal, shorten
from coach.ui.access import CoachAccess
from coach.ui.dialogs.confirm import ConfirmDialog
from coach.ui.settle import focus_in_order, settle
from coach.ui.widgets.choices import Choices, Option
from coach.ui.widgets.dashboard import days_phrase
from coach.ui.widgets.fields import TextField

# Letters that do not collide: n is "not done", so "dropped" takes x.
OUTCOME_HOTKEYS = {"done": "d", "partly": "p", "not_done": "n", "dropped": "x"}
LIST_LINES = 4


@dataclass
class Typed:
    """What the user has typed for one commitment, saved or not."""

    outcome: str = ""
    what_happened: str = ""
    learned: str = ""
    new_due: str = ""

    @classmethod
    def saved(cls, commitment: Commitment) -> "Typed":
        status = "" if commitment.is_open else commitment.status
        return cls(status, commitment.what_happened, commitment.learned, "")


@dataclass
class ReviewItem:
    client: Client
    commitment: Commitment
    result: str = ""  # what was saved this session: "Done", "moved to Tue 1 Dec"; "" when not yet





class ReviewScreen(CoachAccess, Screen[int]):
    """Dismissed with how many commitments were saved."""

    SUB_TITLE = "what became of your commitments"
    PALETTE_KEY_IS_BACK = True  # ctrl+p is Previous here, as in a reflection
    FIELDS = ("#outcome", "#what-happened", "#learned", "#new-due")

    BINDINGS = [
        # a priority Enter moves focus in the app's key loop, so the rest of a burst follows it
        Binding("enter", "enter", "Next field or save", show=False, id="review.enter", priority=True),
        Binding("ctrl+n", "save_next", "Save, next", id="review.next", priority=True),
        Binding("ctrl+p", "previous", "Previous", id="review.previous", priority=True),
        Binding("pagedown", "save_next", "Save, next", show=False, id="review.next_page", priority=True),
        Binding("pageup", "previous", "Previous", show=False, id="review.previous_page", priority=True),
        # Esc is unreliable over SSH and in tmux, so it is never the only way back
        Binding("ctrl+l", "leave", "Back to home", id="review.leave", priority=True),
        Binding("escape", "leave", "Back to home", show=False, id="review.leave_esc"),
    ]

    def __init__(self, items: list[tuple[Client, Commitment]], *, start: int = 0, heading: str = "") -> None:
        super().__init__()
        self.items = [ReviewItem(client, commitment) for client, commitment in items]
        self.index = max(0, min(start, len(self.items) - 1))
        self.heading = heading
        self.typed: dict[str, Typed] = {}
        self.saved_count = 0

    @property
    def current(self) -> ReviewItem:
        return self.items[self.index]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="review-progress")
        yield Static("", id="review-list")
        with VerticalScroll(id="review-form"):
            yield Static("", id="review-detail")
            with Horizontal(classes="review-row outcome-row"):
                yield Label("Outcome", classes="question")
                options = [
                    Option(o.key, o.name, OUTCOME_HOTKEYS.get(o.key, o.key[0])) for o in self.coach.method.outcomes
                ]
                yield Choices(options, id="outcome")
            with Horizontal(classes="review-row"):
                yield Label("What happened", classes="question")
                yield TextField(placeholder="In a sentence: what did you do, how did they respond?", id="what-happened")
            with Horizontal(classes="review-row"):
                yield Label("What you learned", classes="question")
                yield TextField(placeholder="About them, or about how you work with them", id="learned")
            with Horizontal(classes="review-row"):
                yield Label("Or move it to", classes="question")
                yield TextField(placeholder="e.g. next tuesday", id="new-due")
                yield Label("", id="due-echo", classes="echo")
        yield Static("", id="problem", classes="problem")
        yield Footer(show_command_palette=False)  # ctrl+p is Previous here; the palette slot would repeat it

    def on_mount(self) -> None:
        self._show(self.index)

    # -- showing one commitment --------------------------------------------------

    def _show(self, index: int) -> None:
        self.index = index
        item = self.current
        typed = self.typed.get(item.commitment.id) or Typed.saved(item.commitment)
        outcome = self.query_one("#outcome", Choices)
        outcome.set_reactive(Choices.value, typed.outcome)
        outcome.refresh()
        self.query_one("#what-happened", Input).value = typed.what_happened
        self.query_one("#learned", Input).value = typed.learned
        self.query_one("#new-due", Input).value = typed.new_due
        self._problem("")
        self._echo()
        progress = Text(f"Review {index + 1} of {len(self.items)}", style="bold")
        if self.heading:
            progress.append(f" · {self.heading}")
        self.query_one("#review-progress", Static).update(progress)
        self.query_one("#review-list", Static).update(self._list_text())
        self.query_one("#review-detail", Static).update(self._detail_text(item))
        self.query_one("#review-form", VerticalScroll).scroll_home(animate=False)
        self.set_focus(outcome)

    def _list_text(self) -> Text:
        """A window of the list around the current commitment, one line each."""
        first = max(0, min(self.index - 1, len(self.items) - LIST_LINES))
        text = Text()
        for n in range(first, min(first + LIST_LINES, len(self.items))):
            item = self.items[n]
            here = n == self.index
            if n > first:
                text.append("\n")
            mark = "»" if here else ("✓" if item.result else " ")
            line = Text(f"{mark} ", style="bold" if here else "")
            line.append_text(literal(shorten(item.client.name, 18), "bold"))
            line.append(" · ")
            line.append_text(literal(shorten(item.commitment.action, 34)))
            due = iso_day(item.commitment.due)
            state = item.result or (days_phrase(due, self.coach.today) if due else "no due date")
            line.append(f" · {state}", style="dim" if item.result else "")
            line.truncate(self.size.width - 2 if self.size.width > 10 else 78, overflow="ellipsis")
            text.append_text(line)
        hidden = len(self.items) - LIST_LINES
        if hidden > 0:
            text.append(f"\n  ({hidden} more; ctrl+n and ctrl+p move through them)", style="dim")
        return text

    def _detail_text(self, item: ReviewItem) -> Text:
        method, today = self.coach.method, self.coach.today
        commitment = item.commitment
        text = literal(commitment.action or "(no action written)", "bold")
        text.append("\nfor ")
        text.append_text(literal(item.client.label, "bold"))
        text.append(f" · aimed at {method.aim_name(commitment.aim) if commitment.aim else 'no belief or lens'}")
        made, due = iso_day(commitment.made_on), iso_day(commitment.due)
        text.append("\n")
        if made is not None:
            text.append(f"made {describe(made, today)} · ")
        if due is not None and due <= today:
            text.append(f"due {short_date(due, today)}: ")
            text.append(days_phrase(due, today), style="bold")
        elif due is not None:
            text.append(f"due {describe(due, today)}")
        else:
            text.append("no due date")
        if commitment.reschedules:
            moves = len(commitment.reschedules)
            first = iso_day(commitment.reschedules[0].get("from", ""))
            text.append("\nmoved " + ("once" if moves == 1 else f"{moves} times"), style="dim")
            if first is not None:
                text.append(f"; first due {short_date(first, today)}", style="dim")
        if not commitment.is_open:
            text.append(f"\nRecorded: {method.outcome_name(commitment.status)}", style="bold")
        return text

    # -- typing ------------------------------------------------------------------

    def _typed_now(self) -> Typed:
        return Typed(
            self.query_one("#outcome", Choices).value,
            self.query_one("#what-happened", TextField).kept_value,
            self.query_one("#learned", TextField).kept_value,
            self.query_one("#new-due", Input).value,
        )

    def _keep_typed(self) -> None:
        self.typed[self.current.commitment.id] = self._typed_now()

    def _new_due(self) -> tuple[date | None, str | None]:
        text = self.query_one("#new-due", Input).value
        if not text.strip():
            return None, None
        try:
            return parse_due(text, self.coach.today), None
        except DateError as exc:
            return None, str(exc)

    def _echo(self) -> None:
        """The date understood, short beside the field and in full on the bottom line."""
        due, problem = self._new_due()
        echo = self.query_one("#due-echo", Label)
        if due is not None:
            shown = Text(f"→ {describe(due, self.coach.today)}")
            # "4/12" could be either month: say which was taken, under the date
            note = reading_note(self.query_one("#new-due", Input).value, due)
            if note:
                shown.append(f"\n  {note}", style="bold")
            echo.update(shown)
            hint = Text(f"→ Moves it to {describe(due, self.coach.today)}. ")
            hint.append("ctrl+n saves.", style="dim")
            problem_line = self.query_one("#problem", Static)
            problem_line.update(hint)
            problem_line.add_class("-hint")
            return
        echo.update(Text("✗ not a date yet", style="bold") if problem else "")
        self._problem("")

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "new-due":
            self._echo()

    def move_focus(self, direction: int) -> None:
        """Tab in the order the fields are written, without waiting for a layout."""
        focus_in_order(self, [self.query_one(selector) for selector in self.FIELDS], direction)

    async def action_enter(self) -> None:
        """Enter moves on from the outcome and "what happened"; from the last fields it saves."""
        if self.coach.focused in (self.query_one("#outcome"), self.query_one("#what-happened")):
            self.move_focus(1)
        else:
            await self.action_save_next()

    def _problem(self, message: str) -> None:
        line = self.query_one("#problem", Static)
        line.remove_class("-hint")
        line.update(Text(f"✗ {message}", style="bold") if message else "")

    # -- saving and moving on ----------------------------------------------------

    async def action_save_next(self) -> None:
        await settle(self.app)
        typed = self._typed_now()
        saved = self._save(typed)
        if saved is None:
            return  # a problem was shown; stay here
        if saved:
            self.typed.pop(self.current.commitment.id, None)
        else:
            self._keep_typed()
        following = [n for n in range(self.index + 1, len(self.items)) if not self.items[n].result]
        if following:
            self._show(following[0])
        else:
            self._finish()

    def _save(self, typed: Typed) -> bool | None:
        """Save what is typed for the current commitment: True saved, False nothing to save, None refused."""
        item = self.current
        if typed.outcome and typed.new_due.strip():
            self._problem("An outcome closes the commitment and a new date keeps it open: clear one of them.")
            return None
        if typed.outcome:
            problem = too_long("what happened", typed.what_happened) or too_long("what you learned", typed.learned)
            if problem:
                self._problem(problem)
                return None
            return self._save_outcome(item, typed)
        if typed.new_due.strip():
            return self._save_new_due(item)
        if typed.what_happened.strip() or typed.learned.strip():
            self._problem("Choose an outcome (d, p, n or x), or type a new date to move it.")
            self.set_focus(self.query_one("#outcome", Choices))
            return None
        return False  # nothing typed: leave it open and move on

    def _save_outcome(self, item: ReviewItem, typed: Typed) -> bool | None:
        changed = copy.deepcopy(item.commitment)  # the shown one stays as stored if the save fails
        store, today = self.coach.store, self.coach.today
        if not self.coach.guarded_save(
            lambda: store.record_outcome(changed, typed.outcome, typed.what_happened.strip(), typed.learned.strip(), on=today),
            what="The outcome",
        ):
            return None
        item.commitment = changed
        item.result = self.coach.method.outcome_name(typed.outcome)
        self.saved_count += 1
        return True

    def _save_new_due(self, item: ReviewItem) -> bool | None:
        new_due, problem = self._new_due()
        if new_due is None:
            self._problem(problem or "Type a date.")
            self.set_focus(self.query_one("#new-due", Input))
            return None
        if new_due.isoformat() == item.commitment.due:
            self._problem(f"It is already due {describe(new_due, self.coach.today)}.")
            return None
        changed = copy.deepcopy(item.commitment)
        store, today = self.coach.store, self.coach.today
        if not self.coach.guarded_save(lambda: store.reschedule(changed, new_due, on=today), what="The new date"):
            return None
        item.commitment = changed
        item.result = f"moved to {short_date(new_due, today)}"
        self.saved_count += 1
        self.coach.notify(f"Moved to {describe(new_due, today)}.", timeout=5)
        return True

    async def action_previous(self) -> None:
        await settle(self.app)
        if self.index == 0:
            return
        self._keep_typed()
        self._show(self.index - 1)

    def _unsaved(self) -> int:
        self._keep_typed()
        count = 0
        for item in self.items:
            typed = self.typed.get(item.commitment.id)
            if typed is not None and typed != Typed.saved(item.commitment):
                count += 1
        return count

    async def action_leave(self) -> None:
        await settle(self.app)
        unsaved = self._unsaved()
        if not unsaved:
            self._finish()
            return
        body = Text(
            f"What you typed for {unsaved} commitment{'s' if unsaved != 1 else ''} is not saved. "
            "Leave anyway? (ctrl+n saves it.)"
        )

        def answered(leave: bool | None) -> None:
            if leave:
                self._finish()

        self.coach.push_screen(ConfirmDialog("Leave the review?", body, "Leave"), answered)

    def _finish(self) -> None:
        if self.saved_count:
            self.coach.notify(
                f"Review saved: {self.saved_count} commitment{'s' if self.saved_count != 1 else ''} updated.",
                timeout=5,
            )
        self.dismiss(self.saved_count)

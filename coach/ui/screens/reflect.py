"""The guided reflection on one client: seven beliefs, the lenses, a verdict,
one commitment, a summary. What is typed is saved as a draft on every step,
a moment after typing stops, and when the terminal goes away."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from time import monotonic

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Header, Static

from coach.dates import DateError, parse_due
from coach.models import Client, Draft, Note, Reflection
from coach.reflection_form import reflection_form
from coach.store import SaveError
from coach.textsafe import shorten
from coach.ui.access import CoachAccess
from coach.ui.settle import focus_in_order, settle
from coach.ui.widgets.steps import Step, last_commitment_line, make_step
from coach.unsaved import (
    fallback_folders,
    save_draft_elsewhere,
    suggested_path,
    why_not,
)

AUTOSAVE_SECONDS = 1.5
AUTOSAVE_MAX_SECONDS = 5.0  # a kill during steady typing loses at most this much


def _shown(widget, within) -> bool:
    node = widget
    while node is not None and node is not within:
        if not node.display or node.disabled:
            return False
        node = node.parent
    return True


class ReflectionScreen(CoachAccess, Screen[bool]):
    """Dismissed with True when the reflection was saved, False when left for later."""

    PALETTE_KEY_IS_BACK = True

    BINDINGS = [
        # ctrl keys first: PageUp/PageDown are missing on many laptop keyboards
        Binding("ctrl+n", "next", "Next", id="reflect.next", priority=True),
        # the same key on the last step, named for what it does there
        Binding("ctrl+n", "save", "Save", id="reflect.save", priority=True),
        Binding("ctrl+p", "back", "Back", id="reflect.back", priority=True),
        Binding("pagedown", "advance", "Next", show=False, id="reflect.next_page", priority=True),
        Binding("pageup", "back", "Back", show=False, id="reflect.back_page", priority=True),
        # Esc is unreliable over SSH and in tmux, so it is never the only way out
        Binding("ctrl+l", "later", "Save for later", id="reflect.later", priority=True),
        Binding("escape", "later", "Save for later", show=False, id="reflect.later_esc"),
    ]

    def __init__(
        self, client: Client, draft: Draft, previous: Reflection | None, last_talk: date | None = None,
        notes: list[Note] | None = None,
    ) -> None:
        super().__init__()
        self.notes = notes or []  # noted since the last reflection: offered as evidence on each belief
        self.client = client
        self.draft = draft
        self.previous = previous
        self.last_talk = last_talk
        self._autosave_timer = None
        self._dirty_since: float | None = None  # when typing began that is not yet saved
        self._loading = False
        self.last_save_problem = ""

    @property
    def steps(self) -> list[Step]:
        return list(self.query_one(ContentSwitcher).query_children(Step))

    @property
    def current(self) -> Step:
        return self.steps[self.draft.step]

    def compose(self) -> ComposeResult:
        app = self.coach
        yield Header()
        yield Static("", id="progress")
        last = last_commitment_line(self.client, app.method, app.size.width - 2, app.today)
        self._has_last_commitment = last is not None  # a first reflection has none
        yield Static(last or "", id="last-commitment", classes="last-commitment")
        with ContentSwitcher(id="steps"):
            for n, spec in enumerate(reflection_form().steps):
                yield make_step(spec, self.client, self.previous, app.today, last_talk=self.last_talk,
                                notes=self.notes, id=f"step-{n}")
        yield Static("", id="problem", classes="problem")
        yield Footer(show_command_palette=False)  # ctrl+p is Back here; the palette slot would repeat it

    def on_mount(self) -> None:
        self.draft.step = max(0, min(self.draft.step, len(self.steps) - 1))
        self._show(self.draft.step)

    # -- moving between steps ----------------------------------------------------

    def _show_progress(self) -> None:
        # the step before the client: a long name is shortened at a word to
        # fit the row, never pushing where you are out of sight
        step = self.steps[self.draft.step]
        progress = Text(f"Step {self.draft.step + 1} of {len(self.steps)} · {step.title} · ", style="bold")
        room = self.app.size.width - 2 - progress.cell_len  # the row's padding
        progress.append(shorten(self.client.label, max(room, 1)))
        self.query_one("#progress", Static).update(progress)

    def on_resize(self) -> None:
        self._show_progress()

    def _show(self, index: int) -> None:
        self._loading = True
        self.draft.step = index
        step = self.steps[index]
        step.load(self.draft)
        self.query_one(ContentSwitcher).current = step.id
        self._loading = False
        self._show_progress()
        # the last commitment matters while scoring the beliefs; after them, the room does
        shown = self._has_last_commitment and step.spec.is_belief
        self.query_one("#last-commitment").set_class(not shown, "-hidden")
        self.say_problem("")
        self.refresh_bindings()  # the footer says Save on the last step
        # focus the new step now, not after a refresh: keys that follow in the
        # same burst must land in the new step, not the one just left
        step.entered(self.draft)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next", "save") and self.is_mounted and self.query(ContentSwitcher):
            on_last = self.draft.step == len(self.steps) - 1
            return on_last if action == "save" else not on_last
        return True

    async def action_save(self) -> None:
        await self.action_next()

    async def action_advance(self) -> None:
        await self.action_next()

    def move_focus(self, direction: int) -> None:
        """Tab within the current step, in the order the fields are written."""
        fields = [w for w in self.current.query("*") if w.can_focus and _shown(w, self.current)]
        focus_in_order(self, fields, direction)

    def say_problem(self, problem: str) -> None:
        """Why Next cannot go on; the line takes no room when there is nothing to say."""
        line = self.query_one("#problem", Static)
        line.update(Text(f"✗ {problem}", style="bold") if problem else "")
        line.display = bool(problem)

    async def action_next(self) -> None:
        await settle(self.app)
        step = self.current
        step.store(self.draft)
        problem = step.problem(self.draft)
        if problem:
            self.say_problem(problem)
            return
        if self.draft.step == len(self.steps) - 1:
            self.finish()
            return
        self.save_draft(quiet=True)
        self._show(self.draft.step + 1)

    async def action_back(self) -> None:
        await settle(self.app)
        if self.draft.step == 0:
            return
        self.current.store(self.draft)
        self.save_draft(quiet=True)
        self._show(self.draft.step - 1)

    async def action_later(self) -> None:
        await settle(self.app)
        if self.save_draft():
            self.coach.notify("Saved as a draft; coach offers it again next time.", timeout=4)
            self.dismiss(False)
            return
        self.ask_before_leaving(then=lambda: self.dismiss(False))

    def save_draft_somewhere(self) -> Path | None:
        """The terminal is gone and the draft could not be saved: try new private files
        in folders only this user can write in (unsaved.fallback_folders). Best
        effort; nobody is there to ask."""
        self.current.store(self.draft)
        for folder in fallback_folders(self.coach.store.data_dir):
            for _ in range(3):  # a fresh random name if one was taken
                try:
                    return save_draft_elsewhere(self.draft, self.client.name, suggested_path(folder))
                except FileExistsError:
                    continue
                except OSError:
                    break
        return None

    def ask_before_leaving(self, then, reason: str = "") -> None:
        """The draft could not be written: keep the words, and ask what to do with them."""
        from coach.ui.dialogs.unsaved import UnsavedDialog

        reason = reason or self.last_save_problem or "The draft could not be saved."

        def chosen(choice: str | None) -> None:
            if choice == "retry":
                if self.save_draft():
                    self.coach.notify("Saved as a draft; coach offers it again next time.", timeout=4)
                    then()
                else:
                    self.ask_before_leaving(then)
            elif choice and choice.startswith("file:"):
                path = Path(choice.removeprefix("file:")).expanduser()
                self.current.store(self.draft)
                try:
                    written = save_draft_elsewhere(self.draft, self.client.name, path)
                except OSError as exc:
                    self.ask_before_leaving(then, why_not(exc, path))
                    return
                self.coach.notify(f"Your answers are in {written} (readable only by you).", timeout=10, markup=False)
                then()
            elif choice == "discard":
                then()
            # "stay": nothing is lost, the reflection stays open

        folders = fallback_folders(self.coach.store.data_dir)
        folder = folders[0] if folders else Path.home()
        # the dialog says why itself; the toast saying it too covered its path
        # and buttons (a notification is queued, so it is cleared once it is in)
        self.coach.call_later(self.coach.clear_notifications)
        self.coach.push_screen(UnsavedDialog(reason, str(suggested_path(folder))), chosen)

    # -- saving ----------------------------------------------------------------

    def save_draft(self, *, quiet: bool = False) -> bool:
        """Copy the current step into the draft and write it. Cheap: drafts live apart from history."""
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
            self._autosave_timer = None
        if not self.is_mounted or self.coach.store.read_only:
            return False
        self.current.store(self.draft)
        try:
            if too_long := reflection_form().too_long(self.draft):
                raise SaveError(too_long)
            self.coach.store.save_draft(self.draft)
        except SaveError as exc:
            if str(exc) != self.last_save_problem and self.app.screen is self:
                # said once, not at every pause in typing; not over the dialog
                # that asks what to do about it (it says why itself)
                self.coach.notify(f"The draft was not saved. {exc} What you typed is still here.",
                                  title="Not saved", severity="error", timeout=15, markup=False)
            self.last_save_problem = str(exc)
            return False
        if self.last_save_problem and not quiet:
            self.coach.notify("Saved now.", timeout=3)
        self.last_save_problem = ""
        self._dirty_since = None
        return True

    def _changed(self) -> None:
        """Save a moment after typing stops, and every AUTOSAVE_MAX_SECONDS while it goes on."""
        if self._loading:
            return
        now = monotonic()
        if self._dirty_since is None:
            self._dirty_since = now
        elif now - self._dirty_since >= AUTOSAVE_MAX_SECONDS:
            self.save_draft(quiet=True)  # steady typing never waits for a pause
            return
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
        self._autosave_timer = self.set_timer(AUTOSAVE_SECONDS, lambda: self.save_draft(quiet=True))

    def on_input_changed(self) -> None:
        self._changed()

    def on_text_area_changed(self) -> None:
        self._changed()

    def on_choices_changed(self) -> None:
        self._changed()

    def finish(self) -> None:
        reflection = self.draft.reflection
        reflection.client_id = self.client.id
        reflection.date = self.coach.today.isoformat()  # the day it was finished
        commitment = self.draft.commitment
        try:
            commitment.due = parse_due(self.draft.due_text, self.coach.today).isoformat()
        except DateError as exc:
            self.say_problem(str(exc))
            return
        commitment.made_on = reflection.date
        saved = self.coach.guarded_save(
            lambda: self.coach.store.finish_reflection(reflection, commitment, self.draft.id),
            what="The reflection",
        )
        if saved:
            self.coach.notify(f"Reflection on {shorten(self.client.name, 40)} saved.", timeout=4, markup=False)
            self.dismiss(True)

"""The Textual application: built around a Store handed to it, never opened here."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import threading
import time
from dataclasses import replace
from datetime import date

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.theme import BUILTIN_THEMES

from coach.insight import last_partner_talk
from coach.method import Method, load_method
from coach.models import Client, Draft, Reflection
from coach.resources import style_file
from coach.store import DataFileError, SaveError, Store
from coach.ui.settle import settle
from coach.ui.typeahead import KeysAhead
from coach.ui.widgets.choices import Choices

HANGUP_GRACE_SECONDS = 3.0
#: After a key closes a screen, every key that had already arrived is dropped,
#: and the same key again within this long: a second Enter on the summary,
#: typed (or sent by a laggy link) before the summary had gone, must not go on
#: to start a reflection from home.
KEY_FENCE_SECONDS = 0.4
#: A screen that closes this soon after a key was closed by it.
KEY_CLOSED_WITHIN = 1.0
CONFIRM_KEYS = {"enter", "ctrl+n", "ctrl+s"}  # keys that finish a screen; a second right behind the first is the same intent
STYLE_FILES = ("base.tcss", "nocolor.tcss", "home.tcss", "reflect.tcss", "dialogs.tcss", "review.tcss", "history.tcss", "clients.tcss", "three_best.tcss")


def no_color_requested(environ=os.environ) -> bool:
    """NO_COLOR as Textual reads it: set at all, even to an empty string."""
    return "NO_COLOR" in environ


# Under NO_COLOR every colour is dropped (see CoachApp.__init__), so what a
# background or a colour showed must show as a text style: the cursor row
# reversed, the cursor in a field reversed, a row left behind underlined.
NO_COLOR_THEME = replace(
    BUILTIN_THEMES["ansi-dark"],
    name="coach-no-color",
    variables={
        **BUILTIN_THEMES["ansi-dark"].variables,
        "block-cursor-text-style": "reverse bold",
        "block-cursor-blurred-text-style": "underline",
        "input-cursor-text-style": "reverse",
        "button-focus-text-style": "bold reverse",
    },
)


def _priority_bound(screen, key: str) -> bool:
    """Whether `key` has a priority binding on `screen` (or the app): such a
    key runs in the app's own loop as soon as it is read."""
    return any(binding.priority for _, bindings in screen._binding_chain
               for binding in bindings.key_to_bindings.get(key, ()))


class CoachApp(App[int]):
    TITLE = "coach"
    SUB_TITLE = "a weekly look at your client relationships"
    CSS_PATH = [style_file(name) for name in STYLE_FILES]
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        # Focus moves in the app's own key loop, before the next key of a burst
        # (a paste, a laggy SSH link) is routed to the widget that had focus.
        Binding("tab", "focus_next", "Next field", show=False, id="app.focus_next", priority=True),
        Binding("shift+tab", "focus_previous", "Previous field", show=False, id="app.focus_previous", priority=True),
        # shown only while read-only and the other coach has gone
        Binding("ctrl+o", "take_over", "Take over", id="app.take_over", priority=True),
    ]

    def __init__(
        self, store: Store, today: date, *, method: Method | None = None, handle_signals: bool = False
    ) -> None:
        # Textual picks its NO_COLOR filter once, here, from the theme of the
        # moment: textual-dark gets Monochrome, which turns the ANSI colours of
        # the 16-colour theme (no RGB of their own) into rgb(0,0,0), so every
        # character came out black on black. ansi_color=True makes it pick
        # NoColor instead: no colour at all, the terminal's own foreground on
        # its own background, whatever theme is active later.
        super().__init__(ansi_color=True if no_color_requested() else None)
        self.register_theme(NO_COLOR_THEME)
        self.store = store
        self.today = today
        self.method = method or load_method()
        self.handle_signals = handle_signals
        self._last_key: tuple[str, float] = ("", 0.0)
        self._key_fence: tuple[str, float] = ("", 0.0)
        # the key whose binding ran last: its name, when, and its number
        self._bound_key: tuple[str, float, int] = ("", 0.0, 0)
        self._keys_in = 0  # keys come in so far, each numbered as it comes
        self._handling_index = 0  # the number of the key whose handling runs now, or ran last
        self._closed_by: int | None = None  # the number of the key that closed the last screen
        self.keys_ahead = KeysAhead(self)
        # chosen before the first screen is styled, so home is not styled twice
        if self.no_color:
            self.theme = NO_COLOR_THEME.name
        elif self.console.color_system in ("standard", "windows"):
            # Over SSH with TERM=xterm only 16 colours exist: follow the terminal's own palette.
            self.theme = "ansi-dark"

    def get_default_screen(self):
        # home is the bottom of the stack itself, not a screen pushed over an
        # empty default one: one screen to lay out and paint at launch
        from coach.ui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        if self.handle_signals:
            # Textual installs no handler: without one a dropped SSH connection
            # kills coach before anything typed reaches the draft.
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(sig, self.hang_up)
        self.call_after_refresh(self.launch_done)
        self.keys_ahead.start()
        for warning in self.store.warnings:
            self.notify(warning, title="Privacy", severity="warning", timeout=12, markup=False)
        from coach.settings import current

        for warning in current().warnings:
            self.notify(warning, title="Settings", severity="warning", timeout=12, markup=False)
        if self.store.read_only:
            self.notify(self.store.read_only_reason(), title="Read-only", severity="warning", timeout=12, markup=False)
            self.sub_title = "READ-ONLY: nothing can be changed here"  # in the header the whole time
            self._holder_watch = self.set_interval(3, self._check_holder)
        self.say_damaged()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            now = time.monotonic()
            key, until = self._key_fence
            if key:
                # only the key right behind the closing one is fenced: "r" or a
                # name typed after the summary's Enter are for home, and so is
                # an Enter after them
                self._key_fence = ("", 0.0)
                if now < until and (event.key == key or {key, event.key} <= CONFIRM_KEYS):
                    return  # the closing key again, or another that confirms: meant for the screen that closed
            self._last_key = (event.key, now)
            self._keys_in += 1
            event.coach_index = self._keys_in
            if _priority_bound(self.screen, event.key) and not self.keys_ahead.holding:
                # a priority key runs here, in the app's loop, at once; the
                # keys typed before it may still wait in the focused field's
                # queue ("OrgDelta" then ctrl+n created the client without its
                # organisation): they go in first, and if one of them was an
                # Enter still being acted on, this key waits behind it
                await settle(self)
            if self.keys_ahead.keep(event):
                return
            event.coach_screen = self.screen  # where it was typed (see _on_key)
            if isinstance(self.focused, Choices) and self.focused.spill(event):
                return  # a letter on a choice row, gone on to the text field with focus
        if isinstance(event, events.Paste) and self.keys_ahead.keep(event):
            return
        if isinstance(event, events.Paste) and isinstance(self.focused, Choices) and self.focused.spill_paste(event):
            return
        top = self.screen if isinstance(event, events.Key) and not event.is_forwarded else None
        if top is not None:
            self._handling_index = event.coach_index  # a priority binding runs in what follows
        await super().on_event(event)
        if top is not None and self.screen is not top and _priority_bound(top, event.key):
            # a priority key closed or opened a screen (ctrl+n, Create): what
            # comes next may take a few turns (the dialog, then the picker,
            # close; the reflection opens), and the keys behind it are for
            # where that ends, not for a screen on the way
            self.keys_ahead.hold()

    def on_text_field_enter_done(self, message) -> None:
        self.keys_ahead.enter_done(message.field)

    async def _on_key(self, event: events.Key) -> None:
        # A key no widget took bubbles back here, and Textual then tries the
        # bindings of the screen on top *now*. If the key closed the screen it
        # was typed on (or came in a burst just behind the one that did), that
        # is another screen, and the key would act there: the second Enter on
        # the summary started a reflection from home. It was meant for a
        # screen that has gone.
        # (Textual calls App._on_key after this one unless the default is prevented.)
        self._handling_index = getattr(event, "coach_index", self._handling_index)
        typed_on = getattr(event, "coach_screen", None)
        if typed_on is not None and typed_on is not self.screen:
            event.prevent_default()
            event.stop()
            # a key that did nothing there is for the screen now on top, as if
            # typed once it was there ("r" right behind the summary's Enter
            # opens the review); only the closing key again is not (on_event)
            self.post_message(events.Key(event.key, event.character))

    def typed_since_close(self) -> bool:
        """Whether keys came in after the one that closed the last screen."""
        return self._closed_by is not None and self._keys_in > self._closed_by

    async def _check_bindings(self, key: str, priority: bool = False) -> bool:
        # which key last ran a binding: with keys typed ahead, the last key
        # to come in is often not the one that closed the screen (fencing
        # off the last letter typed ahead lost it)
        before = self._bound_key
        self._bound_key = (key, time.monotonic(), self._handling_index)
        ran = await super()._check_bindings(key, priority)
        if not ran:
            self._bound_key = before
        return ran

    def pop_screen(self):
        key, when = self._last_key
        now = time.monotonic()
        if key and now - when < KEY_CLOSED_WITHIN:  # a key closed this screen (not a timer, not a save in the background)
            bound, bound_when, bound_index = self._bound_key
            closed_by = self._handling_index
            if bound and now - bound_when < KEY_CLOSED_WITHIN:
                key, closed_by = bound, bound_index  # the key whose binding is running now, or ran last
            self._key_fence = (key, now + KEY_FENCE_SECONDS)
            self._closed_by = closed_by
        return super().pop_screen()

    def launch_done(self) -> None:
        """The first screen is drawn: the collector, held off while coach started
        (coach.__main__), goes back to work, leaving what was built at launch
        out of its passes."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def say_damaged(self) -> None:
        """Name every client whose file cannot be read, with the command that mends it."""
        try:
            damaged = self.store.damaged_clients()
        except Exception:  # noqa: BLE001 - a report about damage must never become damage itself
            return
        for item in damaged:
            mend = f" To mend it: {item.mend}" if item.mend else " No backup holds a readable copy."
            self.notify(f"{item.name or item.client_id}: {item.problem}.{mend}", title="Damaged client file",
                        severity="error", timeout=20, markup=False)

    def readable_history(self, client: Client) -> bool:
        """True when the client's history can be read; otherwise say why and how to mend it."""
        try:
            self.store.reflections(client.id)
            self.store.commitments(client.id)
        except DataFileError as exc:
            self.notify(str(exc), title="Damaged client file", severity="error", timeout=20, markup=False)
            return False
        return True

    # -- read-only, and taking over ----------------------------------------------------

    _holder_gone_said = False

    def _check_holder(self) -> None:
        if not self.store.read_only:
            return
        if self.store.holder_gone() and not self._holder_gone_said:
            self._holder_gone_said = True
            self.sub_title = "READ-ONLY: other coach closed · ctrl+o takes over"  # whole at 80 columns
            self.notify("The other coach has closed. Press ctrl+o to make changes here.", title="Read-only",
                        timeout=12)
            self.refresh_bindings()

    def action_take_over(self) -> None:
        if self.store.try_take_over():
            self.sub_title = type(self).SUB_TITLE
            self._holder_gone_said = False
            self.notify("This coach can make changes now.", timeout=6)
            self.refresh_bindings()
            refresh = getattr(self.screen, "refresh_all", None)
            if refresh:
                refresh()
        else:
            self.notify(self.store.read_only_reason(), title="Read-only", severity="warning", timeout=10,
                        markup=False)

    def action_focus_next(self) -> None:
        move = getattr(self.screen, "move_focus", None)
        move(1) if move else self.screen.focus_next()

    def action_focus_previous(self) -> None:
        move = getattr(self.screen, "move_focus", None)
        move(-1) if move else self.screen.focus_previous()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "take_over":
            return self.store.read_only and self._holder_gone_said
        # In a reflection ctrl+p means Back (as ctrl+n means Next), so the
        # palette steps aside there; it stays on ctrl+p everywhere else.
        if action == "command_palette" and getattr(self.screen, "PALETTE_KEY_IS_BACK", False):
            return False
        return True

    def refuse_if_read_only(self) -> bool:
        """The one guard before any change: True (and says why) when nothing can be saved."""
        if self.store.read_only:
            self.notify(self.store.read_only_reason(), title="Read-only", severity="warning", timeout=8)
            return True
        return False

    def start_reflection(self, client: Client, draft: Draft | None = None, on_done=None) -> None:
        """Open the reflection on `client`, resuming its draft if there is one."""
        if self.refuse_if_read_only():
            return
        if not self.readable_history(client):
            return
        if draft is None:
            draft = next((d for d in self.store.drafts() if d.client_id == client.id), None)
        if draft is None:
            draft = Draft(client_id=client.id, reflection=Reflection(client_id=client.id, date=self.today.isoformat()))
        else:
            self.notify("Picking up your unfinished reflection where you left it.", timeout=4)
        self.store.take_inbox()  # notes `coach note` left while this coach held the lock
        history = self.store.reflections(client.id)
        previous = history[-1] if history else None
        since = previous.date if previous is not None else ""
        notes = [n for n in self.store.notes(client.id) if n.on >= since]
        last_talk = last_partner_talk(history)
        from coach.ui.screens.reflect import ReflectionScreen

        def done(finished: bool | None) -> None:
            if on_done is not None:
                on_done(finished)
            if finished:
                self.ask_for_decision(client.id)  # the signals include the reflection just made

        self.push_screen(ReflectionScreen(client, draft, previous, last_talk, notes=notes), done)

    def note_on(self, client: Client, on_done=None) -> None:
        """Open the note dialog on `client`; the note is saved there, and kept in
        the dialog when it cannot be, so nothing typed is lost."""
        if self.refuse_if_read_only():
            return
        from coach.ui.dialogs.note import NoteDialog

        def save(note) -> bool:
            return self.guarded_save(lambda: self.store.save_note(note), what="The note")

        def saved(note) -> None:
            if note is not None:
                self.notify("Noted; the next reflection on them offers it as evidence.", timeout=4)
            if on_done is not None:
                on_done(note)

        self.push_screen(NoteDialog(client.id, client.name, save), saved)

    def ask_for_decision(self, client_id: str, *, always: bool = False) -> bool:
        """Ask what to do about a client whose order-taker signals line up, once
        (see coach.decisions); `always` asks even when no decision is due.
        Returns whether the question was put."""
        from coach.decisions import call_of
        from coach.store import DamagedHistoryError

        client = self.store.client(client_id)
        if client is None or self.store.read_only:
            return False
        call = call_of(client)  # from the summary the save just brought up to date: no history read
        if call is None or not (call.due or always):
            return False
        try:
            reflections = self.store.reflections(client_id)  # the latest one's id, for a "keep" commitment
        except DamagedHistoryError:
            return False
        if not reflections:
            return False
        from coach.ui.dialogs.decision import DecisionDialog

        def save(decision, commitment) -> bool:
            return self.guarded_save(lambda: self.store.record_decision(client_id, decision, commitment),
                                     what="The decision")

        def decided(decision) -> None:
            if decision is None:
                return
            done = {"keep": "Decision logged, with the commitment to the partnership.",
                    "exit": "Decision logged: plan the exit.",
                    "let_go": f"Decision logged; {client.name} is archived (the history stays)."}[decision.choice]
            self.notify(done, timeout=6, markup=False)
            refresh = getattr(self.screen, "refresh_all", None) or getattr(self.screen, "load", None)
            if refresh:
                refresh()

        self.push_screen(DecisionDialog(client.name, call, reflections[-1].id, save), decided)
        return True

    def save_open_drafts(self) -> list:
        """Write what is typed in any reflection on the stack to its draft, now.

        Returns the reflection screens whose draft could not be written.
        """
        from coach.ui.screens.reflect import ReflectionScreen

        return [
            screen for screen in self.screen_stack
            if isinstance(screen, ReflectionScreen) and not self.store.read_only
            and not screen.save_draft(quiet=True)
        ]

    async def action_quit(self) -> None:
        # ctrl+q is handled in the app's own key loop, ahead of the keys typed
        # just before it that the focused field has not taken yet
        await settle(self)
        unsaved = self.save_open_drafts()
        if unsaved and unsaved[-1] is self.screen:
            # quitting would drop words that are on no disk: ask first
            self.screen.ask_before_leaving(then=lambda: self.exit(0))
            return
        leave = getattr(self.screen, "leave_if_agreed", None)
        if leave is not None:
            leave(lambda: self.exit(0))  # a dialog or the terms, with words typed and not saved: asks first
            return
        self.exit(0)

    def hang_up(self) -> None:
        """The terminal went away (SIGHUP) or we were asked to stop (SIGTERM)."""
        try:
            for screen in self.save_open_drafts():
                screen.save_draft_somewhere()  # no one to ask: a private file beside the data
            self._keep_typed_words()
        finally:
            # the drafts are on disk; if shutting down a dead terminal stalls, leave anyway
            threading.Timer(HANGUP_GRACE_SECONDS, os._exit, args=(0,)).start()
            self.exit(0)

    def _keep_typed_words(self) -> None:
        """Words typed in a dialog or the terms and not saved go to a private file (unsaved.save_words_somewhere)."""
        from coach.unsaved import save_words_somewhere

        for screen in self.screen_stack:
            words = getattr(screen, "typed_words", lambda: {})()
            if words:
                save_words_somewhere(type(screen).__name__, words, self.store.data_dir)

    def guarded_save(self, save, *, what: str) -> bool:
        """Run a store write; tell the user plainly if it could not happen."""
        try:
            save()
        except SaveError as exc:
            self.notify(f"{what} was not saved. {exc}", title="Not saved", severity="error", timeout=15, markup=False)
            return False
        return True

"""Keys typed before the screen they are meant for is ready, held and handed on.

A user over SSH types ahead: while coach starts, right behind an Enter that
opens a dialog, behind a ctrl+n that closes two screens and opens a third.
Textual routes each key to whatever has focus the moment it is read, so
such keys went to a screen on its way out, into the wrong field, or nowhere.
The app asks KeysAhead about every key; while something is still opening,
the key is kept here, and once the screen on top has come to rest all kept
keys go back to the app, in the order typed.
"""

from __future__ import annotations

from textual import events

ENTER_HOLD_SECONDS = 0.5  # at most this long do keys typed behind a field's Enter wait for it
LAUNCH_HOLD_SECONDS = 3.0  # at most this long do keys typed while coach starts wait for its launch offers


class KeysAhead:
    def __init__(self, app) -> None:
        self.app = app
        self._held: list[events.Key | events.Paste] = []  # kept here, in the order they came
        self._behind_enter: list[events.Key | events.Paste] = []  # had reached the field before its Enter was acted on
        self._holding = False
        self._launching = True  # until home has made its launch offers (launch_finished)
        self._enter_field = None  # the text field whose Enter is still being acted on
        self._settled_on = None  # the screen on top at the last look, while keys are held

    @property
    def holding(self) -> bool:
        return self._holding

    def start(self) -> None:
        """Coach has started: should home never get to its launch (an error
        there), keys are not held for ever."""
        self.app.set_timer(LAUNCH_HOLD_SECONDS, self.launch_finished)

    def keep(self, event: events.Key | events.Paste) -> bool:
        """Keep `event` if the screen on top is still being built or something
        before it is still being acted on; True when it was kept."""
        if self.app.screen.is_mounted and not self._holding and not self._launching:
            return False
        self._held.append(event)
        self.hold()
        return True

    def hold(self) -> None:
        """Keep the keys that come from now on until the screen on top has
        come to rest (a priority key just opened or closed one)."""
        if not self._holding:
            self._holding = True
            self._settled_on = None
            self.app.call_after_refresh(self._hand_on)

    def launch_finished(self) -> None:
        """Home has offered what it offers at launch: the keys typed while
        coach started go on, to the offer if there is one."""
        if self._launching:
            self._launching = False
            self.app.call_after_refresh(self._hand_on)

    def behind_enter(self, field) -> None:
        """A text field's Enter is on its way to whatever it does (choose,
        create, move on): keys typed after it wait until that is done."""
        self._enter_field = field
        self.hold()
        # should the field's message never come (its screen closed first), the keys still go on
        self.app.set_timer(ENTER_HOLD_SECONDS, lambda: self.enter_done(field))

    def reached_field(self, event: events.Key | events.Paste) -> None:
        """A key that was already on its way to the field when its Enter came."""
        self._behind_enter.append(event)

    def enter_done(self, field) -> None:
        field.enter_done()
        if self._enter_field is field:
            self._enter_field = None
            self.app.call_after_refresh(self._hand_on)

    def _hand_on(self) -> None:
        if self._enter_field is not None or self._launching:
            return  # enter_done or launch_finished calls again
        screen = self.app.screen
        if not screen.is_mounted or self._settled_on is not screen:
            # the same screen on top, mounted, at two refreshes in a row: the change has come to rest
            self._settled_on = screen if screen.is_mounted else None
            self.app.call_after_refresh(self._hand_on)
            return
        # the keys that had reached the field were typed before those kept here
        held = self._behind_enter + self._held
        self._behind_enter, self._held, self._holding = [], [], False
        for event in held:
            again = events.Paste(event.text) if isinstance(event, events.Paste) else events.Key(event.key, event.character)
            self.app.post_message(again)

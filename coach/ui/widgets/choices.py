"""A one-line row of choices picked with the keyboard: scores 1-5, yes/partly/no...

Each option has a hotkey (a digit or a letter); left/right move; backspace
clears. The chosen option is drawn in brackets as well as in colour, so it
reads with NO_COLOR and in 16 colours.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import monotonic

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, TextArea

from coach.ui.widgets.fields import cursor_to_end


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hotkey: str


class Choices(Widget, can_focus=True):
    DEFAULT_CSS = """
    Choices { height: 1; width: 1fr; }
    Choices:focus { background: $boost; text-style: bold; }
    """

    BINDINGS = [
        Binding("left", "move(-1)", "Previous choice", show=False, id="choices.left"),
        Binding("right", "move(1)", "Next choice", show=False, id="choices.right"),
        Binding("backspace,delete", "clear", "Clear", show=False, id="choices.clear"),
    ]

    value: reactive[str] = reactive("", init=False)

    @dataclass
    class Changed(Message):
        choices: "Choices"
        value: str

        @property
        def control(self) -> "Choices":
            return self.choices

    def __init__(self, options: list[Option], *, value: str = "", advance_on_pick: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.options = options
        self.advance_on_pick = advance_on_pick
        self.set_reactive(Choices.value, value)
        self._hotkeys = {c for o in options for c in (o.hotkey.lower(), o.hotkey.upper())}
        self._spilled_at = 0.0
        # Priority bindings run in the app's own key loop, so focus has moved on
        # before the next key of a burst (a paste, a laggy SSH link) is routed.
        for option in options:
            keys = ",".join(sorted({option.hotkey.lower(), option.hotkey.upper()}))
            self._bindings.bind(keys, f"pick({option.value!r})", show=False, priority=True)

    def render(self) -> Text:
        text = Text()
        for option in self.options:
            chosen = option.value == self.value
            mark = f"[{option.hotkey}] {option.label}" if option.label != option.hotkey else f"[{option.hotkey}]"
            if chosen:
                text.append(f"»{mark}«", style="reverse bold")
            else:
                text.append(f" {mark} ")
            if option.label != option.hotkey:
                text.append(" ")  # words need air between them; bare digits do not
        text.rstrip()
        return text

    def watch_value(self, value: str) -> None:
        self.post_message(self.Changed(self, value))

    def action_pick(self, value: str) -> None:
        self.value = value
        if self.advance_on_pick:
            move = getattr(self.screen, "move_focus", None)
            move(1) if move else self.screen.focus_next()
            # after going back, "3X" scored and put the X before the evidence
            cursor_to_end(self.screen.focused)

    def action_move(self, step: int) -> None:
        values = [o.value for o in self.options]
        if self.value in values:
            index = (values.index(self.value) + step) % len(values)
        else:
            index = 0 if step > 0 else len(values) - 1
        self.value = values[index]

    def action_clear(self) -> None:
        self.value = ""

    def spill(self, event: events.Key) -> bool:
        """A letter that picks nothing here is the start of words: it goes, with
        focus, to the next text field of the step. "the client said…" typed on
        a choice row would otherwise lose its letters, or pick No at its "n".

        Called by the app as the key arrives, as the hotkeys' priority bindings
        are, so the next key of a burst is routed after focus has moved. A
        space spills only right behind a letter that did.
        """
        char = event.character
        if not event.is_printable or not char or char in self._hotkeys:
            return False
        if char.isspace() and monotonic() - self._spilled_at > 1.0:
            return False
        target = self._next_text_field()
        if target is None:
            return False
        self._spilled_at = monotonic()
        if self.screen.focused is not target:
            self.screen.set_focus(target)
            cursor_to_end(target)
        if hasattr(target, "insert_text_at_cursor"):
            target.insert_text_at_cursor(char)
        else:
            target.insert(char)
        return True

    def spill_paste(self, event: events.Paste) -> bool:
        """A paste on a choice row is words too: it goes to the next text field."""
        target = self._next_text_field()
        if target is None or not event.text:
            return False
        self.screen.set_focus(target)
        target.post_message(events.Paste(event.text))
        return True

    def _next_text_field(self) -> Input | TextArea | None:
        """The first text field after this row in focus order (the focus chain
        holds only what is shown: the current step, never a hidden one)."""
        chain = self.screen.focus_chain
        after = chain[chain.index(self) + 1:] if self in chain else []
        return next((w for w in after if isinstance(w, (Input, TextArea))), None)


def score_options(labels: dict[int, str]) -> list[Option]:
    return [Option(str(n), str(n), str(n)) for n in sorted(labels)]

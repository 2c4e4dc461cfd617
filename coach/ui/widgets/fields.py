"""Text fields that never drop what is in them and never send it raw to the terminal.

Textual's Input and TextArea draw their text as is, so an escape sequence in a
note (pasted, restored from a backup, or written by another tool) would reach
the terminal. These fields show such characters as pictures (␛, <U+202E>, ⇥)
and remember which picture stands for which character, so what is stored is
what was pasted or loaded, even after more is typed around it. A field left
as it was gives back the stored text exactly (line endings included), so
merely opening a draft never rewrites it.
"""

from __future__ import annotations

import unicodedata

from textual import events
from textual.message import Message
from textual.widgets import Input, TextArea

from coach.textsafe import pictured, unpictured


def _joiner(event: events.Key) -> bool:
    """A typed format character (the zero-width joiner inside "👩‍👩‍👧", say):
    not printable, so Textual's fields dropped it, though it is part of the
    text. Those that could mislead (U+202E) become pictures like any other."""
    char = event.character
    return bool(char) and len(char) == 1 and not event.is_printable and unicodedata.category(char) == "Cf"


def cursor_to_end(widget) -> None:
    """The cursor after a field's text, so what is typed next adds to it."""
    if isinstance(widget, TextArea):
        widget.move_cursor(widget.document.end)
    elif isinstance(widget, Input):
        widget.cursor_position = len(widget.value)


class TextField(Input):
    """A one-line field: no select-all on focus, control characters shown, not sent.

    Textual's default selects everything when a field gains focus, so the
    first key typed after tabbing back into a note would replace the whole note.
    """

    class EnterDone(Message):
        """Posted right behind the field's Submitted, so it reaches the app
        only after the screen has acted on that Enter."""

        def __init__(self, field: TextField) -> None:
            super().__init__()
            self.field = field

    def __init__(self, value: str | None = None, placeholder: str = "", **kwargs) -> None:
        self._pictures: dict[str, str] = {}
        self._originals: dict[str, str] = {}  # a value as shown -> as it was set or pasted whole
        self._entered = False  # Enter pressed, what it does not yet done
        kwargs.setdefault("select_on_focus", False)
        super().__init__(value=value, placeholder=placeholder, **kwargs)

    async def _on_key(self, event: events.Key) -> None:
        # Input submits from its Enter binding, which runs only once the key
        # has bubbled up to the app, and what Enter does (choose, create, move
        # on) runs later still. Keys typed right behind Enter (a burst over
        # SSH, typing ahead at launch) would be in this field by then: the
        # picker's "Sof" Enter "x" submitted "Sofx", matched nobody and opened
        # "New client". They are for what Enter leads to; the app holds them
        # until it is there.
        if self._entered:
            event.stop()
            event.prevent_default()
            self.app.keys_ahead.reached_field(event)
            return
        if event.key == "enter" and hasattr(self.app, "keys_ahead"):
            self._entered = True
            self.app.keys_ahead.behind_enter(self)
        if _joiner(event):
            event.stop()
            event.prevent_default()
            self.insert_text_at_cursor(event.character)
            return
        await super()._on_key(event)

    async def action_submit(self) -> None:
        await super().action_submit()
        # behind the Submitted in every queue on the way up: it reaches the
        # app once the screen has handled that, even if a handler stopped it
        self.post_message(self.EnterDone(self))

    def enter_done(self) -> None:
        """What the Enter does is done (the app calls this): keys come here again."""
        self._entered = False

    def replace(self, text: str, start: int, end: int) -> None:
        # typing and pasting both come here: the pictures go in, so the cursor
        # lands after what is shown ("<U+202E>" is eight characters, not one)
        shown, found = pictured(text)
        self._pictures.update(found)
        super().replace(shown, start, end)

    def _on_paste(self, event: events.Paste) -> None:
        # Input keeps only a paste's first line; a one-line field keeps all of
        # it, the lines joined by a space
        event.stop()
        event.prevent_default()
        if event.text:
            # the lines joined by a space (a terminal sends a pasted line break as CR)
            text = " ".join(line for line in event.text.splitlines() if line.strip()) or event.text
            start, end = sorted(self.selection)
            self.replace(text, start, end)

    def validate_value(self, value: str) -> str:
        shown, found = pictured(value)
        if shown != value:
            self._pictures.update(found)
            self._originals[shown] = value
        return shown

    @property
    def kept_value(self) -> str:
        """The text to store: what was set, exactly (a line break in it too),
        unless the user changed it; then what was typed, pictures turned back."""
        if self.value in self._originals:
            return self._originals[self.value]
        return unpictured(self.value, self._pictures)


class NoteArea(TextArea):
    """A multi-line field with the same promises as TextField. Tabs stay tabs:
    TextArea draws them itself."""

    async def _on_key(self, event: events.Key) -> None:
        if _joiner(event) and not self.read_only:
            event.stop()
            event.prevent_default()
            if result := self._replace_via_keyboard(self._shown(event.character), *self.selection):
                self.move_cursor(result.end_location)
            return
        await super()._on_key(event)

    def __init__(self, text: str = "", **kwargs) -> None:
        kwargs.setdefault("soft_wrap", True)
        kwargs.setdefault("show_line_numbers", False)
        kwargs.setdefault("tab_behavior", "focus")
        self._pictures: dict[str, str] = {}
        self._loaded: tuple[str, str] = ("", "")
        super().__init__(self._shown(text), **kwargs)
        self._loaded = (text, self.text)

    def _shown(self, text: str) -> str:
        shown, found = pictured(text.replace("\r\n", "\n"), keep_newlines=True, keep_tabs=True)
        self._pictures.update(found)
        return shown

    def load_text(self, text: str) -> None:
        super().load_text(self._shown(text))
        self._loaded = (text, self.text)

    @property
    def kept_text(self) -> str:
        """The text to store: what was loaded, exactly, unless the user changed it.

        TextArea also rewrites line endings and odd separators on load; an
        untouched note keeps its own.
        """
        original, shown = self._loaded
        return original if self.text == shown else unpictured(self.text, self._pictures)

    def add_line(self, text: str) -> None:
        """Put `text` after what is there, on a line of its own, and the cursor after it."""
        sep = "\n" if self.text.strip() else ""
        if not self.text.strip() and self.text:
            self.clear()
        self.insert(sep + self._shown(text), self.document.end)
        self.move_cursor(self.document.end)

    async def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        if self.read_only or not event.text:
            return
        # terminals send a pasted line break as CR (tmux, most others): it is a line break
        text = event.text.replace("\r\n", "\n").replace("\r", "\n")
        if result := self._replace_via_keyboard(self._shown(text), *self.selection):
            self.move_cursor(result.end_location)

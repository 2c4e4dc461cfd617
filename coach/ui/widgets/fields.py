"""Text fields that never drop what is in them and never send it raw to the terminal.

Textual's Input and TextArea draw their text as is, so an escape sequence in a
note (pasted, restored from a backup, or written by another tool) would reach
the terminal. These fields show control characters as visible pictures. When
the user leaves such a field as it was, `kept_value` / `kept_text` give back
the stored text exactly, so merely opening a draft never rewrites it.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TextArea

from coach.textsafe import visible


class TextField(Input):
    """A one-line field: no select-all on focus, control characters shown, not sent.

    Textual's default selects everything when a field gains focus, so the
    first key typed after tabbing back into a note would replace the whole note.
    """

    def __init__(self, value: str | None = None, placeholder: str = "", **kwargs) -> None:
        self._originals: dict[str, str] = {}
        kwargs.setdefault("select_on_focus", False)
        super().__init__(value=value, placeholder=placeholder, **kwargs)

    def validate_value(self, value: str) -> str:
        shown = visible(value)
        if shown != value:
            self._originals[shown] = value
        return shown

    @property
    def kept_value(self) -> str:
        """The text to store: what was loaded, exactly, unless the user changed it."""
        return self._originals.get(self.value, self.value)


class NoteArea(TextArea):
    """A multi-line field with the same promises as TextField."""

    def __init__(self, text: str = "", **kwargs) -> None:
        kwargs.setdefault("soft_wrap", True)
        kwargs.setdefault("show_line_numbers", False)
        kwargs.setdefault("tab_behavior", "focus")
        self._loaded: tuple[str, str] = ("", "")
        super().__init__(_shown(text), **kwargs)
        self._loaded = (text, self.text)

    def load_text(self, text: str) -> None:
        super().load_text(_shown(text))
        self._loaded = (text, self.text)

    @property
    def kept_text(self) -> str:
        """The text to store: what was loaded, exactly, unless the user changed it.

        TextArea also rewrites line endings and odd separators on load; an
        untouched note keeps its own.
        """
        original, shown = self._loaded
        return original if self.text == shown else self.text

    async def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        if self.read_only or not event.text:
            return
        if result := self._replace_via_keyboard(_shown(event.text), *self.selection):
            self.move_cursor(result.end_location)


def _shown(text: str) -> str:
    return visible(text.replace("\r\n", "\n"), keep_newlines=True)

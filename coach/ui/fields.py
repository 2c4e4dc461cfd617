"""Text fields that never drop what is already in them."""

from __future__ import annotations

from textual.widgets import Input


class TextField(Input):
    """An Input that does not select its text on focus.

    Textual's default selects everything when a field gains focus, so the
    first key typed after tabbing back into a note replaces the whole note.
    """

    def __init__(self, value: str | None = None, placeholder: str = "", **kwargs) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(value=value, placeholder=placeholder, **kwargs)

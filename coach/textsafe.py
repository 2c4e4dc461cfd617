"""User text shown exactly as typed, never interpreted.

Markup is neutralised by handing widgets rich Text / Content objects; this
module makes control characters (an escape sequence pasted into a note, say)
visible instead of letting them reach the terminal.
"""

from __future__ import annotations

import unicodedata

from rich.text import Text

_CONTROL_PICTURES = {"\x1b": "␛", "\x7f": "␡", "\t": "    "}


def visible(text: str, *, keep_newlines: bool = False) -> str:
    out = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch in _CONTROL_PICTURES:
            out.append(_CONTROL_PICTURES[ch])
        elif ch in "\r\n":
            out.append(" ")
        elif ord(ch) < 0x20:
            out.append(chr(0x2400 + ord(ch)))  # the Unicode "control picture" for it
        elif unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\u200d\u200c":
            out.append(f"<U+{ord(ch):04X}>")  # bidi overrides and other invisible controls
        else:
            out.append(ch)
    return "".join(out)


def literal(text: str, style: str = "", *, keep_newlines: bool = False) -> Text:
    """A rich Text that shows `text` literally: brackets stay brackets."""
    return Text(visible(text, keep_newlines=keep_newlines), style=style)


def shorten(text: str, width: int) -> str:
    text = visible(text)
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"

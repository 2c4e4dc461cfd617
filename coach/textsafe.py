"""User text shown exactly as typed, never interpreted.

Markup is neutralised by handing widgets rich Text / Content objects; this
module makes control characters (an escape sequence pasted into a note, say)
visible instead of letting them reach the terminal.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rich.cells import cell_len, chop_cells
from rich.text import Text

_CONTROL_PICTURES = {"\x1b": "␛", "\x7f": "␡", "\t": "    "}


_BLACK_FLAG = "\U0001F3F4"
_KEEP_FORMAT = "\u200d\u200c\u200e\u200f"  # ZWJ/ZWNJ in emoji and scripts; LRM/RLM in RTL text


def _is_tag(ch: str) -> bool:
    return 0xE0020 <= ord(ch) <= 0xE007F


def visible(text: str, *, keep_newlines: bool = False) -> str:
    out = []
    in_flag = False  # tag characters spell subdivision flags (🏴 + tags + cancel tag)
    for ch in text:
        if in_flag and _is_tag(ch):
            out.append(ch)
            in_flag = ch != "\U000E007F"
            continue
        in_flag = ch == _BLACK_FLAG
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch in _CONTROL_PICTURES:
            out.append(_CONTROL_PICTURES[ch])
        elif ch in "\r\n":
            out.append(" ")
        elif ch in "\u2028\u2029":  # line and paragraph separators: line breaks too
            out.append("\n" if keep_newlines else " ")
        elif ord(ch) < 0x20:
            out.append(chr(0x2400 + ord(ch)))  # the Unicode "control picture" for it
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch not in _KEEP_FORMAT:
            # bidi overrides and other invisible controls; a lone surrogate (from a
            # restored file) has no UTF-8 form and would reach the terminal as "\udc80"
            out.append(f"<U+{ord(ch):04X}>")
        else:
            out.append(ch)
    return "".join(out)


#: A lone surrogate: a code point that is not a character and has no UTF-8 form.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def valid_unicode(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD.

    coach keeps only real characters. A lone surrogate (bytes that were not
    UTF-8, via argv's surrogateescape or a hand-edited file) cannot be written
    as UTF-8, and JSON would read two of them side by side back as a different
    single character, so it is replaced where it comes in, each one by its own
    U+FFFD.
    """
    return LONE_SURROGATE.sub(REPLACEMENT, text)


def valid_unicode_tree(value: Any) -> tuple[Any, int]:
    """A copy of a JSON-like value with `valid_unicode` applied to every string
    (keys included), and how many strings it changed."""
    if isinstance(value, str):
        fixed = valid_unicode(value)
        return fixed, int(fixed != value)
    if isinstance(value, dict):
        out, changed = {}, 0
        for key, item in value.items():
            new_key, n = valid_unicode_tree(key) if isinstance(key, str) else (key, 0)
            new_item, m = valid_unicode_tree(item)
            out[new_key] = new_item
            changed += n + m
        return out, changed
    if isinstance(value, list):
        items = [valid_unicode_tree(item) for item in value]
        return [item for item, _ in items], sum(n for _, n in items)
    return value, 0


def literal(text: str, style: str = "", *, keep_newlines: bool = False) -> Text:
    """A rich Text that shows `text` literally: brackets stay brackets."""
    return Text(visible(text, keep_newlines=keep_newlines), style=style)


def shorten(text: str, width: int) -> str:
    """Fit `text` into `width` terminal cells (CJK and emoji take two)."""
    text = visible(text)
    if cell_len(text) <= width:
        return text
    # cut whole graphemes: "❤\ufe0f" is two cells though its characters measure 1 + 0
    head = chop_cells(text, width - 1)[0] if width > 1 else ""
    rest = text[len(head):]
    if head and rest and not rest[0].isspace() and not head[-1].isspace():
        # mid-word: end at the last whole word, unless that throws away most of the room
        space = head.rstrip().rfind(" ")
        if space >= (width - 1) * 0.6:
            head = head[:space]
    return head.rstrip(" ,;:·—-") + "…"

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
    return "".join(shown for _, shown in _pieces(text, keep_newlines))


def _pieces(text: str, keep_newlines: bool):
    """(character, what is drawn for it), one character at a time."""
    in_flag = False  # tag characters spell subdivision flags (🏴 + tags + cancel tag)
    for ch in text:
        if in_flag and _is_tag(ch):
            yield ch, ch
            in_flag = ch != "\U000E007F"
            continue
        in_flag = ch == _BLACK_FLAG
        if ch == "\n" and keep_newlines:
            yield ch, ch
        elif ch in _CONTROL_PICTURES:
            yield ch, _CONTROL_PICTURES[ch]
        elif ch in "\r\n":
            yield ch, " "
        elif ch in "\u2028\u2029":  # line and paragraph separators: line breaks too
            yield ch, "\n" if keep_newlines else " "
        elif ord(ch) < 0x20:
            yield ch, chr(0x2400 + ord(ch))  # the Unicode "control picture" for it
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch not in _KEEP_FORMAT:
            # bidi overrides and other invisible controls; a lone surrogate (from a
            # restored file) has no UTF-8 form and would reach the terminal as "\udc80"
            yield ch, f"<U+{ord(ch):04X}>"
        else:
            yield ch, ch


TAB_PICTURE = "⇥"


def pictured(text: str, *, keep_newlines: bool = False, keep_tabs: bool = False) -> tuple[str, dict[str, str]]:
    """`text` safe to put in an editable field, and which picture stands for which character.

    A field shows an escape as ␛ and a bidi override as <U+202E>; to store
    what was pasted, not its pictures, the field turns them back with
    `unpictured`. A tab is ⇥ (four spaces could not be told from typed ones),
    or kept where the widget draws tabs itself (keep_tabs). Spaces that stand
    for line breaks in a one-line field are not turned back: that field holds
    one line.
    """
    out: list[str] = []
    found: dict[str, str] = {}
    for ch, shown in _pieces(text, keep_newlines):
        if ch == "\t":
            shown = "\t" if keep_tabs else TAB_PICTURE
        if shown != ch and shown not in (" ", "\n"):
            found[shown] = ch
        out.append(shown)
    return "".join(out), found


def unpictured(text: str, pictures: dict[str, str]) -> str:
    """`text` with each picture `pictured` made turned back into its character."""
    for picture in sorted(pictures, key=len, reverse=True):  # <U+202E> before ␛
        if picture in text:
            text = text.replace(picture, pictures[picture])
    return text


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


def shorten(text: str, width: int, *, keep: int = 0) -> str:
    """Fit `text` into `width` terminal cells (CJK and emoji take two), cut at a word
    when that keeps most of the room, and never fewer than `keep` cells of it."""
    text = visible(text)
    if cell_len(text) <= width:
        return text
    # cut whole graphemes: "❤\ufe0f" is two cells though its characters measure 1 + 0
    head = chop_cells(text, width - 1)[0] if width > 1 else ""
    rest = text[len(head):]
    if head and rest and not rest[0].isspace() and not head[-1].isspace():
        # mid-word: end at the last whole word, unless that throws away most of the room
        space = head.rstrip().rfind(" ")
        kept = cell_len(head[:space]) if space > 0 else 0  # cells, not characters: "東京" is four
        if kept >= max((width - 1) * 0.6, min(keep, width - 1)):
            head = head[:space]
    return head.rstrip(" ,;:·—-") + "…"

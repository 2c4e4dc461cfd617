"""Enough of a terminal to replay what coach wrote to a pty and read each cell:
its character, and the colours and attributes it was drawn with.

Textual positions the cursor (CSI row;col H), sets attributes (SGR, CSI ... m)
and writes text; everything else it sends (modes, queries, titles) changes no
cell and is skipped. The terminal's own colours are kept apart from the
sixteen named ones: "FG" is its default foreground and "BG" its default
background, so reverse video on defaults reads as what it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rich.cells import get_character_cell_size

DEFAULT_FG, DEFAULT_BG = "FG", "BG"


@dataclass(frozen=True)
class Pen:
    fg: object = DEFAULT_FG  # "FG", 0-255, or an (r, g, b) tuple
    bg: object = DEFAULT_BG
    bold: bool = False
    dim: bool = False
    underline: bool = False
    reverse: bool = False

    @property
    def drawn(self) -> tuple[object, object]:
        """(foreground, background) as the eye sees them, after reverse video."""
        return (self.bg, self.fg) if self.reverse else (self.fg, self.bg)


@dataclass(frozen=True)
class Cell:
    char: str
    pen: Pen


TOKEN = re.compile(
    rb"\x1b\[([0-9;:?<>=$ ]*)([@-~])"  # CSI
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC, ended by BEL or ST
    rb"|\x1b[P_^].*?\x1b\\"  # DCS, APC, PM
    rb"|\x1b[()][0-9A-Za-z]|\x1b[=>78DMEc]"
    rb"|([\r\n\x08])"
    rb"|([^\x1b\r\n\x08]+)",
    re.S,
)


def sgr_codes(params: str) -> list[int]:
    return [int(p) if p.isdigit() else 0 for p in re.split("[;:]", params)] if params else [0]


def apply_sgr(pen: Pen, params: str) -> Pen:
    codes = sgr_codes(params)
    i = 0
    while i < len(codes):
        code = codes[i]
        if code == 0:
            pen = Pen()
        elif code == 1:
            pen = replace(pen, bold=True)
        elif code == 2:
            pen = replace(pen, dim=True)
        elif code == 22:
            pen = replace(pen, bold=False, dim=False)
        elif code == 4:
            pen = replace(pen, underline=True)
        elif code == 24:
            pen = replace(pen, underline=False)
        elif code == 7:
            pen = replace(pen, reverse=True)
        elif code == 27:
            pen = replace(pen, reverse=False)
        elif 30 <= code <= 37 or 90 <= code <= 97:
            pen = replace(pen, fg=code - 30 if code < 90 else code - 90 + 8)
        elif 40 <= code <= 47 or 100 <= code <= 107:
            pen = replace(pen, bg=code - 40 if code < 100 else code - 100 + 8)
        elif code == 39:
            pen = replace(pen, fg=DEFAULT_FG)
        elif code == 49:
            pen = replace(pen, bg=DEFAULT_BG)
        elif code in (38, 48) and i + 1 < len(codes):
            if codes[i + 1] == 5:
                value: object = codes[i + 2] if i + 2 < len(codes) else 0
                i += 2
            else:
                value = tuple(codes[i + 2 : i + 5])
                i += 4
            pen = replace(pen, **{"fg" if code == 38 else "bg": value})
        i += 1
    return pen


def colour_codes(data: bytes) -> list[str]:
    """Every SGR sequence in `data` that sets a colour (other than the terminal's defaults)."""
    found = []
    for match in TOKEN.finditer(data):
        if match.group(2) == b"m" and not match.group(1).startswith((b"?", b">", b"<", b"=")):
            codes = sgr_codes(match.group(1).decode())
            if any(30 <= c <= 38 or 40 <= c <= 48 or 90 <= c <= 107 for c in codes):
                found.append(match.group(0).decode(errors="replace"))
    return found


def replay(data: bytes, width: int = 80, height: int = 24) -> list[list[Cell]]:
    """The screen after `data` has been written to a blank terminal of width x height."""
    blank = Cell(" ", Pen())
    rows = [[blank] * width for _ in range(height)]
    pen, row, col = Pen(), 0, 0
    for match in TOKEN.finditer(data):
        final = match.group(2)
        if final is not None:
            params = match.group(1).decode()
            if final == b"m" and not params.startswith(("?", ">", "<", "=")):
                pen = apply_sgr(pen, params)
            elif final in (b"H", b"f"):
                parts = params.split(";") if params else []
                row = min(int(parts[0] or 1) - 1 if parts else 0, height - 1)
                col = min(int(parts[1] or 1) - 1 if len(parts) > 1 else 0, width - 1)
            elif final == b"J" and params in ("2", "3"):
                rows = [[blank] * width for _ in range(height)]
        elif match.group(3):
            control = match.group(3)
            if control == b"\r":
                col = 0
            elif control == b"\n":
                row = min(row + 1, height - 1)
            else:
                col = max(col - 1, 0)
        elif match.group(4):
            for char in match.group(4).decode("utf-8", "replace"):
                size = get_character_cell_size(char)
                if size == 0 or col >= width:
                    continue
                rows[row][col] = Cell(char, pen)
                if size == 2 and col + 1 < width:
                    rows[row][col + 1] = Cell("", pen)
                col += size
    return rows


def text(rows: list[list[Cell]]) -> str:
    return "\n".join("".join(cell.char for cell in row) for row in rows)


def same_colour(a: object, b: object, *, dark: bool = True) -> bool:
    """Whether two colours look the same. On a dark terminal (coach's 16-colour
    theme assumes one) the default background is black, or near it."""
    if dark and {a, b} == {DEFAULT_BG, 0}:
        return True
    return a == b


def unreadable(rows: list[list[Cell]], *, dark: bool = True) -> list[tuple[int, int, str, tuple]]:
    """Cells with a visible character drawn in the colour of their own background."""
    return [
        (y, x, cell.char, cell.pen.drawn)
        for y, row in enumerate(rows)
        for x, cell in enumerate(row)
        if cell.char.strip() and same_colour(*cell.pen.drawn, dark=dark)
    ]

"""The three best clients: the method's own exercise, without any screen.

Take your three best clients and score the seven beliefs for each. Where a
score is 4 or 5 the relationship is strong there: say so to the client.
Where it is 1 to 3 it falls short: work out what to do. A belief short with
all three is more likely a habit of yours than something about one client.

The scores are for the exercise only; nothing here is saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from coach.method import BELIEF_KEYS

HOW_MANY = 3  # the exercise takes exactly three clients
STRONG_FROM = 4  # 4 and 5 are strong; 1 to 3 fall short ("neither" is not agreement)
SCORES = range(1, 6)


@dataclass(frozen=True)
class Reading:
    """One client's scores read for the exercise: (belief key, score) pairs, in the method's order
    for the strong ones and weakest first for the short ones."""

    strong: tuple[tuple[str, int], ...] = ()
    short: tuple[tuple[str, int], ...] = ()
    unscored: tuple[str, ...] = ()


def valid_score(value: object) -> int | None:
    """A score of 1 to 5, or None for anything else (a missing or damaged value)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if value in SCORES else None


def prefill(last_scores: Mapping[str, object] | None) -> dict[str, int]:
    """The scores of a client's latest reflection that can stand in the grid: only whole 1-5 scores."""
    found: dict[str, int] = {}
    for key in BELIEF_KEYS:
        score = valid_score((last_scores or {}).get(key))
        if score is not None:
            found[key] = score
    return found


def read_scores(scores: Mapping[str, int | None]) -> Reading:
    """Where one client's scores are strong (4-5) and where they fall short (1-3)."""
    strong: list[tuple[str, int]] = []
    short: list[tuple[int, int, str]] = []
    unscored: list[str] = []
    for index, key in enumerate(BELIEF_KEYS):
        score = valid_score(scores.get(key))
        if score is None:
            unscored.append(key)
        elif score >= STRONG_FROM:
            strong.append((key, score))
        else:
            short.append((score, index, key))
    return Reading(
        strong=tuple(strong),
        short=tuple((key, score) for score, _, key in sorted(short)),
        unscored=tuple(unscored),
    )


def short_with_all(readings: Iterable[Reading]) -> list[str]:
    """The beliefs that fall short with every client read (in the method's order); none for no readings."""
    readings = list(readings)
    if not readings:
        return []
    shorts = [{key for key, _ in r.short} for r in readings]
    return [key for key in BELIEF_KEYS if all(key in s for s in shorts)]


def complete(scores: Mapping[str, int | None]) -> bool:
    """Whether all seven beliefs have a score."""
    return all(valid_score(scores.get(key)) is not None for key in BELIEF_KEYS)


def pack(items: Iterable[str], width: int, *, end: str = "") -> list[str]:
    """Lay `items` out as a list ("a, b, c.") in lines of at most `width`
    characters, breaking only between items, so a belief never parts from its
    score. `end` follows the list, on a line of its own when it does not fit
    on the last one. An item longer than a line gets one of its own."""
    items = list(items)
    pieces = [item + ("," if n < len(items) - 1 else ".") for n, item in enumerate(items)]
    if end:
        pieces.append(end)
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if line and len(line) + 1 + len(piece) > width:
            lines.append(line)
            line = piece
        else:
            line = f"{line} {piece}" if line else piece
    if line:
        lines.append(line)
    return lines

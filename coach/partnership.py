"""The partnership over time: the lenses of each reflection read as series.

A single reflection says whether the client cared about you this week; the
series says whether the relationship goes both ways. The rules, also in the
README:

- one-way: reciprocity 2 or lower in each of the last three reflections, or
  the latest reciprocity 2 or more below the highest of the two scored
  before it (4, 2, 2 fell; 4, 3, 3 did not).
- the trend of reciprocity and of with/for is read over the last RECENT
  reflections that answered it.

No Textual and no rich here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from coach.models import Reflection

RECENT = 6  # the reflections a trend is read over
ONE_WAY_AT = 2  # reciprocity at or below this is one-way
ONE_WAY_RUN = 3  # ... in this many reflections in a row
ONE_WAY_FALL = 2  # or a fall of this much from the one before


@dataclass(frozen=True)
class LensPoint:
    """The partnership lenses of one reflection."""

    on: str
    reciprocity: int | None
    with_or_for: str  # with / mixed / for / ""
    objectives_agreed: str  # yes / partly / no / ""
    metrics_tracked: str
    last_partner_meeting: str  # the day of the last partner talk given that week, or ""


def series(reflections_oldest_first: Iterable[Reflection]) -> list[LensPoint]:
    return [LensPoint(r.date, r.lenses.reciprocity, r.lenses.with_or_for, r.lenses.objectives_agreed,
                      r.lenses.metrics_tracked, r.lenses.last_partner_meeting)
            for r in reflections_oldest_first]


def one_way(points: list[LensPoint]) -> str | None:
    """Why the relationship looks one-way, in a sentence fragment; None when it does not."""
    last = points[-ONE_WAY_RUN:]
    if len(last) == ONE_WAY_RUN and all(p.reciprocity is not None and p.reciprocity <= ONE_WAY_AT for p in last):
        return f"reciprocity {ONE_WAY_AT} or lower in the last {ONE_WAY_RUN} reflections"
    scored = [p.reciprocity for p in points if p.reciprocity is not None][-ONE_WAY_RUN:]
    if len(scored) >= 2 and max(scored[:-1]) - scored[-1] >= ONE_WAY_FALL:
        return f"reciprocity fell from {max(scored[:-1])} to {scored[-1]}"
    return None


@dataclass(frozen=True)
class Trend:
    reciprocity: tuple[int, ...]  # the recent scores, oldest first
    with_or_for: tuple[str, ...]  # the recent answers, oldest first

    @property
    def reciprocity_change(self) -> int | None:
        """Latest minus first of the recent scores; None with fewer than two."""
        return self.reciprocity[-1] - self.reciprocity[0] if len(self.reciprocity) >= 2 else None

    @property
    def reciprocity_mean(self) -> float | None:
        return sum(self.reciprocity) / len(self.reciprocity) if self.reciprocity else None

    def count(self, answer: str) -> int:
        return sum(1 for a in self.with_or_for if a == answer)


def trend(points: list[LensPoint], recent: int = RECENT) -> Trend:
    return Trend(tuple(p.reciprocity for p in points if p.reciprocity is not None)[-recent:],
                 tuple(p.with_or_for for p in points if p.with_or_for)[-recent:])

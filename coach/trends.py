"""How scores move: one series per belief, what changed between two
reflections, and where a weakness runs across the whole portfolio.

Plain arithmetic over records; no Textual here, so the CLI and the tests can
use it alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from coach.method import BELIEF_KEYS
from coach.models import Reflection

# A belief weak across the portfolio: its average at or below this...
HABIT_AVERAGE = 3.0
# ...or scored this low or lower with more than half the clients.
HABIT_LOW = 2
# One client's weakness is about that relationship; a habit needs at least two.
HABIT_MIN_CLIENTS = 2


@dataclass(frozen=True)
class BeliefTrend:
    """One belief's scores, one per reflection, oldest first (None: not scored)."""

    key: str
    dates: tuple[str, ...]
    scores: tuple[int | None, ...]

    @property
    def scored(self) -> list[int]:
        return [s for s in self.scores if s is not None]

    @property
    def latest(self) -> int | None:
        scored = self.scored
        return scored[-1] if scored else None

    def recent(self, count: int) -> tuple[int | None, ...]:
        return self.scores[-count:] if count > 0 else ()


def belief_trends(reflections: Sequence[Reflection]) -> list[BeliefTrend]:
    """A trend per belief, in the method's order, from reflections oldest first."""
    ordered = sorted(reflections, key=lambda r: (r.date, r.created_at))
    dates = tuple(r.date for r in ordered)
    return [
        BeliefTrend(key, dates, tuple(r.beliefs[key].score for r in ordered))
        for key in BELIEF_KEYS
    ]


def latest_scores(reflections: Sequence[Reflection]) -> dict[str, int | None]:
    """Each belief's most recent score, looking back past reflections that skipped it."""
    return {trend.key: trend.latest for trend in belief_trends(reflections)}


@dataclass(frozen=True)
class BeliefChange:
    """A belief whose score differs between two reflections, with both sides' evidence."""

    key: str
    before: int | None
    after: int | None
    before_evidence: str
    after_evidence: str

    @property
    def delta(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def changes_between(earlier: Reflection, later: Reflection) -> list[BeliefChange]:
    """The beliefs whose score moved from `earlier` to `later`, in the method's order."""
    found = []
    for key in BELIEF_KEYS:
        before, after = earlier.beliefs[key], later.beliefs[key]
        if before.score != after.score:
            found.append(BeliefChange(key, before.score, after.score, before.evidence, after.evidence))
    return found


def previous_reflection(reflections: Sequence[Reflection], reflection_id: str) -> Reflection | None:
    """The reflection just before the one with `reflection_id`, or None for the first."""
    ordered = sorted(reflections, key=lambda r: (r.date, r.created_at))
    for index, reflection in enumerate(ordered):
        if reflection.id == reflection_id:
            return ordered[index - 1] if index > 0 else None
    return None


# -- the portfolio -------------------------------------------------------------------


def portfolio_averages(rows: Iterable[Mapping[str, int | None]]) -> dict[str, float | None]:
    """Per belief, the average of the clients' latest scores (clients without one left out)."""
    rows = list(rows)
    averages: dict[str, float | None] = {}
    for key in BELIEF_KEYS:
        values = [row.get(key) for row in rows if row.get(key) is not None]
        averages[key] = sum(values) / len(values) if values else None
    return averages


@dataclass(frozen=True)
class Habit:
    """A belief that is weak with most clients: about you, not about one of them."""

    key: str
    average: float
    low_count: int  # clients scoring it HABIT_LOW or lower
    scored_count: int  # clients with a score for it


def habits(rows: Iterable[Mapping[str, int | None]]) -> list[Habit]:
    """Beliefs weak across the portfolio: average <= 3, or <= 2 with more than half the clients."""
    rows = list(rows)
    found = []
    for key in BELIEF_KEYS:
        values = [row[key] for row in rows if row.get(key) is not None]
        if len(values) < HABIT_MIN_CLIENTS:
            continue
        average = sum(values) / len(values)
        low = sum(1 for v in values if v <= HABIT_LOW)
        if average <= HABIT_AVERAGE or low * 2 > len(values):
            found.append(Habit(key, average, low, len(values)))
    return found


def habit_sentence(habit: Habit, belief_name: str) -> str:
    """The call-out in plain words."""
    return (
        f"“{belief_name}” is weak with most of your clients "
        f"(average {habit.average:.1f} of 5; {habit.low_count} of {habit.scored_count} "
        f"at {HABIT_LOW} or lower). That looks like a habit of yours, not one client's: "
        "worth working on in how you work with everyone."
    )

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

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from coach.models import Metric, Reading, Reflection

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


def series_of_records(records_oldest_first: Iterable[dict]) -> list[LensPoint]:
    """`series` of stored reflections (checked dicts): what a summary is built from."""
    out = []
    for d in records_oldest_first:
        lenses = d.get("lenses") or {}
        out.append(LensPoint(d.get("date", ""), lenses.get("reciprocity"), lenses.get("with_or_for", ""),
                             lenses.get("objectives_agreed", ""), lenses.get("metrics_tracked", ""),
                             lenses.get("last_partner_meeting", "")))
    return out


def latest(points: Iterable[LensPoint], lens: str) -> int | str | None:
    """The latest answer to one lens ("reciprocity", "with_or_for", ...); None when never answered."""
    return next((v for v in (getattr(p, lens) for p in reversed(list(points))) if v not in (None, "")), None)


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


# -- what a client's summary keeps of all this ---------------------------------------------


def summary_points(partnership: dict) -> list[LensPoint]:
    """The recent lenses a summary keeps (`ClientSummary.partnership["lenses"]`), as points."""
    return [LensPoint(p.get("on", ""), p.get("reciprocity"), p.get("with_or_for") or "",
                      p.get("objectives_agreed") or "", p.get("metrics_tracked") or "", "")
            for p in partnership.get("lenses", [])]


def summary_trend(partnership: dict) -> Trend:
    return Trend(tuple(partnership.get("reciprocity", [])), tuple(partnership.get("with_or_for", [])))


# -- key metrics over time ----------------------------------------------------------------

# "1,200" is twelve hundred (a comma before three digits groups thousands); "3,5" is three and a half
_NUMBER = re.compile(r"[-+−]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)")
# whole words or signs only: "mins" is not "min", and "no more than" is checked before "more than"
_NOT_MORE = re.compile(r"\bnot? more than\b")
_NOT_LESS = re.compile(r"\bnot? (?:less|fewer) than\b")
_AT_MOST = re.compile(r"\b(?:at most|up to|under|below|less than|fewer than|max(?:imum)?)\b|[<≤]")
_AT_LEAST = re.compile(r"\b(?:at least|over|above|more than|min(?:imum)?)\b|[>≥]")


def number(text: str) -> float | None:
    """The first number in a metric's value ("96%" → 96, "-2%" → -2, "£40k" → 40, "1,200" → 1200);
    None without one."""
    found = _NUMBER.search(text)
    if found is None:
        return None
    raw = found.group().replace("−", "-")
    grouped = re.fullmatch(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", raw)
    return float(raw.replace(",", "") if grouped else raw.replace(",", "."))


def distance(value: str, target: str) -> float | None:
    """How far a value is from its target: 0 once met. A target that says "under 5%" or
    "no more than 5" is met at 5 or less, "at least 3", "no less than 3" or "3+" at 3 or more;
    a bare number is met only exactly. None when either is not a number."""
    v, t = number(value), number(target)
    if v is None or t is None:
        return None
    words = target.casefold()
    # "no more than" holds "more than": the negated phrases are looked for first
    at_most = bool(_NOT_MORE.search(words))
    at_least = not at_most and bool(_NOT_LESS.search(words) or _AT_LEAST.search(words) or words.rstrip().endswith("+"))
    if at_least:
        return round(max(0.0, t - v), 6)
    if at_most or _AT_MOST.search(words):
        return round(max(0.0, v - t), 6)
    return round(abs(v - t), 6)


@dataclass(frozen=True)
class MetricTrend:
    readings: tuple[Reading, ...]  # oldest first
    first_gap: float | None  # distance from the target at the first reading
    latest_gap: float | None

    @property
    def toward(self) -> bool | None:
        """True when the latest reading is nearer the target than the first; None when not comparable."""
        if len(self.readings) < 2 or self.first_gap is None or self.latest_gap is None:
            return None
        return self.latest_gap < self.first_gap

    @property
    def met(self) -> bool:
        return self.latest_gap == 0


def metric_trend(metric: Metric) -> MetricTrend:
    readings = tuple(r for r in metric.history if r.value.strip())
    if not readings and metric.current.strip():
        readings = (Reading("", metric.current),)
    if not readings:
        return MetricTrend((), None, None)
    return MetricTrend(readings, distance(readings[0].value, metric.target), distance(readings[-1].value, metric.target))


def _num(x: float) -> str:
    """A difference as people write it: 300, 1.3, 0.05."""
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else f"{x:.0f}"


def metric_sentence(metric: Metric, day: Callable[[str], str]) -> str:
    """The metric's readings against its target, in one line; `day` writes a stored date."""
    t = metric_trend(metric)
    name = " ".join(metric.name.split())
    target = " ".join(metric.target.split())
    if not t.readings:
        return f"{name}: not measured yet" + (f"; target {target}." if target else ".")
    shown = t.readings[-4:]
    steps = " → ".join(" ".join(r.value.split()) + (f" ({day(r.on)})" if r.on else "") for r in shown)
    more = f"{len(t.readings)} readings, " if len(t.readings) > len(shown) else ""
    text = f"{name}: {more}{steps}"
    if not target:
        return text + "; no target set."
    text += f"; target {target}"
    if t.met:
        return text + ", met."
    if t.toward is True:
        return text + f", nearer by {_num(t.first_gap - t.latest_gap)}."
    if t.toward is False:
        moved = "further by " + _num(t.latest_gap - t.first_gap) if t.latest_gap > t.first_gap else "no nearer"
        return text + f", {moved}."
    return text + "."

"""What works: whether the commitments a user keeps move what they aim at.

For each reviewed commitment, the change in the belief or lens it aimed at
from the reflection where it was made to the client's next reflection. Kept
means done or partly done; not kept means not done. A dropped commitment is
counted, but left out of the kept rate and of the comparison: dropping is a
choice made on purpose, not a promise broken.

How a lens is read as a number, so that a change can be measured:
- reciprocity: its 1-5 score;
- with/for: with 2, between 1, for 0;
- partners (objectives and metrics agreed): yes 2, partly 1, no 0, the mean of
  the two answered;
- partner talk: the change is 1 when a talk was held between the two
  reflections, else 0 (a talk is an event, not a level).

A client's tallies are worked out from the stored records at every save and
kept in its summary (store.partnership_of), so reading them for the whole
portfolio opens no history file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from coach.method import BELIEF_KEYS
from coach.textsafe import shorten

WHAT_WORKS = "What works"  # the section of the insights report, and the screen that shows only it
KEPT = ("done", "partly")
NOT_KEPT = ("not_done",)
REVIEWED = ("done", "partly", "not_done", "dropped")
WORKED_KEPT = 3  # the latest actions that worked, kept per aim
ACTION_CELLS = 200  # of each, enough to recognise it: the summary stays small
_WITH = {"with": 2, "mixed": 1, "for": 0}
_AGREED = {"yes": 2, "partly": 1, "no": 0}


def aim_value(record: dict, aim: str, before: dict | None = None) -> float | None:
    """The aimed belief or lens of one stored reflection, as a number; None when not answered."""
    if aim in BELIEF_KEYS:
        score = ((record.get("beliefs") or {}).get(aim) or {}).get("score")
        return float(score) if isinstance(score, int) else None
    lenses = record.get("lenses") or {}
    if aim == "reciprocity":
        score = lenses.get("reciprocity")
        return float(score) if isinstance(score, int) else None
    if aim == "with":
        return float(_WITH[lenses["with_or_for"]]) if lenses.get("with_or_for") in _WITH else None
    if aim == "partners":
        answered = [_AGREED[lenses[k]] for k in ("objectives_agreed", "metrics_tracked") if lenses.get(k) in _AGREED]
        return sum(answered) / len(answered) if answered else None
    if aim == "meeting":
        talk = lenses.get("last_partner_meeting") or ""
        earlier = ((before or {}).get("lenses") or {}).get("last_partner_meeting") or ""
        return 1.0 if talk and talk > earlier else 0.0
    return None


@dataclass(frozen=True)
class Outcome:
    """One reviewed commitment and what followed it."""

    aim: str
    status: str
    action: str
    made_on: str
    change: float | None  # next reflection minus the one it was made in; None when either is missing

    @property
    def kept(self) -> bool:
        return self.status in KEPT


def outcomes_of_records(ordered: list[dict], commitments: Iterable[dict]) -> list[Outcome]:
    """The reviewed commitments of one client (stored dicts, reflections oldest first), oldest first."""
    where = {r.get("id"): i for i, r in enumerate(ordered)}
    out = []
    for c in commitments:
        if c.get("status") not in REVIEWED or not c.get("aim"):
            continue
        i = where.get(c.get("reflection_id"))
        change = None
        if i is not None and i + 1 < len(ordered):
            made, after = ordered[i], ordered[i + 1]
            end = aim_value(after, c["aim"], made)
            start = 0.0 if c["aim"] == "meeting" else aim_value(made, c["aim"])
            if start is not None and end is not None:
                change = round(end - start, 2)
        made_on = ordered[i].get("date", "") if i is not None else c.get("made_on", "")
        out.append(Outcome(c["aim"], c["status"], c.get("action", ""), made_on, change))
    return sorted(out, key=lambda o: o.made_on)


@dataclass
class Tally:
    """Commitments reviewed, and the changes after them; the counts stand behind every figure."""

    reviewed: int = 0
    kept: int = 0
    not_kept: int = 0
    dropped: int = 0
    kept_change: float = 0.0  # sum of the changes after kept commitments
    kept_measured: int = 0  # ... over this many
    missed_change: float = 0.0
    missed_measured: int = 0

    def add(self, o: Outcome) -> None:
        self.reviewed += 1
        if o.kept:
            self.kept += 1
            if o.change is not None:
                self.kept_change += o.change
                self.kept_measured += 1
        elif o.status in NOT_KEPT:
            self.not_kept += 1
            if o.change is not None:
                self.missed_change += o.change
                self.missed_measured += 1
        else:
            self.dropped += 1

    def __iadd__(self, other: Tally) -> Tally:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def kept_rate(self) -> float | None:
        """Kept of kept and not kept, 0-1; None when none of either."""
        judged = self.kept + self.not_kept
        return self.kept / judged if judged else None

    @property
    def after_kept(self) -> float | None:
        return self.kept_change / self.kept_measured if self.kept_measured else None

    @property
    def after_missed(self) -> float | None:
        return self.missed_change / self.missed_measured if self.missed_measured else None

    def as_list(self) -> list[float]:
        return [getattr(self, name) for name in self.__dataclass_fields__]

    @classmethod
    def from_list(cls, raw: list) -> Tally:
        return cls(*raw)


def works_of(ordered: list[dict], commitments: Iterable[dict]) -> dict:
    """What a summary keeps: a tally per aim, and per aim the latest kept commitments followed by a rise."""
    tallies: dict[str, Tally] = {}
    worked: dict[str, list[list]] = {}
    for o in outcomes_of_records(ordered, commitments):
        tallies.setdefault(o.aim, Tally()).add(o)
        if o.kept and o.change is not None and o.change > 0:
            worked.setdefault(o.aim, []).append([shorten(o.action, ACTION_CELLS), o.made_on, o.change])
    return {
        "tallies": {aim: t.as_list() for aim, t in sorted(tallies.items())},
        "worked": {aim: rows[-WORKED_KEPT:] for aim, rows in sorted(worked.items())},
    }


def tallies_of(works: dict) -> dict[str, Tally]:
    return {aim: Tally.from_list(raw) for aim, raw in (works.get("tallies") or {}).items()}


def total(tallies: Iterable[Tally]) -> Tally:
    out = Tally()
    for t in tallies:
        out += t
    return out


def by_aim(works_per_client: Iterable[dict]) -> dict[str, Tally]:
    """The tallies of several clients, summed per aim."""
    out: dict[str, Tally] = {}
    for works in works_per_client:
        for aim, t in tallies_of(works).items():
            out.setdefault(aim, Tally())
            out[aim] += t
    return out


@dataclass(frozen=True)
class Worked:
    client: str
    action: str
    made_on: str
    change: float


def what_worked(named_works: Iterable[tuple[str, dict]], aim: str) -> list[Worked]:
    """Kept commitments aimed at `aim` that were followed by a rise, newest first, across clients."""
    found = [Worked(name, row[0], row[1], row[2])
             for name, works in named_works for row in (works.get("worked") or {}).get(aim, [])]
    return sorted(found, key=lambda w: w.made_on, reverse=True)


def percent(rate: float | None) -> str:
    return "–" if rate is None else f"{round(rate * 100)}%"


def change_text(value: float | None, count: int) -> str:
    """A mean change with the count behind it, e.g. "+0.8 (5)"; a dash with none."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{abs(value):.1f} ({count})"

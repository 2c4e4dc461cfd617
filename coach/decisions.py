"""When a relationship has become order-taking: the signals, and when to ask for a decision.

Five signals are read at every reflection, from that reflection and the ones
before it (the rule, also in the README):

- ``for``: the last two reflections that answered "with or for" both said *for*;
- ``reciprocity``: the latest reciprocity score is 2 or lower;
- ``objectives``: the latest answer to "objectives agreed" is *no*;
- ``commitments``: the commitments of the two reflections before this one were
  both reviewed as not done (or dropped);
- ``at_risk``: this reflection's verdict is *at risk*.

When CALL_AT or more hold at the latest reflection, coach asks once what to do:
keep working on it, plan an exit, or let the client go. It asks again only
when the signals change for the worse: a signal appears that was not there
when you decided, or they fell below CALL_AT and have come back.

No Textual and no rich here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coach.models import Client, Decision

CALL_AT = 3  # this many signals at once call for a decision

SIGNALS: dict[str, str] = {
    "for": "working for them, not with them, twice running",
    "reciprocity": "reciprocity 2 or lower",
    "objectives": "objectives not agreed",
    "commitments": "two commitments in a row not done",
    "at_risk": "verdict at risk",
}
NOT_KEPT = ("not_done", "dropped")

CHOICE_NAMES = {
    "keep": "keep working on it",
    "exit": "plan an exit",
    "let_go": "let the client go",
}


@dataclass(frozen=True)
class SignalRow:
    """What the signals read of one reflection."""

    on: str
    with_or_for: str
    reciprocity: int | None
    objectives_agreed: str
    verdict: str
    commitment_id: str


def rows_of_records(records: Sequence[dict]) -> list[SignalRow]:
    """What the signals read of stored reflections (checked dicts), oldest first: a summary is built from these."""
    out = []
    for d in records:
        lenses = d.get("lenses") or {}
        out.append(SignalRow(d.get("date", ""), lenses.get("with_or_for", ""), lenses.get("reciprocity"),
                             lenses.get("objectives_agreed", ""), d.get("verdict", ""), d.get("commitment_id", "")))
    return out


def signals_of_rows(rows: Sequence[SignalRow], status_by_id: dict[str, str]) -> list[frozenset[str]]:
    """The signals that held at each reflection, oldest first; `status_by_id`: each commitment's status."""
    out: list[frozenset[str]] = []
    with_for: list[str] = []
    reciprocity: int | None = None
    objectives = ""
    for n, r in enumerate(rows):
        if r.with_or_for:
            with_for.append(r.with_or_for)
        if r.reciprocity is not None:
            reciprocity = r.reciprocity
        if r.objectives_agreed:
            objectives = r.objectives_agreed
        held = set()
        if len(with_for) >= 2 and with_for[-1] == with_for[-2] == "for":
            held.add("for")
        if reciprocity is not None and reciprocity <= 2:
            held.add("reciprocity")
        if objectives == "no":
            held.add("objectives")
        # a reflection's own commitment, by its id: a decision's commitment to the partnership
        # points at the same reflection but is not the one the reflection made
        before = [status_by_id.get(p.commitment_id) for p in rows[max(0, n - 2):n]]
        if len(before) == 2 and all(status in NOT_KEPT for status in before):
            held.add("commitments")
        if r.verdict == "at_risk":
            held.add("at_risk")
        out.append(frozenset(held))
    return out


def signals_now(rows: Sequence[SignalRow], status_by_id: dict[str, str]) -> tuple[frozenset[str], str]:
    """The signals at the latest reflection, and the day since when CALL_AT or more have held
    (the latest reflection's day when fewer hold); (empty, "") before any reflection."""
    if not rows:
        return frozenset(), ""
    over_time = signals_of_rows(rows, status_by_id)
    since = rows[-1].on
    for r, held in zip(reversed(rows), reversed(over_time)):
        if len(held) < CALL_AT:
            break
        since = r.on
    return over_time[-1], since


@dataclass(frozen=True)
class DecisionCall:
    """The signals holding now, and the day (of the reflection) since when enough have held."""

    signals: frozenset[str]
    since: str  # the first reflection of the run that has had CALL_AT or more, or the latest one
    due: bool  # enough signals, and no decision answers them yet

    def names(self) -> list[str]:
        return [SIGNALS[key] for key in SIGNALS if key in self.signals]


def call_of(client: Client) -> DecisionCall | None:
    """What the signals say now, from the client's summary (kept current at every save);
    None before the first reflection."""
    if not client.summary.reflection_count:
        return None
    part = client.summary.partnership
    return call_for(client, frozenset(part.get("signals", [])), part.get("signals_since", ""))


def call_for(client: Client, now: frozenset[str], since: str) -> DecisionCall:
    """Whether the signals `now`, holding since `since`, call for a decision.

    A decision answers them when it was taken during the current run of
    reflections with CALL_AT or more signals, and every signal holding now was
    there when it was taken: fewer signals do not ask again, a new one does, and
    so does a run that ended (fewer than CALL_AT) and started again."""
    answered = any(d.on >= since and now <= set(d.signals) for d in client.decisions)
    return DecisionCall(now, since, due=len(now) >= CALL_AT and not answered and not client.archived)


def describe(decision: Decision) -> str:
    """One line for a history or a report: the choice, the reason and the lesson."""
    text = CHOICE_NAMES.get(decision.choice, decision.choice).capitalize()
    if decision.reason.strip():
        text += f": {' '.join(decision.reason.split()).rstrip('.')}"
    if decision.lesson.strip():
        text += f" (learned: {' '.join(decision.lesson.split()).rstrip('.')})"
    return text

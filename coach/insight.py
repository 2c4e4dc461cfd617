"""What coach reads out of a reflection: a proposed verdict with its reasons,
what to acknowledge, where it falls short, and what to aim the commitment at.

The person decides; these are proposals with the reasons shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from coach.dates import iso_day, short_iso, span
from coach.method import BELIEF_KEYS, load_method
from coach.models import Reflection

STRONG = 4
WEAK = 2
MEETING_STALE_DAYS = 90


@dataclass(frozen=True)
class Proposal:
    verdict: str
    reasons: tuple[str, ...]


def belief_average(reflection: Reflection) -> float | None:
    scores = [s for s in reflection.scores().values() if s is not None]
    return sum(scores) / len(scores) if scores else None


def last_partner_talk(reflections_oldest_first: Iterable[Reflection], current: Reflection | None = None) -> date | None:
    """The latest partner conversation on record, across the history and the
    reflection under way: one left blank this week does not erase it."""
    everything = list(reflections_oldest_first) + ([current] if current is not None else [])
    return latest_day(r.lenses.last_partner_meeting for r in everything)


def change_of_scores(now: dict[str, int | None], before: dict[str, int | None]) -> float | None:
    """The average change over the beliefs scored both times, or None when none
    was: a belief skipped on one side would otherwise move the average by
    itself. Home's change column and the verdict's reason read this one figure."""
    both = [(n, b) for key in BELIEF_KEYS if isinstance(n := now.get(key), int) and isinstance(b := before.get(key), int)]
    if not both:
        return None
    return sum(n - b for n, b in both) / len(both)


def latest_day(texts: Iterable[str]) -> date | None:
    """The latest of some ISO dates, the empty and unreadable ones left out."""
    return max((day for text in texts if (day := iso_day(text)) is not None), default=None)


def propose_verdict(
    reflection: Reflection, previous: Reflection | None, today: date, last_talk: date | None = None
) -> Proposal:
    """Weigh the seven scores and the four lenses into one of four verdicts.

    `last_talk` is the last partner conversation history knows of
    (last_partner_talk); it counts when this reflection leaves the date blank.
    """
    method = load_method()
    lenses = reflection.lenses
    warnings: list[str] = []  # pull toward drifting
    alarms: list[str] = []  # pull toward at risk
    goods: list[str] = []

    avg = belief_average(reflection)
    weak = [method.belief(k).name for k, s in reflection.scores().items() if s is not None and s <= WEAK]
    if avg is None:
        warnings.append("No belief was scored.")
    elif avg >= 4:
        goods.append(f"Beliefs average {avg:.1f} of 5.")
    elif avg < 2.5:
        alarms.append(f"Beliefs average only {avg:.1f} of 5.")
    elif avg < 3.3:
        warnings.append(f"Beliefs average {avg:.1f} of 5.")
    if len(weak) >= 3:
        alarms.append(f"{len(weak)} beliefs scored 2 or lower: {', '.join(weak)}.")
    elif weak:
        warnings.append(f"Weak: {', '.join(weak)}.")

    guesses = [k for k, b in reflection.beliefs.items() if b.is_guess]
    if len(guesses) >= 4:
        warnings.append(f"{len(guesses)} scores have no evidence, so they are guesses.")

    if previous is not None:
        change = change_of_scores(reflection.scores(), previous.scores())
        if change is not None:
            if change <= -0.5:
                warnings.append(f"Beliefs fell {-change:.1f} since {short_iso(previous.date, today) or 'the last reflection'}.")
            elif change >= 0.5:
                goods.append(f"Beliefs rose {change:.1f} since {short_iso(previous.date, today) or 'the last reflection'}.")

    if lenses.objectives_agreed == "no":
        warnings.append("No objectives agreed with the client.")
    if lenses.metrics_tracked == "no":
        warnings.append("No key metrics tracked.")
    if lenses.objectives_agreed == "yes" and lenses.metrics_tracked == "yes":
        goods.append("Objectives agreed and metrics tracked.")

    if lenses.reciprocity is not None:
        if lenses.reciprocity <= WEAK:
            (alarms if lenses.with_or_for == "for" else warnings).append(
                f"Reciprocity is {lenses.reciprocity} of 5: the relationship runs one way."
            )
        elif lenses.reciprocity >= STRONG:
            goods.append(f"The client cares about you too ({lenses.reciprocity} of 5).")

    if lenses.with_or_for == "for":
        warnings.append("You are working for them, not with them.")
    elif lenses.with_or_for == "with":
        goods.append("You are working with them toward a shared goal.")

    talk = iso_day(lenses.last_partner_meeting)
    if not lenses.last_partner_meeting.strip():  # left blank this time: what history knows still holds
        talk = max(filter(None, (last_talk, last_partner_talk([previous] if previous else []))), default=None)
        if talk is None:
            warnings.append("No partner conversation on record.")
    if talk is not None and (today - talk).days > MEETING_STALE_DAYS:
        warnings.append(f"No partner conversation for {span((today - talk).days)}.")

    if alarms or len(warnings) >= 5:
        verdict = "at_risk"
    elif len(warnings) >= 2 or (warnings and not goods):
        verdict = "drifting"
    elif avg is not None and avg >= 4 and len(goods) >= 3 and not warnings:
        verdict = "thriving"
    else:
        verdict = "steady"
    return Proposal(verdict, tuple(alarms + warnings + goods))


def strengths(reflection: Reflection) -> list[str]:
    """Beliefs to acknowledge: strong and backed by evidence."""
    return [k for k in BELIEF_KEYS if (b := reflection.beliefs[k]).score is not None and b.score >= STRONG and not b.is_guess]


def shortfalls(reflection: Reflection, previous: Reflection | None = None) -> list[str]:
    """Beliefs that fall short, weakest first: scored 2 or lower, or lower than
    in `previous`. A 3 ("neither") alone is not a shortfall; unscored ones are
    not counted."""
    found = []
    for index, key in enumerate(BELIEF_KEYS):
        score = reflection.beliefs[key].score
        before = previous.beliefs[key].score if previous is not None else None
        if score is not None and (score <= WEAK or (before is not None and score < before)):
            found.append((score, index, key))
    return [key for _, _, key in sorted(found)]


def weakest_aim(reflection: Reflection, previous: Reflection | None = None) -> str:
    """What coach suggests the commitment aims at: the weakest belief, or a lens in trouble."""
    low = shortfalls(reflection, previous)
    lenses = reflection.lenses
    if low and (reflection.beliefs[low[0]].score or 5) <= WEAK:
        return low[0]
    if lenses.objectives_agreed == "no" or lenses.metrics_tracked == "no":
        return "partners"
    if lenses.reciprocity is not None and lenses.reciprocity <= WEAK:
        return "reciprocity"
    if lenses.with_or_for == "for":
        return "with"
    if low:
        return low[0]
    if not lenses.last_partner_meeting:
        return "meeting"
    scored = [(b.score, i, k) for i, k in enumerate(BELIEF_KEYS) if (b := reflection.beliefs[k]).score is not None]
    return min(scored)[2] if scored else BELIEF_KEYS[0]

"""The client's own voice: the check-in sent to them, and their answers set
beside the professional's guesses.

Every score in a reflection is a guess at how the client would answer. A
check-in (`coach ask`) asks them; their answers are kept on a reflection
(`Reflection.client_answers`). The gap for a belief is your score minus
theirs on the same reflection: above zero you think they hold the belief more
strongly than they say, below zero less.

No Textual and no rich here: the command line and the app both read this.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from coach.dates import iso_day
from coach.method import BELIEF_KEYS, Method
from coach.models import Client, ClientAnswers, ClientSummary

#: a mean gap smaller than this, either way, counts as close: half a point on a 1-5 scale
CLOSE = 0.5
#: the check-in reads well in an email or a chat at this width
CHECK_IN_WIDTH = 72


# -- the check-in ---------------------------------------------------------------------------


def check_in_text(client_name: str, method: Method, *, width: int = CHECK_IN_WIDTH) -> str:
    """The check-in to send a client: plain text, numbered, with room to answer.

    The client's name is theirs to read, so it goes in as given; only line
    breaks are folded, so a pasted name cannot break the layout.
    """
    name = " ".join(client_name.split()) or "there"
    scale = ", ".join(f"{n} {label}" for n, label in sorted(method.scale_labels.items()))
    out: list[str] = []

    def para(text: str, indent: str = "") -> None:
        out.extend(textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent or ""))

    para(f"Hello {name},")
    out.append("")
    para("Could you give me five minutes for a short check-in on how our work together is going? "
         "I ask because my own view of it is only a guess, and yours is the one that counts.")
    out.append("")
    para(f"Beside each statement, write how much you agree, from 1 to 5 ({scale}), "
         "and, if you like, a line on why. Leave out any you would rather not answer.")
    questions = [b.ask or b.feel for b in method.beliefs] + [method.both_ways]
    for n, question in enumerate(questions, start=1):
        out.append("")
        lead = f"{n}. "
        out.extend(textwrap.wrap(question, width, initial_indent=lead, subsequent_indent=" " * len(lead)))
        out.append(f"{' ' * len(lead)}Your answer (1-5):")
        out.append(f"{' ' * len(lead)}Why:")
    out.append("")
    para("Thank you. Reply in any form you like; I will read every word.")
    return "\n".join(out) + "\n"


# -- when to ask -----------------------------------------------------------------------------


def ask_reason(summary: ClientSummary, today: date, every_days: int) -> str | None:
    """Why it is time to ask this client, in a few words; None when it is not.

    A client with no reflection yet is not asked: there is no guess to test.
    """
    if not summary.reflection_count:
        return None
    asked = iso_day(summary.last_asked_on)
    if asked is None:
        return "never asked"
    days = (today - asked).days
    if days >= every_days:
        return f"last asked {days} days ago"
    return None


# -- gaps ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapPoint:
    """One belief on one reflection where both the guess and the answer are known."""

    on: str  # the day the client was asked (the reflection's date when not given)
    yours: int
    theirs: int

    @property
    def gap(self) -> int:
        return self.yours - self.theirs


@dataclass(frozen=True)
class BeliefGap:
    belief: str
    points: tuple[GapPoint, ...]  # oldest first

    @property
    def count(self) -> int:
        return len(self.points)

    @property
    def mean(self) -> float:
        return sum(p.gap for p in self.points) / len(self.points)

    @property
    def latest(self) -> int:
        return self.points[-1].gap

    @property
    def trend(self) -> str:
        """"narrowing", "widening" or "steady" from the first check-in to the latest; "" with one."""
        if len(self.points) < 2:
            return ""
        first, last = abs(self.points[0].gap), abs(self.points[-1].gap)
        return "narrowing" if last < first else "widening" if last > first else "steady"


def check_ins_of(records_oldest_first: Iterable[dict]) -> list[dict]:
    """The check-ins among stored reflections (checked dicts), oldest first by the day asked:
    {"on", "yours": {belief: score}, "theirs": {belief: score}}. A summary keeps these."""
    found = []
    for d in records_oldest_first:
        answers = d.get("client_answers") or {}
        if not ClientAnswers.given_in(answers):
            continue
        beliefs, theirs = d.get("beliefs") or {}, answers.get("beliefs") or {}
        found.append({"on": answers.get("asked_on") or d.get("date", ""),
                      "yours": {k: (beliefs.get(k) or {}).get("score") for k in BELIEF_KEYS},
                      "theirs": {k: (theirs.get(k) or {}).get("score") for k in BELIEF_KEYS}})
    return sorted(found, key=lambda c: c["on"])  # stable: reflections of one day stay in order


def gaps_of(check_ins: Iterable[dict]) -> dict[str, BeliefGap]:
    """Per belief, every check-in where you scored it and the client answered it."""
    points: dict[str, list[GapPoint]] = {key: [] for key in BELIEF_KEYS}
    for c in check_ins:
        for key in BELIEF_KEYS:
            yours, theirs = c["yours"].get(key), c["theirs"].get(key)
            if yours is not None and theirs is not None:
                points[key].append(GapPoint(c["on"], yours, theirs))
    return {key: BeliefGap(key, tuple(p)) for key, p in points.items() if p}


@dataclass(frozen=True)
class PortfolioGap:
    """One belief across clients: the mean of each client's mean gap, so a client
    asked ten times counts as much as one asked once."""

    belief: str
    per_client: tuple[tuple[str, BeliefGap], ...]  # (client name, gap)

    @property
    def clients(self) -> int:
        return len(self.per_client)

    @property
    def mean(self) -> float:
        return sum(g.mean for _, g in self.per_client) / len(self.per_client)

    @property
    def narrowing(self) -> int:
        return sum(1 for _, g in self.per_client if g.trend == "narrowing")

    @property
    def widening(self) -> int:
        return sum(1 for _, g in self.per_client if g.trend == "widening")


def portfolio_gaps(per_client: Sequence[tuple[str, dict[str, BeliefGap]]]) -> list[PortfolioGap]:
    """Per belief (in the method's order), the gaps of every client asked about it."""
    out = []
    for key in BELIEF_KEYS:
        found = tuple((name, gaps[key]) for name, gaps in per_client if key in gaps)
        if found:
            out.append(PortfolioGap(key, found))
    return out


def signed(value: float) -> str:
    """+1.3, -0.5, 0.0: a gap as the reports write it."""
    text = f"{value:+.1f}"
    return "0.0" if text in ("+0.0", "-0.0") else text


def gap_sentence(gap: PortfolioGap, belief_name: str) -> str:
    """“You overrate “You value me” by +1.3 across 4 clients”, or close, or under."""
    across = f"across {gap.clients} client{'s' if gap.clients != 1 else ''}"
    if abs(gap.mean) < CLOSE:
        return f"Your view of “{belief_name}” is close to theirs ({signed(gap.mean)}) {across}"
    verb = "overrate" if gap.mean > 0 else "underrate"
    return f"You {verb} “{belief_name}” by {signed(gap.mean)} {across}"


def check_in_filename(client: Client, today: date) -> str:
    """check-in-<client>-<date>.txt, the name reduced to safe file-name characters."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in client.name.casefold())
    slug = "-".join(part for part in slug.split("-") if part) or "client"
    return f"check-in-{slug[:40]}-{today.isoformat()}.txt"

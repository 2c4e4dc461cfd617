"""What the week asks of the user: commitments due, clients worth a reflection,
and the rhythm of reflecting so far.

Pure functions over clients and their summaries: no history file is read, so
`coach status` and the home screen stay fast however long the history grows.
No Textual here; the command line uses this too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from coach.dates import iso_day, span
from coach.insight import change_of_scores
from coach.method import BELIEF_KEYS, load_method
from coach.models import Client, ClientSummary, Commitment

# A week or two between reflections is the rhythm; past this a client is worth a look.
QUIET_DAYS = 14
FALL_AVERAGE = 0.5  # a fall in the average score worth mentioning
FALL_BELIEF = 2  # a fall in one belief worth mentioning
WORRYING_VERDICTS = {"drifting": 2.0, "at_risk": 3.0}
MEETING_STALE_DAYS = 90  # as the verdict counts it (coach.insight)


@dataclass(frozen=True)
class DueItem:
    client: Client
    commitment: Commitment
    overdue_days: int  # 0 when due today


@dataclass(frozen=True)
class Suggestion:
    client: Client
    reasons: tuple[str, ...]
    weight: float


@dataclass(frozen=True)
class Rhythm:
    weeks_in_a_row: int
    last_reflection_on: str  # ISO date, "" when there is none
    reflections_this_week: int


def _clients(store_or_clients: Any, *, include_archived: bool = False) -> list[Client]:
    """Accept a Store or any iterable of clients."""
    if hasattr(store_or_clients, "clients") and callable(store_or_clients.clients):
        found = store_or_clients.clients(include_archived=True)
    else:
        found = list(store_or_clients)
    return [c for c in found if include_archived or not c.archived]




def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


# -- commitments ---------------------------------------------------------------


def open_commitments(clients: Any) -> list[tuple[Client, Commitment]]:
    """Open commitments of active clients, soonest due first (undated last)."""
    found = []
    for client in _clients(clients):
        for raw in client.summary.open_commitments:
            commitment = Commitment.from_dict(raw)
            if commitment.is_open:
                found.append((client, commitment))
    return sorted(found, key=lambda p: (p[1].due or "9999-99-99", p[0].name.casefold(), p[1].made_on))


def due_commitments(store_or_clients: Any, today: date) -> list[DueItem]:
    """Open commitments due today or earlier, most overdue first."""
    items = []
    for client, commitment in open_commitments(store_or_clients):
        due = iso_day(commitment.due)
        if due is not None and due <= today:
            items.append(DueItem(client, commitment, (today - due).days))
    return sorted(items, key=lambda i: (-i.overdue_days, i.client.name.casefold()))


def upcoming_commitments(store_or_clients: Any, today: date, days: int = 7) -> list[DueItem]:
    """Open commitments due after today and within `days`, soonest first.

    overdue_days is negative here: -2 means due in two days.
    """
    items = []
    for client, commitment in open_commitments(store_or_clients):
        due = iso_day(commitment.due)
        if due is not None and today < due <= today + timedelta(days=days):
            items.append(DueItem(client, commitment, (today - due).days))
    return sorted(items, key=lambda i: (-i.overdue_days, i.client.name.casefold()))


# -- scores ------------------------------------------------------------------------


def _average(scores: dict[str, int | None]) -> float | None:
    values = [scores[k] for k in BELIEF_KEYS if scores.get(k) is not None]
    return sum(values) / len(values) if values else None


def score_change(summary: ClientSummary) -> float | None:
    """The average change since the previous reflection over the beliefs scored
    both times, or None when none was: a belief skipped on one side would
    otherwise move the average by itself."""
    return change_of_scores(summary.last_scores, summary.previous_scores)


def score_strip(scores: dict[str, int | None]) -> str:
    """Seven characters, one per belief in method order: the score or '·'."""
    out = []
    for key in BELIEF_KEYS:
        score = scores.get(key)
        out.append(str(score) if isinstance(score, int) and 0 <= score <= 9 else "·")
    return "".join(out)


def _belief_fall(summary: ClientSummary) -> str:
    """One reason naming every belief that fell by FALL_BELIEF or more, or ""."""
    method = load_method()
    falls = []
    for key in BELIEF_KEYS:
        now, before = summary.last_scores.get(key), summary.previous_scores.get(key)
        if now is not None and before is not None and before - now >= FALL_BELIEF:
            falls.append((key, before, now))
    if len(falls) == 1:
        key, before, now = falls[0]
        return f"“{method.belief(key).name}” fell from {before} to {now}"
    if falls:
        names = ", ".join(f"“{method.belief(key).name}”" for key, _, _ in falls)
        return f"{names} each fell by {FALL_BELIEF} or more"
    return ""


# -- suggestions -------------------------------------------------------------------


def _quiet_reason(client: Client, today: date) -> tuple[str, float] | None:
    last = iso_day(client.summary.last_reflection_on)
    if last is None:
        since = iso_day(client.created_on)
        days = (today - since).days if since else 0
        # a client never reflected on is worth a first look straight away
        return "no reflection yet", 2.0 + min(days, 56) / 14
    days = (today - last).days
    if days > QUIET_DAYS:
        return f"{_days(days)} since the last reflection", days / 7
    return None


def _score_reasons(summary: ClientSummary) -> list[tuple[str, float]]:
    reasons = []
    change = score_change(summary)
    if change is not None and change <= -FALL_AVERAGE:
        reasons.append((f"scores fell {-change:.1f} since the previous reflection", 2.0 + 2 * -change))
    fall = _belief_fall(summary)
    if fall:
        reasons.append((fall, 1.5))
    return reasons


def _partner_talk_reason(summary: ClientSummary, today: date) -> tuple[str, float] | None:
    """The last partner conversation on record (the fact the verdict and the agenda read), when it is long ago."""
    talk = iso_day(summary.last_partner_talk)
    if talk is not None and (today - talk).days > MEETING_STALE_DAYS:
        return f"last partner conversation {span((today - talk).days)} ago", 1.0
    return None


def _client_reasons(client: Client, today: date) -> list[tuple[str, float]]:
    reasons = []
    quiet = _quiet_reason(client, today)
    if quiet:
        reasons.append(quiet)
    talk = _partner_talk_reason(client.summary, today)
    if talk:
        reasons.append(talk)
    reasons.extend(_score_reasons(client.summary))
    verdict = client.summary.last_verdict
    if verdict in WORRYING_VERDICTS:
        name = load_method().verdict_name(verdict).lower() or verdict
        reasons.append((f"verdict was {name}", WORRYING_VERDICTS[verdict]))
    today_iso = today.isoformat()
    # straight from the summary: building Commitment objects per client costs more
    overdue_since = [
        day for c in client.summary.open_commitments
        if "" < c.get("due", "") < today_iso and (day := iso_day(c["due"])) is not None
    ]
    if overdue_since:
        worst = (today - min(overdue_since)).days
        reasons.append((f"commitment overdue by {_days(worst)}", 1.0 + min(worst / 7, 3.0)))
    return reasons


def reflected_this_week(client: Client, today: date) -> bool:
    """A reflection on the client in today's week (Monday to today), as the rhythm counts weeks."""
    start, today_iso = _week_start(today).isoformat(), today.isoformat()
    return any(start <= day <= today_iso for day in client.summary.reflection_dates if iso_day(day) is not None)


def suggestions(clients: Any, today: date) -> list[Suggestion]:
    """Active clients worth reflecting on now, the most pressing first; never
    one already reflected on this week."""
    found = []
    for client in _clients(clients):
        if reflected_this_week(client, today):
            continue
        reasons = _client_reasons(client, today)
        if reasons:
            weight = round(sum(w for _, w in reasons), 3)
            found.append(Suggestion(client, tuple(r for r, _ in reasons), weight))
    return sorted(found, key=lambda s: (-s.weight, s.client.name.casefold()))


# -- rhythm ------------------------------------------------------------------------


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def rhythm(clients: Any, today: date) -> Rhythm:
    """How steady the weekly habit is. Archived clients' past reflections count too.

    Works on the ISO strings as stored (they sort as dates do): parsing every
    date of ten years of history on each start costs more than the rest of home.
    """
    today_iso = today.isoformat()
    dated = [
        text
        for client in _clients(clients, include_archived=True)
        for text in client.summary.reflection_dates
        if text <= today_iso and iso_day(text) is not None
    ]
    days = set(dated)
    this_week = _week_start(today)

    def reflected_in(week: date) -> bool:
        return any((week + timedelta(days=n)).isoformat() in days for n in range(7))

    # a week not yet reflected in does not break the streak until it is over
    week = this_week if reflected_in(this_week) else this_week - timedelta(weeks=1)
    streak = 0
    while days and reflected_in(week):
        streak += 1
        week -= timedelta(weeks=1)
    this_week_iso = this_week.isoformat()
    return Rhythm(
        weeks_in_a_row=streak,
        last_reflection_on=max(days, default=""),
        reflections_this_week=sum(1 for d in dated if d >= this_week_iso),
    )

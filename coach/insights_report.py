"""`coach insights`: the report, as lines any screen can show.

The command line prints these lines with rich; the app can show the same
lines. Each section has figures, or one line saying why it is empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from coach.dates import iso_day, short_date
from coach.decisions import CALL_AT, DecisionCall, call_of
from coach.decisions import describe as describe_decision
from coach.method import Method
from coach.models import Client
from coach.partnership import Trend, summary_trend
from coach.settings import current
from coach.store import Store
from coach.textsafe import shorten
from coach.voice import (
    BeliefGap,
    ask_reason,
    gap_sentence,
    gaps_of,
    portfolio_gaps,
    signed,
)
from coach.works import (
    WHAT_WORKS,
    Tally,
    by_aim,
    change_text,
    percent,
    tallies_of,
    total,
    what_worked,
)


@dataclass
class ClientInsight:
    client: Client
    asked: int  # check-ins recorded
    last_asked: str
    gaps: dict[str, BeliefGap]
    reflections: int
    one_way: str  # why the relationship looks one-way, or ""
    ask_why: str | None
    call: DecisionCall | None = None  # the order-taker signals now
    trend: Trend = field(default_factory=lambda: Trend((), ()))
    works: dict = field(default_factory=dict)  # coach.works.works_of, from the summary


@dataclass
class Report:
    clients: list[ClientInsight] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # one sentence per client whose file could not be read
    one_client: bool = False


def gather(store: Store, clients: list[Client], today: date) -> Report:
    """The report from the clients' summaries, which every save keeps current:
    no history file is read, so it is as quick at ten years as at one."""
    every = current().ask_every_days
    report = Report(one_client=len(clients) == 1)
    damaged = {d.client_id: d for d in store.damaged_clients()}
    for client in clients:
        if client.id in damaged:
            report.unread.append(f"{client.name} is left out: {damaged[client.id].problem}")
            continue
        report.clients.append(insight_of(client, today, every))
    return report


def insight_of(client: Client, today: date, every_days: int) -> ClientInsight:
    """One client's figures, all from its summary."""
    part = client.summary.partnership
    check_ins = part.get("check_ins", [])
    return ClientInsight(
        client=client,
        asked=len(check_ins),
        last_asked=max((c["on"] for c in check_ins), default=""),
        gaps=gaps_of(check_ins),
        reflections=client.summary.reflection_count,
        one_way=part.get("one_way", ""),
        ask_why=None if client.archived else ask_reason(client.summary, today, every_days),
        call=call_of(client),
        trend=summary_trend(part),
        works=part.get("works") or {},
    )


@dataclass(frozen=True)
class Line:
    text: str
    heading: bool = False


def _day(text: str, today: date) -> str:
    day = iso_day(text)
    return short_date(day, today) if day else text


def lines(report: Report, method: Method, today: date, section: str | None = None) -> list[Line]:
    """The report's lines; only the section headed `section` when given."""
    if section == WHAT_WORKS:
        return _what_works(report, method, today)
    out: list[Line] = []
    out += _view_and_theirs(report, method, today)
    out += _partnership(report, method, today)
    out += _decisions(report, today)
    out += _what_works(report, method, today)
    return out


def _view_and_theirs(report: Report, method: Method, today: date) -> list[Line]:
    out = [Line("Your view and theirs", heading=True)]
    names = {b.key: b.name for b in method.beliefs}
    asked = [c for c in report.clients if c.gaps]
    if not asked:
        out.append(Line("No answers from a client are recorded yet, so there is nothing to set beside your "
                        "guesses. Send a check-in with `coach ask NAME` and record what comes back."))
    else:
        if not report.one_client:
            for gap in portfolio_gaps([(c.client.name, c.gaps) for c in asked]):
                moves = [f"narrowing for {gap.narrowing}"] if gap.narrowing else []
                moves += [f"widening for {gap.widening}"] if gap.widening else []
                out.append(Line(gap_sentence(gap, names[gap.belief]) + (f"; {', '.join(moves)}" if moves else "") + "."))
        for c in asked:
            head = (f"{c.client.name}: asked {c.asked} time{'s' if c.asked != 1 else ''}, "
                    f"last on {_day(c.last_asked, today)}. Your score minus theirs:")
            out.append(Line(head))
            for key, gap in c.gaps.items():
                how = f"mean {signed(gap.mean)} over {gap.count}, latest {signed(gap.latest)}, {gap.trend}" \
                    if gap.count > 1 else f"{signed(gap.latest)}, asked once"
                out.append(Line(f"  {names[key]}: {how}"))
    due = [c for c in report.clients if c.ask_why]
    if due:
        out.append(Line("Time to ask for their own view: " + "; ".join(f"{c.client.name} ({c.ask_why})" for c in due) + "."))
    return out


def _partnership(report: Report, method: Method, today: date) -> list[Line]:
    out = [Line("Partnership over time", heading=True)]
    with_names = {"with": "with", "mixed": "between", "for": "for"}
    shown = [c for c in report.clients if c.reflections and not c.client.archived]
    if not shown:
        if any(c.reflections for c in report.clients):
            out.append(Line("Only archived clients have reflections here, and archived clients are left out of "
                            "these series; restore one from the client list to see it again."))
        else:
            out.append(Line("No reflections yet: the lenses of each reflection make these series."))
        return out
    flagged = []
    for c in shown:
        t = c.trend
        parts = []
        if t.reciprocity:
            change = t.reciprocity_change
            moved = ("" if change is None else f", up {change}" if change > 0
                     else f", down {-change}" if change < 0 else ", level")
            parts.append(f"reciprocity {' '.join(map(str, t.reciprocity))}{moved}")
        else:
            parts.append("reciprocity not scored")
        if t.with_or_for:
            parts.append(", ".join(f"{with_names[k]} {t.count(k)}" for k in ("with", "mixed", "for") if t.count(k)))
        talk = c.client.summary.last_partner_talk
        parts.append(f"last partner talk {_day(talk, today)}" if talk else "no partner talk on record")
        out.append(Line(f"{c.client.name}: " + "; ".join(parts) + "."))
        if c.one_way:
            flagged.append((c.client.name, c.one_way))
    if flagged:
        out.append(Line("One-way: " + "; ".join(f"{name} ({why})" for name, why in flagged) + "."))
    else:
        out.append(Line("No relationship looks one-way."))
    return out


def _decisions(report: Report, today: date) -> list[Line]:
    out = [Line("Decisions", heading=True)]
    due = [c for c in report.clients if c.call is not None and c.call.due]
    short = [c for c in report.clients if c.call is not None and not c.call.due and c.call.signals
             and not c.client.archived]
    taken = [(c.client.name, d) for c in report.clients for d in c.client.decisions]
    for c in due:
        out.append(Line(f"Time to decide about {c.client.name}: " + "; ".join(c.call.names())
                        + f" (these since {_day(c.call.since, today)}). The app asks after the next reflection, "
                          "or press d in their history."))
    if short:
        out.append(Line(f"Signals short of a decision ({CALL_AT} call for one): "
                        + "; ".join(f"{c.client.name} ({', '.join(c.call.names())})" for c in short) + "."))
    for name, decision in sorted(taken, key=lambda t: t[1].on, reverse=True):
        out.append(Line(f"Decided on {_day(decision.on, today)} about {name}: {describe_decision(decision)}."))
    if not (due or short or taken):
        out.append(Line(f"No order-taker signals hold, and no decision has been taken. Coach asks what to do when "
                        f"{CALL_AT} of the five signals hold at once (see the README)."))
    return out


FEW = 5  # fewer measured commitments than this are a hint, not a finding


def _kept(t: Tally) -> str:
    judged = t.kept + t.not_kept
    return f"kept {t.kept} of {judged} ({percent(t.kept_rate)})" if judged else "none kept or missed yet"


def _what_works(report: Report, method: Method, today: date) -> list[Line]:
    out = [Line(WHAT_WORKS, heading=True)]
    per_aim = by_aim(c.works for c in report.clients)
    overall = total(per_aim.values())
    if not overall.reviewed:
        out.append(Line("No commitment has been reviewed yet. Each one you mark done, partly, not done or dropped "
                        "adds here, with the change in what it aimed at by the next reflection."))
        return out
    dropped = f" · {overall.dropped} dropped" if overall.dropped else ""
    out.append(Line(f"{overall.reviewed} commitments reviewed: {_kept(overall)}{dropped}. "
                    f"What they aimed at moved {change_text(overall.after_kept, overall.kept_measured)} by the next "
                    f"reflection after a kept one, {change_text(overall.after_missed, overall.missed_measured)} "
                    "after one not kept (the count is in brackets)."))
    if overall.kept_measured + overall.missed_measured < FEW:
        out.append(Line("That is too few to mean much yet: read it as a hint."))
    out.append(Line("By what they aimed at:"))
    for aim in [b.key for b in method.beliefs] + [lens.key for lens in method.lenses]:
        t = per_aim.get(aim)
        if t is None:
            continue
        out.append(Line(f"  {method.aim_name(aim)}: {_kept(t)}, after kept {change_text(t.after_kept, t.kept_measured)}, "
                        f"after not kept {change_text(t.after_missed, t.missed_measured)}"))
    if not report.one_client:
        out.append(Line("By client:"))
        for c in report.clients:
            t = total(tallies_of(c.works).values())
            if t.reviewed:
                out.append(Line(f"  {c.client.name}: {_kept(t)}, after kept {change_text(t.after_kept, t.kept_measured)}"))
    named = [(c.client.name, c.works) for c in report.clients]
    worked = [(aim, what_worked(named, aim)) for aim in [b.key for b in method.beliefs] + [x.key for x in method.lenses]]
    worked = [(aim, rows) for aim, rows in worked if rows]
    if worked:
        out.append(Line("What has worked (kept, and followed by a rise):"))
        for aim, rows in worked:
            for w in rows[:3]:
                who = "" if report.one_client else f"{w.client}, "
                out.append(Line(f"  {method.aim_name(aim)}: {shorten(w.action, 60)} ({who}{_day(w.made_on, today)}, "
                                f"{change_text(w.change, 1).split(' ')[0]})"))
    else:
        out.append(Line("No kept commitment has yet been followed by a rise in what it aimed at."))
    return out

"""A heavy, realistic history written straight to disk in the store's format.

Ten years of weekly-ish reflections would take minutes through
`Store.finish_reflection` (every call rewrites the client's file and the
index). Here the records are built with the models, serialised with their
`to_dict()`, and each file is written once, exactly as the store lays them out:

    coach.json          {"meta": {"1": {...}}, "clients": {"1": client + summary}}
    drafts.json         {"drafts": {...}}
    clients/<id>.json   {"reflections": {"1": ...}, "commitments": {"1": ...}}

Summaries come from `coach.store.summarise`, so they are what the store itself
would compute. Everything is derived from one seed: the same arguments give
the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import uuid
from datetime import date, timedelta
from pathlib import Path

from coach.method import BELIEF_KEYS
from coach.models import (
    BeliefScore,
    Client,
    Commitment,
    Draft,
    Metric,
    PartnershipLenses,
    Reflection,
)
from coach.storage import file_stamp
from coach.store import CLIENTS_DIR, DRAFTS_FILE, INDEX_FILE, SCHEMA_VERSION, summarise

YEARS = 10

FIRST = """Priya Tom Helen Marcus Aisha Jonas Lena Rafael Grace Kenji Sofia Omar Ingrid Mateo
Chloe Dev Hannah Luca Fatima Pieter Nadia Samuel Yuki Elena Kwame Clara Arjun Beatriz Felix Maeve
Tariq Olga Hugo Zainab Erik Rosa Viktor Amara Nils Leila""".split()
LAST = """Raman Okafor Marsh Lindqvist Bello Weber Novak Costa Adeyemi Tanaka Rossi Haddad Berg
Alvarez Dubois Mehta Schmidt Moretti Khan Visser Petrov Mensah Ito Ferreira Owusu Jensen Iyer Santos
Keller Byrne Aziz Ivanova Laurent Yusuf Nyberg Ortega Horvat Diallo Larsen Rahman""".split()
ORG_A = """Harbour Northgate Fernwood Aldric Bluewater Kestrel Meridian Oakridge Silverline Redcliff
Lumen Granite Westbrook Cobalt Heron Summit Brightwater Ironbridge Larkspur Tidewell""".split()
ORG_B = """Logistics Design Studio Hospital Trust Foods Analytics Energy Retail Group Insurance
Software Engineering Pharma Capital Housing Association Water Media Labs Robotics Freight""".split(" ")

PEOPLE = ["the CFO", "their head of ops", "the new project lead", "her deputy", "the board chair",
          "the finance team", "their IT lead", "two of the site managers", "the product owner",
          "the procurement lead", "their COO", "the team leads", "the steering group"]
THINGS = ["the rollout", "the Q3 numbers", "the pricing review", "the pilot in the north region",
          "the migration plan", "the hiring freeze", "the budget round", "the new dashboard",
          "the supplier switch", "the audit findings", "the training programme", "the restructure",
          "the customer survey", "the winter plan", "the contract renewal", "the data clean-up"]
WHEN = ["on Monday", "on Tuesday's call", "at Thursday's review", "last week", "in the steering meeting",
        "over coffee after the workshop", "in a late email on Friday", "at the monthly review",
        "during the site visit", "in the corridor after the board meeting", "on a short call"]

BELIEF_TEXT = {
    "known": [
        "{Who} asked me to sit in on {thing} {when}, without me offering.",
        "They called me first when {thing} went sideways, before their own team.",
        "{Who} still introduces me as 'the consultant' rather than by name.",
        "I had to explain our role again {when}; {who} had not been told.",
        "{Who} forwarded my note on {thing} to the whole leadership group.",
    ],
    "cared": [
        "{Who} asked how my week was going before we got into {thing}.",
        "They moved {thing} so I could make my daughter's school play.",
        "Nobody asked about us at all {when}; it was straight to the agenda.",
        "{Who} remembered the conference talk I gave and asked how it went.",
        "When I was ill {who} pushed the deadline on {thing} without being asked.",
    ],
    "valued": [
        "{Who} said our analysis on {thing} saved them about {n} weeks of work.",
        "They quoted our numbers back to their board {when}.",
        "The invoice for {thing} was queried line by line, which felt like doubt.",
        "{Who} asked for the same team again for {thing}, by name.",
        "They signed off {thing} in {n} days, which is fast for them.",
    ],
    "faith": [
        "{Who} let us run {thing} without checking in every day.",
        "They shared the draft figures for {thing} before anyone else saw them.",
        "{Who} asked for a second opinion on our plan for {thing}, from a rival firm.",
        "I was given access to their planning system {when} without a fuss.",
        "{Who} told me the real reason {thing} stalled, off the record.",
    ],
    "committed": [
        "{Who} said {when} that they want us for the next phase as well.",
        "They talked about {thing} in terms of 'we' rather than 'you'.",
        "The renewal for {thing} is still unsigned after {n} reminders.",
        "{Who} brought us into the three-year plan discussion {when}.",
        "They asked us to help hire the person who will run {thing} after us.",
    ],
    "curious": [
        "{Who} asked what we see other clients doing about {thing}.",
        "They wanted to know why our method differs from the last firm's.",
        "No questions at all {when}; they took the slides and moved on.",
        "{Who} asked for the reading behind our recommendation on {thing}.",
        "They asked me to run a session on {thing} for {n} of their managers.",
    ],
    "adaptive": [
        "They changed the meeting rhythm for {thing} when I suggested it.",
        "{Who} pushed back hard on changing {thing}, then agreed {when}.",
        "We are still using their old template for {thing}, though it costs us {n} hours a week.",
        "{Who} rewrote their status report to match ours without asking.",
        "They let us try a different approach on {thing} for {n} weeks.",
    ],
}
TAILS = ["That felt like real progress.", "I am not sure they noticed.", "Worth raising next time.",
         "It matches what I saw last month.", "Hard to read, honestly.", "A small thing, but it counts.",
         "{Who} seemed relieved afterwards.", "I should have followed up sooner.",
         "The team noticed it too.", "It is the first time in {n} months."]
LENS_TEXT = [
    "{Who} wants a shared view of {thing} before the next review.",
    "We agreed to revisit {thing} {when}; nobody owns it yet.",
    "There is spare time in their analytics team that could help with {thing}.",
    "{Who} mentioned {thing} twice, which usually means it matters.",
    "A standing fortnightly call would beat the ad hoc emails about {thing}.",
    "They could take over the weekly data pull for {thing} that we do by hand.",
]
WHY = ["Scores are up on faith and value but curiosity keeps slipping.",
       "Steady, but {thing} is where it could start to drift.",
       "Everything hinges on {who} staying in post through {thing}.",
       "The numbers look fine; the tone {when} did not.",
       "Best it has been in a year; keep doing what works on {thing}."]
ACTIONS = ["Book a half-day with {who} to plan {thing} together.",
           "Send {who} the one-page summary of {thing} before Friday.",
           "Ask {who} directly how they see our role in {thing}.",
           "Invite {who} to the client roundtable next month.",
           "Share what other clients learned from {thing}.",
           "Call {who} about {thing} rather than emailing."]
HAPPENED = ["Done; {who} replied the same day and asked for more.",
            "Only half of it: the call happened, the follow-up did not.",
            "Did not happen; {thing} took the whole week.",
            "Dropped it; {who} left the company.",
            "Done, and it opened a conversation about {thing}."]
LEARNED = ["Calls work better than email with {who}.", "Ask earlier; they plan a month ahead.",
           "Block the time on the day I commit, or it slips.", "They value the summary more than the detail.",
           "{Who} needs the numbers first, then the story."]
REASONS = ["scores rose since last time", "faith is the weakest belief", "no partner meeting for two months",
           "reciprocity is low", "working for them rather than with them", "objectives only partly agreed"]
VERDICTS = ["thriving", "steady", "drifting", "at_risk"]
OUTCOMES = ["done", "done", "done", "partly", "partly", "not_done", "dropped"]


class Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def fill(self, template: str) -> str:
        r = self.rng
        who = r.choice(PEOPLE)
        return template.format(
            who=who, Who=who[0].upper() + who[1:], thing=r.choice(THINGS), when=r.choice(WHEN), n=r.randint(2, 12)
        )

    def evidence(self, key: str) -> str:
        """One to three sentences, about 100-300 characters."""
        r = self.rng
        target = r.randint(100, 300)
        pool = r.sample(BELIEF_TEXT[key] + TAILS, 6)
        parts = [self.fill(r.choice(BELIEF_TEXT[key]))]
        for template in pool:
            if len(" ".join(parts)) >= target:
                break
            sentence = self.fill(template)
            if len(" ".join(parts)) + 1 + len(sentence) > 300:
                break
            if sentence not in parts:
                parts.append(sentence)
        return " ".join(parts)

    def note(self, low: int = 60, high: int = 180) -> str:
        r = self.rng
        target = r.randint(low, high)
        parts = [self.fill(r.choice(LENS_TEXT))]
        while len(" ".join(parts)) < target - 30 and len(parts) < 3:
            parts.append(self.fill(r.choice(LENS_TEXT + TAILS)))
        return " ".join(parts)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _names(rng: random.Random, n: int) -> list[tuple[str, str]]:
    seen, out = set(), []
    while len(out) < n:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name in seen:
            continue
        seen.add(name)
        out.append((name, f"{rng.choice(ORG_A)} {rng.choice(ORG_B)}"))
    return out


def _counts(rng: random.Random, total: int, clients: int) -> list[int]:
    weights = [rng.uniform(0.4, 1.6) for _ in range(clients)]
    scale = total / sum(weights)
    counts = [max(1, int(w * scale)) for w in weights]
    i = 0
    while sum(counts) != total:  # spread the rounding error
        step = 1 if sum(counts) < total else -1
        if counts[i % clients] + step >= 1:
            counts[i % clients] += step
        i += 1
    return counts


def _due_tails(counts: list[int], due: int) -> list[int]:
    """How many of each client's newest commitments are left open and due: `due` in all,
    in proportion to each client's history, never more than the client has."""
    total = sum(counts)
    if due > total:
        raise ValueError(f"{due} due commitments need at least as many reflections")
    tails = [min(c, due * c // total) for c in counts]
    i = 0
    while sum(tails) < due:
        if tails[i % len(counts)] < counts[i % len(counts)]:
            tails[i % len(counts)] += 1
        i += 1
    return tails


def _dates(rng: random.Random, count: int, today: date) -> list[date]:
    """`count` distinct days, the newest within the last three weeks, spread over up to ten years."""
    end = today - timedelta(days=rng.randint(0, 20))
    span = max(count * 3, int(rng.uniform(0.3, 1.0) * YEARS * 365))
    start = end - timedelta(days=span)
    days = sorted(rng.sample(range(span), count - 1)) + [span]  # the newest on `end`
    return [start + timedelta(days=d) for d in days]


def build(data_dir: Path, *, reflections: int, clients: int, today: date, seed: int = 7,
          largest: int = 0, due: int = 0) -> dict[str, int]:
    """Write a whole data directory. Returns counts and sizes for the report.

    `largest`: the first client gets exactly this many reflections (the rest share what is
    left), the worst case for saving one client's file. `due`: a user back after a long
    break: this many open commitments, spread over the clients in proportion to their
    history, all due today or earlier, so launching opens the review of what has come due.
    """
    rng = random.Random(seed)
    w = Writer(rng)
    names = _names(rng, clients)  # names, then counts: the order the seed has always been spent in
    counts = _counts(rng, reflections, clients)
    if largest:
        if clients < 2 or reflections - largest < clients - 1:
            raise ValueError("largest leaves too few reflections for the other clients")
        rest = _counts(rng, reflections - largest, clients - 1)
        counts = [largest, *rest]
    due_tail = _due_tails(counts, due) if due else [0] * clients
    data_dir = Path(data_dir)
    os.makedirs(data_dir / CLIENTS_DIR, mode=0o700, exist_ok=True)
    os.chmod(data_dir, 0o700)
    os.chmod(data_dir / CLIENTS_DIR, 0o700)
    index_clients: dict[str, dict] = {}
    open_count = 0
    history_bytes = 0
    largest = 0
    due_count = 0
    for n, ((name, org), count) in enumerate(zip(names, counts), start=1):
        days = _dates(rng, count, today)
        client = Client(
            id=_uuid(rng), name=name, organisation=org,
            notes=w.note(80, 200), created_on=(days[0] - timedelta(days=rng.randint(3, 30))).isoformat(),
            objectives=[w.fill(rng.choice(ACTIONS)).rstrip(".") for _ in range(rng.randint(1, 3))],
            metrics=[Metric(name=rng.choice(THINGS).removeprefix("the ").capitalize(), target=f"{rng.randint(50, 99)}%",
                            current=f"{rng.randint(40, 95)}%") for _ in range(rng.randint(0, 3))],
        )
        refl: list[Reflection] = []
        comms: list[Commitment] = []
        level = rng.uniform(2.5, 4.2)
        open_tail = 2 if rng.random() < 0.25 and count > 1 else 1
        if due:
            open_tail = due_tail[n - 1]
        for i, day in enumerate(days):
            level = min(4.8, max(1.2, level + rng.uniform(-0.35, 0.35)))
            beliefs = {
                key: BeliefScore(score=min(5, max(1, round(level + rng.uniform(-1.2, 1.2)))), evidence=w.evidence(key))
                for key in BELIEF_KEYS
            }
            verdict = VERDICTS[min(3, max(0, int(4.6 - level)))]
            r = Reflection(
                id=_uuid(rng), client_id=client.id, date=day.isoformat(), beliefs=beliefs,
                lenses=PartnershipLenses(
                    objectives_agreed=rng.choice(["yes", "partly", "no"]),
                    metrics_tracked=rng.choice(["yes", "partly", "no"]),
                    partners_notes=w.note(),
                    reciprocity=rng.randint(1, 5),
                    reciprocity_evidence=w.evidence(rng.choice(BELIEF_KEYS)),
                    with_or_for=rng.choice(["with", "mixed", "for"]),
                    with_or_for_notes=w.note(40, 140),
                    last_partner_meeting=(day - timedelta(days=rng.randint(3, 90))).isoformat(),
                    unused_capacity=w.note(40, 140),
                    further_topics=w.note(40, 140),
                    better_ways=w.note(40, 140),
                ),
                proposed_verdict=verdict,
                verdict_reasons=rng.sample(REASONS, rng.randint(1, 3)),
                verdict=verdict if rng.random() < 0.85 else rng.choice(VERDICTS),
                verdict_why=w.fill(rng.choice(WHY)),
                created_at=f"{day.isoformat()}T{rng.randint(7, 21):02d}:{rng.randint(0, 59):02d}:00+00:00",
            )
            due_on = day + timedelta(days=rng.randint(5, 21))
            # the newest one (for some clients two) is still open and not yet due: a user who
            # keeps up reviews what comes due, and launching with nothing due shows home itself
            still_open = i >= count - open_tail
            if still_open and due_tail[n - 1]:
                due_on = min(due_on, today - timedelta(days=rng.randint(0, 3)))  # nothing reviewed since
                due_count += 1
            elif still_open:
                due_on = max(due_on, today + timedelta(days=rng.randint(1, 14)))
            c = Commitment(
                id=_uuid(rng), client_id=client.id, reflection_id=r.id, action=w.fill(rng.choice(ACTIONS)),
                aim=rng.choice(BELIEF_KEYS), made_on=r.date, due=due_on.isoformat(),
            )
            if not still_open:
                c.status = rng.choice(OUTCOMES)
                c.what_happened = w.fill(rng.choice(HAPPENED))
                c.learned = w.fill(rng.choice(LEARNED)) if rng.random() < 0.7 else ""
                c.reviewed_on = (due_on + timedelta(days=rng.randint(-3, 7))).isoformat()
                if rng.random() < 0.08:
                    c.reschedules.append({"from": c.due, "to": (due_on + timedelta(days=7)).isoformat(), "on": c.due})
            else:
                open_count += 1
            r.commitment_id = c.id
            refl.append(r)
            comms.append(c)
        client.summary = summarise(refl, comms)
        payload = _dump({
            "reflections": {str(k): r.to_dict() for k, r in enumerate(refl, start=1)},
            "commitments": {str(k): c.to_dict() for k, c in enumerate(comms, start=1)},
        })
        _write(data_dir / CLIENTS_DIR / f"{client.id}.json", payload)
        # the stamp of the file the summary was made from, as the store records it
        client.summary.file = file_stamp(data_dir / CLIENTS_DIR / f"{client.id}.json") or []
        client.summary.file_sha256 = hashlib.sha256(payload).hexdigest()  # bytes written from checked records
        index_clients[str(n)] = client.to_dict()
        history_bytes += len(payload)
        largest = max(largest, len(payload))
    index = _dump({
        "meta": {"1": {"schema": SCHEMA_VERSION, "created_at": f"{today.isoformat()}T08:00:00+00:00"}},
        "clients": index_clients,
    })
    _write(data_dir / INDEX_FILE, index)
    _write(data_dir / DRAFTS_FILE, _dump({"drafts": {}}))
    return {
        "clients": clients,
        "reflections": reflections,
        "open_commitments": open_count,
        "due_commitments": due_count,
        "largest_reflections": max(counts),
        "index_bytes": len(index),
        "history_bytes": history_bytes,
        "largest_history_bytes": largest,
    }


def realistic_draft(client: Client, today: date, seed: int = 11) -> Draft:
    """A reflection half done: four beliefs with evidence, the partners lens started."""
    rng = random.Random(seed)
    w = Writer(rng)
    r = Reflection(client_id=client.id, date=today.isoformat())
    for key in BELIEF_KEYS[:4]:
        r.beliefs[key] = BeliefScore(score=rng.randint(2, 5), evidence=w.evidence(key))
    r.lenses.objectives_agreed = "partly"
    r.lenses.partners_notes = w.note()
    d = Draft(client_id=client.id, step=4, reflection=r, commitment=Commitment(client_id=client.id))
    return d


def finished_reflection(client: Client, today: date, rng: random.Random) -> tuple[Reflection, Commitment]:
    w = Writer(rng)
    r = Reflection(
        client_id=client.id, date=today.isoformat(),
        beliefs={k: BeliefScore(score=rng.randint(1, 5), evidence=w.evidence(k)) for k in BELIEF_KEYS},
        lenses=PartnershipLenses(objectives_agreed="yes", metrics_tracked="partly", partners_notes=w.note(),
                                 reciprocity=4, reciprocity_evidence=w.evidence("cared"), with_or_for="with",
                                 with_or_for_notes=w.note(40, 140), unused_capacity=w.note(40, 140),
                                 further_topics=w.note(40, 140), better_ways=w.note(40, 140)),
        proposed_verdict="steady", verdict_reasons=[REASONS[0]], verdict="steady", verdict_why=w.fill(WHY[1]),
    )
    c = Commitment(action=w.fill(ACTIONS[0]), aim="faith", due=(today + timedelta(days=7)).isoformat())
    return r, c


def _dump(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write(path: Path, payload: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


__all__ = ["build", "realistic_draft", "finished_reflection"]

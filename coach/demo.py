"""A sample portfolio to look around with: `coach demo`.

Seven clients (one archived) with about five months of weekly-ish reflections,
written as a consultant might write them. Everything is derived from `today`
through one seeded random generator, so the same day always gives the same
portfolio (ids included), and the newest commitments fall due around `today`:
at least one overdue and one due this week.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from coach.insight import propose_verdict
from coach.method import BELIEF_KEYS
from coach.decisions import call_of
from coach.models import (
    Answer,
    BeliefScore,
    Client,
    ClientAnswers,
    Commitment,
    Decision,
    Metric,
    Note,
    PartnershipLenses,
    Reading,
    Reflection,
)

# -- the clients ----------------------------------------------------------------------
# arc: (share of the way through the history, average level) points; the scores
# follow the line with some noise. last/due: days before (+) or after (-) today
# of the newest reflection and of its open commitment's due date.

PROFILES: list[dict[str, Any]] = [
    {
        "name": "Priya Raman", "organisation": "Harbour Freight Logistics",
        # check-ins: (reflections from the end, offsets from your score, their words, both ways)
        "asked": [
            (4, {"known": 0, "valued": 1, "adaptive": -1}, {"valued": "You make our team look good to the board."}, 5),
            (1, {"known": 0, "valued": 0, "adaptive": 0, "faith": 0}, {"adaptive": "You changed the weekly report for us."}, 5),
        ],
        "notes": "COO. Runs twelve depots along the east coast; decides quickly once the numbers are in front of her.",
        "objectives": [
            "On-time deliveries at 96% by the end of Q3",
            "The new route planner live in all twelve depots",
            "Review the numbers together every month",
        ],
        "metrics": [("On-time deliveries", "96%", "92.5%"), ("Depots on the new planner", "12", "7"),
                    ("Fuel cost per drop", "£1.80", "£1.95")],
        # earlier values of a metric: (days before today, value); the current value is the last reading
        "readings": {"On-time deliveries": [(130, "88%"), (95, "89.5%"), (60, "91%"), (20, "92.5%")],
                     "Depots on the new planner": [(100, "3"), (45, "5"), (12, "7")]},
        "ours": ("A reference case for logistics clients, and an introduction to her parent group",
                 "Our new data service, and that we are hiring a second analyst"),
        "goal": "cutting late deliveries before the peak season", "project": "the route-planner rollout",
        "colleague": "Dan, the depot lead in Felixstowe", "worry": "the board's patience with the new system",
        "win": "the first week without a missed slot at the Ipswich depot",
        "arc": [(0, 3.1), (0.5, 3.8), (1, 4.4)], "offsets": {"adaptive": -0.4, "faith": 0.3},
        "gaps": [7, 7, 7, 7, 14], "weeks": 22, "last": 2, "due": -9, "objectives_agreed": "yes", "metrics_tracked": "yes",
        "meeting_every": 35,
        "capacity": ["Their planning team has spare analyst time in the quiet months.",
                     "Our data person could help with their warehouse slotting."],
        "topics": ["Driver retention, which keeps coming up in every depot visit.",
                   "A cold-chain service they are thinking of launching."],
        "better": ["One shared dashboard instead of two weekly spreadsheets.",
                   "Depot leads joining the monthly review directly."],
    },
    {
        "name": "Tom Okafor", "organisation": "Fernwood Design Studio",
        "notes": "Founder of a nine-person studio. Generous with ideas, short on time; prefers a call to an email.",
        "objectives": ["Two brand projects above £40k this year", "A pitch process the team can run without Tom"],
        "metrics": [("Brand projects above £40k", "2", "1"), ("Pitch win rate", "35%", "28%")],
        "goal": "winning bigger brand work without losing the studio's character",
        "project": "the new pitch process", "colleague": "Mira, the senior designer",
        "worry": "cash flow between projects", "win": "the shortlisting for the museum rebrand",
        "arc": [(0, 3.5), (0.6, 3.8), (1, 3.6)], "offsets": {"adaptive": -1.0, "valued": 0.5, "cared": 0.3},
        "gaps": [7, 14, 14, 21], "weeks": 21, "last": 12, "due": 0, "objectives_agreed": "partly", "metrics_tracked": "partly",
        "meeting_every": 60,
        "capacity": ["Mira wants to mentor; our junior consultants could learn from her."],
        "topics": ["Pricing: they undercharge for strategy work.", "A shared workshop format for clients of both of us."],
        "better": ["A standing fortnightly call instead of ad hoc emails."],
    },
    {
        "name": "Dr Helen Marsh", "organisation": "St Aldric's Hospital Trust",
        "notes": "Director of Operations. Under heavy scrutiny from the board and regulators; values candour over polish.",
        "objectives": ["92% of outpatients seen within 18 weeks", "Clinic templates rebuilt for three specialties"],
        "metrics": [("Outpatients seen within 18 weeks", "92%", "84%"), ("Clinic slots left unused", "under 5%", "9%")],
        "goal": "bringing outpatient waits under eighteen weeks", "project": "the clinic scheduling review",
        "colleague": "Gareth from the trust's IT team", "worry": "the winter pressures report to the board",
        "win": "the orthopaedic clinic clearing its backlog",
        "arc": [(0, 3.4), (0.45, 2.6), (0.8, 3.2), (1, 3.1)], "offsets": {"curious": 0.4, "cared": 0.2},
        "gaps": [7, 7, 7, 14], "weeks": 22, "last": 6, "due": -8, "objectives_agreed": "yes", "metrics_tracked": "partly",
        "meeting_every": 50,
        "capacity": ["Their analysts could take over the weekly data pull we do by hand."],
        "topics": ["Theatre scheduling, which has the same problems as the clinics.",
                   "Staff rostering for the winter."],
        "better": ["Fewer steering groups; one decision-maker per specialty."],
    },
    {
        "name": "Marcus Bell", "organisation": "Brightwater Credit Union",
        "asked": [
            (3, {"cared": -2, "valued": -2, "committed": -2, "known": -1},
             {"valued": "Honestly, it feels like we are one account among many.",
              "committed": "When we went elsewhere for the app, you went quiet."}, 2),
        ],
        "notes": "Head of Member Services. Loyal to the old chief executive; the new one is reviewing every supplier.",
        "objectives": ["Member churn below 6% a year"],
        "metrics": [("Annual member churn", "under 6%", "7.8%")],
        "readings": {"Annual member churn": [(140, "7.4%"), (80, "7.6%"), (30, "7.8%")]},
        "ours": ("Work we are proud of in financial services", ""),
        # the last reflections, as the relationship turned into order-taking: (from the end, lenses)
        "turn": {3: {"reciprocity": 2, "with_or_for": "mixed"}, 2: {"reciprocity": 2, "with_or_for": "for"},
                 1: {"reciprocity": 2, "with_or_for": "for"}},
        "goal": "keeping members from moving to app-only banks", "project": "the member onboarding redesign",
        "colleague": "Lorna, who runs the call centre", "worry": "the new chief executive's supplier review",
        "win": "onboarding cut to a single branch visit",
        "arc": [(0, 3.7), (0.7, 3.3), (0.93, 3.1), (1, 2.2)], "offsets": {"committed": 0.3, "curious": -0.4},
        "gaps": [14, 14, 7, 14], "weeks": 22, "last": 9, "due": 3, "objectives_agreed": "partly", "metrics_tracked": "no",
        "meeting_every": 120,
        "capacity": ["Lorna's team hears every complaint first; nobody uses that."],
        "topics": ["Mortgage applications, which lose more members than onboarding does."],
        "better": ["Meeting the new chief executive directly instead of through Marcus."],
    },
    {
        "name": "Sofia Lindqvist", "organisation": "Kestrel Outdoor",
        "notes": "Head of Digital at an outdoor clothing retailer. Sharp, data-led, impatient with slide decks.",
        "objectives": ["Online margin positive every month from March", "Returns below 12% of orders"],
        # a sharp fall in reciprocity at the end: one-way, though nothing else says order-taking yet
        "turn": {2: {"reciprocity": 4}, 1: {"reciprocity": 2}},
        "metrics": [("Online margin", "positive", "-2%"), ("Returns rate", "12%", "15%"),
                    ("Checkout conversion", "3.2%", "2.9%")],
        "goal": "making the online shop pay its way by spring", "project": "the checkout rebuild",
        "colleague": "Jonas, the warehouse manager", "worry": "returns eating the margin",
        "win": "the autumn campaign's conversion rate",
        "arc": [(0, 3.7), (0.6, 4.1), (0.85, 3.8), (1, 3.1)], "offsets": {"faith": 0.3, "known": 0.2},
        "gaps": [7, 7, 14], "weeks": 20, "last": 24, "due": 11, "objectives_agreed": "yes", "metrics_tracked": "yes",
        "meeting_every": 45,
        "capacity": ["Their photo studio sits empty two days a week."],
        "topics": ["A repair service for worn gear.", "Wholesale to smaller outdoor shops."],
        "better": ["Sharing the returns data weekly instead of at quarter end."],
    },
    {
        "name": "Dev Patel", "organisation": "Lumen Analytics",
        "asked": [
            (5, {"valued": -2, "faith": -1, "curious": 0}, {"valued": "You seem more interested in the data than in us."}, 3),
            (1, {"valued": -1, "faith": 0, "curious": 0}, {"faith": "You backed the funding plan when I had doubts."}, 4),
        ],
        "notes": "Co-founder and CEO of a twenty-person analytics start-up. Fast, hopeful, stretched thin.",
        "objectives": ["Three enterprise customers signed this year", "A positioning the sales team can say in one sentence"],
        "metrics": [("Enterprise customers", "3", "1"), ("Sales calls to second meeting", "40%", "25%")],
        "goal": "landing the first three enterprise customers", "project": "the positioning work",
        "colleague": "Aisha, the head of sales", "worry": "the next funding round",
        "win": "the first paid pilot with a retailer",
        "arc": [(0, 3.0), (1, 3.9)], "offsets": {"curious": 0.4, "committed": 0.2},
        "gaps": [7, 7, 7], "weeks": 9, "last": 5, "due": "this week", "objectives_agreed": "partly",
        "metrics_tracked": "yes", "meeting_every": 28,
        "capacity": ["Aisha's team could trial our interview guides with their prospects."],
        "topics": ["Hiring their first product marketer.", "Board reporting."],
        "better": ["Written decisions after each session so nothing is lost between calls."],
    },
    {
        "name": "Graham Whitlock", "organisation": "Ashby & Vale Solicitors", "archived": True,
        "notes": "Managing Partner. Let go in the spring: the firm wanted an order-taker, not a partner.",
        "objectives": ["Client intake time halved"],
        "metrics": [("Days from enquiry to engagement letter", "3", "6")],
        "goal": "modernising the firm's client intake", "project": "the intake form redesign",
        "colleague": "Janet, the office manager", "worry": "partners resisting change",
        "win": "the new intake form going live in one office",
        "arc": [(0, 2.8), (1, 2.0)], "offsets": {"adaptive": 0.3},
        "gaps": [14, 14], "weeks": 23, "last": 105, "due": 97, "objectives_agreed": "no", "metrics_tracked": "no",
        "meeting_every": 400, "close": True,
        "decision": ("They wanted someone to take orders, and would not agree objectives in a year of asking.",
                     "Agree objectives and a partner talk before the first invoice, not after."),
        "capacity": ["None that they were willing to discuss."],
        "topics": ["Document automation, if they were ever ready."],
        "better": ["A single contact instead of five partners with different views."],
    },
]

# -- evidence, by belief and by how strong the score is --------------------------------

EVIDENCE: dict[str, dict[str, list[str]]] = {
    "known": {
        "high": [
            "When {first} talked about {goal}, I could finish the sentence; we have been over why it matters many times.",
            "I noticed {first} struggling with {worry} before it was said out loud, and raised it first.",
            "{first} asked me to brief {who} on the background, which says the picture I hold is trusted.",
        ],
        "mid": [
            "I know the aim ({goal}) but less about why it matters to {first} personally.",
            "I understand {project}, but I heard about {worry} from {colleague}, not from {first}.",
            "Our talks stay on the task list; I am guessing at how {first} likes to make decisions.",
        ],
        "low": [
            "A decision about {project} caught me out this week; I clearly do not know what drives it.",
            "{first} had to explain {goal} to me again in the meeting, and it showed.",
            "I could not say what {first} is struggling with right now; we only swap status updates.",
        ],
    },
    "cared": {
        "high": [
            "I rang {first} after hearing about {worry}, with nothing to sell; a thank-you came back in writing.",
            "When {win} happened I sent a note the same day, and {first} forwarded it to the team.",
            "{first} said I was the only supplier who asks how the week went, not only how the project went.",
        ],
        "mid": [
            "I noticed {win} but only mentioned it in passing at the end of a call.",
            "I ask after {first}, but mostly when there is a deadline to talk about as well.",
            "I care how {project} lands; I am less sure {first} sees that I care how the year goes.",
        ],
        "low": [
            "I missed that {first} was under pressure over {worry} until {who} told me.",
            "Two weeks went by with no contact beyond invoices and status reports.",
            "{first} mentioned a rough month and I moved straight on to the agenda.",
        ],
    },
    "valued": {
        "high": [
            "I told {first} exactly what their team made possible on {project}, and it landed.",
            "{first} heard me say in front of {who} that this is work I am glad to have.",
            "I credited {first}'s judgement by name in the write-up on {win}.",
        ],
        "mid": [
            "I value what {first} brings, but rarely say so beyond a thank-you at the end of an email.",
            "{first} probably knows I value the work; I have never said which parts or why.",
            "Praise has been general, nothing {first} could point to.",
        ],
        "low": [
            "I have talked more about how busy I am than about what {first} brings.",
            "{first} asked whether this account is still a priority for me. The question says enough.",
            "In the steering meeting I took credit for something {first}'s team did.",
        ],
    },
    "faith": {
        "high": [
            "When {first} doubted that {goal} was realistic, I set out the path step by step and we kept to it.",
            "I handed {first} the hardest part of {project} to lead, and said why I thought it would work.",
            "{first} said my confidence helped the board back the plan.",
        ],
        "mid": [
            "I believe the aim is reachable, but I hedge when {first} asks me straight out.",
            "I still do the hard parts of {project} myself rather than letting {first}'s team try.",
            "I have not said out loud that I think {goal} is within reach.",
        ],
        "low": [
            "Privately I think {goal} is out of reach, and I suspect it shows.",
            "When {first} raised {worry}, I agreed it might sink the plan instead of looking for a way through.",
            "I planned around {first}'s team failing instead of helping them succeed.",
        ],
    },
    "committed": {
        "high": [
            "{first} went another way on part of {project} against my advice; I helped make it work anyway.",
            "After a tense meeting about {worry} I came back the next morning with a way forward.",
            "When the budget was cut I kept the monthly review going unpaid; the long view matters here.",
        ],
        "mid": [
            "I let a disagreement about {project} sit for a week before picking it up.",
            "I am still a little sore that another firm got part of the work, and I have not said so.",
            "Steady, but not tested: I do not know what I would do if my advice were ignored again.",
        ],
        "low": [
            "Since {first} gave part of the work to another agency I have pulled back, and it shows.",
            "I argued for my approach to {project} and went quiet when it was turned down.",
            "I have started treating this as a job to finish rather than a relationship to keep.",
        ],
    },
    "curious": {
        "high": [
            "I asked what had changed since {win} and used the answer to reshape the next phase.",
            "I spent a morning with {who} to see how the work really runs; it changed my plan.",
            "I picked up early that {worry} had moved up the agenda and adjusted before being asked.",
        ],
        "mid": [
            "I follow the news about {org}, but I have not asked {first} what has changed lately.",
            "I learned something useful about {who}'s side last time and have not acted on it yet.",
            "I know where things stood at the start of {project}; I am less sure where they stand now.",
        ],
        "low": [
            "I found out about a reorganisation at {org} from LinkedIn, weeks late.",
            "I am still working from the brief we agreed months ago; the situation has moved on.",
            "I have not asked {first} a question about the business that was not about {project}.",
        ],
    },
    "adaptive": {
        "high": [
            "I swapped my long reports for a one-page summary because {first} reads on the move.",
            "I changed how we run {project} after {who} showed me where my process slowed them down.",
            "{first} noticed I had rebuilt our review around the questions the board actually asks.",
        ],
        "mid": [
            "I moved our calls to a better time, but how I work is mostly unchanged.",
            "After a comment about my long emails I kept them short for a week or two, then slipped.",
            "I would change how I work for {first}; nobody has asked and I have not offered.",
        ],
        "low": [
            "{first} has asked twice for shorter updates and I still send the long ones.",
            "I have asked {first}'s team to fit my process rather than the other way round.",
            "Nothing about how I work has changed since we started, though {org} has changed a lot.",
        ],
    },
}

RECIPROCITY = {
    "high": [
        "{first} introduced me to a peer at another firm without being asked.",
        "{first} asked how my own business is going and remembered the answer a month later.",
        "{first} offered to be a reference for my next pitch.",
    ],
    "mid": [
        "Friendly, but the questions only ever go one way.",
        "{first} asked about my plans once, in passing.",
        "Polite interest in my business, nothing more yet.",
    ],
    "low": [
        "Nothing comes back: invoices are paid late and there is no interest in how things are for us.",
        "{first} treats me as a supplier; my own business never comes up.",
    ],
}

PARTNERS_NOTES = {
    "yes": "Objectives agreed at the start and reviewed together against the numbers.",
    "partly": "We agreed the goals in outline; the numbers behind them are still vague.",
    "no": "There is a scope of work, but no objectives we both signed up to.",
}

WITH_NOTES = {
    "with": ["We plan the next step together and both bring ideas.", "{first} asks what I think before deciding."],
    "mixed": ["Some joint planning, but most weeks I work through their list.",
              "We set direction together each quarter; week to week it is tasks."],
    "for": ["A task list arrives every Monday and I deliver against it.",
            "I am told what to do; my suggestions are thanked and shelved."],
}

WHY = {
    "thriving": ["Both sides are getting what they came for, and the numbers show it.",
                 "It runs both ways now, and the objectives are on track."],
    "steady": ["Sound and nothing slipping; the next step is to deepen it.",
               "A good working relationship, not yet a partnership that grows both businesses."],
    "drifting": ["Sliding toward order-taking; I need to get back to the objectives with {first}.",
                 "Contact has thinned and the scores show it."],
    "at_risk": ["If nothing changes this ends at the next contract review.",
                "It runs one way; I have to decide whether to put more in or let go."],
}

ACTIONS = {
    "known": ["Ask {first} what success for {goal} looks like a year from now, and write it down.",
              "Spend an hour with {who} to understand the day-to-day."],
    "cared": ["Call {first} about {worry}, with no agenda of my own.",
              "Send {first} a note about {win}, naming what it took."],
    "valued": ["Name in the monthly report what {first}'s team did well, with examples.",
               "Tell {first} face to face which part of the work I most enjoy and why."],
    "faith": ["Hand {first}'s team the lead on the next part of {project} and back them in public.",
              "Lay out for {first} a realistic path to {goal}."],
    "committed": ["Pick up the disagreement about {project} face to face and agree a way forward.",
                  "Offer to help the other agency's work succeed."],
    "curious": ["Ask {first} what has changed at {org} since we last talked properly.",
                "Read the papers {first} shared and come to the next call with three questions."],
    "adaptive": ["Ask {first} for one thing I should do differently, and do it this week.",
                 "Switch the weekly update to a one-page summary."],
    "partners": ["Put one measurable objective for {project} on paper and agree it with {first}.",
                 "Go through the key metrics with {first} and agree who tracks each."],
    "reciprocity": ["Share honestly how my own business is going when we next meet.",
                    "Ask {first} for an introduction to one peer who might need similar help."],
    "meeting": ["Book a business-partner conversation with {first}, away from {project}.",
                "Propose a quarterly review of both businesses, not only the project."],
    "with": ["Bring a proposal for the next step instead of waiting for the list.",
             "Agree the shared goal for next quarter before taking on more tasks."],
}

OUTCOMES = {
    "done": (["Did it early in the week; {first} was more open than I expected.",
              "Done. It took twenty minutes and changed the tone of the week.",
              "Done, and {first} brought it up again unprompted a few days later."],
             ["Small, specific gestures land better than big ones.", "Asking first works better than telling.",
              "Worth doing routinely, not only when things are tense."]),
    "partly": (["Started, but the week ran out before I finished.",
                "Did half of it; the rest needs {colleague}, who was away."],
               ["I need to book the time, not hope for it.", "Big commitments need splitting into a first step."]),
    "not_done": (["Did not happen; a deadline on {project} took the week.", "Forgot until the day it was due."],
                 ["A commitment without a slot in the diary is a wish.",
                  "I put off the uncomfortable ones; worth noticing."]),
    "dropped": (["Dropped: {first} was away for two weeks and the moment passed.", "Dropped after the brief changed."],
                ["Check the timing before committing.", "Fine to drop what no longer fits, as long as I say so."]),
}

LETTING_GO = Commitment(
    action="Tell Graham I will finish the intake work and not bid for the next phase.",
    aim="with", status="done",
    what_happened="Said it plainly over lunch; he was relieved too.",
    learned="Letting go well is part of the work; the referral he offered surprised me.",
)


@dataclass
class DemoResult:
    clients: int = 0
    archived: int = 0
    reflections: int = 0
    open_commitments: int = 0
    names: list[str] = field(default_factory=list)


# -- generation -----------------------------------------------------------------------


# Moments noted between sessions, by client: (days before today, kind, text).
# Some fall after the last reflection, so the next one offers them as evidence.
MOMENTS = {
    "Priya Raman": [
        (40, "referral", "Introduced me to the head of fleet at Northgate Haulage."),
        (1, "said", "\"You were the only one who asked what the board would worry about.\""),
    ],
    "Tom Okafor": [
        (20, "ignored", "Went ahead with the rebrand launch without the customer interviews I suggested."),
        (2, "interest", "Asked whether I also help studios with pricing."),
    ],
    "Dr Helen Marsh": [
        (3, "did", "Copied me into the regulator's letter before it went to the board."),
    ],
    "Marcus Bell": [
        (5, "said", "The new chief executive wants every supplier to re-pitch in January."),
    ],
    "Dev Patel": [
        (1, "did", "Shared the first enterprise contract draft and asked for my comments."),
    ],
}


def _id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _level(arc: list[tuple[float, float]], t: float) -> float:
    for (t0, v0), (t1, v1) in zip(arc, arc[1:]):
        if t0 <= t <= t1:
            return v0 + (v1 - v0) * (t - t0) / ((t1 - t0) or 1)
    return arc[-1][1]


def _band(score: int) -> str:
    return "high" if score >= 4 else "mid" if score == 3 else "low"


def _dates(profile: dict[str, Any], today: date, rng: random.Random) -> list[date]:
    """Reflection dates, oldest first: back from the newest, in weekly-ish steps."""
    day = today - timedelta(days=profile["last"])
    start = today - timedelta(weeks=profile["weeks"])
    days = []
    while day >= start:
        days.append(day)
        day -= timedelta(days=rng.choice(profile["gaps"]) + rng.choice((-1, 0, 0, 1)))
    if profile.get("close"):
        days = days[:5]  # the archived client ended after a handful of reflections
    return sorted(days)


def _due_date(profile: dict[str, Any], today: date) -> date:
    if profile["due"] == "this week":
        return today + timedelta(days=min(2, 6 - today.weekday()))  # today or later, before Sunday ends
    return today - timedelta(days=profile["due"])


class _ClientStory:
    """One client's history, generated oldest reflection first."""

    def __init__(self, profile: dict[str, Any], today: date, rng: random.Random) -> None:
        self.p, self.today, self.rng = profile, today, rng
        self.facts = {k: profile[k] for k in ("goal", "project", "colleague", "worry", "win")}
        words = profile["name"].split()
        self.facts.update(first=words[1] if words[0] == "Dr" else words[0], org=profile["organisation"],
                          who=profile["colleague"].split(",")[0])
        self.boost = {k: 0.0 for k in BELIEF_KEYS}
        self.last_text: dict[str, str] = {}
        self.meeting: date | None = None

    def fill(self, text: str) -> str:
        return text.format(**self.facts)

    def pick(self, key: str, options: list[str]) -> str:
        """A choice that does not repeat the previous one for the same slot."""
        fresh = [o for o in options if o != self.last_text.get(key)] or options
        choice = self.rng.choice(fresh)
        self.last_text[key] = choice
        return self.fill(choice)

    def beliefs(self, level: float) -> dict[str, BeliefScore]:
        out = {}
        for key in BELIEF_KEYS:
            raw = level + self.p["offsets"].get(key, 0) + self.boost[key] + self.rng.gauss(0, 0.45)
            score = max(1, min(5, round(raw)))
            out[key] = BeliefScore(score, self.pick(key, EVIDENCE[key][_band(score)]))
        return out

    def lenses(self, level: float, day: date) -> PartnershipLenses:
        if self.meeting is None or (day - self.meeting).days > self.p["meeting_every"]:
            if self.meeting is None or self.rng.random() < 0.5:
                self.meeting = day - timedelta(days=self.rng.randint(1, 6))
        recip = max(1, min(5, round(level + self.rng.gauss(0, 0.5))))
        way = "with" if level >= 3.9 else "mixed" if level >= 2.9 else "for"
        stale = self.p["meeting_every"] > 200
        return PartnershipLenses(
            objectives_agreed=self.p["objectives_agreed"], metrics_tracked=self.p["metrics_tracked"],
            partners_notes=PARTNERS_NOTES[self.p["objectives_agreed"]],
            reciprocity=recip, reciprocity_evidence=self.pick("recip", RECIPROCITY[_band(recip)]),
            with_or_for=way, with_or_for_notes=self.pick("with", WITH_NOTES[way]),
            last_partner_meeting="" if stale else self.meeting.isoformat(),
            unused_capacity=self.pick("capacity", self.p["capacity"]),
            further_topics=self.pick("topics", self.p["topics"]),
            better_ways=self.pick("better", self.p["better"]),
        )

    def verdict(self, level: float) -> str:
        """The consultant's own call, which sometimes differs from coach's proposal."""
        return "thriving" if level >= 4.05 else "steady" if level >= 3.35 else "drifting" if level >= 2.6 else "at_risk"

    def reflection(self, day: date, level: float, previous: Reflection | None) -> Reflection:
        r = Reflection(id=_id(self.rng), date=day.isoformat(), created_at=f"{day.isoformat()}T17:30:00+00:00")
        r.beliefs = self.beliefs(level)
        r.lenses = self.lenses(level, day)
        proposal = propose_verdict(r, previous, day)
        r.proposed_verdict, r.verdict_reasons = proposal.verdict, list(proposal.reasons)
        r.verdict = self.verdict(level)
        r.verdict_why = self.pick("why", WHY[r.verdict])
        return r

    def aim(self, r: Reflection) -> str:
        scores = r.scores()
        weakest = min(BELIEF_KEYS, key=lambda k: (scores[k], self.rng.random()))
        if self.rng.random() < 0.25:
            return self.rng.choice(["partners", "reciprocity", "meeting", "with"])
        return weakest

    def outcome(self, level: float) -> str:
        weights = {"done": level - 1.5, "partly": 1.0, "not_done": max(0.3, 4.2 - level), "dropped": 0.35}
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def commitment(self, r: Reflection, day: date, due: date, review_on: date | None, level: float) -> Commitment:
        aim = self.aim(r)
        c = Commitment(id=_id(self.rng), action=self.pick(f"act-{aim}", ACTIONS[aim]), aim=aim,
                       made_on=day.isoformat(), due=due.isoformat())
        if review_on is not None:
            c.status = self.outcome(level)
            happened, learned = OUTCOMES[c.status]
            c.what_happened, c.learned = self.pick(f"h-{c.status}", happened), self.pick(f"l-{c.status}", learned)
            c.reviewed_on = review_on.isoformat()
            self.keep_or_fade(c)
        return c

    def keep_or_fade(self, c: Commitment) -> None:
        """Kept commitments nudge their belief up for a while, so the effect shows in the scores."""
        for key in self.boost:
            self.boost[key] *= 0.7
        if c.aim in self.boost and c.status in ("done", "partly"):
            self.boost[c.aim] += 0.7 if c.status == "done" else 0.3


def _fill_client(store, profile: dict[str, Any], today: date, rng: random.Random) -> int:
    story = _ClientStory(profile, today, rng)
    days = _dates(profile, today, rng)
    client = Client(
        id=_id(rng), name=profile["name"], organisation=profile["organisation"], notes=profile["notes"],
        created_on=(days[0] - timedelta(days=rng.randint(3, 20))).isoformat(),
        objectives=list(profile["objectives"]), metrics=[Metric(*m) for m in profile["metrics"]],
    )
    store.save_client(client)
    previous = None
    for n, day in enumerate(days):
        t = n / max(1, len(days) - 1)
        level = _level(profile["arc"], t)
        r = story.reflection(day, level, previous)
        r.client_id = client.id
        last = n == len(days) - 1
        due = _due_date(profile, today) if last else day + timedelta(days=rng.randint(4, 9))
        c = story.commitment(r, day, due, None if last else days[n + 1], level)
        if last and profile.get("close"):
            c = _letting_go(c, days[-1])
        _turn(r, profile, len(days) - n, previous, day)
        _ask(r, profile, len(days) - n, day)
        store.finish_reflection(r, c)
        previous = r
    client = store.client(client.id)
    if profile.get("archived"):
        client.archived = True
    if "decision" in profile:
        reason, lesson = profile["decision"]
        call = call_of(client)
        client.decisions.append(Decision(id=_id(rng), on=(days[-1] + timedelta(days=8)).isoformat(), choice="let_go",
                                         reason=reason, lesson=lesson, signals=sorted(call.signals)))
    for metric in client.metrics:
        metric.history = [Reading((today - timedelta(days=ago)).isoformat(), value)
                          for ago, value in profile.get("readings", {}).get(metric.name, [])]
    client.our_objective, client.to_share = profile.get("ours", ("", ""))
    store.save_client(client)
    ids = random.Random(f"{today.isoformat()} {client.name}")  # apart from rng, so the rest of the portfolio stays as it was
    for ago, kind, text in MOMENTS.get(profile["name"], []):
        on = (today - timedelta(days=ago)).isoformat()
        store.save_note(Note(id=_id(ids), client_id=client.id, on=on, kind=kind, text=text,
                             created_at=f"{on}T18:00:00+00:00"))  # not the clock: the same day gives the same demo
    return len(days)


def _turn(r: Reflection, profile: dict[str, Any], from_end: int, previous: Reflection | None, day: date) -> None:
    """The lenses of a relationship turning one-way near the end, with coach's proposal read again."""
    lenses = profile.get("turn", {}).get(from_end)
    if not lenses:
        return
    for key, value in lenses.items():
        setattr(r.lenses, key, value)
    if "reciprocity" in lenses:
        r.lenses.reciprocity_evidence = RECIPROCITY[_band(lenses["reciprocity"])][0]
    if "with_or_for" in lenses:
        r.lenses.with_or_for_notes = WITH_NOTES[lenses["with_or_for"]][0]
    proposal = propose_verdict(r, previous, day)
    r.proposed_verdict, r.verdict_reasons = proposal.verdict, list(proposal.reasons)


def _ask(r: Reflection, profile: dict[str, Any], from_end: int, day: date) -> None:
    """The client's own answers to a check-in, where the profile has one on this reflection:
    some close to the guess, one far from it, one gap narrowing between two check-ins."""
    for at, offsets, words, both in profile.get("asked", []):
        if at != from_end:
            continue
        answers = ClientAnswers(asked_on=(day - timedelta(days=2)).isoformat())
        for key, offset in offsets.items():
            yours = r.beliefs[key].score or 3
            answers.beliefs[key] = Answer(max(1, min(5, yours + offset)), words.get(key, ""))
        answers.both_ways = Answer(both, "")
        r.client_answers = answers


def _letting_go(c: Commitment, day: date) -> Commitment:
    c.action, c.aim, c.status = LETTING_GO.action, LETTING_GO.aim, LETTING_GO.status
    c.what_happened, c.learned = LETTING_GO.what_happened, LETTING_GO.learned
    c.reviewed_on = (day + timedelta(days=8)).isoformat()
    return c


def fill_demo(store, today: date) -> DemoResult:
    """Fill an empty store with the sample portfolio. The same `today` gives the same data."""
    rng = random.Random(today.toordinal())
    result = DemoResult()
    for profile in PROFILES:
        result.reflections += _fill_client(store, profile, today, rng)
        result.clients += 1
        result.archived += bool(profile.get("archived"))
        result.names.append(profile["name"])
    result.open_commitments = len(store.all_commitments(open_only=True))
    return result

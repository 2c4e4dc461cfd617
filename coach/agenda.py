"""An agenda for the next "meeting as partners" conversation with a client.

Built from what the user already wrote: the agreed objectives and metrics, the
ideas that came up in recent reflections, the beliefs they are least sure of
(turned into topics to raise, never accusations) and the open commitment. The
result is Markdown, to read on screen, copy or save. No Textual here.
"""

from __future__ import annotations

from datetime import date
from typing import Sequence

from coach.dates import describe, iso_day, short_date
from coach.insight import last_partner_talk
from coach.method import Method
from coach.models import Client, Commitment, Metric, Reflection
from coach.reflection_form import reflection_form
from coach.textsafe import visible
from coach.trends import latest_scores

RECENT_REFLECTIONS = 3  # how far back the open ideas are gathered
WEAK_TOPICS = 3  # at most this many beliefs become topics
WEAK_SCORE = 3  # a belief at or below this is worth a topic

# Each belief as something to talk about with the client, in their interest.
BELIEF_TOPICS = {
    "known": "Where your business is heading this year, and what would make it a good year for you",
    "cared": "How things are going for you and your team, beyond this piece of work",
    "valued": "What you bring that the work relies on, and where we could make more of it",
    "faith": "The goals that feel hardest right now, and what would help to reach them",
    "committed": "How we handle it together when plans change or something falls short",
    "curious": "What has changed for you lately that we should know about",
    "adaptive": "What we could do differently so that working together suits you better",
}

#: (field key, heading) of the reflection's fields the agenda gathers, from its definition
IDEA_LENSES = tuple((f.key, f.agenda) for f in reflection_form().fields if f.agenda)
_IDEA_FIELDS = {f.key: f for f in reflection_form().fields if f.agenda}


def _flat(text: str) -> str:
    """User text on one line, control characters made visible: safe in a list item."""
    return " ".join(visible(text).split())


def open_ideas(reflections: Sequence[Reflection], count: int = RECENT_REFLECTIONS) -> dict[str, list[str]]:
    """Per idea lens, the non-empty notes of the last `count` reflections, newest first, without repeats."""
    recent = sorted(reflections, key=lambda r: (r.date, r.created_at))[-count:][::-1]
    ideas: dict[str, list[str]] = {}
    for field, _ in IDEA_LENSES:
        seen: set[str] = set()
        found = []
        for reflection in recent:
            note = _flat(_IDEA_FIELDS[field].of_reflection(reflection))
            if note and note.casefold() not in seen:
                seen.add(note.casefold())
                found.append(note)
        ideas[field] = found
    return ideas


def weakest_beliefs(reflections: Sequence[Reflection]) -> list[tuple[str, int]]:
    """The lowest latest scores at or below WEAK_SCORE, weakest first, at most WEAK_TOPICS."""
    order = {key: n for n, key in enumerate(BELIEF_TOPICS)}
    scored = [(score, order[key], key) for key, score in latest_scores(reflections).items() if score is not None]
    return [(key, score) for score, _, key in sorted(scored) if score <= WEAK_SCORE][:WEAK_TOPICS]


def build_agenda(client: Client, reflections: Sequence[Reflection], method: Method, today: date) -> str:
    """The agenda as Markdown, ending with a newline."""
    lines = [f"# Meeting as partners: {_flat(client.label)}", ""]
    lines.append(f"Prepared on {today:%a} {today.day} {today:%b %Y} for the next conversation about how both businesses are doing.")
    last_meeting = _last_meeting(reflections, today)
    if last_meeting:
        lines.append(f"Last partner conversation on record: {last_meeting}.")
    lines += ["", "## How both businesses are doing", "", "### Theirs", ""]
    lines.append("- What has changed since we last spoke, and what is coming up?")
    lines += ["", "### Ours", ""]
    ours, share = _flat(client.our_objective), _flat(client.to_share)
    lines.append(f"- What we want from this partnership: {ours}" if ours
                 else "- What we want from this partnership: not written down yet (add it with the terms).")
    lines.append(f"- To share about our business: {share}" if share
                 else "- To share about our business: what we are working on, and where we could help each other.")

    lines += ["", "## The objectives we agreed", ""]
    objectives = [_flat(o) for o in client.objectives if _flat(o)]
    lines += [f"- {o}" for o in objectives] or ["- None written down yet: agree two or three together."]

    lines += ["", "## Key metrics: where they stand", ""]
    metrics = [m for m in client.metrics if _flat(m.name)]
    for metric in metrics:
        current, target = _flat(metric.current), _flat(metric.target)
        where = f"{current} now" if current else "not measured yet"
        aim = f"target {target}" if target else "no target set"
        lines.append(f"- {_flat(metric.name)}: {where}, {aim}{_since(metric, today)}")
    if not metrics:
        lines.append("- None agreed yet: which numbers would tell us both the work is paying off?")

    lines += ["", "## Open ideas from recent reflections", ""]
    ideas = open_ideas(reflections)
    if any(ideas.values()):
        for field, heading in IDEA_LENSES:
            if ideas[field]:
                lines += [f"### {heading}", ""]
                lines += [f"- {idea}" for idea in ideas[field]]
                lines.append("")
        lines.pop()
    else:
        lines.append("- Nothing noted yet: ask about spare capacity, new topics and better ways of working.")

    lines += ["", "## Topics to explore together", ""]
    weak = weakest_beliefs(reflections)
    for key, score in weak:
        lines.append(f"- {BELIEF_TOPICS[key]}. _(For you: “{method.belief(key).name}”, {score} of 5 last time.)_")
    if not weak:
        lines.append("- What would make the next months even more useful for you?")

    commitments = [Commitment.from_dict(c) for c in client.summary.open_commitments]
    lines += ["", "## My open commitments" if len(commitments) > 1 else "## My open commitment", ""]
    for commitment in commitments:
        line = f"- {_flat(commitment.action) or 'An action without words'}"
        details = []
        if commitment.aim:
            details.append(f"aimed at “{method.aim_name(commitment.aim)}”")
        if commitment.due:
            due = iso_day(commitment.due)
            details.append(f"due {short_date(due, today) if due else _flat(commitment.due)}")
        lines.append(line + (f" ({', '.join(details)})" if details else ""))
    if not commitments:
        lines.append("- None open.")
    return "\n".join(lines) + "\n"


def _since(metric: Metric, today: date) -> str:
    """Where the metric stood at its previous reading, if it has one."""
    earlier = [r for r in metric.history[:-1] if r.value.strip()]
    if not earlier:
        return ""
    day = iso_day(earlier[-1].on)
    return f" (was {_flat(earlier[-1].value)} on {short_date(day, today) if day else _flat(earlier[-1].on)})"


def _last_meeting(reflections: Sequence[Reflection], today: date) -> str:
    """The latest partner conversation on record, as the verdict and home read it."""
    talk = last_partner_talk(reflections)
    return describe(talk, today) if talk else ""


def agenda_filename(client: Client, today: date) -> str:
    """agenda-<client>-<date>.md, with the name reduced to safe file-name characters."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in client.name.casefold())
    slug = "-".join(part for part in slug.split("-") if part) or "client"
    return f"agenda-{slug[:40]}-{today.isoformat()}.md"

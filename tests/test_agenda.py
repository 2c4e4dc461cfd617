"""The "meeting as partners" agenda, line by line for a known client."""

from __future__ import annotations

from datetime import date

from coach.agenda import agenda_filename, build_agenda, open_ideas, weakest_beliefs
from coach.method import load_method
from coach.models import Client, Commitment, Metric
from tests.helpers.core_support import reflection

TODAY = date(2026, 11, 23)


def ana() -> Client:
    client = Client(
        name="Ana Lima",
        organisation="Acme [Ops]",
        objectives=["Cut churn to 5% by June", "  "],
        metrics=[Metric("Churn", "5%", "7%"), Metric("NPS", "40", ""), Metric("", "ignored", "")],
    )
    open_one = Commitment(action="Ask Ana what a good quarter\nlooks like", aim="known", due="2026-12-04")
    client.summary.open_commitments = [open_one.to_dict()]
    return client


def history(client: Client):
    scores_1 = {"known": 2, "cared": 3, "valued": 4, "faith": 4, "committed": 5, "curious": 3, "adaptive": 4}
    scores_2 = {"known": 4, "cared": 3, "valued": 4, "faith": 2, "committed": 5, "curious": None, "adaptive": 5}
    old = reflection(client.id, "2026-10-26", 3, unused_capacity="Should not appear: too old")
    first = reflection(
        client.id, "2026-11-09", scores_1,
        unused_capacity="Their analysts are idle in Q1", further_topics="Pricing for the new tier",
    )
    second = reflection(
        client.id, "2026-11-16", scores_2,
        unused_capacity="  their analysts are   idle in Q1 ", better_ways="One shared dashboard",
        last_partner_meeting="2026-10-02",
    )
    middle = reflection(client.id, "2026-11-12", scores_2)
    return [second, old, first, middle]


EXPECTED = """\
# Meeting as partners: Ana Lima (Acme [Ops])

Prepared on Mon 23 Nov 2026 for the next conversation about how both businesses are doing.
Last partner conversation on record: Fri 2 Oct (7 weeks ago).

## How both businesses are doing

### Theirs

- What has changed since we last spoke, and what is coming up?

### Ours

- What we want from this partnership: not written down yet (add it with the terms).
- To share about our business: what we are working on, and where we could help each other.

## The objectives we agreed

- Cut churn to 5% by June

## Key metrics: where they stand

- Churn: 7% now, target 5%
- NPS: not measured yet, target 40

## Open ideas from recent reflections

### Unused capacity

- their analysts are idle in Q1

### Further topics to take on together

- Pricing for the new tier

### Better ways of working

- One shared dashboard

## Topics to explore together

- The goals that feel hardest right now, and what would help to reach them. _(For you: “You have faith in me”, 2 of 5 last time.)_
- How things are going for you and your team, beyond this piece of work. _(For you: “You care about me”, 3 of 5 last time.)_
- What has changed for you lately that we should know about. _(For you: “You keep learning about me”, 3 of 5 last time.)_

## My open commitment

- Ask Ana what a good quarter looks like (aimed at “You know me”, due Fri 4 Dec)
"""


def test_agenda_for_a_known_client_line_by_line():
    client = ana()
    agenda = build_agenda(client, history(client), load_method(), TODAY)
    assert agenda.splitlines() == EXPECTED.splitlines()
    assert agenda.endswith("\n")


def test_open_ideas_come_from_the_last_three_reflections_newest_first_without_repeats():
    client = ana()
    ideas = open_ideas(history(client))
    assert ideas["unused_capacity"] == ["their analysts are idle in Q1"]
    assert ideas["further_topics"] == ["Pricing for the new tier"]
    assert ideas["better_ways"] == ["One shared dashboard"]


def test_weakest_beliefs_use_the_latest_score_and_stop_at_three():
    client = ana()
    assert weakest_beliefs(history(client)) == [("faith", 2), ("cared", 3), ("curious", 3)]


def test_an_empty_client_gets_prompts_not_blanks():
    client = Client(name="New One")
    agenda = build_agenda(client, [], load_method(), TODAY).splitlines()
    assert "- None written down yet: agree two or three together." in agenda
    assert "- None agreed yet: which numbers would tell us both the work is paying off?" in agenda
    assert "- Nothing noted yet: ask about spare capacity, new topics and better ways of working." in agenda
    assert "- What would make the next months even more useful for you?" in agenda
    assert "- None open." in agenda
    assert not any(line.startswith("Last partner conversation") for line in agenda)


def test_user_text_cannot_smuggle_control_characters_or_break_the_list():
    client = Client(name="Evil\x1b[31m Co", objectives=["line one\nline two\x07"])
    agenda = build_agenda(client, [], load_method(), TODAY)
    assert "\x1b" not in agenda and "\x07" not in agenda
    assert "- line one line two␇" in agenda.splitlines()


def test_agenda_file_name():
    assert agenda_filename(Client(name="Dr Helen Marsh"), TODAY) == "agenda-dr-helen-marsh-2026-11-23.md"
    assert agenda_filename(Client(name="../../etc"), TODAY) == "agenda-etc-2026-11-23.md"
    assert agenda_filename(Client(name="!!!"), TODAY) == "agenda-client-2026-11-23.md"


def test_the_last_partner_talk_is_the_latest_on_record_not_the_newest_reflections():
    """The agenda reads the same fact as the verdict: a talk recorded last week
    still stands when this week's reflection leaves the date blank, and a date
    typed in an older reflection counts if it is the latest."""
    from helpers.core_support import reflection

    client = Client(name="Ana")
    history = [
        reflection(on="2026-11-09", last_partner_meeting="2026-11-03"),
        reflection(on="2026-11-16", last_partner_meeting="2026-10-01"),  # an older talk, noted late
        reflection(on="2026-11-23", last_partner_meeting=""),
    ]
    agenda = build_agenda(client, history, load_method(), TODAY).splitlines()
    assert "Last partner conversation on record: Tue 3 Nov (2 weeks ago)." in agenda


def test_two_open_commitments_are_headed_in_the_plural():
    client = ana()
    second = Commitment(action="Send the churn numbers", aim="valued", due="2026-12-11")
    client.summary.open_commitments.append(second.to_dict())
    text = build_agenda(client, history(client), load_method(), TODAY)
    section = text.split("## My open commitments\n\n", 1)[1]
    assert section.splitlines()[:2] == [
        "- Ask Ana what a good quarter looks like (aimed at “You know me”, due Fri 4 Dec)",
        "- Send the churn numbers (aimed at “You value me”, due Fri 11 Dec)",
    ]
    assert "## My open commitment\n" not in text

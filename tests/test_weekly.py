"""weekly.py: what is due, who is worth a reflection, and the rhythm, on a real store."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coach import weekly
from coach.method import BELIEF_KEYS
from coach.models import BeliefScore, Client, ClientSummary, Commitment, Reflection


TODAY = date(2025, 3, 12)  # a Wednesday


def day(offset: int) -> str:
    """An ISO date `offset` days before TODAY (negative: after)."""
    return (TODAY - timedelta(days=offset)).isoformat()


def reflect(store, client, when, scores, verdict="steady", action="", due="", status="open"):
    r = Reflection(client_id=client.id, date=when, verdict=verdict)
    for key, score in zip(BELIEF_KEYS, scores):
        r.beliefs[key] = BeliefScore(score, f"what happened for {key}")
    c = Commitment(action=action, aim="known", due=due, status=status) if action else None
    store.finish_reflection(r, c)
    return c


def by_name(store) -> dict[str, Client]:
    return {c.name: c for c in store.clients(include_archived=True)}


STEADY = [4, 4, 4, 4, 4, 4, 4]


# -- commitments --------------------------------------------------------------------


def test_due_commitments_most_overdue_first_and_only_open_active_ones(store):
    ann, bob, cat, dan = (store.add_client(n, on=TODAY) for n in ("Ann", "Bob", "Cat", "Dan"))
    reflect(store, ann, day(10), STEADY, action="Call Ann", due=day(4))
    reflect(store, bob, day(8), STEADY, action="Write to Bob", due=day(0))
    reflect(store, cat, day(6), STEADY, action="Visit Cat", due=day(-8))
    reflect(store, cat, day(20), STEADY, action="Old, already done", due=day(15), status="done")
    reflect(store, dan, day(9), STEADY, action="Dan is archived", due=day(5))
    store.set_archived(dan.id, True)

    due = weekly.due_commitments(store, TODAY)

    assert [(i.client.name, i.commitment.action, i.overdue_days) for i in due] == [
        ("Ann", "Call Ann", 4),
        ("Bob", "Write to Bob", 0),
    ]
    # a list of clients gives the same answer as the store
    assert weekly.due_commitments(store.clients(include_archived=True), TODAY) == due


def test_upcoming_commitments_within_a_week(store):
    ann, bob = store.add_client("Ann", on=TODAY), store.add_client("Bob", on=TODAY)
    reflect(store, ann, day(1), STEADY, action="Soon", due=day(-2))
    reflect(store, bob, day(1), STEADY, action="Later", due=day(-9))
    upcoming = weekly.upcoming_commitments(store, TODAY)
    assert [(i.commitment.action, i.overdue_days) for i in upcoming] == [("Soon", -2)]


def test_open_commitments_soonest_first_undated_last(store):
    ann, bob = store.add_client("Ann", on=TODAY), store.add_client("Bob", on=TODAY)
    reflect(store, ann, day(3), STEADY, action="No date")
    reflect(store, bob, day(2), STEADY, action="Dated", due=day(-3))
    pairs = weekly.open_commitments(store.clients())
    assert [(c.name, m.action) for c, m in pairs] == [("Bob", "Dated"), ("Ann", "No date")]


# -- suggestions ----------------------------------------------------------------------


def test_suggestions_name_each_reason_in_plain_words(store):
    quiet, falling, drifting, late, fine, never, gone = (
        store.add_client(n, on=date(2025, 1, 1))
        for n in ("Quiet", "Falling", "Drifting", "Late", "Fine", "Never", "Gone")
    )
    reflect(store, quiet, day(23), STEADY)
    reflect(store, falling, day(10), [4, 4, 4, 4, 4, 4, 4])
    reflect(store, falling, day(3), [3, 3, 3, 3, 4, 4, 3])  # average 3.29: fell 0.71
    reflect(store, drifting, day(3), STEADY, verdict="drifting")  # Sunday: last week
    reflect(store, late, day(9), STEADY, action="Send the summary", due=day(4))
    reflect(store, fine, day(5), STEADY, verdict="thriving", action="Keep going", due=day(-3))
    reflect(store, gone, day(60), STEADY, verdict="at_risk")
    store.set_archived(gone.id, True)

    found = {s.client.name: s for s in weekly.suggestions(store, TODAY)}

    assert set(found) == {"Quiet", "Falling", "Drifting", "Late", "Never"}
    assert found["Quiet"].reasons == ("23 days since the last reflection",)
    assert found["Falling"].reasons == ("scores fell 0.7 since the previous reflection",)
    assert found["Drifting"].reasons == ("verdict was drifting",)
    assert found["Late"].reasons == ("commitment overdue by 4 days",)
    assert found["Never"].reasons == ("no reflection yet",)


def test_suggestions_sorted_by_weight_and_reasons_add_up(store):
    a, b = store.add_client("Alone", on=TODAY), store.add_client("Troubled", on=TODAY)
    reflect(store, a, day(3), STEADY, verdict="drifting")
    reflect(store, b, day(30), [5, 5, 5, 5, 5, 5, 5])
    reflect(store, b, day(20), [3, 3, 3, 3, 3, 3, 3], verdict="at_risk", action="Call", due=day(12))

    found = weekly.suggestions(store, TODAY)

    assert [s.client.name for s in found] == ["Troubled", "Alone"]
    assert found[0].weight > found[1].weight
    assert found[0].reasons == (
        "20 days since the last reflection",
        "scores fell 2.0 since the previous reflection",
        "“You know me”, “You care about me”, “You value me”, “You have faith in me”, "
        "“You are committed to me”, “You keep learning about me”, “You change because of me” each fell by 2 or more",
        "verdict was at risk",
        "commitment overdue by 12 days",
    )


def test_one_belief_falling_by_two_is_a_reason(store):
    c = store.add_client("Ann", on=TODAY)
    reflect(store, c, day(10), [4, 4, 4, 4, 4, 4, 4])
    reflect(store, c, day(3), [4, 4, 2, 4, 4, 4, 4])
    (s,) = weekly.suggestions(store, TODAY)
    assert s.reasons == ("“You value me” fell from 4 to 2",)


def test_fourteen_days_is_still_the_rhythm(store):
    c = store.add_client("Ann", on=TODAY)
    reflect(store, c, day(14), STEADY)
    assert weekly.suggestions(store, TODAY) == []


def test_one_day_reads_as_singular(store):
    c = store.add_client("Ann", on=TODAY)
    reflect(store, c, day(3), STEADY, action="Call", due=day(1))
    (s,) = weekly.suggestions(store, TODAY)
    assert s.reasons == ("commitment overdue by 1 day",)


# -- rhythm -----------------------------------------------------------------------------


def with_dates(*offsets: int, archived: bool = False) -> Client:
    return Client(name="X", archived=archived, summary=ClientSummary(reflection_dates=[day(o) for o in offsets]))


def test_rhythm_counts_consecutive_weeks_including_this_one():
    # TODAY is Wednesday 12 March; Monday is 2 days back
    clients = [with_dates(1, 9), with_dates(15, 0), with_dates(40)]
    r = weekly.rhythm(clients, TODAY)
    assert r == weekly.Rhythm(weeks_in_a_row=3, last_reflection_on=TODAY.isoformat(), reflections_this_week=2)


def test_rhythm_this_week_not_yet_reflected_keeps_last_weeks_streak():
    r = weekly.rhythm([with_dates(3, 10, 17)], TODAY)  # Sunday 9, Sunday 2, Sunday 23 Feb
    assert (r.weeks_in_a_row, r.last_reflection_on, r.reflections_this_week) == (3, "2025-03-09", 0)


def test_rhythm_broken_when_last_week_was_missed():
    r = weekly.rhythm([with_dates(10, 17)], TODAY)
    assert r.weeks_in_a_row == 0 and r.last_reflection_on == "2025-03-02"


def test_rhythm_counts_archived_clients_and_ignores_future_dates():
    r = weekly.rhythm([with_dates(2, archived=True), with_dates(-3)], TODAY)
    assert (r.weeks_in_a_row, r.last_reflection_on, r.reflections_this_week) == (1, day(2), 1)


def test_rhythm_with_nothing():
    assert weekly.rhythm([], TODAY) == weekly.Rhythm(0, "", 0)


def test_rhythm_from_a_store(store):
    c = store.add_client("Ann", on=TODAY)
    for offset in (1, 8, 15):
        reflect(store, c, day(offset), STEADY)
    assert weekly.rhythm(store, TODAY).weeks_in_a_row == 3


# -- scores -------------------------------------------------------------------------------


def test_score_change_and_strip():
    summary = ClientSummary(
        last_scores={"known": 3, "cared": 3, "valued": None},
        previous_scores={"known": 4, "cared": 5},
    )
    assert weekly.score_change(summary) == pytest.approx(-1.5)
    assert weekly.score_change(ClientSummary(last_scores={"known": 3})) is None
    assert weekly.score_strip(summary.last_scores) == "33·····"
    assert weekly.score_strip({k: 5 for k in BELIEF_KEYS}) == "5555555"
    assert weekly.score_strip({}) == "·······"


def test_a_client_reflected_on_this_week_is_never_suggested(store):
    # TODAY is Wednesday 12 March 2025: the week began on Monday 10 March, as the rhythm counts it
    monday, sunday = store.add_client("Monday", on=TODAY), store.add_client("Sunday", on=TODAY)
    for client, last in ((monday, day(2)), (sunday, day(3))):
        reflect(store, client, day(20), [5, 5, 5, 5, 5, 5, 5])
        reflect(store, client, last, [2, 2, 2, 2, 2, 2, 2], verdict="at_risk", action="Call", due=day(1))
    assert weekly.reflected_this_week(store.client(monday.id), TODAY)
    assert not weekly.reflected_this_week(store.client(sunday.id), TODAY)
    found = weekly.suggestions(store, TODAY)
    # at risk and overdue, but reflected on on Monday: it is done for this week
    assert [s.client.name for s in found] == ["Sunday"]
    assert found[0].reasons == (
        "scores fell 3.0 since the previous reflection",
        "“You know me”, “You care about me”, “You value me”, “You have faith in me”, "
        "“You are committed to me”, “You keep learning about me”, “You change because of me” each fell by 2 or more",
        "verdict was at risk",
        "commitment overdue by 1 day",
    )


def test_change_compares_only_beliefs_scored_both_times():
    from coach.models import ClientSummary

    keys = ("known", "cared", "valued", "faith", "committed", "curious", "adaptive")
    summary = ClientSummary(
        last_scores=dict(zip(keys, [4, 4, None, 2, 5, None, 3])),
        previous_scores=dict(zip(keys, [3, 4, 1, None, 5, None, 4])),
    )
    # known +1, cared 0, committed 0, adaptive -1; valued, faith and curious were skipped once and
    # do not count (averages of all scored would say 3.6 - 3.4 = +0.2, only because valued's 1 was skipped)
    assert weekly.score_change(summary) == 0.0
    summary.last_scores["known"] = 5
    assert weekly.score_change(summary) == 0.25  # (+2 + 0 + 0 - 1) / 4
    assert weekly.score_change(ClientSummary(last_scores={"known": 4}, previous_scores={"cared": 3})) is None
    assert weekly.score_change(ClientSummary(last_scores={"known": 4}, previous_scores={})) is None


def test_a_long_ago_partner_talk_is_a_reason(store):
    from coach.models import ClientSummary

    c = store.add_client("Ann", on=TODAY)
    c.summary = ClientSummary(last_reflection_on=day(7), reflection_dates=[day(7)], last_partner_talk=day(100))
    assert weekly.suggestions([c], TODAY)[0].reasons == ("last partner conversation 3 months ago",)
    c.summary.last_partner_talk = day(90)
    assert weekly.suggestions([c], TODAY) == []


def test_the_summary_carries_the_last_partner_talk_and_suggestions_read_it(store, tmp_path):
    import json

    c = store.add_client("Ann", on=date(2024, 1, 1))
    # blank twice since: the store refuses a finished reflection whose date is not one (coach.schema)
    for when, talk in (("2024-10-01", "2024-09-20"), ("2024-11-01", ""), ("2024-11-20", "")):
        r = Reflection(client_id=c.id, date=when, verdict="steady")
        r.lenses.last_partner_meeting = talk
        for key in BELIEF_KEYS:
            r.beliefs[key] = BeliefScore(4, "seen")
        store.finish_reflection(r, None)
    summary = store.client(c.id).summary
    assert summary.last_partner_talk == "2024-09-20"
    # on disk too, in the index home and `coach status` read
    index = json.loads((tmp_path / "data" / "coach.json").read_text())
    [doc] = [d for d in index["clients"].values() if d["id"] == c.id]
    assert doc["summary"]["last_partner_talk"] == "2024-09-20"
    # TODAY is 12 March 2025: 173 days since that talk
    [s] = weekly.suggestions(store, TODAY)
    assert s.reasons == ("112 days since the last reflection", "last partner conversation 6 months ago")

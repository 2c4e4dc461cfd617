"""What works (coach.works): each reviewed commitment against the change in what
it aimed at, summed per aim, per client and overall, on a known data set."""

from __future__ import annotations

from datetime import date

import pytest

from coach.insights_report import gather, lines
from coach.method import load_method
from coach.models import Commitment
from coach.store import Store
from coach.works import Outcome, Tally, by_aim, change_text, outcomes_of_records, percent, total, works_of
from tests.helpers.core_support import reflection

R1 = reflection("a", "2026-01-05", {"known": 2, "cared": 3}, reciprocity=2, with_or_for="for",
                objectives_agreed="yes", metrics_tracked="no", id="r1").to_dict()
R2 = reflection("a", "2026-01-12", {"known": 4, "cared": 3}, reciprocity=3, with_or_for="mixed",
                objectives_agreed="yes", metrics_tracked="partly", last_partner_meeting="2026-01-10", id="r2").to_dict()
R3 = reflection("a", "2026-01-19", {"known": 3, "cared": 2}, reciprocity=3, with_or_for="with",
                last_partner_meeting="2026-01-10", id="r3").to_dict()


def made(in_reflection: str, aim: str, status: str, action: str = "") -> dict:
    return Commitment(client_id="a", reflection_id=in_reflection, aim=aim, status=status,
                      action=action or f"{aim} in {in_reflection}").to_dict()


COMMITMENTS = [
    made("r1", "known", "done", "Ask about the quarter"),  # 2 -> 4: +2
    made("r1", "with", "partly"),  # for -> between: +1
    made("r1", "partners", "dropped"),  # (yes, no) 1 -> (yes, partly) 1.5: +0.5, but dropped
    made("r1", "meeting", "done"),  # a talk on 10 Jan, after r1: +1
    made("r2", "cared", "not_done"),  # 3 -> 2: -1
    made("r2", "meeting", "done"),  # no talk after 10 Jan: 0
    made("r3", "known", "done"),  # no reflection after it yet: unmeasured
    made("r2", "reciprocity", "open"),  # not reviewed: left out
]


def test_each_reviewed_commitment_is_set_against_the_change_in_what_it_aimed_at():
    found = {(o.aim, o.made_on, o.status): o.change for o in outcomes_of_records([R1, R2, R3], COMMITMENTS)}
    assert found == {
        ("known", "2026-01-05", "done"): 2.0,
        ("with", "2026-01-05", "partly"): 1.0,
        ("partners", "2026-01-05", "dropped"): 0.5,
        ("meeting", "2026-01-05", "done"): 1.0,
        ("cared", "2026-01-12", "not_done"): -1.0,
        ("meeting", "2026-01-12", "done"): 0.0,
        ("known", "2026-01-19", "done"): None,
    }


def test_a_belief_left_unscored_on_either_side_is_not_measured():
    r2 = reflection("a", "2026-01-12", {"known": None}, id="r2").to_dict()
    [o] = outcomes_of_records([R1, r2], [made("r1", "known", "done")])
    assert o.change is None and o.kept


def test_the_tallies_count_what_stands_behind_each_figure():
    t = total(by_aim([works_of([R1, R2, R3], COMMITMENTS)]).values())
    assert (t.reviewed, t.kept, t.not_kept, t.dropped) == (7, 5, 1, 1)
    assert t.kept_rate == pytest.approx(5 / 6)
    assert (t.kept_measured, t.after_kept) == (4, pytest.approx((2 + 1 + 1 + 0) / 4))
    assert (t.missed_measured, t.after_missed) == (1, -1.0)
    assert percent(t.kept_rate) == "83%"
    assert change_text(t.after_kept, t.kept_measured) == "+1.0 (4)"
    assert change_text(t.after_missed, t.missed_measured) == "−1.0 (1)"
    assert change_text(None, 0) == "–"


def test_what_worked_keeps_kept_commitments_followed_by_a_rise():
    works = works_of([R1, R2, R3], COMMITMENTS)
    assert works["worked"] == {
        "known": [["Ask about the quarter", "2026-01-05", 2.0]],
        "meeting": [["meeting in r1", "2026-01-05", 1.0]],
        "with": [["with in r1", "2026-01-05", 1.0]],
    }
    assert "partners" not in works["worked"], "a dropped commitment did not work, whatever followed"


def test_tallies_add_up_across_clients():
    one, two = Tally(), Tally()
    one.add(Outcome("known", "done", "", "2026-01-05", 2.0))
    two.add(Outcome("known", "not_done", "", "2026-01-05", -1.0))
    two.add(Outcome("known", "done", "", "2026-01-12", None))
    both = Tally()
    both += one
    both += two
    assert (both.reviewed, both.kept, both.not_kept, both.kept_measured, both.kept_rate) == (3, 2, 1, 1, 2 / 3)


def test_the_summary_keeps_what_works_and_insights_reports_it(tmp_path):
    with Store.open(tmp_path / "data") as store:
        ana = store.add_client("Ana Lima", on=date(2026, 1, 1))
        first = Commitment(action="Ask Ana about her quarter", aim="known", due="2026-01-10")
        store.finish_reflection(reflection(ana.id, "2026-01-05", {"known": 2}), first)
        second = Commitment(action="Call with no agenda", aim="cared", due="2026-01-17")
        store.finish_reflection(reflection(ana.id, "2026-01-12", {"known": 4, "cared": 3}), second)
        store.finish_reflection(reflection(ana.id, "2026-01-19", {"known": 4, "cared": 2}), None)
        store.record_outcome(first, "done", "", "", on=date(2026, 1, 12))
        store.record_outcome(second, "not_done", "", "", on=date(2026, 1, 19))
        works = store.client(ana.id).summary.partnership["works"]
        assert works["worked"] == {"known": [["Ask Ana about her quarter", "2026-01-05", 2.0]]}
        report = gather(store, store.clients(), date(2026, 1, 20))
    text = [line.text for line in lines(report, load_method(), date(2026, 1, 20))]
    start = text.index("What works")
    assert text[start + 1] == ("2 commitments reviewed: kept 1 of 2 (50%). What they aimed at moved +2.0 (1) by the "
                               "next reflection after a kept one, −1.0 (1) after one not kept (the count is in brackets).")
    assert text[start + 2] == "That is too few to mean much yet: read it as a hint."
    assert "  You know me: kept 1 of 1 (100%), after kept +2.0 (1), after not kept –" in text
    assert "  You care about me: kept 0 of 1 (0%), after kept –, after not kept −1.0 (1)" in text
    assert any(t.startswith("  You know me: Ask Ana about her quarter (") and t.endswith(", +2.0)") for t in text)


def test_with_nothing_reviewed_the_section_says_why(tmp_path):
    with Store.open(tmp_path / "data") as store:
        store.add_client("Ana Lima", on=date(2026, 1, 1))
        report = gather(store, store.clients(), date(2026, 1, 20))
    text = [line.text for line in lines(report, load_method(), date(2026, 1, 20))]
    assert text[text.index("What works") + 1].startswith("No commitment has been reviewed yet.")

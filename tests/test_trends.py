"""Score series, changes between reflections, and habits across the portfolio."""

from __future__ import annotations

import subprocess
import sys

from coach.method import BELIEF_KEYS
from coach.models import BeliefScore, Reflection
from coach.trends import (
    belief_trends,
    changes_between,
    habit_sentence,
    habits,
    latest_scores,
    portfolio_averages,
    previous_reflection,
)
from tests.helpers.core_support import ROOT


def reflection_on(day: str, scores: dict[str, int | None], evidence: str = "", created: str = "") -> Reflection:
    r = Reflection(client_id="c1", date=day, created_at=created)
    for key in BELIEF_KEYS:
        score = scores.get(key, 3)
        r.beliefs[key] = BeliefScore(score, f"{evidence} {key}".strip() if score is not None else "")
    return r


def test_trends_are_oldest_first_whatever_the_input_order():
    later = reflection_on("2026-11-16", {"known": 4})
    earlier = reflection_on("2026-11-09", {"known": 2})
    trends = belief_trends([later, earlier])
    assert [t.key for t in trends] == list(BELIEF_KEYS)
    known = trends[0]
    assert known.dates == ("2026-11-09", "2026-11-16")
    assert known.scores == (2, 4)
    assert known.latest == 4


def test_latest_score_looks_past_a_reflection_that_skipped_the_belief():
    first = reflection_on("2026-11-02", {"curious": 2})
    second = reflection_on("2026-11-09", {"curious": None})
    trend = belief_trends([first, second])[BELIEF_KEYS.index("curious")]
    assert trend.scores == (2, None)
    assert trend.scored == [2]
    assert trend.latest == 2
    assert trend.recent(1) == (None,)
    assert latest_scores([first, second])["curious"] == 2


def test_no_reflections_no_scores():
    assert all(t.latest is None and t.scores == () for t in belief_trends([]))
    assert latest_scores([]) == {key: None for key in BELIEF_KEYS}


def test_changes_between_lists_only_moved_beliefs_with_both_sides_evidence():
    earlier = reflection_on("2026-11-09", {"known": 3, "faith": 4}, evidence="before")
    later = reflection_on("2026-11-16", {"known": 4, "faith": 4, "adaptive": None}, evidence="after")
    changes = changes_between(earlier, later)
    assert [c.key for c in changes] == ["known", "adaptive"]
    known = changes[0]
    assert (known.before, known.after, known.delta) == (3, 4, 1)
    assert known.before_evidence == "before known"
    assert known.after_evidence == "after known"
    assert changes[1].delta is None  # scored, then not: a change, but no arithmetic


def test_previous_reflection_follows_dates_then_creation_time():
    a = reflection_on("2026-11-09", {}, created="2026-11-09T10:00:00+00:00")
    b = reflection_on("2026-11-09", {}, created="2026-11-09T18:00:00+00:00")
    c = reflection_on("2026-11-16", {})
    history = [c, b, a]
    assert previous_reflection(history, c.id) is b
    assert previous_reflection(history, b.id) is a
    assert previous_reflection(history, a.id) is None
    assert previous_reflection(history, "no-such-id") is None


def test_portfolio_averages_leave_out_clients_without_a_score():
    rows = [{"known": 2, "cared": None}, {"known": 4, "cared": 5}, {}]
    averages = portfolio_averages(rows)
    assert averages["known"] == 3.0
    assert averages["cared"] == 5.0
    assert averages["valued"] is None


def test_a_low_average_is_a_habit():
    rows = [{"curious": 3}, {"curious": 3}, {"curious": 3}]
    [habit] = habits(rows)
    assert (habit.key, habit.average, habit.low_count, habit.scored_count) == ("curious", 3.0, 0, 3)


def test_low_with_more_than_half_the_clients_is_a_habit_even_with_a_good_average():
    rows = [{"adaptive": 2}, {"adaptive": 2}, {"adaptive": 5}, {"adaptive": 5}, {"adaptive": 2}]
    [habit] = habits(rows)  # average 3.2, but 3 of 5 clients at 2
    assert habit.key == "adaptive" and habit.low_count == 3


def test_low_with_exactly_half_and_a_fair_average_is_not_a_habit():
    rows = [{"adaptive": 2}, {"adaptive": 5}]  # average 3.5, one of two: not more than half
    assert habits(rows) == []


def test_one_client_is_never_a_habit():
    assert habits([{key: 1 for key in BELIEF_KEYS}]) == []


def test_habit_sentence_says_it_plainly():
    [habit] = habits([{"curious": 2}, {"curious": 3}, {"curious": 2}])
    sentence = habit_sentence(habit, "You keep learning about me")
    assert "average 2.3 of 5" in sentence
    assert "2 of 3 at 2 or lower" in sentence
    assert "a habit of yours, not one client's" in sentence


def test_trends_and_agenda_do_not_import_textual():
    code = "import sys, coach.trends, coach.agenda; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"

"""The three best clients exercise, without a screen: strong is 4-5, short is 1-3."""

from __future__ import annotations

from coach import three_best
from coach.method import BELIEF_KEYS


def scores(digits: str) -> dict[str, int | None]:
    """"4355·54" -> the seven beliefs in order, · for not scored."""
    return {key: (None if ch == "·" else int(ch)) for key, ch in zip(BELIEF_KEYS, digits)}


def test_four_and_five_are_strong_one_to_three_fall_short() -> None:
    reading = three_best.read_scores(scores("5432143"))
    assert reading.strong == (("known", 5), ("cared", 4), ("curious", 4))
    # weakest first; a tie keeps the method's order
    assert reading.short == (("committed", 1), ("faith", 2), ("valued", 3), ("adaptive", 3))
    assert reading.unscored == ()


def test_three_is_not_agreement() -> None:
    reading = three_best.read_scores(scores("3333333"))
    assert reading.strong == ()
    assert [key for key, _ in reading.short] == list(BELIEF_KEYS)


def test_unscored_and_damaged_scores_are_neither() -> None:
    raw = {"known": 4, "cared": None, "valued": 0, "faith": 6, "committed": "5", "curious": True}
    reading = three_best.read_scores(raw)
    assert reading.strong == (("known", 4),)
    assert reading.short == ()
    assert reading.unscored == ("cared", "valued", "faith", "committed", "curious", "adaptive")
    assert not three_best.complete(raw)
    assert three_best.complete(scores("1111111"))


def test_prefill_keeps_only_real_scores() -> None:
    assert three_best.prefill({"known": 4, "cared": None, "valued": 7, "faith": "3", "adaptive": 1, "other": 5}) == {
        "known": 4, "adaptive": 1}
    assert three_best.prefill(None) == {}
    assert three_best.prefill({}) == {}


def test_short_with_all_three() -> None:
    readings = [three_best.read_scores(scores(s)) for s in ("5555552", "4333452", "5152553")]
    assert three_best.short_with_all(readings) == ["adaptive"]
    readings.append(three_best.read_scores(scores("·······")))  # nothing scored: nothing short either
    assert three_best.short_with_all(readings) == []
    assert three_best.short_with_all([]) == []


def test_pack_breaks_only_between_beliefs() -> None:
    items = ["You know me 4", "You care about me 4", "You have faith in me 2", "You keep learning about me 2"]
    lines = three_best.pack(items, 40, end="Acknowledge it to them.")
    assert lines == [
        "You know me 4, You care about me 4,",
        "You have faith in me 2,",
        "You keep learning about me 2.",
        "Acknowledge it to them.",
    ]
    assert all(len(line) <= 40 for line in lines)
    assert three_best.pack(["You know me 4"], 40, end="Say so.") == ["You know me 4. Say so."]
    assert three_best.pack(["a much longer item than the line"], 10) == ["a much longer item than the line."]
    assert three_best.pack([], 40) == []

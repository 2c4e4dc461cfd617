"""What coach reads out of a reflection, and how user text is shown safely."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.core_support import reflection
from rich.text import Text

from coach.insight import Proposal, last_partner_talk, propose_verdict, shortfalls, strengths, weakest_aim
from coach.method import BELIEF_KEYS, LENS_KEYS, VERDICT_KEYS, load_method
from coach.models import BeliefScore
from coach.textsafe import literal, shorten, visible

TODAY = date(2026, 11, 23)
HEALTHY_LENSES = dict(objectives_agreed="yes", metrics_tracked="yes", reciprocity=4, with_or_for="with",
                      last_partner_meeting="2026-11-02")


def scores(default: int | None, **overrides: int | None) -> dict[str, int | None]:
    return {k: overrides.get(k, default) for k in BELIEF_KEYS}


def verdict(r, previous=None) -> Proposal:
    p = propose_verdict(r, previous, TODAY)
    assert p.verdict in VERDICT_KEYS
    assert p.reasons and all(isinstance(x, str) and x for x in p.reasons)
    return p


# -- proposed verdicts -------------------------------------------------------------


def test_thriving():
    p = verdict(reflection(scores=5, **{**HEALTHY_LENSES, "reciprocity": 5}))
    assert p.verdict == "thriving"
    assert "Beliefs average 5.0 of 5." in p.reasons
    assert "Objectives agreed and metrics tracked." in p.reasons


def test_steady():
    p = verdict(reflection(scores=scores(4, cared=3, faith=3, curious=3), **{**HEALTHY_LENSES, "reciprocity": 3}))
    assert p.verdict == "steady"
    assert not any("Weak" in r or "average only" in r for r in p.reasons)


def test_drifting():
    p = verdict(reflection(scores=3, **{**HEALTHY_LENSES, "objectives_agreed": "no", "reciprocity": 3}))
    assert p.verdict == "drifting"
    assert "No objectives agreed with the client." in p.reasons
    assert "Beliefs average 3.0 of 5." in p.reasons


def test_at_risk_from_three_weak_beliefs():
    p = verdict(reflection(scores=scores(4, known=2, cared=1, valued=2), **HEALTHY_LENSES))
    assert p.verdict == "at_risk"
    names = [load_method().belief(k).name for k in ("known", "cared", "valued")]
    assert p.reasons[0] == f"3 beliefs scored 2 or lower: {', '.join(names)}."


def test_at_risk_from_one_way_relationship_worked_for_them():
    p = verdict(reflection(scores=4, **{**HEALTHY_LENSES, "reciprocity": 1, "with_or_for": "for"}))
    assert p.verdict == "at_risk"
    assert p.reasons[0] == "Reciprocity is 1 of 5: the relationship runs one way."
    assert "You are working for them, not with them." in p.reasons


def test_at_risk_from_a_low_average():
    p = verdict(reflection(scores=scores(2, known=3, cared=3), **HEALTHY_LENSES))
    assert p.verdict == "at_risk"
    assert any(r.startswith("Beliefs average only") for r in p.reasons)


def test_scores_without_evidence_keep_it_from_thriving():
    r = reflection(scores=5, evidence="", **{**HEALTHY_LENSES, "reciprocity": 5})
    assert all(b.is_guess for b in r.beliefs.values())
    p = verdict(r)
    assert p.verdict != "thriving"
    assert "7 scores have no evidence, so they are guesses." in p.reasons


def test_a_fall_since_last_time_is_a_warning_and_a_rise_a_good_sign():
    now = reflection(scores=scores(3, known=4, cared=4), **{**HEALTHY_LENSES, "reciprocity": 3})  # average 3.3-
    alone = verdict(now)
    assert alone.verdict == "steady"
    assert not any("fell" in r or "rose" in r for r in alone.reasons)
    fell = verdict(now, reflection(on="2026-11-16", scores=5))
    assert "Beliefs fell 1.7 since Mon 16 Nov." in fell.reasons
    assert fell.verdict == "drifting"  # the fall is the second warning that tips it
    rose = verdict(now, reflection(on="2026-11-16", scores=2))
    assert "Beliefs rose 1.3 since Mon 16 Nov." in rose.reasons
    assert rose.verdict == "steady"
    small = verdict(now, reflection(on="2026-11-16", scores=3))
    assert not any("fell" in r or "rose" in r for r in small.reasons)


def test_partner_conversation_lens():
    stale = verdict(reflection(scores=5, **{**HEALTHY_LENSES, "last_partner_meeting": "2026-06-01"}))
    assert "No partner conversation for 6 months." in stale.reasons
    never = verdict(reflection(scores=5, **{**HEALTHY_LENSES, "last_partner_meeting": ""}))
    assert "No partner conversation on record." in never.reasons
    garbled = verdict(reflection(scores=5, **{**HEALTHY_LENSES, "last_partner_meeting": "last spring"}))
    assert not any("partner conversation" in r for r in garbled.reasons)  # unreadable: no claim either way


def test_nothing_scored_is_not_a_good_sign():
    p = verdict(reflection(scores=None))
    assert "No belief was scored." in p.reasons
    assert p.verdict in ("drifting", "at_risk")


# -- strengths, shortfalls, aim ---------------------------------------------------------


def test_strengths_only_counts_evidenced_strong_beliefs():
    r = reflection(scores=scores(3, known=5, cared=4, valued=5, faith=4))
    r.beliefs["valued"] = BeliefScore(5, "")  # strong, but a guess
    r.beliefs["faith"] = BeliefScore(4, "   ")  # whitespace is not evidence
    assert strengths(r) == ["known", "cared"]
    assert strengths(reflection(scores=None)) == []


def test_shortfalls_weakest_first_in_method_order():
    r = reflection(scores=scores(4, valued=3, known=2, adaptive=2, curious=None))
    assert shortfalls(r) == ["known", "adaptive"]  # a 3 ("neither") alone is not a shortfall


def test_a_fall_since_last_time_is_a_shortfall():
    before = reflection(scores=scores(4, valued=5, faith=3, committed=2, curious=None))
    now = reflection(scores=scores(4, valued=3, faith=3, committed=1, curious=2, adaptive=None))
    # valued 5 → 3 fell; faith 3 → 3 held; committed 2 → 1 low and fell; curious new at 2; adaptive unscored
    assert shortfalls(now, before) == ["committed", "curious", "valued"]
    assert shortfalls(now) == ["committed", "curious"]
    rising = reflection(scores=scores(4, valued=4))
    assert shortfalls(rising, reflection(scores=scores(3))) == []


def test_weakest_aim_reads_a_fall_too():
    before = reflection(scores=scores(4, faith=5, cared=3), **HEALTHY_LENSES)
    now = reflection(scores=scores(4, faith=4, cared=3), **HEALTHY_LENSES)
    assert weakest_aim(now) == "cared"  # no shortfall: the lowest score
    assert weakest_aim(now, before) == "faith"  # faith fell 5 → 4


@pytest.mark.parametrize(
    "belief_scores, lenses, aim",
    [
        (scores(4, faith=1, known=2), HEALTHY_LENSES, "faith"),  # weakest belief first
        (scores(4, cared=2, adaptive=2), HEALTHY_LENSES, "cared"),  # a tie goes to method order
        (scores(4, cared=2), {**HEALTHY_LENSES, "objectives_agreed": "no"}, "cared"),  # a weak belief beats a lens
        (scores(4, cared=3), {**HEALTHY_LENSES, "objectives_agreed": "no"}, "partners"),
        (scores(4), {**HEALTHY_LENSES, "metrics_tracked": "no"}, "partners"),
        (scores(4), {**HEALTHY_LENSES, "reciprocity": 2}, "reciprocity"),
        (scores(4), {**HEALTHY_LENSES, "with_or_for": "for"}, "with"),
        (scores(4, curious=3), HEALTHY_LENSES, "curious"),  # only middling: still the one to aim at
        (scores(5), {**HEALTHY_LENSES, "last_partner_meeting": ""}, "meeting"),
        (scores(5, valued=4), HEALTHY_LENSES, "valued"),  # all strong: the least strong
        (scores(None), HEALTHY_LENSES, BELIEF_KEYS[0]),
    ],
)
def test_weakest_aim(belief_scores, lenses, aim):
    r = reflection(scores=belief_scores, **lenses)
    assert weakest_aim(r) == aim
    assert aim in BELIEF_KEYS or aim in LENS_KEYS
    assert load_method().aim_name(aim) != aim  # every aim has a name to show


# -- showing user text safely -------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("\x1b[31mred\x1b[0m", "␛[31mred␛[0m"),
        ("\x1b]0;title\x07", "␛]0;title␇"),
        ("a\x00b", "a␀b"),
        ("bell\x07", "bell␇"),
        ("back\x08space", "back␈space"),
        ("del\x7f", "del␡"),
        ("tab\there", "tab    here"),
        ("one\ntwo", "one two"),
        ("one\r\ntwo", "one  two"),
        ("\x9b31m", "<U+009B>31m"),  # C1 CSI, which some terminals obey
        ("abc\u202egnp.exe", "abc<U+202E>gnp.exe"),  # bidi override
        ("\u2066x\u2069", "<U+2066>x<U+2069>"),  # bidi isolates
    ],
)
def test_visible_shows_controls(raw, shown):
    assert visible(raw) == shown
    assert all(ord(c) >= 0x20 and c != "\x7f" and not 0x80 <= ord(c) < 0xA0 for c in visible(raw))


def test_visible_can_keep_newlines():
    assert visible("one\ntwo\r\n\x1b", keep_newlines=True) == "one\ntwo \n␛"


@pytest.mark.parametrize(
    "text",
    [
        "Zoë Ångström", "東京の会議 你好，世界 한국어", "שלום עולם", "مرحبا بالعالم",
        "\u200fשלום\u200e abc",  # RTL text with direction marks
        "👍🏽 ❤️ 🇩🇪 👩🏽‍💻 👨‍👩‍👧", "🏴󠁧󠁢󠁳󠁣󠁴󠁿 🏴󠁧󠁢󠁷󠁬󠁳󠁿",  # skin tones, ZWJ, flags, subdivision flags
        "e\u0301", "[bold]x[/] [red]y", "∑ → ✓ …",
    ],
)
def test_visible_leaves_ordinary_text_unchanged(text):
    assert visible(text) == text


def test_tag_characters_outside_a_flag_are_shown():
    assert visible("a\U000e0067b") == "a<U+E0067>b"


def test_literal_keeps_markup_as_plain_text():
    t = literal("[bold]x[/]")
    assert isinstance(t, Text)
    assert t.plain == "[bold]x[/]"
    assert t.spans == []
    styled = literal("[red]a[/red]\x1b", "italic")
    assert styled.plain == "[red]a[/red]␛" and str(styled.style) == "italic" and styled.spans == []


def test_shorten():
    assert shorten("short", 10) == "short"
    assert shorten("a longer line", 6) == "a lon…"
    assert shorten("\x1b[31m", 3) == "␛[…"
    assert len(shorten("x" * 50, 10)) == 10
    # a cut at a word keeps most of the room, measured in cells: "東京東京" is eight of thirteen
    assert shorten("東京東京 abcdefghij", 14) == "東京東京…"
    assert shorten("Ann Lee (Acme and partners)", 20) == "Ann Lee (Acme and…"
    # `keep`: never fewer than that many cells, even where the last word starts early
    long_name = "Priya Raman Logistics (Harbourfreightlogistics)"
    assert shorten(long_name, 30) == "Priya Raman Logistics…"
    assert shorten(long_name, 30, keep=25) == "Priya Raman Logistics (Harbou…"


# -- the last partner talk, carried forward --------------------------------------------------


def test_last_partner_talk_is_the_latest_valid_date_across_history():
    history = [
        reflection(on="2026-09-01", last_partner_meeting="2026-08-20"),
        reflection(on="2026-10-01", last_partner_meeting="2026-10-12"),  # typed later than its own date
        reflection(on="2026-11-01", last_partner_meeting="last spring"),  # not a date: ignored
        reflection(on="2026-11-16", last_partner_meeting=""),
    ]
    assert last_partner_talk(history) == date(2026, 10, 12)
    assert last_partner_talk(history, reflection(last_partner_meeting="2026-11-20")) == date(2026, 11, 20)
    assert last_partner_talk(history, reflection(last_partner_meeting="")) == date(2026, 10, 12)
    assert last_partner_talk([]) is None
    assert last_partner_talk([reflection(last_partner_meeting="2026-02-30")]) is None


def test_a_talk_recorded_last_week_is_not_forgotten_this_week():
    """The case in issue 7: the verdict said "No partner conversation on record"
    a week after one was recorded, while the agenda knew its date."""
    last_week = reflection(on="2026-11-16", scores=4, **{**HEALTHY_LENSES, "last_partner_meeting": "2026-11-10"})
    this_week = reflection(on="2026-11-23", scores=4, **{**HEALTHY_LENSES, "last_partner_meeting": ""})
    talk = last_partner_talk([last_week], this_week)
    assert talk == date(2026, 11, 10)

    proposal = propose_verdict(this_week, last_week, TODAY, last_talk=talk)
    assert proposal == Proposal("thriving", (
        "Beliefs average 4.0 of 5.",
        "Objectives agreed and metrics tracked.",
        "The client cares about you too (4 of 5).",
        "You are working with them toward a shared goal.",
    ))
    # the previous reflection alone carries it too, so a caller that passes no last_talk is right
    assert propose_verdict(this_week, last_week, TODAY) == proposal
    # with nothing on record anywhere, it is said
    never = propose_verdict(this_week, None, TODAY)
    assert never.verdict == "steady" and "No partner conversation on record." in never.reasons


def test_a_carried_talk_can_still_be_stale():
    blank = reflection(scores=5, **{**HEALTHY_LENSES, "last_partner_meeting": ""})
    p = propose_verdict(blank, None, TODAY, last_talk=date(2026, 6, 1))
    assert "No partner conversation for 6 months." in p.reasons
    assert "No partner conversation on record." not in p.reasons
    # the reflection's own date wins over history's
    own = reflection(scores=5, **{**HEALTHY_LENSES, "last_partner_meeting": "2026-11-20"})
    assert not any("partner conversation" in r for r in propose_verdict(own, None, TODAY, last_talk=date(2026, 6, 1)).reasons)

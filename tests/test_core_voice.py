"""The client's own voice and the partnership over time, without Textual:
exact figures on a known data set, the check-in text, and the CLI commands
`coach ask` and `coach insights` on real files."""

from __future__ import annotations

import json
import stat
from datetime import date

import pytest

from coach.method import load_method
from coach.models import (
    Answer,
    ClientAnswers,
    ClientSummary,
    Reflection,
    as_written,
    plain,
)
from coach.partnership import one_way, series, trend
from coach.settings import load
from coach.store import Store
from coach.voice import (
    ask_reason,
    check_in_text,
    check_ins_of,
    gaps_of,
    gap_sentence,
    portfolio_gaps,
    signed,
)
from tests.helpers.core_support import commitment, reflection, run_cli

TODAY = date(2026, 11, 23)


def answered(client_id: str, on: str, yours: int, theirs: dict[str, int], asked: str = "") -> Reflection:
    r = reflection(client_id, on, yours, verdict="steady")
    r.client_answers.asked_on = asked or on
    for key, score in theirs.items():
        r.client_answers.beliefs[key] = Answer(score, f"{key} in their words")
    return r


def client_gaps(reflections):
    """The gaps as a summary keeps them: from the stored records."""
    return gaps_of(check_ins_of([r.to_dict() for r in reflections]))


def test_gaps_per_belief_with_mean_latest_and_trend():
    rs = [answered("a", "2026-06-01", 4, {"valued": 2, "known": 4}),
          answered("a", "2026-09-01", 4, {"valued": 3}),
          answered("a", "2026-11-01", 4, {"valued": 4, "known": 2}),
          reflection("a", "2026-11-15", 4)]  # no answers: left out
    gaps = client_gaps(rs)
    assert set(gaps) == {"valued", "known"}
    assert [p.gap for p in gaps["valued"].points] == [2, 1, 0]
    assert gaps["valued"].mean == 1.0 and gaps["valued"].latest == 0 and gaps["valued"].trend == "narrowing"
    assert gaps["known"].mean == 1.0 and gaps["known"].trend == "widening"


def test_a_belief_you_did_not_score_or_they_skipped_has_no_gap():
    r = answered("a", "2026-06-01", 4, {"valued": 2})
    r.beliefs["valued"].score = None
    assert client_gaps([r]) == {}


def test_portfolio_gap_weighs_each_client_once_and_reads_as_a_sentence():
    ana = client_gaps([answered("a", "2026-06-01", 4, {"valued": 2}), answered("a", "2026-07-01", 4, {"valued": 2})])
    bo = client_gaps([answered("b", "2026-06-01", 3, {"valued": 4})])
    cy = client_gaps([answered("c", "2026-06-01", 5, {"valued": 2})])
    (gap,) = portfolio_gaps([("Ana", ana), ("Bo", bo), ("Cy", cy)])
    assert gap.clients == 3 and gap.mean == pytest.approx((2 + -1 + 3) / 3)
    assert gap_sentence(gap, "You value me") == "You overrate “You value me” by +1.3 across 3 clients"
    (close,) = portfolio_gaps([("Bo", bo), ("Ana", client_gaps([answered("a", "2026-06-01", 4, {"valued": 3})]))])
    assert gap_sentence(close, "You value me") == "Your view of “You value me” is close to theirs (0.0) across 2 clients"
    assert signed(-0.04) == "0.0" and signed(-1.25) == "-1.2"


def test_when_to_ask():
    never = ClientSummary(reflection_count=3)
    assert ask_reason(never, TODAY, 90) == "never asked"
    assert ask_reason(ClientSummary(reflection_count=0), TODAY, 90) is None  # nothing to test yet
    assert ask_reason(ClientSummary(reflection_count=3, last_asked_on="2026-08-25"), TODAY, 90) == "last asked 90 days ago"
    assert ask_reason(ClientSummary(reflection_count=3, last_asked_on="2026-08-26"), TODAY, 90) is None


def test_ask_every_days_is_a_setting_with_a_range(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("ask_every_days = 30\n")
    assert load(config, {}).ask_every_days == 30
    config.write_text("ask_every_days = 3\n")
    settings = load(config, {"COACH_ASK_EVERY_DAYS": "45"})
    assert settings.ask_every_days == 45 and "from 7 to 730" in settings.warnings[0]
    assert load(config, {"COACH_ASK_EVERY_DAYS": "true"}).ask_every_days == 90


def test_check_in_text_is_numbered_wrapped_and_names_the_client_on_one_line():
    text = check_in_text("Ana\nLima\x1b", load_method())
    lines = text.splitlines()
    assert lines[0] == "Hello Ana Lima\x1b,"
    assert all(len(line) <= 72 for line in lines)
    numbered = [line for line in lines if line[:2] in {f"{n}." for n in range(1, 10)}]
    assert [line[:2] for line in numbered] == [f"{n}." for n in range(1, 9)]
    assert "Do you feel we care about your business, and you about ours?" in text.replace("\n   ", " ")
    assert text.count("Your answer (1-5):") == 8


def test_one_way_rules():
    def points(*reciprocity):
        return series([reflection("a", f"2026-0{n + 1}-01", 4, reciprocity=r) for n, r in enumerate(reciprocity)])

    assert one_way(points(2, 2, 1)) == "reciprocity 2 or lower in the last 3 reflections"
    assert one_way(points(5, 2, 2)) == "reciprocity fell from 5 to 2"
    assert one_way(points(4, 3, 3)) is None and one_way(points(2, 2)) is None
    assert one_way(points(5, 1, 4, 4, 4)) is None  # the fall is older than the last three
    assert one_way(points(4, 4, 2)) == "reciprocity fell from 4 to 2"
    assert one_way(points(4, None, 2)) == "reciprocity fell from 4 to 2"  # the one before it that was scored
    t = trend(points(3, 4, 2))
    assert t.reciprocity == (3, 4, 2) and t.reciprocity_change == -1


def test_a_reflection_written_before_check_ins_exports_with_empty_answers():
    old = reflection("a", "2026-06-01", 4).to_dict()
    del old["client_answers"]
    assert as_written(Reflection, old) == Reflection.from_dict(old).to_dict()
    assert as_written(Reflection, old)["client_answers"] == plain(ClientAnswers())


def seed(data_dir):
    with Store.open(data_dir) as store:
        ana = store.add_client("Ana Lima", on=date(2026, 1, 1))
        bo = store.add_client("Bo Chen", on=date(2026, 1, 1))
        store.finish_reflection(answered(ana.id, "2026-10-01", 4, {"valued": 2}), commitment())
        store.finish_reflection(answered(ana.id, "2026-11-01", 4, {"valued": 3}), commitment())
        for n, r in enumerate((4, 2, 2)):
            store.finish_reflection(reflection(bo.id, f"2026-0{n + 7}-01", 3, reciprocity=r), commitment())
        return ana, bo


def test_coach_ask_writes_the_check_in_to_a_private_file(tmp_path, capsys, plain_cli):
    seed(tmp_path / "data")
    out = tmp_path / "ana.txt"
    assert run_cli(tmp_path / "data", "ask", "ana", "-o", str(out), today="2026-11-23") == 0
    assert out.read_text().startswith("Hello Ana Lima,")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert run_cli(tmp_path / "data", "ask", "ana", "-o", str(out)) == 1  # never over a file without --force
    assert "already" in capsys.readouterr().err
    assert run_cli(tmp_path / "data", "ask", "Zed") == 1
    assert "No client is called “Zed”" in capsys.readouterr().err


def test_coach_insights_reports_gaps_trends_and_one_way(tmp_path, capsys, plain_cli):
    seed(tmp_path / "data")
    assert run_cli(tmp_path / "data", "insights", today="2026-11-23") == 0
    out = capsys.readouterr().out
    assert "You overrate “You value me” by +1.5 across 1 client; narrowing for 1." in out
    assert "Ana Lima: asked 2 times, last on Sun 1 Nov." in out
    assert "  You value me: mean +1.5 over 2, latest +1.0, narrowing" in out
    assert "Bo Chen: reciprocity 4 2 2, down 2;" in out
    assert "One-way: Bo Chen (reciprocity fell from 4 to 2)." in out
    assert "Time to ask for their own view: Bo Chen (never asked)." in out
    assert run_cli(tmp_path / "data", "insights", "--client", "bo", today="2026-11-23") == 0
    narrowed = capsys.readouterr().out
    assert "Ana Lima" not in narrowed and "No answers from a client are recorded yet" in narrowed


def test_status_suggests_asking(tmp_path, capsys, plain_cli):
    seed(tmp_path / "data")
    assert run_cli(tmp_path / "data", "status", today="2026-11-23") == 0
    assert "Time to ask for their own view: Bo Chen (never asked)." in capsys.readouterr().out
    assert run_cli(tmp_path / "data", "status", today="2027-03-01") == 0
    assert "2 clients; the longest: Bo Chen, never asked" in capsys.readouterr().out


def test_exports_carry_the_answers(tmp_path, capsys, plain_cli):
    seed(tmp_path / "data")
    assert run_cli(tmp_path / "data", "export", "-f", "json", "--client", "ana") == 0
    doc = json.loads(capsys.readouterr().out)
    answers = [r["client_answers"] for r in doc["clients"][0]["reflections"]]
    assert [a["beliefs"]["valued"]["score"] for a in answers] == [2, 3]
    assert run_cli(tmp_path / "data", "export", "-f", "csv") == 0
    csv_text = capsys.readouterr().out
    assert "valued_theirs" in csv_text.splitlines()[0]
    assert run_cli(tmp_path / "data", "export", "-f", "markdown") == 0
    assert "valued in their words" in capsys.readouterr().out

"""The command line, called through main() on real data folders."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
import types
from datetime import date, timedelta
from pathlib import Path

import pytest

from coach import weekly
from coach.cli import main
from coach.method import BELIEF_KEYS
from coach.models import BeliefScore, Commitment, Draft, Reflection
from coach.store import Store

TODAY = "2025-03-12"
MARKUP = "[bold]x[/] and [red]y"


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # no wrapping inside the lines tested
    monkeypatch.delenv("COACH_DATA_DIR", raising=False)


@pytest.fixture
def data(tmp_path) -> Path:
    return tmp_path / "data"


def run(data: Path, *args: str) -> int:
    return main(["--data-dir", str(data), "--today", TODAY, *args])


def fill(data: Path) -> None:
    """Two clients; Ann's text carries markup that must stay literal everywhere."""
    with Store.open(data) as store:
        ann = store.add_client(f"Ann {MARKUP}", "Acme", on=date(2025, 1, 1))
        store.add_client("Bob", on=date(2025, 1, 1))
        r = Reflection(client_id=ann.id, date="2025-03-01", verdict="drifting", verdict_why=MARKUP)
        for key in BELIEF_KEYS:
            r.beliefs[key] = BeliefScore(3, f"{key}: {MARKUP}")
        store.finish_reflection(r, Commitment(action=f"Call {MARKUP}", aim="cared", due="2025-03-08"))


def no_traceback(err: str) -> None:
    assert "Traceback" not in err and "Error:" not in err


# -- basics --------------------------------------------------------------------------


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("coach ")


def test_usage_errors_exit_2(capsys, data):
    assert run(data, "export", "--format", "xml") == 2
    assert main(["--today", "someday", "status"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_options_work_after_the_command_too(capsys, data):
    fill(data)
    assert main(["status", "--data-dir", str(data), "--today", TODAY]) == 0
    assert "overdue 4 days" in capsys.readouterr().out


def test_cli_does_not_load_textual():
    code = "import sys, coach.cli; print(any(m == 'textual' or m.startswith(('textual.', 'coach.ui')) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_no_command_opens_the_app_with_the_store_and_today(monkeypatch, data):
    seen = {}

    def run_app(store, today):
        seen.update(store=store, today=today, writable=not store.read_only)
        return 7

    fake = types.ModuleType("coach.ui.run")
    fake.run_app = run_app
    monkeypatch.setitem(sys.modules, "coach.ui", types.ModuleType("coach.ui"))
    monkeypatch.setitem(sys.modules, "coach.ui.run", fake)
    monkeypatch.setattr("coach.cli._has_terminal", lambda: True)
    assert run(data) == 7
    assert seen["today"] == date(2025, 3, 12) and seen["writable"]
    assert seen["store"].data_dir == data


def test_no_command_without_a_terminal_refuses(capsys, data):
    assert run(data) == 1  # pytest's stdin is not a terminal
    err = capsys.readouterr().err
    assert "needs a terminal" in err and "coach status" in err
    assert not data.exists()


def test_data_dir_from_the_environment(monkeypatch, capsys, data):
    fill(data)
    monkeypatch.setenv("COACH_DATA_DIR", str(data))
    assert main(["--today", TODAY, "status"]) == 0
    assert "overdue 4 days" in capsys.readouterr().out


# -- status ----------------------------------------------------------------------------


def test_status_with_no_data_says_how_to_start(capsys, data):
    assert run(data, "status") == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "No clients yet" in out and "demo" in out
    assert not data.exists()  # status never creates anything


def test_status_lists_due_suggestions_and_rhythm_literally(capsys, data):
    fill(data)
    assert run(data, "status") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Due: 1 commitment (1 overdue)."
    assert out[1] == f"  overdue 4 days  Ann {MARKUP}: Call {MARKUP}"
    assert out[2] == "Worth a reflection:"
    assert f"  Ann {MARKUP}: verdict was drifting; commitment overdue by 4 days." in out
    assert "  Bob: no reflection yet." in out
    assert out[-1] == "Rhythm: no reflection last week or this; the last on Sat 1 Mar (11 days ago). A good week to pick it up again."
    assert run(data, "--today", "2025-03-05", "status") == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Rhythm: 1 week in a row with a reflection; the last on Sat 1 Mar (4 days ago)."
    )


def test_status_mentions_unfinished_reflections(capsys, data):
    fill(data)
    with Store.open(data) as store:
        bob = next(c for c in store.clients() if c.name == "Bob")
        store.save_draft(Draft(client_id=bob.id))
    assert run(data, "status") == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Unfinished: 1 reflection waiting (Bob)."


def test_restore_into_an_empty_folder(capsys, data, tmp_path):
    fill(data)
    target = tmp_path / "b.json"
    assert run(data, "backup", "-o", str(target)) == 0
    fresh = tmp_path / "fresh"
    assert run(fresh, "restore", str(target)) == 0
    out = capsys.readouterr().out
    assert "Restored 2 clients" in out and "previous data" not in out
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700


def test_restore_of_a_hand_edited_file_says_which_texts_held_lone_surrogates(capsys, data, tmp_path):
    fill(data)
    target = tmp_path / "b.json"
    assert run(data, "backup", "-o", str(target)) == 0
    document = json.loads(target.read_text())
    # escapes a JSON reader cannot join: a low surrogate before a high one, and one alone
    # (an escaped high-then-low pair is, in JSON, the character it encodes)
    document["clients"][0]["notes"] = "\udc00\ud800"
    document["clients"][1]["notes"] = "x\udcff"
    target.write_bytes(json.dumps(document).encode())  # ensure_ascii: written as \u escapes
    assert b"\\udc00\\ud800" in target.read_bytes()
    capsys.readouterr()
    assert run(tmp_path / "fresh", "restore", str(target)) == 0
    out = capsys.readouterr().out
    assert "2 text(s) in it held a lone surrogate" in out and "U+FFFD" in out
    with Store.open(tmp_path / "fresh") as store:
        notes = sorted(c.notes for c in store.clients())
    # each lone surrogate is its own U+FFFD
    assert notes == sorted(["\ufffd\ufffd", "x\ufffd"])


def test_status_works_while_another_coach_holds_the_lock(capsys, data):
    fill(data)
    with Store.open(data) as writer:
        assert not writer.read_only
        assert run(data, "status") == 0
    assert "Due:" in capsys.readouterr().out


def test_status_warns_about_loose_permissions(capsys, data):
    fill(data)
    os.chmod(data, 0o755)
    assert run(data, "status") == 0
    err = capsys.readouterr().err
    assert err.startswith("warning: ") and "chmod 700" in err


def test_status_is_quick_on_the_demo(capsys, data):
    assert run(data, "demo") == 0
    start = time.perf_counter()
    assert run(data, "status") == 0
    assert time.perf_counter() - start < 1.0


# -- demo ------------------------------------------------------------------------------------


def test_demo_fills_an_empty_folder_and_says_how_to_start(capsys, data):
    start = time.perf_counter()
    assert run(data, "demo") == 0
    assert time.perf_counter() - start < 2.0
    out = capsys.readouterr().out
    assert "Made a sample portfolio" in out and f"coach --data-dir {data}" in out
    with Store.open(data, read_only=True) as store:
        clients = store.clients()
        assert len(clients) >= 5
        assert all(c.organisation and c.objectives and c.metrics for c in clients)
        verdicts = {r.verdict for c in clients for r in store.reflections(c.id)}
        assert verdicts == {"thriving", "steady", "drifting", "at_risk"}


def test_demo_refuses_a_folder_with_clients(capsys, data):
    fill(data)
    assert run(data, "demo") == 1
    captured = capsys.readouterr()
    assert "already holds clients" in captured.err
    assert captured.err.count("\n") == 1
    no_traceback(captured.err)
    with Store.open(data, read_only=True) as store:
        assert len(store.clients()) == 2


@pytest.mark.parametrize("today", [date(2025, 3, 10), date(2025, 3, 15), date(2025, 3, 16), date(2026, 7, 1)])
def test_demo_has_overdue_and_due_this_week_commitments(tmp_path, today):
    from coach.demo import fill_demo

    with Store.open(tmp_path / "d") as store:
        fill_demo(store, today)
        clients = store.clients()
    assert any(i.overdue_days > 0 for i in weekly.due_commitments(clients, today))
    week_end = today + timedelta(days=6 - today.weekday())
    assert any(today <= date.fromisoformat(c.due) <= week_end for _, c in weekly.open_commitments(clients))
    assert weekly.suggestions(clients, today)
    assert all(d <= today.isoformat() for c in clients for d in c.summary.reflection_dates)


def test_demo_is_the_same_for_the_same_day(tmp_path):
    from coach.demo import fill_demo

    documents = []
    for name in ("one", "two"):
        with Store.open(tmp_path / name) as store:
            fill_demo(store, date(2025, 3, 12))
            doc = store.everything()
        doc.pop("exported_at")
        documents.append(doc)
    assert documents[0] == documents[1]


# -- review ------------------------------------------------------------------------------------


def test_review_list_shows_open_commitments(capsys, data):
    fill(data)
    assert run(data, "review", "--list") == 0
    out = capsys.readouterr().out
    assert "Open commitments" in out
    assert f"Call {MARKUP}" in out and "You care about me" in out
    assert "Sat 1 Mar" in out and "Sat 8 Mar" in out and "overdue 4 days" in out  # the short date format


def test_review_with_nothing_open(capsys, data):
    with Store.open(data) as store:
        store.add_client("Bob")
    assert run(data, "review", "--list") == 0
    assert "No open commitments" in capsys.readouterr().out


# -- export -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "markdown", "csv"])
def test_export_to_stdout_keeps_user_text_literal(capsys, data, fmt):
    fill(data)
    assert run(data, "export", "--format", fmt) == 0
    out = capsys.readouterr().out
    assert f"Call {MARKUP}" in out
    assert f"known: {MARKUP}" in out
    if fmt == "json":
        doc = json.loads(out)
        assert doc["format"] == "coach-export" and len(doc["clients"]) == 2
    elif fmt == "markdown":
        assert out.startswith("# Client relationships\n") and f"## Ann {MARKUP} — Acme" in out
    else:
        assert out.splitlines()[0].startswith("client,organisation,date,proposed_verdict,known,")
        assert len(out.splitlines()) == 2


@pytest.mark.parametrize("fmt", ["json", "markdown", "csv"])
def test_export_to_a_private_file(capsys, data, tmp_path, fmt):
    fill(data)
    target = tmp_path / f"out.{fmt}"
    assert run(data, "export", "-f", fmt, "--output", str(target)) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "Wrote 2 clients and 1 reflection" in capsys.readouterr().out
    if fmt != "json":  # JSON carries the moment of export
        assert run(data, "export", "-f", fmt) == 0
        assert target.read_bytes().decode("utf-8") == capsys.readouterr().out


def test_export_filters_by_client_and_since(capsys, data):
    fill(data)
    assert run(data, "export", "-f", "csv", "--client", "ann") == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert run(data, "export", "-f", "csv", "--since", "yesterday") == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    assert run(data, "export", "--client", "b") == 0
    assert [c["name"] for c in json.loads(capsys.readouterr().out)["clients"]] == ["Bob"]


def test_export_bad_input_is_one_sentence(capsys, data):
    fill(data)
    assert run(data, "export", "--since", "whenever") == 1
    err = capsys.readouterr().err
    assert err.startswith("coach: --since:") and err.count("\n") == 1
    assert run(data, "export", "--client", "zed") == 1
    err = capsys.readouterr().err
    assert "No client is called" in err
    no_traceback(err)


def test_export_while_another_coach_is_open(capsys, data):
    fill(data)
    with Store.open(data):
        assert run(data, "export", "-f", "csv") == 0
    assert "Call" in capsys.readouterr().out


def test_export_with_no_data(capsys, data):
    assert run(data, "export") == 1
    assert "nothing to export" in capsys.readouterr().err


# -- backup and restore ---------------------------------------------------------------------------------


def test_backup_then_restore_round_trip(capsys, data, tmp_path):
    fill(data)
    with Store.open(data, read_only=True) as store:
        before = store.everything()
    target = tmp_path / "keep.json"
    assert run(data, "backup", "--output", str(target)) == 0
    out = capsys.readouterr().out
    assert str(target) in out and "restore" in out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    with Store.open(data) as store:  # change things after the backup
        store.add_client("Carol")
        store.delete_client(next(c.id for c in store.clients() if c.name == "Bob"))

    assert run(data, "restore", str(target)) == 0
    out = capsys.readouterr().out
    assert "Restored 2 clients and 1 reflection" in out
    kept = Path(out.split("Your previous data is kept in ")[1].split("\n")[0].rstrip("."))
    assert (kept / "coach.json").is_file()

    with Store.open(data, read_only=True) as store:
        after = store.everything()
        assert [c.name for c in store.clients()] == [f"Ann {MARKUP}", "Bob"]
        assert store.clients()[0].summary.open_commitments  # summaries rebuilt
    for doc in (before, after):
        doc.pop("exported_at")
    assert after == before


def test_backup_default_name_in_the_current_folder(capsys, data, tmp_path, monkeypatch):
    fill(data)
    monkeypatch.chdir(tmp_path)
    assert run(data, "backup") == 0
    (made,) = tmp_path.glob("coach-backup-*.json")
    assert made.name[len("coach-backup-"):-len(".json")].replace("-", "").isdigit()
    assert str(made) in capsys.readouterr().out
    assert json.loads(made.read_text())["format"] == "coach-export"


def test_restore_refuses_what_is_not_a_coach_backup(capsys, data, tmp_path):
    fill(data)
    cases = {
        "other.json": json.dumps({"hello": "world"}),
        "notes.txt": "just some notes",
        "newer.json": json.dumps({"format": "coach-export", "schema": 99, "clients": []}),
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_text(content)
        assert run(data, "restore", str(path)) == 1, name
        err = capsys.readouterr().err
        assert err.startswith("coach: ") and err.count("\n") == 1, err
        no_traceback(err)
    assert run(data, "restore", str(tmp_path / "missing.json")) == 1
    assert "There is no file" in capsys.readouterr().err
    assert run(data, "restore", str(tmp_path)) == 1  # a folder without coach.json
    assert "not a coach backup folder" in capsys.readouterr().err
    with Store.open(data, read_only=True) as store:
        assert len(store.clients()) == 2


def test_restore_refuses_a_filtered_export(capsys, data, tmp_path):
    fill(data)
    part = tmp_path / "part.json"
    assert run(data, "export", "--client", "bob", "-o", str(part)) == 0
    assert run(data, "restore", str(part)) == 1
    assert "only part of the data" in capsys.readouterr().err


def test_restore_refuses_while_another_coach_is_open(capsys, data, tmp_path):
    fill(data)
    target = tmp_path / "b.json"
    assert run(data, "backup", "-o", str(target)) == 0
    with Store.open(data):
        assert run(data, "restore", str(target)) == 1
    err = capsys.readouterr().err
    assert "is open on this data" in err and "Nothing was restored" in err


def test_restore_from_an_automatic_backup_folder(capsys, data):
    fill(data)
    with Store.open(data) as store:
        store.add_client("Carol")  # the first write of this run snapshots Ann and Bob
        (folder,) = store.backups()[:1]
    assert run(data, "restore", str(folder)) == 0
    assert "Restored 2 clients" in capsys.readouterr().out
    with Store.open(data, read_only=True) as store:
        assert [c.name for c in store.clients()] == [f"Ann {MARKUP}", "Bob"]


def test_damaged_data_points_to_a_backup_and_restore_mends_it(capsys, data, tmp_path):
    fill(data)
    target = tmp_path / "b.json"
    assert run(data, "backup", "-o", str(target)) == 0
    with Store.open(data) as store:
        store.add_client("Carol")  # makes an automatic backup folder
        (newest,) = store.backups()[:1]
    (data / "coach.json").write_text('{"clients": {"1": {"name": "Ann"')  # cut off mid-write
    capsys.readouterr()

    assert run(data, "status") == 1
    err = capsys.readouterr().err
    assert "coach.json" in err and "not valid JSON" in err
    # the mend offered is that one file, from a backup whose copy of it reads
    assert f"restore {newest} --only coach.json" in err
    assert err.count("\n") == 1
    no_traceback(err)

    # a whole restore works over damaged files, and keeps them as they were
    assert run(data, "restore", str(target)) == 0
    out = capsys.readouterr().out
    assert "kept as they were in" in out
    (aside,) = (data / "backups").glob("damaged-*")
    assert (aside / "coach.json").read_text().startswith('{"clients"')
    assert run(data, "status") == 0


@pytest.mark.parametrize(
    "args",
    [["demo"], ["status"], ["review", "--list"], ["export", "-f", "markdown"], ["export", "-f", "csv"], ["backup", "-o", "{tmp}/b.json"]],
)
def test_running_a_subcommand_never_loads_textual(tmp_path, args):
    """Not only importing: running each command for the shell stays clear of the TUI."""
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if args[0] != "demo":
        assert main(["--data-dir", str(tmp_path / "d"), "--today", TODAY, "demo"]) == 0
    code = (
        "import sys; from coach.cli import main; "
        f"rc = main({['--data-dir', str(tmp_path / 'd'), '--today', TODAY, *args]!r}); "
        "print(rc, any(m == 'textual' or m.startswith(('textual.', 'coach.ui')) for m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stderr.strip().splitlines()[-1] == "0 False", done.stderr

"""Notes between sessions, without the app: the store, the inbox, `coach note`."""

from __future__ import annotations

import json
import os
import stat
from datetime import date
from pathlib import Path

import pytest

from coach.cli import main
from coach.models import Note
from coach.store import INBOX_DIR, Store, post_note

TODAY = "2026-11-23"


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("COACH_DATA_DIR", raising=False)


def run(data: Path, *args: str) -> int:
    return main(["--data-dir", str(data), "--today", TODAY, *args])


def fill(data: Path) -> dict[str, str]:
    with Store.open(data) as store:
        ids = {name: store.add_client(name, org, on=date(2026, 10, 1)).id
               for name, org in (("Dev Patel", "Lumen"), ("Dana Cole", ""), ("Tom Okafor", ""))}
    return ids


def moments(data: Path, client_id: str) -> list[dict]:
    path = data / "clients" / f"{client_id}.json"
    if not path.exists():
        return []  # a client's file is made at its first record
    return list(json.loads((data / "clients" / f"{client_id}.json").read_text()).get("moments", {}).values())


def test_a_note_is_kept_in_the_clients_file_and_read_back_oldest_first(tmp_path):
    data = tmp_path / "d"
    ids = fill(data)
    with Store.open(data) as store:
        store.add_note(ids["Dev Patel"], "Asked how we price retainers", kind="interest", on=date(2026, 11, 20))
        store.add_note(ids["Dev Patel"], "Sent a referral: Mira at Northwind", kind="referral", on=date(2026, 11, 2))
        got = [(n.on, n.kind, n.text) for n in store.notes(ids["Dev Patel"])]
    assert got == [("2026-11-02", "referral", "Sent a referral: Mira at Northwind"),
                   ("2026-11-20", "interest", "Asked how we price retainers")]
    assert sorted(m["text"] for m in moments(data, ids["Dev Patel"])) == [
        "Asked how we price retainers", "Sent a referral: Mira at Northwind"]
    assert moments(data, ids["Tom Okafor"]) == []


def test_deleting_a_note_removes_only_it_and_says_when_there_was_none(tmp_path):
    data = tmp_path / "d"
    ids = fill(data)
    with Store.open(data) as store:
        keep = store.add_note(ids["Dana Cole"], "Keep me", on=date(2026, 11, 1))
        gone = store.add_note(ids["Dana Cole"], "Delete me", on=date(2026, 11, 2))
        assert store.delete_note(ids["Dana Cole"], gone.id) is True
        assert store.delete_note(ids["Dana Cole"], gone.id) is False
    assert [m["id"] for m in moments(data, ids["Dana Cole"])] == [keep.id]


def test_notes_go_into_the_export_and_come_back_from_a_restore(tmp_path):
    data = tmp_path / "d"
    ids = fill(data)
    with Store.open(data) as store:
        store.add_note(ids["Tom Okafor"], "Ignored the advice on the pilot", kind="ignored", on=date(2026, 11, 3))
    out = tmp_path / "e.json"
    assert run(data, "export", "--output", str(out)) == 0
    doc = json.loads(out.read_text())
    tom = next(c for c in doc["clients"] if c["name"] == "Tom Okafor")
    assert [(m["kind"], m["text"]) for m in tom["moments"]] == [("ignored", "Ignored the advice on the pilot")]
    assert run(tmp_path / "fresh", "restore", str(out)) == 0
    with Store.open(tmp_path / "fresh") as store:
        assert [n.text for n in store.notes(ids["Tom Okafor"])] == ["Ignored the advice on the pilot"]


def test_coach_note_saves_a_dated_moment(tmp_path, capsys):
    data = tmp_path / "d"
    ids = fill(data)
    assert run(data, "note", "dev", "asked", "about", "retainers", "--kind", "interest", "--on", "2026-11-21") == 0
    out = capsys.readouterr().out
    assert "Noted for Dev Patel" in out
    [m] = moments(data, ids["Dev Patel"])
    assert (m["on"], m["kind"], m["text"]) == ("2026-11-21", "interest", "asked about retainers")


def test_coach_note_refuses_a_name_that_matches_no_client_or_several_with_the_candidates(tmp_path, capsys):
    data = tmp_path / "d"
    ids = fill(data)
    assert run(data, "note", "zed", "hello") != 0
    err = capsys.readouterr().err
    assert "zed" in err and "Traceback" not in err
    assert run(data, "note", "d", "hello") != 0  # Dev and Dana both start with d
    err = capsys.readouterr().err
    assert "Dev Patel" in err and "Dana Cole" in err
    assert all(moments(data, i) == [] for i in ids.values())


@pytest.mark.parametrize("args, words", [
    (("dev",), "required: TEXT"),
    (("dev", "   "), "Give the note"),
    (("dev", "x", "--on", "2026-12-24"), "has not come yet"),
    (("dev", "x", "--on", "someday"), "--on"),
    (("dev", "x", "--kind", "gossip"), "invalid choice"),
])
def test_coach_note_refuses_what_it_cannot_keep(tmp_path, capsys, args, words):
    data = tmp_path / "d"
    ids = fill(data)
    try:
        code = run(data, "note", *args)
    except SystemExit as exc:  # argparse's own refusals
        code = exc.code
    assert code != 0
    assert words in capsys.readouterr().err
    assert moments(data, ids["Dev Patel"]) == []


def test_coach_note_while_the_app_is_open_waits_in_the_inbox_and_joins_when_taken(tmp_path, capsys):
    data = tmp_path / "d"
    ids = fill(data)
    with Store.open(data) as open_app:  # holds the lock, as a running coach does
        assert run(data, "note", "tom", "said the pilot saved them a week") == 0
        assert "coach is open elsewhere" in capsys.readouterr().out
        [waiting] = list((data / INBOX_DIR).glob("*.json"))
        assert stat.S_IMODE(waiting.stat().st_mode) == 0o600
        assert open_app.take_inbox() == 1
        assert [n.text for n in open_app.notes(ids["Tom Okafor"])] == ["said the pilot saved them a week"]
    assert list((data / INBOX_DIR).glob("*.json")) == []


def test_a_note_brought_in_twice_is_kept_once(tmp_path):
    """A crash between writing it into the history and removing the inbox file
    brings it in again at the next open: matched by id, so not doubled."""
    data = tmp_path / "d"
    ids = fill(data)
    note = Note(client_id=ids["Dev Patel"], on="2026-11-20", kind="said", text="Once", created_at="2026-11-20T10:00:00")
    with Store.open(data) as store:
        post_note(data, note)
        assert store.take_inbox() == 1
        post_note(data, note)
        assert store.take_inbox() == 1
        assert [n.text for n in store.notes(ids["Dev Patel"])] == ["Once"]


def test_the_inbox_leaves_what_is_not_a_note_and_says_so(tmp_path):
    data = tmp_path / "d"
    ids = fill(data)
    inbox = data / INBOX_DIR
    inbox.mkdir(mode=0o700)
    (inbox / "junk.json").write_text('{"format": "something else"}')
    (inbox / "broken.json").write_text("{not json")
    gone = Note(client_id="00000000-0000-4000-8000-00000000dead", on="2026-11-20", kind="said", text="x",
                created_at="2026-11-20T10:00:00")
    (inbox / "gone.json").write_text(json.dumps({"format": "coach-note", "note": gone.to_dict()}))
    with Store.open(data) as store:
        store.warnings.clear()
        assert store.take_inbox() == 0
        said = " ".join(store.warnings)
    assert "junk.json" in said and "broken.json" in said and "no longer kept" in said
    assert sorted(p.name for p in inbox.iterdir()) == ["broken.json", "gone.json", "junk.json"]
    assert all(moments(data, i) == [] for i in ids.values())


def test_an_inbox_planted_as_a_link_is_not_followed(tmp_path):
    data = tmp_path / "d"
    fill(data)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, data / INBOX_DIR)
    with Store.open(data) as store:
        store.warnings.clear()
        assert store.take_inbox() == 0
        assert store.warnings
    with pytest.raises(Exception):
        post_note(data, Note(client_id="x", on="2026-11-20", kind="said", text="x"))
    assert list(elsewhere.iterdir()) == []


def test_csv_puts_each_note_on_the_reflection_it_was_noted_for_and_the_rest_on_a_row_of_their_own(tmp_path):
    """A note goes with the first reflection after its day (the one the app
    offers it in); notes after the last reflection get a row with no date."""
    import csv
    import io

    from coach.export import to_csv, to_markdown
    from coach.method import load_method
    from tests.helpers.core_support import reflection

    data = tmp_path / "d"
    ids = fill(data)
    with Store.open(data) as store:
        dev = ids["Dev Patel"]
        store.finish_reflection(reflection(dev, "2026-11-02", 3), None)
        store.finish_reflection(reflection(dev, "2026-11-16", 3), None)
        store.add_note(dev, "Before the first", kind="said", on=date(2026, 11, 1))
        store.add_note(dev, "Same day as the first", kind="did", on=date(2026, 11, 2))
        store.add_note(dev, "Between, with a / slash", kind="referral", on=date(2026, 11, 10))
        store.add_note(dev, "After the last", kind="interest", on=date(2026, 11, 20))
        doc = {"clients": [c for c in store.everything()["clients"] if c["id"] == dev]}
    rows = list(csv.DictReader(io.StringIO(to_csv(doc))))
    assert [(r["date"], r["notes"]) for r in rows] == [
        ("2026-11-02", "2026-11-01 they said: Before the first"),
        ("2026-11-16", "2026-11-02 they did: Same day as the first\n2026-11-10 referral: Between, with a / slash"),
        ("", "2026-11-20 interest: After the last"),
    ]
    assert rows[2]["client"] == "Dev Patel" and rows[2]["known"] == ""
    md = to_markdown(doc, load_method())
    assert ("**Notes between sessions**, newest first\n\n- 2026-11-20 interest: After the last\n"
            "- 2026-11-10 referral: Between, with a / slash\n") in md

"""Failures found by the second hostile pass over issue 8 (a stranger with two
other users on this machine, a copy of the tree), each reproduced here first."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from coach.models import Draft
from coach.store import Store
from coach.safety import is_private_subdir
from coach.unsaved import fallback_folders, suggested_path
from helpers.core_support import commitment, one_sentence, reflection, run_cli

pytestmark = pytest.mark.usefixtures("plain_cli")
run = run_cli


@pytest.fixture
def data(tmp_path) -> Path:
    d = tmp_path / "data"
    with Store.open(d) as s:
        for name in ("Ana", "Ben", "Cy"):
            c = s.add_client(name)
            s.finish_reflection(reflection(c.id, on="2026-11-16"), commitment())
    return d


def snapshot(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in d.rglob("*.json") if "backups" not in p.parts}


def test_a_record_id_that_is_a_digit_but_not_ascii_is_a_damaged_file(data, capsys):
    """"²".isdigit() is True but int("²") fails: every command stopped with
    'invalid literal for int()' and no file named."""
    path = next((data / "clients").iterdir())
    doc = json.loads(path.read_text())
    doc["reflections"]["\u00b2"] = doc["reflections"].pop("1")
    path.write_text(json.dumps(doc))
    assert run(data, "status") == 0  # the others are still shown; this client is damaged
    err = capsys.readouterr().err
    assert "invalid literal" not in err
    with Store.open(data, read_only=True) as s:
        [damaged] = s.damaged_clients()
        assert "malformed record" in damaged.problem
    drafts = data / "drafts.json"
    drafts.write_text(json.dumps({"drafts": {"①": Draft(client_id="x").to_dict()}}))
    assert run(data, "status") == 0  # damaged drafts are set aside, never a stop
    assert "invalid literal" not in capsys.readouterr().err


def test_bringing_back_an_older_coach_json_keeps_the_clients_added_since(data, capsys):
    """The automatic backup's coach.json predates the clients; restoring it alone
    left every client file belonging to nobody, and the app said 'No clients yet'."""
    with Store.open(data) as s:
        ids = sorted(c.id for c in s.clients())
        oldest = min(s.backups())  # taken before the first client was added
    (data / "coach.json").write_text("{ damaged")
    assert run(data, "restore", str(oldest), "--only", "coach.json") == 0
    err = capsys.readouterr().err
    assert "3 clients" in err and "Recovered client" in err
    with Store.open(data) as s:
        clients = s.clients()
        assert sorted(c.id for c in clients) == ids
        assert all(c.name.startswith("Recovered client") for c in clients)
        assert all(c.summary.reflection_count == 1 for c in clients)  # rebuilt from their files
        assert all(len(s.reflections(c.id)) == 1 for c in clients)


@pytest.mark.parametrize("target", ["coach.json", "drafts.json", "clients/x.json", "backups/x.json", "./sub/../coach.json"])
def test_export_and_backup_never_write_into_the_data_folder(data, capsys, target):
    before = snapshot(data)
    for args in (["export", "-f", "csv"], ["backup"]):
        assert run(data, *args, "-o", str(data / target), "--force") == 1
        err = capsys.readouterr().err
        one_sentence(err)
        assert "inside coach's data folder" in err
    assert snapshot(data) == before


def test_the_default_backup_name_is_not_made_inside_the_data_folder(data, capsys, monkeypatch):
    monkeypatch.chdir(data)
    assert run(data, "backup") == 1
    assert "inside coach's data folder" in capsys.readouterr().err
    assert not list(data.glob("coach-backup-*"))


def test_an_empty_or_folder_output_name_is_refused(data, tmp_path, capsys):
    for typed in ("", "  ", str(tmp_path / "newdir") + "/"):
        for args in (["export"], ["backup"]):
            assert run(data, *args, "-o", typed) == 1
            one_sentence(capsys.readouterr().err)
    assert not (tmp_path / "newdir").exists()


def test_a_closed_standard_output_is_one_sentence(data, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdout", None)
    assert run(data, "export", "-o", "-") == 1
    assert "Standard output is closed" in capsys.readouterr().err


@pytest.mark.parametrize("mode", [0o666, 0o620, 0o602])
def test_data_files_others_can_change_are_refused_with_one_chmod_for_all(data, capsys, mode):
    """Files 0666 in a 0755 folder were used as they were, after a warning about reading."""
    client_file = next((data / "clients").iterdir())
    os.chmod(data / "coach.json", mode)
    os.chmod(client_file, mode)
    assert run(data, "status") == 1
    err = capsys.readouterr().err
    one_sentence(err)
    assert "changed by other users" in err
    fix = err.split("run: ", 1)[1].strip()
    assert fix == f"chmod 600 {data / 'clients'}/*.json {data / 'coach.json'}"
    os.system(fix)  # the fix given is the fix
    assert run(data, "status") == 0


def test_the_read_warning_fix_covers_every_loose_file(data):
    os.chmod(data / "coach.json", 0o644)
    os.chmod(next((data / "clients").iterdir()), 0o644)
    with Store.open(data, read_only=True) as s:
        [warning] = [w for w in s.warnings if "read by other users" in w]
    assert warning.endswith(f"chmod 600 {data / 'clients'}/*.json {data / 'coach.json'}")


@pytest.mark.parametrize("schema", [0, -5])
def test_a_backup_with_a_schema_below_one_is_refused(data, tmp_path, capsys, schema):
    backup = tmp_path / "b.json"
    assert run(data, "backup", "-o", str(backup)) == 0
    doc = json.loads(backup.read_text())
    doc["schema"] = schema
    backup.write_text(json.dumps(doc))
    before = snapshot(data)
    capsys.readouterr()
    assert run(data, "restore", str(backup)) == 1
    assert "schema" in capsys.readouterr().err
    assert snapshot(data) == before


def test_a_draft_whose_reflection_belongs_to_another_client_is_refused(data, tmp_path, capsys):
    backup = tmp_path / "b.json"
    with Store.open(data) as s:
        ana, ben = s.clients()[:2]
        draft = Draft(client_id=ana.id)
        draft.reflection.client_id = ben.id
        s.save_draft(Draft(client_id=ana.id))
    assert run(data, "backup", "-o", str(backup)) == 0
    doc = json.loads(backup.read_text())
    doc["drafts"] = [draft.to_dict()]
    backup.write_text(json.dumps(doc))
    capsys.readouterr()
    assert run(data, "restore", str(backup)) == 1
    assert "belongs to" in capsys.readouterr().err


def test_a_file_left_after_a_hangup_has_an_unguessable_name_without_the_client(tmp_path):
    names = {suggested_path(tmp_path).name for _ in range(20)}
    assert len(names) == 20  # a planted link cannot wait at the next name
    assert all(n.startswith("coach-unsaved-") and n.endswith(".json") for n in names)
    assert not any("Ana" in n for n in names)


def test_no_unsaved_reflection_goes_to_a_folder_others_can_write_in(tmp_path, monkeypatch):
    """With the home folder unwritable the draft went to /tmp, under a
    predictable name another user could plant a link at."""
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    assert not is_private_subdir(shared) and is_private_subdir(private) and not is_private_subdir(tmp_path / "missing")
    monkeypatch.setattr(Path, "home", staticmethod(lambda: shared))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(private))
    assert fallback_folders(shared / "data") == [private]
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    assert fallback_folders(shared / "data") == []

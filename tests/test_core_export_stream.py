"""Exports and backups written a client at a time: the same file as one dump,
nothing left behind when a client's file turns out damaged half-way, and a
version of a client file that coach checked is not checked again."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from coach import export, schema
from coach.models import BeliefScore, Commitment, Reflection
from coach.method import BELIEF_KEYS
from coach.store import DamagedHistoryError, Store
from tests.helpers.core_support import run_cli as run

@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("COACH_DATA_DIR", raising=False)


def fill(data: Path, clients: int = 4) -> list[str]:
    ids = []
    with Store.open(data) as store:
        for n in range(clients):
            client = store.add_client(f"Client {n}", f"Org {n}", on=date(2025, 1, 1))
            ids.append(client.id)
            for month in (3, 4):
                r = Reflection(client_id=client.id, date=f"2025-0{month}-0{n % 9 + 1}", verdict="steady")
                for key in BELIEF_KEYS:
                    r.beliefs[key] = BeliefScore(3 if n == 1 else n % 5 + 1, f"{key} seen ✓")
                store.finish_reflection(r, Commitment(action=f"Call {n}", aim="cared", due=f"2025-0{month}-2{n % 9}"))
    return ids


def test_streamed_backup_is_the_document_store_everything_makes(data_dir: Path, tmp_path: Path, capsys) -> None:
    fill(data_dir)
    target = tmp_path / "b.json"
    assert run(data_dir, "backup", "-o", str(target)) == 0
    assert "Saved 4 clients and 8 reflections" in capsys.readouterr().out
    with Store.open(data_dir, read_only=True) as store:
        whole = store.everything()
    written = json.loads(target.read_bytes())
    written.pop("exported_at"), whole.pop("exported_at")
    assert written == whole
    assert oct(target.stat().st_mode & 0o777) == "0o600"


def test_streamed_export_narrowed_like_filter_document(data_dir: Path, tmp_path: Path, capsys) -> None:
    fill(data_dir)
    target = tmp_path / "e.json"
    assert run(data_dir, "export", "-f", "json", "--client", "client 2", "--since", "2025-04-01", "-o", str(target)) == 0
    assert "Wrote 1 client and 1 reflection" in capsys.readouterr().out
    with Store.open(data_dir, read_only=True) as store:
        expected = export.filter_document(store.everything(), "client 2", "2025-04-01")
    written = json.loads(target.read_bytes())
    written.pop("exported_at"), expected.pop("exported_at")
    assert written == expected
    assert [r["date"] for r in written["clients"][0]["reflections"]] == ["2025-04-03"]
    assert written["filtered"] == {"client": "Client 2", "since": "2025-04-01"}


def test_one_dump_and_the_pieces_are_the_same_text() -> None:
    document = {"format": "coach-export", "schema": 3, "exported_at": "x",
                "clients": [{"id": "a", "reflections": [{"n": "é\n"}], "commitments": []}, {"id": "b"}],
                "drafts": [], "filtered": {"client": "A"}}
    assert export.to_json(document) == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    empty = {"format": "coach-export", "schema": 3, "exported_at": "x", "clients": [], "drafts": []}
    assert export.to_json(empty) == json.dumps(empty, indent=2) + "\n"


def test_a_client_damaged_half_way_leaves_no_file_and_names_the_mend(data_dir: Path, tmp_path: Path, capsys) -> None:
    ids = fill(data_dir)
    with Store.open(data_dir, read_only=True) as store:
        order = [c.id for c in store.clients(include_archived=True)]
    last = data_dir / "clients" / f"{order[-1]}.json"  # written after three clients have gone out
    last.write_text(last.read_text().replace('"verdict":"steady"', '"verdict":"splendid"', 1))
    assert "splendid" in last.read_text()
    assert set(ids) == set(order)
    capsys.readouterr()
    for args in (("backup", "-o", str(tmp_path / "b.json")), ("export", "-f", "json", "-o", str(tmp_path / "b.json"))):
        assert run(data_dir, *args) == 1
        err = capsys.readouterr().err
        assert "Client 3" in err or last.name in err, err
        assert "Traceback" not in err
        assert os.listdir(tmp_path) == [data_dir.name]  # no backup, no temporary file beside it


def test_a_backup_without_hard_links_is_whole(data_dir: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    # some filesystems refuse os.link: the file is then made from the temporary
    # copy, because the pieces of a streamed backup can be read only once
    fill(data_dir)

    def no_links(*_a, **_k):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "b.json"
    assert run(data_dir, "backup", "-o", str(target)) == 0
    assert len(json.loads(target.read_bytes())["clients"]) == 4
    assert sorted(os.listdir(tmp_path)) == sorted(["b.json", data_dir.name])


def test_a_client_file_coach_checked_is_not_checked_again_until_it_changes(data_dir: Path, monkeypatch) -> None:
    (client_id,) = fill(data_dir, clients=1)
    checked = []
    real = schema.check_history_records
    monkeypatch.setattr("coach.store.check_history_records", lambda data, cid: (checked.append(cid), real(data, cid)))
    with Store.open(data_dir, read_only=True) as store:
        assert len(list(store.export_clients())) == 1
    assert checked == []  # the version its summary was made from: coach wrote it, checked
    path = data_dir / "clients" / f"{client_id}.json"
    path.write_text(path.read_text().replace('"verdict":"steady"', '"verdict":"drifting"'))  # changed behind coach
    with Store.open(data_dir, read_only=True) as store:
        assert len(list(store.export_clients())) == 1
    assert checked  # a new version: checked in full


def edit_in_place(path: Path, old: bytes, new: bytes) -> None:
    """Change bytes inside the file itself, then put its mtime back: the same
    inode, size and mtime, as a bad sector or `touch -r` after an edit leaves it."""
    assert len(old) == len(new)
    before = path.stat()
    raw = path.read_bytes()
    at = raw.index(old)
    with open(path, "r+b") as f:
        f.seek(at)
        f.write(new)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)


@pytest.mark.parametrize("old, new", [(b'"score":3', b'"score":9'), (b'"verdict":"steady"', b'"verdict":"sturdy"')])
def test_an_edit_that_keeps_the_files_stamp_is_still_refused(data_dir: Path, tmp_path: Path, capsys, old, new) -> None:
    # a hostile pass found that trusting the stamp let such an edit into a backup
    # that restore then refused; what is trusted is the checked bytes themselves
    fill(data_dir, clients=3)
    with Store.open(data_dir, read_only=True) as store:
        victim = store.clients(include_archived=True)[1]
    edit_in_place(data_dir / "clients" / f"{victim.id}.json", old, new)
    capsys.readouterr()
    assert run(data_dir, "backup", "-o", str(tmp_path / "b.json")) == 1
    err = capsys.readouterr().err
    assert victim.name in err or victim.id in err, err
    assert os.listdir(tmp_path) == [data_dir.name]
    with Store.open(data_dir, read_only=True) as store:  # the app reading that history is refused too
        with pytest.raises(DamagedHistoryError):
            store.reflections(victim.id)


def test_standard_output_that_fills_up_is_an_error_not_a_short_backup(data_dir: Path) -> None:
    # a full disk took part of `coach backup -o - > file` and exit status said all was well
    import subprocess
    import sys

    fill(data_dir)
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "coach", "--data-dir", str(data_dir), "backup", "-o", "-"],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert done.returncode == 1
    assert "standard output" in done.stderr and "the disk is full" in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_a_name_taken_while_a_backup_is_written_passes_to_the_next(tmp_path: Path, monkeypatch) -> None:
    # three `coach backup` in the same second: each gets its own name, from one write
    from coach import storage

    first, second = tmp_path / "b.json", tmp_path / "b-2.json"
    real_link = os.link

    def racing_link(src, dst):
        if Path(dst) == first and not first.exists():
            first.write_text("another backup")  # appears between the check and the link
        return real_link(src, dst)

    monkeypatch.setattr(os, "link", racing_link)
    written = storage.write_private_file(first, iter([b"{", b"}"]), other_names=[second])
    assert written == second and second.read_bytes() == b"{}" and first.read_text() == "another backup"
    assert sorted(os.listdir(tmp_path)) == ["b-2.json", "b.json"]


def test_a_hang_up_while_exporting_leaves_no_copy_of_the_notes(data_dir: Path, tmp_path: Path) -> None:
    # a dropped SSH link sends SIGHUP: the temporary file, a whole copy, must go
    import signal

    from coach import cli, storage

    before = signal.getsignal(signal.SIGHUP)

    def pieces():
        yield b"{"
        os.kill(os.getpid(), signal.SIGHUP)
        yield b"}"

    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(KeyboardInterrupt), cli._hang_up_as_ctrl_c():
        storage.write_private_file(out / "e.json", pieces())
    assert os.listdir(out) == []
    assert signal.getsignal(signal.SIGHUP) is before  # put back once the command is over


def test_a_hang_up_during_a_real_backup_leaves_nothing_behind(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    data = tmp_path / "data"
    fill(data, clients=40)
    out = tmp_path / "out"
    out.mkdir()
    # the export is slowed at its first client so the signal comes mid-way
    slow = ("import time, coach.store as s; real = s.Store.export_clients\n"
            "def slow(self, ids=None):\n    for c in real(self, ids):\n        time.sleep(0.05); yield c\n"
            "s.Store.export_clients = slow\nimport sys; from coach.cli import main; sys.exit(main())")
    proc = subprocess.Popen([sys.executable, "-c", slow, "--data-dir", str(data), "backup", "-o", str(out / "b.json")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not os.listdir(out) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert os.listdir(out), "the backup never started writing"
    proc.send_signal(signal.SIGHUP)
    proc.send_signal(signal.SIGTERM)  # a second one, as a dying SSH session sends
    assert proc.wait(timeout=20) == 130
    assert os.listdir(out) == []


def test_one_client_exports_in_every_format_while_another_clients_file_is_damaged(data_dir: Path, tmp_path: Path,
                                                                                  capsys) -> None:
    fill(data_dir, clients=2)
    with Store.open(data_dir, read_only=True) as store:
        ok, broken = store.clients(include_archived=True)
    (data_dir / "clients" / f"{broken.id}.json").write_text('{"reflections": {"1": ')
    for fmt in ("json", "csv", "markdown"):
        target = tmp_path / f"one.{fmt}"
        assert run(data_dir, "export", "-f", fmt, "--client", ok.name, "-o", str(target)) == 0, capsys.readouterr().err
        assert ok.name in target.read_text()
    capsys.readouterr()
    assert run(data_dir, "export", "-f", "csv", "-o", str(tmp_path / "all.csv")) == 1  # the whole still refuses
    assert broken.name in capsys.readouterr().err


def test_an_automatic_backup_leaves_out_a_file_edited_in_place(data_dir: Path) -> None:
    # the stamp alone let an edit that kept inode, size and mtime into every new
    # backup, while pruning removed the good copies (hostile pass 2)
    fill(data_dir, clients=2)
    with Store.open(data_dir, read_only=True) as store:
        victim = store.clients(include_archived=True)[1]
    rel = f"clients/{victim.id}.json"
    edit_in_place(data_dir / rel, b'"score":3', b'"score":9')
    with Store.open(data_dir) as store:
        store.add_client("Zed")  # the first change of a run takes a backup
        (newest,) = store.backups()[:1]
    assert not (newest / rel).exists()  # left out, not copied
    assert (newest / "coach.json").exists()


def test_a_second_hang_up_does_not_cut_the_cleanup_short() -> None:
    # the first signal starts the cleanup; one more must not interrupt it
    import signal

    from coach import cli

    with pytest.raises(KeyboardInterrupt), cli._hang_up_as_ctrl_c():
        try:
            os.kill(os.getpid(), signal.SIGHUP)
        finally:  # where the temporary file is removed
            os.kill(os.getpid(), signal.SIGTERM)
            assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN

"""Failures found by a hostile pass over the issue 8 work (in a copy of the
tree, data under /tmp), each reproduced here before it was fixed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from coach.cli import main
from coach.models import Draft
from coach.store import Store
from helpers.core_support import child_env, commitment, reflection

TODAY = "2026-11-23"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    monkeypatch.delenv("COACH_DATA_DIR", raising=False)


def run(data: Path, *args: str) -> int:
    return main(["--data-dir", str(data), "--today", TODAY, *args])


def one_sentence(err: str) -> None:
    assert err.startswith("coach: ") and err.count("\n") == 1 and "Traceback" not in err, err


@pytest.fixture
def data(tmp_path) -> Path:
    d = tmp_path / "data"
    with Store.open(d) as s:
        for n in range(30):
            c = s.add_client(f"Client {n}")
            s.finish_reflection(reflection(c.id, on="2026-11-16", evidence="e" * 2000), commitment())
        s.save_draft(Draft(client_id=c.id, step=1))
    return d


KILLED_IN_A_BACKUP = """
import os, sys, time
import coach.backups as backups
real = backups._copy_checked
n = []
def slow(src, dest, raw):
    real(src, dest, raw)
    n.append(1)
    if len(n) == 5:
        print("mid-backup", flush=True)
        time.sleep(60)
backups._copy_checked = slow
from coach.store import Store
s = Store.open(sys.argv[1])
s.add_client("x")
"""


def test_a_backup_killed_halfway_is_never_taken_for_a_backup(data):
    """kill -9 during a backup left backups/<stamp>/ with some of the files; it
    was listed, offered and counted, so pruning dropped good backups for it."""
    with Store.open(data) as s:
        good = s.backups()
    for _ in range(6):
        child = subprocess.Popen([sys.executable, "-c", KILLED_IN_A_BACKUP, str(data)], stdout=subprocess.PIPE,
                                 text=True, env=child_env())
        assert child.stdout.readline().strip() == "mid-backup"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        child.stdout.close()
    with Store.open(data) as s:
        assert s.backups() == good  # none of the halves
        s.add_client("after")  # a whole backup, and the halves are tidied away
        kept = s.backups()
    assert len(kept) == len(good) + 1 and set(good) <= set(kept)
    (new,) = set(kept) - set(good)
    assert (new / "coach.json").is_file() and len(list((new / "clients").iterdir())) == 30
    assert [p.name for p in (data / "backups").iterdir() if p.name.startswith(".")] == []


def test_a_shared_sticky_folder_as_the_data_folder_is_refused_without_chmod_advice(tmp_path, capsys):
    """`--data-dir /tmp` was told to run `chmod 700 /tmp`."""
    shared = tmp_path / "tmp-like"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    assert run(shared, "demo") == 1
    err = capsys.readouterr().err
    one_sentence(err)
    assert "chmod" not in err and "--data-dir" in err


def test_a_folder_planted_at_coach_lock_is_refused_not_blamed_on_permissions(data, capsys):
    (data / "coach.lock").unlink()
    (data / "coach.lock").mkdir()
    assert run(data, "demo") == 1
    err = capsys.readouterr().err
    one_sentence(err)
    assert "coach.lock" in err and "not a regular file" in err and "chmod" not in err


def test_a_number_of_5000_digits_is_a_damaged_file_named_as_such(data, capsys):
    index = data / "coach.json"
    index.write_text(index.read_text().replace('"reflection_count":', '"reflection_count":1' + "0" * 5000 + ',"x":', 1))
    assert run(data, "status") == 1
    err = capsys.readouterr().err
    one_sentence(err)
    assert str(index) in err and "restore" in err


def test_damaged_drafts_on_a_full_disk_do_not_block_the_store(data, monkeypatch):
    """Setting damaged drafts aside needs a little room; without it the store opened not at all."""
    import errno

    import coach.backups as backups

    (data / "drafts.json").write_text("")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backups, "move_aside", full)
    with Store.open(data) as s:
        assert not s.read_only and len(s.clients()) == 30
        assert s.drafts() == []
        assert any("drafts.json" in w and "full" in w for w in s.warnings)
        with pytest.raises(Exception) as info:
            s.save_draft(Draft(client_id=s.clients()[0].id))
        assert "drafts.json" in str(info.value)
    assert (data / "drafts.json").read_text() == ""  # left as it was


def test_a_linked_clients_folder_is_refused_with_advice_that_fits(data, capsys):
    real = data / "clients-real"
    (data / "clients").rename(real)
    os.symlink(real, data / "clients")
    assert run(data, "status") == 1
    err = capsys.readouterr().err
    one_sentence(err)
    assert "--data-dir" not in err and "link" in err


def test_an_os_error_nobody_foresaw_is_still_one_sentence(data, capsys, monkeypatch):
    import errno

    import coach.restore as restore

    def broken(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    with Store.open(data, read_only=True) as s:
        doc = s.everything()
    backup = data.parent / "b.json"
    backup.write_text(json.dumps(doc))
    monkeypatch.setattr(restore.tempfile, "mkdtemp", broken)
    before = {p: p.read_bytes() for p in data.rglob("*.json") if "backups" not in p.parts}
    assert run(data, "restore", str(backup)) == 1
    err = capsys.readouterr().err
    one_sentence(err)
    assert "Input/output error" in err and "Nothing was changed" in err
    assert {p: p.read_bytes() for p in data.rglob("*.json") if "backups" not in p.parts} == before


@pytest.mark.skipif(not IS_ROOT, reason="needs root to mount a small tmpfs")
def test_demo_on_a_full_disk_does_not_claim_nothing_changed(tmp_path, capsys):
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        assert run(mnt / "d", "demo") == 1
        err = capsys.readouterr().err
        one_sentence(err)
        assert "full" in err and "Nothing" not in err and "part of the sample" in err.replace("\n", " ")
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _in_child(code: str) -> tuple[str, float, int]:
    """Run `code` in a fresh Python; its stderr, seconds, and peak memory in MB."""
    script = (
        "import resource, sys, time; t = time.perf_counter()\n" + code +
        "\nprint(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=child_env())
    *rest, last = done.stderr.strip().splitlines()
    seconds, mb = last.split()
    return "\n".join(rest), float(seconds), int(mb)


def test_a_huge_damaged_drafts_file_is_set_aside_without_reading_it(data):
    """A 600 MB drafts file took 7 s, 1.2 GB of memory and 600 MB more disk to set aside."""
    drafts = data / "drafts.json"
    os.truncate(drafts, 600 * 1024 * 1024)  # sparse: no room taken
    inode = os.stat(drafts).st_ino
    err, seconds, mb = _in_child(f"from coach.store import Store\ns = Store.open({str(data)!r})\nprint(s.warnings, file=sys.stderr)\ns.close()")
    assert "far larger than coach ever writes" in err
    assert seconds < 3 and mb < 300, (seconds, mb)
    (aside,) = (data / "backups").glob("damaged-*")
    assert os.stat(aside / "drafts.json").st_ino == inode  # moved, as it was
    assert not drafts.exists()


def test_bringing_back_a_huge_damaged_client_file_is_quick_and_keeps_it(data, capsys):
    with Store.open(data) as s:
        s.add_client("Cy")
        folder = s.backups()[0]
        client = s.clients()[0]
    rel = f"clients/{client.id}.json"
    os.truncate(data / rel, 600 * 1024 * 1024)
    inode = os.stat(data / rel).st_ino
    err, seconds, mb = _in_child(
        "from coach.cli import main\n"
        f"rc = main(['--data-dir', {str(data)!r}, 'restore', {str(folder)!r}, '--only', {rel!r}])\n"
        "print('rc', rc, file=sys.stderr)")
    assert "rc 0" in err and seconds < 5 and mb < 300, (err, seconds, mb)
    (aside,) = (data / "backups").glob("damaged-*")
    assert os.stat(aside / rel).st_ino == inode  # the file it replaced, kept as it was
    with Store.open(data, read_only=True) as s:
        assert s.damaged_clients() == [] and s.client(client.id).summary.reflection_count == 1


def test_a_one_file_restore_takes_one_backup_not_two(data, capsys):
    """Each --only restore took two backups (the restore's, then the summary's), pushing good ones out."""
    with Store.open(data) as s:
        s.add_client("Cy")
        folder = s.backups()[0]
        client = s.clients()[0]
    before = set((data / "backups").iterdir())
    (data / "clients" / f"{client.id}.json").write_text("{")
    assert run(data, "restore", str(folder), "--only", f"clients/{client.id}.json") == 0
    made = set((data / "backups").iterdir()) - before
    assert len([p for p in made if not p.name.startswith("damaged-")]) == 1


def _spoil_index(data: Path, spoil) -> None:
    index = data / "coach.json"
    doc = json.loads(index.read_text())
    spoil(list(doc["clients"].values()))
    index.write_text(json.dumps(doc))


@pytest.mark.parametrize("spoil", [
    lambda clients: clients[0].__setitem__("summary", "text"),
    lambda clients: clients[0]["summary"].__setitem__("reflection_dates", 5),
    lambda clients: clients[0]["summary"].__setitem__("open_commitments", [{"id": "x", "action": 5}]),
    lambda clients: clients[0].pop("summary"),
], ids=["summary a text", "dates a number", "a bad open commitment", "no summary"])
def test_a_summary_of_the_wrong_shape_is_rebuilt_not_a_traceback(data, capsys, spoil):
    """A summary that was text crashed `coach status` (a reader) with a traceback."""
    _spoil_index(data, spoil)
    assert run(data, "status") == 0
    assert "Traceback" not in capsys.readouterr().err
    with Store.open(data) as s:  # the writer rebuilds it on disk
        assert all(c.summary.reflection_count == 1 for c in s.clients())


def test_a_metric_without_a_name_is_refused_not_a_traceback(data, capsys):
    _spoil_index(data, lambda clients: clients[0].__setitem__("metrics", [{}]))
    assert run(data, "status") == 1
    err = capsys.readouterr().err
    one_sentence(err)
    assert "metrics[1].name" in err and "missing" in err

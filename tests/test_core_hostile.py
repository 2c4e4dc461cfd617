"""Issue 8, the core part: each defect found by hostile use, reproduced on real
files, so it fails on the code before the fix.

Backups that were hard links, files created through planted links, folders
that were only warned about, output files replaced unasked, wrong-typed
records that printed tracebacks, a missing index taken for a new store, a
stale summary never repaired.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from coach.cli import main
from coach.models import Draft
from coach.store import Store
from helpers.core_support import commitment, reflection, reap, spawn_python

TODAY = "2026-11-23"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture(autouse=True)
def plain_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    monkeypatch.delenv("COACH_DATA_DIR", raising=False)


def run(data: Path, *args: str) -> int:
    return main(["--data-dir", str(data), "--today", TODAY, *args])


def one_sentence(err: str) -> None:
    assert err.startswith("coach: "), err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err and "Error:" not in err, err


def mode_of(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def live_files(data: Path) -> dict[str, bytes]:
    """The data files as they are, by relative path (backups and the lock left out)."""
    found = {}
    for p in sorted(data.rglob("*")):
        rel = p.relative_to(data)
        if p.is_file() and rel.parts[0] not in ("backups",) and p.name != "coach.lock":
            found[rel.as_posix()] = p.read_bytes()
    return found


def seed(data: Path) -> dict[str, str]:
    """Ana with two reflections, Bo with one, a draft; returns their ids."""
    with Store.open(data) as s:
        ana = s.add_client("Ana Diaz", "Acme")
        bo = s.add_client("Bo Berg")
        s.finish_reflection(reflection(ana.id, on="2026-11-09", scores=3), commitment())
        s.finish_reflection(reflection(ana.id, on="2026-11-16", scores=4), None)
        s.finish_reflection(reflection(bo.id, on="2026-11-16", scores=2), None)
        s.save_draft(Draft(client_id=bo.id, step=2, reflection=reflection(bo.id, scores=3)))
        return {"ana": ana.id, "bo": bo.id}


def history(data: Path, client_id: str) -> Path:
    return data / "clients" / f"{client_id}.json"


def backups(data: Path) -> list[Path]:
    root = data / "backups"
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("damaged-")) if root.is_dir() else []


# -- backups are independent copies ---------------------------------------------------------


def test_damage_inside_a_live_file_does_not_reach_its_backup(tmp_path):
    """Backups were hard links: a truncation in place was in every backup too."""
    data = tmp_path / "data"
    ids = seed(data)
    with Store.open(data) as s:
        s.add_client("Cy")  # the first write of a run takes a backup
        taken = s.backups()[0]
    live, copy = history(data, ids["ana"]), taken / "clients" / f"{ids['ana']}.json"
    good = copy.read_bytes()
    assert os.stat(live).st_ino != os.stat(copy).st_ino
    assert mode_of(copy) == 0o600 and mode_of(taken) == 0o700
    with open(live, "r+b") as f:  # another tool writing in place
        f.truncate(40)

    assert copy.read_bytes() == good
    with Store.open(data) as s:
        [damaged] = s.damaged_clients()
        assert damaged.client_id == ids["ana"] and damaged.backup == taken
        assert f"--only clients/{ids['ana']}.json" in damaged.mend


def test_a_backup_leaves_out_a_file_that_does_not_parse_and_nothing_is_pruned_meanwhile(tmp_path):
    data = tmp_path / "data"
    ids = seed(data)
    with Store.open(data) as s:
        s.add_client("Cy")
    good = backups(data)[-1]
    history(data, ids["ana"]).write_text('{"reflections": {"1": ')  # cut off
    for n in range(7):
        with Store.open(data) as s:
            s.add_client(f"Client {n}")  # work on the others goes on
    kept = backups(data)
    assert good in kept, "the only good copy of Ana's history was pruned"
    assert len(kept) == 9
    for folder in kept[2:]:
        assert not (folder / "clients" / f"{ids['ana']}.json").exists()  # never a copy that does not parse
        assert (folder / "clients" / f"{ids['bo']}.json").exists()


def test_the_mend_offered_is_the_newest_backup_whose_copy_parses(tmp_path, capsys):
    """The damaged-data message offered the newest backup even when it was damaged too."""
    data = tmp_path / "data"
    ids = seed(data)
    for name in ("Cy", "Di"):
        with Store.open(data) as s:
            s.add_client(name)
    older, newer = backups(data)[-2:]
    rel = f"clients/{ids['ana']}.json"
    (newer / rel).write_text("garbage")
    history(data, ids["ana"]).write_text("also garbage")
    capsys.readouterr()

    assert run(data, "export", "-f", "csv") == 1
    err = capsys.readouterr().err
    one_sentence(err)
    assert f"restore {older} --only {rel}" in err and str(newer) not in err


def test_restoring_one_damaged_file_leaves_the_other_clients_newest_work(tmp_path, capsys):
    """The restore offered for one damaged file rolled back every client."""
    data = tmp_path / "data"
    ids = seed(data)
    with Store.open(data) as s:
        s.finish_reflection(reflection(ids["bo"], on="2026-11-23", scores=5), None)  # Bo's newest work
        folder = s.backups()[0]
    bo_now = history(data, ids["bo"]).read_bytes()
    drafts_now = (data / "drafts.json").read_bytes()
    history(data, ids["ana"]).write_bytes(b"\x00" * 100)
    capsys.readouterr()

    assert run(data, "restore", str(folder), "--only", f"clients/{ids['ana']}.json") == 0
    out = capsys.readouterr().out
    assert "every other file was left as it was" in out
    assert history(data, ids["bo"]).read_bytes() == bo_now
    assert (data / "drafts.json").read_bytes() == drafts_now
    with Store.open(data, read_only=True) as s:
        assert s.damaged_clients() == []
        assert [r.date for r in s.reflections(ids["ana"])] == ["2026-11-09", "2026-11-16"]
        assert [r.date for r in s.reflections(ids["bo"])] == ["2026-11-16", "2026-11-23"]
        assert s.client(ids["ana"]).summary.reflection_count == 2
    (aside,) = (data / "backups").glob("damaged-*")
    assert (aside / "clients" / f"{ids['ana']}.json").read_bytes() == b"\x00" * 100  # kept as it was


# -- nothing is created through a link ------------------------------------------------------


def test_a_link_planted_at_coach_lock_is_refused_and_its_target_left_alone(tmp_path, capsys):
    data = tmp_path / "data"
    seed(data)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (data / "coach.lock").unlink()
    os.symlink(victim, data / "coach.lock")

    assert run(data, "demo") == 1
    err = capsys.readouterr().err
    one_sentence(err)
    assert "coach.lock" in err and "rm " in err
    assert victim.read_text() == "precious"
    assert run(data, "status") == 0  # reading needs no lock


def test_a_link_planted_at_the_old_temp_names_receives_nothing(tmp_path):
    """A link at .drafts.json.<pid>.tmp received a whole drafts file of client notes."""
    data = tmp_path / "data"
    ids = seed(data)
    loot = tmp_path / "loot"
    loot.write_text("")
    with Store.open(data) as s:
        # planted while coach runs (it tidies stray temp names when it opens)
        for name in ("drafts.json", "coach.json", f"{ids['ana']}.json"):
            folder = data / "clients" if name.startswith(ids["ana"]) else data
            for n in range(os.getpid() - 2, os.getpid() + 3):
                os.symlink(loot, folder / f".{name}.{n}.tmp")
        s.save_draft(Draft(client_id=ids["ana"], step=1, due_text="secret plans"))
        s.finish_reflection(reflection(ids["ana"], on="2026-11-23"), None)
    assert loot.read_text() == ""
    with Store.open(data, read_only=True) as s:
        assert any(d.due_text == "secret plans" for d in s.drafts())


def test_a_linked_backups_folder_is_refused_and_nothing_outside_is_pruned(tmp_path):
    """A symlinked backups/ made pruning delete folders outside the data folder."""
    data = tmp_path / "data"
    seed(data)
    outside = tmp_path / "elsewhere"
    for n in range(8):
        (outside / f"2020010{n}-000000").mkdir(parents=True)
        (outside / f"2020010{n}-000000" / "keep.txt").write_text("mine")
    shutil.rmtree(data / "backups")
    os.symlink(outside, data / "backups")
    with Store.open(data) as s:
        with pytest.raises(Exception) as info:
            s.add_client("Cy")
        assert "backups" in str(info.value) and "link" in str(info.value)
        assert [c.name for c in s.clients()] == ["Ana Diaz", "Bo Berg"]  # no write without its backup
    assert sorted(p.name for p in outside.iterdir()) == [f"2020010{n}-000000" for n in range(8)]
    assert all((p / "keep.txt").read_text() == "mine" for p in outside.iterdir())


def test_pruning_never_follows_a_link_inside_backups(tmp_path):
    data = tmp_path / "data"
    seed(data)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine")
    (data / "backups").mkdir(exist_ok=True)
    os.symlink(outside, data / "backups" / "20000101-000000")  # named like the oldest backup
    for n in range(7):
        with Store.open(data) as s:
            s.add_client(f"C{n}")
    assert (outside / "keep.txt").read_text() == "mine"
    assert os.path.islink(data / "backups" / "20000101-000000")  # not coach's: left alone
    with Store.open(data, read_only=True) as s:
        assert all(not p.is_symlink() for p in s.backups())


# -- output files -----------------------------------------------------------------------


@pytest.fixture
def filled(tmp_path) -> Path:
    data = tmp_path / "data"
    seed(data)
    return data


@pytest.mark.parametrize("command", [["export", "-f", "json"], ["backup"]])
def test_an_existing_output_file_is_replaced_only_with_force(filled, tmp_path, capsys, command):
    target = tmp_path / "out.json"
    target.write_text("keep me")
    os.chmod(target, 0o644)
    assert run(filled, *command, "-o", str(target)) == 1
    err = capsys.readouterr().err
    one_sentence(err)
    assert "already exists" in err and "--force" in err
    assert target.read_text() == "keep me"

    assert run(filled, *command, "-o", str(target), "--force") == 0
    assert json.loads(target.read_text())["format"] == "coach-export"
    assert mode_of(target) == 0o600


@pytest.mark.parametrize("command", [["export", "-f", "markdown"], ["backup"]])
@pytest.mark.parametrize("kind", ["link", "dangling link", "fifo", "folder", "dev-null"])
def test_output_never_goes_through_a_link_or_onto_a_non_regular_file(filled, tmp_path, capsys, command, kind):
    target = tmp_path / "out"
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    if kind == "link":
        os.symlink(victim, target)
    elif kind == "dangling link":
        os.symlink(tmp_path / "nowhere", target)
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    else:
        # a device like /dev/null, but a node of our own: code that renamed over
        # it (as coach once did, as root) must not break the machine's /dev/null
        try:
            os.mknod(target, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        except (OSError, AttributeError):
            pytest.skip("cannot make a device node here (needs root)")
    before = os.lstat(target)
    for force in ([], ["--force"]):
        assert run(filled, *command, "-o", str(target), *force) == 1
        one_sentence(capsys.readouterr().err)
        after = os.lstat(target)
        assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert victim.read_text() == "precious"
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("command", [["export", "-f", "csv"], ["backup"]])
def test_dash_is_the_screen(filled, tmp_path, capsys, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    assert run(filled, *command, "-o", "-") == 0
    out = capsys.readouterr().out
    assert "Ana Diaz" in out
    assert not (tmp_path / "-").exists()


def test_a_new_output_file_is_private_under_any_umask(filled, tmp_path):
    old = os.umask(0)
    try:
        assert run(filled, "export", "-o", str(tmp_path / "e.md"), "-f", "markdown") == 0
        assert run(filled, "backup", "-o", str(tmp_path / "b.json")) == 0
    finally:
        os.umask(old)
    assert mode_of(tmp_path / "e.md") == mode_of(tmp_path / "b.json") == 0o600


# -- folders: checked like StrictModes, made 0700 ---------------------------------------


def test_umask_000_leaves_no_folder_coach_made_open(tmp_path):
    """Under umask 000 the parent folders coach created were 0777."""
    old = os.umask(0)
    try:
        data = tmp_path / "a" / "b" / "data"
        seed(data)
        with Store.open(data) as s:
            s.add_client("Cy")  # a backup folder too
    finally:
        os.umask(old)
    made = [tmp_path / "a", tmp_path / "a" / "b", *[p for p in [data, *data.rglob("*")] if p.is_dir()]]
    assert {str(p): oct(mode_of(p)) for p in made if mode_of(p) != 0o700} == {}


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757])
def test_a_data_folder_inside_a_folder_others_can_write_is_refused(tmp_path, capsys, mode):
    """It only drew a warning whose advice was `chmod 700 /tmp`."""
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, mode)  # no sticky bit: others may rename what is in it
    data = shared / "data"
    assert run(data, "status") == 0 or True  # status only reads; a missing folder is not an error
    capsys.readouterr()
    assert run(data, "demo") == 1
    err = capsys.readouterr().err
    one_sentence(err)
    assert str(shared) in err and "--data-dir" in err
    assert "chmod 700 /tmp" not in err
    assert not data.exists()  # refused before anything was made


def test_a_data_folder_others_can_write_is_refused_with_the_chmod(filled, capsys):
    os.chmod(filled, 0o770)
    for command in (["status"], ["demo"], ["export"]):
        assert run(filled, *command) == 1
        err = capsys.readouterr().err
        one_sentence(err)
        assert f"chmod 700 {filled}" in err


def test_a_sticky_world_writable_parent_like_tmp_is_fine(tmp_path):
    shared = tmp_path / "sticky"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    seed(shared / "data")
    with Store.open(shared / "data") as s:
        assert not s.read_only and s.warnings == []


def test_a_data_folder_that_is_a_link_is_refused(tmp_path, capsys):
    real = tmp_path / "real"
    seed(real)
    os.symlink(real, tmp_path / "link")
    assert run(tmp_path / "link", "status") == 1
    err = capsys.readouterr().err
    one_sentence(err)
    assert f"--data-dir {real}" in err


@pytest.mark.skipif(not IS_ROOT, reason="needs root to give a folder to another user")
def test_a_data_folder_or_parent_owned_by_someone_else_is_refused(tmp_path, capsys):
    parent = tmp_path / "theirs"
    parent.mkdir()
    seed(parent / "data")
    os.chown(parent, 65534, 65534)
    assert run(parent / "data", "status") == 1
    err = capsys.readouterr().err
    one_sentence(err)
    assert "belongs to" in err and "--data-dir" in err
    os.chown(parent, 0, 0)
    os.chown(parent / "data", 65534, 65534)
    assert run(parent / "data", "status") == 1
    assert "belongs to" in capsys.readouterr().err


def test_a_missing_index_beside_client_files_is_not_a_new_store(filled, capsys):
    """A missing coach.json beside client files was taken for a new, empty store."""
    with Store.open(filled) as s:
        s.add_client("Cy")  # a backup with a good coach.json
    (filled / "coach.json").unlink()
    before = live_files(filled)
    for command in (["status"], ["demo"]):
        assert run(filled, *command) == 1
        err = capsys.readouterr().err
        one_sentence(err)
        assert "coach.json: is missing" in err and "--only coach.json" in err
    assert live_files(filled) == before
    assert not (filled / "coach.json").exists()


# -- wrong types never print a traceback --------------------------------------------------


def _set_record(path: Path, table: str, field: str, value) -> None:
    data = json.loads(path.read_text())
    first = next(iter(data[table].values()))
    first[field] = value
    path.write_text(json.dumps(data))


COMMANDS = [["status"], ["review", "--list"], ["export", "-f", "json"], ["export", "-f", "csv"],
            ["export", "-f", "markdown"], ["backup", "-o", "-"], ["demo"]]


def _run_all(data: Path) -> dict[str, tuple[int, str]]:
    """Each command in a child process, as a user runs it: (exit code, stderr)."""
    results = {}
    for command in COMMANDS:
        done = subprocess.run([sys.executable, "-m", "coach", "--data-dir", str(data), "--today", TODAY, *command],
                              capture_output=True, text=True, timeout=60,
                              env={**os.environ, "COLUMNS": "300", "PYTHONPATH": str(Path(__file__).parents[1])})
        assert "Traceback" not in done.stderr, (command, done.stderr)
        results[" ".join(command)] = (done.returncode, done.stderr)
    return results


def test_a_client_name_of_42_is_refused_in_one_sentence_by_every_command(filled):
    _set_record(filled / "coach.json", "clients", "name", 42)
    for command, (code, err) in _run_all(filled).items():
        assert code == 1, command
        one_sentence(err)
        assert "coach.json" in err and "“name” is 42" in err, err


def test_an_action_of_null_damages_that_client_only(filled):
    with Store.open(filled, read_only=True) as s:
        ana = next(c for c in s.clients() if c.name == "Ana Diaz")
    _set_record(history(filled, ana.id), "commitments", "action", None)
    results = _run_all(filled)
    for command in ("status", "review --list"):
        code, err = results[command]
        assert code == 0, (command, err)
        assert "Ana Diaz's history" in err and "“action” is null" in err
    for command in ("export -f json", "export -f csv", "backup -o -"):
        code, err = results[command]
        assert code == 1
        one_sentence(err)
        assert f"clients/{ana.id}.json" in err and "action" in err


def test_a_draft_step_of_two_is_set_aside_not_a_crash(filled):
    _set_record(filled / "drafts.json", "drafts", "step", "two")
    results = _run_all(filled)
    assert results["status"][0] == 0 and "drafts.json" in results["status"][1]
    assert results["export -f json"][0] == 0
    with Store.open(filled) as s:  # the writer (here `demo`, above) kept it aside and went on
        assert s.drafts() == []
    (aside,) = (filled / "backups").glob("damaged-*")
    assert '"step":"two"' in (aside / "drafts.json").read_text().replace(" ", "")


# -- summaries are checked against the client files at open -----------------------------


def test_a_stale_summary_left_by_a_kill_is_rebuilt_at_open(filled):
    """A kill between a client file's write and the index write left a stale summary for good."""
    with Store.open(filled) as s:
        ana = next(c for c in s.clients() if c.name == "Ana Diaz")
        index_before = (filled / "coach.json").read_bytes()
        s.finish_reflection(reflection(ana.id, on="2026-11-23", scores=5), None)
    (filled / "coach.json").write_bytes(index_before)  # as if killed before the index write

    with Store.open(filled, read_only=True) as s:  # a reader works it out in memory
        assert s.client(ana.id).summary.reflection_count == 3
        assert s.client(ana.id).summary.last_reflection_on == "2026-11-23"
    assert (filled / "coach.json").read_bytes() == index_before
    with Store.open(filled):  # the writer puts it right on disk
        pass
    on_disk = json.loads((filled / "coach.json").read_text())["clients"]
    [doc] = [d for d in on_disk.values() if d["id"] == ana.id]
    assert doc["summary"]["reflection_count"] == 3


def test_open_reads_no_client_file_whose_stamp_matches_its_summary(filled, monkeypatch):
    """Launch stays fast at 10,000 reflections: one lstat per client, no parsing
    (but the file of a client with a draft, to see whether it was finished)."""
    import coach.storage as storage

    with Store.open(filled) as s:
        for d in s.drafts():
            s.discard_draft(d.id)
    read = []
    real = storage.read_file_bytes
    monkeypatch.setattr(storage, "read_file_bytes", lambda p, **kw: read.append(Path(p).name) or real(p, **kw))
    with Store.open(filled) as s:
        assert len(s.clients()) == 2
    assert read == ["coach.json", "drafts.json"]


# -- read-only, and taking over -----------------------------------------------------------

HOLDER = """
import sys, time
from coach.store import Store
s = Store.open(sys.argv[1])
assert not s.read_only
print("ready", flush=True)
time.sleep(60)
"""


def test_the_app_can_take_over_when_the_holder_has_gone(filled):
    holder = spawn_python(HOLDER, str(filled))
    try:
        assert holder.stdout.readline().strip() == "ready"
        s = Store.open(filled)
        assert s.read_only and s.read_only_cause == "locked" and str(holder.pid) in s.read_only_reason()
        assert not s.holder_gone()
        assert s.try_take_over() is False and s.read_only
        holder.kill()
        holder.wait(timeout=10)
        assert s.holder_gone()
        assert s.try_take_over() is True
        assert not s.read_only and s.read_only_cause == ""
        s.add_client("After taking over")
        s.close()
    finally:
        reap(holder)
    with Store.open(filled, read_only=True) as s:
        assert "After taking over" in [c.name for c in s.clients()]
        assert s.try_take_over() is False  # opened read-only on purpose: never


def test_a_read_only_filesystem_says_so(filled, monkeypatch):
    import coach.safety as safety
    import coach.store as store_module

    monkeypatch.setattr(store_module, "read_only_filesystem", lambda path: True)
    with Store.open(filled) as s:
        assert s.read_only and s.read_only_cause == "filesystem"
        assert "read-only filesystem" in s.read_only_reason()
        assert safety  # the check itself is statvfs's ST_RDONLY

"""Files on disk: atomic writes, strict reads, private permissions, backups,
and what happens when the disk is full or the directory is read-only.

Every test uses real TinyDB files in tmp_path; nothing about storage is mocked
except the one system call a test makes fail.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import threading
from datetime import datetime
from pathlib import Path

import pytest
from helpers.core_support import commitment, reflection

import coach.backups as backups_module
from coach.lock import DataLock
from coach.models import Draft
from coach.storage import (
    AtomicJSONStorage,
    DataFileError,
    ReadOnlyError,
    SaveError,
    atomic_write_bytes,
    dump_json,
    read_json_file,
)
from coach.store import SCHEMA_VERSION, Store, permission_warnings

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def mode_of(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def snapshot(path: Path) -> tuple[bytes, int, int]:
    st = os.stat(path)
    return path.read_bytes(), st.st_mtime_ns, st.st_ino


def tmp_leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".tmp")]


def seeded(data_dir: Path) -> Store:
    """A store with one client, one finished reflection and one draft."""
    s = Store.open(data_dir)
    ana = s.add_client("Ana Diaz", "Acme")
    s.finish_reflection(reflection(ana.id), commitment())
    s.save_draft(Draft(client_id=ana.id, step=2, reflection=reflection(ana.id, scores=3)))
    return s


# -- atomic writes -------------------------------------------------------------


def test_atomic_write_replaces_the_file_instead_of_changing_it(tmp_path):
    target = tmp_path / "data.json"
    atomic_write_bytes(target, b'{"v": 1}')
    old_inode = os.stat(target).st_ino
    keep = tmp_path / "hardlink-of-old.json"
    os.link(target, keep)

    atomic_write_bytes(target, b'{"v": 2}')

    assert target.read_bytes() == b'{"v": 2}'
    # a new inode: the old contents live on untouched (this is what backups rely on)
    assert os.stat(target).st_ino != old_inode
    assert keep.read_bytes() == b'{"v": 1}'
    assert mode_of(target) == 0o600
    assert tmp_leftovers(tmp_path) == []


def test_a_reader_only_ever_sees_the_old_or_the_new_file(tmp_path):
    target = tmp_path / "data.json"
    # big enough that a write in place would be observed half done
    old = dump_json({"t": {"1": {"x": "a" * 400_000}}})
    new = dump_json({"t": {"1": {"x": "b" * 300_000}}})
    atomic_write_bytes(target, old)
    seen: set[bytes] = set()
    odd: list[bytes] = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            data = target.read_bytes()
            if data in (old, new):
                seen.add(data)
            else:
                odd.append(data[:80])

    t = threading.Thread(target=reader)
    t.start()
    try:
        for i in range(60):
            atomic_write_bytes(target, new if i % 2 == 0 else old)
    finally:
        stop.set()
        t.join()
    assert odd == [], f"a reader saw a half-written file: {odd[:3]}"
    assert seen, "the reader never ran"


def test_failed_rename_leaves_old_file_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "data.json"
    atomic_write_bytes(target, b'{"old": true}')

    def refuse(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(SaveError, match="Nothing on disk was changed"):
        atomic_write_bytes(target, b'{"new": true}')
    assert target.read_bytes() == b'{"old": true}'
    assert tmp_leftovers(tmp_path) == []


def test_dump_json_keeps_text_readable_and_round_trips_odd_strings(tmp_path):
    text = "Zoë 東京 שלום 👩🏽‍💻 \x1b[31m \x00 \"q\" \\ [bold]x[/]"
    raw = dump_json({"t": {"1": {"s": text}}})
    assert "東京".encode() in raw  # not \\u-escaped: the file stays readable
    target = tmp_path / "f.json"
    atomic_write_bytes(target, raw)
    assert read_json_file(target) == {"t": {"1": {"s": text}}}
    assert b"\x00" not in raw  # NUL is escaped, so the NUL check can never refuse our own file


def test_a_lone_surrogate_is_saved_not_crashed_on(tmp_path):
    # a name passed on the command line with bytes that are not UTF-8 arrives as
    # a lone surrogate (surrogateescape); saving it must not raise, and coach
    # keeps a replacement character in its place
    name = "Bad\udcffByte"
    with Store.open(tmp_path / "d") as s:
        c = s.add_client(name)
    with Store.open(tmp_path / "d") as s:
        assert s.client(c.id).name == "Bad\ufffdByte"


# -- strict reads: damaged files are refused and left alone -------------------

VALID_INDEX = dump_json({"meta": {"1": {"schema": SCHEMA_VERSION, "created_at": "x"}}, "clients": {}})

BAD_FILES = {
    "empty": b"",
    "only whitespace": b"  \n\t ",
    "truncated JSON": VALID_INDEX[: len(VALID_INDEX) // 2],
    "trailing garbage (TinyDB #301)": VALID_INDEX + b'ts":{}}}',
    "NUL bytes": b"\x00" * 64,
    "NUL inside JSON": VALID_INDEX[:-1] + b"\x00}",
    "not UTF-8": b'{"meta": "\xff\xfe"}',
    "a JSON list": b"[]",
    "a JSON string": b'"coach"',
    "a JSON number": b"1",
    "a JSON null": b"null",
    "a table that is a list": b'{"clients": []}',
    "a record that is not an object": b'{"meta": {"1": {"schema": 1}}, "clients": {"1": 5}}',
    "a record id that is not a number": b'{"meta": {"1": {"schema": 1}}, "clients": {"x": {}}}',
    "no schema version": b'{"clients": {"1": {"id": "a", "name": "Ana"}}}',
    "a schema version that is text": b'{"meta": {"1": {"schema": "1"}}, "clients": {}}',
    "a newer schema version": dump_json({"meta": {"1": {"schema": SCHEMA_VERSION + 1}}, "clients": {}}),
}


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "coach-data"
    seeded(d).close()
    return d


@pytest.mark.parametrize("content", BAD_FILES.values(), ids=BAD_FILES.keys())
@pytest.mark.parametrize("read_only", [False, True], ids=["writer", "read-only"])
def test_damaged_index_is_refused_and_left_byte_for_byte(data_dir, content, read_only):
    index = data_dir / "coach.json"
    index.write_bytes(content)
    os.utime(index, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before = snapshot(index)
    backups_before = sorted((data_dir / "backups").rglob("*")) if (data_dir / "backups").exists() else []

    with pytest.raises(DataFileError) as info:
        Store.open(data_dir, read_only=read_only)

    assert snapshot(index) == before
    assert info.value.path == index
    assert "Nothing was changed" in str(info.value) or "nothing was changed" in str(info.value)
    assert tmp_leftovers(data_dir) == []
    after_backups = sorted((data_dir / "backups").rglob("*")) if (data_dir / "backups").exists() else []
    assert after_backups == backups_before  # no backup, no write of any kind
    # the refused open let go of the lock: the next coach is not told someone holds it
    lock = DataLock(data_dir)
    assert lock.acquire()
    lock.release()


def test_newer_schema_says_to_upgrade(data_dir):
    (data_dir / "coach.json").write_bytes(BAD_FILES["a newer schema version"])
    with pytest.raises(DataFileError, match="newer coach"):
        Store.open(data_dir)


DAMAGED_DRAFTS = {k: BAD_FILES[k] for k in (
    "empty", "truncated JSON", "trailing garbage (TinyDB #301)", "NUL bytes", "a JSON list", "a table that is a list")}


@pytest.mark.parametrize("content", DAMAGED_DRAFTS.values(), ids=DAMAGED_DRAFTS.keys())
def test_damaged_drafts_file_is_set_aside_and_does_not_block(data_dir, content):
    """Decided in issue 8: a damaged drafts file is kept in backups/ and the app opens without it."""
    drafts = data_dir / "drafts.json"
    drafts.write_bytes(content)
    before = snapshot(drafts)
    index_before = snapshot(data_dir / "coach.json")

    with Store.open(data_dir, read_only=True) as reader:  # a reader leaves it alone
        assert reader.drafts() == []
        assert any("drafts.json" in w for w in reader.warnings)
        assert [c.name for c in reader.clients()] == ["Ana Diaz"]
    assert snapshot(drafts) == before

    with Store.open(data_dir) as s:
        assert s.drafts() == []
        assert any("drafts.json" in w and "damaged-" in w for w in s.warnings)
        assert [c.name for c in s.clients()] == ["Ana Diaz"]
        s.save_draft(Draft(client_id=s.clients()[0].id, step=1))  # and drafts work again
        assert len(s.drafts()) == 1
    (aside,) = (data_dir / "backups").glob("damaged-*")
    assert (aside / "drafts.json").read_bytes() == content
    assert mode_of(aside / "drafts.json") == 0o600
    assert snapshot(data_dir / "coach.json") == index_before


@pytest.mark.parametrize("content", [b"", b'{"reflections": {"1": {"id": "x"}', b"[1, 2]", b'{"reflections": []}'])
def test_damaged_history_file_is_refused_and_never_overwritten(data_dir, content):
    with Store.open(data_dir) as s:
        ana = s.clients()[0]
    history = data_dir / "clients" / f"{ana.id}.json"
    history.write_bytes(content)
    before = snapshot(history)

    with Store.open(data_dir) as s:
        with pytest.raises(DataFileError):
            s.reflections(ana.id)
        # a write to that client must not replace the damaged file with a near-empty one
        with pytest.raises(DataFileError):
            s.finish_reflection(reflection(ana.id, on="2026-11-30"), None)
    assert snapshot(history) == before


def test_a_missing_file_is_not_an_error(tmp_path):
    assert read_json_file(tmp_path / "nope.json") is None
    st = AtomicJSONStorage(tmp_path / "nope.json")
    assert st.read() is None


# -- permissions ---------------------------------------------------------------


def all_paths(root: Path) -> list[Path]:
    return [root, *root.rglob("*")]


@pytest.mark.parametrize("umask", [0o022, 0o000], ids=["umask 022", "umask 000"])
def test_every_dir_is_0700_and_every_file_0600(tmp_path, umask):
    old = os.umask(umask)
    try:
        d = tmp_path / "nested" / "coach-data"
        s = seeded(d)
        s.close()
        s = Store.open(d)  # a second run: its first write takes a backup
        s.add_client("Bo")
        s.close()
    finally:
        os.umask(old)

    paths = all_paths(d)
    assert any(p.parent.name == "clients" and p.suffix == ".json" for p in paths), "no client history file"
    assert any("backups" in p.parts and p.is_file() for p in paths), "no backup"
    assert (d / "coach.lock").exists()
    wrong = {str(p.relative_to(tmp_path)): oct(mode_of(p)) for p in paths
             if mode_of(p) != (0o700 if p.is_dir() else 0o600)}
    assert wrong == {}
    assert permission_warnings(d) == []


def test_loosened_permissions_are_reported_every_open(data_dir):
    with Store.open(data_dir) as s:
        assert s.warnings == []
    os.chmod(data_dir, 0o755)
    with Store.open(data_dir) as s:
        assert len(s.warnings) == 1
        assert "chmod 700" in s.warnings[0]
    os.chmod(data_dir, 0o700)
    os.chmod(data_dir / "coach.json", 0o644)
    history = next((data_dir / "clients").glob("*.json"))
    os.chmod(history, 0o640)
    warnings = permission_warnings(data_dir)
    assert len(warnings) == 1
    assert "2 data file(s)" in warnings[0] and "chmod 600" in warnings[0]
    with Store.open(data_dir, read_only=True) as s:
        assert s.warnings == warnings


def test_open_does_not_tighten_a_directory_the_user_chose(tmp_path):
    d = tmp_path / "shared"
    d.mkdir(mode=0o750)
    os.chmod(d, 0o750)
    with Store.open(d) as s:
        assert s.warnings  # but it does say so
    assert mode_of(d) == 0o750


# -- backups -------------------------------------------------------------------


def backup_dirs(d: Path) -> list[Path]:
    return sorted(p for p in (d / "backups").iterdir() if p.is_dir()) if (d / "backups").exists() else []


def test_backup_before_first_write_holds_previous_state(data_dir):
    before = {p.relative_to(data_dir): p.read_bytes() for p in data_dir.rglob("*.json") if "backups" not in p.parts}
    existing = set(backup_dirs(data_dir))

    with Store.open(data_dir) as s:
        assert set(backup_dirs(data_dir)) == existing  # opening alone takes no backup
        s.add_client("Bo Berg")
        made = set(backup_dirs(data_dir)) - existing
        assert len(made) == 1
        s.add_client("Cy Chen")
        s.save_draft(Draft(client_id=s.clients()[0].id))
        assert set(backup_dirs(data_dir)) - existing == made  # one per run, not per write
        assert s.backups()[0] == next(iter(made))

    backup = next(iter(made))
    held = {p.relative_to(backup): p.read_bytes() for p in backup.rglob("*.json")}
    assert held == before
    names = [c["name"] for c in json.loads(held[Path("coach.json")])["clients"].values()]
    assert names == ["Ana Diaz"]


def test_only_the_newest_five_backups_are_kept(data_dir):
    contents = []
    for n in range(8):
        with Store.open(data_dir) as s:
            s.add_client(f"Client {n}")
        contents.append(len(json.loads((data_dir / "coach.json").read_bytes())["clients"]))
    kept = backup_dirs(data_dir)
    assert len(kept) == backups_module.BACKUPS_KEPT == 5
    # the kept ones are the last five runs: they hold 4..8 clients before their write
    with Store.open(data_dir, read_only=True) as s:
        newest_first = s.backups()
    counts = [len(json.loads((b / "coach.json").read_bytes())["clients"]) for b in newest_first]
    assert counts == [8, 7, 6, 5, 4]


def test_backup_order_survives_many_backups_in_one_second(tmp_path, monkeypatch):
    class FrozenClock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 11, 23, 9, 30, 0)

    monkeypatch.setattr(backups_module, "datetime", FrozenClock)
    data_dir = tmp_path / "d"
    with Store.open(data_dir) as s:
        made = []
        for n in range(12):
            s.add_client(f"Client {n}")
            made.append(s.backup())
        assert all(m is not None for m in made)
        assert made[-1].exists(), "the backup just taken was pruned as if it were the oldest"
        assert s.backups() == list(reversed(made[-5:]))
        assert set(backup_dirs(data_dir)) == set(made[-5:])


def test_failed_backup_stops_the_write_with_a_save_error(data_dir, monkeypatch):
    index_before = snapshot(data_dir / "coach.json")
    backups_before = backup_dirs(data_dir)
    real_mkdir = os.mkdir

    def full_disk_mkdir(path, *args, **kwargs):
        if "backups" in str(path):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_mkdir(path, *args, **kwargs)

    with Store.open(data_dir) as s:
        monkeypatch.setattr(os, "mkdir", full_disk_mkdir)
        with pytest.raises(SaveError, match="full"):
            s.add_client("Bo")
        assert snapshot(data_dir / "coach.json") == index_before
        assert backup_dirs(data_dir) == backups_before
        monkeypatch.setattr(os, "mkdir", real_mkdir)
        # once there is room again, the write goes through, and only after a backup
        s.add_client("Bo")
        assert len(backup_dirs(data_dir)) == len(backups_before) + 1
    with Store.open(data_dir, read_only=True) as s:
        assert [c.name for c in s.clients()] == ["Ana Diaz", "Bo"]


# -- disk full -----------------------------------------------------------------


def fd_path(fd: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


@pytest.fixture
def full_disk(monkeypatch):
    """Make writes to files under a directory fail with ENOSPC after a few bytes."""
    real_write = os.write

    def arm(root: Path):
        def write(fd, data):
            if fd_path(fd).startswith(str(root)):
                real_write(fd, bytes(data[:7]))  # a partial write first, as a real full disk does
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_write(fd, data)

        monkeypatch.setattr(os, "write", write)

    def disarm():
        monkeypatch.setattr(os, "write", real_write)

    arm.disarm = disarm
    return arm


def test_disk_full_raises_plain_save_error_and_keeps_old_file(data_dir, full_disk):
    files = [p for p in data_dir.rglob("*.json") if "backups" not in p.parts]
    before = {p: snapshot(p) for p in files}
    with Store.open(data_dir) as s:
        ana = s.clients()[0]
        full_disk(data_dir)
        for action in (
            lambda: s.add_client("Bo"),
            lambda: s.save_draft(Draft(client_id=ana.id, step=5)),
            lambda: s.finish_reflection(reflection(ana.id, on="2026-11-30"), commitment("Call")),
        ):
            with pytest.raises(SaveError) as info:
                action()
            message = str(info.value)
            assert "disk" in message and "full" in message
            assert "Errno" not in message and "Traceback" not in message
        assert {p: snapshot(p) for p in files} == before
        assert tmp_leftovers(data_dir) == []
        # what the store shows is what is on disk, not the change that failed
        assert [c.name for c in s.clients()] == ["Ana Diaz"]
        assert len(s.reflections(ana.id)) == 1
        assert len(s.drafts()) == 1

        full_disk.disarm()
        s.add_client("Bo")
        s.save_draft(Draft(client_id=ana.id, step=5))
    with Store.open(data_dir, read_only=True) as s:
        assert [c.name for c in s.clients()] == ["Ana Diaz", "Bo"]
        assert sorted(d.step for d in s.drafts()) == [2, 5]


def test_fsync_failure_is_a_save_error_too(data_dir, monkeypatch):
    index = data_dir / "coach.json"
    before = snapshot(index)
    real_fsync = os.fsync

    def fsync(fd):
        if fd_path(fd).endswith(".tmp"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    with Store.open(data_dir) as s:
        s.backup()  # the first-write backup is not what is under test
        s._backed_up = True
        monkeypatch.setattr(os, "fsync", fsync)
        with pytest.raises(SaveError, match="full"):
            s.add_client("Bo")
    assert snapshot(index) == before
    assert tmp_leftovers(data_dir) == []


# -- read-only directories -----------------------------------------------------


@pytest.fixture
def refuse_writes(monkeypatch):
    """Make every attempt to create or change something under a directory fail,
    as on a read-only mount (EROFS) or a directory without write permission (EACCES).
    Works as root, where chmod would not stop anything."""

    def arm(root: Path, code: int, *, lock_file_opens: bool = False):
        root_s = str(root)
        err = OSError(code, os.strerror(code))
        real_open, real_mkdir, real_link, real_unlink, real_replace = os.open, os.mkdir, os.link, os.unlink, os.replace

        def inside(p) -> bool:
            return os.path.abspath(os.fsdecode(p)).startswith(root_s)

        def fake_open(path, flags, *args, **kwargs):
            writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC)
            if inside(path) and writing:
                # an existing lock file in a chmod 0500 directory can still be opened
                if not (lock_file_opens and os.path.basename(path) == "coach.lock" and os.path.exists(path)):
                    raise err
            return real_open(path, flags, *args, **kwargs)

        def guard(real):
            def fake(path, *args, **kwargs):
                if inside(path):
                    raise err
                return real(path, *args, **kwargs)
            return fake

        def fake_link(src, dst, *args, **kwargs):
            if inside(dst):
                raise err
            return real_link(src, dst, *args, **kwargs)

        monkeypatch.setattr(os, "open", fake_open)
        monkeypatch.setattr(os, "mkdir", guard(real_mkdir))
        monkeypatch.setattr(os, "unlink", guard(real_unlink))
        monkeypatch.setattr(os, "replace", guard(real_replace))
        monkeypatch.setattr(os, "link", fake_link)

    return arm


def test_read_only_filesystem_opens_read_only_without_blaming_another_coach(data_dir, refuse_writes):
    before = {p: snapshot(p) for p in data_dir.rglob("*") if p.is_file()}
    refuse_writes(data_dir, errno.EROFS)
    with Store.open(data_dir) as s:
        assert s.read_only
        assert s.locked_by == ""  # nobody holds the lock: the filesystem is read-only
        assert "process" not in s.read_only_reason()
        assert [c.name for c in s.clients()] == ["Ana Diaz"]
        ana = s.clients()[0]
        assert len(s.reflections(ana.id)) == 1
        with pytest.raises(ReadOnlyError):
            s.add_client("Bo")
        with pytest.raises(ReadOnlyError):
            s.save_draft(Draft(client_id=ana.id))
        with pytest.raises(ReadOnlyError):
            s.delete_client(ana.id)
    assert {p: snapshot(p) for p in data_dir.rglob("*") if p.is_file()} == before


def test_directory_without_write_permission_gives_plain_save_error(data_dir, refuse_writes):
    files = [p for p in data_dir.rglob("*.json") if "backups" not in p.parts]
    before = {p: snapshot(p) for p in files}
    # chmod 0500 on the data dir: the old lock file still opens, nothing new can be made
    refuse_writes(data_dir, errno.EACCES, lock_file_opens=True)
    with Store.open(data_dir) as s:
        ana = s.clients()[0]
        for action in (
            lambda: s.add_client("Bo"),
            lambda: s.save_draft(Draft(client_id=ana.id)),
            lambda: s.finish_reflection(reflection(ana.id, on="2026-11-30"), None),
        ):
            with pytest.raises(SaveError) as info:
                action()
            assert "may not write" in str(info.value)
            assert "Errno" not in str(info.value)
        assert [c.name for c in s.clients()] == ["Ana Diaz"]
    assert {p: snapshot(p) for p in files} == before


def test_client_without_history_can_be_read_in_an_unwritable_directory(tmp_path, refuse_writes):
    d = tmp_path / "d"
    with Store.open(d) as s:
        bo = s.add_client("Bo")  # no reflection yet: no clients/ directory
    assert not (d / "clients").exists()
    refuse_writes(d, errno.EACCES, lock_file_opens=True)
    with Store.open(d) as s:
        assert s.reflections(bo.id) == []
        assert s.commitments(bo.id) == []
        with pytest.raises(SaveError):
            s.finish_reflection(reflection(bo.id), None)


def test_data_dir_that_cannot_be_created_is_a_save_error(tmp_path, refuse_writes):
    refuse_writes(tmp_path, errno.EACCES)
    with pytest.raises(SaveError, match="Could not create the data directory"):
        Store.open(tmp_path / "new" / "coach")


@pytest.mark.skipif(IS_ROOT, reason="root ignores directory permissions; the simulated tests above cover this")
def test_real_chmod_0500_directory(data_dir):
    index_before = snapshot(data_dir / "coach.json")
    os.chmod(data_dir, 0o500)
    try:
        with Store.open(data_dir) as s:
            with pytest.raises(SaveError):
                s.add_client("Bo")
            assert [c.name for c in s.clients()] == ["Ana Diaz"]
    finally:
        os.chmod(data_dir, 0o700)
    assert snapshot(data_dir / "coach.json") == index_before


def test_read_only_open_of_missing_directory_is_refused(tmp_path):
    with pytest.raises(DataFileError, match="does not exist"):
        Store.open(tmp_path / "nowhere", read_only=True)
    assert not (tmp_path / "nowhere").exists()

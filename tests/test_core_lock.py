"""One writer per data directory, across processes; a killed writer leaves no stale lock."""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import time
from datetime import date

import pytest
from helpers.core_support import reap, run_python, spawn_python

from coach.dates import short_moment
from coach.lock import DataLock
from coach.storage import ReadOnlyError
from coach.store import Store

# A child that opens the store and reports what it got, as JSON on stdout.
PROBE = """
import json, sys
from coach.store import Store, ReadOnlyError
s = Store.open(sys.argv[1] if len(sys.argv) > 1 else {path!r})
out = {{"read_only": s.read_only, "locked_by": s.locked_by, "reason": s.read_only_reason(),
        "clients": [c.name for c in s.clients()]}}
try:
    s.add_client("From the probe")
    out["wrote"] = True
except ReadOnlyError as exc:
    out["wrote"] = False
    out["error"] = str(exc)
s.close()
print(json.dumps(out))
"""

# A child that takes the lock, says so, and waits to be killed.
HOLDER = """
import sys, time
from coach.store import Store
s = Store.open({path!r})
assert not s.read_only, s.locked_by
s.add_client("Holder's client")
print("ready", flush=True)
time.sleep(60)
"""


def wait_ready(proc, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    line = proc.stdout.readline()
    if line.strip() != "ready":
        raise AssertionError(f"holder did not start: {line!r} {reap(proc)[1]}")
    assert time.monotonic() < deadline


def probe(path) -> dict:
    done = run_python(PROBE.format(path=str(path)))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_second_process_is_read_only_while_this_one_holds_the_lock(tmp_path):
    d = tmp_path / "d"
    with Store.open(d) as mine:
        assert not mine.read_only
        mine.add_client("Ana")
        index_before = (d / "coach.json").read_bytes()

        other = probe(d)

        assert other["read_only"] is True
        assert other["wrote"] is False
        assert str(os.getpid()) in other["locked_by"]
        assert socket.gethostname() in other["locked_by"]
        assert str(os.getpid()) in other["reason"]
        assert other["clients"] == ["Ana"]  # it can still read
        assert "read-only" in other["error"].lower()
        assert (d / "coach.json").read_bytes() == index_before
        # and the holder can still write
        mine.add_client("Bo")
    # once this coach closes, the next one writes
    after = probe(d)
    assert after["read_only"] is False and after["wrote"] is True
    assert after["clients"] == ["Ana", "Bo"]


def test_this_process_is_read_only_while_another_holds_the_lock(tmp_path):
    d = tmp_path / "d"
    holder = spawn_python(HOLDER.format(path=str(d)))
    try:
        wait_ready(holder)
        with Store.open(d) as s:
            assert s.read_only
            assert f"process {holder.pid}" in s.locked_by
            assert f"process {holder.pid}" in s.read_only_reason()
            assert [c.name for c in s.clients()] == ["Holder's client"]
            before = (d / "coach.json").read_bytes()
            with pytest.raises(ReadOnlyError):
                s.add_client("Mine")
            with pytest.raises(ReadOnlyError):
                s.delete_client(s.clients()[0].id)
            assert (d / "coach.json").read_bytes() == before
            assert [c.name for c in s.clients()] == ["Holder's client"]  # no phantom from the refused insert
    finally:
        reap(holder)


def test_lock_of_a_killed_holder_does_not_block_the_next_coach(tmp_path):
    d = tmp_path / "d"
    holder = spawn_python(HOLDER.format(path=str(d)))
    try:
        wait_ready(holder)
        with Store.open(d) as s:
            assert s.read_only
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
        assert holder.returncode == -signal.SIGKILL
        assert (d / "coach.lock").exists()  # the file stays; the kernel dropped the flock
    finally:
        reap(holder)

    with Store.open(d) as s:
        assert not s.read_only
        assert s.locked_by == ""
        s.add_client("After the kill")
        assert [c.name for c in s.clients()] == ["After the kill", "Holder's client"]
    # and from another process too
    assert probe(d)["read_only"] is False


def test_two_stores_in_one_process_also_exclude_each_other(tmp_path):
    d = tmp_path / "d"
    with Store.open(d) as first:
        with Store.open(d) as second:
            assert second.read_only
            assert str(os.getpid()) in second.locked_by
        first.add_client("Ana")
    with Store.open(d) as third:
        assert not third.read_only


def test_read_only_store_sees_the_writers_later_changes(tmp_path):
    d = tmp_path / "d"
    with Store.open(d) as writer:
        writer.add_client("Ana")
        reader = Store.open(d, read_only=True)
        try:
            assert [c.name for c in reader.clients()] == ["Ana"]
            writer.add_client("Bo")
            assert [c.name for c in reader.clients()] == ["Ana", "Bo"]
        finally:
            reader.close()


def test_explicitly_read_only_store_does_not_take_the_lock(tmp_path):
    d = tmp_path / "d"
    Store.open(d).close()
    with Store.open(d, read_only=True) as viewer:
        assert viewer.read_only and viewer.locked_by == ""
        assert "without permission" in viewer.read_only_reason()
        with Store.open(d) as writer:
            assert not writer.read_only


def test_holder_text_is_robust_to_a_garbled_lock_file(tmp_path):
    lock = DataLock(tmp_path)
    (tmp_path / "coach.lock").write_text("not json{")
    assert lock.holder() == "another coach"
    (tmp_path / "coach.lock").write_text("")
    assert lock.holder() == "another coach"
    (tmp_path / "coach.lock").write_text(json.dumps({"pid": 42, "host": "box", "since": "2026-11-23T09:30"}))
    assert lock.holder() == f"coach (process 42 on box, since {short_moment('2026-11-23T09:30', date.today())})"
    assert short_moment("2026-11-23T09:30", date(2026, 11, 25)) == "Mon 23 Nov 09:30"
    assert short_moment("2026-11-23T09:30", date(2026, 11, 24)) == "yesterday 09:30"
    assert short_moment("2026-11-23T09:30", date(2027, 1, 4)) == "Mon 23 Nov 2026 09:30"
    assert short_moment("garbled", date(2026, 11, 24)) == "garbled"


def test_a_full_disk_does_not_turn_the_lock_into_a_phantom_holder(tmp_path, monkeypatch):
    """Writing who holds the lock is cosmetic; failing at it must not leave
    this process holding the flock yet opened read-only."""
    d = tmp_path / "d"
    Store.open(d).close()
    real_write = os.write

    def write(fd, data):
        try:
            name = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            name = ""
        if name.endswith("coach.lock"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    s = Store.open(d)
    monkeypatch.setattr(os, "write", real_write)
    try:
        assert not s.read_only, s.locked_by
        other = DataLock(d)
        assert not other.acquire()  # the lock really is held, by s
    finally:
        s.close()
    other = DataLock(d)
    assert other.acquire()
    other.release()

"""Two users on one machine (issue 8): another user cannot read what coach
wrote, even with links and pipes planted where it writes, and cannot hand
coach a folder of theirs to keep notes in. A folder coach may not write opens
read-only and says so.

Needs root, to be two other users in forked children (os.setuid); skipped
otherwise. Real permissions throughout: nothing here is simulated.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import stat
import tempfile
import traceback
from pathlib import Path

import pytest

from coach.cli import main

VICTIM, ATTACKER = 10001, 10002  # no passwd entry needed
TODAY = "2026-11-23"

pytestmark = pytest.mark.skipif(
    not (hasattr(os, "fork") and hasattr(os, "geteuid") and os.geteuid() == 0),
    reason="needs root to act as two other users",
)


def as_user(uid: int, fn, *args):
    """Run fn(*args) in a forked child as `uid` (groups dropped); its result, stdout and stderr."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        result: dict = {}
        out, err = io.StringIO(), io.StringIO()
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.umask(0o022)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                result["value"] = fn(*args)
        except BaseException:  # reported to the parent, which fails the test
            result["error"] = traceback.format_exc()
        result["out"], result["err"] = out.getvalue(), err.getvalue()
        with os.fdopen(write_end, "w") as f:
            json.dump(result, f, default=str)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as f:
        payload = f.read()
    os.waitpid(pid, 0)
    result = json.loads(payload)
    assert "error" not in result, result["error"]
    return result["value"], result["out"], result["err"]


def coach(*args: str) -> int:
    return main(["--today", TODAY, *args])


@pytest.fixture(scope="module", autouse=True)
def wide_output():
    """Wide enough that no message wraps in the middle of a path; put back
    afterwards, since a COLUMNS left behind reaches every later child process
    (it once made the pty tests draw at 300 columns)."""
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "300"
    yield
    if saved is None:
        os.environ.pop("COLUMNS", None)
    else:
        os.environ["COLUMNS"] = saved


@pytest.fixture(scope="module", autouse=True)
def warm_imports(wide_output, tmp_path_factory):
    """Everything coach imports lazily is imported here first: the children run as
    users who may not read this Python's own files."""
    d = tmp_path_factory.mktemp("warm") / "d"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        coach("--data-dir", str(d), "demo")
        coach("--data-dir", str(d), "status")
        coach("--data-dir", str(d), "review", "--list")
        for fmt in ("json", "markdown", "csv"):
            coach("--data-dir", str(d), "export", "-f", fmt, "-o", str(d.parent / f"e.{fmt}"))
            coach("--data-dir", str(d), "export", "-f", fmt, "-o", str(d.parent / f"e.{fmt}"))  # refused: exists
        coach("--data-dir", str(d), "backup", "-o", str(d.parent / "b.json"))
        coach("--data-dir", str(d), "restore", str(d.parent / "b.json"))
        coach("--data-dir", str(d.parent / "missing" / "x"), "status")
        os.chmod(d, 0o500)
        coach("--data-dir", str(d), "demo")
        os.chmod(d, 0o700)
        import pwd  # noqa: F401  (names owners in messages)


@pytest.fixture
def shared():
    """A folder everyone may write to, sticky like /tmp."""
    folder = Path(tempfile.mkdtemp(prefix="coach-two-users-", dir="/tmp"))
    os.chmod(folder, 0o1777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _plant(shared: Path) -> None:
    loot = shared / "loot"
    loot.write_text("")
    os.chmod(loot, 0o666)
    for name in ("export.md", "out.json"):
        os.symlink(loot, shared / name)
    os.mkfifo(shared / "pipe", 0o666)


def _victim_works(shared: Path) -> list[int]:
    data = str(shared / "mine" / "data")
    return [
        coach("--data-dir", data, "demo"),
        coach("--data-dir", data, "export", "-f", "markdown", "-o", str(shared / "export.md"), "--force"),
        coach("--data-dir", data, "backup", "-o", str(shared / "out.json"), "--force"),
        coach("--data-dir", data, "export", "-o", str(shared / "pipe"), "--force"),
        coach("--data-dir", data, "backup", "-o", str(shared / "kept.json")),
    ]


def _try_to_read(shared: Path) -> dict[str, str]:
    """Every way in the attacker has: what each attempt got."""
    found = {}
    for path in [shared / "mine", shared / "mine" / "data", shared / "mine" / "data" / "coach.json", shared / "kept.json"]:
        try:
            if path.is_dir():
                found[path.name] = "listed: " + ",".join(os.listdir(path))
            else:
                found[path.name] = "read: " + path.read_text()[:20]
        except PermissionError:
            found[path.name] = "denied"
    found["loot"] = (shared / "loot").read_text()
    return found


def test_another_user_reads_nothing_coach_wrote_even_with_planted_links(shared):
    as_user(ATTACKER, _plant, shared)
    codes, _out, err = as_user(VICTIM, _victim_works, shared)
    assert codes == [0, 1, 1, 1, 0], err
    lines = err.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("coach: ") for line in lines), err
    assert "is a link" in lines[0] and "is a link" in lines[1] and "not a regular file" in lines[2]

    got, _, _ = as_user(ATTACKER, _try_to_read, shared)
    assert got == {"mine": "denied", "data": "denied", "coach.json": "denied", "kept.json": "denied", "loot": ""}
    for path in [shared / "mine", *(shared / "mine").rglob("*"), shared / "kept.json"]:
        st = os.lstat(path)
        assert st.st_uid == VICTIM and stat.S_IMODE(st.st_mode) & 0o077 == 0, path


def _prepare_traps(shared: Path) -> None:
    (shared / "coach-demo").mkdir(mode=0o777)
    os.chmod(shared / "coach-demo", 0o777)
    (shared / "mine").mkdir(mode=0o755)
    os.symlink(shared / "mine", shared / "link-to-mine")


def _victim_tries(shared: Path) -> list[int]:
    return [coach("--data-dir", str(shared / name), "demo") for name in ("coach-demo", "link-to-mine", "mine/data")]


def test_a_data_folder_another_user_made_first_is_refused(shared):
    """A data dir in a foreign-owned folder only drew a warning; now it is refused, with the fix."""
    as_user(ATTACKER, _prepare_traps, shared)
    codes, _, err = as_user(VICTIM, _victim_tries, shared)
    assert codes == [1, 1, 1], err
    lines = err.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("coach: ") for line in lines), err
    assert "belongs to uid 10002" in lines[0] and "--data-dir" in lines[0]
    assert "is a link" in lines[1]
    assert "belongs to uid 10002" in lines[2] and "mine" in lines[2]
    assert "chmod 700 /tmp" not in err
    assert os.listdir(shared / "coach-demo") == [] and os.listdir(shared / "mine") == []


def _read_only_folder(shared: Path) -> dict:
    from coach.store import ReadOnlyError, Store

    data = shared / "mine" / "data"
    assert coach("--data-dir", str(data), "demo") == 0
    os.chmod(data, 0o500)
    with Store.open(data) as s:
        result = {"read_only": s.read_only, "cause": s.read_only_cause, "reason": s.read_only_reason(),
                  "clients": len(s.clients())}
        try:
            s.add_client("Bo")
            result["wrote"] = True
        except ReadOnlyError as exc:
            result["wrote"] = str(exc)
    result["status"] = coach("--data-dir", str(data), "status")
    result["demo"] = coach("--data-dir", str(data), "demo")
    os.chmod(data, 0o700)
    return result


def test_a_folder_coach_may_not_write_opens_read_only_and_says_why(shared):
    """A 0500 data dir opened as a writer that failed later."""
    got, _, err = as_user(VICTIM, _read_only_folder, shared)
    assert got["read_only"] is True and got["cause"] == "permission"
    assert "may not write" in got["reason"] and f"chmod 700 {shared / 'mine' / 'data'}" in got["reason"]
    assert got["clients"] > 0 and got["wrote"].startswith("Read-only: coach may not write")
    assert got["status"] == 0
    assert got["demo"] == 1 and "may not write" in err

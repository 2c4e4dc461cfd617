"""A dropped SSH connection, for real: coach runs on a pseudo-terminal whose
master side is closed mid-reflection, and the kernel sends SIGHUP."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a real terminal, a child process or many app runs: not the everyday run

ROOT = Path(__file__).resolve().parent.parent
LAUNCH = (
    "import sys; from datetime import date; from pathlib import Path;"
    "from coach.store import Store; from coach.ui.run import run_app;"
    "sys.exit(run_app(Store.open(Path(sys.argv[1])), date(2026, 11, 23)))"
)


class Terminal:
    """coach on a pty of 80x24, with its output drained so it never blocks."""

    def __init__(self, data_dir: Path) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", PYTHONPATH=str(ROOT))
        env.pop("NO_COLOR", None)

        def controlling_tty() -> None:
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, str(data_dir)],
            stdin=slave, stdout=slave, stderr=slave, env=env,
            start_new_session=True, preexec_fn=controlling_tty, close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output.extend(chunk)

    def wait_for(self, text: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.output:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError(f"never saw {text!r}; output ends {bytes(self.output[-400:])!r}")
            time.sleep(0.05)

    def type(self, keys: str, pause: float = 0.3) -> None:
        os.write(self.master, keys.encode())
        time.sleep(pause)

    def hang_up(self) -> None:
        os.close(self.master)


def drafts(data_dir: Path) -> list[dict]:
    return list(json.loads((data_dir / "drafts.json").read_text()).get("drafts", {}).values())


@pytest.mark.parametrize("how", ["hangup", "sigterm"])
def test_lost_connection_saves_what_was_typed(tmp_path: Path, how: str) -> None:
    data_dir = tmp_path / "data"
    term = Terminal(data_dir)
    try:
        term.wait_for("Reflect")
        term.type("n", 0.8)
        term.type("Gil", 0.3)
        term.type("\x0e", 0.8)  # ctrl+n: a new client named Gil
        term.type("\r", 0.3)
        term.type("\r", 1.0)  # create
        term.wait_for("Step 1 of")
        term.type("4", 0.3)
        term.type("typed just before the line dropped", 0.1)  # well inside the autosave delay
        if how == "hangup":
            term.hang_up()
        else:
            term.proc.send_signal(signal.SIGTERM)
        code = term.proc.wait(timeout=10)
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
    assert code == 0
    [draft] = drafts(data_dir)
    assert draft["reflection"]["beliefs"]["known"] == {"score": 4, "evidence": "typed just before the line dropped"}
    assert not (data_dir / "coach.lock").exists() or _lock_is_free(data_dir)


def _lock_is_free(data_dir: Path) -> bool:
    from coach.lock import DataLock

    lock = DataLock(data_dir)
    try:
        return lock.acquire()
    finally:
        lock.release()

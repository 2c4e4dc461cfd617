"""Colours as a terminal really receives them: coach on a pty at 80x24, its raw
output replayed cell by cell, for each TERM people reach coach with over SSH.

Snapshots render through Textual's own console and did not show that under
NO_COLOR every character went out black on black; only the escape codes do.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from helpers import screen_model

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
LAUNCH = "import sys; from coach.cli import main; sys.exit(main(sys.argv[1:]))"
WIDTH, HEIGHT = 80, 24


class Pty:
    """coach on a pseudo-terminal; everything it writes is kept, so the screen
    can be replayed at any moment."""

    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
        base = {k: v for k, v in os.environ.items()
                # COLUMNS and LINES would override the pty's own size
                if k not in ("NO_COLOR", "COLORTERM", "TERM", "COLUMNS", "LINES") and not k.startswith("TEXTUAL")}
        full_env = {**base, "PYTHONPATH": str(ROOT), "COACH_DATE_ORDER": "day-first", **env}

        def controlling_tty() -> None:
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, "--data-dir", str(data_dir), "--today", "2026-11-23"],
            stdin=slave, stdout=slave, stderr=slave, env=full_env,
            start_new_session=True, preexec_fn=controlling_tty, close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self.last_write = time.monotonic()
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
            self.last_write = time.monotonic()

    def screen(self) -> list[list[screen_model.Cell]]:
        return screen_model.replay(bytes(self.output), WIDTH, HEIGHT)

    def wait_for(self, *texts: str, timeout: float = 20) -> str:
        """Wait until one of `texts` is on screen and the output has gone quiet; return it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            shown = screen_model.text(self.screen())
            found = next((t for t in texts if t in shown), None)
            if found and time.monotonic() - self.last_write > 0.5:
                return found
            time.sleep(0.1)
        raise AssertionError(f"never saw any of {texts!r}; the screen was:\n{screen_model.text(self.screen())}")

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> None:
        if self.proc.poll() is None:
            self.press("\x11")  # ctrl+q
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        os.close(self.master)


def home_then_first_step(term: Pty) -> dict[str, list[list[screen_model.Cell]]]:
    """The screens people look at most: home, and the first step of a reflection."""
    from coach.method import load_method

    screens = {}
    # the demo has commitments due, so the review opens first; ctrl+l leaves it
    for _ in range(5):
        if term.wait_for("Verdict", "Review 1 of") == "Verdict":
            break
        term.press("\x0c")
        time.sleep(1)
    term.wait_for("Verdict")
    screens["home"] = term.screen()
    term.press("n")
    term.wait_for("Which client?")
    term.press("\r")
    term.wait_for(load_method().belief("known").name)
    screens["step"] = term.screen()
    return screens


CASES = {
    "xterm": {"TERM": "xterm"},
    "screen": {"TERM": "screen"},
    "xterm-256color": {"TERM": "xterm-256color"},
    "xterm-256color+truecolor": {"TERM": "xterm-256color", "COLORTERM": "truecolor"},
}


@pytest.fixture
def data_dir(demo_data: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(demo_data, copy)
    return copy


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_color_is_readable_on_every_term(case: str, data_dir: Path) -> None:
    term = Pty(data_dir, {**CASES[case], "NO_COLOR": "1"})
    try:
        screens = home_then_first_step(term)
    finally:
        term.close()
    for name, rows in screens.items():
        # on a light terminal as well as a dark one: nothing may share its background
        for dark in (True, False):
            assert screen_model.unreadable(rows, dark=dark) == [], f"{case}, {name}:\n{screen_model.text(rows)}"
    # NO_COLOR means no colour: the terminal's own foreground on its own background
    assert screen_model.colour_codes(bytes(term.output)) == []
    home = screen_model.text(screens["home"])
    assert "Marcus Bell" in home and "Verdict" in home
    # without colour the cursor row is still told apart: reverse video
    assert any(cell.pen.reverse and cell.char.strip() for row in screens["home"] for cell in row)


def test_sixteen_colours_are_readable(data_dir: Path) -> None:
    term = Pty(data_dir, {"TERM": "xterm"})
    try:
        screens = home_then_first_step(term)
    finally:
        term.close()
    for name, rows in screens.items():
        assert screen_model.unreadable(rows, dark=True) == [], f"{name}:\n{screen_model.text(rows)}"
    codes = screen_model.colour_codes(bytes(term.output))
    assert codes, "16 colours still draw in colour"
    assert not any("38;" in code or "48;" in code for code in codes), "TERM=xterm gets only the 16 named colours"


def test_a_stale_columns_export_does_not_change_the_screen_size(data_dir: Path) -> None:
    """shutil.get_terminal_size believes COLUMNS and LINES over the terminal; an
    exported COLUMNS=300 once drew a 300-column screen into 80 columns, leaving
    dialogs empty. coach asks the terminal."""
    term = Pty(data_dir, {"TERM": "xterm-256color", "COLUMNS": "300", "LINES": "60"})
    try:
        screens = home_then_first_step(term)
    finally:
        term.close()
    home = screen_model.text(screens["home"])
    assert "Marcus Bell" in home and "Verdict" in home
    # the footer is on the last row of 24, not somewhere below it
    assert "Quit" in home.splitlines()[HEIGHT - 1]

"""A whole reflection over a real `ssh localhost` session in tmux at 80x24,
then a dropped connection mid-reflection. Needs sshd, ssh and tmux on the
machine (.ci/run installs them); a throwaway sshd listens on a free loopback
port with keys made for this test only."""

from __future__ import annotations

import getpass
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coach.reflection_form import reflection_form

STEPS = len(reflection_form().steps)

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not (SSHD and shutil.which("ssh") and shutil.which("tmux") and shutil.which("ssh-keygen")),
    reason="needs sshd, ssh, ssh-keygen and tmux (apt-get install openssh-server tmux)",
)]
COACH = str(Path(sys.executable).with_name("coach"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def ssh_command(tmp_path: Path):
    """An sshd of our own on loopback; yields the ssh command line that reaches it."""
    keys = tmp_path / "keys"
    keys.mkdir()
    for name in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / name)], check=True)
    (keys / "authorized_keys").write_text((keys / "client.pub").read_text())
    port = free_port()
    config = keys / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {keys / 'host'}\n"
        f"AuthorizedKeysFile {keys / 'authorized_keys'}\nPasswordAuthentication no\n"
        f"PermitRootLogin yes\nPidFile {keys / 'sshd.pid'}\nStrictModes no\nUsePAM no\n"
    )
    Path("/run/sshd").mkdir(exist_ok=True) if os.geteuid() == 0 else None
    daemon = subprocess.Popen([SSHD, "-D", "-f", str(config), "-E", str(keys / "log")])
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline or daemon.poll() is not None:
                pytest.skip(f"could not start a test sshd: {(keys / 'log').read_text() if (keys / 'log').exists() else ''}")
            time.sleep(0.1)
    yield (
        f"ssh -t -i {keys / 'client'} -p {port} -o StrictHostKeyChecking=no "
        f"-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR {getpass.getuser()}@127.0.0.1"
    )
    daemon.send_signal(signal.SIGTERM)
    daemon.wait(timeout=10)


class Tmux:
    def __init__(self, tmp_path: Path, command: str) -> None:
        self.socket = str(tmp_path / "tmux.sock")
        subprocess.run(["tmux", "-S", self.socket, "new-session", "-d", "-x", "80", "-y", "24", command], check=True)

    def keys(self, *keys: str, pause: float = 0.4) -> None:
        subprocess.run(["tmux", "-S", self.socket, "send-keys", *keys], check=True)
        time.sleep(pause)

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "-S", self.socket, "capture-pane", "-p"], capture_output=True, text=True
        ).stdout

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"never saw {text!r} on screen:\n{self.screen()}")

    def kill(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True)


def records(path: Path, table: str) -> list[dict]:
    return list(json.loads(path.read_text()).get(table, {}).values())


def test_a_whole_reflection_over_ssh_then_a_dropped_connection(tmp_path: Path, ssh_command: str) -> None:
    data = tmp_path / "data"
    remote = f"COACH_DATA_DIR={data} {COACH} --today 2026-11-23"
    term = Tmux(tmp_path, f"TERM=xterm {ssh_command} '{remote}'")
    try:
        term.wait_for("Reflect")
        term.keys("n", pause=0.8)
        term.keys("Dana")
        term.keys("C-n", pause=0.8)
        term.keys("Tab", "Harbour Logistics", "Enter", pause=1.2)
        term.wait_for(f"Step 1 of {STEPS}")
        term.keys(
            "4", "She told me her board wants fewer surprises", "C-n",
            "3", "Asked after her team offsite", "C-n",
            "5", "Thanked me in front of the COO", "C-n",
            "2", "C-n",
            "4", "Stayed after they hired another firm", "C-n",
            "3", "Read their annual report", "C-n",
            "2", "Still send long reports she skims", "C-n", pause=1.0,
        )
        term.wait_for(f"Step 8 of {STEPS}")
        term.keys("y", "p", "Dashboard half built", "Tab", "4", "Asked how my business is going", "C-n", pause=0.8)
        term.keys("w", "We plan the roadmap together", "Tab", "3 weeks ago", "Tab", "Idle analysts", "C-n", pause=0.8)
        term.wait_for(f"Step 10 of {STEPS}")
        term.wait_for("coach proposes: Drifting")
        term.keys("d", "I talk more than I listen", "C-n", pause=0.8)  # the verdict is picked, never assumed
        term.keys("Ask Dana what a good quarter looks like", "Tab", "Tab", "next friday", pause=0.8)
        term.wait_for("Fri 27 Nov (in 4 days)")
        term.keys("C-n", pause=0.8)
        term.wait_for(f"Step 12 of {STEPS}")
        term.keys("C-n", pause=1.0)
        home = term.wait_for("Ask Dana what")
        assert "4352432" in home  # the score strip on the dashboard

        [client] = records(data / "coach.json", "clients")
        history = data / "clients" / f"{client['id']}.json"
        [reflection] = records(history, "reflections")
        [commitment] = records(history, "commitments")
        assert reflection["beliefs"]["known"] == {"score": 4, "evidence": "She told me her board wants fewer surprises"}
        assert reflection["lenses"]["last_partner_meeting"] == "2026-11-02"
        assert (commitment["action"], commitment["due"]) == ("Ask Dana what a good quarter looks like", "2026-11-27")

        # the line drops in the middle of the next reflection: sshd hangs up on coach
        term.keys("n", pause=0.8)
        term.keys("Enter", pause=1.2)
        term.wait_for(f"Step 1 of {STEPS}")
        term.keys("5", "typed just before the connection dropped", pause=0.1)
        term.kill()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            drafts = records(data / "drafts.json", "drafts") if (data / "drafts.json").exists() else []
            if drafts:
                break
            time.sleep(0.2)
        [draft] = drafts
        assert draft["reflection"]["beliefs"]["known"] == {"score": 5, "evidence": "typed just before the connection dropped"}
    finally:
        term.kill()

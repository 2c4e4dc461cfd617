"""Helpers for the core tests: building records, running Python in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from coach.method import BELIEF_KEYS
from coach.models import BeliefScore, Commitment, Reflection

ROOT = Path(__file__).resolve().parents[2]


def child_env(**extra: str) -> dict[str, str]:
    """An environment in which a child `python` imports this source tree."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def run_python(code: str, *, timeout: float = 30, **extra_env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=child_env(**extra_env),
        cwd=str(ROOT),
    )


def spawn_python(code: str, *args: str, **extra_env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-u", "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(**extra_env),
        cwd=str(ROOT),
    )


def reflection(
    client_id: str = "",
    on: str | date = "2026-11-23",
    scores: dict[str, int | None] | int | None = 4,
    evidence: str = "said so on Tuesday",
    **fields,
) -> Reflection:
    """A reflection with every belief scored `scores` (or per key from a dict)."""
    if not isinstance(scores, dict):
        scores = {k: scores for k in BELIEF_KEYS}
    r = Reflection(client_id=client_id, date=on.isoformat() if isinstance(on, date) else on)
    for key in BELIEF_KEYS:
        score = scores.get(key)
        r.beliefs[key] = BeliefScore(score=score, evidence=evidence if score is not None else "")
    for name, value in fields.items():
        if hasattr(r.lenses, name):
            setattr(r.lenses, name, value)
        else:
            setattr(r, name, value)
    return r


def commitment(action: str = "Ask Ana about her quarter", due: str = "2026-12-04", aim: str = "known") -> Commitment:
    return Commitment(action=action, due=due, aim=aim)


def reap(proc: subprocess.Popen, timeout: float = 10) -> tuple[str, str]:
    """Kill `proc` if it still runs, wait for it, and return the rest of its output (closing the pipes)."""
    if proc.poll() is None:
        proc.kill()
    out, err = proc.communicate(timeout=timeout)
    return out or "", err or ""


def run_cli(data: Path, *args: str, today: str = "2026-11-23") -> int:
    """`coach --data-dir DATA --today TODAY ARGS…`, in this process."""
    from coach.cli import main

    return main(["--data-dir", str(data), "--today", today, *args])


def one_sentence(err: str) -> None:
    """What coach prints on stderr when it refuses: one line, never a traceback."""
    assert err.startswith("coach: ") and "Traceback" not in err and "invalid literal" not in err, err

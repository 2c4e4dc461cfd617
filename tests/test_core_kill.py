"""A coach killed with SIGKILL in the middle of saving leaves data that opens.

A child process loops saving drafts and finishing reflections; the test kills
it with SIGKILL at random moments and after every kill checks that the store
opens, every record parses, nothing reported as saved was lost, and counts
never go down.
"""

from __future__ import annotations

import pytest

import os
import random
import signal
import time

from helpers.core_support import reap, spawn_python

from coach.models import Reflection
from coach.store import Store

# child processes killed in a loop: not the everyday run
pytestmark = pytest.mark.slow

WORKER = r"""
import random, sys
from coach.models import BeliefScore, Commitment, Draft, Reflection
from coach.method import BELIEF_KEYS
from coach.store import Store

path, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
s = Store.open(path)
assert not s.read_only, s.locked_by
while len(s.clients()) < 3:
    s.add_client(f"Client {len(s.clients())} — Zoë 東京")
clients = s.clients()
print("ready", flush=True)
n = 0
while True:
    n += 1
    c = rng.choice(clients)
    draft = Draft(client_id=c.id, reflection=Reflection(client_id=c.id, date=f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"))
    for key in BELIEF_KEYS:
        draft.step += 1
        draft.reflection.beliefs[key] = BeliefScore(rng.randint(1, 5), "evidence " * rng.randint(1, 200))
        s.save_draft(draft)
    draft.commitment = Commitment(action=f"Action {n}", due="2026-12-04", aim="known")
    s.save_draft(draft)
    s.finish_reflection(draft.reflection, draft.commitment, draft_id=draft.id)
    print("F", c.id, flush=True)
"""

# COACH_KILL_RUNS raises the count for a long soak, e.g. COACH_KILL_RUNS=300
ITERATIONS = int(os.environ.get("COACH_KILL_RUNS", 30))


def check_store(d) -> dict[str, int]:
    """Open the store as the next coach would and check it holds together."""
    with Store.open(d) as s:
        assert not s.read_only, f"a killed writer left a lock behind: {s.locked_by}"
        counts = {}
        drafts = s.drafts()  # parses every draft
        for client in s.clients(include_archived=True):
            reflections = s.reflections(client.id)  # parses every reflection
            commitments = {c.id for c in s.commitments(client.id)}
            for r in reflections:
                assert isinstance(r, Reflection) and r.client_id == client.id and r.date
                # the commitment is written before its reflection
                assert r.commitment_id in commitments
            # The summary is written after the history and the draft is dropped
            # last: a summary behind its history always has the draft of each
            # missing reflection left over, so finishing it again mends it.
            lag = len(reflections) - client.summary.reflection_count
            ids = {r.id for r in reflections}
            mendable = [dr for dr in drafts if dr.client_id == client.id and dr.reflection.id in ids]
            assert 0 <= lag <= len(mendable), (client.name, len(reflections), client.summary.reflection_count)
            counts[client.id] = len(reflections)
        for draft in drafts:
            assert draft.client_id in counts
    return counts


def test_sigkill_during_saves_leaves_readable_consistent_data(tmp_path):
    d = tmp_path / "coach-data"
    seed = int(os.environ.get("COACH_KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    previous: dict[str, int] = {}
    finished_total = 0
    for i in range(ITERATIONS):
        worker = spawn_python(WORKER, str(d), str(seed + i))
        try:
            line = worker.stdout.readline()
            assert line.strip() == "ready", f"worker {i} did not start (seed {seed}): {line!r} {reap(worker)[1]}"
            time.sleep(rng.uniform(0.0, 0.25))
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        finally:
            out, err = reap(worker)
        assert worker.returncode == -signal.SIGKILL, f"worker {i} ended by itself (seed {seed}): {err}"
        reported: dict[str, int] = {}
        for line in out.splitlines():
            if line.startswith("F "):
                cid = line.split()[1]
                reported[cid] = reported.get(cid, 0) + 1
        finished_total += sum(reported.values())

        counts = check_store(d)

        for cid, before in previous.items():
            assert cid in counts, f"client {cid} vanished after kill {i} (seed {seed})"
        for cid, now in counts.items():
            floor = previous.get(cid, 0) + reported.get(cid, 0)
            # everything reported as saved is there, and at most one unreported finish more
            assert floor <= now <= floor + 1, f"kill {i} (seed {seed}): {cid} has {now}, expected {floor} or {floor + 1}"
        previous = counts
    assert finished_total > 0, "the worker never finished a reflection: the kills proved nothing"



# -- deterministic kills at chosen points ---------------------------------------

# The child saves a first draft, then makes the chosen system call stop dead
# (it says so and sleeps) during the next save, and is killed right there.
STOP_IN_SAVE = r"""
import os, sys, time
from coach.models import Commitment, Draft, Reflection
from coach.store import Store

path, where, nth = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = Store.open(path)
ana = s.clients()[0] if s.clients() else s.add_client("Ana")
s.save_draft(Draft(id="before", client_id=ana.id, step=1, due_text="x" * 5000))
draft = Draft(id="after", client_id=ana.id, step=2, due_text="y" * 5000,
              reflection=Reflection(id="r1", client_id=ana.id, date="2026-11-23"),
              commitment=Commitment(id="c1", action="Call Ana", due="2026-12-04"))
s.save_draft(draft)
real_write, real_replace = os.write, os.replace
calls = {"replace": 0}

def stop():
    print("stopped", flush=True)
    time.sleep(60)

def half_write(fd, data):
    real_write(fd, bytes(data[: len(data) // 2]))
    stop()

def stalled_replace(src, dst):
    calls["replace"] += 1
    if calls["replace"] == nth:
        stop()
    return real_replace(src, dst)

if where == "write":
    os.write = half_write
    s.save_draft(Draft(id="never", client_id=ana.id))
else:
    os.replace = stalled_replace
    s.finish_reflection(draft.reflection, draft.commitment, draft_id=draft.id)
print("not stopped", flush=True)
"""


def _run_until_stopped(d, where: str, nth: int = 0) -> None:
    child = spawn_python(STOP_IN_SAVE, str(d), where, str(nth))
    try:
        line = child.stdout.readline()
        assert line.strip() == "stopped", f"{line!r} {reap(child)[1]}"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        reap(child)


def test_kill_halfway_through_writing_a_file_keeps_the_old_file(tmp_path):
    d = tmp_path / "d"
    _run_until_stopped(d, "write")
    assert [p.name for p in d.glob(".drafts.json.*.tmp")]  # the half-written file
    with Store.open(d, read_only=True) as viewer:
        assert sorted(dr.id for dr in viewer.drafts()) == ["after", "before"]
    assert [p.name for p in d.glob(".drafts.json.*.tmp")]  # a viewer tidies nothing
    with Store.open(d) as s:
        assert not s.read_only
        assert sorted(dr.id for dr in s.drafts()) == ["after", "before"]
        # the writer removes the leftover: it holds client notes and is never data
        assert not list(d.glob(".*.tmp"))
        s.save_draft(s.drafts()[0])  # and the next save works


def test_kill_between_the_writes_of_a_finish_then_finish_again_from_the_draft(tmp_path):
    """finish_reflection writes the client's file (the reflection with its
    commitment, together), the summary, and drops the draft: three files
    replaced in turn. Killed before the client's file landed, the draft
    survives and finishing it again gives one of each; killed after, the next
    writer finishes the bookkeeping (summary, draft) itself."""
    for nth in (1, 2, 3):
        d = tmp_path / f"d{nth}"
        _run_until_stopped(d, "finish", nth)
        with Store.open(d) as s:
            ana = s.clients()[0]
            drafts = {dr.id: dr for dr in s.drafts()}
            landed = len(s.reflections(ana.id))
            assert landed == (1 if nth > 1 else 0)
            assert len(s.commitments(ana.id)) == landed  # never one without the other
            if landed:
                assert "after" not in drafts, f"finished draft offered again after write {nth}"
                assert s.client(ana.id).summary.reflection_count == 1
            else:
                assert "after" in drafts, f"draft lost when killed before write {nth}"
                draft = drafts["after"]
                s.finish_reflection(draft.reflection, draft.commitment, draft_id=draft.id)
            assert [r.id for r in s.reflections(ana.id)] == ["r1"]
            assert [c.id for c in s.commitments(ana.id)] == ["c1"]
            assert s.client(ana.id).summary.reflection_count == 1
            assert [dr.id for dr in s.drafts()] == ["before"]

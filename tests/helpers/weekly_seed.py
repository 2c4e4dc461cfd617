"""A small known portfolio for the home and review tests, seen from Monday 2026-11-23.

- Ana Lima (Acme): reflected 9 and 16 Nov, scores fell from 4 to 3 (average
  -1.0), verdict drifting; her commitment was due Friday 20 Nov: 3 days overdue.
- Bo Chen (Beta): reflected 2 Nov, thriving, all 5s; commitment due Friday 4 Dec.
- Carla Diaz: added 2 Nov, never reflected on, nothing committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from coach.method import BELIEF_KEYS
from coach.models import BeliefScore, Commitment, Reflection
from coach.store import Store

TODAY = date(2026, 11, 23)  # a Monday


def reflection(client_id: str, on: str, score: int, verdict: str) -> Reflection:
    r = Reflection(client_id=client_id, date=on, verdict=verdict)
    for key in BELIEF_KEYS:
        r.beliefs[key] = BeliefScore(score=score, evidence="said so in the weekly call")
    return r


@dataclass
class Portfolio:
    ana: str
    bo: str
    carla: str
    ana_commitment: str
    bo_commitment: str


def seed(data_dir: Path) -> Portfolio:
    with Store.open(data_dir) as store:
        ana = store.add_client("Ana Lima", "Acme", on=date(2026, 10, 1))
        bo = store.add_client("Bo Chen", "Beta", on=date(2026, 10, 1))
        carla = store.add_client("Carla Diaz", on=date(2026, 11, 2))
        store.finish_reflection(reflection(ana.id, "2026-11-09", 4, "steady"), None)
        ana_commitment = Commitment(action="Ask Ana what a good quarter is", aim="known", due="2026-11-20")
        store.finish_reflection(reflection(ana.id, "2026-11-16", 3, "drifting"), ana_commitment)
        bo_commitment = Commitment(action="Share the [bold]roadmap[/bold] draft", aim="meeting", due="2026-12-04")
        store.finish_reflection(reflection(bo.id, "2026-11-02", 5, "thriving"), bo_commitment)
    return Portfolio(ana.id, bo.id, carla.id, ana_commitment.id, bo_commitment.id)


def stored_commitment(data_dir: Path, client_id: str, commitment_id: str) -> Commitment:
    """Read back from disk through a fresh read-only store."""
    with Store.open(data_dir, read_only=True) as store:
        return next(c for c in store.commitments(client_id) if c.id == commitment_id)

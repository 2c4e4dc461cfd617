"""The method coach teaches: seven beliefs, four lenses, verdicts, outcomes.

Loaded from data/method.json so the wording lives in one place and ships with
the app.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from coach.resources import data_file


@dataclass(frozen=True)
class Belief:
    key: str
    name: str
    feel: str
    prompts: tuple[str, ...]
    ask: str = ""  # the belief put to the client in the first person, for a check-in (`coach ask`)


@dataclass(frozen=True)
class Lens:
    key: str
    name: str
    question: str
    note: str


@dataclass(frozen=True)
class Choice:
    key: str
    name: str
    meaning: str = ""


@dataclass(frozen=True)
class Method:
    scale_question: str
    scale_labels: dict[int, str]
    beliefs: tuple[Belief, ...]
    lenses: tuple[Lens, ...]
    agreement: tuple[Choice, ...]
    with_or_for: tuple[Choice, ...]
    verdicts: tuple[Choice, ...]
    outcomes: tuple[Choice, ...]
    both_ways: str = ""  # the check-in's last question: do we care about each other's business?

    def belief(self, key: str) -> Belief:
        return next(b for b in self.beliefs if b.key == key)

    @property
    def belief_keys(self) -> tuple[str, ...]:
        return tuple(b.key for b in self.beliefs)

    def aim_name(self, key: str) -> str:
        """The name of a belief or lens a commitment aims at."""
        for item in (*self.beliefs, *self.lenses):
            if item.key == key:
                return item.name
        return key

    def verdict_name(self, key: str | None) -> str:
        for v in self.verdicts:
            if v.key == key:
                return v.name
        return ""

    def outcome_name(self, key: str | None) -> str:
        for o in self.outcomes:
            if o.key == key:
                return o.name
        return "Open"


@lru_cache(maxsize=1)
def load_method() -> Method:
    raw = json.loads(data_file("method.json").read_text(encoding="utf-8"))
    return Method(
        scale_question=raw["scale"]["question"],
        scale_labels={int(k): v for k, v in raw["scale"]["labels"].items()},
        beliefs=tuple(
            Belief(b["key"], b["name"], b["feel"], tuple(b["prompts"]), b.get("ask", b["feel"])) for b in raw["beliefs"]
        ),
        lenses=tuple(Lens(l["key"], l["name"], l["question"], l["note"]) for l in raw["lenses"]),
        agreement=tuple(Choice(k, v) for k, v in raw["agreement"].items()),
        with_or_for=tuple(Choice(k, v) for k, v in raw["with_or_for"].items()),
        verdicts=tuple(Choice(v["key"], v["name"], v["meaning"]) for v in raw["verdicts"]),
        outcomes=tuple(Choice(o["key"], o["name"]) for o in raw["outcomes"]),
        both_ways=raw.get("check_in", {}).get("both_ways", ""),
    )


BELIEF_KEYS = ("known", "cared", "valued", "faith", "committed", "curious", "adaptive")
VERDICT_KEYS = ("thriving", "steady", "drifting", "at_risk")
OUTCOME_KEYS = ("done", "partly", "not_done", "dropped")
LENS_KEYS = ("partners", "reciprocity", "meeting", "with")

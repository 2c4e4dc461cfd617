"""The records coach keeps, as plain dataclasses that round-trip through JSON.

Every record has a UUID string id so data from two machines can be merged, and
every date is an ISO date string (YYYY-MM-DD): a reflection happens on a day,
whatever time zone the remote server is in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from typing import Any

from coach.method import BELIEF_KEYS


def new_id() -> str:
    return str(uuid.uuid4())


def now_stamp() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def plain(value: Any) -> Any:
    """A record as JSON-ready dicts and lists: what dataclasses.asdict gives for
    these records (their leaves are str, int, bool and None), several times
    faster, which an export of ten years of reflections notices."""
    names = _FIELD_NAMES.get(type(value))
    if names is None and hasattr(type(value), "__dataclass_fields__"):
        names = _FIELD_NAMES[type(value)] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


_SHAPES: dict[type, tuple[str, ...]] = {}


def _shape(cls) -> tuple[str, ...]:
    """The keys of a record as coach writes it, in order."""
    shape = _SHAPES.get(cls)
    if shape is None:
        shape = _SHAPES[cls] = tuple(cls().to_dict())
    return shape


def as_written(cls, raw: dict[str, Any]) -> dict[str, Any]:
    """`cls.from_dict(raw).to_dict()` for a record that passed the schema check,
    without building the object when `raw` already has exactly that shape (the
    shape coach writes): an export reads ten years of records this way."""
    shape = _shape(cls)
    keys = tuple(raw)
    if keys == shape and _nested_as_written(cls, raw):
        return raw
    if cls is Reflection and keys == shape[:-1] and _nested_as_written(cls, raw, answers=False):
        # written before check-ins: the same record with no answers
        return {**raw, "client_answers": no_answers()}
    return cls.from_dict(raw).to_dict()


_BELIEF_SHAPE = ("score", "evidence")
_ANSWER_SHAPE = ("score", "words")
_ANSWERS_SHAPE = ("asked_on", "beliefs", "both_ways")


def _nested_as_written(cls, raw: dict[str, Any], *, answers: bool = True) -> bool:
    # a plain loop, not all() over a generator: this runs for every reflection of an export
    if cls is Reflection:
        beliefs, lenses = raw["beliefs"], raw["lenses"]
        if type(beliefs) is not dict or tuple(beliefs) != BELIEF_KEYS:
            return False
        for b in beliefs.values():
            if type(b) is not dict or tuple(b) != _BELIEF_SHAPE:
                return False
        if type(lenses) is not dict or tuple(lenses) != _LENS_FIELDS:
            return False
        return not answers or _answers_as_written(raw["client_answers"])
    if cls is Commitment:
        return all(isinstance(r, dict) for r in raw["reschedules"])
    return False


def _answers_as_written(raw: Any) -> bool:
    if type(raw) is not dict or tuple(raw) != _ANSWERS_SHAPE:
        return False
    beliefs, both = raw["beliefs"], raw["both_ways"]
    if type(beliefs) is not dict or tuple(beliefs) != BELIEF_KEYS:
        return False
    for a in beliefs.values():
        if type(a) is not dict or tuple(a) != _ANSWER_SHAPE:
            return False
    return type(both) is dict and tuple(both) == _ANSWER_SHAPE


_KNOWN: dict[type, frozenset[str]] = {}


def _known(cls, raw: dict[str, Any]) -> dict[str, Any]:
    """Only the fields this version knows, so extra keys from a newer file do not crash."""
    names = _KNOWN.get(cls)
    if names is None:
        names = _KNOWN[cls] = frozenset(f.name for f in fields(cls))
    return {k: v for k, v in raw.items() if k in names}


def from_checked(cls, raw: dict[str, Any]) -> Any:
    """`cls.from_dict(raw)` for a record that passed the schema check: when it has
    exactly the shape coach writes, built without converting each value again
    (a history of ten years is read this way)."""
    if tuple(raw) != _shape(cls) or not _nested_as_written(cls, raw):
        return cls.from_dict(raw)
    record = cls.__new__(cls)
    record.__dict__.update(raw)
    if cls is Reflection:
        record.beliefs = {k: BeliefScore(b["score"], b["evidence"]) for k, b in raw["beliefs"].items()}
        record.lenses = PartnershipLenses(**raw["lenses"])
        record.verdict_reasons = list(raw["verdict_reasons"])
        answers = raw["client_answers"]
        record.client_answers = ClientAnswers(
            answers["asked_on"], {k: Answer(a["score"], a["words"]) for k, a in answers["beliefs"].items()},
            Answer(answers["both_ways"]["score"], answers["both_ways"]["words"]))
    else:
        record.reschedules = [dict(r) for r in raw["reschedules"]]
    return record


@dataclass
class BeliefScore:
    score: int | None = None
    evidence: str = ""

    @property
    def is_guess(self) -> bool:
        """A score without evidence is a guess: the method asks for a moment, a fact."""
        return self.score is not None and not self.evidence.strip()

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> "BeliefScore":
        raw = raw or {}
        score = raw.get("score")
        return cls(score=int(score) if score is not None else None, evidence=str(raw.get("evidence", "")))


@dataclass
class Answer:
    """One answer the client gave in a check-in: their own score and, if they wrote one, their words."""

    score: int | None = None
    words: str = ""

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> "Answer":
        raw = raw or {}
        score = raw.get("score")
        return cls(score=int(score) if score is not None else None, words=str(raw.get("words", "")))


@dataclass
class ClientAnswers:
    """The client's own answers to a check-in (`coach ask`), kept on a reflection
    beside the professional's guesses. asked_on is "" until something is recorded;
    any answer may be missing (the client skipped it)."""

    asked_on: str = ""
    beliefs: dict[str, Answer] = field(default_factory=lambda: {key: Answer() for key in BELIEF_KEYS})
    both_ways: Answer = field(default_factory=Answer)  # "do we care about each other's business?"

    @property
    def given(self) -> bool:
        return any(a.score is not None or a.words.strip() for a in (*self.beliefs.values(), self.both_ways))

    @staticmethod
    def given_in(raw: dict[str, Any]) -> bool:
        """`given` of a stored check-in (a checked dict), without building it: a summary reads every one."""
        answers = [*(raw.get("beliefs") or {}).values(), raw.get("both_ways") or {}]
        return any(a.get("score") is not None or str(a.get("words", "")).strip() for a in answers)

    def scores(self) -> dict[str, int | None]:
        return {key: self.beliefs[key].score for key in BELIEF_KEYS}

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> "ClientAnswers":
        raw = raw or {}
        beliefs = raw.get("beliefs") or {}
        return cls(asked_on=str(raw.get("asked_on", "")),
                   beliefs={key: Answer.from_dict(beliefs.get(key)) for key in BELIEF_KEYS},
                   both_ways=Answer.from_dict(raw.get("both_ways")))


def no_answers() -> dict[str, Any]:
    """ClientAnswers().to_dict(), built fresh: what a reflection without a check-in holds."""
    return {"asked_on": "", "beliefs": {key: {"score": None, "words": ""} for key in BELIEF_KEYS},
            "both_ways": {"score": None, "words": ""}}


@dataclass
class Reading:
    """A metric's value as it stood on a day."""

    on: str = ""  # ISO date
    value: str = ""

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "Reading":
        return cls(on=str(raw.get("on", "")), value=str(raw.get("value", "")))


@dataclass
class Metric:
    name: str
    target: str = ""
    current: str = ""
    #: every value `current` has had, with the day it was written, oldest first
    history: list[Reading] = field(default_factory=list)

    def record(self, value: str, on: str) -> None:
        """Set the current value, keeping the old one in the history (one reading per day)."""
        self.current = value
        if not value:
            return
        if self.history and self.history[-1].on == on:
            self.history[-1] = Reading(on, value)
        elif not self.history or self.history[-1].value != value:
            self.history.append(Reading(on, value))

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "Metric":
        data = _known(cls, raw)
        data["history"] = [Reading.from_dict(r) for r in data.get("history", [])]
        return cls(**data)


DECISION_CHOICES = ("keep", "exit", "let_go")


@dataclass
class Decision:
    """What the user decided when the order-taker signals lined up for a client."""

    id: str = field(default_factory=new_id)
    on: str = ""  # ISO date
    choice: str = ""  # keep (work on it) / exit (plan an exit) / let_go (archive the client)
    reason: str = ""
    lesson: str = ""  # what letting go taught, for the next client
    signals: list[str] = field(default_factory=list)  # the signal keys that called for it
    commitment_id: str = ""  # the commitment aimed at the partnership, when kept

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "Decision":
        data = _known(cls, raw)
        data["signals"] = [str(s) for s in data.get("signals", [])]
        return cls(**data)


#: What a note between sessions records, in the order the app offers them.
NOTE_KINDS = {
    "said": "something they said",
    "did": "something they did",
    "referral": "a referral",
    "ignored": "advice ignored",
    "interest": "interest in your business",
    "other": "other",
}
#: the same in a table column's 14 cells
NOTE_KIND_WORDS = {"said": "they said", "did": "they did", "referral": "referral", "ignored": "advice ignored",
                   "interest": "interest", "other": "other"}


@dataclass
class Note:
    """A moment with a client noted between reflections, to use as evidence next time."""

    id: str = field(default_factory=new_id)
    client_id: str = ""
    on: str = ""  # ISO date of the moment
    kind: str = "other"  # a NOTE_KINDS key
    text: str = ""
    created_at: str = ""

    @property
    def kind_name(self) -> str:
        return NOTE_KINDS.get(self.kind, "other")

    @property
    def kind_word(self) -> str:
        return NOTE_KIND_WORDS.get(self.kind, "other")

    def to_dict(self) -> dict[str, Any]:
        return plain(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "Note":
        return cls(**_known(cls, raw))


@dataclass
class PartnershipLenses:
    objectives_agreed: str = ""  # yes / partly / no, "" when not answered
    metrics_tracked: str = ""
    partners_notes: str = ""
    reciprocity: int | None = None  # 1-5: does the client care about you too?
    reciprocity_evidence: str = ""
    with_or_for: str = ""  # with / mixed / for
    with_or_for_notes: str = ""
    last_partner_meeting: str = ""  # ISO date or ""
    unused_capacity: str = ""
    further_topics: str = ""
    better_ways: str = ""

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> "PartnershipLenses":
        return cls(**_known(cls, raw or {}))


@dataclass
class Commitment:
    id: str = field(default_factory=new_id)
    client_id: str = ""
    reflection_id: str = ""
    action: str = ""
    aim: str = ""  # a belief key or a lens key
    made_on: str = ""
    due: str = ""
    status: str = "open"  # open / done / partly / not_done / dropped
    what_happened: str = ""
    learned: str = ""
    reviewed_on: str = ""
    reschedules: list[dict[str, str]] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def to_dict(self) -> dict[str, Any]:
        return plain(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "Commitment":
        data = _known(cls, raw)
        data["reschedules"] = [dict(r) for r in data.get("reschedules", [])]
        return cls(**data)


@dataclass
class Reflection:
    id: str = field(default_factory=new_id)
    client_id: str = ""
    date: str = ""
    beliefs: dict[str, BeliefScore] = field(
        default_factory=lambda: {key: BeliefScore() for key in BELIEF_KEYS}
    )
    lenses: PartnershipLenses = field(default_factory=PartnershipLenses)
    proposed_verdict: str = ""
    verdict_reasons: list[str] = field(default_factory=list)
    verdict: str = ""
    verdict_why: str = ""
    commitment_id: str = ""
    created_at: str = ""
    edited_at: str = ""
    # last, so a reflection written before check-ins existed only lacks the final key (as_written)
    client_answers: ClientAnswers = field(default_factory=ClientAnswers)

    def scores(self) -> dict[str, int | None]:
        return {key: self.beliefs[key].score for key in BELIEF_KEYS}

    def to_dict(self) -> dict[str, Any]:
        return plain(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "Reflection":
        data = _known(cls, raw)
        beliefs = raw.get("beliefs") or {}
        data["beliefs"] = {key: BeliefScore.from_dict(beliefs.get(key)) for key in BELIEF_KEYS}
        data["lenses"] = PartnershipLenses.from_dict(raw.get("lenses"))
        data["verdict_reasons"] = list(data.get("verdict_reasons", []))
        data["client_answers"] = ClientAnswers.from_dict(raw.get("client_answers"))
        return cls(**data)


def no_partnership() -> dict[str, Any]:
    """A summary's share of the partnership figures before any reflection (see store.partnership_of)."""
    return {"check_ins": [], "lenses": [], "reciprocity": [], "with_or_for": [], "one_way": "",
            "signals": [], "signals_since": "", "works": {"tallies": {}, "worked": {}}}


@dataclass
class ClientSummary:
    """What home and `coach status` need, kept beside the client so they never
    have to read the whole history."""

    last_reflection_on: str = ""
    last_verdict: str = ""
    last_scores: dict[str, int | None] = field(default_factory=dict)
    previous_scores: dict[str, int | None] = field(default_factory=dict)
    reflection_count: int = 0
    reflection_dates: list[str] = field(default_factory=list)
    open_commitments: list[dict[str, Any]] = field(default_factory=list)
    last_commitment: dict[str, Any] = field(default_factory=dict)
    #: the stamp (inode, size, mtime_ns) of the client file this was built from,
    #: [] when the client had no file: a summary whose stamp no longer matches is rebuilt
    file: list[int] = field(default_factory=list, compare=False)
    #: the sha256 of that file's bytes when they passed the schema check ("" when
    #: not known): the same bytes are not checked again (AtomicJSONStorage)
    file_sha256: str = field(default="", compare=False)
    last_partner_talk: str = ""  # ISO date: the latest partner conversation across the history
    last_asked_on: str = ""  # ISO date: when the client last answered a check-in
    #: the partnership figures `coach insights`, the portfolio and a history read, kept current
    #: at every save so none of them reads a history to show them (see store.partnership_of)
    partnership: dict[str, Any] = field(default_factory=no_partnership)

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> "ClientSummary":
        data = _known(cls, raw or {})
        for key in ("last_scores", "previous_scores", "last_commitment"):
            data[key] = dict(data.get(key) or {})
        data["reflection_dates"] = list(data.get("reflection_dates", []))
        data["open_commitments"] = [dict(c) for c in data.get("open_commitments", [])]
        if "partnership" in data:
            data["partnership"] = dict(data["partnership"] or {})
        data["file"] = list(data.get("file") or [])
        return cls(**data)


@dataclass
class Client:
    id: str = field(default_factory=new_id)
    name: str = ""
    organisation: str = ""
    notes: str = ""
    created_on: str = ""
    archived: bool = False
    objectives: list[str] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    summary: ClientSummary = field(default_factory=ClientSummary)
    # your side of the partnership: what you want from it, and what you would share
    # about your own business at the next partner talk
    our_objective: str = ""
    to_share: str = ""
    decisions: list[Decision] = field(default_factory=list)  # oldest first

    @property
    def label(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation else self.name

    def to_dict(self) -> dict[str, Any]:
        return plain(self)

    def to_dict_without_summary(self) -> dict[str, Any]:
        """What an export keeps of the client: the summary is worked out from its
        history (and at ten years its list of dates is most of the client)."""
        return {f.name: plain(getattr(self, f.name)) for f in fields(self) if f.name != "summary"}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "Client":
        data = _known(cls, raw)
        data["objectives"] = [str(o) for o in data.get("objectives", [])]
        data["metrics"] = [Metric.from_dict(m) for m in data.get("metrics", [])]
        data["decisions"] = [Decision.from_dict(d) for d in data.get("decisions", [])]
        data["summary"] = ClientSummary.from_dict(raw.get("summary"))
        data["archived"] = bool(data.get("archived", False))
        return cls(**data)


@dataclass
class Draft:
    """An unfinished reflection: saved after every step so nothing typed is lost."""

    id: str = field(default_factory=new_id)
    client_id: str = ""
    step: int = 0
    reflection: Reflection = field(default_factory=Reflection)
    commitment: Commitment = field(default_factory=Commitment)
    due_text: str = ""
    started_at: str = ""
    updated_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return plain(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "Draft":
        data = _known(cls, raw)
        data["reflection"] = Reflection.from_dict(raw.get("reflection") or {})
        data["commitment"] = Commitment.from_dict(raw.get("commitment") or {})
        return cls(**data)


_LENS_FIELDS = tuple(f.name for f in fields(PartnershipLenses))

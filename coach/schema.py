"""One check for every record coach keeps, used on every read and every restore.

A record that does not fit is refused with a sentence that names the record
and the field, never coerced: a score of "4.7" or a name of 42 is a sign that
something other than coach wrote the file, and guessing would hide it.

Hand-written rather than a schema library: the records are a handful of flat
dataclasses, the rules (a score 1-5 or null, an ISO date or "", a key from the
method) are a few lines each here, the messages can speak the user's words,
and `coach status` pays no import cost (pydantic alone costs more to import
than the whole of `coach status` takes today).

What is not checked: fields this version does not know (a newer coach may add
some; they are ignored, as `models._known` ignores them).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any, Callable, Iterable

from coach.decisions import SIGNALS
from coach.method import BELIEF_KEYS, LENS_KEYS, OUTCOME_KEYS, VERDICT_KEYS
from coach.models import DECISION_CHOICES, NOTE_KINDS
from coach.partnership import RECENT

#: The version of the files' layout; a file from a newer coach is refused.
SCHEMA_VERSION = 1

#: Limits, in characters. Every text is a note, and 20,000 characters is about
#: eight pages of one; a name (client, organisation, metric) is meant to be a
#: line, but the app's own tests type names of thousands of characters, so it
#: may run to 10,000. The limits keep one huge paste (or a hand-edited file)
#: from making every launch slow, not style.
NAME_MAX = 10_000
TEXT_MAX = 20_000
ID_MAX = 64
#: Items in one list (objectives, metrics, verdict reasons, reschedules).
LIST_MAX = 1_000
#: A draft's step: the reflection screen clamps it to its own steps.
STEP_MAX = 99
#: Records in one file: far beyond ten years of weekly reflections.
RECORDS_MAX = 100_000

AGREEMENT_KEYS = ("yes", "partly", "no")
WITH_OR_FOR_KEYS = ("with", "mixed", "for")
STATUS_KEYS = ("open", *OUTCOME_KEYS)
AIM_KEYS = (*BELIEF_KEYS, *LENS_KEYS)

#: A record id: UUID-like, safe as a file name on any system, never hidden.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


class RecordProblem(ValueError):
    """A record that does not fit: `record` names it, `message` says what is wrong."""

    def __init__(self, record: str, message: str) -> None:
        self.record = record
        self.message = message
        super().__init__(f"{record}: {message}")


def is_id(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= ID_MAX and bool(ID_PATTERN.match(value))


def is_day(value: Any) -> bool:
    if not isinstance(value, str) or not _DAY.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a record"
    return type(value).__name__


def _show(value: Any) -> str:
    """A value for a message, as JSON writes it: short, never the whole of a huge text."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, str):
        if len(value) > 40:
            return f"a text of {len(value):,} characters"
        return repr(value)
    if isinstance(value, (list, dict)):
        return _kind(value)
    return repr(value)


def too_long(what: str, text: str, limit: int = TEXT_MAX) -> str | None:
    """A text over the length coach keeps, in a sentence naming it as the
    user knows it (the check on saving names only where it lives in the file)."""
    if len(text) <= limit:
        return None
    return (f"{what[0].upper()}{what[1:]} is {len(text):,} characters long; coach keeps at most {limit:,}. "
            "Shorten it, or keep the rest in a file of your own.")


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


class _Record:
    """The fields of one record, checked one by one; the first misfit raises."""

    def __init__(self, raw: Any, record: str, prefix: str = "", *, typed_days: bool = False) -> None:
        if not isinstance(raw, dict):
            where = f"“{prefix.rstrip('.')}”" if prefix else "it"
            raise RecordProblem(record, f"{where} is {_kind(raw)}, but it must be a record")
        self.raw = raw
        self.record = record
        self.prefix = prefix
        #: in a draft a date field may hold what was typed before it read as a date
        self.typed_days = typed_days

    def fail(self, key: str, message: str) -> None:
        raise RecordProblem(self.record, f"“{self.prefix}{key}” {message}")

    def has(self, key: str) -> bool:
        return key in self.raw

    def text(self, key: str, limit: int = TEXT_MAX, *, required: bool = False, present: bool = False) -> None:
        """A text up to `limit`; `required`: there and not blank; `present`: there, maybe empty."""
        if key not in self.raw:
            if required or present:
                self.fail(key, "is missing")
            return
        value = self.raw[key]
        if not isinstance(value, str):
            self.fail(key, f"is {_show(value)} ({_kind(value)}), but it must be text")
        if len(value) > limit:
            self.fail(key, f"is {len(value):,} characters long; coach keeps at most {limit:,}")
        if required and not value.strip():
            self.fail(key, "is empty")

    def ident(self, key: str, *, required: bool = False, equals: str | None = None) -> None:
        if key not in self.raw:
            if required:
                self.fail(key, "is missing")
            return
        value = self.raw[key]
        if value == "" and not required:
            return
        if not is_id(value):
            self.fail(key, f"is {_show(value)}, but an id is up to {ID_MAX} letters, digits, '-' or '_'")
        if equals is not None and value != equals:
            self.fail(key, f"is {_show(value)}, but this record belongs to {equals!r}")

    def day(self, key: str) -> None:
        if self.typed_days:
            self.text(key)
            return
        value = self.raw.get(key, "")
        if value != "" and not is_day(value):
            self.fail(key, f"is {_show(value)}, but a date is written YYYY-MM-DD (or left empty)")

    def stamp(self, key: str) -> None:
        value = self.raw.get(key, "")
        if value == "":
            return
        ok = isinstance(value, str) and len(value) <= 40
        if ok:
            try:
                datetime.fromisoformat(value)
            except ValueError:
                ok = False
        if not ok:
            self.fail(key, f"is {_show(value)}, but a time is written like 2026-11-23T09:30:00+00:00 (or left empty)")

    def choice(self, key: str, allowed: tuple[str, ...], *, empty: bool = True, default: str = "") -> None:
        value = self.raw.get(key, default)
        if value == "" and empty:
            return
        if not isinstance(value, str) or value not in allowed:
            options = ", ".join(allowed) + (" (or empty)" if empty else "")
            self.fail(key, f"is {_show(value)}, but it must be one of: {options}")

    def score(self, key: str) -> None:
        value = self.raw.get(key)
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            self.fail(key, f"is {_show(value)}, but a score is a whole number from 1 to 5, or null")

    def flag(self, key: str) -> None:
        value = self.raw.get(key, False)
        if not isinstance(value, bool):
            self.fail(key, f"is {_show(value)}, but it must be true or false")

    def whole(self, key: str, low: int, high: int) -> None:
        value = self.raw.get(key, low)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(key, f"is {_show(value)}, but it must be a whole number from {low} to {high}")

    def items(self, key: str, each: Callable[[Any, str], None]) -> None:
        value = self.raw.get(key, [])
        if not isinstance(value, list):
            self.fail(key, f"is {_show(value)} ({_kind(value)}), but it must be a list")
        if len(value) > LIST_MAX:
            self.fail(key, f"holds {len(value):,} items; coach keeps at most {LIST_MAX:,}")
        for n, item in enumerate(value, start=1):
            each(item, f"{self.prefix}{key}[{n}]")

    def nested(self, key: str, *, nullable: bool = True) -> "_Record | None":
        value = self.raw.get(key)
        if value is None and nullable:
            return None
        return _Record(value, self.record, f"{self.prefix}{key}.", typed_days=self.typed_days)


def _text_item(limit: int, record: str) -> Callable[[Any, str], None]:
    def check(item: Any, where: str) -> None:
        if not isinstance(item, str):
            raise RecordProblem(record, f"“{where}” is {_show(item)} ({_kind(item)}), but it must be text")
        if len(item) > limit:
            raise RecordProblem(record, f"“{where}” is {len(item):,} characters long; coach keeps at most {limit:,}")
    return check


# -- what each record is called in a message ---------------------------------------


def describe_client(raw: Any, n: int | None = None) -> str:
    if isinstance(raw, dict):
        name, cid = raw.get("name"), raw.get("id")
        if isinstance(name, str) and name.strip() and len(name) <= NAME_MAX:
            return f"the client “{_short(name)}”"
        if is_id(cid):
            return f"the client with id {cid}"
    return f"client record {n}" if n is not None else "a client record"


def describe_reflection(raw: Any, n: int | None = None) -> str:
    if isinstance(raw, dict):
        day, rid = raw.get("date"), raw.get("id")
        ident = f" (id {rid})" if is_id(rid) else ""
        if is_day(day):
            return f"the reflection of {day}{ident}"
        if ident:
            return f"the reflection with id {rid}"
    return f"reflection record {n}" if n is not None else "a reflection record"


def describe_commitment(raw: Any, n: int | None = None) -> str:
    if isinstance(raw, dict):
        action, cid = raw.get("action"), raw.get("id")
        ident = f" (id {cid})" if is_id(cid) else ""
        if isinstance(action, str) and action.strip():
            return f"the commitment “{_short(action)}”{ident}"
        if ident:
            return f"the commitment with id {cid}"
    return f"commitment record {n}" if n is not None else "a commitment record"


def describe_note(raw: Any, n: int | None = None) -> str:
    if isinstance(raw, dict):
        text, nid = raw.get("text"), raw.get("id")
        ident = f" (id {nid})" if is_id(nid) else ""
        if isinstance(text, str) and text.strip():
            return f"the note “{_short(text)}”{ident}"
        if ident:
            return f"the note with id {nid}"
    return f"note record {n}" if n is not None else "a note record"


def describe_draft(raw: Any, n: int | None = None) -> str:
    if isinstance(raw, dict) and is_id(raw.get("id")):
        return f"the unfinished reflection with id {raw['id']}"
    return f"unfinished reflection record {n}" if n is not None else "an unfinished reflection record"


# -- the records ---------------------------------------------------------------------


def check_client(raw: Any, record: str | None = None) -> None:
    """A client's own fields (the summary is derived and checked apart)."""
    record = record or describe_client(raw)
    r = _Record(raw, record)
    r.ident("id", required=True)
    r.text("name", NAME_MAX, required=True)
    r.text("organisation", NAME_MAX)
    r.text("notes")
    r.day("created_on")
    r.flag("archived")
    r.items("objectives", _text_item(TEXT_MAX, record))
    r.items("metrics", lambda item, where: _metric(item, record, where))
    r.text("our_objective")
    r.text("to_share")
    r.items("decisions", lambda item, where: _decision(item, record, where))


def _metric(raw: Any, record: str, where: str) -> None:
    m = _Record(raw, record, f"{where}.")
    m.text("name", NAME_MAX, present=True)
    m.text("target", TEXT_MAX)
    m.text("current", TEXT_MAX)
    m.items("history", lambda item, at: _reading(item, record, at))


def _reading(raw: Any, record: str, where: str) -> None:
    r = _Record(raw, record, f"{where}.")
    r.day("on")
    r.text("value", TEXT_MAX)


def _decision(raw: Any, record: str, where: str) -> None:
    d = _Record(raw, record, f"{where}.")
    d.ident("id", required=True)
    d.day("on")
    d.choice("choice", DECISION_CHOICES, empty=False)
    d.text("reason")
    d.text("lesson")
    d.items("signals", _text_item(NAME_MAX, record))
    d.ident("commitment_id")


def check_reflection(raw: Any, record: str | None = None, *, client_id: str | None = None, prefix: str = "",
                     typed_days: bool = False) -> None:
    record = record or describe_reflection(raw)
    r = _Record(raw, record, prefix, typed_days=typed_days)
    r.ident("id", required=True)
    r.ident("client_id", equals=client_id)
    r.day("date")
    beliefs = r.nested("beliefs")
    if beliefs is not None:
        for key in BELIEF_KEYS:
            belief = beliefs.nested(key)
            if belief is not None:
                belief.score("score")
                belief.text("evidence")
    lenses = r.nested("lenses")
    if lenses is not None:
        lenses.choice("objectives_agreed", AGREEMENT_KEYS)
        lenses.choice("metrics_tracked", AGREEMENT_KEYS)
        lenses.score("reciprocity")
        lenses.choice("with_or_for", WITH_OR_FOR_KEYS)
        lenses.day("last_partner_meeting")
        for key in ("partners_notes", "reciprocity_evidence", "with_or_for_notes",
                    "unused_capacity", "further_topics", "better_ways"):
            lenses.text(key)
    r.choice("proposed_verdict", VERDICT_KEYS)
    r.choice("verdict", VERDICT_KEYS)
    r.items("verdict_reasons", _text_item(TEXT_MAX, record))
    r.text("verdict_why")
    r.ident("commitment_id")
    r.stamp("created_at")
    r.stamp("edited_at")
    answers = r.nested("client_answers")
    if answers is not None:
        answers.day("asked_on")
        theirs = answers.nested("beliefs")
        if theirs is not None:
            for key in BELIEF_KEYS:
                answer = theirs.nested(key)
                if answer is not None:
                    answer.score("score")
                    answer.text("words")
        both = answers.nested("both_ways")
        if both is not None:
            both.score("score")
            both.text("words")


def check_commitment(raw: Any, record: str | None = None, *, client_id: str | None = None, prefix: str = "",
                     typed_days: bool = False) -> None:
    record = record or describe_commitment(raw)
    c = _Record(raw, record, prefix, typed_days=typed_days)
    c.ident("id", required=True)
    c.ident("client_id", equals=client_id)
    c.ident("reflection_id")
    c.text("action")
    c.choice("aim", AIM_KEYS)
    c.day("made_on")
    c.day("due")
    c.choice("status", STATUS_KEYS, empty=False, default="open")
    c.text("what_happened")
    c.text("learned")
    c.day("reviewed_on")
    c.items("reschedules", lambda item, where: _reschedule(item, record, where, typed_days))


def check_note(raw: Any, record: str | None = None, *, client_id: str | None = None, prefix: str = "") -> None:
    record = record or describe_note(raw)
    r = _Record(raw, record, prefix)
    r.ident("id", required=True)
    r.ident("client_id", equals=client_id)
    r.day("on")
    r.choice("kind", tuple(NOTE_KINDS), empty=False, default="other")
    r.text("text", required=True)
    r.stamp("created_at")


def _reschedule(raw: Any, record: str, where: str, typed_days: bool = False) -> None:
    r = _Record(raw, record, f"{where}.", typed_days=typed_days)
    for key in ("from", "to", "on"):
        r.day(key)


def check_draft(raw: Any, record: str | None = None) -> None:
    record = record or describe_draft(raw)
    d = _Record(raw, record)
    d.ident("id", required=True)
    d.ident("client_id")
    d.whole("step", 0, STEP_MAX)
    # a draft is work in progress: its dates may still be what was typed (the
    # step keeps "next tuesdya" rather than lose it); a finished one may not
    # the reflection and commitment under way belong to the draft's client (or to none yet)
    owner = d.raw.get("client_id") or None
    if d.raw.get("reflection") is not None:
        check_reflection(d.raw["reflection"], record, client_id=owner, prefix="reflection.", typed_days=True)
    if d.raw.get("commitment") is not None:
        check_commitment(d.raw["commitment"], record, client_id=owner, prefix="commitment.", typed_days=True)
    d.text("due_text")
    d.stamp("started_at")
    d.stamp("updated_at")


def summary_fits(raw: Any) -> bool:
    """Whether a client's stored summary has the shape home and status rely on.

    A summary is derived from the client's file, so one that does not fit is
    not an error: it is rebuilt (or worked out in memory when read-only).
    """
    try:
        s = _Record(raw, "summary")
        s.day("last_reflection_on")
        s.day("last_asked_on")
        s.choice("last_verdict", VERDICT_KEYS)
        for key in ("last_scores", "previous_scores"):
            scores = s.nested(key)
            if scores is not None:
                for belief in BELIEF_KEYS:
                    scores.score(belief)
        count = raw.get("reflection_count", 0)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            return False
        dates = raw.get("reflection_dates", [])
        # the shape only (dates.iso_day reads these leniently): this runs at every start
        if not isinstance(dates, list) or not all(isinstance(d, str) and _DAY.match(d) for d in dates):
            return False
        opened = raw.get("open_commitments", [])
        if not isinstance(opened, list):
            return False
        for c in opened:
            check_commitment(c, "summary")
        last = raw.get("last_commitment") or {}
        if last:
            check_commitment(last, "summary")
        if not _partnership_fits(raw.get("partnership")):
            return False  # from before summaries kept the partnership figures: rebuilt
        stamp = raw.get("file")
        if stamp is not None and not (
            isinstance(stamp, list) and len(stamp) in (0, 3)
            and all(isinstance(n, int) and not isinstance(n, bool) for n in stamp)
        ):
            return False
    except RecordProblem:
        return False
    return True


SIGNAL_KEYS = tuple(SIGNALS)


_PARTNERSHIP_KEYS = {"check_ins", "lenses", "reciprocity", "with_or_for", "one_way", "signals", "signals_since", "works"}


def _partnership_fits(raw: Any) -> bool:
    """The summary's partnership figures (store.partnership_of), shape only; raises RecordProblem."""
    if not isinstance(raw, dict) or set(raw) != _PARTNERSHIP_KEYS:
        return False
    p = _Record(raw, "summary")
    p.day("signals_since")
    p.text("one_way", NAME_MAX)
    for key in ("check_ins", "lenses", "reciprocity", "with_or_for", "signals"):
        if not isinstance(raw[key], list):
            return False
    if len(raw["lenses"]) > RECENT:
        return False
    for point in raw["lenses"]:
        lens = _Record(point, "summary")
        lens.day("on")
        lens.score("reciprocity")
        lens.choice("with_or_for", WITH_OR_FOR_KEYS)
        lens.choice("objectives_agreed", AGREEMENT_KEYS)
        lens.choice("metrics_tracked", AGREEMENT_KEYS)
    for check_in in raw["check_ins"]:
        c = _Record(check_in, "summary")
        c.day("on")
        for side in ("yours", "theirs"):
            scores = c.nested(side, nullable=False)
            for belief in BELIEF_KEYS:
                scores.score(belief)
    if not all(isinstance(x, int) and not isinstance(x, bool) and 1 <= x <= 5 for x in raw["reciprocity"]):
        return False
    if not all(x in WITH_OR_FOR_KEYS for x in raw["with_or_for"]):
        return False
    if not _works_fits(raw["works"]):
        return False
    return all(x in SIGNAL_KEYS for x in raw["signals"])


def _works_fits(raw: Any) -> bool:
    """The summary's what-works figures (coach.works.works_of): a tally of eight numbers per aim,
    and per aim a few [action, day, change] rows."""
    if not isinstance(raw, dict) or set(raw) != {"tallies", "worked"}:
        return False
    tallies, worked = raw["tallies"], raw["worked"]
    if not isinstance(tallies, dict) or not isinstance(worked, dict):
        return False
    aims = set(BELIEF_KEYS) | {"partners", "reciprocity", "meeting", "with"}
    number = lambda x: isinstance(x, (int, float)) and not isinstance(x, bool) and abs(x) < 10**9  # noqa: E731
    for aim, tally in tallies.items():
        if aim not in aims or not isinstance(tally, list) or len(tally) != 8 or not all(map(number, tally)):
            return False
    for aim, rows in worked.items():
        if aim not in aims or not isinstance(rows, list) or len(rows) > 3:
            return False
        for row in rows:
            if not (isinstance(row, list) and len(row) == 3 and isinstance(row[0], str) and len(row[0]) <= TEXT_MAX
                    and isinstance(row[1], str) and len(row[1]) <= 10 and number(row[2])):
                return False
    return True


# -- whole files -------------------------------------------------------------------


def _table(data: dict[str, Any], name: str) -> dict[str, Any]:
    table = data.get(name, {})
    if len(table) > RECORDS_MAX:
        raise RecordProblem(f"the table “{name}”", f"holds {len(table):,} records; coach keeps at most {RECORDS_MAX:,}")
    return table


_HISTORY_TABLES = {
    "reflections": (check_reflection, describe_reflection),
    "commitments": (check_commitment, describe_commitment),
    "moments": (check_note, describe_note),
}


def check_index_records(data: dict[str, Any]) -> None:
    """coach.json: every client record fits, and no id is there twice."""
    seen: set[str] = set()
    for n, raw in enumerate(_table(data, "clients").values(), start=1):
        check_client(raw, describe_client(raw, n))
        if raw["id"] in seen:
            raise RecordProblem(describe_client(raw, n), f"has the id {raw['id']}, which another client has too")
        seen.add(raw["id"])


def check_history_records(data: dict[str, Any], client_id: str) -> None:
    """clients/<id>.json: every reflection and commitment fits and belongs to that client."""
    for name, (check, describe) in _HISTORY_TABLES.items():
        seen: set[str] = set()
        for n, raw in enumerate(_table(data, name).values(), start=1):
            check(raw, describe(raw, n), client_id=client_id)
            if raw["id"] in seen:
                raise RecordProblem(describe(raw, n), "is in the file twice")
            seen.add(raw["id"])


def check_history_changes(data: dict[str, Any], written: Iterable[tuple[str, dict[str, Any]]], client_id: str) -> None:
    """clients/<id>.json after a save that put `written` ((table, record) pairs)
    into a file that passed check_history_records: only those records need a
    look, and the tables their size. Ids stay unique, as the save matched by id."""
    for name, record in written:
        table = _table(data, name)
        check, describe = _HISTORY_TABLES[name]
        check(record, describe(record, len(table)), client_id=client_id)


def draft_problems(data: dict[str, Any]) -> list[tuple[str, RecordProblem]]:
    """drafts.json: the (TinyDB doc id, problem) of every draft that does not fit."""
    found = []
    seen: set[str] = set()
    for n, (doc_id, raw) in enumerate(_table(data, "drafts").items(), start=1):
        try:
            check_draft(raw, describe_draft(raw, n))
            if raw["id"] in seen:
                raise RecordProblem(describe_draft(raw, n), "is in the file twice")
            seen.add(raw["id"])
        except RecordProblem as problem:
            found.append((doc_id, problem))
    return found


def check_drafts_records(data: dict[str, Any]) -> None:
    problems = draft_problems(data)
    if problems:
        raise problems[0][1]


def check_export(document: Any) -> list[dict[str, Any]]:
    """A whole export or backup document, before anything on disk is touched.

    Returns its clients. Raises ValueError (RecordProblem for a record) with a
    sentence naming the record and the field.
    """
    if not isinstance(document, dict) or document.get("format") != "coach-export":
        raise ValueError("This file is not a coach export or backup.")
    schema = document.get("schema")
    if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
        raise ValueError("This file has no schema version coach understands.")
    if schema > SCHEMA_VERSION:
        raise ValueError(f"This file was written by a newer coach (schema {schema}).")
    if document.get("filtered"):
        # restoring a part would drop everything else
        raise ValueError("This file holds only part of the data (exported with --client or --since); use a file from `coach backup`.")
    clients = document.get("clients")
    if not isinstance(clients, list):
        raise ValueError("This file's clients are malformed (not a list).")
    drafts = document.get("drafts", [])
    if not isinstance(drafts, list):
        raise ValueError("This file's unfinished reflections are malformed (not a list).")
    if len(clients) > RECORDS_MAX or len(drafts) > RECORDS_MAX:
        raise ValueError("This file holds more records than coach keeps.")
    ids: set[str] = set()
    for n, raw in enumerate(clients, start=1):
        record = describe_client(raw, n)
        check_client(raw, record)
        if raw["id"] in ids:
            raise RecordProblem(record, f"has the id {raw['id']}, which another client in the file has too")
        ids.add(raw["id"])
        for key, check, describe in (
            ("reflections", check_reflection, describe_reflection),
            ("commitments", check_commitment, describe_commitment),
            ("moments", check_note, describe_note),
        ):
            records = raw.get(key, [])
            if not isinstance(records, list):
                raise RecordProblem(record, f"“{key}” is {_kind(records)}, but it must be a list")
            if len(records) > RECORDS_MAX:
                raise RecordProblem(record, f"holds more {key} than coach keeps")
            seen: set[str] = set()
            for m, item in enumerate(records, start=1):
                what = f"{describe(item, m)} of {record}"
                check(item, what, client_id=raw["id"])
                if item["id"] in seen:
                    raise RecordProblem(what, "is in the file twice")
                seen.add(item["id"])
    seen_drafts: set[str] = set()
    for n, raw in enumerate(drafts, start=1):
        record = describe_draft(raw, n)
        if isinstance(raw, dict) and raw.get("client_id") and is_id(raw["client_id"]) and raw["client_id"] not in ids:
            raise RecordProblem(record, f"belongs to the client with id {raw['client_id']}, which is not in the file")
        check_draft(raw, record)
        if raw["id"] in seen_drafts:
            raise RecordProblem(record, "is in the file twice")
        seen_drafts.add(raw["id"])
    return clients

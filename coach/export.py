"""Exports of the whole store document (`Store.everything()`): JSON, Markdown, CSV.

User text goes out exactly as stored. The only changes are the ones a format
forces: CSV quoting (done by the csv module) and, inside Markdown table cells,
`|` escaped and line breaks written as <br> so a note cannot break the table.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import date
from typing import Any, Callable, Iterable, Iterator

from coach.dates import iso_day
from coach.decisions import describe as describe_decision
from coach.method import BELIEF_KEYS, Method
from coach.models import Client, Commitment, Decision, Draft, Note, Reflection
from coach.partnership import metric_sentence
from coach.reflection_form import DATE, NOTE, TEXT, reflection_form
from coach.storage import orjson
from coach.textsafe import valid_unicode

_FORM = reflection_form()
#: every field a reflection keeps, in the order the reflection asks for them
CSV_FIELDS = _FORM.reflection_fields
#: the client's own answers to a check-in, after everything the reflection asks
ANSWER_COLUMNS = (
    ["asked_on"]
    + [f"{key}_{part}" for key in (*BELIEF_KEYS, "both_ways") for part in ("theirs", "their_words")]
)
#: a decision about the client, on the row of the last reflection on or before its day;
#: your side of the partnership, as it stands, on every row of the client
DECISION_COLUMNS = ["decision_on", "decision", "decision_reason", "decision_lesson", "our_objective", "to_share"]
CSV_COLUMNS = (
    ["client", "organisation", "date", "proposed_verdict"]
    + [f.key for f in CSV_FIELDS]
    + ["commitment", "commitment_aim", "commitment_due", "commitment_status"]
    + ANSWER_COLUMNS
    + DECISION_COLUMNS
    + ["notes"]
)


# -- filtering ---------------------------------------------------------------------


def match_client(clients: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """The one client whose name is `name` (any case), or starts with it if only one does."""
    wanted = name.strip().casefold()
    if not wanted:
        raise ValueError("Give a client's name, or a unique start of it; an empty name matches nobody.")
    # "Name (Organisation)", as the candidates are listed, picks one of two clients of the same name
    labelled = [c for c in clients if Client.from_dict(c).label.casefold() == wanted]
    exact = labelled or [c for c in clients if str(c.get("name", "")).casefold() == wanted]
    found = exact or [c for c in clients if str(c.get("name", "")).casefold().startswith(wanted)]
    if len(found) == 1:
        return found[0]
    if not found:
        names = ", ".join(sorted(str(c.get("name", "")) for c in clients)) or "none yet"
        raise ValueError(f"No client is called “{name}”; the clients are: {names}.")
    labels = [Client.from_dict(c).label for c in found]
    if len(set(labels)) < len(labels):
        raise ValueError(f"More than one client is called “{labels[0]}”; give one an organisation or another "
                         "name in the client list (e), then choose it as Name (Organisation).")
    raise ValueError(f"“{name}” could be any of: {', '.join(labels)}. Type more of the name, "
                     "or the name with the organisation as listed.")


def filter_document(
    document: dict[str, Any], client: str | None = None, since: str | date | None = None
) -> dict[str, Any]:
    """A copy of the document narrowed to one client and/or reflections on or after `since`.

    The copy records the filter under "filtered", so it is never mistaken for a
    full backup.
    """
    if client is None and since is None:
        return document
    doc = copy.deepcopy(document)
    everyone = doc.get("clients", [])
    chosen, tail = selection(everyone, lambda ids: [c for c in everyone if ids is None or c.get("id") in ids],
                             doc.get("drafts", []), client, since)
    head = {k: v for k, v in doc.items() if k not in ("clients", "drafts", "filtered")}
    return {**head, "clients": list(chosen), **tail}


def selection(
    clients: list[dict[str, Any]],
    read: Callable[[list[str] | None], Iterable[dict[str, Any]]],
    drafts: list[dict[str, Any]],
    client: str | None = None,
    since: str | date | None = None,
) -> tuple[Iterable[dict[str, Any]], dict[str, Any]]:
    """What an export narrowed by --client and --since holds: (its clients, its
    tail: the drafts and the "filtered" marks). `clients` are matched against
    --client by name (their history is not needed); `read(ids)` gives the
    chosen ones (all when None) with their history, and may give them one
    at a time: a store reads only the chosen client's file."""
    ids, marks = None, {}
    if client is not None:
        chosen = match_client(clients, client)
        ids, marks["client"] = [chosen.get("id")], str(chosen.get("name", ""))
    picked = read(ids)
    if since is not None:
        cutoff = marks["since"] = since_cutoff(since)
        picked = (narrow_since(c, cutoff) for c in picked)
    kept = [d for d in drafts if ids is None or d.get("client_id") in ids]
    return picked, {"drafts": kept, **({"filtered": marks} if marks else {})}


def since_cutoff(since: str | date) -> str:
    return since.isoformat() if isinstance(since, date) else date.fromisoformat(since).isoformat()


def narrow_since(client: dict[str, Any], cutoff: str) -> dict[str, Any]:
    """The client with only the reflections on or after `cutoff` (ISO), and their commitments."""
    client["reflections"] = [r for r in client.get("reflections", []) if str(r.get("date", "")) >= cutoff]
    kept = {r.get("id") for r in client["reflections"]}
    client["commitments"] = [
        m for m in client.get("commitments", [])
        if m.get("reflection_id") in kept or str(m.get("made_on", "")) >= cutoff
    ]
    client["moments"] = [m for m in client.get("moments", []) if str(m.get("on", "")) >= cutoff]
    return client


# -- JSON ------------------------------------------------------------------------------


def to_json(document: dict[str, Any]) -> str:
    head = {k: v for k, v in document.items() if k not in ("clients", "drafts", "filtered")}
    tail = {k: document[k] for k in ("drafts", "filtered") if k in document}
    return b"".join(json_pieces(head, document.get("clients", []), tail)).decode("utf-8")


def json_pieces(head: dict[str, Any], clients: Iterable[dict[str, Any]], tail: dict[str, Any]) -> Iterator[bytes]:
    """An export document as UTF-8 JSON, indented by two, in pieces: the head's
    keys, then "clients" one client at a time, then the tail's keys. The
    text is the same as one dump of the whole document, but only one client
    is ever held as text."""
    opening = _dump(head)
    yield opening[:-2] + (b",\n" if head else b"\n") + b'  "clients": ['
    first = True
    for client in clients:
        yield (b"\n    " if first else b",\n    ") + _dump(client).replace(b"\n", b"\n    ")
        first = False
    yield b"]" if first else b"\n  ]"
    for key, value in tail.items():
        yield b",\n  " + _dump(key) + b": " + _dump(value).replace(b"\n", b"\n  ")
    yield b"\n}\n"


def _dump(value: Any) -> bytes:
    # the store keeps only real characters; a document built elsewhere gets the
    # same treatment, so the file is always UTF-8 and reads back as written
    if orjson is not None:
        try:  # the same text as below, in C: an export of ten years takes seconds less
            return orjson.dumps(value, option=orjson.OPT_INDENT_2)
        except TypeError:  # a lone surrogate, say: the standard library and valid_unicode handle it
            pass
    return valid_unicode(json.dumps(value, indent=2, ensure_ascii=False)).encode("utf-8")


# -- shared helpers ----------------------------------------------------------------


def _notes(raw_client: dict[str, Any]) -> list[Note]:
    return sorted((Note.from_dict(m) for m in raw_client.get("moments", [])), key=lambda n: (n.on, n.created_at))


def _note_line(note: Note) -> str:
    return f"{note.on} {note.kind_word}: {note.text}"


def notes_by_row(reflections: list[Reflection], notes: list[Note]) -> tuple[dict[str, list[Note]], list[Note]]:
    """Each note under the first reflection after its day, the one it was noted
    for (as the app offers it); those after the last reflection, apart."""
    rows: dict[str, list[Note]] = {}
    after: list[Note] = []
    for note in notes:
        home = next((r for r in reflections if r.date > note.on), None)
        if home is None:
            after.append(note)
        else:
            rows.setdefault(home.id, []).append(note)
    return rows, after


def _records(raw_client: dict[str, Any]) -> tuple[Client, list[Reflection], dict[str, Commitment]]:
    client = Client.from_dict(raw_client)
    reflections = [Reflection.from_dict(r) for r in raw_client.get("reflections", [])]
    reflections.sort(key=lambda r: (r.date, r.created_at))
    commitments = {c.id: c for c in (Commitment.from_dict(m) for m in raw_client.get("commitments", []))}
    return client, reflections, commitments


def _commitment_of(reflection: Reflection, commitments: dict[str, Commitment]) -> Commitment | None:
    if reflection.commitment_id and reflection.commitment_id in commitments:
        return commitments[reflection.commitment_id]
    # an older record may link only from the commitment's side
    return next((c for c in commitments.values() if c.reflection_id == reflection.id), None)


# -- CSV -------------------------------------------------------------------------------


def _csv_row(client: Client, r: Reflection, commitment: Commitment | None,
             decisions: list[Decision] | None = None) -> list[Any]:
    values = ["" if (v := f.of_reflection(r)) is None else v for f in CSV_FIELDS]
    return (
        [client.name, client.organisation, r.date, r.proposed_verdict]
        + values
        + (
            [commitment.action, commitment.aim, commitment.due, commitment.status]
            if commitment
            else ["", "", "", ""]
        )
        + _answer_cells(r)
        + _decision_cells(decisions or [])
        + [client.our_objective, client.to_share]
    )


def _notes_cell(notes: list[Note]) -> str:
    # one per line inside the quoted cell: a " / " join would be ambiguous with a slash in a note
    return "\n".join(_note_line(n) for n in notes)


def _decision_cells(decisions: list[Decision]) -> list[Any]:
    """The decisions of one row, joined by " / " in the rare case of two between reflections."""
    return [" / ".join(getattr(d, name) for d in decisions) for name in ("on", "choice", "reason", "lesson")]


def decisions_by_row(client: Client, reflections: list[Reflection]) -> dict[str, list[Decision]]:
    """Each decision under the last reflection on or before its day (the first, if it came before any)."""
    rows: dict[str, list[Decision]] = {}
    for decision in client.decisions:
        earlier = [r for r in reflections if r.date <= decision.on]
        home = earlier[-1] if earlier else (reflections[0] if reflections else None)
        if home is not None:
            rows.setdefault(home.id, []).append(decision)
    return rows


def _answer_cells(r: Reflection) -> list[Any]:
    a = r.client_answers
    cells: list[Any] = [a.asked_on]
    for answer in (*(a.beliefs[key] for key in BELIEF_KEYS), a.both_ways):
        cells += ["" if answer.score is None else answer.score, answer.words]
    return cells


def to_csv(document: dict[str, Any]) -> str:
    """One row per reflection, clients in document order, each client's oldest
    first; the notes since a client's last reflection in one more row, with no date."""
    out = io.StringIO()
    # CRLF as RFC 4180 has it: the csv module then quotes a field holding a
    # lone \r as well as one holding \n, so no note can end a row early
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for raw in document.get("clients", []):
        client, reflections, commitments = _records(raw)
        decided = decisions_by_row(client, reflections)
        noted, after = notes_by_row(reflections, _notes(raw))
        for r in reflections:
            writer.writerow(_csv_row(client, r, _commitment_of(r, commitments), decided.get(r.id))
                            + [_notes_cell(noted.get(r.id, []))])
        if after:
            writer.writerow([client.name, client.organisation] + [""] * (len(CSV_COLUMNS) - 3) + [_notes_cell(after)])
    return out.getvalue()


# -- Markdown ------------------------------------------------------------------------


def cell(text: Any) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, line breaks as <br>."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("|", "\\|").replace("\n", "<br>")


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _intro(document: dict[str, Any]) -> list[str]:
    clients = document.get("clients", [])
    count = sum(len(c.get("reflections", [])) for c in clients)
    exported = str(document.get("exported_at", ""))[:10]
    lines = ["# Client relationships", ""]
    made = f"Exported from coach on {exported}. " if exported else ""
    lines.append(f"{made}{len(clients)} client{'s' if len(clients) != 1 else ''}, "
                 f"{count} reflection{'s' if count != 1 else ''}.")
    marks = document.get("filtered") or {}
    if marks:
        parts = []
        if "client" in marks:
            parts.append(f"only {marks['client']}")
        if "since" in marks:
            parts.append(f"reflections since {marks['since']}")
        lines += ["", "This export holds " + " and ".join(parts) + "."]
    return lines


def _client_head(client: Client) -> list[str]:
    title = f"{client.name} — {client.organisation}" if client.organisation else client.name
    lines = ["", f"## {title}"]
    if client.archived:
        lines += ["", "*Archived.*"]
    if client.notes:
        lines += ["", client.notes]
    lines += [""]
    if client.objectives:
        lines += ["**Objectives**", ""] + [f"- {o}" for o in client.objectives]
    else:
        lines += ["**Objectives:** none agreed yet."]
    lines += [""]
    if client.metrics:
        lines += ["**Key metrics**", ""]
        lines += _table(["Metric", "Target", "Current"], [[m.name, m.target, m.current] for m in client.metrics])
        dated = [m for m in client.metrics if m.history]
        if dated:
            lines += ["", "**Metrics over time**", ""] + [f"- {metric_sentence(m, str)}" for m in dated]
    else:
        lines += ["**Key metrics:** none tracked yet."]
    if client.our_objective.strip() or client.to_share.strip():
        lines += ["", "**Your side**", ""]
        if client.our_objective.strip():
            lines.append(f"- What you want from the partnership: {client.our_objective}")
        if client.to_share.strip():
            lines.append(f"- To share about your business: {client.to_share}")
    if client.decisions:
        lines += ["", "**Decisions**", ""]
        lines += [f"- {d.on}: {describe_decision(d)}" + (f" (signals: {', '.join(d.signals)})" if d.signals else "")
                  for d in client.decisions]
    return lines


def _verdict_lines(r: Reflection, method: Method) -> list[str]:
    name = method.verdict_name(r.verdict) or "no verdict given"
    line = f"**Verdict:** {name}"
    if r.proposed_verdict and r.proposed_verdict != r.verdict:
        line += f" (coach proposed {method.verdict_name(r.proposed_verdict) or r.proposed_verdict})"
    lines = [line]
    if r.verdict_why:
        lines += ["", f"**Why:** {r.verdict_why}"]
    return lines


def _belief_rows(r: Reflection, method: Method, *, theirs: bool = False) -> list[list[Any]]:
    rows = []
    for key in BELIEF_KEYS:
        b = r.beliefs[key]
        score = "–" if b.score is None else b.score
        evidence = b.evidence if b.evidence.strip() else ("(no evidence)" if b.score is not None else "")
        row = [method.belief(key).name, score, evidence]
        if theirs:
            answer = r.client_answers.beliefs[key]
            row += ["–" if answer.score is None else answer.score, answer.words]
        rows.append(row)
    return rows


def _lens_lines(r: Reflection, method: Method, known: date | None = None) -> list[str]:
    """Each lens field the reflection asks, with its answer; notes only when written.

    known: the last partner talk before this reflection, for a carried field left blank."""
    lines = ["**Partnership**", ""]
    for step in _FORM.steps:
        if step.kind != "lenses":
            continue
        for f in step.fields:
            value = f.of_reflection(r)
            if f.kind in (TEXT, NOTE):
                if value:  # any text at all, exactly: a note of one odd space is still a note
                    lines.append(f"- {f.label}: {value}")
            else:
                if f.carried:
                    shown = f.shown_carried(value, known, date.today(), iso=True)
                else:
                    shown = value if f.kind == DATE and value else f.shown(value, date.today(), empty="not answered")
                lines.append(f"- {f.label.rstrip('?:')}: {shown}")
    return lines


def _commitment_lines(c: Commitment | None, method: Method) -> list[str]:
    if c is None:
        return ["**Commitment:** none made."]
    facts = []
    if c.aim:
        facts.append(f"aimed at {method.aim_name(c.aim)}")
    if c.made_on:
        facts.append(f"made {c.made_on}")
    if c.due:
        facts.append(f"due {c.due}")
    if c.reschedules:
        facts.append(f"rescheduled {_times(len(c.reschedules))}")
    lines = [f"**Commitment:** {c.action}" + (f" ({'; '.join(facts)})" if facts else "")]
    if c.is_open:
        return lines + ["", "**Outcome:** still open."]
    outcome = f"**Outcome:** {method.outcome_name(c.status)}"
    outcome += f", reviewed {c.reviewed_on}." if c.reviewed_on else "."
    if c.what_happened:
        outcome += f" What happened: {c.what_happened}"
    if c.learned:
        outcome += f" Learned: {c.learned}"
    return lines + ["", outcome]


def _reflection_lines(r: Reflection, c: Commitment | None, method: Method, known: date | None = None) -> list[str]:
    head = f"### {r.date or 'undated'}"
    if r.verdict:
        head += f" · {method.verdict_name(r.verdict) or r.verdict}"
    lines = ["", head, ""] + _verdict_lines(r, method) + [""]
    if r.client_answers.given:
        lines += _table(["Belief", "Score", "Evidence", f"Theirs ({r.client_answers.asked_on})", "In their words"],
                        _belief_rows(r, method, theirs=True))
        both = r.client_answers.both_ways
        if both.score is not None or both.words:
            lines += ["", f"**Cares both ways, in their view:** {'–' if both.score is None else both.score}"
                      + (f", “{both.words}”" if both.words else "")]
    else:
        lines += _table(["Belief", "Score", "Evidence"], _belief_rows(r, method))
    lines += [""] + _lens_lines(r, method, known) + [""] + _commitment_lines(c, method)
    return lines


def to_markdown(document: dict[str, Any], method: Method) -> str:
    """A report to keep or send: each client, then its reflections newest first."""
    lines = _intro(document)
    for raw in document.get("clients", []):
        client, reflections, commitments = _records(raw)
        lines += _client_head(client)
        notes = _notes(raw)
        if notes:
            lines += ["", "**Notes between sessions**, newest first", ""]
            lines += ["- " + _note_line(n).replace("\r\n", "\n").replace("\n", "\n  ") for n in reversed(notes)]
        if not reflections:
            lines += ["", "No reflections in this export."]
        known, latest = [], None  # the last partner talk before each reflection, oldest first
        for r in reflections:
            known.append(latest)
            day = iso_day(r.lenses.last_partner_meeting)
            if day is not None and (latest is None or day > latest):
                latest = day
        for n in reversed(range(len(reflections))):
            r = reflections[n]
            lines += _reflection_lines(r, _commitment_of(r, commitments), method, known[n])
    return "\n".join(lines) + "\n"


# -- one unfinished reflection, to keep elsewhere --------------------------------------


def draft_to_markdown(draft: Draft, client: Client | None, method: Method) -> str:
    """An unfinished reflection as Markdown, for a user who saves it to a file of
    their own when coach cannot save it (write it with storage.write_private_file)."""
    name = client.label if client else "a client"
    lines = [f"# Unfinished reflection on {name}", "",
             f"Step {draft.step + 1}; started {draft.started_at or 'now'}, last saved {draft.updated_at or 'never'}."]
    commitment = draft.commitment if draft.commitment.action.strip() else None
    lines += _reflection_lines(draft.reflection, commitment, method)
    if draft.due_text:
        lines += ["", f"**Due, as typed:** {draft.due_text}"]
    return "\n".join(lines) + "\n"

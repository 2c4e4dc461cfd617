"""Every text a user can type, however hostile, is kept, exported and shown exactly.

Property-based (hypothesis) tests of the layers without Textual:

* the Store keeps any text exactly across closing and reopening, and its files
  stay valid JSON, readable only by the user;
* the JSON, CSV and Markdown exports give the text back (Markdown changes only
  what a table cell must: see `test_markdown_*`);
* `textsafe.visible` never lets a control character through and leaves
  printable text alone; `literal` never reads markup;
* the date parsers answer any text with a date in the allowed window or a
  DateError, and never with a date the text does not say.

The strategies here (`hostile_text` and friends) are shared with
test_properties_ui.py.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import tempfile
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from coach import export
from coach.dates import (
    EARLIEST_YEAR,
    LATEST_YEARS_AHEAD,
    WEEKDAYS,
    DateError,
    _relative,
    parse_date,
    parse_due,
)
from coach.method import BELIEF_KEYS, load_method
from coach.models import BeliefScore, Client, Commitment, Draft, Metric, Reflection
from coach.schema import NAME_MAX, TEXT_MAX
from coach.storage import RecordError
from coach.store import Store
from coach.textsafe import literal, shorten, valid_unicode, valid_unicode_tree, visible

TODAY = date(2026, 11, 23)  # a Monday
CORE = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- strategies: texts a user (or a paste, or a file) can bring ---------------------

MARKUP = [
    "[bold]x[/]", "[/]", "[/bold]", "[link=https://example.com]here[/link]", "[@click=app.quit]q[/]",
    "[red on blue]", "\\[escaped]", "[", "]", "[[", "]]", "[b", ":smile:", "$accent", "{x}", "%s", "[i]",
]
ESCAPES = [
    "\x1b[2J", "\x1b]52;c;SGVsbG8=\x07", "\x9b", "\x9b2J", "\x1b[31m", "\x1bP+q544e\x1b\\", "\x1b[?1049h",
    "\x1b]8;;http://e.example\x1b\\link\x1b]8;;\x1b\\", "\x1b]0;title\x07", "\x07", "\x08", "\x1bc", "\x1b",
]
WIDE = [
    "日本語", "漢字テスト", "한국어", "👍", "👨\u200d👩\u200d👧\u200d👦", "🇯🇵", "🇺🇳", "👩🏽\u200d💻", "❤\ufe0f",
    "1\ufe0f\u20e3", "Ｆｕｌｌ", "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
]
RTL = [
    "שלום", "مرحبا بالعالم", "\u202eevil\u202c", "\u200f", "\u200e", "\u2067x\u2069", "\u061c",
    "עברית 123", "\u202d", "\u2066", "العربية\u200f!",
]
COMBINING = ["e\u0301", "Z\u0351\u0334\u0315", "a" + "\u0300" * 20, "\u0301", "ด้้้้้็็็็็"]
OTHER = [
    "\u2028", "\u2029", "\ufeff", "\u00ad", "\xa0", "\u3000", "|", "\\", "\\|", "<br>", '"', "'", ",", ";",
    "\r\n", "\r", "\n", "\t", "```", "# ", "- ", "*", "_", "&amp;", "<b>", "\x00", "\x7f", "\x85",
]
FRAGMENTS = MARKUP + ESCAPES + WIDE + RTL + COMBINING + OTHER

controls = st.characters(min_codepoint=0, max_codepoint=0x1F) | st.characters(min_codepoint=0x7F, max_codepoint=0x9F)
pieces = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(max_size=8),
    controls,
    st.text(st.characters(categories=["Lo", "Mn", "So", "Cf"]), max_size=4),
)
long_text = st.builds(
    lambda fragment, n: (fragment * (n // max(1, len(fragment)) + 1))[:n],
    st.sampled_from(["x", "word ", "日本", "👍", "[b]", "\x1b[2J", "שלום ", "e\u0301"]),
    st.integers(min_value=1000, max_value=6000),
)
#: Any of the above, mixed: what the tests throw at every field.
hostile_text = st.one_of(st.lists(pieces, max_size=8).map("".join), st.text(), long_text)
#: The same, sometimes with lone surrogates (a restored file can carry "\ud800").
surrogates = st.characters(categories=["Cs"])
storable_text = st.one_of(
    hostile_text,
    st.lists(st.one_of(pieces, surrogates), min_size=1, max_size=6).map("".join),
)


#: A text that fits where coach keeps a name (a client, an organisation, a metric).
short_text = storable_text.map(lambda s: s[:NAME_MAX])


def named(text_strategy):
    """A text with something left after strip(): what a client's name must be."""
    return text_strategy.map(lambda s: s if s.strip() else "N" + s)


def json_form(text: str) -> str:
    """What coach keeps of `text`: every lone surrogate becomes U+FFFD, one each.

    Decided (README, "Your data"): coach stores only real characters. Two lone
    surrogates side by side stay two replacement characters; JSON never gets
    the chance to join them into another character.
    """
    return valid_unicode(text)


# -- the Store keeps every text exactly ---------------------------------------------

def _modes_are_private(data_dir: Path) -> None:
    assert stat.S_IMODE(os.stat(data_dir).st_mode) == 0o700
    files = [data_dir / "coach.json", data_dir / "drafts.json", *(data_dir / "clients").glob("*.json")]
    for f in files:
        assert stat.S_IMODE(os.stat(f).st_mode) == 0o600, f
        json.loads(f.read_bytes().decode("utf-8"))  # strict UTF-8, valid JSON
    leftovers = [p.name for p in data_dir.rglob("*.tmp")]
    assert not leftovers


@CORE
@given(
    name=named(short_text),
    organisation=short_text,
    notes=storable_text,
    objectives=st.lists(storable_text, max_size=3),
    metric=st.tuples(short_text, storable_text, storable_text),
    evidence=st.lists(storable_text, min_size=len(BELIEF_KEYS), max_size=len(BELIEF_KEYS)),
    lens_notes=st.tuples(*[storable_text] * 6),
    verdict_why=storable_text,
    reasons=st.lists(storable_text, max_size=2),
    action=storable_text,
    what_happened=storable_text,
    learned=storable_text,
    due_text=storable_text,
)
def test_store_keeps_every_text_exactly(
    name, organisation, notes, objectives, metric, evidence, lens_notes, verdict_why, reasons,
    action, what_happened, learned, due_text,
):
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        with Store.open(data_dir) as store:
            added = store.add_client(name, organisation, on=TODAY)
            # add_client trims the ends of the name and organisation, and only that
            assert (added.name, added.organisation) == (json_form(name).strip(), json_form(organisation).strip())
            client = store.client(added.id)
            client.name, client.organisation, client.notes = name, organisation, notes
            client.objectives = list(objectives)
            client.metrics = [Metric(*metric)]
            store.save_client(client)

            reflection = Reflection(client_id=client.id, date=TODAY.isoformat())
            for n, key in enumerate(BELIEF_KEYS):
                reflection.beliefs[key] = BeliefScore(score=n % 5 + 1, evidence=evidence[n])
            lenses = reflection.lenses
            (lenses.partners_notes, lenses.reciprocity_evidence, lenses.with_or_for_notes,
             lenses.unused_capacity, lenses.further_topics, lenses.better_ways) = lens_notes
            reflection.verdict, reflection.verdict_why = "steady", verdict_why
            reflection.verdict_reasons = list(reasons)
            commitment = Commitment(action="x" + action, aim="known", due="2026-12-04")
            store.finish_reflection(reflection, commitment)
            store.record_outcome(commitment, "partly", what_happened, learned, on=TODAY)

            draft = Draft(client_id=client.id, step=3, due_text=due_text)
            draft.reflection = Reflection(client_id=client.id, date=TODAY.isoformat())
            draft.reflection.beliefs["known"] = BeliefScore(2, evidence[0])
            draft.reflection.lenses.better_ways = lens_notes[5]
            draft.commitment = Commitment(action=action, what_happened=what_happened)
            store.save_draft(draft)
        _modes_are_private(data_dir)

        with Store.open(data_dir) as store:
            [back] = store.clients()
            assert back.name == json_form(name)
            assert back.organisation == json_form(organisation)
            assert back.notes == json_form(notes)
            assert back.objectives == [json_form(o) for o in objectives]
            assert back.metrics == [Metric(*map(json_form, metric))]
            [r] = store.reflections(back.id)
            assert [r.beliefs[k].evidence for k in BELIEF_KEYS] == [json_form(e) for e in evidence]
            assert (r.lenses.partners_notes, r.lenses.reciprocity_evidence, r.lenses.with_or_for_notes,
                    r.lenses.unused_capacity, r.lenses.further_topics, r.lenses.better_ways) == tuple(
                map(json_form, lens_notes))
            assert r.verdict_why == json_form(verdict_why)
            assert r.verdict_reasons == [json_form(x) for x in reasons]
            [c] = store.commitments(back.id)
            assert (c.action, c.what_happened, c.learned) == tuple(
                map(json_form, ("x" + action, what_happened, learned)))
            assert back.summary.last_commitment["action"] == json_form("x" + action)
            [d] = store.drafts()
            assert d.due_text == json_form(due_text)
            assert d.reflection.beliefs["known"].evidence == json_form(evidence[0])
            assert d.reflection.lenses.better_ways == json_form(lens_notes[5])
            assert (d.commitment.action, d.commitment.what_happened) == (json_form(action), json_form(what_happened))

            # the export document carries the same text, and the JSON export gives it back
            document = store.everything()
            assert json.loads(export.to_json(document)) == document
            [doc_client] = document["clients"]
            assert doc_client["notes"] == json_form(notes)
        _modes_are_private(data_dir)


@settings(max_examples=60, deadline=None)
@given(name=short_text)
def test_blank_names_are_refused_and_nothing_else_is(name):
    with tempfile.TemporaryDirectory() as tmp:
        with Store.open(Path(tmp) / "data") as store:
            if name.strip():
                assert store.add_client(name).name == json_form(name).strip()
            else:
                with pytest.raises(ValueError):
                    store.add_client(name)
                assert store.clients() == []


@settings(max_examples=30, deadline=None)
@given(text=storable_text, extra=st.integers(min_value=1, max_value=3000), where=st.sampled_from(
    ["name", "organisation", "notes", "evidence", "action", "draft"]))
def test_a_text_over_its_limit_is_refused_and_nothing_is_written(text, extra, where):
    """Issue 8: every text has a limit (README); a longer one is a RecordError, a
    SaveError that says which field, and the files stay as they were."""
    limit = NAME_MAX if where in ("name", "organisation") else TEXT_MAX
    too_long = ("N" + text + "x" * (limit + extra))[: limit + extra]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        with Store.open(data_dir) as store:
            ana = store.add_client("Ana")
            store.finish_reflection(Reflection(client_id=ana.id, date=TODAY.isoformat()), None)
            before = {p: p.read_bytes() for p in data_dir.rglob("*.json") if "backups" not in p.parts}
            with pytest.raises(RecordError) as info:
                if where == "name":
                    store.add_client(too_long)
                elif where in ("organisation", "notes"):
                    client = store.client(ana.id)
                    setattr(client, where, too_long)
                    store.save_client(client)
                elif where == "evidence":
                    r = Reflection(client_id=ana.id, date=TODAY.isoformat())
                    r.beliefs["known"] = BeliefScore(3, too_long)
                    store.finish_reflection(r, None)
                elif where == "action":
                    store.finish_reflection(Reflection(client_id=ana.id, date=TODAY.isoformat()),
                                            Commitment(action=too_long, aim="known"))
                else:
                    store.save_draft(Draft(client_id=ana.id, due_text=too_long))
            assert f"at most {limit:,}" in str(info.value) and "Nothing on disk was changed" in str(info.value)
            after = {p: p.read_bytes() for p in data_dir.rglob("*.json") if "backups" not in p.parts}
            assert after == before
            assert [c.name for c in store.clients()] == ["Ana"]  # and the store keeps working
            assert len(store.reflections(ana.id)) == 1


@pytest.mark.parametrize("text", ["Ana\udcff", "\ud800\udc00", "\udbff\udfff", "x\ud83d", "\udc00\ud800"])
def test_lone_surrogates_are_kept_as_replacement_characters(text):
    """Decided: each lone surrogate is kept as U+FFFD, on disk and when read back."""
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        with Store.open(data_dir) as store:
            added = store.add_client(text, text)
            assert added.name == valid_unicode(text)
            client = store.client(added.id)
            client.notes = text
            store.save_client(client)
            assert store.client(added.id).notes == valid_unicode(text)  # not a stale copy in memory
        raw = (data_dir / "coach.json").read_bytes()
        assert not re.search(rb"\\u[dD][89a-fA-F]", raw)  # no surrogate escape for a reader to join
        raw.decode("utf-8")  # strict
        with Store.open(data_dir) as store:
            [client] = store.clients()
            expected = "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
            assert (client.name, client.organisation, client.notes) == (expected, expected, expected)
            assert len(client.notes) == len(text)  # one replacement per surrogate, never one for a pair


def test_an_older_file_with_surrogate_escapes_reads_as_replacement_characters(tmp_path):
    """coach before this change wrote lone surrogates as \\u escapes; they now read as U+FFFD."""
    data_dir = tmp_path / "data"
    with Store.open(data_dir) as store:
        store.add_client("Old")
    index = json.loads((data_dir / "coach.json").read_text())
    index["clients"]["1"]["notes"] = "a\udcffb"
    index["clients"]["1"]["organisation"] = "\U0001F600"  # a real pair, escaped, stays the character
    (data_dir / "coach.json").write_bytes(json.dumps(index, ensure_ascii=True).encode())
    with Store.open(data_dir) as store:
        [client] = store.clients()
        assert (client.notes, client.organisation) == ("a\ufffdb", "\U0001F600")


# -- exports give the text back -----------------------------------------------------

METHOD = load_method()


def _document(name, organisation, notes, objectives, metrics, evidence, scores, lens_notes, why, action, happened, learned):
    """A document shaped like Store.everything(), built without a Store (fast)."""
    client = Client(name=name, organisation=organisation, notes=notes, created_on="2026-01-05",
                    objectives=list(objectives), metrics=[Metric(*m) for m in metrics])
    reflection = Reflection(client_id=client.id, date="2026-11-16", verdict="steady", proposed_verdict="drifting")
    for n, key in enumerate(BELIEF_KEYS):
        reflection.beliefs[key] = BeliefScore(score=scores[n], evidence=evidence[n])
    lenses = reflection.lenses
    (lenses.partners_notes, lenses.reciprocity_evidence, lenses.with_or_for_notes,
     lenses.unused_capacity, lenses.further_topics, lenses.better_ways) = lens_notes
    lenses.objectives_agreed, lenses.with_or_for, lenses.reciprocity = "partly", "mixed", 3
    reflection.verdict_why = why
    commitment = Commitment(client_id=client.id, reflection_id=reflection.id, action=action, aim="known",
                            made_on="2026-11-16", due="2026-11-20", status="done", what_happened=happened,
                            learned=learned, reviewed_on="2026-11-21")
    reflection.commitment_id = commitment.id
    data = client.to_dict()
    data.pop("summary")
    data["reflections"] = [reflection.to_dict()]
    data["commitments"] = [commitment.to_dict()]
    return {"format": "coach-export", "schema": 1, "exported_at": "2026-11-23T10:00:00+00:00",
            "clients": [data], "drafts": []}


export_fields = dict(
    name=named(storable_text),
    organisation=storable_text,
    notes=storable_text,
    objectives=st.lists(storable_text, max_size=2),
    metrics=st.lists(st.tuples(storable_text, storable_text, storable_text), max_size=2),
    evidence=st.lists(storable_text, min_size=len(BELIEF_KEYS), max_size=len(BELIEF_KEYS)),
    scores=st.lists(st.none() | st.integers(1, 5), min_size=len(BELIEF_KEYS), max_size=len(BELIEF_KEYS)),
    lens_notes=st.tuples(*[storable_text] * 6),
    why=storable_text,
    action=storable_text,
    happened=storable_text,
    learned=storable_text,
)


@CORE
@given(**export_fields)
def test_json_export_gives_every_text_back(**fields):
    document = _document(**fields)
    # as in storage: each lone surrogate comes back as U+FFFD, nothing else changes
    assert json.loads(export.to_json(document)) == _accepted(document)


CSV_CR_BUG = (
    "export.to_csv writes with lineterminator='\\n', so csv quotes a field holding '\\n' but not one "
    "holding a lone '\\r'; csv.reader then ends the row at that '\\r'. Fix in export.py: "
    "csv.writer(out, lineterminator='\\r\\n') (RFC 4180) or quoting=csv.QUOTE_NONNUMERIC/QUOTE_ALL."
)


@CORE
@given(**export_fields)
@example(**{**{k: "" for k in export_fields}, "name": "N", "objectives": [], "metrics": [],
            "evidence": ["a\rb"] * 7, "scores": [1] * 7, "lens_notes": ("",) * 6, "action": "\r"})
def test_csv_export_gives_every_field_back(**fields):
    document = _document(**fields)
    text = export.to_csv(document)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == export.CSV_COLUMNS
    [row] = rows[1:]
    got = dict(zip(export.CSV_COLUMNS, row))
    assert len(row) == len(export.CSV_COLUMNS)
    assert (got["client"], got["organisation"]) == (fields["name"], fields["organisation"])
    for n, key in enumerate(BELIEF_KEYS):
        assert got[f"{key}_evidence"] == fields["evidence"][n]
        assert got[key] == ("" if fields["scores"][n] is None else str(fields["scores"][n]))
    assert got["commitment"] == fields["action"]


def _unescaped_pipes(line: str) -> int:
    """Pipes that split a GFM table row: those not preceded by a backslash (GFM and markdown-it agree)."""
    return len(re.findall(r"(?<!\\)\|", line))


def _uncell(text: str) -> str:
    """Undo export.cell: the text a Markdown reader gets back from a cell."""
    return text.replace("<br>", "\n").replace("\\|", "|")


def _cell_source(text: str) -> str:
    """What a cell promises to give back: line breaks become \\n (a literal <br> reads as one too)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("<br>", "\n")


@settings(max_examples=300, deadline=None)
@given(storable_text)
def test_markdown_cell_is_one_line_with_no_bare_pipe_and_reads_back(text):
    """What export.py promises for a table cell: `|` escaped, line breaks as <br>, nothing else changed."""
    out = export.cell(text)
    assert "\n" not in out and "\r" not in out  # CommonMark's only line endings: the row cannot break
    assert _unescaped_pipes(out) == 0  # no cell boundary inside the text
    assert _uncell(out) == _cell_source(text)
    if not re.search(r"[|\r\n]", text):
        assert out == text  # nothing else is touched


def _table_after(lines: list[str], header: str, rows: int) -> list[str]:
    at = lines.index(header)
    assert re.fullmatch(r"\|( --- \|)+", lines[at + 1])
    return lines[at + 2: at + 2 + rows]


@CORE
@given(**export_fields)
def test_markdown_export_holds_every_text(**fields):
    """Markdown promise (export.py): outside tables, user text goes out exactly as stored;
    inside a table each row stays one line with its cells intact, each cell being export.cell(text)."""
    document = _document(**fields)
    md = export.to_markdown(document, METHOD)
    lines = md.split("\n")
    # outside tables: verbatim
    head = f"## {fields['name']} — {fields['organisation']}" if fields["organisation"] else f"## {fields['name']}"
    assert head in md
    if fields["notes"]:
        assert fields["notes"] in md
    for objective in fields["objectives"]:
        assert f"- {objective}" in md
    for note in fields["lens_notes"]:
        assert note in md
    if fields["why"]:
        assert f"**Why:** {fields['why']}" in md
    assert f"**Commitment:** {fields['action']}" in md
    if fields["happened"]:
        assert f"What happened: {fields['happened']}" in md
    if fields["learned"]:
        assert f"Learned: {fields['learned']}" in md
    # tables: one line per row, three cells each, the text recoverable from its cell
    beliefs = _table_after(lines, "| Belief | Score | Evidence |", len(BELIEF_KEYS))
    for n, (key, line) in enumerate(zip(BELIEF_KEYS, beliefs)):
        assert line.startswith("| ") and line.endswith(" |")
        assert _unescaped_pipes(line) == 4, line
        evidence, score = fields["evidence"][n], fields["scores"][n]
        shown = evidence if evidence.strip() else ("(no evidence)" if score is not None else "")
        expected = f"| {METHOD.belief(key).name} | {'–' if score is None else score} | {export.cell(shown)} |"
        assert line == expected
    if fields["metrics"]:
        rows = _table_after(lines, "| Metric | Target | Current |", len(fields["metrics"]))
        for metric, line in zip(fields["metrics"], rows):
            assert _unescaped_pipes(line) == 4, line
            assert line == "| " + " | ".join(export.cell(v) for v in metric) + " |"


def _accepted(document):
    """The document as coach keeps it: lone surrogates replaced, nothing else."""
    return valid_unicode_tree(document)[0]


@settings(max_examples=100, deadline=None)
@given(storable_text)
@example("\ud800")
@example("\ud800\udc00")
@example("\udbff\udfff")
def test_json_export_can_always_be_written_as_utf8(text):
    """`coach export` and `coach backup` encode to_json() as UTF-8: a stored text must not make that fail,
    and what is read back is exactly what coach accepted."""
    document = _document(text or "N", "", text, [], [], [""] * 7, [None] * 7, ("",) * 6, "", "", "", "")
    payload = export.to_json(document).encode("utf-8")
    assert json.loads(payload.decode("utf-8")) == _accepted(document)


@settings(max_examples=40, deadline=None)
@given(text=storable_text)
@example(text="\ud800\udc00")
@example(text="\udbff\udfff")
def test_backup_and_restore_give_back_exactly_what_coach_accepted(text):
    """Store, back up, restore into a fresh folder: every text is what the first store kept."""
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp) / "a", Path(tmp) / "b"
        with Store.open(first) as store:
            client = store.add_client("N" + text[: NAME_MAX - 1], text[:NAME_MAX], on=TODAY)
            client = store.client(client.id)
            client.notes, client.objectives = text, [text]
            store.save_client(client)
            reflection = Reflection(client_id=client.id, date=TODAY.isoformat())
            reflection.beliefs["known"] = BeliefScore(3, text)
            reflection.verdict, reflection.verdict_why = "steady", text
            store.finish_reflection(reflection, Commitment(action="x" + text, aim="known", due="2026-12-04"))
            kept = store.everything()
        backup = Path(tmp) / "backup.json"
        backup.write_bytes(export.to_json(kept).encode("utf-8"))
        with Store.open(second) as store:
            store.replace_everything(json.loads(backup.read_bytes().decode("utf-8")))
            back = store.everything()
        for doc in (kept, back):
            doc.pop("exported_at")
        assert back == kept
        [c] = back["clients"]
        assert c["notes"] == json_form(text) and c["reflections"][0]["beliefs"]["known"]["evidence"] == json_form(text)


# -- textsafe: nothing reaches the terminal but what can be seen --------------------

C0_C1 = re.compile("[\x00-\x1f\x7f-\x9f]")


@settings(max_examples=400, deadline=None)
@given(storable_text, st.booleans())
def test_visible_never_outputs_a_control(text, keep_newlines):
    out = visible(text, keep_newlines=keep_newlines)
    allowed = {"\n"} if keep_newlines else set()
    assert not [ch for ch in out if C0_C1.match(ch) and ch not in allowed]
    assert "\x1b" not in out and "\x9b" not in out
    assert not [ch for ch in out if unicodedata.category(ch) == "Cs"], "a lone surrogate cannot be written to a terminal"
    # no invisible direction override survives: it could reorder what follows on screen
    assert not set(out) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert not set(out) & {"\u2028", "\u2029"}  # line breaks other than \n do not reach a one-line widget


PRINTABLE = st.text(
    st.characters(categories=["Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No",
                              "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs"])
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(PRINTABLE, st.lists(st.sampled_from(WIDE + MARKUP + COMBINING + [
    "שלום", "مرحبا بالعالم", "עברית 123", "\u200f", "\u200e", "abc XYZ 0123 !?#&*()"]), max_size=6).map("".join)))
def test_visible_leaves_printable_text_alone(text):
    assert visible(text) == text
    assert visible(text, keep_newlines=True) == text


@settings(max_examples=300, deadline=None)
@given(storable_text, st.booleans(), st.sampled_from(["", "bold", "dim italic"]))
def test_literal_never_reads_markup(text, keep_newlines, style):
    shown = literal(text, style, keep_newlines=keep_newlines)
    assert shown.plain == visible(text, keep_newlines=keep_newlines)  # brackets stay brackets
    assert not shown.spans and str(shown.style) == style  # no style came from the text itself


@settings(max_examples=200, deadline=None)
@given(storable_text, st.integers(min_value=1, max_value=120))
def test_shorten_is_visible_and_fits(text, width):
    out = shorten(text, width)
    assert cell_len(out) <= width  # terminal cells: CJK and emoji take two
    assert out == visible(text) or (out.endswith("…") and visible(text).startswith(out[:-1]))


# -- dates: a date in the window, or a DateError, and never a guess ------------------

WINDOW_END = TODAY + relativedelta(years=LATEST_YEARS_AHEAD)
date_words = st.sampled_from(
    list("0123456789/-.:, ") + ["in ", "days", "weeks", " ago", "next ", "last ", "fri", "friday", "mon", "dec",
                                "december", "a ", "th", "st", "pm", "am", "t", "at ", "on ", "of ", "2026",
                                "2031", "1999", "99999999999", "٣", "２", "\x00", "\u202e", "\x1b[2J", "日"]
)
date_text = st.one_of(st.text(max_size=30), st.lists(date_words, max_size=7).map("".join))
days = st.integers(min_value=0, max_value=(WINDOW_END - date(EARLIEST_YEAR, 1, 1)).days).map(
    lambda n: date(EARLIEST_YEAR, 1, 1) + timedelta(days=n)
)


def _normal(text: str) -> str:
    return " ".join(text.strip().lower().replace(",", " ").split())


def _numbers(phrase: str) -> set[int]:
    return {int(n) for n in re.findall(r"\d+", phrase) if len(n) < 9}


def _says(phrase: str, day: date) -> bool:
    """Could a calendar reading of `phrase` honestly give `day`? Its day of the month must be
    written in it (or be the 1st of a month it names), and a weekday it names must be that day's."""
    numbers = _numbers(phrase)
    months = {m for m in range(1, 13) if date(2000, m, 1).strftime("%b").lower() in phrase}
    day_written = day.day in numbers or (day.day == 1 and (day.month in numbers or day.month in months))
    named_days = {WEEKDAYS[w].weekday for w in re.findall(r"[a-z]+", phrase) if w in WEEKDAYS}
    return day_written and named_days <= {day.weekday()}


@settings(max_examples=400, deadline=None)
@given(date_text, st.sampled_from([TODAY, date(2026, 12, 20), date(2027, 1, 31), date(2028, 2, 29)]))
@example("3pm", TODAY)
@example("15:00", TODAY)
@example("2027", TODAY)
@example("5 m", TODAY)
@example("friday 5 december 2026", TODAY)
@example("FRI1", date(2027, 1, 31))  # the 1st of January is a Friday; the next 1st, in February, is not
@example("1\x000", TODAY)  # dateutil skipped the NUL and read the 10th
def test_parse_date_answers_with_a_date_it_read_or_a_date_error(text, today):
    for parse in (parse_date, parse_due):
        try:
            day = parse(text, today)
        except DateError as exc:
            assert str(exc)
            continue
        assert isinstance(day, date) and not hasattr(day, "hour")
        assert date(EARLIEST_YEAR, 1, 1) <= day <= today + relativedelta(years=LATEST_YEARS_AHEAD)
        if parse is parse_due:
            assert day >= today
        phrase = _normal(text)
        if _relative(phrase, today) is None:  # a calendar date, not "in 2 weeks"
            assert _says(phrase, day), f"{text!r} read as {day:%A %d %B %Y}"


@settings(max_examples=300, deadline=None)
@given(days, st.sampled_from(["{}", " {} ", "{}\n", "{},"]))
def test_iso_dates_read_back_exactly(day, template):
    text = template.format(day.isoformat())
    assert parse_date(text, TODAY) == day
    if day >= TODAY:
        assert parse_due(text, TODAY) == day
    else:
        with pytest.raises(DateError):
            parse_due(text, TODAY)


@settings(max_examples=300, deadline=None)
@given(st.integers(EARLIEST_YEAR, 2031), st.integers(0, 99), st.integers(0, 99))
def test_impossible_iso_dates_are_refused(year, month, day):
    try:
        date(year, month, day)
        assume(False)  # a real date: covered above
    except ValueError:
        pass
    text = f"{year:04d}-{month:02d}-{day:02d}"
    for parse in (parse_date, parse_due):
        with pytest.raises(DateError):
            parse(text, TODAY)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 400), st.sampled_from(["day", "week"]), st.sampled_from(["in {} {}s", "{} {}s", "{} {}s from now"]))
def test_relative_phrases_count_exactly(n, unit, template):
    text = template.format(n, unit)
    expected = TODAY + timedelta(days=n * (7 if unit == "week" else 1))
    if expected <= WINDOW_END:
        assert parse_due(text, TODAY) == expected
    else:
        with pytest.raises(DateError):
            parse_due(text, TODAY)

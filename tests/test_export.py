"""export.py: the three formats, line by line, on a small known data set in a real store."""

from __future__ import annotations

import csv
import io
import json

import pytest

from coach.export import (
    CSV_COLUMNS,
    cell,
    filter_document,
    to_csv,
    to_json,
    to_markdown,
)
from coach.method import BELIEF_KEYS, load_method
from coach.models import (
    BeliefScore,
    Client,
    Commitment,
    Metric,
    PartnershipLenses,
    Reflection,
)
from coach.store import Store

TRICKY = 'Said "yes | no"\nthen left'


def build(store: Store) -> dict:
    ann = Client(
        id="client-ann", name="Ann Lee", organisation="Acme | Co", notes="Likes [bold]short[/] calls.",
        created_on="2025-01-01", objectives=["Grow revenue 10%"], metrics=[Metric("Revenue", "£1.1m", "£1.0m")],
    )
    bob = Client(id="client-bob", name="Bob Ray", created_on="2025-01-02", archived=True)
    store.save_client(ann)
    store.save_client(bob)

    first = Reflection(
        id="refl-1", client_id=ann.id, date="2025-01-10", created_at="2025-01-10T10:00:00+00:00",
        verdict="drifting", proposed_verdict="at_risk", verdict_why="Too quiet [bold]x[/]\nsince December.",
        lenses=PartnershipLenses(objectives_agreed="yes", metrics_tracked="partly", reciprocity=2,
                                 reciprocity_evidence="Never asks", with_or_for="for"),
    )
    for key in BELIEF_KEYS[:-1]:
        first.beliefs[key] = BeliefScore(3, f"{key} evidence")
    first.beliefs["known"] = BeliefScore(3, TRICKY)
    first.beliefs["cared"] = BeliefScore(3, "Asked about, my, week")
    store.finish_reflection(first, Commitment(
        id="commit-1", action="Call Ann", aim="cared", due="2025-01-17", status="done",
        what_happened="Called; she was glad.", learned="Call sooner.", reviewed_on="2025-01-20",
    ))

    second = Reflection(id="refl-2", client_id=ann.id, date="2025-01-20", created_at="2025-01-20T10:00:00+00:00",
                        verdict="steady", proposed_verdict="steady")
    for key in BELIEF_KEYS:
        second.beliefs[key] = BeliefScore(4, "e" if key == "known" else "")
    store.finish_reflection(second, Commitment(id="commit-2", action="Send the plan", aim="partners", due="2025-01-31"))

    document = store.everything()
    document["exported_at"] = "2025-02-01T09:00:00+00:00"
    return document


@pytest.fixture
def document(tmp_path):
    with Store.open(tmp_path / "data") as store:
        return build(store)


EXPECTED_MARKDOWN = """\
# Client relationships

Exported from coach on 2025-02-01. 2 clients, 2 reflections.

## Ann Lee — Acme | Co

Likes [bold]short[/] calls.

**Objectives**

- Grow revenue 10%

**Key metrics**

| Metric | Target | Current |
| --- | --- | --- |
| Revenue | £1.1m | £1.0m |

### 2025-01-20 · Steady

**Verdict:** Steady

| Belief | Score | Evidence |
| --- | --- | --- |
| You know me | 4 | e |
| You care about me | 4 | (no evidence) |
| You value me | 4 | (no evidence) |
| You have faith in me | 4 | (no evidence) |
| You are committed to me | 4 | (no evidence) |
| You keep learning about me | 4 | (no evidence) |
| You change because of me | 4 | (no evidence) |

**Partnership**

- Objectives agreed and aligned: not answered
- Key metrics agreed, tracked: not answered
- Cares about you too (1-5): not answered
- With them or for them: not answered
- Last partner talk: none on record

**Commitment:** Send the plan (aimed at Partners, not customers; made 2025-01-20; due 2025-01-31)

**Outcome:** still open.

### 2025-01-10 · Drifting

**Verdict:** Drifting (coach proposed At risk)

**Why:** Too quiet [bold]x[/]
since December.

| Belief | Score | Evidence |
| --- | --- | --- |
| You know me | 3 | Said "yes \\| no"<br>then left |
| You care about me | 3 | Asked about, my, week |
| You value me | 3 | valued evidence |
| You have faith in me | 3 | faith evidence |
| You are committed to me | 3 | committed evidence |
| You keep learning about me | 3 | curious evidence |
| You change because of me | – |  |

**Partnership**

- Objectives agreed and aligned: Yes
- Key metrics agreed, tracked: Partly
- Cares about you too (1-5): 2 of 5
- Evidence of reciprocity: Never asks
- With them or for them: For them: working through their list
- Last partner talk: none on record

**Commitment:** Call Ann (aimed at You care about me; made 2025-01-10; due 2025-01-17)

**Outcome:** Done, reviewed 2025-01-20. What happened: Called; she was glad. Learned: Call sooner.

## Bob Ray

*Archived.*

**Objectives:** none agreed yet.

**Key metrics:** none tracked yet.

No reflections in this export.
"""


def test_markdown_line_by_line(document):
    got = to_markdown(document, load_method()).splitlines()
    want = EXPECTED_MARKDOWN.splitlines()
    for n, (g, w) in enumerate(zip(got, want), start=1):
        assert g == w, f"line {n}"
    assert len(got) == len(want)


def test_markdown_cell_escapes_only_what_breaks_a_table():
    assert cell("a | b\r\nc\rd") == "a \\| b<br>c<br>d"
    assert cell("[bold]x[/] *y* `z`") == "[bold]x[/] *y* `z`"
    assert cell(4) == "4"


def test_csv_line_by_line(document):
    text = to_csv(document)
    lines = text.split("\r\n")  # rows end in CRLF (RFC 4180); a line break inside a field stays as typed
    assert lines[0] == ",".join(CSV_COLUMNS)
    # every field of the reflection's definition, in the order it asks them
    assert lines[0] == (
        "client,organisation,date,proposed_verdict,"
        "known,known_evidence,cared,cared_evidence,valued,valued_evidence,faith,faith_evidence,"
        "committed,committed_evidence,curious,curious_evidence,adaptive,adaptive_evidence,"
        "objectives_agreed,metrics_tracked,partners_notes,reciprocity,reciprocity_evidence,"
        "with_or_for,with_or_for_notes,last_partner_meeting,unused_capacity,further_topics,better_ways,"
        "verdict,verdict_why,commitment,commitment_aim,commitment_due,commitment_status,"
        "asked_on,known_theirs,known_their_words,cared_theirs,cared_their_words,valued_theirs,valued_their_words,"
        "faith_theirs,faith_their_words,committed_theirs,committed_their_words,curious_theirs,curious_their_words,"
        "adaptive_theirs,adaptive_their_words,both_ways_theirs,both_ways_their_words,"
        "decision_on,decision,decision_reason,decision_lesson,our_objective,to_share,notes"
    )
    # oldest first; the tricky evidence is quoted and keeps its line break
    assert lines[1] == (
        'Ann Lee,Acme | Co,2025-01-10,at_risk,3,"Said ""yes | no""\nthen left",3,"Asked about, my, week",'
        "3,valued evidence,3,faith evidence,3,committed evidence,3,curious evidence,,,"
        "yes,partly,,2,Never asks,for,,,,,,"
        'drifting,"Too quiet [bold]x[/]\nsince December.",Call Ann,cared,2025-01-17,done'
        + "," * 17  # no check-in: its 17 columns empty
        + "," * 6  # no decision, and nothing written on your side
        + ","  # no note
    )
    assert lines[2] == (
        "Ann Lee,Acme | Co,2025-01-20,steady,4,e,4,,4,,4,,4,,4,,4,,,,,,,,,,,,,steady,,"
        "Send the plan,partners,2025-01-31,open" + "," * 17 + "," * 6 + ","
    )
    assert lines[3:] == [""]


def test_csv_reads_back_exactly(document):
    rows = list(csv.DictReader(io.StringIO(to_csv(document))))
    assert len(rows) == 2
    assert rows[0]["known_evidence"] == TRICKY
    assert rows[0]["adaptive"] == "" and rows[0]["reciprocity"] == "2"
    assert rows[1]["commitment_status"] == "open"


def test_json_is_the_document_pretty_and_readable(document):
    text = to_json(document)
    assert json.loads(text) == document
    assert "£1.1m" in text  # not \u00a3
    assert text.startswith('{\n  "format": "coach-export",')
    assert text.endswith("}\n")


# -- filtering ----------------------------------------------------------------------------


def test_filter_by_client_exact_or_unique_prefix(document):
    assert filter_document(document, client="ann lee")["clients"][0]["id"] == "client-ann"
    only_bob = filter_document(document, client="B")
    assert [c["name"] for c in only_bob["clients"]] == ["Bob Ray"]
    assert only_bob["filtered"] == {"client": "Bob Ray"}
    assert [c["name"] for c in document["clients"]] == ["Ann Lee", "Bob Ray"]  # the original is untouched


def test_filter_exact_name_beats_a_longer_one():
    doc = {"clients": [{"id": "1", "name": "Ann"}, {"id": "2", "name": "Anna"}], "drafts": []}
    assert filter_document(doc, client="ANN")["clients"][0]["id"] == "1"
    with pytest.raises(ValueError, match="could be any of: Anne, Anna"):
        filter_document({"clients": [{"id": "1", "name": "Anne"}, {"id": "2", "name": "Anna"}]}, client="an")


def test_filter_unknown_client_lists_the_names(document):
    with pytest.raises(ValueError, match="No client is called “Zed”; the clients are: Ann Lee, Bob Ray."):
        filter_document(document, client="Zed")


def test_filter_since_keeps_reflections_on_or_after_and_their_commitments(document):
    narrowed = filter_document(document, since="2025-01-20")
    ann = narrowed["clients"][0]
    assert [r["id"] for r in ann["reflections"]] == ["refl-2"]
    assert [c["id"] for c in ann["commitments"]] == ["commit-2"]
    assert narrowed["filtered"] == {"since": "2025-01-20"}
    assert "2025-01-10" not in to_csv(narrowed)


def test_no_filter_returns_the_document_as_is(document):
    assert filter_document(document) is document


def test_an_unfinished_reflection_can_be_kept_in_a_private_file_elsewhere(tmp_path):
    """For the app, when a save fails: the draft as Markdown, written 0600 and exclusively."""
    import stat

    from coach.export import draft_to_markdown
    from coach.method import load_method
    from coach.models import BeliefScore, Client, Draft, Reflection
    from coach.storage import OutputRefused, write_private_file

    client = Client(name="Ann Lee", organisation="Acme")
    draft = Draft(client_id=client.id, step=2, reflection=Reflection(client_id=client.id, date="2026-11-23"),
                  due_text="next friday")
    draft.reflection.beliefs["known"] = BeliefScore(4, "She said | so")
    text = draft_to_markdown(draft, client, load_method())
    assert "Ann Lee (Acme)" in text and "She said \\| so" in text and "next friday" in text
    path = write_private_file(tmp_path / "kept.md", text.encode())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(OutputRefused, match="already exists"):
        write_private_file(path, b"again")
    write_private_file(path, b"again", replace=True)
    assert path.read_bytes() == b"again"


def test_two_clients_of_one_name_are_told_apart_by_the_organisation():
    """Found by the hostile pass: a new Marcus Bell beside an archived one could not be chosen at all."""
    doc = {"clients": [{"id": "1", "name": "Marcus Bell", "organisation": "Brightwater"},
                       {"id": "2", "name": "Marcus Bell"}], "drafts": []}
    with pytest.raises(ValueError, match=r"any of: Marcus Bell \(Brightwater\), Marcus Bell\. .*organisation as listed"):
        filter_document(doc, client="marcus")
    # each as it is listed: the name with its organisation, or the bare name of the one without
    assert filter_document(doc, client="Marcus Bell (Brightwater)")["clients"][0]["id"] == "1"
    assert filter_document(doc, client="marcus bell")["clients"][0]["id"] == "2"
    twins = {"clients": [{"id": "1", "name": "Jo"}, {"id": "2", "name": "Jo"}], "drafts": []}
    with pytest.raises(ValueError, match="More than one client is called “Jo”"):
        filter_document(twins, client="jo")

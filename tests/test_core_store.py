"""The store's behaviour: clients, reflections, commitments, drafts, summaries,
export/restore, and which files each change rewrites. Real files in tmp_path."""

from __future__ import annotations

import copy
import json
import os
from datetime import date
from pathlib import Path

import pytest
from helpers.core_support import commitment, reflection

from coach.method import BELIEF_KEYS
from coach.models import BeliefScore, Client, Commitment, Draft, Metric
from coach.storage import DataFileError
from coach.store import SCHEMA_VERSION, Store, summarise, validate_export

MON = date(2026, 11, 23)


def reopen(s: Store, **kw) -> Store:
    s.close()
    return Store.open(s.data_dir, **kw)


def history_file(s: Store, client_id: str) -> Path:
    return s.data_dir / "clients" / f"{client_id}.json"


def stamp(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_ino, st.st_mtime_ns


# -- clients ---------------------------------------------------------------------


def test_add_client_and_list_by_name(store):
    assert not store.has_data
    b = store.add_client("  bo Berg ", " Beta Ltd ", on=MON)
    a = store.add_client("Ana Diaz")
    assert store.has_data
    assert b.name == "bo Berg" and b.organisation == "Beta Ltd" and b.created_on == "2026-11-23"
    assert [c.name for c in store.clients()] == ["Ana Diaz", "bo Berg"]  # case-insensitive order
    assert store.client(a.id) == a
    assert store.client("no-such-id") is None
    with pytest.raises(ValueError):
        store.add_client("   ")
    store = reopen(store)
    assert [c.id for c in store.clients()] == [a.id, b.id]
    store.close()


def test_save_client_keeps_the_summary(store):
    ana = store.add_client("Ana")
    store.finish_reflection(reflection(ana.id), commitment())
    edited = store.client(ana.id)
    edited.name = "Ana Diaz"
    edited.notes = "Prefers mornings [bold]really[/]"
    edited.objectives = ["Grow revenue 10%"]
    edited.metrics = [Metric("NPS", "50", "42")]
    edited.summary = type(edited.summary)()  # a stale or empty summary from the caller
    store.save_client(edited)
    again = reopen(store)
    got = again.client(ana.id)
    assert got.name == "Ana Diaz" and got.notes == "Prefers mornings [bold]really[/]"
    assert got.objectives == ["Grow revenue 10%"] and got.metrics == [Metric("NPS", "50", "42")]
    assert got.summary.reflection_count == 1  # not wiped by the save
    with pytest.raises(ValueError):
        got.name = " "
        again.save_client(got)
    # saving a client that is not stored yet adds it
    new = Client(name="Cy")
    again.save_client(new)
    assert again.client(new.id).name == "Cy"
    again.close()


def test_archive_and_restore(store):
    ana = store.add_client("Ana")
    bo = store.add_client("Bo")
    store.set_archived(ana.id, True)
    assert [c.name for c in store.clients()] == ["Bo"]
    assert [c.name for c in store.clients(include_archived=True)] == ["Ana", "Bo"]
    store = reopen(store)
    assert store.client(ana.id).archived is True
    store.set_archived(ana.id, False)
    assert [c.name for c in store.clients()] == ["Ana", "Bo"]
    with pytest.raises(KeyError):
        store.set_archived("missing", True)
    assert store.client(bo.id).archived is False
    store.close()


def test_delete_removes_history_and_drafts_but_the_backup_keeps_them(store):
    ana = store.add_client("Ana")
    bo = store.add_client("Bo")
    store.finish_reflection(reflection(ana.id, on="2026-11-09"), commitment())
    store.finish_reflection(reflection(ana.id, on="2026-11-16"), None)
    store.finish_reflection(reflection(bo.id), None)
    store.save_draft(Draft(id="ana-draft", client_id=ana.id, step=3))
    store.save_draft(Draft(id="bo-draft", client_id=bo.id, step=1))
    ana_history = history_file(store, ana.id)
    ana_bytes = ana_history.read_bytes()

    store = reopen(store)  # a new run: its first write takes the backup
    assert store.delete_client(ana.id) == 2

    assert not ana_history.exists()
    assert store.client(ana.id) is None
    assert [d.id for d in store.drafts()] == ["bo-draft"]
    assert [c.name for c in store.clients(include_archived=True)] == ["Bo"]
    assert len(store.reflections(bo.id)) == 1
    assert store.delete_client(ana.id) == 0  # already gone

    backup = store.backups()[0]
    assert (backup / "clients" / f"{ana.id}.json").read_bytes() == ana_bytes
    drafts = json.loads((backup / "drafts.json").read_bytes())["drafts"]
    assert {d["id"] for d in drafts.values()} == {"ana-draft", "bo-draft"}
    index = json.loads((backup / "coach.json").read_bytes())["clients"]
    assert {c["name"] for c in index.values()} == {"Ana", "Bo"}

    store = reopen(store)
    assert store.client(ana.id) is None and store.reflections(ana.id) == []
    store.close()


def test_client_ids_that_would_escape_the_directory_are_refused(store):
    for bad in ("../escape", "a/b", ".hidden", ""):
        with pytest.raises(ValueError):
            store.reflections(bad)


# -- reflections and commitments --------------------------------------------------


def test_finish_reflection_stores_both_and_drops_the_draft(store):
    ana = store.add_client("Ana")
    draft = Draft(client_id=ana.id, step=8, reflection=reflection(ana.id, verdict="steady"), commitment=commitment())
    store.save_draft(draft)
    other = Draft(client_id=ana.id, step=1)
    store.save_draft(other)

    store.finish_reflection(draft.reflection, draft.commitment, draft_id=draft.id)

    store = reopen(store)
    [r] = store.reflections(ana.id)
    [c] = store.commitments(ana.id)
    assert r.id == draft.reflection.id and r.verdict == "steady" and r.created_at
    assert r.commitment_id == c.id
    assert (c.client_id, c.reflection_id, c.made_on, c.due) == (ana.id, r.id, "2026-11-23", "2026-12-04")
    assert c.action == "Ask Ana about her quarter" and c.is_open
    assert [d.id for d in store.drafts()] == [other.id]
    assert store.reflection(ana.id, r.id) == r
    assert store.reflection(ana.id, "nope") is None
    store.close()


def test_finishing_twice_does_not_duplicate(store):
    ana = store.add_client("Ana")
    r, c = reflection(ana.id), commitment()
    store.finish_reflection(r, c)
    first_created = r.created_at
    r2, c2 = copy.deepcopy(r), copy.deepcopy(c)
    r2.verdict = "drifting"
    store.finish_reflection(r2, c2)
    store.finish_reflection(r2, c2)
    store = reopen(store)
    assert [x.id for x in store.reflections(ana.id)] == [r.id]
    assert [x.id for x in store.commitments(ana.id)] == [c.id]
    assert store.reflections(ana.id)[0].verdict == "drifting"
    assert store.reflections(ana.id)[0].created_at == first_created
    assert store.client(ana.id).summary.reflection_count == 1
    store.close()


def test_a_blank_commitment_is_not_stored(store):
    ana = store.add_client("Ana")
    r = reflection(ana.id)
    store.finish_reflection(r, Commitment(action="   "))
    assert store.commitments(ana.id) == []
    assert store.reflections(ana.id)[0].commitment_id == ""


def test_finish_for_an_unknown_client_is_refused(store):
    with pytest.raises(KeyError):
        store.finish_reflection(reflection("ghost"), None)
    assert not (store.data_dir / "clients" / "ghost.json").exists()


def test_summary_fields(store):
    ana = store.add_client("Ana")
    scores_old = {k: 2 for k in BELIEF_KEYS}
    scores_new = {**{k: 4 for k in BELIEF_KEYS}, "curious": None}
    store.finish_reflection(reflection(ana.id, on="2026-11-16", scores=scores_old, verdict="drifting"),
                            commitment("First", due="2026-11-20"))
    store.finish_reflection(reflection(ana.id, on="2026-11-23", scores=scores_new, verdict="steady"),
                            commitment("Second", due="2026-12-04"))
    # a back-dated reflection, entered last, is not the latest
    store.finish_reflection(reflection(ana.id, on="2026-11-02", scores=1, verdict="at_risk"), None)

    store = reopen(store)
    summary = store.client(ana.id).summary
    assert summary.last_reflection_on == "2026-11-23"
    assert summary.last_verdict == "steady"
    assert summary.last_scores == scores_new
    assert summary.previous_scores == scores_old
    assert summary.reflection_count == 3
    assert summary.reflection_dates == ["2026-11-02", "2026-11-16", "2026-11-23"]
    assert [c["action"] for c in summary.open_commitments] == ["First", "Second"]
    assert summary.last_commitment["action"] == "Second"
    open_all = store.all_commitments(open_only=True)
    assert [(cl.name, c.action) for cl, c in open_all] == [("Ana", "First"), ("Ana", "Second")]
    store.close()


def test_summary_of_nothing_is_empty():
    s = summarise([], [])
    assert (s.last_reflection_on, s.last_scores, s.previous_scores, s.open_commitments, s.last_commitment) == ("", {}, {}, [], {})


def test_record_outcome(store):
    ana = store.add_client("Ana")
    c = commitment("Call Ana")
    store.finish_reflection(reflection(ana.id), c)
    store.record_outcome(c, "partly", "We spoke briefly", "Book longer slots", on=date(2026, 12, 5))
    store = reopen(store)
    [got] = store.commitments(ana.id)
    assert (got.status, got.what_happened, got.learned, got.reviewed_on) == (
        "partly", "We spoke briefly", "Book longer slots", "2026-12-05")
    summary = store.client(ana.id).summary
    assert summary.open_commitments == []
    assert summary.last_commitment["status"] == "partly"
    assert store.all_commitments(open_only=True) == []
    assert [c.status for _, c in store.all_commitments()] == ["partly"]
    store.close()


def test_reschedule(store):
    ana = store.add_client("Ana")
    c = commitment(due="2026-12-04")
    store.finish_reflection(reflection(ana.id), c)
    store.reschedule(c, date(2026, 12, 11), on=date(2026, 12, 3))
    store.reschedule(c, date(2026, 12, 18), on=date(2026, 12, 10))
    store = reopen(store)
    [got] = store.commitments(ana.id)
    assert got.due == "2026-12-18" and got.is_open
    assert got.reschedules == [
        {"from": "2026-12-04", "to": "2026-12-11", "on": "2026-12-03"},
        {"from": "2026-12-11", "to": "2026-12-18", "on": "2026-12-10"},
    ]
    assert store.client(ana.id).summary.open_commitments[0]["due"] == "2026-12-18"
    store.close()


def test_update_reflection_keeps_its_date(store):
    ana = store.add_client("Ana")
    r = reflection(ana.id, on="2026-11-16", scores=3)
    store.finish_reflection(r, None)
    edited = copy.deepcopy(store.reflections(ana.id)[0])
    edited.date = "2026-01-01"  # a correction must not move it in time
    edited.beliefs["known"] = BeliefScore(5, "She told me her plan")
    edited.verdict_why = "better than I thought"
    store.update_reflection(edited)
    store = reopen(store)
    [got] = store.reflections(ana.id)
    assert got.date == "2026-11-16"
    assert got.beliefs["known"] == BeliefScore(5, "She told me her plan")
    assert got.verdict_why == "better than I thought"
    assert got.edited_at and got.created_at == r.created_at
    assert store.client(ana.id).summary.last_scores["known"] == 5
    assert store.client(ana.id).summary.last_reflection_on == "2026-11-16"
    with pytest.raises(KeyError):
        store.update_reflection(reflection(ana.id))
    store.close()


# -- drafts --------------------------------------------------------------------------

NASTY = (
    "Zoë — 東京 שלום مرحبا 👩🏽‍💻🏴󠁧󠁢󠁳󠁣󠁴󠁿 [bold]not bold[/] [link=x]y[/link] \x1b[31mred\x1b[0m "
    "\x00nul \x07bell \t tab \r\n crlf \\n literal \"quoted\" 'single' \u202eevil\u202c \ufeff"
)


def test_drafts_round_trip_exactly(store):
    ana = store.add_client("Ana")
    r = reflection(ana.id, scores={**{k: 3 for k in BELIEF_KEYS}, "faith": None}, evidence=NASTY,
                   partners_notes=NASTY, reciprocity=2, with_or_for="mixed", verdict_reasons=[NASTY, "two"])
    draft = Draft(client_id=ana.id, step=6, reflection=r,
                  commitment=Commitment(action=NASTY, aim="known", due="2026-12-04",
                                        reschedules=[{"from": "2026-11-27", "to": "2026-12-04", "on": "2026-11-23"}]),
                  due_text=NASTY)
    store.save_draft(draft)
    raw_on_disk = (store.data_dir / "drafts.json").read_bytes()
    assert "東京".encode() in raw_on_disk
    store = reopen(store)
    [got] = store.drafts()
    assert got == draft
    assert got.to_dict() == draft.to_dict()
    assert got.reflection.beliefs["faith"].score is None
    # saved again unchanged, the file is the same but for the stamp
    got.updated_at = draft.updated_at
    assert Draft.from_dict(json.loads(json.dumps(got.to_dict()))) == draft
    store.close()


def test_drafts_upsert_and_newest_first(store, monkeypatch):
    ana = store.add_client("Ana")
    stamps = iter(["2026-11-23T09:00:00+00:00", "2026-11-23T09:05:00+00:00", "2026-11-23T09:10:00+00:00"])
    import coach.store as store_module

    monkeypatch.setattr(store_module, "now_stamp", lambda: next(stamps))
    a = Draft(client_id=ana.id, step=1)
    b = Draft(client_id=ana.id, step=1)
    store.save_draft(a)
    store.save_draft(b)
    a.step = 4
    store.save_draft(a)  # updates, not a second copy
    got = store.drafts()
    assert [(d.id, d.step) for d in got] == [(a.id, 4), (b.id, 1)]
    assert got[0].started_at == "2026-11-23T09:00:00+00:00"
    assert got[0].updated_at == "2026-11-23T09:10:00+00:00"
    store.discard_draft(b.id)
    store.discard_draft("not-there")
    assert [d.id for d in store.drafts()] == [a.id]


# -- which files a change rewrites ------------------------------------------------------


def test_saving_a_draft_rewrites_no_history_file(store):
    ana = store.add_client("Ana")
    bo = store.add_client("Bo")
    store.finish_reflection(reflection(ana.id), commitment())
    store.finish_reflection(reflection(bo.id), None)
    store = reopen(store)  # the first write of a run takes a backup: make that happen here too
    histories = {cid: history_file(store, cid) for cid in (ana.id, bo.id)}
    index = store.data_dir / "coach.json"
    before = {cid: stamp(p) for cid, p in histories.items()}
    index_before = stamp(index)
    for step in range(5):
        store.save_draft(Draft(id="d1", client_id=ana.id, step=step))
    assert {cid: stamp(p) for cid, p in histories.items()} == before
    assert stamp(index) == index_before
    store.close()


def test_finishing_for_one_client_leaves_the_other_clients_file_alone(store):
    ana = store.add_client("Ana")
    bo = store.add_client("Bo")
    store.finish_reflection(reflection(bo.id), commitment())
    store = reopen(store)
    bo_file = history_file(store, bo.id)
    bo_before = stamp(bo_file), bo_file.read_bytes()
    draft = Draft(client_id=ana.id, reflection=reflection(ana.id), commitment=commitment())
    store.save_draft(draft)
    store.finish_reflection(draft.reflection, draft.commitment, draft_id=draft.id)
    c = store.commitments(ana.id)[0]
    store.record_outcome(c, "done", "yes", "", on=MON)
    store.reschedule(c, date(2026, 12, 24), on=MON)
    assert (stamp(bo_file), bo_file.read_bytes()) == bo_before
    assert history_file(store, ana.id).exists()
    store.close()


# -- export and restore ------------------------------------------------------------------


def populated(s: Store) -> None:
    ana = s.add_client("Ana Diaz", "Acme")
    bo = s.add_client("Bo Berg")
    cy = s.add_client("Cy Chen")
    ana.objectives, ana.metrics, ana.notes = ["Grow"], [Metric("NPS", "50", "40")], NASTY
    s.save_client(ana)
    s.set_archived(cy.id, True)
    c = commitment()
    s.finish_reflection(reflection(ana.id, on="2026-11-09", scores=2, verdict="drifting"), c)
    s.finish_reflection(reflection(ana.id, on="2026-11-16", scores=4, reciprocity=4, verdict="steady"), commitment("Two"))
    s.record_outcome(c, "done", "It went well", "Ask earlier", on=MON)
    s.finish_reflection(reflection(bo.id, evidence=NASTY), None)
    s.save_draft(Draft(client_id=bo.id, step=3, reflection=reflection(bo.id, scores=1), due_text=NASTY))


def without_stamp(doc):
    doc = copy.deepcopy(doc)
    doc.pop("exported_at")
    return doc


def test_everything_and_replace_everything_round_trip(tmp_path):
    with Store.open(tmp_path / "a") as a:
        populated(a)
        doc = a.everything()
        summaries = {c.id: c.summary for c in a.clients(include_archived=True)}
    assert doc["format"] == "coach-export" and doc["schema"] == SCHEMA_VERSION
    assert [c["name"] for c in doc["clients"]] == ["Ana Diaz", "Bo Berg", "Cy Chen"]
    assert "summary" not in doc["clients"][0]
    assert len(doc["clients"][0]["reflections"]) == 2 and len(doc["drafts"]) == 1
    # through JSON text, as a real export file goes
    doc = json.loads(json.dumps(doc, ensure_ascii=False))

    with Store.open(tmp_path / "b") as b:
        b.add_client("Someone to be replaced")
        b.replace_everything(doc)
        assert without_stamp(b.everything()) == without_stamp(doc)
        assert {c.id: c.summary for c in b.clients(include_archived=True)} == summaries
    with Store.open(tmp_path / "b") as b:
        assert without_stamp(b.everything()) == without_stamp(doc)
        assert [c.name for c in b.clients()] == ["Ana Diaz", "Bo Berg"]
        assert {p.stem for p in (b.data_dir / "clients").glob("*.json")} <= {c["id"] for c in doc["clients"]}
        # and the store keeps working after a restore
        ana = b.clients()[0]
        b.finish_reflection(reflection(ana.id, on="2026-11-23"), None)
        assert b.client(ana.id).summary.reflection_count == 3


def test_replace_everything_keeps_a_backup_of_what_it_replaced(tmp_path):
    with Store.open(tmp_path / "a") as a:
        populated(a)
        doc = a.everything()
    with Store.open(tmp_path / "b") as b:
        old = b.add_client("Old client")
        b.finish_reflection(reflection(old.id), None)
    with Store.open(tmp_path / "b") as b:
        b.replace_everything(doc)
        assert not history_file(b, old.id).exists()
        held = [bk for bk in b.backups() if (bk / "clients" / f"{old.id}.json").exists()]
        assert held, "no backup holds the replaced client's history"
        names = {c["name"] for c in json.loads((held[0] / "coach.json").read_bytes())["clients"].values()}
        assert names == {"Old client"}


def _valid_doc():
    return {
        "format": "coach-export", "schema": 1, "exported_at": "x",
        "clients": [{"id": "c1", "name": "Ana", "reflections": [], "commitments": []}],
        "drafts": [],
    }


def _with(**changes):
    doc = _valid_doc()
    for key, value in changes.items():
        if key.startswith("client_"):
            doc["clients"][0][key[len("client_"):]] = value
        else:
            doc[key] = value
    return doc


NOT_COACH = {
    "a list": [],
    "a string": "coach-export",
    "None": None,
    "another app's JSON": {"clients": [], "version": 1},
    "wrong format name": _with(format="tinydb"),
    "no schema": {k: v for k, v in _valid_doc().items() if k != "schema"},
    "schema as text": _with(schema="1"),
    "newer schema": _with(schema=SCHEMA_VERSION + 1),
    "clients not a list": _with(clients={"c1": {}}),
    "client without a name": _with(clients=[{"id": "c1"}]),
    "client without an id": _with(clients=[{"name": "Ana"}]),
    "client id that climbs out": _with(client_id="../../etc/x"),
    "client id with a slash": _with(client_id="a/b"),
    "hidden client id": _with(client_id=".coach"),
    "client id not text": _with(client_id=7),
    "same client twice": _with(clients=[{"id": "c1", "name": "A"}, {"id": "c1", "name": "B"}]),
    "reflections not a list": _with(client_reflections="oops"),
    "a reflection not an object": _with(client_reflections=[5]),
    "a score that is not a number": _with(client_reflections=[{"id": "r", "beliefs": {"known": {"score": "high"}}}]),
    "a metric not an object": _with(client_metrics=["NPS"]),
    "commitments not a list": _with(client_commitments={"a": 1}),
    "drafts not a list": _with(drafts="none"),
    "a draft not an object": _with(drafts=[1]),
}


@pytest.mark.parametrize("doc", NOT_COACH.values(), ids=NOT_COACH.keys())
def test_validate_export_refuses_what_is_not_a_coach_export(doc):
    with pytest.raises(ValueError):
        validate_export(doc)


def test_validate_export_messages():
    with pytest.raises(ValueError, match="newer coach"):
        validate_export(_with(schema=SCHEMA_VERSION + 1))
    with pytest.raises(ValueError, match="not a coach export"):
        validate_export({"clients": []})
    with pytest.raises(ValueError) as info:
        validate_export(_with(schema="1"))
    assert "newer" not in str(info.value)


def test_validate_export_accepts_a_minimal_document():
    assert [c["id"] for c in validate_export(_valid_doc())] == ["c1"]


@pytest.mark.parametrize("doc", [NOT_COACH[k] for k in (
    "client id that climbs out", "same client twice", "a draft not an object", "reflections not a list")])
def test_refused_restore_changes_nothing(store, doc):
    ana = store.add_client("Ana")
    store.finish_reflection(reflection(ana.id), None)
    files = {p: p.read_bytes() for p in store.data_dir.rglob("*.json")}
    with pytest.raises(ValueError):
        store.replace_everything(doc)
    assert {p: p.read_bytes() for p in store.data_dir.rglob("*.json")} == files
    assert [c.name for c in store.clients()] == ["Ana"]


# -- read-only stores ----------------------------------------------------------------------


def test_read_only_store_reads_everything(tmp_path):
    with Store.open(tmp_path / "d") as s:
        populated(s)
        expected = without_stamp(s.everything())
    with Store.open(tmp_path / "d", read_only=True) as s:
        assert s.read_only and not s.warnings
        assert without_stamp(s.everything()) == expected


def test_fresh_store_files(tmp_path):
    d = tmp_path / "d"
    with Store.open(d) as s:
        assert [p.name for p in s.data_files()] == ["coach.json"]
        meta = json.loads((d / "coach.json").read_bytes())["meta"]
        assert next(iter(meta.values()))["schema"] == SCHEMA_VERSION
        assert s.backup() is not None
    with pytest.raises(DataFileError):
        (d / "coach.json").write_text(json.dumps({"meta": {"1": {"schema": 99}}}))
        Store.open(d)


def test_everything_is_every_record_as_the_models_write_it(tmp_path):
    """The export reads stored records without rebuilding objects when they have
    the shape coach writes; one of another shape (an older file, a hand edit)
    still comes out exactly as from_dict().to_dict() gives it."""
    import json

    from coach.demo import fill_demo
    from coach.models import Commitment, Reflection

    d = tmp_path / "d"
    with Store.open(d) as s:
        fill_demo(s, date(2026, 11, 23))
        ana = s.clients()[0]
    path = d / "clients" / f"{ana.id}.json"
    data = json.loads(path.read_text())
    odd = dict(next(iter(data["reflections"].values())))
    odd.update(id="00000000-0000-4000-8000-000000000001", date="2001-01-01")
    odd.pop("edited_at")
    odd["beliefs"] = {"known": {"score": 2}}  # the other six missing, no evidence
    odd["lenses"] = {"with_or_for": "with"}
    data["reflections"]["999"] = odd
    path.write_text(json.dumps(data))
    with Store.open(d, read_only=True) as s:
        got = s.everything()
        expected = []
        for client in s.clients(include_archived=True):
            e = client.to_dict()
            e.pop("summary")
            e["reflections"] = [r.to_dict() for r in s.reflections(client.id)]
            e["commitments"] = [c.to_dict() for c in s.commitments(client.id)]
            e["moments"] = [n.to_dict() for n in s.notes(client.id)]
            expected.append(e)
    assert got["clients"] == expected
    [first] = [c for c in got["clients"] if c["id"] == ana.id]
    oldest = first["reflections"][0]
    assert oldest["date"] == "2001-01-01" and oldest["edited_at"] == ""
    assert oldest["beliefs"]["cared"] == {"score": None, "evidence": ""}
    assert list(oldest["lenses"]) == list(Reflection().to_dict()["lenses"])
    assert all(list(c) == list(Commitment().to_dict()) for c in first["commitments"])

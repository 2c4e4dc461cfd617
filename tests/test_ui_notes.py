"""Notes between sessions in the app: m on home, ctrl+g at a belief, x in the history."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from coach.store import Store
from coach.ui.dialogs.note import NoteDialog
from coach.ui.run import make_app
from coach.ui.screens.history import HistoryScreen, NotesTable
from coach.ui.screens.reflect import ReflectionScreen
from tests.helpers.ui_support import open_screen, wait_for

TODAY = date(2026, 11, 23)
SIZE = (80, 24)


def moments(data: Path, client_id: str) -> list[dict]:
    path = data / "clients" / f"{client_id}.json"
    return list(json.loads(path.read_text()).get("moments", {}).values()) if path.exists() else []


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


async def test_m_on_home_keeps_a_note_on_the_selected_client(tmp_path):
    data = tmp_path / "data"
    with Store.open(data) as store:
        dana = store.add_client("Dana Cole", on=date(2026, 10, 1))
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await wait_for(pilot, NoteDialog)
        await pilot.press("3")  # a referral; the text comes next
        await pilot.pause()
        await type_text(pilot, "Introduced me to Mira")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, NoteDialog)
    [m] = moments(data, dana.id)
    assert (m["on"], m["kind"], m["text"]) == ("2026-11-23", "referral", "Introduced me to Mira")


async def test_a_note_cancelled_is_not_kept(tmp_path):
    data = tmp_path / "data"
    with Store.open(data) as store:
        dana = store.add_client("Dana Cole", on=date(2026, 10, 1))
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await wait_for(pilot, NoteDialog)
        await pilot.press("ctrl+l")  # nothing typed: gone without a question
        await pilot.pause()
        assert not isinstance(app.screen, NoteDialog)
    assert moments(data, dana.id) == []


async def test_ctrl_g_copies_a_note_into_the_evidence_that_is_saved(tmp_path):
    data = tmp_path / "data"
    with Store.open(data) as store:
        dana = store.add_client("Dana Cole", on=date(2026, 10, 1))
        store.add_note(dana.id, "Told me the board wants fewer surprises", kind="said", on=date(2026, 11, 20))
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.start_reflection(app.store.client(dana.id))
        await wait_for(pilot, ReflectionScreen)
        await pilot.press("4", "ctrl+g")
        await pilot.pause()
        await pilot.press("ctrl+g")  # the only note is used already: not copied twice
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("ctrl+s")  # keep it for later
        await pilot.pause()
    drafts = json.loads((data / "drafts.json").read_text())["drafts"]
    [draft] = drafts.values()
    known = draft["reflection"]["beliefs"]["known"]
    assert known["score"] == 4
    assert known["evidence"].count("Told me the board wants fewer surprises") == 1


async def test_x_in_the_history_deletes_the_highlighted_note_after_asking(tmp_path):
    data = tmp_path / "data"
    with Store.open(data) as store:
        dana = store.add_client("Dana Cole", on=date(2026, 10, 1))
        keep = store.add_note(dana.id, "Older: keep", on=date(2026, 11, 1))
        store.add_note(dana.id, "Newer: delete", on=date(2026, 11, 20))
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, HistoryScreen(dana.id))
        table = app.screen.query_one("#notes-table", NotesTable)
        assert table.row_count == 2
        assert str(table.get_row_at(0)[2]) == "Newer: delete"  # newest first
        table.focus()
        await pilot.pause()
        await pilot.press("x", "n")  # asked, and said no
        await pilot.pause()
        assert len(moments(data, dana.id)) == 2
        await pilot.press("x", "y")
        await pilot.pause()
        assert table.row_count == 1
    assert [m["id"] for m in moments(data, dana.id)] == [keep.id]



def seed_worked(data: Path) -> str:
    """Ana: kept, then a rise (offered); kept, no rise; a rise after one not kept.
    Bob: kept, then a rise (offered after Ana's). Returns Ana's id."""
    from coach.models import BeliefScore, Commitment
    from tests.helpers.core_support import reflection

    def chain(store, client_id: str, steps) -> None:
        for n, (on, score, action, status) in enumerate(steps):
            r = reflection(client_id, on, 3)
            r.beliefs["cared"] = BeliefScore(score, "as it was")
            made = Commitment(action=action, aim="cared", due=on) if action else None
            store.finish_reflection(r, made)
            if made is not None:
                store.record_outcome(made, status, "", "", on=date.fromisoformat(on))

    with Store.open(data) as store:
        ana = store.add_client("Ana Lima", on=date(2026, 9, 1))
        bob = store.add_client("Bob Stone", on=date(2026, 9, 1))
        chain(store, bob.id, [("2026-10-01", 2, "Call Bob after his board meeting", "done"),
                              ("2026-10-08", 4, "", "")])
        chain(store, ana.id, [("2026-10-05", 3, "Ask Ana how the offsite went", "done"),
                              ("2026-10-12", 4, "Send Ana the article she mentioned", "done"),
                              ("2026-10-19", 4, "Bring Ana the draft early", "not_done"),
                              ("2026-10-26", 5, "", "")])
        return ana.id


async def test_the_commitment_step_offers_what_has_worked_on_the_aim_this_clients_first(tmp_path):
    from textual.widgets import Static

    from coach.models import Draft
    from coach.reflection_form import reflection_form

    data = tmp_path / "data"
    ana_id = seed_worked(data)
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        client = app.store.client(ana_id)
        draft = Draft(client_id=ana_id, step=reflection_form().step_index("commitment"))
        draft.commitment.aim = "cared"
        await open_screen(pilot, ReflectionScreen(client, draft, app.store.reflections(ana_id)[-1]))
        await pilot.pause()
        worked = str(app.screen.query_one("#worked", Static).content)
    lines = worked.splitlines()
    assert lines[0].startswith("What has worked for you on")
    assert "Ask Ana how the offsite went" in lines[1] and "+1" in lines[1]
    assert "Call Bob after his board meeting" in lines[2] and "Bob Stone" in lines[2] and "+2" in lines[2]
    assert len(lines) == 3
    assert "article" not in worked and "draft early" not in worked

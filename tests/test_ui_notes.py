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

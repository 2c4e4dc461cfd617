"""The client's own answers, recorded as a person would: from the history on a
past reflection, and from a belief step while reflecting; then the check-in
screen that copies and saves what to send. Asserted on the saved files."""

from __future__ import annotations

import json
import os
import stat
from datetime import date
from pathlib import Path

from textual.widgets import Static

from coach.store import Store
from coach.ui.dialogs.confirm import ConfirmDialog
from coach.ui.dialogs.their_answers import TheirAnswersDialog
from coach.ui.run import make_app
from coach.ui.screens.agenda import CheckInScreen
from coach.ui.screens.history import HistoryScreen
from tests.helpers.core_support import commitment, reflection
from tests.helpers.ui_support import capture_notes, open_screen, wait_for

TODAY = date(2026, 11, 23)
SIZE = (80, 24)


def seed(data_dir: Path) -> tuple[str, str]:
    with Store.open(data_dir) as store:
        client = store.add_client("Ana Lima", "Acme", on=date(2026, 10, 1))
        r = reflection(client.id, "2026-11-16", 4, verdict="steady")
        store.finish_reflection(r, commitment("Share the churn numbers", due="2026-12-04"))
        return client.id, r.id


def stored_reflection(data_dir: Path, client_id: str) -> dict:
    doc = json.loads((data_dir / "clients" / f"{client_id}.json").read_text())
    (only,) = doc["reflections"].values()
    return only


async def type_into(pilot, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector).focus()
    await pilot.pause()
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


async def test_answers_recorded_from_history_are_saved_beside_the_guesses_and_shown(tmp_path):
    data = tmp_path / "data"
    client_id, _ = seed(data)
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, HistoryScreen(client_id))
        await pilot.press("t")
        await wait_for(pilot, TheirAnswersDialog)
        # focus starts on the first belief's score; a letter or a 7 is not a score
        await pilot.press("x", "7", "2")
        await type_into(pilot, "#known-words", "you miss the board")
        await type_into(pilot, "#valued-score", "5")
        await type_into(pilot, "#both_ways-score", "3")
        await pilot.press("ctrl+s")
        await wait_for(pilot, HistoryScreen)
        changes = "\n".join(str(s.content) for s in app.screen.query("#changes Static").results(Static))
        assert "Their own answers (asked Mon 16 Nov)" in changes  # the reflection's day by default
        assert "You know me: 2 (yours 4) “you miss the board”" in changes
    saved = stored_reflection(data, client_id)["client_answers"]
    assert saved["asked_on"] == "2026-11-16"
    assert saved["beliefs"]["known"] == {"score": 2, "words": "you miss the board"}
    assert saved["beliefs"]["valued"] == {"score": 5, "words": ""}
    assert saved["beliefs"]["cared"] == {"score": None, "words": ""}
    assert saved["both_ways"] == {"score": 3, "words": ""}
    # the summary knows when they were last asked, for `coach status`
    index = json.loads((data / "coach.json").read_text())
    (entry,) = index["clients"].values()
    assert entry["summary"]["last_asked_on"] == "2026-11-16"


async def test_an_asked_date_still_to_come_is_refused_and_nothing_is_lost(tmp_path):
    data = tmp_path / "data"
    client_id, _ = seed(data)
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, HistoryScreen(client_id))
        await pilot.press("t")
        await wait_for(pilot, TheirAnswersDialog)
        await pilot.press("3")
        date_field = app.screen.query_one("#asked_on")
        date_field.value = ""
        await type_into(pilot, "#asked_on", "2026-12-25")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TheirAnswersDialog)
        assert "still to come" in str(app.screen.query_one("#problem", Static).content)
        assert app.screen.query_one("#known-score").value == "3"  # what was typed is still there
        await pilot.press("ctrl+l")
        await wait_for(pilot, ConfirmDialog)  # typed and not saved: asked before it goes
        await pilot.press("y")
        await wait_for(pilot, HistoryScreen)
    assert stored_reflection(data, client_id)["client_answers"]["asked_on"] == ""


async def test_clearing_every_answer_removes_the_check_in(tmp_path):
    data = tmp_path / "data"
    client_id, _ = seed(data)
    with Store.open(data) as store:
        (r,) = store.reflections(client_id)
        r.client_answers.asked_on = "2026-11-17"
        r.client_answers.beliefs["known"].score = 2
        store.update_reflection(r)
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, HistoryScreen(client_id))
        await pilot.press("t")
        await wait_for(pilot, TheirAnswersDialog)
        assert app.screen.query_one("#asked_on").value == "2026-11-17"
        await pilot.press("backspace")
        await pilot.press("ctrl+s")
        await wait_for(pilot, HistoryScreen)
    saved = stored_reflection(data, client_id)["client_answers"]
    assert saved["asked_on"] == "" and saved["beliefs"]["known"]["score"] is None


async def test_a_failed_save_keeps_the_dialog_and_what_was_typed(tmp_path):
    data = tmp_path / "data"
    client_id, _ = seed(data)
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        notes = capture_notes(app)
        await open_screen(pilot, HistoryScreen(client_id))
        await pilot.press("t")
        await wait_for(pilot, TheirAnswersDialog)
        await pilot.press("2")
        clients = data / "clients"
        os.chmod(clients, 0o500)  # the client's file cannot be replaced
        try:
            await pilot.press("ctrl+s")
            await pilot.pause()
            if os.geteuid() != 0:  # root writes anyway
                assert isinstance(app.screen, TheirAnswersDialog)
                assert app.screen.query_one("#known-score").value == "2"
                assert any("Their answers was not saved" in n for n in notes)
        finally:
            os.chmod(clients, 0o700)


async def test_their_answer_recorded_while_reflecting_goes_into_the_draft_and_the_reflection(
        tmp_path, start_reflection):
    data = tmp_path / "data"
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_reflection(pilot, "Dana")
        await pilot.press("4")  # your guess for "You know me"
        await pilot.press("ctrl+t")
        await wait_for(pilot, TheirAnswersDialog)
        assert app.screen.focused.id == "known-score"  # the belief you are on
        await pilot.press("2")
        await type_into(pilot, "#known-words", "not yet")
        await pilot.press("ctrl+s")
        await wait_for(pilot, type(screen))
        before = str(app.screen.query_one("#before", Static).content)
        assert "They said (Mon 23 Nov): 2 of 5 — not yet" in before
        # the draft on disk holds it already: a dropped link loses nothing
        drafts = json.loads((data / "drafts.json").read_text())
        (draft,) = drafts["drafts"].values()
        assert draft["reflection"]["client_answers"]["beliefs"]["known"] == {"score": 2, "words": "not yet"}
        assert draft["reflection"]["beliefs"]["known"]["score"] == 4  # the guess was not touched


async def test_the_check_in_screen_copies_and_saves_a_private_file(tmp_path, monkeypatch):
    data = tmp_path / "data"
    client_id, _ = seed(data)
    monkeypatch.chdir(tmp_path)
    app = make_app(Store.open(data), TODAY)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, HistoryScreen(client_id))
        await pilot.press("k")
        await wait_for(pilot, CheckInScreen)
        await pilot.press("c")
        await pilot.press("s")
        await pilot.pause()
    assert copied and copied[0].startswith("Hello Ana Lima,")
    saved = tmp_path / "check-in-ana-lima-2026-11-23.txt"
    assert saved.read_text() == copied[0]
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600

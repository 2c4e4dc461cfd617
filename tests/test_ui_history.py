"""A client's history, a past reflection corrected, and the portfolio, driven like a user would."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import DataTable, Label, Static

from coach.models import BeliefScore
from coach.reflection_form import reflection_form
from coach.store import Store
from coach.ui.run import make_app
from coach.ui.screens.history import HistoryScreen
from coach.ui.screens.past_reflection import PastReflectionScreen
from coach.ui.screens.portfolio import PortfolioScreen
from tests.helpers.core_support import commitment, reflection
from tests.helpers.ui_support import capture_notes, open_screen

TODAY = date(2026, 11, 23)
SIZE = (80, 24)


def seed(data_dir: Path) -> tuple[str, str, str]:
    """Ana: two reflections, "You know me" 3 → 4 with different evidence. Returns ids."""
    with Store.open(data_dir) as store:
        client = store.add_client("Ana Lima", "Acme [Ops]", on=date(2026, 10, 1))
        first = reflection(client.id, "2026-11-09", 3, verdict="steady")
        first.beliefs["known"] = BeliefScore(3, "Ana nevr mentioned the board")
        made = commitment("Ask Ana what the board expects", due="2026-11-13")
        store.finish_reflection(first, made)
        store.record_outcome(made, "done", "We talked for an hour", "The board wants fewer surprises", on=date(2026, 11, 13))
        second = reflection(client.id, "2026-11-16", 3, verdict="steady")
        second.beliefs["known"] = BeliefScore(4, "She walked me through the board pack")
        store.finish_reflection(second, commitment("Share the churn numbers", due="2026-12-04"))
        return client.id, first.id, second.id


def texts(screen, selector: str) -> str:
    return "\n".join(str(s.content) for s in screen.query(selector).results(Static))


async def test_history_shows_a_score_change_with_the_evidence_from_both_reflections(tmp_path):
    client_id, first_id, second_id = seed(tmp_path / "data")
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, HistoryScreen(client_id))
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        timeline = screen.query_one("#timeline", DataTable)
        assert timeline.row_count == 2
        assert str(timeline.get_row_at(0)[0]) == "Mon 16 Nov"  # newest first, in the short format
        assert "Share the churn numbers" in str(timeline.get_row_at(0)[2])
        assert str(timeline.get_row_at(1)[3]) == "Done"

        changes = texts(screen, "#changes Static")
        assert "From Mon 9 Nov to Mon 16 Nov" in changes
        assert "You know me 3 → 4 (up 1)" in changes
        assert "Mon 9 Nov: Ana nevr mentioned the board" in changes
        assert "Mon 16 Nov: She walked me through the board pack" in changes
        assert "In between you committed to: Ask Ana what the board expects → Done" in changes
        assert "You care about me" not in changes  # unchanged beliefs stay out

        trends = texts(screen, ".trend-row Label")
        assert "You know me" in trends and "4 of 5" in trends and "3 4" in trends

        await pilot.press("down")  # the first reflection has nothing before it
        await pilot.pause()
        assert "the first reflection on this client" in texts(screen, "#changes Static")
        await pilot.press("b")
        await pilot.pause()
        assert not isinstance(app.screen, HistoryScreen)
    store.close()


async def test_correcting_a_typo_keeps_the_date_and_is_saved(tmp_path):
    client_id, first_id, second_id = seed(tmp_path / "data")
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, HistoryScreen(client_id))
        await pilot.press("down", "enter")  # the older reflection, opened read-only
        await pilot.pause()
        past = app.screen
        assert isinstance(past, PastReflectionScreen) and past.reflection_id == first_id
        assert "Ana nevr mentioned the board" in texts(past, "#past-read Static")
        assert not past.editing
        await pilot.press("e")  # deliberately: edit mode
        await pilot.pause()
        assert past.editing
        # as on returning to a step: the first empty field, its label in view
        # (every belief has evidence; the partners' notes are empty)
        field = app.focused
        assert field.id == "field-partners_notes", field
        label = past.query_one("#past-edit").children[past.query_one("#past-edit").children.index(field) - 1]
        assert str(label.content) == reflection_form().field("partners_notes").label
        assert label.region.height and label.region.y >= past.query_one("#past-edit").region.y
        # back to "You know me"'s evidence, past the other six: "Ana nev|r" → "Ana never"
        await pilot.press(*["shift+tab"] * 7)
        assert app.focused.id == "field-known_evidence"
        await pilot.press(*["right"] * 7, "e")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not past.editing
        assert "Ana never mentioned the board" in texts(past, "#past-read Static")
        await pilot.press("ctrl+l")  # back to the history, which shows the correction too
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
    store.close()

    with Store.open(tmp_path / "data", read_only=True) as saved:
        corrected = saved.reflection(client_id, first_id)
        assert corrected.beliefs["known"].evidence == "Ana never mentioned the board"
        assert corrected.beliefs["known"].score == 3
        assert corrected.date == "2026-11-09"
        assert corrected.edited_at
        untouched = saved.reflection(client_id, second_id)
        assert untouched.edited_at == ""
    raw = json.loads((tmp_path / "data" / "clients" / f"{client_id}.json").read_text())
    dates = sorted(r["date"] for r in raw["reflections"].values())
    assert dates == ["2026-11-09", "2026-11-16"]  # corrected in place, not added


async def test_leaving_an_edit_with_changes_asks_before_discarding(tmp_path):
    client_id, first_id, _ = seed(tmp_path / "data")
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, PastReflectionScreen(client_id, first_id))
        past = app.screen
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("x", "ctrl+l")
        await pilot.pause()
        await pilot.press("y")  # discard
        await pilot.pause()
        assert app.screen is past and not past.editing
    store.close()
    with Store.open(tmp_path / "data", read_only=True) as saved:
        assert saved.reflection(client_id, first_id).beliefs["known"].evidence == "Ana nevr mentioned the board"


async def test_read_only_history_can_be_read_but_not_edited(tmp_path):
    client_id, first_id, _ = seed(tmp_path / "data")
    store = Store.open(tmp_path / "data", read_only=True)
    app = make_app(store, TODAY)
    notes = capture_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, PastReflectionScreen(client_id, first_id))
        await pilot.press("e")
        await pilot.pause()
        assert not app.screen.editing
        assert any(note.startswith("Read-only") for note in notes)
    store.close()


async def test_portfolio_shows_averages_and_calls_out_a_habit(tmp_path):
    with Store.open(tmp_path / "data") as store:
        for n, (name, curious) in enumerate((("Ana", 2), ("Ben", 2), ("Cy", 4))):
            client = store.add_client(name, on=date(2026, 10, 1))
            scores = {"known": 4, "cared": 5, "valued": 4, "faith": 4, "committed": 4, "curious": curious, "adaptive": 3}
            store.finish_reflection(reflection(client.id, f"2026-11-1{n}", scores), None)
        archived = store.add_client("Old Client", on=date(2026, 1, 1))
        store.finish_reflection(reflection(archived.id, "2026-02-01", 1), None)
        store.set_archived(archived.id, True)
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, PortfolioScreen())
        screen = app.screen
        table = screen.query_one("#portfolio-table", DataTable)
        assert table.row_count == 4  # three active clients and the average; the archived one left out
        average = [str(cell) for cell in table.get_row_at(3)]
        assert average[0] == "Average"
        assert average[6] == "2.7"  # Learn: (2 + 2 + 4) / 3
        assert str(table.get_row_at(0)[6]) == "2!"  # low is marked in text, not only colour
        habits = texts(screen, "#portfolio-habits")
        assert "“You keep learning about me” is weak with most of your clients" in habits
        assert "a habit of yours, not one client's" in habits
        assert "You change because of me" in habits  # 3, 3, 3: average 3.0
        assert "You know me" not in habits
        await pilot.press("enter")  # a client's row opens their history
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
    store.close()


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_history_fits_small_terminals_by_scrolling(tmp_path, size):
    client_id, _, _ = seed(tmp_path / "data")
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    async with app.run_test(size=size) as pilot:
        await open_screen(pilot, HistoryScreen(client_id))
        body = app.screen.query_one("#history-body")
        changes = app.screen.query_one("#changes")
        assert body.scroll_y == 0  # it opens at the top: the beliefs over time come first
        # what does not fit is reached by scrolling, never cut off
        body.scroll_end(animate=False)
        await pilot.pause()
        assert changes.region.height > 0
        assert body.region.contains_region(changes.region) or changes.region.y < body.region.bottom
    store.close()


async def test_a_client_without_reflections_has_an_empty_history_that_says_so(tmp_path):
    with Store.open(tmp_path / "data") as store:
        client_id = store.add_client("New One", on=date(2026, 11, 1)).id
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    notes = capture_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, HistoryScreen(client_id))
        screen = app.screen
        assert "No reflection on this client yet." in texts(screen, "#trends Static")
        assert "its history starts here" in texts(screen, "#changes Static")
        await pilot.press("o")
        await pilot.pause()
        assert app.screen is screen
        assert any("no reflection to open" in note for note in notes)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert not isinstance(app.screen, HistoryScreen)
    store.close()


async def test_an_unscored_belief_is_a_gap_never_a_middling_score(tmp_path):
    with Store.open(tmp_path / "data") as store:
        client = store.add_client("Ana Lima", on=date(2026, 10, 1))
        for when, known in (("2026-11-02", 4), ("2026-11-09", None), ("2026-11-16", 2)):
            r = reflection(client.id, when, 4)
            r.beliefs["known"] = BeliefScore(known, "seen" if known else "")
            store.finish_reflection(r, None)
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, HistoryScreen(client.id))
        row = app.screen.query(".trend-row").first()
        spark, digits = row.query_one(".trend-spark", Label), row.query_one(".trend-digits", Label)
        assert str(spark.content) == "▆ ▂"  # 4, a gap, 2: no bar where nothing was scored
        assert str(digits.content) == "4 – 2"
        others = app.screen.query(".trend-row")[1]
        assert str(others.query_one(".trend-spark", Label).content) == "▆▆▆"
    store.close()


async def test_a_correction_with_nothing_empty_starts_at_the_end_of_the_last_field(tmp_path):
    from coach.ui.screens.past_reflection import correctable

    with Store.open(tmp_path / "data") as store:
        client = store.add_client("Ana Lima")
        full = reflection(client.id, "2026-11-09", 3, verdict="steady")
        for step in reflection_form().steps:
            for field in correctable(step):
                field.set_on(full, f"words for {field.key}")
        store.finish_reflection(full, commitment("Send the churn numbers"))
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, PastReflectionScreen(client.id, full.id))
        await pilot.press("e")
        await pilot.pause()
        field = app.focused
        assert field.id == "commitment-action" and field.cursor_position == len("Send the churn numbers")
        await pilot.press("space", "x", "ctrl+s")
        await pilot.pause()
    store.close()
    with Store.open(tmp_path / "data", read_only=True) as saved:
        assert saved.commitments(client.id)[0].action == "Send the churn numbers x"

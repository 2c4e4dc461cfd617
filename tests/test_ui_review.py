"""Reviewing commitments by keys alone at 80x24, checked against what the store holds.

The portfolio (tests/helpers/weekly_seed.py) is seen from Monday 2026-11-23:
Ana's commitment was due Friday 20 Nov (3 days overdue), Bo's is due 4 Dec.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.weekly_seed import TODAY, seed, stored_commitment

from coach.models import Commitment
from coach.store import SaveError, Store
from coach.ui.dialogs.confirm import ConfirmDialog
from coach.ui.app import KEY_FENCE_SECONDS
from coach.ui.run import make_app
from coach.ui.screens.home import HomeScreen
from coach.ui.screens.reflect import ReflectionScreen
from coach.ui.screens.review import ReviewScreen

SIZE = (80, 24)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space", "[": "left_square_bracket", "]": "right_square_bracket", "/": "slash"}.get(ch, ch) for ch in text])


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def notices(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def move_due(data_dir: Path, client_id: str, commitment_id: str, due: str) -> None:
    with Store.open(data_dir) as store:
        commitment = next(c for c in store.commitments(client_id) if c.id == commitment_id)
        commitment.due = due
        store.save_commitment(commitment)


async def test_due_commitment_reviewed_at_launch_then_shown_atop_next_reflection(data_dir: Path) -> None:
    people = seed(data_dir)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert [item.client.name for item in app.screen.items] == ["Ana Lima"]  # only what is due
        detail = shown(app, "#review-detail")
        assert "Ask Ana what a good quarter is" in detail
        assert "aimed at You know me" in detail
        assert "made Mon 16 Nov (7 days ago)" in detail
        assert "due Fri 20 Nov: 3 days overdue" in detail

        await pilot.press("d")  # Done; focus moves on to "what happened"
        await type_text(pilot, "She wants fewer surprises")
        await pilot.press("enter")  # on to "what you learned"
        await type_text(pilot, "Ask before the quarter starts")
        await pilot.press("enter")  # saves; nothing else is due, so back home
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

        saved = stored_commitment(data_dir, people.ana, people.ana_commitment)
        assert saved.status == "done"
        assert saved.what_happened == "She wants fewer surprises"
        assert saved.learned == "Ask before the quarter starts"
        assert saved.reviewed_on == "2026-11-23"

        # Ana is the first row (sorted by name): Enter starts her next reflection,
        # pressed once home is in view (an Enter right behind the one that closed
        # the review is taken as meant for the review; see KEY_FENCE_SECONDS)
        assert app.screen.query_one("#client-table").selected_id() == people.ana
        await pilot.pause(KEY_FENCE_SECONDS + 0.1)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReflectionScreen)
        top = shown(app, "#last-commitment")
        assert "Ask Ana what a good" in top  # the action gives way to the outcome at 80 columns
        assert "→ Done: She wants fewer surprises" in top


async def test_rescheduling_with_next_tuesday(data_dir: Path) -> None:
    people = seed(data_dir)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("tab", "tab", "tab")  # outcome → what happened → learned → new date
        await type_text(pilot, "next tuesday")
        await pilot.pause()
        # the date understood is echoed before anything is saved
        assert "Tue 24 Nov (tomorrow)" in shown(app, "#due-echo")
        assert "Moves it to Tue 24 Nov (tomorrow)" in shown(app, "#problem")
        assert stored_commitment(data_dir, people.ana, people.ana_commitment).due == "2026-11-20"

        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("Moved to Tue 24 Nov" in n for n in notices(app))

    saved = stored_commitment(data_dir, people.ana, people.ana_commitment)
    # coach.dates reads "next tuesday" on a Monday as the coming Tuesday, as it
    # reads "next friday" (tests/test_core_dates.py)
    assert saved.due == "2026-11-24"
    assert saved.status == "open"
    assert saved.reschedules == [{"from": "2026-11-20", "to": "2026-11-24", "on": "2026-11-23"}]


async def test_rescheduling_to_a_calendar_date(data_dir: Path) -> None:
    people = seed(data_dir)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "2026-12-01")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    saved = stored_commitment(data_dir, people.ana, people.ana_commitment)
    assert saved.due == "2026-12-01"
    assert saved.reschedules[-1] == {"from": "2026-11-20", "to": "2026-12-01", "on": "2026-11-23"}


async def test_nonsense_date_is_refused_with_the_reason(data_dir: Path) -> None:
    people = seed(data_dir)
    before = (data_dir / "clients" / f"{people.ana}.json").read_bytes()
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "someday soon")
        await pilot.pause()
        assert "not a date yet" in shown(app, "#due-echo")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert 'Could not read "someday soon" as a date' in shown(app, "#problem")
    assert (data_dir / "clients" / f"{people.ana}.json").read_bytes() == before


async def test_outcome_and_new_date_together_are_refused(data_dir: Path) -> None:
    people = seed(data_dir)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")  # Not done
        await pilot.press("tab", "tab")
        await type_text(pilot, "friday")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "clear one of them" in shown(app, "#problem")
    assert stored_commitment(data_dir, people.ana, people.ana_commitment).is_open


async def test_notes_without_an_outcome_ask_for_one(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("tab")
        await type_text(pilot, "We met")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "Choose an outcome (d, p, n or x)" in shown(app, "#problem")
        assert app.screen.focused.id == "outcome"


async def test_nothing_due_means_no_review_at_launch(data_dir: Path) -> None:
    people = seed(data_dir)
    move_due(data_dir, people.ana, people.ana_commitment, "2026-11-27")
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_review_from_home_for_a_commitment_not_yet_due(data_dir: Path) -> None:
    people = seed(data_dir)
    move_due(data_dir, people.ana, people.ana_commitment, "2026-11-27")
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("down")  # Bo Chen, sorted by name
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert [item.client.name for item in screen.items] == ["Ana Lima", "Bo Chen"]  # every open one
        assert screen.current.client.name == "Bo Chen"  # starting at the selected client
        assert "due Fri 4 Dec (in 11 days)" in shown(app, "#review-detail")
        # user text is shown literally: the brackets stay
        assert "Share the [bold]roadmap[/bold] draft" in shown(app, "#review-detail")

        await pilot.press("p")  # Partly
        await type_text(pilot, "Sent half of it")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)  # nothing after Bo left to review

    saved = stored_commitment(data_dir, people.bo, people.bo_commitment)
    assert saved.status == "partly"
    assert saved.what_happened == "Sent half of it"
    assert stored_commitment(data_dir, people.ana, people.ana_commitment).is_open


async def test_several_commitments_one_after_another(data_dir: Path) -> None:
    people = seed(data_dir)
    move_due(data_dir, people.bo, people.bo_commitment, "2026-11-23")  # due today too
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert [item.client.name for item in screen.items] == ["Ana Lima", "Bo Chen"]  # most overdue first
        assert "Review 1 of 2" in shown(app, "#review-progress")
        await pilot.press("ctrl+n")  # nothing typed: Ana stays open, on to Bo
        await pilot.pause()
        assert screen.current.client.name == "Bo Chen"
        assert "due today" in shown(app, "#review-detail")
        await pilot.press("x")  # Dropped
        await pilot.press("tab")
        await type_text(pilot, "They cancelled the roadmap")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert stored_commitment(data_dir, people.bo, people.bo_commitment).status == "dropped"
    assert stored_commitment(data_dir, people.bo, people.bo_commitment).learned == "They cancelled the roadmap"
    assert stored_commitment(data_dir, people.ana, people.ana_commitment).is_open


async def test_leaving_with_unsaved_notes_asks_first(data_dir: Path) -> None:
    people = seed(data_dir)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await type_text(pilot, "Half typed")
        await pilot.press("ctrl+l")  # Esc is never the only way back
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.query_one("#what-happened").value == "Half typed"  # nothing lost
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert stored_commitment(data_dir, people.ana, people.ana_commitment).is_open


async def test_escape_leaves_when_nothing_is_typed(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_a_failed_save_is_reported_not_raised(data_dir: Path) -> None:
    people = seed(data_dir)
    store = Store.open(data_dir)

    def disk_full(commitment: Commitment, *args, **kwargs) -> None:
        raise SaveError("Could not save: the disk is full. Nothing on disk was changed.")

    store.record_outcome = disk_full
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)  # still here, to try again
        assert any("the disk is full" in n for n in notices(app))
        assert app.screen.current.commitment.is_open  # the shown one still matches the disk
    assert stored_commitment(data_dir, people.ana, people.ana_commitment).is_open


async def test_a_burst_of_keys_lands_in_the_right_fields(data_dir: Path) -> None:
    """Over a laggy SSH link keys arrive in bursts; none may land in the wrong field."""
    from textual import events

    people = seed(data_dir)
    app = make_app(Store.open(data_dir), TODAY)

    def burst(keys: list[str]) -> None:
        for key in keys:
            app.post_message(events.Key({" ": "space"}.get(key, key), key if len(key) == 1 else None))

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        burst(["p", *"She said yes", "enter", *"Ask early", "enter"])
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    saved = stored_commitment(data_dir, people.ana, people.ana_commitment)
    assert (saved.status, saved.what_happened, saved.learned) == ("partly", "She said yes", "Ask early")


@pytest.mark.parametrize("order, due, note", [
    ("day-first", "2026-12-04", "read as 4 December, day first"),
    ("month-first", "2027-04-12", "read as 12 April, month first"),
])
async def test_an_ambiguous_new_date_says_how_it_was_read(data_dir: Path, monkeypatch, order, due, note) -> None:
    from coach import settings

    monkeypatch.setenv("COACH_DATE_ORDER", order)
    settings.reload()
    try:
        people = seed(data_dir)
        app = make_app(Store.open(data_dir), TODAY)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("tab", "tab", "tab")
            await type_text(pilot, "4/12")
            await pilot.pause()
            assert note in shown(app, "#due-echo")
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
        assert stored_commitment(data_dir, people.ana, people.ana_commitment).due == due
    finally:
        monkeypatch.setenv("COACH_DATE_ORDER", "month-first")
        settings.reload()


async def test_an_unambiguous_new_date_has_no_note(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "12/13")
        await pilot.pause()
        assert shown(app, "#due-echo").strip() == "→ Sun 13 Dec (in 2 weeks)"

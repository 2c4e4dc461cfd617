"""Home as a dashboard at 80x24: the table, the This-week panel, filter, sort,
the launch sequence and read-only mode, on a known portfolio and a fixed today.

The portfolio (tests/helpers/weekly_seed.py), seen from Monday 2026-11-23:
Ana (drifting, scores 4 → 3, commitment 3 days overdue), Bo (thriving, 5s,
commitment due 4 Dec), Carla (added 2 Nov, never reflected on).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.weekly_seed import TODAY, seed
from rich.console import Console

from coach.models import Draft, Reflection
from coach.store import Store
from coach.ui.dialogs.resume import ResumeDialog
from coach.ui.run import make_app
from coach.ui.screens.home import HomeScreen
from coach.ui.screens.reflect import ReflectionScreen
from coach.ui.screens.review import ReviewScreen

SIZE = (80, 24)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def plain(renderable, width: int = 78) -> str:
    console = Console(width=width, record=True, color_system=None, file=open("/dev/null", "w"))
    console.print(renderable)
    return console.export_text()


def panel(app) -> str:
    return plain(app.screen.query_one("#this-week-text").content)


def rows(app) -> list[list[str]]:
    table = app.screen.query_one("#client-table")
    return [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]


def names(app) -> list[str]:
    return [row[0] for row in rows(app)]


def notices(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def files(data_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(data_dir)): p.read_bytes() for p in sorted(data_dir.rglob("*.json")) if "backups" not in p.parts}


async def at_home(pilot) -> None:
    """Launch, and leave the review of what is due (Ana's commitment) for later."""
    await pilot.pause()
    if isinstance(pilot.app.screen, ReviewScreen):
        await pilot.press("ctrl+l")
        await pilot.pause()
    assert isinstance(pilot.app.screen, HomeScreen)


async def test_every_client_in_one_table(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await at_home(pilot)
        assert rows(app) == [
            ["Ana Lima", "16 Nov", "Drifting", "3333333", "▼−1.0", "20 Nov!", "Ask Ana what a…"],
            ["Bo Chen", "2 Nov", "Thriving", "5555555", "–", "4 Dec", "Share the…"],
            ["Carla Diaz", "never", "–", "·······", "–", "", ""],
        ]
        table = app.screen.query_one("#client-table")
        # name, last reflection, verdict and the strip are on screen at 80 columns
        widths = [column.width for column in table.columns.values()]
        assert sum(w + 2 for w in widths) <= 80
        assert "Ana Lima (Acme)" in str(app.screen.query_one("#selection").render())
        assert "3 days overdue" in str(app.screen.query_one("#selection").render())


async def test_this_week_panel_on_a_known_portfolio(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await at_home(pilot)
        text = " ".join(panel(app).split())  # the panel wraps; compare the words
        assert "Rhythm 3 weeks in a row · last Mon 16 Nov (7 days ago) · 0 this week" in text
        assert "Due ! Ana Lima: Ask Ana what a good quarter is · 3 days overdue" in text
        assert "r reviews them" in text
        # the most pressing first, each with its reasons
        assert (
            "Reflect on Ana Lima: scores fell 1.0 since the previous reflection; "
            "verdict was drifting; commitment overdue by 3 days "
            "Carla Diaz: no reflection yet "
            "Bo Chen: 21 days since the last reflection"
        ) in text


async def test_panel_says_when_nothing_is_due(data_dir: Path) -> None:
    people = seed(data_dir)
    with Store.open(data_dir) as store:
        commitment = store.commitments(people.ana)[0]
        store.record_outcome(commitment, "done", "Asked her", "", on=TODAY)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "Due        Nothing is due." in panel(app)


async def test_filter_by_typing(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await at_home(pilot)
        await pilot.press("slash")
        assert app.screen.focused.id == "filter"
        await pilot.press("b", "e")  # matches Bo's organisation, Beta
        assert names(app) == ["Bo Chen"]
        assert "1 of 3" in str(app.screen.query_one("#sort-label").render())
        await pilot.press("ctrl+l")  # clears, as Esc does
        assert names(app) == ["Ana Lima", "Bo Chen", "Carla Diaz"]
        assert app.screen.focused.id == "client-table"

        await pilot.press("slash", "c", "a", "r")
        assert names(app) == ["Carla Diaz"]
        await pilot.press("enter")  # back to the table, filter kept
        assert app.screen.focused.id == "client-table"
        assert names(app) == ["Carla Diaz"]
        await pilot.press("escape")
        assert names(app) == ["Ana Lima", "Bo Chen", "Carla Diaz"]


async def test_letters_in_the_filter_are_text_not_keys(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await at_home(pilot)
        await pilot.press("slash", "q", "r", "n", "s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#filter").value == "qrns"
        assert names(app) == []


async def test_sort_key_cycles_the_columns(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await at_home(pilot)
        label = lambda: str(app.screen.query_one("#sort-label").render())  # noqa: E731
        assert "sort: name" in label()
        assert names(app) == ["Ana Lima", "Bo Chen", "Carla Diaz"]
        expected = [
            ("last reflection, oldest first", ["Carla Diaz", "Bo Chen", "Ana Lima"]),
            ("verdict, most at risk first", ["Ana Lima", "Bo Chen", "Carla Diaz"]),
            ("change, biggest fall first", ["Ana Lima", "Bo Chen", "Carla Diaz"]),
            ("due date, soonest first", ["Ana Lima", "Bo Chen", "Carla Diaz"]),
            ("name", ["Ana Lima", "Bo Chen", "Carla Diaz"]),
        ]
        for sort_label, order in expected:
            await pilot.press("s")
            assert sort_label in label()
            assert names(app) == order


async def test_sort_keeps_the_selected_client(data_dir: Path) -> None:
    people = seed(data_dir)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await at_home(pilot)
        await pilot.press("down", "down")  # Carla
        await pilot.press("s")  # last reflection: Carla comes first
        table = app.screen.query_one("#client-table")
        assert table.selected_id() == people.carla
        assert table.cursor_row == 0


async def test_enter_on_a_row_starts_a_reflection_on_that_client(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await at_home(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReflectionScreen)
        assert app.screen.client.name == "Bo Chen"
        # Bo's last commitment, still open, heads the reflection
        assert "due Fri 4 Dec" in str(app.screen.query_one("#last-commitment").render())


async def test_home_refreshes_after_a_review(data_dir: Path) -> None:
    seed(data_dir)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d", "ctrl+n")  # Ana's commitment done
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert rows(app)[0][5:] == ["", ""]  # no open commitment left for Ana
        assert "Nothing is due." in panel(app)


async def test_draft_offer_comes_before_the_review(data_dir: Path) -> None:
    people = seed(data_dir)
    with Store.open(data_dir) as store:
        store.save_draft(Draft(client_id=people.carla, reflection=Reflection(client_id=people.carla, date="2026-11-23")))
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeDialog)
        await pilot.press("l")  # later
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


async def test_review_follows_a_resumed_reflection(data_dir: Path) -> None:
    people = seed(data_dir)
    with Store.open(data_dir) as store:
        store.save_draft(Draft(client_id=people.carla, reflection=Reflection(client_id=people.carla, date="2026-11-23")))
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")  # resume
        await pilot.pause()
        assert isinstance(app.screen, ReflectionScreen)
        await pilot.press("ctrl+l")  # save it for later again
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


async def test_first_run_shows_the_welcome(data_dir: Path) -> None:
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        assert screen.query_one("#welcome").display
        assert not screen.query_one("#client-table").display
        assert not screen.query_one("#this-week").display
        await pilot.press("r")
        assert any("No open commitment" in n for n in notices(app))
        await pilot.press("h")
        assert any("Add a client first" in n for n in notices(app))


async def test_read_only_store_refuses_writes_politely(data_dir: Path) -> None:
    seed(data_dir)
    before = files(data_dir)
    store = Store.open(data_dir, read_only=True)
    reason = store.read_only_reason()
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)  # no review pushed: it could not be saved
        assert len(rows(app)) == 3  # everything is still there to look at
        assert "3 days overdue" in panel(app)
        for key in ("n", "r", "enter"):
            count = sum(1 for n in notices(app) if n == reason)
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen), key
            assert sum(1 for n in notices(app) if n == reason) == count + 1, key
        await pilot.press("s", "slash", "a", "n", "a")  # sorting and filtering still work
        assert names(app) == ["Ana Lima"]
    store.close()
    assert files(data_dir) == before


async def test_a_burst_after_slash_types_into_the_filter(data_dir: Path) -> None:
    """"/" then letters arriving together must filter, not open Agenda (a) or quit (q)."""
    from textual import events

    seed(data_dir)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await at_home(pilot)
        for key in ["slash", *"ana"]:
            app.post_message(events.Key(key, "/" if key == "slash" else key))
        for _ in range(3):
            await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#filter").value == "ana"
        assert names(app) == ["Ana Lima"]

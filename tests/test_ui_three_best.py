"""The three best clients (`b` on home), driven with keys at 80x24 on the demo portfolio.

The demo's active clients, in the order the first step lists them: Dev Patel,
Dr Helen Marsh, Marcus Bell, Priya Raman, Sofia Lindqvist, Tom Okafor
(Graham Whitlock is archived and left out).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from helpers.ui_support import wait_for

from coach.method import BELIEF_KEYS
from coach.store import Store
from coach.ui.run import make_app
from coach.ui.screens.home import HomeScreen
from coach.ui.screens.reflect import ReflectionScreen
from coach.ui.screens.review import ReviewScreen
from coach.ui.screens.three_best import PREFILL_MARK, ScoreGrid, ThreeBestScreen

TODAY = date(2026, 11, 23)  # the demo's today (see conftest.demo_data)
SIZE = (80, 24)
ACTIVE = ["Dev Patel", "Dr Helen Marsh", "Marcus Bell", "Priya Raman", "Sofia Lindqvist", "Tom Okafor"]


@pytest.fixture
def demo_copy(demo_data: Path, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(demo_data, data)
    return data


def lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def text(app) -> str:
    return "\n".join(lines(app))


def words(app) -> str:
    return " ".join(text(app).split())


def files(data_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(data_dir)): p.read_bytes() for p in sorted(data_dir.rglob("*.json")) if "backups" not in p.parts}


async def at_home(pilot) -> None:
    await pilot.pause()
    if isinstance(pilot.app.screen, ReviewScreen):  # the demo has commitments due
        await pilot.press("ctrl+l")
        await pilot.pause()
    assert isinstance(pilot.app.screen, HomeScreen)


async def open_ritual(pilot) -> ThreeBestScreen:
    await at_home(pilot)
    await pilot.press("b")
    await wait_for(pilot, ThreeBestScreen)
    screen = pilot.app.screen
    assert screen.step == "pick"
    return screen


async def pick(pilot, *names: str) -> None:
    """Pick clients by name from the top of the list, with space (Enter does the same)."""
    screen = pilot.app.screen
    for name in names:
        await pilot.press("home")
        for _ in range(ACTIVE.index(name)):
            await pilot.press("down")
        await pilot.press("space")
    await pilot.pause()
    assert [screen.client(cid).name for cid in screen.picked][-len(names):] == list(names)


async def to_grid(pilot, *names: str) -> ThreeBestScreen:
    screen = await open_ritual(pilot)
    await pick(pilot, *names)
    await pilot.press("ctrl+n")
    await pilot.pause()
    assert screen.step == "grid"
    return screen


def all_scores(screen) -> dict[tuple[str, str], int | None]:
    return {(cid, key): screen.scores[cid][key] for cid in screen.picked for key in BELIEF_KEYS}


def fits(app) -> None:
    """Nothing runs off the right edge or needs a sideways scroll at 80x24."""
    shown = lines(app)
    assert len(shown) == SIZE[1]
    assert all(len(line) <= SIZE[0] for line in shown)
    assert "^l Back" in shown[-1]  # the footer is on screen


async def test_the_whole_ritual_ends_in_a_reflection_on_another_client(demo_copy: Path) -> None:
    with Store.open(demo_copy, read_only=True) as store:
        latest = {c.name: dict(c.summary.last_scores) for c in store.clients()}
    app = make_app(Store.open(demo_copy), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ritual(pilot)
        before = files(demo_copy)
        assert "[ ] Dev Patel" in text(app) and "Graham Whitlock" not in text(app)  # archived: left out
        fits(app)

        # step 1: space and Enter both pick; a fourth is refused; ctrl+n goes on with three
        await pilot.press("3")  # a digit here does nothing
        assert screen.picked == [] and screen.step == "pick"
        await pilot.press("down", "down", "down", "space")  # Priya Raman
        await pilot.press("up", "up", "up", "enter")  # Dev Patel
        await pilot.press("down", "down", "down", "down", "down", "space")  # Tom Okafor
        await pilot.pause()
        assert [screen.client(c).name for c in screen.picked] == ["Priya Raman", "Dev Patel", "Tom Okafor"]
        assert "[1] Priya Raman" in text(app) and "[2] Dev Patel" in text(app) and "[3] Tom Okafor" in text(app)
        assert "3 of 3 picked" in text(app)
        await pilot.press("up", "space")  # Sofia Lindqvist: one too many
        await pilot.pause()
        assert len(screen.picked) == 3 and "Three are picked already" in words(app)
        await pilot.press("ctrl+n")
        await pilot.pause()

        # step 2: the grid, prefilled from each client's latest reflection and marked so
        assert screen.step == "grid"
        assert isinstance(app.focused, ScoreGrid)
        shown = text(app)
        for name in ("Priya Raman", "Dev Patel", "Tom Okafor"):
            assert name in shown
        for key in BELIEF_KEYS:
            assert app.screen.coach.method.belief(key).name in shown
        priya, dev, tom = screen.picked
        assert screen.scores[priya] == {k: latest["Priya Raman"][k] for k in BELIEF_KEYS}
        assert screen.scores[dev] == {k: latest["Dev Patel"][k] for k in BELIEF_KEYS}
        assert shown.count(PREFILL_MARK) >= 21  # every cell, and the legend
        assert "not saved" in shown
        fits(app)

        # a digit scores the cell under the cursor, and only that one, then moves down the column
        was = all_scores(screen)
        await pilot.press("1")
        await pilot.pause()
        now = all_scores(screen)
        assert {k for k in now if now[k] != was[k]} <= {(priya, "known")} and now[(priya, "known")] == 1
        assert "known" not in screen.prefilled[priya]
        assert tuple(app.focused.cursor_coordinate) == (1, 0)
        # the rest of Priya's column, then Dev's, then Tom's (the cursor runs on to the next column)
        await pilot.press(*"555553", *"3333333", *"4412221")
        await pilot.pause()
        assert [screen.scores[priya][k] for k in BELIEF_KEYS] == [1, 5, 5, 5, 5, 5, 3]
        assert [screen.scores[dev][k] for k in BELIEF_KEYS] == [3] * 7
        assert [screen.scores[tom][k] for k in BELIEF_KEYS] == [4, 4, 1, 2, 2, 2, 1]
        assert PREFILL_MARK not in text(app).split("\n")[5]  # the first row is all typed now
        # arrows and tab move between cells
        await pilot.press("up", "left")
        assert tuple(app.focused.cursor_coordinate) == (5, 1)
        await pilot.press("tab")  # the next cell in scoring order: down the column
        assert tuple(app.focused.cursor_coordinate) == (6, 1)
        await pilot.press("tab")  # then the top of the next column
        assert tuple(app.focused.cursor_coordinate) == (0, 2)
        await pilot.press("shift+tab")
        assert tuple(app.focused.cursor_coordinate) == (6, 1)
        await pilot.press("ctrl+n")
        await pilot.pause()

        # step 3: where each is strong (acknowledge it) and where it falls short
        assert screen.step == "reading"
        said = words(app)
        assert ("Priya Raman Strong 4-5 You care about me 5, You value me 5, You have faith in me 5, "
                "You are committed to me 5, You keep learning about me 5. "
                "Acknowledge it to them. Short 1-3 You know me 1, You change because of me 3. Work out what to do.") in said
        assert "Dev Patel Strong 4-5 nothing scored 4 or 5. Short 1-3 You know me 3," in said
        assert ("Tom Okafor Strong 4-5 You know me 4, You care about me 4. Acknowledge it to them. "
                "Short 1-3 You value me 1, You change because of me 1, You have faith in me 2,")  # weakest first in said
        assert "Short with all three: You change because of me." in said
        assert "ctrl+n one other client to improve · scores for this exercise only, not saved" in said
        fits(app)
        await pilot.press("4", "enter")  # nothing to score or choose here
        await pilot.pause()
        assert screen.step == "reading"
        await pilot.press("ctrl+n")
        await pilot.pause()

        # step 4: one other client, not one of the three
        assert screen.step == "improve"
        shown = text(app)
        assert "Dr Helen Marsh" in shown and "Marcus Bell" in shown and "Sofia Lindqvist" in shown
        for name in ("Priya Raman", "Dev Patel", "Tom Okafor"):
            assert name not in shown
        fits(app)
        assert files(demo_copy) == before  # the ritual saved nothing
        await pilot.press("ctrl+n")  # nothing more to go on to: it does nothing
        assert screen.step == "improve"
        await pilot.press("down", "enter")  # Marcus Bell
        await wait_for(pilot, ReflectionScreen)
        assert app.screen.client.name == "Marcus Bell"
        assert ThreeBestScreen not in {type(s) for s in app.screen_stack}


async def test_esc_goes_back_one_step_at_a_time(demo_copy: Path) -> None:
    app = make_app(Store.open(demo_copy), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_grid(pilot, "Dev Patel", "Marcus Bell", "Priya Raman")
        await pilot.press("2")
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.step == "improve"
        await pilot.press("escape")
        await pilot.pause()
        assert screen.step == "reading"
        await pilot.press("escape")
        await pilot.pause()
        assert screen.step == "grid"
        dev = screen.picked[0]
        assert screen.scores[dev]["known"] == 2  # what was typed is still there
        assert isinstance(app.focused, ScoreGrid)
        await pilot.press("ctrl+l")  # the other way back, for when Esc is swallowed
        await pilot.pause()
        assert screen.step == "pick"
        assert len(screen.picked) == 3  # and the picks too
        # changing one pick keeps the scores of the two that stay
        await pilot.press("home", "space")  # Dev Patel out
        await pilot.press("down", "space")  # Dr Helen Marsh in
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.step == "grid" and dev not in screen.scores
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await wait_for(pilot, HomeScreen)


async def test_a_digit_with_nothing_focused_scores_nothing(demo_copy: Path) -> None:
    app = make_app(Store.open(demo_copy), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_grid(pilot, "Dev Patel", "Marcus Bell", "Priya Raman")
        was = all_scores(screen)
        screen.set_focus(None)
        await pilot.pause()
        await pilot.press("1", "2", "5", "backspace")
        await pilot.pause()
        assert all_scores(screen) == was and screen.step == "grid"
        await pilot.press("tab")  # tab brings focus back to the grid
        assert isinstance(app.focused, ScoreGrid)
        await pilot.press("delete")  # clears the focused cell only
        await pilot.pause()
        now = all_scores(screen)
        assert {k for k in now if now[k] != was[k]} == {(screen.picked[0], "known")}
        assert now[(screen.picked[0], "known")] is None


async def test_every_cell_needs_a_score_to_go_on(demo_copy: Path) -> None:
    with Store.open(demo_copy) as store:
        store.add_client("Nadia New", "Fresh Ltd", on=TODAY)  # no reflection, so nothing to prefill
    app = make_app(Store.open(demo_copy), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ritual(pilot)
        listed = [*ACTIVE[:3], "Nadia New", *ACTIVE[3:]]
        await pilot.press("space")  # Dev Patel
        await pilot.press(*["down"] * listed.index("Nadia New"), "space")
        await pilot.press("down", "space")  # Priya Raman
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.step == "grid"
        assert text(app).count("–") >= 7
        await pilot.press("down", "down")  # away from the blanks
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.step == "grid"
        assert "Score every cell to go on: 7 still to score" in words(app)
        assert tuple(app.focused.cursor_coordinate) == (0, 1)  # the first blank: Nadia's first belief
        await pilot.press(*"4444444")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.step == "reading"


async def test_fewer_than_three_active_clients(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.add_client("Ana Lima", "Acme", on=TODAY)
        store.add_client("Bo Chen", on=TODAY)
        gone = store.add_client("Cy Old", on=TODAY)
        store.set_archived(gone.id, True)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ritual(pilot)
        said = words(app)
        assert "needs three active clients, and you have only 2 active clients" in said
        assert "Ana Lima" not in said and "Cy Old" not in said
        await pilot.press("space", "enter", "3", "tab", "ctrl+n")
        await pilot.pause()
        assert screen.step == "pick" and screen.picked == []
        assert isinstance(app.screen, ThreeBestScreen)
        await pilot.press("escape")
        await wait_for(pilot, HomeScreen)


async def test_no_client_left_to_improve(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        for name in ("Ana Lima", "Bo Chen", "Carla Diaz"):
            store.add_client(name, on=TODAY)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ritual(pilot)
        await pilot.press("space", "down", "space", "down", "space", "ctrl+n")
        await pilot.pause()
        await pilot.press(*"5" * 21, "ctrl+n")
        await pilot.pause()
        assert screen.step == "reading"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.step == "improve"
        assert "no other to pick" in words(app)
        await pilot.press("enter", "space", "1")
        await pilot.pause()
        assert isinstance(app.screen, ThreeBestScreen) and screen.step == "improve"
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert screen.step == "reading"


async def test_b_types_into_the_filter(demo_copy: Path) -> None:
    app = make_app(Store.open(demo_copy), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await at_home(pilot)
        await pilot.press("slash", "b", "e")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#filter").value == "be"

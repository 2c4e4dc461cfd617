"""Snapshots of the screens people look at most, at 80x24, on the demo
portfolio seen from Monday 2026-11-23; and the main ones in each colour system.

After a deliberate change to how a screen looks:
    pytest tests/test_snapshots.py --snapshot-update
then look at tests/__snapshots__/test_snapshots/*.svg before committing them.

What keeps the pictures stable from run to run and machine to machine:
- The data. fill_demo derives everything, ids included, from `today`; the
  only clock-dependent things it writes (the index's created_at, a backup
  folder's name) are never shown, and nothing under coach/ui reads the clock.
- The colour system is pinned. Textual reads TEXTUAL_COLOR_SYSTEM once, when
  textual.constants is imported, and otherwise guesses from TERM/COLORTERM;
  coach itself switches to the ansi-dark theme on 16 colours. Unpinned, a CI
  box with TERM=xterm and a desktop terminal would draw different pictures.
- No animation, no blinking cursor, NO_COLOR and TEXTUAL_FILTERS cleared
  unless a test sets them, and no privacy warning toast (asserted).
"""

from __future__ import annotations

import io
import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
import textual.constants
from rich.color import ColorSystem
from rich.console import Console
from rich.segment import Segment
from rich.style import Style

from coach.store import Store
from coach.ui.run import make_app
from coach.ui.screens.history import HistoryScreen
from coach.ui.screens.home import HomeScreen
from coach.ui.screens.reflect import ReflectionScreen
from coach.ui.screens.review import ReviewScreen
from tests.helpers.ui_support import wait_for

TODAY = date(2026, 11, 23)  # a Monday
SIZE = (80, 24)
SYSTEMS = {"standard": ColorSystem.STANDARD, "256": ColorSystem.EIGHT_BIT, "truecolor": ColorSystem.TRUECOLOR}


# -- the app, built the same way every time ------------------------------------------------


@pytest.fixture
def open_store(demo_data: Path, tmp_path: Path):
    """A fresh copy of the demo portfolio for each test (a test may write to it)."""
    stores: list[Store] = []

    def open_() -> Store:
        data = tmp_path / "data"
        shutil.copytree(demo_data, data)
        store = Store.open(data)
        assert store.warnings == []  # a warning is a toast naming a tmp path: never the same twice
        stores.append(store)
        return store

    yield open_
    for store in stores:
        store.close()


@pytest.fixture(autouse=True)
def pin_colours(monkeypatch):
    """Truecolour, no filters, no animation, unless the test asks otherwise."""

    def pin(system: str = "truecolor", *, no_color: bool = False) -> None:
        monkeypatch.setenv("TEXTUAL_COLOR_SYSTEM", system)
        # read once at import, so the env var alone would come too late
        monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", system)
        monkeypatch.setattr(textual.constants, "FILTERS", "")
        monkeypatch.setattr(textual.constants, "TEXTUAL_ANIMATIONS", "none")
        if no_color:
            monkeypatch.setenv("NO_COLOR", "1")
        else:
            monkeypatch.delenv("NO_COLOR", raising=False)

    pin()
    return pin


def coach_app(store: Store):
    app = make_app(store, TODAY)
    app.animation_level = "none"
    system = app.console.color_system
    if system != "truecolor":
        app.export_screenshot = _export_as_seen(app, SYSTEMS[system])
    elif os.environ.get("NO_COLOR"):
        # without colour, runs of one look were cut into segments differently
        # depending on what ran before in the process: joined, they compare alike
        app.export_screenshot = _export_as_seen(app, None)
    return app


def _export_as_seen(app, system: ColorSystem | None):
    """Textual's export_screenshot, with colours brought down to what the terminal
    can show: Textual always exports in truecolour, so a 256-colour run would
    otherwise look exactly like a truecolour one."""

    def export_screenshot(*, title: str | None = None, simplify: bool = False) -> str:
        width, height = app.size
        console = Console(
            width=width, height=height, file=io.StringIO(), force_terminal=True,
            color_system="truecolor", record=True, legacy_windows=False, safe_box=False,
        )
        update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens, simplify=simplify)
        console.print(update)
        if system is None:
            console._record_buffer[:] = Segment.simplify(_plain(segment) for segment in console._record_buffer)
        else:
            console._record_buffer[:] = [_downgrade(segment, system) for segment in console._record_buffer]
        return console.export_svg(title=title or app.title)

    return export_screenshot


def _plain(segment: Segment) -> Segment:
    """The segment as the eye sees it: its look without the meta (click handlers, links)."""
    if segment.style is None or segment.control:
        return segment
    return Segment(segment.text, Style.parse(str(segment.style)), segment.control)


def _downgrade(segment: Segment, system: ColorSystem) -> Segment:
    style = segment.style
    if style is None or segment.control:
        return segment
    colours = Style(
        color=style.color.downgrade(system) if style.color else None,
        bgcolor=style.bgcolor.downgrade(system) if style.bgcolor else None,
    )
    return Segment(segment.text, style + colours, segment.control)


# -- getting to each screen ------------------------------------------------------------------


async def wait_for_step(pilot, index: int) -> None:
    for _ in range(100):
        if pilot.app.screen.draft.step == index:
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never reached step {index + 1}")


async def steady(pilot) -> None:
    """No blinking cursor anywhere on the stack (it would be caught mid-blink)."""
    for screen in pilot.app.screen_stack:
        for widget in screen.query("Input, TextArea"):
            widget.cursor_blink = False
    await pilot.pause()


async def at_launch(pilot) -> None:
    """The review of commitments that have come due, offered over home at launch."""
    await wait_for(pilot, ReviewScreen)


async def at_home(pilot) -> None:
    await at_launch(pilot)
    await pilot.press("ctrl+l")  # nothing typed: leaves at once
    await wait_for(pilot, HomeScreen)


async def in_history(pilot) -> None:
    await at_home(pilot)
    await pilot.press("down", "down", "h")  # Marcus Bell: scores falling, a long history
    await wait_for(pilot, HistoryScreen)


async def on_belief_step(pilot) -> None:
    await at_home(pilot)
    await pilot.press("enter")  # Dev Patel, first by name
    await wait_for(pilot, ReflectionScreen)
    await pilot.press("4", *"She asked me to brief Aisha on the background.")


async def on_verdict_step(pilot) -> None:
    await at_home(pilot)
    await pilot.press("enter")
    await wait_for(pilot, ReflectionScreen)
    for score in "4342434":
        await pilot.press(score, "ctrl+n")
    await pilot.press("ctrl+n", "ctrl+n")  # the two lens steps, left blank
    await wait_for_step(pilot, 9)


def route(*steps):
    async def run_before(pilot) -> None:
        for step in steps:
            await step(pilot)
        await steady(pilot)

    return run_before


# -- the screens people look at most (truecolour) --------------------------------------------


def test_home(snap_compare, open_store) -> None:
    assert snap_compare(coach_app(open_store()), terminal_size=SIZE, run_before=route(at_home))


def test_history(snap_compare, open_store) -> None:
    assert snap_compare(coach_app(open_store()), terminal_size=SIZE, run_before=route(in_history))


def test_review_at_launch(snap_compare, open_store) -> None:
    assert snap_compare(coach_app(open_store()), terminal_size=SIZE, run_before=route(at_launch))


def test_reflection_belief_step(snap_compare, open_store) -> None:
    assert snap_compare(coach_app(open_store()), terminal_size=SIZE, run_before=route(on_belief_step))


def test_reflection_verdict_step(snap_compare, open_store) -> None:
    assert snap_compare(coach_app(open_store()), terminal_size=SIZE, run_before=route(on_verdict_step))


# -- the main screens in 16 and 256 colours and without colour ---------------------------------

MAIN_SCREENS = {"home": at_home, "belief": on_belief_step, "review": at_launch}


@pytest.mark.parametrize("screen", MAIN_SCREENS)
@pytest.mark.parametrize("system", ["standard", "256", "nocolor"])
def test_colour_systems(snap_compare, open_store, pin_colours, system: str, screen: str) -> None:
    if system == "nocolor":
        pin_colours("truecolor", no_color=True)
    else:
        pin_colours(system)
    app = coach_app(open_store())
    assert snap_compare(app, terminal_size=SIZE, run_before=route(MAIN_SCREENS[screen]))


# -- what the pictures cannot prove --------------------------------------------------------------


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_colours(app) -> set[tuple[int, int, int]]:
    """The colours the terminal is sent: after Textual's output filters (NO_COLOR's among them)."""
    colours = set()
    background = app.screen.styles.background
    for strip in app.screen._compositor.render_strips():
        segments = list(strip)
        for line_filter in app._filters:
            if line_filter.enabled:
                segments = line_filter.apply(segments, background)
        for segment in segments:
            style = segment.style
            for colour in (style.color, style.bgcolor) if style else ():
                if colour is not None and not colour.is_default:
                    colours.add(colour.get_truecolor())
    return colours


@pytest.mark.parametrize("system, theme", [("standard", "ansi-dark"), ("256", "textual-dark"), ("truecolor", "textual-dark")])
async def test_the_colour_system_reaches_the_app(open_store, pin_colours, system: str, theme: str) -> None:
    """What the colour snapshots rest on: the pinned system is the app's, and 16 colours take the terminal's palette."""
    pin_colours(system)
    app = coach_app(open_store())
    async with app.run_test(size=SIZE) as pilot:
        await at_launch(pilot)
        assert app.console.color_system == system
        assert app.theme == theme
        assert not app.no_color


@pytest.mark.parametrize("system", ["truecolor", "standard"])
async def test_without_colour_the_meaning_survives(open_store, pin_colours, system: str) -> None:
    """NO_COLOR sends no colour at all, in any colour system: what matters must still read as text."""
    pin_colours(system, no_color=True)
    app = coach_app(open_store())
    async with app.run_test(size=SIZE) as pilot:
        await at_launch(pilot)
        assert app.no_color
        assert screen_colours(app) == set()  # the terminal's own foreground on its own background
        lines = screen_lines(app)
        # the commitment under review is marked with a character, and overdue is said in words
        assert re.search(r"» Sofia Lindqvist · .* · 11 days overdue", "\n".join(lines))
        assert any("Marcus Bell" in line and "3 days overdue" in line for line in lines)

        await at_home(pilot)
        lines = screen_lines(app)
        head = next(n for n, line in enumerate(lines) if "Verdict" in line and "Beliefs" in line)
        rows = lines[head + 1 : head + 7]
        assert len(rows) == 6, rows  # the six active clients
        for row in rows:
            # a verdict in words, the seven scores as digits, a change with its sign
            assert re.search(r" (Thriving|Steady|Drifting|At risk) +[1-5·]{7} +([▲▼][+−]|=)\d\.\d ", row), row
        assert sum("!" in row for row in rows) == 2  # overdue dues carry a "!" as well as a colour
        assert any(line.startswith(" Due        ! ") for line in lines)

        await pilot.press("enter")  # Dev Patel
        await wait_for(pilot, ReflectionScreen)
        await pilot.press("4")
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "[3] »[4]« [5]" in text  # the chosen score is bracketed, not only reversed
        assert "No evidence yet: this score is a guess." in text

        for score in "342434":
            await pilot.press("ctrl+n", score)
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+n")
        await wait_for_step(pilot, 9)
        text = "\n".join(screen_lines(app))
        proposal = re.search(r"coach proposes: (Thriving|Steady|Drifting|At risk)", text)
        assert proposal, text
        verdict = proposal.group(1)
        assert "»[" not in text  # a proposal only: nothing is chosen until the person picks
        await pilot.press(verdict[0].lower())
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert f"»[{verdict[0].lower()}] {verdict}«" in text  # the choice is in brackets, not only reversed

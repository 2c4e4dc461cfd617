"""Every screen stays usable in a small terminal (60x20) and at 80x24: each
control can be brought into view, scrolling rather than hiding, nothing
covers it, and the footer keeps the last row.

"Brought into view" means what a keyboard user gets: focus the control (as
Tab would) and it must then sit wholly on the screen, with the control
itself, not a neighbour or a clipping container, at its corners and centre.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from textual.errors import NoWidget
from textual.geometry import Region
from textual.widgets import Button, Footer

from coach.models import Draft, Reflection
from coach.store import Store
from coach.ui.dialogs.client_edit import ClientEditDialog
from coach.ui.dialogs.client_picker import ClientPicker
from coach.ui.dialogs.confirm import ConfirmDialog
from coach.ui.dialogs.new_client import NewClientDialog
from coach.ui.dialogs.resume import ResumeDialog
from coach.ui.run import make_app
from coach.ui.screens.agenda import AgendaScreen
from coach.ui.screens.clients import ClientsScreen
from coach.ui.screens.history import HistoryScreen
from coach.ui.screens.home import HomeScreen
from coach.ui.screens.past_reflection import PastReflectionScreen
from coach.ui.screens.portfolio import PortfolioScreen
from coach.ui.screens.reflect import ReflectionScreen
from coach.ui.screens.review import ReviewScreen
from coach.ui.screens.terms import TermsScreen
from coach.ui.widgets.choices import Choices
from tests.helpers.ui_support import wait_for

TODAY = date(2026, 11, 23)
SIZES = {"60x20": (60, 20), "80x24": (80, 24)}
STEPS = 12


@pytest.fixture
def store(demo_data: Path, tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(demo_data, data)
    with Store.open(data) as store:
        yield store


def coach_app(store: Store):
    app = make_app(store, TODAY)
    app.animation_level = "none"  # scrolling into view happens at once
    return app


# -- checking a screen ------------------------------------------------------------------------


def where_hidden(screen, widget) -> str | None:
    """Why `widget` is not wholly in view, or None when it is."""
    region = widget.region
    if not region:
        return "has no size"
    if not screen.region.contains_region(region):
        return f"at {tuple(region)}, not within the screen {tuple(screen.region)}"
    x, y, width, height = region
    points = {(x, y), (x + width - 1, y), (x, y + height - 1), (x + width - 1, y + height - 1),
              (x + width // 2, y + height // 2)}
    for px, py in sorted(points):
        try:
            hit, _ = screen.get_widget_at(px, py)
        except NoWidget:
            return f"nothing drawn at ({px}, {py})"
        if hit is not widget and widget not in hit.ancestors:
            return f"covered or clipped at ({px}, {py}) by {hit!r}"
    return None


async def usable(pilot, screen_type) -> list[str]:
    """Focus every control of the current screen in turn; what could not be seen."""
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, screen_type), f"on {type(screen).__name__}, not {screen_type.__name__}"
    name = type(screen).__name__
    problems = []
    footer = screen.query(Footer)
    if footer:
        last_row = screen.size.height - 1
        if footer.first().region.y != last_row or footer.first().region.height != 1:
            problems.append(f"{name}: footer at {tuple(footer.first().region)}, not on row {last_row}")
    controls = list(screen.focus_chain)
    for button in screen.query(Button):
        if button not in controls and button.display:
            problems.append(f"{name}: {button!r} cannot take focus")
    if not controls:
        problems.append(f"{name}: nothing can take focus")
    for widget in controls:
        screen.set_focus(widget)
        await pilot.pause()  # it scrolls into view after the next refresh
        assert app.screen is screen, f"focusing {widget!r} left {name}"
        hidden = where_hidden(screen, widget) or (options_cut(widget) if isinstance(widget, Choices) else None)
        if hidden:
            problems.append(f"{name}: {widget!r} {hidden}")
    return problems


def options_cut(choices: Choices) -> str | None:
    """A row of choices too narrow for its options draws some of them nowhere."""
    width, height = choices.content_size
    drawn = " ".join(strip.text for strip in choices.render_lines(Region(0, 0, width, height)))
    drawn = " ".join(drawn.split())
    missing = [option.label for option in choices.options if f"[{option.hotkey}]" not in drawn or option.label not in drawn]
    return f"does not show {', '.join(missing)} in {width}x{height} cells" if missing else None


# -- getting there ---------------------------------------------------------------------------


async def go(pilot, keys: tuple[str, ...], screen_type) -> None:
    await pilot.press(*keys)
    await wait_for(pilot, screen_type)


async def at_home(pilot) -> None:
    await wait_for(pilot, ReviewScreen)  # offered at launch: commitments have come due
    await go(pilot, ("ctrl+l",), HomeScreen)


async def in_clients(pilot) -> None:
    await at_home(pilot)
    await go(pilot, ("c",), ClientsScreen)


async def in_history(pilot) -> None:
    await at_home(pilot)
    await go(pilot, ("down", "down", "h"), HistoryScreen)  # Marcus Bell, a long history


async def editing_past(pilot) -> None:
    await in_history(pilot)
    await go(pilot, ("o",), PastReflectionScreen)
    await pilot.press("e")
    await pilot.pause()


async def in_picker(pilot) -> None:
    await at_home(pilot)
    await go(pilot, ("n",), ClientPicker)


ROUTES = {
    "review": (lambda pilot: wait_for(pilot, ReviewScreen), ReviewScreen),
    "home": (at_home, HomeScreen),
    "picker": (in_picker, ClientPicker),
    "new-client": (lambda pilot: _then(pilot, in_picker, ("ctrl+n",), NewClientDialog), NewClientDialog),
    "history": (in_history, HistoryScreen),
    "past-reflection": (lambda pilot: _then(pilot, in_history, ("o",), PastReflectionScreen), PastReflectionScreen),
    "past-reflection-edit": (editing_past, PastReflectionScreen),
    "clients": (in_clients, ClientsScreen),
    "edit-client": (lambda pilot: _then(pilot, in_clients, ("e",), ClientEditDialog), ClientEditDialog),
    "terms": (lambda pilot: _then(pilot, in_clients, ("t",), TermsScreen), TermsScreen),
    "confirm": (lambda pilot: _then(pilot, in_clients, ("d",), ConfirmDialog), ConfirmDialog),
    "portfolio": (lambda pilot: _then(pilot, at_home, ("p",), PortfolioScreen), PortfolioScreen),
    "agenda": (lambda pilot: _then(pilot, at_home, ("a",), AgendaScreen), AgendaScreen),
    "resume": (lambda pilot: wait_for(pilot, ResumeDialog), ResumeDialog),
}


async def _then(pilot, first, keys, screen_type) -> None:
    await first(pilot)
    await go(pilot, keys, screen_type)


# -- the tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("where", ROUTES)
async def test_every_control_can_be_seen(store: Store, where: str, size: str) -> None:
    if where == "resume":
        client = store.clients()[0]
        draft = Draft(client_id=client.id, reflection=Reflection(client_id=client.id, date=TODAY.isoformat()), step=3)
        store.save_draft(draft)
    route, screen_type = ROUTES[where]
    app = coach_app(store)
    async with app.run_test(size=SIZES[size]) as pilot:
        await route(pilot)
        problems = await usable(pilot, screen_type)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", SIZES)
async def test_every_reflection_step_can_be_seen(store: Store, size: str) -> None:
    app = coach_app(store)
    problems = []
    async with app.run_test(size=SIZES[size]) as pilot:
        await at_home(pilot)
        await go(pilot, ("enter",), ReflectionScreen)  # on the first client by name
        screen = app.screen
        for step in range(STEPS):
            assert screen.draft.step == step
            problems += [f"step {step + 1}: {p}" for p in await usable(pilot, ReflectionScreen)]
            if step == STEPS - 3:  # the verdict: Next wants one chosen
                screen.query_one("#verdict").value = "steady"
            if step == STEPS - 2:  # the commitment: Next wants an action and a date
                screen.query_one("#action").value = "Call Dev about the pilot"
                screen.query_one("#due-text").value = "next friday"
            if step < STEPS - 1:
                await pilot.press("ctrl+n")
                await pilot.pause()
    assert not problems, "\n".join(problems)

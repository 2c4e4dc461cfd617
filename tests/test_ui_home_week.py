"""Home's This-week panel and Change column against known data at 80x24."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.console import Console
from textual.widgets import Static

from coach.method import BELIEF_KEYS
from coach.models import BeliefScore, Commitment
from coach.store import Store
from coach.ui.run import make_app
from coach.ui.screens.home import HomeScreen
from coach.ui.widgets.dashboard import ClientTable
from tests.helpers.core_support import reflection

TODAY = date(2026, 11, 25)  # a Wednesday; the week began on Monday 23 November


def panel_text(app) -> str:
    console = Console(width=80, record=True, file=open("/dev/null", "w"))
    console.print(app.screen.query_one("#this-week-text", Static).content)
    return console.export_text()


def scored(client_id: str, on: str, scores: list[int | None], **lenses):
    r = reflection(client_id, on, 4, **lenses)
    for key, score in zip(BELIEF_KEYS, scores):
        r.beliefs[key] = BeliefScore(score, "seen" if score else "")
    return r


async def test_this_week_never_suggests_a_client_reflected_on_this_week(data_dir: Path, size) -> None:
    with Store.open(data_dir) as store:
        done = store.add_client("Dana Reflected", on=date(2026, 9, 1))
        waiting = store.add_client("Eli Waiting", on=date(2026, 9, 1))
        for client, last in ((done, "2026-11-23"), (waiting, "2026-11-22")):
            store.finish_reflection(scored(client.id, "2026-11-02", [5] * 7), None)
            r = scored(client.id, last, [2] * 7)
            r.verdict = "at_risk"
            store.finish_reflection(r, None)
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        text = panel_text(app)
        assert "Eli Waiting: scores fell 3.0" in text
        assert "Dana Reflected" not in text  # at risk and fallen too, but done for this week
        assert "1 this week" in text


async def test_change_column_compares_beliefs_scored_both_times(data_dir: Path, size) -> None:
    with Store.open(data_dir) as store:
        ana = store.add_client("Ana", on=date(2026, 9, 1))
        store.finish_reflection(scored(ana.id, "2026-11-02", [4, 4, 1, None, 4, 4, 4]), None)
        store.finish_reflection(scored(ana.id, "2026-11-16", [4, 4, None, 2, 4, 4, 4]), None)
        bo = store.add_client("Bo", on=date(2026, 9, 1))
        store.finish_reflection(scored(bo.id, "2026-11-02", [3, None, None, None, None, None, None]), None)
        store.finish_reflection(scored(bo.id, "2026-11-16", [None, 5, None, None, None, None, None]), None)
    stored = Store.open(data_dir)
    assert stored.client(ana.id).summary.previous_scores["valued"] == 1  # on disk as typed
    app = make_app(stored, TODAY)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = app.screen.query_one(ClientTable)
        change = {str(table.get_row_at(n)[0]): str(table.get_row_at(n)[4]) for n in range(table.row_count)}
    # Ana: the five beliefs scored both times did not move (averages of whatever was scored would
    # show ▲+0.2, made only by skipping a 1); Bo: no belief was scored both times
    assert change == {"Ana": "=0.0", "Bo": "–"}


async def test_a_long_reason_wraps_under_its_client_at_every_width(data_dir: Path) -> None:
    # the panel is wrapped once, to the width home has, so a resize must wrap it again
    with Store.open(data_dir) as store:
        client = store.add_client("Kenji Schmidt", on=date(2026, 9, 1))
        store.finish_reflection(scored(client.id, "2026-10-01", [5] * 7), None)
        store.finish_reflection(scored(client.id, "2026-11-02", [1] * 7), None)
    app = make_app(Store.open(data_dir), TODAY)

    def lines() -> list[str]:
        console = Console(width=200, record=True, file=open("/dev/null", "w"))
        console.print(app.screen.query_one("#this-week-text", Static).content)
        return [line.rstrip() for line in console.export_text().splitlines() if line.strip()]

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        narrow = lines()
        await pilot.resize_terminal(110, 24)
        await pilot.pause()
        wide = lines()
    for shown, width in ((narrow, 80), (wide, 110)):
        reflect = next(n for n, line in enumerate(shown) if line.startswith("Reflect on Kenji Schmidt:"))
        body = shown[reflect:]
        assert len(body) > 1, shown  # the reasons are long enough to wrap at both widths
        assert all(line.startswith(" " * 11) and line[11] != " " for line in body[1:]), shown
        assert all(len(line) <= width - 14 + 11 for line in body), shown
    assert len(wide) < len(narrow)  # wrapped again to the wider panel


async def test_the_panel_names_the_three_most_overdue_and_counts_the_rest(data_dir: Path) -> None:
    # a user back from a long break: the panel stays short, the review has them all
    with Store.open(data_dir) as store:
        for n in range(20):  # enough to fill the table, so the panel has its least room
            client = store.add_client(f"Client {n:02}", on=date(2026, 9, 1))
            store.finish_reflection(reflection(client.id, "2026-10-01", 4),
                                    Commitment(action=f"Call {n}", aim="cared", due=f"2026-11-{1 + n:02}"))
    app = make_app(Store.open(data_dir), TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        console = Console(width=200, record=True, file=open("/dev/null", "w"))
        home = app.screen_stack[0]  # the review of what is due opens over it at launch
        console.print(home.query_one("#this-week-text", Static).content)
        text = console.export_text()
        # at 80x24 the count shows without scrolling (the suggestions may follow below)
        lines = [line for line in text.splitlines() if line.strip()]
        count_line = next(n for n, line in enumerate(lines) if "more; r reviews them all" in line)
        assert count_line < home.query_one("#this-week").scrollable_content_region.height, lines
    named = [n for n in range(20) if f"Client {n:02}: Call {n}" in text]
    assert named == [0, 1, 2], text  # the most overdue first
    assert "and 17 more; r reviews them all" in text

"""Dates on screen in the one short format, and settings problems said at launch."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from coach import settings
from coach.store import Store
from coach.ui.run import make_app
from coach.ui.screens.home import HomeScreen
from coach.ui.widgets.dashboard import ClientTable

from helpers.ui_support import capture_notes


async def test_a_broken_config_is_named_at_launch(data_dir: Path, monkeypatch, tmp_path, today, size) -> None:
    config = tmp_path / "xdg" / "coach" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('date_order = "sideways"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("COACH_DATE_ORDER")
    settings.reload()
    try:
        app = make_app(Store.open(data_dir), today)
        notes = capture_notes(app)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
        shown = [str(n.message) for n in app._notifications] + notes
        assert any(f"{config}, line 1: date_order must be" in n for n in shown), shown
    finally:
        monkeypatch.undo()
        settings.reload()


async def test_home_table_shows_another_years_date_whole(data_dir: Path, size) -> None:
    from helpers.core_support import reflection

    today = date(2027, 1, 12)
    with Store.open(data_dir) as store:
        old = store.add_client("Ana Lima", on=date(2026, 11, 1))
        store.finish_reflection(reflection(old.id, "2026-11-30", 4), None)
        recent = store.add_client("Bo Chen", on=date(2026, 11, 1))
        store.finish_reflection(reflection(recent.id, "2027-01-05", 4), None)
    app = make_app(Store.open(data_dir), today)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = app.screen.query_one(ClientTable)
        cells = {str(table.get_row_at(n)[0]): str(table.get_row_at(n)[1]) for n in range(table.row_count)}
        assert cells == {"Ana Lima": "30 Nov 2026", "Bo Chen": "5 Jan"}
        # the column is wide enough for the year, and the table still fits 80 columns
        assert table.ordered_columns[1].width == len("30 Nov 2026")
        assert table.virtual_size.width <= size[0]

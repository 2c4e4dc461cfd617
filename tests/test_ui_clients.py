"""Clients, the partnership's terms and the partners' agenda, driven like a user would."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

from textual import events
from textual.widgets import DataTable, Input, Static

from coach.agenda import build_agenda
from coach.models import Metric, Reading
from coach.store import Store
from coach.ui.dialogs.client_edit import ClientEditDialog
from coach.ui.dialogs.confirm import ConfirmDialog
from coach.ui.dialogs.new_client import NewClientDialog
from coach.ui.run import make_app
from coach.ui.screens.agenda import AgendaScreen
from coach.ui.screens.clients import ClientsScreen
from coach.ui.screens.terms import TermsScreen
from coach.ui.widgets.steps import PartnersStep
from tests.helpers.core_support import commitment, reflection
from tests.helpers.ui_support import capture_notes, open_screen

TODAY = date(2026, 11, 23)
SIZE = (80, 24)


def seed(data_dir: Path) -> str:
    """Ana with two reflections (weak on "You have faith in me") and one open commitment; Ben with none."""
    with Store.open(data_dir) as store:
        store.add_client("Ben Ode", on=date(2026, 10, 1))
        ana = store.add_client("Ana Lima", "Acme [Ops]", on=date(2026, 10, 1))
        ana.objectives = ["Cut churn to 5% by June"]
        ana.metrics = [Metric("Churn", "5%", "7%")]
        store.save_client(ana)
        first = commitment("Ask Ana what the board expects", due="2026-11-13")
        store.finish_reflection(reflection(ana.id, "2026-11-09", 3, better_ways="One shared dashboard"), first)
        store.record_outcome(first, "done", "", "", on=date(2026, 11, 13))
        scores = {"known": 4, "cared": 4, "valued": 4, "faith": 2, "committed": 4, "curious": 4, "adaptive": 4}
        store.finish_reflection(reflection(ana.id, "2026-11-16", scores), commitment("Share the churn numbers", due="2026-12-04"))
        return ana.id


async def select_client(pilot, name: str) -> None:
    table = pilot.app.screen.query_one("#clients-table", DataTable)
    names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
    table.move_cursor(row=names.index(name))
    await pilot.pause()


def status_of(screen, name: str) -> str:
    table = screen.query_one("#clients-table", DataTable)
    for i in range(table.row_count):
        row = table.get_row_at(i)
        if str(row[0]) == name:
            return str(row[2])
    raise AssertionError(f"{name} is not listed")


async def test_archiving_and_restoring_a_client(tmp_path):
    ana_id = seed(tmp_path / "data")
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, ClientsScreen())
        screen = app.screen
        await select_client(pilot, "Ana Lima")
        await pilot.press("a")
        await pilot.pause()
        assert store.client(ana_id).archived
        assert status_of(screen, "Ana Lima") == "archived"  # said in words, not only in colour
        assert [c.name for c in store.clients()] == ["Ben Ode"]
        await select_client(pilot, "Ana Lima")
        await pilot.press("a")
        await pilot.pause()
        assert status_of(screen, "Ana Lima") == "active"
    store.close()
    with Store.open(tmp_path / "data", read_only=True) as saved:
        assert not saved.client(ana_id).archived
        assert len(saved.reflections(ana_id)) == 2  # archiving never touched the history


async def test_deleting_asks_first_then_removes_the_history_file(tmp_path):
    ana_id = seed(tmp_path / "data")
    history_file = tmp_path / "data" / "clients" / f"{ana_id}.json"
    assert history_file.exists()
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, ClientsScreen())
        await select_client(pilot, "Ana Lima")
        await pilot.press("d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        body = str(dialog.body)
        assert "2 reflections and 2 commitments will be deleted" in body
        assert str(tmp_path / "data" / "backups") in body
        await pilot.press("n")  # not now
        await pilot.pause()
        assert store.client(ana_id) is not None and history_file.exists()

        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ClientsScreen)
        table = app.screen.query_one("#clients-table", DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["Ben Ode"]
    store.close()
    assert not history_file.exists()
    with Store.open(tmp_path / "data", read_only=True) as saved:
        assert saved.client(ana_id) is None
    kept = list((tmp_path / "data" / "backups").glob(f"*/clients/{ana_id}.json"))
    assert kept, "a backup holding the deleted history is kept"


async def test_adding_and_editing_a_client(tmp_path):
    seed(tmp_path / "data")
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, ClientsScreen())
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Cleo [Day]", "ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ClientsScreen)
        await pilot.press("e")  # the new client is the selected one
        await pilot.pause()
        assert isinstance(app.screen, ClientEditDialog)
        await pilot.press("tab", *"Dayworks", "tab", *"Prefers calls")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ClientsScreen)
    store.close()
    with Store.open(tmp_path / "data", read_only=True) as saved:
        cleo = next(c for c in saved.clients() if c.name == "Cleo [Day]")
        assert cleo.organisation == "Dayworks"
        assert cleo.notes == "Prefers calls"


async def test_editing_objectives_and_metrics_is_saved(tmp_path):
    ana_id = seed(tmp_path / "data")
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, ClientsScreen())
        await select_client(pilot, "Ana Lima")
        await pilot.press("t")
        await pilot.pause()
        terms = app.screen
        assert isinstance(terms, TermsScreen)
        assert terms.focused.value == "Cut churn to 5% by June"
        await pilot.press("ctrl+n", *"Two [case] studies published")  # a row after this one
        await pilot.press("down")  # to the metric: name, target, now
        await pilot.press("ctrl+n", *"NPS", "down", *"40", "down", *"31")
        await pilot.press(*["up"] * 5)  # back to Churn's name, and remove its row
        assert terms.focused.value == "Churn"
        await pilot.press("ctrl+r")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ClientsScreen)
        detail = str(app.screen.query_one("#client-detail", Static).content)
        assert "Two [case] studies published" in detail
    store.close()
    with Store.open(tmp_path / "data", read_only=True) as saved:
        ana = saved.client(ana_id)
        assert ana.objectives == ["Cut churn to 5% by June", "Two [case] studies published"]
        # a new value is dated, so the metric keeps its history from here
        assert ana.metrics == [Metric("NPS", "40", "31", [Reading("2026-11-23", "31")])]
        assert ana.summary.reflection_count == 2  # the summary survived the save


async def test_terms_refuse_a_metric_without_a_name(tmp_path):
    ana_id = seed(tmp_path / "data")
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    notes = capture_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, TermsScreen(ana_id))
        await pilot.press("down", "ctrl+n", "down", *"40", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TermsScreen)
        assert any("needs a name" in note for note in notes)
    store.close()


async def test_read_only_clients_can_be_viewed_not_changed(tmp_path):
    ana_id = seed(tmp_path / "data")
    store = Store.open(tmp_path / "data", read_only=True)
    app = make_app(store, TODAY)
    notes = capture_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, ClientsScreen())
        await select_client(pilot, "Ana Lima")
        for key in ("a", "d", "t", "e", "n"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, ClientsScreen)
        assert sum(note.startswith("Read-only") for note in notes) >= 5
        assert not store.client(ana_id).archived
    store.close()


async def test_the_partners_step_edits_the_terms_and_shows_them(tmp_path):
    ana_id = seed(tmp_path / "data")
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.start_reflection(store.client(ana_id))
        await pilot.pause()
        for _ in range(7):  # past the seven beliefs
            await pilot.press("ctrl+n")
            await pilot.pause()
        step = app.screen.query_one(PartnersStep)
        assert step.display and "Cut churn" in str(step.query_one("#terms", Static).content)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, TermsScreen)
        await pilot.press("ctrl+n", *"Renewal signed by March", "ctrl+s")
        await pilot.pause()
        assert app.screen.query_one(PartnersStep) is step
        assert "Renewal signed by March" in str(step.query_one("#terms", Static).content)
    store.close()
    with Store.open(tmp_path / "data", read_only=True) as saved:
        assert saved.client(ana_id).objectives == ["Cut churn to 5% by June", "Renewal signed by March"]


async def test_agenda_is_built_from_objectives_and_weak_beliefs(tmp_path):
    ana_id = seed(tmp_path / "data")
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, AgendaScreen(ana_id))
        screen = app.screen
        shown = str(screen.query_one("#agenda-text", Static).content)
        assert "- Cut churn to 5% by June" in shown
        assert "- Churn: 7% now, target 5%" in shown
        assert "- One shared dashboard" in shown
        assert "The goals that feel hardest right now" in shown and "“You have faith in me”, 2 of 5" in shown
        assert "- Share the churn numbers (aimed at “You know me”, due Fri 4 Dec)" in shown
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == screen.markdown
    store.close()


async def test_saving_the_agenda_writes_a_private_file(tmp_path, monkeypatch):
    ana_id = seed(tmp_path / "data")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    notes = capture_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, AgendaScreen(ana_id))
        assert app.screen.query_one("#agenda-path", Input).value == "agenda-ana-lima-2026-11-23.md"
        await pilot.press("s")
        await pilot.pause()
        target = work / "agenda-ana-lima-2026-11-23.md"
        assert target.read_text(encoding="utf-8") == build_agenda(
            store.client(ana_id), store.reflections(ana_id), app.method, TODAY
        )
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o600

        # a path in a folder that does not exist: told plainly, nothing written
        await pilot.press("tab")
        assert app.screen.focused.id == "agenda-path"
        await pilot.press("ctrl+u", *"missing/agenda.md", "enter")
        await pilot.pause()
        assert not (work / "missing").exists()
        assert any(note.startswith("The agenda was not saved") for note in notes)

        # the same file again: asks before replacing it
        target.write_text("old", encoding="utf-8")
        await pilot.press("ctrl+u", *target.name, "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert target.read_text(encoding="utf-8").startswith("# Meeting as partners: Ana Lima (Acme [Ops])")
    store.close()


async def test_terms_typed_in_one_burst_are_all_saved(tmp_path):
    """Over a laggy SSH link keys arrive together: none may land in the wrong row or be missed."""
    ana_id = seed(tmp_path / "data")
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, TermsScreen(ana_id))
        burst = ["end", *"!", "ctrl+n", *"Second", "ctrl+n", *"Third", "ctrl+s"]
        for key in burst:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, TermsScreen)
    store.close()
    with Store.open(tmp_path / "data", read_only=True) as saved:
        assert saved.client(ana_id).objectives == ["Cut churn to 5% by June!", "Second", "Third"]


async def test_the_agenda_is_never_written_through_a_planted_link(tmp_path, monkeypatch):
    ana_id = seed(tmp_path / "data")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    elsewhere = tmp_path / "someone-elses.md"
    elsewhere.write_text("theirs", encoding="utf-8")
    (work / "agenda-ana-lima-2026-11-23.md").symlink_to(elsewhere)
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    notes = capture_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, AgendaScreen(ana_id))
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("y")  # even when told to replace it
        await pilot.pause()
    store.close()
    assert elsewhere.read_text(encoding="utf-8") == "theirs"
    assert (work / "agenda-ana-lima-2026-11-23.md").is_symlink()
    assert any(note.startswith("The agenda was not saved") for note in notes)


async def test_a_new_client_named_like_an_archived_one_is_warned_of_first(tmp_path):
    """The hostile pass added a second Marcus Bell without seeing the archived first one."""
    with Store.open(tmp_path / "data") as store:
        old = store.add_client("Marcus Bell", "Northwind", on=date(2025, 1, 6))
        store.set_archived(old.id, True)
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, ClientsScreen())
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"marcus bell", "ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, NewClientDialog), "the warning keeps the dialog open"
        problem = str(app.screen.query_one("#problem", Static).render())
        assert "archived client called Marcus Bell (Northwind)" in problem
        with Store.open(tmp_path / "data", read_only=True) as saved:
            assert len(saved.clients(include_archived=True)) == 1, "nothing is added on the first Create"
        await pilot.press("ctrl+n")  # told, and adding them anyway
        await pilot.pause()
        assert isinstance(app.screen, ClientsScreen)
    store.close()
    with Store.open(tmp_path / "data", read_only=True) as saved:
        names = sorted((c.name, c.archived) for c in saved.clients(include_archived=True))
    assert names == [("Marcus Bell", True), ("marcus bell", False)]

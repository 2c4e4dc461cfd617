"""The partnership over time as a person meets it: the decision coach asks for
once the order-taker signals line up, the terms with dated metrics and your
side, the portfolio's one-way flag, and the insights screen. Asserted on what
was saved to the files."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

from helpers.ui_support import open_screen, wait_for
from textual.widgets import Static

from coach.models import Commitment, Metric
from coach.reflection_form import reflection_form
from coach.store import Store
from coach.ui.app import KEY_FENCE_SECONDS
from coach.ui.dialogs.decision import DecisionDialog
from coach.ui.run import make_app
from coach.ui.screens.agenda import AgendaScreen
from coach.ui.screens.history import HistoryScreen
from coach.ui.screens.home import HomeScreen
from coach.ui.screens.insights import InsightsScreen
from coach.ui.screens.portfolio import PortfolioScreen
from coach.ui.screens.reflect import ReflectionScreen
from coach.ui.screens.terms import TermsScreen
from tests.helpers.core_support import reflection

TODAY = date(2026, 11, 23)
SIZE = (80, 24)
STEPS = len(reflection_form().steps)


def seed(data_dir: Path) -> str:
    """Ana, sliding into order-taking: two reflections working for her, reciprocity 2."""
    with Store.open(data_dir) as store:
        ana = store.add_client("Ana Lima", "Acme", on=date(2026, 9, 1))
        ana.metrics = [Metric("Churn", "under 6%", "8%")]
        store.save_client(ana)
        for day in ("2026-11-02", "2026-11-09"):
            store.finish_reflection(reflection(ana.id, day, 2, reciprocity=3, with_or_for="for", verdict="drifting"),
                                    Commitment(action="Send the report", aim="known", due="2026-12-20"))
        return ana.id


def client_doc(data_dir: Path, client_id: str) -> dict:
    clients = json.loads((data_dir / "coach.json").read_text())["clients"].values()
    return next(c for c in clients if c["id"] == client_id)


def history_records(data_dir: Path, client_id: str, table: str) -> list[dict]:
    return list(json.loads((data_dir / "clients" / f"{client_id}.json").read_text())[table].values())


async def keys(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


async def finish_at_risk(app, pilot, client_id: str) -> None:
    """A reflection with reciprocity 2 and an at-risk verdict, saved from its summary with Enter."""
    app.start_reflection(app.store.client(client_id))
    await wait_for(pilot, ReflectionScreen)
    screen = app.screen
    draft = screen.draft
    draft.commitment.action, draft.due_text = "Call Ana", "friday"
    draft.reflection.verdict = "at_risk"
    draft.reflection.lenses.reciprocity, draft.reflection.lenses.with_or_for = 2, "for"
    screen._show(STEPS - 1)
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_coach_asks_once_after_the_reflection_that_lines_the_signals_up(tmp_path):
    data = tmp_path / "data"
    ana = seed(data)
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await finish_at_risk(app, pilot, ana)
        await wait_for(pilot, DecisionDialog)
        said = str(app.screen.query_one(".prompts", Static).render())
        assert "working for them, not with them, twice running" in said and "verdict at risk" in said
        await asyncio.sleep(KEY_FENCE_SECONDS)  # a ctrl+s right behind the Enter is that Enter's, not a decision
        # Decide with nothing chosen, then with no reason: refused, nothing saved
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Choose 1, 2 or 3" in str(app.screen.query_one("#problem", Static).render())
        await pilot.press("2", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DecisionDialog) and client_doc(data, ana)["decisions"] == []
        await keys(pilot, "They only want reports")
        await pilot.press("tab")
        await keys(pilot, "Tell them in January")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, DecisionDialog)
        (decision,) = client_doc(data, ana)["decisions"]
        assert decision["choice"] == "exit" and decision["on"] == "2026-11-23"
        assert decision["reason"] == "They only want reports First step: Tell them in January"
        assert decision["signals"] == ["at_risk", "for", "reciprocity"]
        assert not client_doc(data, ana)["archived"]
        # the same signals next week: not asked again
        await finish_at_risk(app, pilot, ana)
        await pilot.pause()
        assert not isinstance(app.screen, DecisionDialog)
        assert len(history_records(data, ana, "reflections")) == 4


async def test_not_now_logs_nothing_and_the_history_offers_it_again(tmp_path):
    data = tmp_path / "data"
    ana = seed(data)
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await finish_at_risk(app, pilot, ana)
        await wait_for(pilot, DecisionDialog)
        await pilot.press("1")
        await keys(pilot, "half typed")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert client_doc(data, ana)["decisions"] == []
        await open_screen(pilot, HistoryScreen(ana))
        notes = " ".join(str(s.render()) for s in app.screen.query(".lens-note"))
        assert "Time to decide: press d." in notes
        # keep working on it: a commitment aimed at the partnership, due in two weeks
        await pilot.press("d")
        await wait_for(pilot, DecisionDialog)
        await pilot.press("1")
        await keys(pilot, "Worth one more quarter")
        await pilot.press("ctrl+s")  # no action yet
        await pilot.pause()
        assert isinstance(app.screen, DecisionDialog)  # and the action's field has the focus
        await keys(pilot, "Ask for a partner talk")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        (decision,) = client_doc(data, ana)["decisions"]
        made = next(c for c in history_records(data, ana, "commitments") if c["id"] == decision["commitment_id"])
        assert (made["action"], made["aim"], made["due"], made["status"]) == \
            ("Ask for a partner talk", "with", "2026-12-07", "open")
        notes = " ".join(str(s.render()) for s in app.screen.query(".lens-note"))
        assert "Decided Mon 23 Nov: Keep working on it: Worth one more quarter" in notes
        assert "Time to decide" not in notes


async def test_letting_go_archives_the_client_with_the_lesson(tmp_path):
    data = tmp_path / "data"
    ana = seed(data)
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, HistoryScreen(ana))
        await pilot.press("d")
        await wait_for(pilot, DecisionDialog)
        await pilot.press("3")
        await keys(pilot, "No partner talk in a year")
        await pilot.press("tab")
        await keys(pilot, "Agree terms first")
        await pilot.press("ctrl+s")
        await pilot.pause()
    doc = client_doc(data, ana)
    assert doc["archived"] and doc["decisions"][0]["lesson"] == "Agree terms first"


async def test_a_read_only_coach_does_not_ask(tmp_path):
    data = tmp_path / "data"
    ana = seed(data)
    app = make_app(Store.open(data, read_only=True), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, HistoryScreen(ana))
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)


async def test_terms_date_each_new_value_and_keep_your_side(tmp_path):
    data = tmp_path / "data"
    ana = seed(data)
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, TermsScreen(ana))
        # objective row, then the metric's name, target and now
        await pilot.press("down", "down", "down")
        await pilot.press("end", *["backspace"] * 3)
        await keys(pilot, "7.5%")
        await pilot.press("down")
        await keys(pilot, "A reference case")
        await pilot.press("down")
        await keys(pilot, "Our new service")
        await pilot.press("ctrl+s")
        await pilot.pause()
        doc = client_doc(data, ana)
        assert doc["metrics"][0]["current"] == "7.5%"
        assert doc["metrics"][0]["history"] == [{"on": "2026-11-23", "value": "7.5%"}]
        assert (doc["our_objective"], doc["to_share"]) == ("A reference case", "Our new service")
        await open_screen(pilot, TermsScreen(ana))
        trends = str(app.screen.query_one("#metric-trends", Static).render())
        assert "Churn: 7.5% (Mon 23 Nov); target under 6%." in trends
        await pilot.press("ctrl+l")
        await open_screen(pilot, AgendaScreen(ana))
        agenda = app.screen.markdown
        assert "- What we want from this partnership: A reference case" in agenda
        assert "- To share about our business: Our new service" in agenda


async def test_the_portfolio_flags_a_one_way_relationship(tmp_path):
    data = tmp_path / "data"
    ana = seed(data)
    with Store.open(data) as store:
        store.finish_reflection(reflection(ana, "2026-11-16", 2, reciprocity=1, verdict="drifting"), None)
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, PortfolioScreen())
        table = app.screen.query_one("#partnership-table")
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row == ["Ana Lima", "1!", "for", "–", "–", "none", "one-way"]
        assert "1 relationship looks one-way" in str(app.screen.query_one("#partnership-legend", Static).render())


async def test_i_opens_insights_from_home_but_types_into_the_filter(tmp_path):
    data = tmp_path / "data"
    seed(data)
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, HomeScreen)
        await pilot.press("slash", "i")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.screen.query_one("#filter").value == "i"
        await pilot.press("ctrl+l", "enter")  # clear the filter, to the table
        await pilot.pause()
        if not isinstance(app.screen, HomeScreen):  # Enter reflected: come back
            await pilot.press("ctrl+l")
        app.screen.query_one("#filter").blur()
        await pilot.press("i")
        await wait_for(pilot, InsightsScreen)
        text = str(app.screen.query_one("#insights-text", Static).render())
        for heading in ("Your view and theirs", "Partnership over time", "Decisions"):
            assert heading in text
        assert "Signals short of a decision (3 call for one): Ana Lima (working for them" in text
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_every_field_of_the_answers_and_decision_dialogs_has_room_to_show_its_text(tmp_path):
    """Found by the hostile pass: one-row fields kept a tall border, so nothing typed was drawn."""
    from coach.ui.dialogs.their_answers import TheirAnswersDialog
    from coach.ui.widgets.fields import TextField

    data = tmp_path / "data"
    ana = seed(data)
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, HistoryScreen(ana))
        for key, dialog in (("t", TheirAnswersDialog), ("d", DecisionDialog)):
            await pilot.press(key)
            await wait_for(pilot, dialog)
            await pilot.pause()
            fields = list(app.screen.query(TextField))
            assert fields and all(f.content_region.height >= 1 and f.content_region.width >= 1 for f in fields)
            await pilot.press("ctrl+l")
            await pilot.pause()


async def test_the_terms_open_at_the_top_with_the_first_field_in_view(tmp_path):
    """Found by the hostile pass: with many terms the screen opened scrolled to the bottom."""
    data = tmp_path / "data"
    ana = seed(data)
    with Store.open(data) as store:
        client = store.client(ana)
        client.objectives = [f"Objective {n}" for n in range(6)]
        client.metrics = [Metric(f"Metric {n}", "10", "5") for n in range(5)]
        store.save_client(client)
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, TermsScreen(ana))
        await pilot.pause()
        body = app.screen.query_one("#terms-body")
        assert body.max_scroll_y > 0 and body.scroll_y == 0
        assert app.screen.focused.value == "Objective 0"
        assert app.screen.focused.region.y >= body.region.y


async def test_what_is_typed_in_a_dialog_is_not_dropped_without_asking(tmp_path):
    """Found by the hostile pass: Esc (and ctrl+q) threw away a typed reason."""
    from coach.ui.dialogs.confirm import ConfirmDialog
    from coach.ui.dialogs.their_answers import TheirAnswersDialog

    data = tmp_path / "data"
    ana = seed(data)
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, HistoryScreen(ana))
        await pilot.press("d")
        await wait_for(pilot, DecisionDialog)
        await pilot.pause()
        await pilot.press("1")
        await keys(pilot, "half a reason")
        for leave in ("escape", "ctrl+l", "ctrl+q"):
            await pilot.press(leave)
            await wait_for(pilot, ConfirmDialog)
            await pilot.press("n")  # keep it
            await pilot.pause()
            assert isinstance(app.screen, DecisionDialog), leave
            assert app.screen.query_one("#reason").kept_value == "half a reason"
        await pilot.press("escape")
        await wait_for(pilot, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen) and client_doc(data, ana)["decisions"] == []
        # nothing typed: Cancel closes at once
        await pilot.press("t")
        await wait_for(pilot, TheirAnswersDialog)
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert app.is_running


async def test_ctrl_q_on_changed_terms_asks_first(tmp_path):
    from coach.ui.dialogs.confirm import ConfirmDialog

    data = tmp_path / "data"
    ana = seed(data)
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, TermsScreen(ana))
        await pilot.pause()
        await keys(pilot, "x")
        await pilot.press("ctrl+q")
        await wait_for(pilot, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, TermsScreen) and app.is_running
        await pilot.press("ctrl+q")
        await wait_for(pilot, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert not app.is_running


async def test_a_dropped_connection_keeps_a_dialogs_typed_words_in_a_private_file(tmp_path, monkeypatch):
    """A reason typed in the decision dialog is on no disk until Decide: a hang-up writes it out."""
    import os
    import stat

    import coach.ui.app as app_module

    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(app_module.threading, "Timer", lambda *a, **k: type("T", (), {"start": lambda self: None})())
    data = tmp_path / "data"
    ana = seed(data)
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, HistoryScreen(ana))
        await pilot.press("d")
        await wait_for(pilot, DecisionDialog)
        await pilot.pause()
        await pilot.press("2")
        await keys(pilot, "They stopped returning calls")
        app.hang_up()
        await pilot.pause()
    (kept,) = home.glob("coach-unsaved-*.json")
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600
    doc = json.loads(kept.read_text())
    assert doc["format"] == "coach-unsaved-words" and doc["what"] == "DecisionDialog"
    assert doc["words"]["choice"] == "exit" and doc["words"]["reason"] == "They stopped returning calls"


async def test_a_focused_one_row_field_shows_in_sixteen_colours(tmp_path):
    """Found by the hostile pass: in 16 colours a focused field of the decision dialog showed only its cursor."""
    data = tmp_path / "data"
    ana = seed(data)
    app = make_app(Store.open(data), TODAY)
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "ansi-dark" or "ansi" in app.pseudo_classes
        await open_screen(pilot, HistoryScreen(ana))
        await pilot.press("d")
        await wait_for(pilot, DecisionDialog)
        await pilot.pause()
        await pilot.press("1")  # on to the reason
        await pilot.pause()
        focused = app.screen.focused
        assert focused.id == "reason"
        style = focused.rich_style
        assert style.bold and style.underline
        other = app.screen.query_one("#second")
        assert not other.rich_style.underline

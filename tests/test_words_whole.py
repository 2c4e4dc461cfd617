"""At 80 columns text is shortened between words or wrapped, never cut inside
one ("strong…", "Lindqvis/t", "committe/d"; hostile pass 3)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from rich.cells import cell_len

from coach.cli import main
from coach.models import BeliefScore, Commitment, Draft, Reflection
from coach.store import Store
from coach.ui.run import make_app
from coach.ui.screens.reflect import ReflectionScreen

TODAY = date(2026, 11, 23)


def whole_words(shown: str, source: str) -> None:
    """`shown` is `source` cut at a word (then "…"), or all of it."""
    assert shown == source or (shown.endswith("…") and source.startswith(shown[:-1])
                               and source[len(shown) - 1] == " "), (shown, source)


async def open_step(app, pilot, client, draft=None) -> ReflectionScreen:
    await pilot.pause()
    app.start_reflection(client, draft)
    for _ in range(10):
        await pilot.pause()
        if isinstance(app.screen, ReflectionScreen):
            break
    await pilot.pause()
    return app.screen


async def test_the_step_header_shortens_a_long_client_at_a_word(store) -> None:
    client = store.add_client("Dana Whitfield", "Harbour Logistics International Shipping and Freight")
    for width in (80, 64):
        app = make_app(store, TODAY)
        async with app.run_test(size=(width, 24)) as pilot:
            screen = await open_step(app, pilot, client)
            header = str(screen.query_one("#progress").render())
            assert cell_len(header) <= width - 2, header
            prefix = "Step 1 of 12 · You know me · "
            assert header.startswith(prefix)
            whole_words(header[len(prefix):], client.label)
            await pilot.press("ctrl+q")


async def test_a_changed_score_is_said_in_words_that_fit(store) -> None:
    """A draft scored 2, rescored 5 and then 1: the note of the change fits its row whole."""
    client = store.add_client("Dana")
    for width in (80, 70, 100):
        reflection = Reflection(client_id=client.id, date=TODAY.isoformat())
        reflection.beliefs["known"] = BeliefScore(2, "")
        draft = Draft(client_id=client.id, reflection=reflection)
        app = make_app(store, TODAY)
        async with app.run_test(size=(width, 24)) as pilot:
            screen = await open_step(app, pilot, client, draft)
            row = screen.current.query_one("#score")
            label = screen.current.query_one("#scale-label")
            for key, meaning in (("5", "strongly agree"), ("1", "strongly disagree")):
                row.focus()
                await pilot.press(key)
                await pilot.pause()
                said = str(label.render())
                assert cell_len(said) <= label.content_size.width and "…" not in said, (width, said)
                assert f"2 → {key}" in said, said
                assert said.endswith(f"2 → {key}") or said.endswith(meaning), said
            await pilot.press("ctrl+q")


def test_review_list_wraps_names_and_aims_between_words(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    data = tmp_path / "data"
    with Store.open(data) as store:
        for name, aim in (("Sofia Lindqvist", "committed"), ("Tom Okafor", "reciprocity"), ("Dr Helen Marsh", "curious")):
            client = store.add_client(name)
            store.finish_reflection(Reflection(client_id=client.id, date="2026-11-16"),
                                    Commitment(action="Pick up the disagreement about the checkout rebuild face "
                                                      "to face and agree a way forward.", aim=aim, due="2026-11-30"))
    assert main(["--data-dir", str(data), "--today", TODAY.isoformat(), "review", "--list"]) == 0
    out = capsys.readouterr().out
    assert max(cell_len(line) for line in out.splitlines()) <= 80
    words = set(re.findall(r"[A-Za-z]+", out))
    for word in ("Lindqvist", "Okafor", "Helen", "committed", "Reciprocity", "learning", "disagreement", "checkout"):
        assert word in words, f"{word} split:\n{out}"


async def test_a_long_verdict_reason_wraps_under_its_first_word(store) -> None:
    """Seven weak beliefs make a reason longer than a line: its second line
    hangs under the text, not under the bullet."""
    from coach.reflection_form import reflection_form

    client = store.add_client("Dana")
    reflection = Reflection(client_id=client.id, date=TODAY.isoformat())
    for key in reflection.beliefs:
        reflection.beliefs[key] = BeliefScore(1, "")
    draft = Draft(client_id=client.id, reflection=reflection, step=reflection_form().step_index("verdict"))
    app = make_app(store, TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_step(app, pilot, client, draft)
        lines = str(screen.query_one("#proposal").render()).splitlines()[1:]
        assert len(lines) > len(draft.reflection.verdict_reasons), lines  # one at least is wrapped
        for line in lines:
            assert line.startswith(("  · ", "    ")) and not line.startswith("    ·"), lines
            assert cell_len(line) <= screen.query_one("#proposal").content_size.width, line
        await pilot.press("ctrl+q")


async def test_the_picker_gives_each_client_one_line_with_the_date_whole(store) -> None:
    from helpers.core_support import reflection
    from textual.widgets import OptionList

    from coach.ui.dialogs.client_picker import ClientPicker

    names = [("Sofia Lindqvist", "Kestrel Outdoor"), ("Dr Helen Marsh", "St Aldric's Hospital Trust"),
             ("Tom Okafor", "Fernwood Design Studio")]
    for (name, organisation), day in zip(names, ("2026-11-08", "2026-11-19", "2026-11-20")):
        client = store.add_client(name, organisation)
        store.finish_reflection(reflection(client.id, day, 4), None)
    for width in (80, 60):
        app = make_app(store, TODAY)
        async with app.run_test(size=(width, 24)) as pilot:
            await pilot.pause()
            app.push_screen(ClientPicker())
            for _ in range(3):
                await pilot.pause()
            options = app.screen.query_one("#clients", OptionList)
            rows = [str(options.get_option_at_index(n).prompt) for n in range(options.option_count - 1)]
            assert len(rows) == 3
            for row in rows:
                assert "\n" not in row and cell_len(row) <= options.content_size.width - 2, (width, row)
            assert any(row.endswith("last Sun 8 Nov (2 weeks ago)") for row in rows), rows
            assert any(row.startswith("Sofia Lindqvist") for row in rows), rows


async def test_the_unsaved_dialog_shows_all_four_buttons_whole_at_80_columns(store) -> None:
    from textual.widgets import Button

    from coach.ui.dialogs.unsaved import UnsavedDialog

    app = make_app(store, TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(UnsavedDialog("The disk is full.", "/home/someone/coach-unsaved-abc.json"))
        for _ in range(3):
            await pilot.pause()
        row = app.screen.query_one(".buttons")
        buttons = list(app.screen.query(Button))
        assert len(buttons) == 4
        inside = row.content_region
        for button in buttons:
            region = button.region
            assert region.width >= cell_len(str(button.label)) and region.right <= inside.right, (button.label, region, inside)

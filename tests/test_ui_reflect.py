"""A whole reflection driven by keys alone at 80x24, checked against the files on disk."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from coach.models import BeliefScore, Commitment, Reflection
from coach.store import Store
from coach.ui.run import make_app
from coach.ui.screens.reflect import ReflectionScreen

TODAY = date(2026, 11, 23)  # a Monday
SIZE = (80, 24)


def read_files(data_dir: Path) -> tuple[dict, dict, dict]:
    """The raw TinyDB files: index, drafts, and every client's history by client id."""
    index = json.loads((data_dir / "coach.json").read_text())
    drafts = json.loads((data_dir / "drafts.json").read_text()) if (data_dir / "drafts.json").exists() else {}
    histories = {p.stem: json.loads(p.read_text()) for p in (data_dir / "clients").glob("*.json")}
    return index, drafts, histories


def records(table: dict) -> list[dict]:
    return list(table.values())


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


async def score_beliefs(pilot, scores_and_evidence) -> None:
    for score, evidence in scores_and_evidence:
        await pilot.press(str(score))
        if evidence:
            await type_text(pilot, evidence)
        await pilot.press("ctrl+n")
        await pilot.pause()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.mark.slow  # the one full-text walk; the others type short strings
async def test_whole_reflection_by_keys_is_saved(data_dir: Path) -> None:
    store = Store.open(data_dir)
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "Dana")
        await pilot.press("ctrl+n")  # new client named as typed
        await pilot.pause()
        assert app.focused.id == "organisation"  # named already: the organisation comes next
        await type_text(pilot, "Harbour Logistics")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReflectionScreen)

        await score_beliefs(
            pilot,
            [
                (4, "She told me her board wants fewer surprises"),
                (3, "Asked after her team offsite"),
                (5, "Thanked me in front of the COO"),
                (2, ""),  # a guess: no evidence
                (4, "Stayed after they hired another firm"),
                (3, "Read their annual report"),
                (2, "Still send long reports she skims"),
            ],
        )
        # partners and reciprocity
        await pilot.press("y", "p")
        await type_text(pilot, "Dashboard half built")
        await pilot.press("tab", "4")
        await type_text(pilot, "Asked how my business is going")
        await pilot.press("ctrl+n")
        await pilot.pause()
        # with or for, and meeting as partners
        await pilot.press("w")
        await type_text(pilot, "We plan the roadmap together")
        await pilot.press("tab")
        await type_text(pilot, "3 weeks ago")
        await pilot.press("tab")
        await type_text(pilot, "Their analysts are idle in January")
        await pilot.press("ctrl+n")
        await pilot.pause()
        # verdict: agree with the proposal by its letter (focus moves on to why), say why
        await pilot.press(app.screen.draft.reflection.proposed_verdict[0])
        await type_text(pilot, "Strong but I talk more than I listen")
        await pilot.press("ctrl+n")
        await pilot.pause()
        # commitment
        await type_text(pilot, "Ask Dana what a good quarter looks like")
        await pilot.press("tab", "tab")
        await type_text(pilot, "next friday")
        await pilot.pause()
        echo = str(app.screen.query_one("#due-text-echo").render())
        assert "Fri 27 Nov (in 4 days)" in echo
        await pilot.press("ctrl+n")
        await pilot.pause()
        summary = str(app.screen.query_one("#summary").render())
        assert "Acknowledge" in summary and "You value me" in summary
        assert "Guesses (no evidence): You have faith in me" in summary
        await pilot.press("ctrl+n")  # save
        await pilot.pause()
        assert not isinstance(app.screen, ReflectionScreen)
    store.close()

    index, drafts, histories = read_files(data_dir)
    clients = records(index["clients"])
    assert [(c["name"], c["organisation"]) for c in clients] == [("Dana", "Harbour Logistics")]
    assert records(drafts.get("drafts", {})) == []
    history = histories[clients[0]["id"]]
    [reflection] = records(history["reflections"])
    [commitment] = records(history["commitments"])
    assert reflection["date"] == "2026-11-23"
    assert {k: v["score"] for k, v in reflection["beliefs"].items()} == {
        "known": 4, "cared": 3, "valued": 5, "faith": 2, "committed": 4, "curious": 3, "adaptive": 2,
    }
    assert reflection["beliefs"]["known"]["evidence"] == "She told me her board wants fewer surprises"
    assert reflection["beliefs"]["faith"]["evidence"] == ""
    lenses = reflection["lenses"]
    assert (lenses["objectives_agreed"], lenses["metrics_tracked"], lenses["reciprocity"]) == ("yes", "partly", 4)
    assert lenses["with_or_for"] == "with"
    assert lenses["last_partner_meeting"] == "2026-11-02"
    assert lenses["unused_capacity"] == "Their analysts are idle in January"
    assert reflection["verdict"] == reflection["proposed_verdict"] != ""
    assert reflection["verdict_reasons"]
    assert reflection["verdict_why"] == "Strong but I talk more than I listen"
    assert commitment["action"] == "Ask Dana what a good quarter looks like"
    assert commitment["due"] == "2026-11-27"
    assert commitment["aim"] in ("faith", "adaptive")  # coach suggests the weakest belief
    assert commitment["status"] == "open" and reflection["commitment_id"] == commitment["id"]
    assert clients[0]["summary"]["last_reflection_on"] == "2026-11-23"


async def test_back_and_forward_keep_what_was_typed(data_dir: Path) -> None:
    store = Store.open(data_dir)
    client = store.add_client("Ana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        app.start_reflection(client)
        await pilot.pause()
        await score_beliefs(pilot, [(4, "first belief evidence"), (2, "second")])
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.query_one("#step-1 #evidence").text == "second"
        await pilot.press("pageup")
        await pilot.pause()
        assert app.screen.query_one("#step-0 #evidence").text == "first belief evidence"
        assert app.screen.query_one("#step-0 #score").value == "4"
        await pilot.press("pagedown")
        await pilot.pause()
        assert app.screen.query_one("#step-1 #score").value == "2"
    store.close()


async def test_quit_midway_then_resume_offered_on_next_launch(data_dir: Path) -> None:
    store = Store.open(data_dir)
    client = store.add_client("Ben", "Studio North")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        app.start_reflection(client)
        await pilot.pause()
        await score_beliefs(pilot, [(5, "done"), (3, "")])
        await pilot.press("4")
        await type_text(pilot, "half typed")  # never moved on: only quitting saves it
        await pilot.press("ctrl+q")
        await pilot.pause()
    store.close()

    _, drafts, histories = read_files(data_dir)
    [draft] = records(drafts["drafts"])
    assert draft["step"] == 2
    assert draft["reflection"]["beliefs"]["valued"] == {"score": 4, "evidence": "half typed"}
    assert all(not h.get("reflections") for h in histories.values())

    store = Store.open(data_dir)
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert type(app.screen).__name__ == "ResumeDialog"
        await pilot.press("r")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ReflectionScreen)
        assert app.screen.draft.step == 2
        assert app.screen.query_one("#step-2 #evidence").text == "half typed"
        await pilot.press("ctrl+n")
        await pilot.pause()
        await score_beliefs(pilot, [(3, "x"), (3, "y"), (3, "z"), (3, "w")])
        for _ in range(2):
            await pilot.press("ctrl+n")
            await pilot.pause()
        await pilot.press("s", "ctrl+n")  # a verdict: steady
        await pilot.pause()
        await type_text(pilot, "Send Ben the plan")
        await pilot.press("tab", "tab")
        await type_text(pilot, "in 2 weeks")
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
    store.close()
    _, drafts, histories = read_files(data_dir)
    assert records(drafts["drafts"]) == []
    [reflection] = records(histories[client.id]["reflections"])
    assert reflection["beliefs"]["valued"] == {"score": 4, "evidence": "half typed"}
    assert reflection["beliefs"]["known"] == {"score": 5, "evidence": "done"}
    [commitment] = records(histories[client.id]["commitments"])
    assert commitment["due"] == "2026-12-07"


async def test_save_for_later_goes_home_and_keeps_the_draft(data_dir: Path) -> None:
    store = Store.open(data_dir)
    client = store.add_client("Cleo")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        app.start_reflection(client)
        await pilot.pause()
        await pilot.press("3")
        await type_text(pilot, "kept")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
    store.close()
    _, drafts, _ = read_files(data_dir)
    [draft] = records(drafts["drafts"])
    assert draft["reflection"]["beliefs"]["known"] == {"score": 3, "evidence": "kept"}


async def test_commitment_refuses_a_date_it_cannot_read(data_dir: Path) -> None:
    store = Store.open(data_dir)
    client = store.add_client("Dev")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        app.start_reflection(client)
        await pilot.pause()
        for _ in range(9):  # straight to the verdict step, nothing scored
            await pilot.press("ctrl+n")
            await pilot.pause()
        await pilot.press("s", "ctrl+n")  # a verdict, and on to the commitment
        await pilot.pause()
        assert app.screen.draft.step == 10
        await type_text(pilot, "Call Dev")
        await pilot.press("tab", "tab")
        await type_text(pilot, "feb 30")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen.draft.step == 10  # not moved on
        assert "not a date on the calendar" in str(app.screen.query_one("#problem").render())
        for _ in range(6):
            await pilot.press("backspace")
        await type_text(pilot, "12/4")
        await pilot.pause()
        assert "Fri 4 Dec (in 11 days)" in str(app.screen.query_one("#due-text-echo").render())
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen.draft.step == 11
    store.close()


async def test_user_text_is_shown_literally(data_dir: Path) -> None:
    store = Store.open(data_dir)
    client = store.add_client("[bold]Acme[/]", "[red]x\x1b[2J")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.start_reflection(client)
        await pilot.pause()
        progress = str(app.screen.query_one("#progress").render())
        assert "[bold]Acme[/]" in progress
        assert "[red]x␛[2J" in progress and "\x1b" not in progress
    store.close()


async def test_earlier_score_and_evidence_shown_beside(data_dir: Path) -> None:
    store = Store.open(data_dir)
    client = store.add_client("Eve")
    earlier = Reflection(client_id=client.id, date="2026-11-09")
    earlier.beliefs["known"] = BeliefScore(2, "Did not know her new role")
    store.finish_reflection(earlier, Commitment(action="Ask about the new role", aim="known", due="2026-11-16"))
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        app.start_reflection(store.client(client.id))
        await pilot.pause()
        before = str(app.screen.query_one("#step-0 #before").render())
        assert "Mon 9 Nov" in before and "2 of 5" in before and "Did not know her new role" in before
        last = str(app.screen.query_one("#last-commitment").render())
        assert "Ask about the new role" in last
        await pilot.press("4")
        await pilot.pause()
        assert "guess" in str(app.screen.query_one("#step-0 #guess").render())  # scored without evidence
        await type_text(pilot, "she said")
        await pilot.pause()
        assert "guess" not in str(app.screen.query_one("#step-0 #guess").render())
    store.close()


async def test_read_only_store_does_not_start_a_reflection(data_dir: Path) -> None:
    writer = Store.open(data_dir)
    writer.add_client("Fay")
    reader = Store.open(data_dir)
    assert reader.read_only
    app = make_app(reader, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
    reader.close()
    writer.close()
    _, drafts, _ = read_files(data_dir)
    assert not records(drafts.get("drafts", {}))


async def test_a_burst_of_keys_lands_in_the_right_fields(data_dir: Path) -> None:
    """Over a laggy SSH link keys arrive in bursts; none may land in the wrong field."""
    from textual import events

    store = Store.open(data_dir)
    client = store.add_client("Gus")
    app = make_app(store, TODAY)

    def burst(keys: list[str]) -> None:
        for key in keys:
            char = key if len(key) == 1 else None
            app.post_message(events.Key({" ": "space", "\t": "tab"}.get(key, key), char))

    async with app.run_test(size=SIZE) as pilot:
        app.start_reflection(client)
        await pilot.pause()
        burst(
            [*"4first", "ctrl+n", *"3second", "ctrl+n", *"2third", *["ctrl+n"] * 5]
            + [*"ypnumbers are flat\t4asked about my kids", "ctrl+n", *"wplanning together"]
        )
        for _ in range(5):
            await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause()
    store.close()
    _, drafts, _ = read_files(data_dir)
    [draft] = records(drafts["drafts"])
    beliefs = draft["reflection"]["beliefs"]
    assert [beliefs[k] for k in ("known", "cared", "valued")] == [
        {"score": 4, "evidence": "first"},
        {"score": 3, "evidence": "second"},
        {"score": 2, "evidence": "third"},
    ]
    lenses = draft["reflection"]["lenses"]
    assert (lenses["objectives_agreed"], lenses["metrics_tracked"]) == ("yes", "partly")
    assert lenses["partners_notes"] == "numbers are flat"
    assert (lenses["reciprocity"], lenses["reciprocity_evidence"]) == (4, "asked about my kids")
    assert (lenses["with_or_for"], lenses["with_or_for_notes"]) == ("with", "planning together")

"""The reflection as a stranger drives it: keys at the wrong moment land where
they belong, a key that ends one screen never acts on the next, and nothing
is dropped without asking. Each test checks the files on disk."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from helpers.ui_support import wait_for

from coach.models import BeliefScore, Commitment, Draft, Reflection
from coach.reflection_form import reflection_form
from coach.store import Store
from coach.ui.dialogs.confirm import ConfirmDialog
from coach.ui.dialogs.resume import ResumeDialog
from coach.ui.run import make_app
from coach.ui.screens.home import HomeScreen
from coach.ui.screens.reflect import ReflectionScreen
from coach.ui.widgets.fields import NoteArea

TODAY = date(2026, 11, 23)  # a Monday
SIZE = (80, 24)
FORM = reflection_form()
STEPS = len(FORM.steps)


def files(data_dir: Path) -> tuple[list[dict], list[dict]]:
    """Every reflection in the client files, and every draft, as stored."""
    reflections = []
    for path in (data_dir / "clients").glob("*.json"):
        reflections += json.loads(path.read_text()).get("reflections", {}).values()
    drafts = json.loads((data_dir / "drafts.json").read_text()).get("drafts", {}).values() if (
        data_dir / "drafts.json").exists() else []
    return list(reflections), list(drafts)


async def keys(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


def with_history(store: Store):
    client = store.add_client("Dana", "Harbour")
    earlier = Reflection(client_id=client.id, date="2026-11-09", verdict="steady")
    earlier.beliefs["known"] = BeliefScore(3, "She told me her goal")
    lenses = earlier.lenses
    lenses.objectives_agreed, lenses.reciprocity, lenses.with_or_for = "partly", 4, "with"
    lenses.last_partner_meeting, lenses.unused_capacity = "2026-11-02", "Their analyst has spare time"
    store.finish_reflection(earlier, Commitment(action="Ask about Q1", aim="known", due="2026-11-16"))
    return store.client(client.id)


async def start(app, pilot, client) -> ReflectionScreen:
    await pilot.pause()
    app.start_reflection(client)
    await wait_for(pilot, ReflectionScreen)
    return app.screen


async def on_step(app, pilot, client, index: int) -> ReflectionScreen:
    """A reflection just started, shown at step `index`."""
    screen = await start(app, pilot, client)
    screen._show(index)
    await pilot.pause()
    return screen


async def at_summary(app, pilot, client) -> ReflectionScreen:
    """A reflection with what Next requires filled in, on its last step."""
    screen = await start(app, pilot, client)
    screen.draft.commitment.action, screen.draft.due_text = "Call Dana", "friday"
    screen.draft.reflection.verdict = "steady"
    screen._show(STEPS - 1)
    await pilot.pause()
    return screen


async def test_going_back_lands_in_the_evidence_and_a_digit_there_is_text(store):
    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, client)
        await pilot.press("4")  # scores, and focus moves on to the evidence
        await keys(pilot, "she said so")
        await pilot.press("ctrl+n", "ctrl+p")  # on, then back
        await pilot.pause()
        assert isinstance(app.focused, NoteArea)
        await keys(pilot, " and asked 2 questions")
        await pilot.press("ctrl+l")
        await pilot.pause()
    _, [draft] = files(store.data_dir)
    known = draft["reflection"]["beliefs"]["known"]
    assert known == {"score": 4, "evidence": "she said so and asked 2 questions"}


async def test_returning_to_an_unscored_step_focuses_the_score(store):
    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, client)
        await pilot.press("ctrl+n", "ctrl+p")
        await pilot.pause()
        assert app.focused.id == "score"
        await pilot.press("2")
        await pilot.press("ctrl+l")
        await pilot.pause()
    _, [draft] = files(store.data_dir)
    assert draft["reflection"]["beliefs"]["known"]["score"] == 2


async def test_a_changed_score_says_old_and_new(store):
    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot, client)
        await pilot.press("4", "ctrl+n", "ctrl+p")
        await pilot.pause()
        await pilot.press("shift+tab")  # to the score row, on purpose
        assert app.focused.id == "score"
        await pilot.press("2")
        await pilot.pause()
        label = str(screen.query_one("#step-0 #scale-label").render())
        assert "4 → 2" in label


async def test_the_last_step_footer_says_save(store):
    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot, client)
        active = {b.binding.description for b in app.active_bindings.values() if b.enabled and b.binding.show}
        assert "Next" in active and "Save" not in active
        screen._show(STEPS - 1)
        await pilot.pause()
        active = {b.binding.description for b in app.active_bindings.values() if b.enabled and b.binding.show}
        assert "Save" in active and "Next" not in active


@pytest.mark.parametrize("keys,together", [
    (("enter",), False), (("ctrl+n",), False),
    # hostile pass: Enter Enter saved, then home's Enter started an empty
    # reflection on the highlighted client, offered again at the next launch
    (("enter", "enter"), False), (("enter", "enter"), True), (("ctrl+n", "enter"), True),
])
async def test_the_key_that_saves_is_not_delivered_to_home(store, keys, together, monkeypatch):
    """Whatever finishes the reflection, home sees none of it, nor the same key
    again right behind it: no phantom reflection, no picker."""
    from coach.ui import app as app_module

    # Pilot waits for idle between keys, which on a loaded machine can outlast
    # the real windows; widened, the test checks the rule, not the machine's speed
    monkeypatch.setattr(app_module, "KEY_FENCE_SECONDS", 60)
    monkeypatch.setattr(app_module, "KEY_CLOSED_WITHIN", 60)
    store.add_client("Abe")  # highlighted on home, where Dana's save lands
    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await at_summary(app, pilot, client)
        if together:
            burst(app, *keys)
        else:
            await pilot.press(*keys)
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, HomeScreen), app.screen
    reflections, drafts = files(store.data_dir)
    assert len(reflections) == 1 and drafts == []


async def test_discard_asks_first_and_keeps_a_backup(store):
    client = store.add_client("Dana")
    draft = Draft(client_id=client.id, step=2, reflection=Reflection(client_id=client.id, date=TODAY.isoformat()))
    draft.reflection.beliefs["known"] = BeliefScore(4, "precious words")
    store.save_draft(draft)
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ResumeDialog)
        await pilot.press("d")
        await wait_for(pilot, ConfirmDialog)
        assert files(store.data_dir)[1], "one key must not discard"
        await pilot.press("n")  # no: nothing is lost
        await pilot.pause()
    assert len(files(store.data_dir)[1]) == 1
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ResumeDialog)
        await pilot.press("d")
        await wait_for(pilot, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
    assert files(store.data_dir)[1] == []
    kept = [json.loads(p.read_text()) for p in (store.data_dir / "backups").glob("*/drafts.json")]
    assert any("precious words" in json.dumps(k) for k in kept)


async def test_lenses_show_last_time_beside_this_week(store):
    client = with_history(store)
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_step(app, pilot, client, FORM.step_index("partners"))
        assert "last: Partly" in str(screen.query_one("#objectives-agreed-last").render())
        assert "last: 4 of 5" in str(screen.query_one("#reciprocity-last").render())
        screen._show(FORM.step_index("meeting"))
        await pilot.pause()
        assert "last: With" in str(screen.query_one("#with-or-for-last").render())
        assert "Their analyst has spare time" in screen.query_one("#unused-capacity").placeholder
        echo = str(screen.query_one("#last-partner-meeting-echo").render())
        assert "Last on record" in echo and "2 Nov" in echo


async def test_placeholders_use_the_clients_name(store):
    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_step(app, pilot, client, FORM.step_index("commitment"))
        assert "Ask Dana " in screen.query_one("#action").placeholder
        screen._show(0)
        await pilot.pause()
        assert "Evidence in Dana's terms" in str(screen.query_one("#step-0 .field-label").render())


async def test_the_lens_guidance_appears_on_its_step(store):
    client = store.add_client("Dana")
    method = None
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot, client)
        method = app.method
        notes = {lens.key: lens.note for lens in method.lenses}
        for step_key, lens_keys in (("partners", ("partners", "reciprocity")), ("meeting", ("with", "meeting"))):
            screen._show(FORM.step_index(step_key))
            await pilot.pause()
            shown = " ".join(str(s.render()) for s in screen.current.query(".guidance"))
            for key in lens_keys:
                assert notes[key] in shown, key


async def test_the_verdict_knows_last_weeks_partner_talk(store):
    """Left blank this week, the talk on record still counts: one fact for verdict, step and agenda."""
    client = with_history(store)
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_step(app, pilot, client, FORM.step_index("verdict"))
        proposal = str(screen.query_one("#proposal").render())
        assert "No partner conversation on record" not in proposal
        assert screen.draft.reflection.lenses.last_partner_meeting == ""  # nothing invented into the record


def burst(app, *keys: str) -> None:
    """Keys arriving together, as over a laggy SSH link or from a paste: all in
    the app's queue before the first is handled (Pilot waits between keys)."""
    from textual import events

    for key in keys:
        app.post_message(events.Key(key, {"enter": "\r", "space": " "}.get(key, key if len(key) == 1 else None)))


async def test_what_is_typed_just_before_ctrl_q_is_in_the_draft(store):
    """Hostile pass: '4', then 'more words' and ctrl+q in one burst kept only
    what the field had taken before ctrl+q, an app key, was handled."""
    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, client)
        await pilot.press("4")
        await pilot.pause()
        burst(app, "m", "o", "r", "e", "space", "w", "o", "r", "d", "s", "ctrl+q")
        for _ in range(5):
            await pilot.pause()
    _, [draft] = files(store.data_dir)
    assert draft["reflection"]["beliefs"]["known"] == {"score": 4, "evidence": "more words"}


async def test_keys_typed_before_the_launch_offers_are_not_covered_by_them(store):
    """Hostile pass: typed at launch, n + a name + Enter started a reflection,
    and the review of what is due then opened over it."""
    client = store.add_client("Dana")
    store.finish_reflection(Reflection(client_id=client.id, date="2026-11-09"),
                            Commitment(action="Call", aim="known", due="2026-11-16"))
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        app.start_reflection(store.client(client.id))  # what the keys did, before launch() ran
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, ReflectionScreen), app.screen


async def test_a_bare_weekday_for_the_last_partner_talk_is_the_last_one(store):
    """Hostile pass 3: "tuesday" in the partner-talk field read as tomorrow, and was refused as still to come."""
    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_step(app, pilot, client, FORM.step_index("meeting"))
        field = screen.current.query_one("#last-partner-meeting")
        field.focus()
        await keys(pilot, "tuesday")
        await pilot.pause()
        echo = str(screen.current.query_one("#last-partner-meeting-echo").render())
        assert echo.startswith("→ Tue 17 Nov"), echo
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.draft.reflection.lenses.last_partner_meeting == "2026-11-17"


async def test_a_due_date_read_a_year_ahead_offers_the_nearer_reading(store):
    """Hostile pass 4: "1/12" due, on 2 December day first, read as next
    December without a word about 12 January. Here (month first, 23 Nov):
    "11/1" is 1 November next year; the other reading is 11 January."""
    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_step(app, pilot, client, FORM.step_index("commitment"))
        screen.current.query_one("#due-text").focus()
        await pilot.pause()
        await keys(pilot, "11/1")
        await pilot.pause()
        echo = str(screen.current.query_one("#due-text-echo").render())
        assert echo.startswith("→ Mon 1 Nov 2027"), echo
        assert echo.endswith('read as 1 November, month first; for 11 January type "1/11"'), echo
        await pilot.press(*["backspace"] * 4)
        await keys(pilot, "12/4")  # 4 December, nearer than 12 April: nothing more to say
        await pilot.pause()
        echo = str(screen.current.query_one("#due-text-echo").render())
        assert echo.endswith("read as 4 December, month first"), echo


async def test_the_partner_talk_names_only_another_reading_it_would_take(store):
    """Hostile pass 5: "4/12" was refused while "4 Dec" read as last December,
    and "12/4" offered "4/12", which the field then refused. Month first here."""
    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_step(app, pilot, client, FORM.step_index("meeting"))
        field = screen.current.query_one("#last-partner-meeting")
        echo = screen.current.query_one("#last-partner-meeting-echo")
        field.focus()
        await keys(pilot, "12/4")  # 4 December: last year's; 12 April is nearer and has been
        await pilot.pause()
        assert str(echo.render()) == ('→ Thu 4 Dec 2025 (12 months ago) · read as 4 December, month first; '
                                      'for 12 April type "4/12"'), str(echo.render())
        await pilot.press(*["backspace"] * 4)
        await keys(pilot, "4/12")  # 12 April; the other reading, last December, is further away
        await pilot.pause()
        assert str(echo.render()).endswith("read as 12 April, month first"), str(echo.render())

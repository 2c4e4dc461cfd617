"""What a second hostile pass over the reflection found, one test each: a
verdict nobody chose, Enter in the picker with typing behind it, unlabelled
fields, pasted control characters, an over-limit note, the last partner talk
forgotten by the past view and the export, ISO dates on screen, letters lost
on a choice row, and date messages that pointed the wrong way. Each test
checks the files on disk where something is saved."""

from __future__ import annotations

import re
from datetime import date

from helpers.ui_support import capture_notes, wait_for
from test_ui_flow import FORM, SIZE, TODAY, burst, files, keys, on_step, start, with_history

from coach.export import to_markdown
from coach.method import load_method
from coach.models import Commitment, Draft, Reflection
from coach.ui.dialogs.resume import ResumeDialog
from coach.ui.run import make_app
from coach.ui.screens.past_reflection import PastReflectionScreen
from coach.ui.screens.reflect import ReflectionScreen
from coach.ui.widgets.fields import NoteArea, TextField

VERDICT = FORM.step_index("verdict")


async def leave(pilot) -> None:
    await pilot.press("ctrl+l")
    for _ in range(3):
        await pilot.pause()


async def test_a_verdict_is_saved_only_when_chosen(store):
    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_step(app, pilot, client, VERDICT)
        assert app.focused.id == "verdict"
        proposal = str(screen.query_one("#proposal").render())
        assert "coach proposes" in proposal and "to agree, or choose another" in proposal
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.draft.step == VERDICT
        assert "Choose a verdict" in str(screen.query_one("#problem").render())
        await leave(pilot)
    _, [draft] = files(store.data_dir)
    assert draft["reflection"]["verdict"] == ""
    assert draft["reflection"]["proposed_verdict"] != ""


async def test_the_proposal_follows_scores_changed_after_choosing(store):
    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot, client)
        for belief in screen.draft.reflection.beliefs.values():
            belief.score, belief.evidence = 5, "seen"
        screen._show(VERDICT)
        await pilot.pause()
        first = screen.draft.reflection.proposed_verdict
        await pilot.press(first[0])  # agree
        await pilot.press("ctrl+p")  # back to the lenses, and the scores change
        await pilot.pause()
        for belief in screen.draft.reflection.beliefs.values():
            belief.score = 1  # as if rescored on the way back
        screen._show(VERDICT)
        await pilot.pause()
        proposal = str(screen.query_one("#proposal").render())
        now = screen.draft.reflection.proposed_verdict
        name = app.method.verdict_name(first)
        assert now != first
        assert f"it was {name} when you chose {name}" in proposal
        await leave(pilot)
    _, [draft] = files(store.data_dir)
    assert draft["reflection"]["verdict"] == first  # the choice is the person's
    assert draft["reflection"]["proposed_verdict"] == now


async def test_enter_in_the_picker_with_typing_behind_it_picks_the_match(store):
    store.add_client("Abe")
    sofia = store.add_client("Sofia")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "n", "S", "o", "f", "enter", "x", "y")
        for _ in range(10):
            await pilot.pause()
        assert isinstance(app.screen, ReflectionScreen), app.screen
        assert app.screen.client.id == sofia.id
    assert sorted(c.name for c in store.clients()) == ["Abe", "Sofia"]  # no new client


async def test_every_text_field_on_a_lens_step_has_its_label(store):
    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot, client)
        for key in ("partners", "meeting"):
            screen._show(FORM.step_index(key))
            await pilot.pause()
            step = screen.current
            for field in step.spec.fields:
                if field.kind in ("text", "date"):
                    row = step.widget(field).parent
                    label = str(row.query_one(".inline-label").render())
                    assert label == field.label, (key, field.key)


async def test_pasted_control_characters_are_stored_as_pasted(store):
    from textual import events

    client = store.add_client("Dana")
    pasted = "tab\there, esc\x1b[31mred, rlo\u202eevil, bell\x07"
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, client)
        await pilot.press("4")  # focus moves on to the evidence
        area = app.focused
        assert isinstance(area, NoteArea)
        area.post_message(events.Paste(pasted))
        await pilot.pause()
        assert "\x1b" not in area.text and "\u202e" not in area.text  # shown as pictures
        await keys(pilot, " then typed")
        await leave(pilot)
    _, [draft] = files(store.data_dir)
    assert draft["reflection"]["beliefs"]["known"]["evidence"] == pasted + " then typed"


async def test_a_one_line_field_keeps_a_paste_after_more_typing(store):
    from textual import events

    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await on_step(app, pilot, client, FORM.step_index("commitment"))
        field = app.focused
        assert isinstance(field, TextField) and field.id == "action"
        field.post_message(events.Paste("Call\u202e back\nabout\tit"))
        await pilot.pause()
        assert field.value == "Call<U+202E> back about⇥it"
        await keys(pilot, " soon")
        await leave(pilot)
    _, [draft] = files(store.data_dir)
    # every line of the paste is kept, joined by a space: the field holds one line
    assert draft["commitment"]["action"] == "Call\u202e back about\tit soon"


async def test_an_over_limit_note_is_named_in_words(store):
    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    notes = capture_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(app, pilot, client)
        await pilot.press("4")
        app.focused.load_text("x" * 20_001)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen.draft.step == 0
        problem = str(screen.query_one("#problem").render())
        assert "The evidence for “You know me” is 20,001 characters long" in problem
        screen.save_draft()
        await pilot.pause()
    said = " ".join(notes)
    assert "The evidence for “You know me” is 20,001 characters long" in said
    assert "beliefs." not in said and "reflection." not in said  # no internal path


async def test_the_past_view_and_the_export_carry_the_last_partner_talk(store):
    client = with_history(store)  # 9 Nov, with a partner talk on 2 Nov
    later = Reflection(client_id=client.id, date="2026-11-16", verdict="steady")  # the talk left blank
    store.finish_reflection(later, Commitment(action="Call", aim="known", due="2026-11-20"))
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(PastReflectionScreen(client.id, later.id))
        await wait_for(pilot, PastReflectionScreen)
        shown = " ".join(str(s.render()) for s in app.screen.query("#past-read Static"))
        assert "Last partner talk: none new; last on record Mon 2 Nov" in shown
        assert "none on record" not in shown
    report = to_markdown(store.everything(), load_method())
    assert "- Last partner talk: none new; last on record 2026-11-02" in report
    assert "- Last partner talk: 2026-11-02" in report  # the reflection that recorded it


async def test_dates_on_screen_are_short(store, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    client = with_history(store)
    draft = Draft(client_id=client.id, reflection=Reflection(client_id=client.id, date=TODAY.isoformat()), step=3,
                  updated_at="2026-11-23T09:05:00+00:00")
    store.save_draft(draft)
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, ResumeDialog)
        text = " ".join(str(s.render()) for s in app.screen.query("Static"))
        # the draft's time, local and short, in the same form as dates
        assert re.search(r"last saved (today|yesterday|[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2}( \d{4})?) \d\d:\d\d\)", text)
        # no ISO stamp (a "T" between digits); "Tue" and "Thu" are fine: the draft is saved now
        assert "UTC" not in text and not re.search(r"\dT\d", text.split("last saved")[1])
        await pilot.press("r")
        await wait_for(pilot, ReflectionScreen)
        screen = app.screen
        for belief in screen.draft.reflection.beliefs.values():
            belief.score = 1
        screen._show(VERDICT)
        await pilot.pause()
        proposal = str(screen.query_one("#proposal").render())
        assert "since Mon 9 Nov" in proposal and "2026-11-09" not in proposal


async def test_a_letter_on_a_choice_row_goes_to_the_next_text_field(store):
    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await on_step(app, pilot, client, FORM.step_index("partners"))
        assert app.focused.id == "objectives-agreed"
        burst(app, "t", "h", "e", "space", "n", "u", "m", "b", "e", "r", "s")
        for _ in range(5):
            await pilot.pause()
        assert app.focused.id == "partners-notes"
        await leave(pilot)
    _, [draft] = files(store.data_dir)
    lenses = draft["reflection"]["lenses"]
    assert lenses["partners_notes"] == "the numbers"
    assert lenses["objectives_agreed"] == lenses["metrics_tracked"] == ""  # "n" picked nothing


async def on_the_score_row(store, send) -> tuple[dict, object]:
    """A new reflection on its first step, focus on the score row: `send(app)`,
    then leave. Returns what the draft holds for the first belief, and the
    widget that had focus just before leaving."""
    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, client)
        assert app.focused.id == "score"
        send(app)
        for _ in range(5):
            await pilot.pause()
        focused = app.focused
        await leave(pilot)
    _, [draft] = files(store.data_dir)
    return draft["reflection"]["beliefs"]["known"], focused


async def test_letters_on_the_score_row_go_to_the_evidence(store):
    # the digit is text once in the evidence
    known, _ = await on_the_score_row(store, lambda app: burst(app, "a", "s", "k", "e", "d", "space", "2"))
    assert known == {"score": None, "evidence": "asked 2"}


async def test_the_partner_talk_date_messages_point_back(store):
    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_step(app, pilot, client, FORM.step_index("meeting"))
        field = screen.query_one("#last-partner-meeting", TextField)
        field.value = "Z"
        await pilot.pause()
        echo = str(screen.query_one("#last-partner-meeting-echo").render())
        assert 'Could not read "Z"' in echo and "3 weeks ago" in echo and "next friday" not in echo
        field.value = "next friday"
        await pilot.pause()
        echo = str(screen.query_one("#last-partner-meeting-echo").render())
        assert "Fri 27 Nov is still to come" in echo
    assert date(2026, 11, 27).weekday() == 4


async def test_no_launch_offer_once_keys_have_come_in(store):
    """Walked in tmux: ctrl+l typed while coach was still starting went to home,
    the review of what is due opened after it, and the next keys ("n", then a
    client's name) were taken as Not done and what happened. Once keys have
    come in, launch offers nothing; the This-week panel still lists what is due."""
    from coach.ui.screens.home import HomeScreen

    client = store.add_client("Dana")
    store.finish_reflection(Reflection(client_id=client.id, date="2026-11-09"),
                            Commitment(action="Call", aim="known", due="2026-11-16"))
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        # run_test hands over before launch has run: this key is in first
        await pilot.press("ctrl+l")
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, HomeScreen), app.screen
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "ClientPicker"
    [commitment] = store.commitments(client.id)
    assert commitment.status == "open"


def test_a_paste_with_escape_characters_arrives_whole():
    """Walked in tmux: Textual replayed what followed an ESC inside a paste as
    keystrokes ("abc␛[31mdef" became "^[31mdefabc", and pasted control keys
    moved the reflection on). The parser coach runs keeps the paste whole,
    even when the terminal's reads split its end marker."""
    from textual import events

    from coach.ui.run import paste_keeping_parser

    def parse(*reads: str) -> list:
        parser = paste_keeping_parser()()
        got = [e for read in reads for e in parser.feed(read)] + list(parser.feed(""))
        return [(type(e).__name__, getattr(e, "text", None) or getattr(e, "key", None)) for e in got
                if isinstance(e, (events.Paste, events.Key))]

    assert parse("\x1b[200~abc\x1b[31mdef\x1b[201~") == [("Paste", "abc\x1b[31mdef")]
    assert parse("\x1b[200~abc\x1b[3", "1mdef\x1b[20", "1~", "x") == [("Paste", "abc\x1b[31mdef"), ("Key", "x")]
    assert parse("\x1b[200~x\x1b[0m\x0e\x0e\x1b[201~") == [("Paste", "x\x1b[0m\x0e\x0e")]
    assert parse("a", "\x1b[A") == [("Key", "a"), ("Key", "up")]  # outside a paste, keys as before


async def test_a_paste_on_the_score_row_lands_in_the_evidence_with_its_lines(store):
    from textual import events

    # a terminal sends pasted line breaks as CR
    known, focused = await on_the_score_row(
        store, lambda app: app.post_message(events.Paste("line one\rline two\r\nthree")))
    assert isinstance(focused, NoteArea)
    assert known == {"score": None, "evidence": "line one\nline two\nthree"}


async def test_enter_in_a_field_that_stays_keeps_what_follows(store):
    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await on_step(app, pilot, client, FORM.step_index("commitment"))
        burst(app, "C", "a", "l", "l", "enter", "space", "h", "e", "r")
        for _ in range(5):
            await pilot.pause()
        await leave(pilot)
    _, [draft] = files(store.data_dir)
    assert draft["commitment"]["action"] == "Call her"

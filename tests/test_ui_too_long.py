"""Text over the length coach keeps, pasted where people type: the refusal
names the field as the user knows it (it named the record's id and key in
the file: "the client with id …: “name” is …"), nothing is saved, and what
was pasted stays in the field to shorten (hostile pass 3)."""

from __future__ import annotations

from pathlib import Path

from helpers.ui_support import capture_notes, open_screen, wait_for
from helpers.weekly_seed import TODAY, seed, stored_commitment
from textual import events

from coach.schema import NAME_MAX, TEXT_MAX
from coach.store import Store
from coach.ui.dialogs.client_edit import ClientEditDialog
from coach.ui.dialogs.new_client import NewClientDialog
from coach.ui.run import make_app
from coach.ui.screens.review import ReviewScreen
from coach.ui.screens.terms import TermsScreen

SIZE = (80, 24)


def in_user_words(message: str, what: str, length: int, limit: int) -> None:
    assert message.startswith(f"{what} is {length:,} characters long; coach keeps at most {limit:,}."), message
    assert " id " not in message and "“" not in message, message


async def paste(pilot, text: str) -> None:
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def test_a_new_clients_name_over_the_limit(store) -> None:
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("ctrl+n")  # the picker's New client, nothing typed
        await wait_for(pilot, NewClientDialog)
        await paste(pilot, "x" * (NAME_MAX + 1))
        await pilot.press("ctrl+n")  # create
        await pilot.pause()
        assert isinstance(app.screen, NewClientDialog)
        in_user_words(str(app.screen.query_one("#problem").render()), "The name", NAME_MAX + 1, NAME_MAX)
        assert app.screen.query_one("#name").value == "x" * (NAME_MAX + 1)
    assert store.clients() == []


async def test_an_edited_organisation_over_the_limit(store) -> None:
    client = store.add_client("Dana", "Harbour")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, ClientEditDialog(store.client(client.id)))
        await pilot.press("tab", "end")
        await paste(pilot, "y" * NAME_MAX)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ClientEditDialog)
        in_user_words(str(app.screen.query_one("#problem").render()), "The organisation", NAME_MAX + 7, NAME_MAX)
    assert store.client(client.id).organisation == "Harbour"


async def review_done_with(tmp_path: Path, pasted: str) -> tuple[Path, object, str]:
    """The review at launch: Done, `pasted` as what happened, Enter twice.
    Returns the data folder, the seeded people, and the line under the form."""
    data = tmp_path / "data"
    people = seed(data)
    with Store.open(data) as store:
        app = make_app(store, TODAY)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, ReviewScreen)
            await pilot.press("d")  # Done; on to what happened
            await paste(pilot, pasted)
            await pilot.press("enter", "enter")
            await pilot.pause()
            problem = str(app.screen.query_one("#problem").render()) if isinstance(app.screen, ReviewScreen) else ""
    return data, people, problem


async def test_a_review_outcome_over_the_limit(tmp_path: Path) -> None:
    data, people, problem = await review_done_with(tmp_path, "z" * (TEXT_MAX + 1))
    in_user_words(problem.removeprefix("✗ "), "What happened", TEXT_MAX + 1, TEXT_MAX)
    assert stored_commitment(data, people.ana, people.ana_commitment).status == "open"


async def test_a_review_outcome_keeps_pasted_control_characters_exactly(tmp_path: Path) -> None:
    data, people, _ = await review_done_with(tmp_path, "red \x1b[31m text")
    # shown as a picture on screen, stored as pasted
    assert stored_commitment(data, people.ana, people.ana_commitment).what_happened == "red \x1b[31m text"


async def test_an_objective_over_the_limit(store) -> None:
    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    notes = capture_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(pilot, TermsScreen(client.id))
        await paste(pilot, "o" * (TEXT_MAX + 1))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TermsScreen)
        [note] = [n for n in notes if "characters long" in n]
        in_user_words(note.removeprefix("The terms were not saved. "), "An objective", TEXT_MAX + 1, TEXT_MAX)
    assert store.client(client.id).objectives == []


async def test_no_toast_covers_the_dialog_that_asks_what_to_do(store) -> None:
    """Hostile pass 5: ctrl+q right behind an over-long paste opened the
    unsaved dialog under a toast saying what the dialog says."""
    from coach.ui.dialogs.unsaved import UnsavedDialog
    from coach.ui.screens.reflect import ReflectionScreen

    client = store.add_client("Dana")
    app = make_app(store, TODAY)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.start_reflection(client)
        await wait_for(pilot, ReflectionScreen)
        await pilot.press("4")
        await paste(pilot, "w" * (TEXT_MAX + 1))
        await pilot.press("ctrl+q")
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, UnsavedDialog)
        await pilot.pause(1.5)  # past the draft's autosave
        assert isinstance(app.screen, UnsavedDialog)
        assert [n.message for n in app._notifications] == []
        await pilot.press("ctrl+l")  # stay
        await pilot.pause()

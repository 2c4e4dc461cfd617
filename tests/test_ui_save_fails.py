"""A save that fails (a full disk) never drops what was typed: leaving asks first.

The disk is a real, tiny tmpfs filled up by the test; skipped where mounting
one is not allowed.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from datetime import date
from pathlib import Path

import pytest
from helpers.ui_support import wait_for

from coach.store import Store
from coach.ui.dialogs.unsaved import UnsavedDialog
from coach.ui.run import make_app
from coach.ui.screens.home import HomeScreen
from coach.ui.screens.reflect import ReflectionScreen

TODAY = date(2026, 11, 23)
SIZE = (80, 24)


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"x" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


async def typed_then_disk_full(pilot, app, store, disk):
    client = store.add_client("Dana")
    app.start_reflection(client)
    await wait_for(pilot, ReflectionScreen)
    await pilot.press("4")
    filler = fill(disk)
    await pilot.press(*"precious")
    await pilot.pause()
    return filler


async def test_leaving_when_the_disk_is_full_asks_and_saves_to_a_file(small_disk, tmp_path):
    store = Store.open(small_disk / "data")
    app = make_app(store, TODAY)
    target = tmp_path / "rescued.json"
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await typed_then_disk_full(pilot, app, store, small_disk)
            await pilot.press("ctrl+l")
            await wait_for(pilot, UnsavedDialog)
            # the reflection is still underneath, with the words in it
            assert isinstance(app.screen_stack[-2], ReflectionScreen)
            assert app.screen_stack[-2].current.query_one("#evidence").text == "precious"
            field = app.screen.query_one("#path")
            field.value = str(target)
            await pilot.press("ctrl+s")
            await wait_for(pilot, HomeScreen)
    finally:
        store.close()
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    saved = json.loads(target.read_text())
    assert saved["draft"]["reflection"]["beliefs"]["known"] == {"score": 4, "evidence": "precious"}


async def test_quit_when_the_disk_is_full_asks_and_retry_saves_once_there_is_room(small_disk):
    store = Store.open(small_disk / "data")
    app = make_app(store, TODAY)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            filler = await typed_then_disk_full(pilot, app, store, small_disk)
            await pilot.press("ctrl+q")
            await wait_for(pilot, UnsavedDialog)
            assert app.is_running  # did not quit with the words unsaved
            await pilot.press("ctrl+d")  # one press only arms discard
            await pilot.pause()
            assert isinstance(app.screen, UnsavedDialog)
            filler.unlink()  # room again
            await pilot.press("ctrl+r")
            for _ in range(20):
                await pilot.pause()
                if not app.is_running:
                    break
    finally:
        store.close()
    with Store.open(small_disk / "data") as again:
        [draft] = again.drafts()
        assert draft.reflection.beliefs["known"].evidence == "precious"


async def test_a_file_name_that_exists_or_is_a_link_is_refused(small_disk, tmp_path):
    store = Store.open(small_disk / "data")
    app = make_app(store, TODAY)
    existing = tmp_path / "exists.json"
    existing.write_text("keep me")
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "elsewhere.json")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await typed_then_disk_full(pilot, app, store, small_disk)
            await pilot.press("ctrl+l")
            for bad in (existing, link):
                await wait_for(pilot, UnsavedDialog)
                app.screen.query_one("#path").value = str(bad)
                await pilot.press("ctrl+s")
                await pilot.pause()
                await wait_for(pilot, UnsavedDialog)  # asked again, with the reason
                assert isinstance(app.screen_stack[-2], ReflectionScreen)
    finally:
        store.close()
    assert existing.read_text() == "keep me" and not (tmp_path / "elsewhere.json").exists()


async def test_steady_typing_is_saved_without_waiting_for_a_pause(tmp_path, monkeypatch):
    import coach.ui.screens.reflect as reflect

    monkeypatch.setattr(reflect, "AUTOSAVE_MAX_SECONDS", 0.3)
    monkeypatch.setattr(reflect, "AUTOSAVE_SECONDS", 60)  # a pause would never come
    store = Store.open(tmp_path / "data")
    app = make_app(store, TODAY)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            client = store.add_client("Dana")
            app.start_reflection(client)
            await wait_for(pilot, ReflectionScreen)
            await pilot.press("4")
            for ch in "steady typing":
                await pilot.press("space" if ch == " " else ch)
                await pilot.pause(0.05)
            drafts = json.loads((tmp_path / "data" / "drafts.json").read_text())["drafts"]
            [draft] = drafts.values()
            assert draft["reflection"]["beliefs"]["known"]["evidence"].startswith("steady")
    finally:
        store.close()

"""Helpers for the Pilot tests: opening a screen on top of home, hearing notifications."""

from __future__ import annotations


def capture_notes(app) -> list[str]:
    """Every notification the app shows from now on, as text."""
    notes: list[str] = []
    notify = app.notify

    def recording(message, *args, **kwargs):
        notes.append(str(message))
        return notify(message, *args, **kwargs)

    app.notify = recording
    return notes


async def open_screen(pilot, screen) -> None:
    await pilot.pause()  # let home settle first, so nothing lands on top of the screen under test
    pilot.app.push_screen(screen)
    await pilot.pause()
    await pilot.pause()


async def wait_for(pilot, screen_type, tries: int = 100) -> None:
    """Wait until a screen of `screen_type` is on top (screen changes take a moment)."""
    for _ in range(tries):
        if isinstance(pilot.app.screen, screen_type):
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError(f"{screen_type.__name__} never came up; on {type(pilot.app.screen).__name__}")

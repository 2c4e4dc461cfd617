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

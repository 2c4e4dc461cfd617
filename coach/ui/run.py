"""Building and running the TUI; the CLI and the tests share `make_app`."""

from __future__ import annotations

import os
from datetime import date

from coach.store import Store
from coach.ui.app import CoachApp


def make_app(store: Store, today: date, *, handle_signals: bool = False) -> CoachApp:
    return CoachApp(store=store, today=today, handle_signals=handle_signals)


def run_app(store: Store, today: date) -> int:
    # Textual sizes the screen with shutil.get_terminal_size, which believes
    # COLUMNS and LINES over the terminal itself, and keeps believing them
    # after a resize. A stale export of either would draw a 300-column screen
    # into an 80-column window; the terminal knows its own size.
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)
    result = make_app(store, today, handle_signals=True).run()
    return result if isinstance(result, int) else 0

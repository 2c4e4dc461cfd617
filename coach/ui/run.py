"""Building and running the TUI; the CLI and the tests share `make_app`."""

from __future__ import annotations

from datetime import date

from coach.store import Store
from coach.ui.app import CoachApp


def make_app(store: Store, today: date, *, handle_signals: bool = False) -> CoachApp:
    return CoachApp(store=store, today=today, handle_signals=handle_signals)


def run_app(store: Store, today: date) -> int:
    result = make_app(store, today, handle_signals=True).run()
    return result if isinstance(result, int) else 0

"""Building and running the TUI; the CLI and the tests share `make_app`."""

from __future__ import annotations

import os
from datetime import date

from coach.store import Store
from coach.ui.app import CoachApp


def make_app(store: Store, today: date, *, handle_signals: bool = False) -> CoachApp:
    return CoachApp(store=store, today=today, handle_signals=handle_signals)


def _forgiving_input() -> None:
    """Textual decodes the terminal's bytes as strict UTF-8 in its input thread:
    one byte that is not UTF-8 (a Latin-1 paste, line noise over SSH) raised
    there, left a traceback on screen and stopped coach with the last words
    unsaved. Such a byte is read as U+FFFD instead."""
    import codecs
    import functools

    try:
        from textual.drivers import linux_driver
    except ImportError:  # not a POSIX terminal: Textual's other drivers decode for themselves
        return
    linux_driver.getincrementaldecoder = lambda encoding: functools.partial(
        codecs.getincrementaldecoder(encoding), errors="replace"
    )


def run_app(store: Store, today: date) -> int:
    _forgiving_input()
    # Textual sizes the screen with shutil.get_terminal_size, which believes
    # COLUMNS and LINES over the terminal itself, and keeps believing them
    # after a resize. A stale export of either would draw a 300-column screen
    # into an 80-column window; the terminal knows its own size.
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)
    result = make_app(store, today, handle_signals=True).run()
    return result if isinstance(result, int) else 0

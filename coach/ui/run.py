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


PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
_ESC_IN_PASTE = "\ue01b"  # a private-use character: stands for ESC while the parser reads a paste


def paste_keeping_parser():
    """Textual's input parser, made to keep an escape character inside a paste
    and to read a line feed as Enter.

    Textual reads an ESC inside a bracketed paste as the start of a key
    sequence and replays what follows as keystrokes: "abc␛[31mdef" pasted
    came out "^[31mdefabc", and a pasted "␛[0m" then ctrl characters moved
    the reflection three steps on. Before the parser sees a paste, each ESC in
    it becomes a private-use character, turned back into ESC in the Paste
    event, so the paste arrives whole and exactly as sent.
    """
    from textual import events
    from textual._xterm_parser import XTermParser

    class PasteKeepingParser(XTermParser):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._in_paste = False
            self._held = ""  # the start of a paste's end marker, split across two reads

        def feed(self, data: str):
            for event in super().feed(self._mark(data)):
                if isinstance(event, events.Paste) and _ESC_IN_PASTE in event.text:
                    event = events.Paste(event.text.replace(_ESC_IN_PASTE, "\x1b"))
                elif isinstance(event, events.Key) and event.key == "ctrl+j":
                    # Enter typed while coach starts, before the terminal is
                    # raw, reaches it as a line feed (the tty turns CR into LF):
                    # "n", a name and Enter typed at launch lost the Enter. A
                    # shell reads ctrl+j as Enter too.
                    event = events.Key("enter", "\r")
                yield event

        def _mark(self, data: str) -> str:
            data, self._held = self._held + data, ""
            out: list[str] = []
            i = 0
            while i < len(data):
                if not self._in_paste:
                    if data.startswith(PASTE_START, i):
                        self._in_paste = True
                        out.append(PASTE_START)
                        i += len(PASTE_START)
                    else:
                        out.append(data[i])
                        i += 1
                    continue
                if data.startswith(PASTE_END, i):
                    self._in_paste = False
                    out.append(PASTE_END)
                    i += len(PASTE_END)
                elif data[i] == "\x1b" and PASTE_END.startswith(data[i:]):
                    self._held = data[i:]  # wait for the rest: it may be the end marker
                    break
                else:
                    out.append(_ESC_IN_PASTE if data[i] == "\x1b" else data[i])
                    i += 1
            if not data and self._held:  # the end of input: nothing more is coming
                out.append(self._held)
                self._held = ""
            return "".join(out)

    return PasteKeepingParser


def run_app(store: Store, today: date) -> int:
    _forgiving_input()
    try:
        from textual.drivers import linux_driver

        linux_driver.XTermParser = paste_keeping_parser()
    except ImportError:  # not a POSIX terminal
        pass
    # Textual sizes the screen with shutil.get_terminal_size, which believes
    # COLUMNS and LINES over the terminal itself, and keeps believing them
    # after a resize. A stale export of either would draw a 300-column screen
    # into an 80-column window; the terminal knows its own size.
    for name in ("COLUMNS", "LINES"):
        os.environ.pop(name, None)
    result = make_app(store, today, handle_signals=True).run()
    return result if isinstance(result, int) else 0

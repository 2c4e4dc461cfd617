"""The `coach` command: the full-screen app by default, plus a few commands
for the shell (status, export, backup, restore, demo, review --list).

Nothing here imports Textual at module level: `coach status` runs from a login
shell and should answer at once. Errors a user can cause end as one plain
sentence on stderr with what to do next, never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import shlex
import sys
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from coach import __version__, weekly
from coach.dates import DateError, iso_day, parse_date, short_date
from coach.models import NOTE_KINDS, now_stamp
from coach.paths import resolve_data_dir
from coach.safety import UnsafePathError
from coach.storage import DataFileError, SaveError, read_file_bytes, write_private_file
from coach.store import Store, restore_into, validate_export
from coach.textsafe import literal, shorten, valid_unicode_tree, visible

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
FORMAT_NAMES = {"json": "JSON", "markdown": "Markdown", "csv": "CSV"}
FORMATS = tuple(FORMAT_NAMES)


class Problem(Exception):
    """A refusal with a plain sentence for the user; exits with code 1."""


class Out:
    """The two consoles. User text always goes in as rich Text, so brackets stay brackets."""

    def __init__(self) -> None:
        self.out = Console(highlight=False)
        self.err = Console(stderr=True, highlight=False)

    def say(self, *parts: str | Text) -> None:
        self.out.print(Text.assemble(*parts), soft_wrap=True)

    def warn(self, message: str) -> None:
        self.err.print(Text.assemble(("warning: ", "yellow"), visible(message)), soft_wrap=True)

    def error(self, message: str) -> None:
        self.err.print(Text.assemble(("coach: ", "bold red"), visible(message)), soft_wrap=True)


# -- arguments ---------------------------------------------------------------------


def _iso_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-03-14") from None


def _common(defaults: bool) -> argparse.ArgumentParser:
    """--data-dir and --today, accepted before or after the command."""
    common = argparse.ArgumentParser(add_help=False)
    # after a command, an option not given must not wipe one given before it
    unset = None if defaults else argparse.SUPPRESS
    common.add_argument("--data-dir", metavar="DIR", default=unset,
                        help="where your data lives (default: $COACH_DATA_DIR, else your platform's data folder)")
    common.add_argument("--today", type=_iso_day, default=unset, help=argparse.SUPPRESS)
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coach", parents=[_common(True)],
        description="A weekly, evidence-based reflection on your client relationships. "
                    "Without a command, coach opens the full-screen app.",
    )
    parser.add_argument("--version", action="version", version=f"coach {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = [_common(False)]
    sub.add_parser("status", parents=common, help="what is due, who to reflect on, and your rhythm (for a login shell)")
    review = sub.add_parser("review", parents=common, help="list open commitments")
    review.add_argument("--list", action="store_true", help="list open commitments as a table (the default)")
    export = sub.add_parser("export", parents=common, help="write your data as JSON, a Markdown report, or CSV")
    export.add_argument("--format", "-f", choices=FORMATS, default="json", help="default: json")
    export.add_argument("--client", metavar="NAME", help="only this client (a unique start of the name is enough)")
    export.add_argument("--since", metavar="DATE", help='only reflections on or after DATE, e.g. 2025-01-01 or "3 months ago"')
    export.add_argument("--output", "-o", metavar="FILE",
                        help="write to FILE (a new file, readable only by you) instead of the screen; - is the screen")
    export.add_argument("--force", action="store_true", help="replace FILE if it exists (never a link or a device)")
    backup = sub.add_parser("backup", parents=common, help="save all your data to one file")
    backup.add_argument("--output", "-o", metavar="FILE",
                        help="default: coach-backup-<date>-<time>.json in the current folder; - is the screen")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists (never a link or a device)")
    restore = sub.add_parser("restore", parents=common,
                             help="replace your data with a backup file or an automatic backup folder, all or nothing")
    restore.add_argument("file", metavar="FILE", help="a file from `coach backup` or `coach export`, or a folder under backups/")
    restore.add_argument("--only", metavar="PATH",
                         help="bring back only this file from a backup folder (coach.json, drafts.json or "
                              "clients/<id>.json), leaving the rest as it is")
    ask = sub.add_parser("ask", parents=common,
                         help="write a short check-in to send a client, so their own answers can sit beside your guesses")
    ask.add_argument("client", metavar="CLIENT", help="the client (a unique start of the name is enough)")
    ask.add_argument("--output", "-o", metavar="FILE",
                     help="write to FILE (a new file, readable only by you) instead of the screen; - is the screen")
    ask.add_argument("--force", action="store_true", help="replace FILE if it exists (never a link or a device)")
    note = sub.add_parser("note", parents=common,
                          help="keep a moment with a client (something they said or did, a referral) for the next reflection")
    note.add_argument("client", metavar="CLIENT", help="the client (a unique start of the name is enough)")
    note.add_argument("text", metavar="TEXT", nargs="+", help="what happened, in a sentence (quotes optional)")
    note.add_argument("--kind", "-k", choices=tuple(NOTE_KINDS), default="other",
                      help="what kind of moment: " + ", ".join(f"{k} ({v})" for k, v in NOTE_KINDS.items()))
    note.add_argument("--on", metavar="DATE", help='when it happened, e.g. yesterday or 2026-11-30 (default: today)')
    insights = sub.add_parser("insights", parents=common,
                              help="your view beside your clients' own answers, and how each partnership moves")
    insights.add_argument("--client", metavar="NAME", help="only this client (a unique start of the name is enough)")
    sub.add_parser("demo", parents=common, help="fill an empty data folder with sample clients to explore")
    return parser


# -- shared steps -------------------------------------------------------------------


def _coach_cmd(args: argparse.Namespace) -> str:
    """How to call coach again on the same data, for hints."""
    return f"coach --data-dir {shlex.quote(args.data_dir)}" if args.data_dir else "coach"


def _warn_store(ui: Out, store: Store, *, damaged: bool = True) -> None:
    for message in store.warnings:
        ui.warn(message)
    for damaged in store.damaged_clients() if damaged else ():
        mend = (f"to bring back its copy kept in {damaged.backup}: {damaged.mend}" if damaged.mend
                else "no automatic backup holds a readable copy of it")
        ui.warn(f"{damaged.name}'s history ({damaged.path}) cannot be read: {damaged.problem}; the rest works, and {mend}")


def _open_existing(args: argparse.Namespace, ui: Out, *, warn_damaged: bool = True) -> Store | None:
    """A read-only store (works while another coach is open), or None if there is no data folder."""
    if not os.path.lexists(args.data_path):
        return None
    store = Store.open(args.data_path, read_only=True)
    _warn_store(ui, store, damaged=warn_damaged)
    return store


def _no_data(args: argparse.Namespace) -> str:
    cmd = _coach_cmd(args)
    return f"No clients yet in {args.data_path}. Run `{cmd}` to add your first, or `{cmd} demo` to explore sample data."


def _counts(document: dict) -> str:
    clients = document.get("clients", [])
    return _clients_and_reflections(len(clients), sum(len(c.get("reflections", [])) for c in clients))


def _clients_and_reflections(clients: int, reflections: int) -> str:
    return f"{_plural(clients, 'client')} and {_plural(reflections, 'reflection')}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _short_day(text: str, today: date) -> str:
    day = iso_day(text)
    return short_date(day, today) if day else text


def _when(item: weekly.DueItem, today: date) -> tuple[str, str]:
    """Words (and a style that only repeats them) for how due a commitment is."""
    days = item.overdue_days
    if days > 0:
        return f"overdue {_plural(days, 'day')}", "bold red"
    if days == 0:
        return "due today", "bold"
    return f"due {_short_day(item.commitment.due, today)}", ""


# -- commands -----------------------------------------------------------------------


def _has_terminal() -> bool:
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def cmd_app(args: argparse.Namespace, ui: Out) -> int:
    if not _has_terminal():
        # without a terminal the app has no keys to read and would only burn CPU
        raise Problem("The full-screen app needs a terminal; in scripts use "
                      "`coach status`, `coach export` or `coach backup`.")
    store = Store.open(args.data_path)
    try:
        try:
            from coach.ui.run import run_app  # Textual loads only for the app itself
        except ImportError as exc:
            raise Problem(f"The full-screen app could not be loaded ({exc}); reinstall coach.") from exc
        return run_app(store, args.today_date)
    finally:
        store.close()


def _store_with_clients(args: argparse.Namespace, ui: Out) -> Store | None:
    """The store read-only, or None after saying how to start when it holds no client yet."""
    store = _open_existing(args, ui)
    if store is None or not store.has_data:
        if store is not None:
            store.close()
        ui.say(_no_data(args))
        return None
    return store


def cmd_status(args: argparse.Namespace, ui: Out) -> int:
    store = _store_with_clients(args, ui)
    if store is None:
        return EXIT_OK
    with store:
        clients = store.clients(include_archived=True)
        drafts = store.drafts()
    today = args.today_date
    _status_due(ui, clients, today, _coach_cmd(args))
    _status_suggestions(ui, clients, today)
    _status_ask(ui, clients, today, _coach_cmd(args))
    _status_rhythm(ui, clients, today)
    if drafts:
        names = {c.id: c.name for c in clients}
        who = ", ".join(names.get(d.client_id, "a client") for d in drafts[:3])
        ui.say(f"Unfinished: {_plural(len(drafts), 'reflection')} waiting ({visible(who)}).")
    return EXIT_OK


def _status_due(ui: Out, clients, today: date, cmd: str, shown: int = 4) -> None:
    due = weekly.due_commitments(clients, today)
    coming = weekly.upcoming_commitments(clients, today)
    if not due and not coming:
        ui.say("Nothing due this week.")
        return
    overdue = sum(1 for i in due if i.overdue_days > 0)
    head = f"Due: {_plural(len(due), 'commitment')}" + (f" ({overdue} overdue)" if overdue else "")
    ui.say(head + (f"; {len(coming)} more in the next 7 days." if coming else "."))
    for item in (due + coming)[:shown]:
        words, style = _when(item, today)
        ui.say("  ", (f"{words:<16}", style), literal(item.client.name, "bold"), ": ",
               literal(shorten(item.commitment.action, 60)))
    if len(due) + len(coming) > shown:
        ui.say(f"  … and {len(due) + len(coming) - shown} more: {cmd} review --list")


def _status_suggestions(ui: Out, clients, today: date, shown: int = 3) -> None:
    found = weekly.suggestions(clients, today)
    if not found:
        return
    ui.say("Worth a reflection:")
    for s in found[:shown]:
        ui.say("  ", literal(s.client.name, "bold"), ": ", "; ".join(s.reasons[:2]) + ".")


def _status_ask(ui: Out, clients, today: date, cmd: str) -> None:
    from coach.settings import current
    from coach.voice import ask_reason

    every = current().ask_every_days
    due = [(c, why) for c in clients if not c.archived and (why := ask_reason(c.summary, today, every))]
    if not due:
        return
    # the longest unasked first: never asked, then the oldest answer
    due.sort(key=lambda pair: (pair[0].summary.last_asked_on, pair[0].name.casefold()))
    first, why = due[0]
    who = (f"{visible(first.name)} ({why})" if len(due) == 1
           else f"{_plural(len(due), 'client')}; the longest: {visible(first.name)}, {why}")
    ui.say(f"Time to ask for their own view: {who}. ", literal(f"{cmd} ask NAME"), " writes a check-in to send.")


def _status_rhythm(ui: Out, clients, today: date) -> None:
    r = weekly.rhythm(clients, today)
    if not r.last_reflection_on:
        ui.say("No reflections yet: pick one client and start with `coach`.")
        return
    ago = (today - date.fromisoformat(r.last_reflection_on)).days
    last = f"the last on {_short_day(r.last_reflection_on, today)} ({'today' if ago == 0 else _plural(ago, 'day') + ' ago'})"
    if r.weeks_in_a_row:
        ui.say(f"Rhythm: {_plural(r.weeks_in_a_row, 'week')} in a row with a reflection; {last}.")
    else:
        ui.say(f"Rhythm: no reflection last week or this; {last}. A good week to pick it up again.")


COMMITMENT_ROOM = 24  # the fewest columns `coach review --list` gives a commitment before it narrows the rest


def cmd_review(args: argparse.Namespace, ui: Out) -> int:
    store = _store_with_clients(args, ui)
    if store is None:
        return EXIT_OK
    with store:
        pairs = weekly.open_commitments(store.clients())
    if not pairs:
        ui.say("No open commitments. The next reflection ends with one.")
        return EXIT_OK
    from coach.method import load_method

    method, today = load_method(), args.today_date
    rows = []
    for client, c in pairs:
        words, style = _review_mark(client, c, today)
        due = Text(_short_day(c.due, today) if c.due else "no date")
        if words:
            due.append("\n" + words, style=style)
        rows.append((literal(client.name), literal(c.action), Text(method.aim_name(c.aim) if c.aim else ""),
                     Text(_short_day(c.made_on, today)), due))
    client_w, aim_w = _review_widths(rows, ui.out.width)
    table = Table(title="Open commitments", title_justify="left", expand=True, box=box.SIMPLE_HEAD)
    # the commitment gets the room; dates never wrap, so 80 columns stay
    # readable; a name or an aim wraps between words, never inside one
    # ("Lindqvis/t", "committe/d"), unless one word is wider than the column
    table.add_column("Client", overflow="fold", width=client_w)
    table.add_column("Commitment", ratio=1, overflow="fold")
    table.add_column("Aimed at", overflow="fold", width=aim_w)
    table.add_column("Made", no_wrap=True)
    table.add_column("Due", no_wrap=True)
    for row in rows:
        table.add_row(*row)
    ui.out.print(table)
    return EXIT_OK


def _review_widths(rows: list[tuple[Text, ...]], width: int) -> tuple[int, int]:
    """Widths for the client and aim columns of `coach review --list`.

    Each starts as wide as its longest line and gives way, while the
    commitment has too little room: first to a short line (16 and 12
    columns), then to its widest word, so no word is split; only a very
    narrow terminal splits words.
    """

    def widest(cells: list[Text]) -> int:
        return max((cell_len(line) for cell in cells for line in cell.plain.splitlines()), default=0)

    def widest_word(cells: list[Text]) -> int:
        return max((cell_len(word) for cell in cells for word in cell.plain.split()), default=1)

    names, aims = [row[0] for row in rows], [row[2] for row in rows]
    headers = (len("Client"), len("Aimed at"))
    lows = (max(min(widest_word(names), 20), headers[0]), max(min(widest_word(aims), 16), headers[1]))
    widths = [max(widest(names), headers[0]), max(widest(aims), headers[1])]
    dates = max(widest([row[3] for row in rows]), 4) + max(widest([row[4] for row in rows]), 3)
    # (the least the commitment should get, the narrowest each column may go to get it)
    for room, floors in ((40, (16, 12)), (24, lows), (12, headers)):
        floors = tuple(min(w, max(f, low)) for w, f, low in zip(widths, floors, headers))
        while True:
            spare = width - dates - sum(widths) - 16  # padding, edges and rules: 2 a column, 1 each side, 1 between
            excess = [w - f for w, f in zip(widths, floors)]
            if spare >= room or max(excess) <= 0:
                break
            widths[excess.index(max(excess))] -= 1
    client_w, aim_w = widths
    return client_w, aim_w


def _review_mark(client, commitment, today: date) -> tuple[str, str]:
    try:
        late = (today - date.fromisoformat(commitment.due)).days
    except ValueError:
        return "", ""
    return _when(weekly.DueItem(client, commitment, late), today) if late >= 0 else ("", "")


def _reading(args: argparse.Namespace, ui: Out, nothing: str) -> Store:
    """The store read-only, without the writer's lock; `nothing` says why there is nothing to read."""
    store = _open_existing(args, ui, warn_damaged=False)
    if store is None:
        raise Problem(f"{nothing}: {_no_data(args)}")
    if not store.has_data:
        store.close()
        raise Problem(f"{nothing}: {_no_data(args)}")
    return store


class _Tally:
    """What went into an export written in pieces, for the line that reports it."""

    def __init__(self) -> None:
        self.clients = 0
        self.reflections = 0

    def count(self, clients):
        for client in clients:
            self.clients += 1
            self.reflections += len(client.get("reflections", []))
            yield client

    def __str__(self) -> str:
        return _clients_and_reflections(self.clients, self.reflections)


def _selection(store: Store, client: str | None = None, since: date | None = None):
    """What an export holds, as (head, clients, tail), the clients read one at
    a time and, with --client, only the chosen one's file."""
    from coach import export

    named = [c.to_dict_without_summary() for c in store.clients(include_archived=True)]
    clients, tail = export.selection(named, store.export_clients, store.export_drafts(), client, since)
    return store.export_head(), clients, tail


def _write_json(args: argparse.Namespace, ui: Out, nothing: str, write, *, client=None, since=None):
    """Hand `write` the export as JSON pieces while the store is open: (the
    tally of what went in, what `write` returned)."""
    from coach import export

    tally = _Tally()
    with _reading(args, ui, nothing) as store:
        head, clients, tail = _selection(store, client, since)
        return tally, write(export.json_pieces(head, tally.count(clients), tail))


@contextmanager
def _hang_up_as_ctrl_c():
    """While a command runs, a hang-up or kill (a dropped SSH link during a
    backup) ends it as ctrl+c does, so what it cleans up on the way out (the
    temporary file of an export, a whole copy of the notes) is removed. The
    handlers are put back afterwards; the app installs its own."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers
        return
    signals = (signal.SIGHUP, signal.SIGTERM)
    before = {sig: signal.getsignal(sig) for sig in signals}

    def stop(signum, _frame):
        # once: a second signal must not cut short the cleanup the first started
        for other in signals:
            signal.signal(other, signal.SIG_IGN)
        raise KeyboardInterrupt

    for sig in signals:
        signal.signal(sig, stop)
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


def cmd_export(args: argparse.Namespace, ui: Out) -> int:
    from coach import export

    since = parse_date(args.since, args.today_date, past=True) if args.since else None
    to_file = args.output != "-" and args.output is not None
    if args.format == "json":
        if to_file:
            tally, path = _write_json(args, ui, "There is nothing to export", lambda pieces: write_private_file(
                _output_path(args), pieces, replace=args.force, data_dir=args.data_path), client=args.client, since=since)
            ui.say(f"Wrote {tally} as {FORMAT_NAMES[args.format]} to ", literal(str(path)), ".")
        else:
            # whole before the first byte goes out: a damaged client stops the
            # export with nothing written, as it does for a file
            _write_json(args, ui, "There is nothing to export", lambda pieces: _write_stdout_bytes(b"".join(pieces)),
                        client=args.client, since=since)
        return EXIT_OK
    with _reading(args, ui, "There is nothing to export") as store:
        head, clients, tail = _selection(store, args.client, since)
        document = {**head, "clients": list(clients), **tail}
    if args.format == "markdown":
        from coach.method import load_method

        text = export.to_markdown(document, load_method())
    else:
        text = export.to_csv(document)
    if to_file:
        path = write_private_file(_output_path(args), _utf8(text), replace=args.force, data_dir=args.data_path)
        ui.say(f"Wrote {_counts(document)} as {FORMAT_NAMES[args.format]} to ",
               literal(str(path)), ".")
    else:
        _write_stdout(text)
    return EXIT_OK


def _write_stdout(text: str) -> None:
    """Exactly the text, as UTF-8, whatever the terminal's locale claims."""
    _write_stdout_bytes(_utf8(text))


def _write_stdout_bytes(payload: bytes) -> None:
    if sys.stdout is None:  # started with standard output closed (`>&-`)
        raise Problem("Standard output is closed, so there is nowhere to write; give a file with -o FILE.")
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(payload.decode("utf-8"))
        return
    try:
        sys.stdout.flush()
        buffer.flush()
        fd = buffer.fileno()
    except (AttributeError, OSError, ValueError):  # a stream without a file of its own
        buffer.write(payload)
        buffer.flush()
        return
    try:
        # every byte, or an error: a full disk took part of a backup and said nothing
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
    except BrokenPipeError:
        raise  # the reader has gone (`| head`): main says nothing
    except OSError as exc:
        why = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or "it refused")
        raise Problem(f"Could not write all of it to standard output ({why}), so what went there is "
                      "incomplete; write to a file with -o FILE instead.") from exc


def _utf8(text: str) -> bytes:
    # a lone surrogate has no UTF-8 form: write it as \udXXX rather than fail the export
    return text.encode("utf-8", errors="backslashreplace")


def cmd_backup(args: argparse.Namespace, ui: Out) -> int:
    nothing = "There is nothing to back up"
    if args.output == "-":
        _write_json(args, ui, nothing, lambda pieces: _write_stdout_bytes(b"".join(pieces)))
        return EXIT_OK
    if args.output is not None:
        target = _output_path(args)
        tally, path = _write_json(args, ui, nothing, lambda pieces: write_private_file(
            target, pieces, replace=args.force, data_dir=args.data_path))
    else:
        tally, path = _write_json(args, ui, nothing, lambda pieces: _write_default_backup(pieces, args.data_path))
    ui.say(f"Saved {tally} to ", literal(str(path)), ".")
    ui.say("To bring it back later: ", literal(f"{_coach_cmd(args)} restore {shlex.quote(str(path))}"))
    return EXIT_OK


def _output_path(args: argparse.Namespace) -> Path:
    """The file named by -o, as typed: never an empty name, never a folder."""
    typed = args.output
    if not typed.strip():
        raise Problem("-o needs the name of a file to write (or - for standard output).")
    if typed.endswith(("/", os.sep)):  # Path() would drop the slash; an existing folder write_private_file refuses
        raise Problem(f"{typed} names a folder; give the name of a file in it, e.g. {os.path.join(typed, 'coach-backup.json')}.")
    return Path(typed).expanduser()


def _write_default_backup(payload, data_dir: Path) -> Path:
    """./coach-backup-<stamp>.json, a new file: never one that is there already."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    names = [Path(f"coach-backup-{stamp}.json" if n == 1 else f"coach-backup-{stamp}-{n}.json").resolve()
             for n in range(1, 1000)]
    free = [p for p in names if not os.path.lexists(p)]
    if not free:
        raise Problem("Could not find a free name for the backup in this folder; give one with -o FILE.")
    # a name taken while the backup is written (another backup in the same
    # second) passes to the next: the same file is linked there, not written again
    return write_private_file(free[0], payload, data_dir=data_dir, other_names=free[1:])


def cmd_restore(args: argparse.Namespace, ui: Out) -> int:
    from coach.restore import RestoreError

    source = Path(args.file).expanduser()
    if args.only is not None:
        return _restore_one(args, ui, source)
    document, replaced = valid_unicode_tree(_read_restore_source(source))
    try:
        validate_export(document)
    except ValueError as exc:
        raise Problem(f"{source}: {_sentence(exc)} Nothing was changed.") from None
    had_data = (args.data_path / "coach.json").exists()
    try:
        result = restore_into(args.data_path, document)
    except ValueError as exc:
        raise Problem(f"{source}: {_sentence(exc)} Nothing was changed.") from None
    except RestoreError as exc:
        raise Problem(str(exc)) from None
    ui.say(f"Restored {_counts(document)} from ", literal(str(source)), ".")
    if replaced:
        ui.say(f"{replaced} text(s) in it held a lone surrogate, which is not a character;"
               " coach keeps each as \N{REPLACEMENT CHARACTER} (U+FFFD).")
    if had_data and result.kept:
        ui.say("Your previous data is kept in ", literal(str(result.kept)), ".")
    if result.set_aside:
        ui.say("Files that could not be read were kept as they were in ", literal(str(result.set_aside)), ".")
    return EXIT_OK


def _restore_one(args: argparse.Namespace, ui: Out, source: Path) -> int:
    """Bring back one file from a backup folder; every other file keeps its newest work."""
    from coach.restore import RestoreError

    if not source.is_dir():
        raise Problem(f"--only takes a backup folder (such as {args.data_path / 'backups'}/<date-time>), not the file {source}.")
    rel = _relative_data_path(args.only, source, args.data_path)
    try:
        result = restore_into(args.data_path, source=source, only=rel)
    except ValueError as exc:
        raise Problem(f"{_sentence(exc)} Nothing was changed.") from None
    except RestoreError as exc:
        raise Problem(str(exc)) from None
    ui.say("Brought back ", literal(rel), " from ", literal(str(source)), "; every other file was left as it was.")
    if result.recovered:
        ui.warn(f"That copy did not list {_plural(len(result.recovered), 'client')} whose reflections are here "
                "(added after it was taken); they are back as “Recovered client …”: give them their names "
                "again in the app (c, then e).")
    if result.kept:
        ui.say("Your data as it was just before is kept in ", literal(str(result.kept)), ".")
    if result.set_aside:
        ui.say("The file it replaced is kept as it was in ", literal(str(result.set_aside)), ".")
    try:  # summaries of what came back are brought up to date now, not at the next start
        with Store.open(args.data_path, backed_up=bool(result.kept)) as store:
            _warn_store(ui, store)
    except (DataFileError, SaveError, UnsafePathError) as exc:
        ui.warn(str(exc))
    return EXIT_OK


def _relative_data_path(given: str, *folders: Path) -> str:
    """--only as a path inside the data folder: "clients/<id>.json", however it was typed."""
    path = Path(given.strip())
    if path.is_absolute():
        for folder in folders:
            try:
                return path.relative_to(folder.resolve() if not folder.is_absolute() else folder).as_posix()
            except ValueError:
                continue
    return path.as_posix()


def _sentence(exc: Exception) -> str:
    text = str(exc).strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _read_restore_source(source: Path) -> dict:
    from coach.restore import read_folder_document

    if source.is_dir():
        try:
            return read_folder_document(source)
        except DataFileError as exc:
            if exc.problem.startswith("is missing"):
                raise Problem(f"That backup cannot be restored: {exc.path} {exc.problem}. {exc.hint} Nothing was changed.") from None
            raise Problem(f"That backup is damaged too: {exc.path} {exc.problem}. Try an older one; nothing was changed.") from None
        except ValueError as exc:
            raise Problem(_sentence(exc)) from None
    try:
        raw = read_file_bytes(source, follow=True)
    except DataFileError as exc:
        raise Problem(f"Could not read {source}: it {exc.problem}.") from None
    if raw is None:
        raise Problem(f"There is no file {source}.")
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        raise Problem(f"{source} is not a coach backup or export (it is not JSON text).") from None


def cmd_demo(args: argparse.Namespace, ui: Out) -> int:
    from coach.demo import fill_demo

    with Store.open(args.data_path) as store:
        _warn_store(ui, store)
        if store.read_only:
            raise Problem(f"{store.read_only_reason()} No sample data was added.")
        if store.has_data:
            raise Problem(f"{args.data_path} already holds clients, so no sample data was added; "
                          "try `coach --data-dir /tmp/coach-demo demo`.")
        try:
            made = fill_demo(store, args.today_date)
        except SaveError as exc:
            why = str(exc).replace(" Nothing on disk was changed.", "").replace("Could not save: ", "").rstrip(".")
            raise Problem(f"Only part of the sample data could be added to {args.data_path}: {why}.") from None
    ui.say("Made a sample portfolio in ", literal(str(args.data_path)), f": {_plural(made.clients, 'client')} "
           f"({made.archived} archived), {_plural(made.reflections, 'reflection')}, {made.open_commitments} open commitments.")
    ui.say("Clients: ", literal(", ".join(made.names)), ".")
    ui.say("Open it with: ", literal(_coach_cmd(args)), "    or see the week: ", literal(f"{_coach_cmd(args)} status"))
    return EXIT_OK


def _client_named(store: Store, name: str):
    from coach import export

    clients = store.clients(include_archived=True)
    chosen = export.match_client([c.to_dict_without_summary() for c in clients], name)
    return next(c for c in clients if c.id == chosen.get("id"))


def cmd_ask(args: argparse.Namespace, ui: Out) -> int:
    from coach.method import load_method
    from coach.voice import check_in_text

    with _reading(args, ui, "There is no client to ask") as store:
        client = _client_named(store, args.client)
    text = check_in_text(client.name, load_method())
    if args.output is None or args.output == "-":
        _write_stdout(text)
        return EXIT_OK
    path = write_private_file(_output_path(args), _utf8(text), replace=args.force, data_dir=args.data_path)
    ui.say(f"Wrote a check-in for {visible(client.name)} to ", literal(str(path)), ".")
    ui.say("When they answer, record it on a reflection: in the app, press ctrl+t on a belief, "
           "or open their history and press t.")
    return EXIT_OK


def cmd_note(args: argparse.Namespace, ui: Out) -> int:
    from coach.models import Note
    from coach.schema import TEXT_MAX
    from coach.store import post_note

    text = valid_unicode_tree(" ".join(args.text).strip())[0]
    if not text:
        raise Problem('Give the note after the client\'s name, e.g. coach note Dev "asked how we price retainers".')
    if len(text) > TEXT_MAX:
        raise Problem(f"That note is {len(text):,} characters long; coach keeps at most {TEXT_MAX:,}. Nothing was saved.")
    try:
        on = parse_date(args.on, args.today_date, past=True) if args.on else args.today_date
    except DateError as exc:
        raise Problem(f"--on: {exc}") from None
    if on > args.today_date:
        raise Problem(f"--on: {short_date(on, args.today_date)} has not come yet; a note is of something that happened.")
    if not os.path.lexists(args.data_path):
        raise Problem(f"There is no client to note: {_no_data(args)}")
    with Store.open(args.data_path) as store:
        _warn_store(ui, store)
        if not store.has_data:
            raise Problem(f"There is no client to note: {_no_data(args)}")
        client = _client_named(store, args.client)
        when = short_date(on, args.today_date)
        if store.read_only and store.read_only_cause != "locked":
            raise Problem(f"{store.read_only_reason()} The note was not saved.")
        if store.read_only:
            # another coach is open: leave the note where it brings it in
            note = Note(client_id=client.id, on=on.isoformat(), kind=args.kind, text=text, created_at=now_stamp())
            post_note(args.data_path, note)
            ui.say(f"Noted for {visible(client.name)} ({NOTE_KINDS[args.kind]}, {when}). coach is open elsewhere; "
                   "the note joins their history there before the next reflection, or when coach next opens.")
            return EXIT_OK
        store.add_note(client.id, text, kind=args.kind, on=on)
    ui.say(f"Noted for {visible(client.name)} ({NOTE_KINDS[args.kind]}, {when}); "
           "the next reflection on them offers it as evidence.")
    return EXIT_OK


def cmd_insights(args: argparse.Namespace, ui: Out) -> int:
    from coach import insights_report
    from coach.method import load_method

    with _reading(args, ui, "There is nothing to look at yet") as store:
        # `is not None`: an empty --client "" is refused by name, not read as "every client"
        chosen = [_client_named(store, args.client)] if args.client is not None else store.clients(include_archived=True)
        report = insights_report.gather(store, chosen, args.today_date)
    for message in report.unread:
        ui.warn(message)
    for line in insights_report.lines(report, load_method(), args.today_date):
        if line.heading:
            ui.say("")
            ui.say((line.text, "bold"))
        else:
            ui.say(literal(line.text))
    return EXIT_OK


COMMANDS: dict[str | None, Callable[[argparse.Namespace, Out], int]] = {
    None: cmd_app,
    "status": cmd_status,
    "review": cmd_review,
    "export": cmd_export,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "demo": cmd_demo,
    "ask": cmd_ask,
    "insights": cmd_insights,
    "note": cmd_note,
}


# -- the edge -------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    ui = Out()
    try:
        args.data_path = resolve_data_dir(args.data_dir)
        args.today_date = args.today or date.today()
        if args.command is None:
            return cmd_app(args, ui)
        with _hang_up_as_ctrl_c():
            return COMMANDS[args.command](args, ui)
    except (DataFileError, UnsafePathError) as exc:
        ui.error(str(exc))
    except (Problem, SaveError) as exc:
        ui.error(str(exc))
    except DateError as exc:
        ui.error(f"--since: {exc}")
    except ValueError as exc:
        ui.error(str(exc))
    except BrokenPipeError:
        _quiet_stdout()  # `coach export | head` closed the pipe: not an error worth a word
    except OSError as exc:  # none should get here; if one does, it is still one sentence
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        ui.error(f"coach could not go on: {exc.strerror or exc}{where}.")
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: still one sentence, never a traceback (COACH_DEBUG=1 shows it)
        if os.environ.get("COACH_DEBUG"):
            raise
        ui.error(f"coach stopped on an error it did not expect ({type(exc).__name__}: {exc}); "
                 "please report it. Run with COACH_DEBUG=1 to see where it happened.")
    return EXIT_ERROR


def _quiet_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass

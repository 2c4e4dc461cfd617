"""The store: clients, reflections, commitments and drafts, over TinyDB files.

Layout of a data directory (all 0600 inside a 0700 directory; see coach.layout):

    coach.json            clients, each with a small summary; schema version
    drafts.json           unfinished reflections (small, saved often)
    clients/<id>.json     one client's reflections and commitments
    backups/<stamp>/      a copy taken before the first write of each run
    coach.lock            held by the one coach that may write

History is split per client so saving a step or a finished reflection never
rewrites years of other clients' notes. The summary in coach.json is derived
from the client's file and rewritten after each change to it, so home and
`coach status` read one small file. Each summary records the stamp (inode,
size, mtime) of the file it was built from; at open a summary whose stamp no
longer matches (coach was killed between the two writes, or the file was
restored) is rebuilt from the file, and only those files are read.

Every record is checked (coach.schema) when its file is read and before any
file is written. A damaged client file is that client's problem alone: the
store opens, other clients work, and `damaged_clients()` lists it with the
restore that mends it; reading its history raises DamagedHistoryError.
"""

from __future__ import annotations

import errno
import os
import stat
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from tinydb import TinyDB

from coach.decisions import rows_of_records, signals_now
from coach.insight import latest_day

# coach.restore and coach.backups are imported where they are used: `coach
# status` opens a store on every login and never needs them.
from coach.layout import (
    BACKUPS_DIR,
    CLIENTS_DIR,
    DRAFTS_FILE,
    INDEX_FILE,
    check_index_meta,
    data_files,
    history_rel,
    rel_kind,
    summary_promises_file,
)
from coach.lock import DataLock
from coach.models import (
    Client,
    ClientSummary,
    Commitment,
    Decision,
    Draft,
    Note,
    Reflection,
    as_written,
    from_checked,
    now_stamp,
)
from coach.partnership import RECENT, one_way, series_of_records, trend
from coach.safety import (
    UnsafePathError,
    check_data_dir,
    check_parents,
    check_private_dir,
    ensure_private_subdir,
    make_private_dirs,
    read_only_filesystem,
    writable_dir,
)
from coach.schema import (
    SCHEMA_VERSION,
    RecordProblem,
    check_draft,
    check_drafts_records,
    check_export,
    check_history_changes,
    check_history_records,
    check_index_records,
    check_note,
    draft_problems,
    summary_fits,
)
from coach.storage import (
    AtomicJSONStorage,
    DataFileError,
    ReadOnlyError,
    RecordError,
    SaveError,
    atomic_write_bytes,
    describe_os_error,
    dump_json,
    file_stamp,
    parse_json_bytes,
    read_file_bytes,
    write_private_file,
)
from coach.textsafe import valid_unicode
from coach.voice import check_ins_of
from coach.works import works_of

if TYPE_CHECKING:
    from coach.restore import RestoreResult

__all__ = [
    "Store", "DataFileError", "DamagedHistoryError", "DamagedClient", "SaveError", "ReadOnlyError",
    "RecordError", "UnsafePathError", "SCHEMA_VERSION", "restore_into",
]

#: Why a store is read-only (Store.read_only_cause).
ASKED, LOCKED, NO_PERMISSION, READ_ONLY_FS = "asked", "locked", "permission", "filesystem"


class DamagedHistoryError(DataFileError, SaveError):
    """One client's file cannot be read (it does not parse, a record does not fit,
    or it is missing). Nothing was changed; the rest of the store works.

    `client_id`, `name`, `rel` (clients/<id>.json), and `backup`: the newest
    backup folder with a good copy, or None; `mend` is the command that
    brings that copy back ("" when there is none). A SaveError too, so a
    write to that client fails like any other save that could not happen.
    """

    def __init__(self, cause: DataFileError, *, client_id: str, name: str, backup: Path | None, mend: str) -> None:
        self.client_id, self.name, self.backup, self.mend = client_id, name, backup, mend
        self.rel = history_rel(client_id)
        self.cause = cause
        who = f"{name}'s history" if name else "this client's history"
        if mend:
            hint = (f"Nothing was changed, and the rest of your data works; to bring back {who} "
                    f"as kept in {backup}: {mend}")
        else:
            hint = (f"Nothing was changed, and the rest of your data works; no automatic backup holds a "
                    f"readable copy of {who}, so restore a file from `coach backup` or repair it by hand")
        super().__init__(cause.path, cause.problem, hint)


@dataclass
class DamagedClient:
    """A client whose file cannot be read, for the app to show as damaged."""

    client_id: str
    name: str
    path: Path
    problem: str  # what is wrong, in words (names the record and field)
    backup: Path | None  # newest backup folder holding a good copy of the file, if any
    mend: str  # the command that brings that copy back, "" if there is none
    rel: str  # the file, relative to the data folder (clients/<id>.json)


class Store:
    """All reading and writing of a user's data. Build it with `Store.open`."""

    def __init__(self, data_dir: Path, *, read_only: bool, locked_by: str = "", read_only_cause: str = "") -> None:
        self.data_dir = Path(data_dir)
        self.read_only = read_only
        #: why, when read_only: "asked", "locked", "permission" or "filesystem"
        self.read_only_cause = read_only_cause or (ASKED if read_only else "")
        self.locked_by = locked_by  # who holds the lock when we are read-only because of it
        self.warnings: list[str] = []
        self._lock: DataLock | None = None
        self._backed_up = False
        self._reset_state()

    def _reset_state(self) -> None:
        self._histories: dict[str, TinyDB] = {}
        self._damaged: dict[str, DataFileError] = {}
        self._damaged_stamp: dict[str, list[int] | None] = {}
        self._summaries: dict[str, dict[str, Any]] = {}  # worked out in memory (read-only, or not yet written)
        self._drafts_unreadable = False
        self._drafts_blocked = ""  # why drafts may not be written now, if they may not
        self._index = self._tinydb(self.data_dir / INDEX_FILE, check=check_index_records)
        self._drafts = self._tinydb(self.data_dir / DRAFTS_FILE, check=check_drafts_records, check_on_read=False)

    # -- opening and closing -------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path, *, read_only: bool = False, backed_up: bool = False) -> "Store":
        """Open a data directory, taking the writer's lock unless asked not to.

        Refuses (UnsafePathError, one sentence with the fix) a folder that
        fails the ownership and permission checks, and (DataFileError) a
        damaged or missing coach.json, before anything can be written.

        Opens read-only, with `read_only_cause` and `read_only_reason()` saying
        why, when asked to; when another coach holds the lock ("locked",
        `locked_by` names it); when this user may not write in the folder
        ("permission"); or on a read-only filesystem ("filesystem").

        `backed_up` is for a caller that has just taken a backup (a restore):
        this run's first write then takes no second one.
        """
        data_dir = _prepare_dir(data_dir, create=not read_only)
        stats = _data_file_stats(data_dir)
        check_data_files(data_dir, stats)
        warnings = permission_warnings(data_dir, stats)
        cause, lock, locked_by = (ASKED if read_only else ""), None, ""
        if not read_only:
            cause, lock, locked_by = _take_lock(data_dir)
        store = cls(data_dir, read_only=bool(cause), locked_by=locked_by, read_only_cause=cause)
        store._lock = lock
        store.warnings = warnings
        store._backed_up = backed_up
        try:
            store._open_files()
        except BaseException:
            store.close()
            raise
        return store

    def _open_files(self) -> None:
        d = self.data_dir
        if _has_staging(d):
            from coach import restore as restore_module

            if not self.read_only:
                restore_module.recover(d)
            elif restore_module.interrupted(d):
                self._recover_as_reader()
        clients_dir = d / CLIENTS_DIR
        if os.path.lexists(clients_dir):
            check_private_dir(clients_dir, "The clients folder")
        index = d / INDEX_FILE
        if not os.path.lexists(index):
            histories = [rel for rel in data_files(d) if rel.startswith(f"{CLIENTS_DIR}/")]
            if histories:
                raise DataFileError(
                    index, f"is missing, though {CLIENTS_DIR}/ holds {len(histories)} client file(s), so coach "
                    "will not start afresh over them", self._mend_hint(INDEX_FILE),
                )
            if not self.read_only:
                # a new data directory starts with its schema version, before any record
                atomic_write_bytes(index, dump_json(_empty_index()))
        self._check_index()
        self._open_drafts()
        self._check_summaries()
        self._note_orphans()
        if not self.read_only:
            self._mend_interrupted_writes()
            self.take_inbox()

    def _recover_as_reader(self) -> None:
        """A killed restore left a journal: undo it if nobody holds the lock, else wait for it."""
        lock = DataLock(self.data_dir)
        try:
            got = writable_dir(self.data_dir) and lock.acquire()
        except (OSError, UnsafePathError):
            got = False
        if not got:
            raise DataFileError(
                self.data_dir, "is in the middle of a restore",
                "Nothing was changed. Wait for it to finish, then run coach again.",
            )
        try:
            from coach.restore import recover

            recover(self.data_dir)
        finally:
            lock.release()

    def _mend_interrupted_writes(self) -> None:
        """Tidy what a coach killed mid-save can leave; only the lock holder does this."""
        if os.path.lexists(self.data_dir / BACKUPS_DIR):
            from coach.backups import remove_partials

            remove_partials(self.data_dir)
        for folder in (self.data_dir, self.data_dir / CLIENTS_DIR):
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            for name in names:
                if not (name.startswith(".") and name.endswith(".tmp")):
                    continue
                try:
                    if stat.S_ISREG(os.lstat(folder / name).st_mode):
                        os.unlink(folder / name)  # a write that never reached its rename: the real file is intact
                except OSError:
                    pass
        for draft in self.drafts():
            # killed between saving a finished reflection and dropping its draft:
            # the history has it, so finish the bookkeeping rather than offer it again
            if self.client(draft.client_id) is None:
                continue
            try:
                if self.reflection(draft.client_id, draft.reflection.id) is not None:
                    self._refresh_summary(draft.client_id)
                    self.discard_draft(draft.id)
            except (DataFileError, SaveError):
                continue  # a damaged history is reported through damaged_clients()

    def close_files(self) -> None:
        for db in (self._index, self._drafts, *self._histories.values()):
            db.close()
        self._histories.clear()

    def close(self) -> None:
        self.close_files()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _tinydb(self, path: Path, *, check=None, check_on_read: bool = True, known_digest=None) -> TinyDB:
        return TinyDB(
            storage=AtomicJSONStorage,
            path=path,
            read_only=self.read_only,
            before_write=self._before_first_write,
            check=check,
            check_on_read=check_on_read,
            read_only_reason=self.read_only_reason,
            known_digest=known_digest,
        )

    def _mend_hint(self, rel: str) -> str:
        from coach.backups import good_copy
        from coach.restore import mend_command

        backup = good_copy(self.data_dir, rel)
        if backup is None:
            return ("Nothing was changed. No automatic backup holds a readable copy of it; "
                    "restore a file from `coach backup` with `coach restore FILE`, or repair it by hand.")
        return (f"Nothing was changed. To bring back its last good copy, kept in {backup}: "
                f"{mend_command(self.data_dir, backup, rel)}")

    def _check_index(self) -> None:
        path = self.data_dir / INDEX_FILE
        try:
            data = self._index.storage.read()
            if data is not None:
                check_index_meta(path, data)
        except DataFileError as exc:
            if "newer coach" in exc.problem:
                raise
            raise DataFileError(exc.path, exc.problem, self._mend_hint(INDEX_FILE)) from exc

    # -- read-only, and taking over -------------------------------------------

    def read_only_reason(self) -> str:
        if self.read_only_cause == LOCKED:
            return f"Read-only: {self.locked_by or 'another coach'} is open on this data. Close it to make changes here."
        if self.read_only_cause == NO_PERMISSION:
            try:
                mode = f" (its mode is {stat.S_IMODE(os.stat(self.data_dir).st_mode):o})"
            except OSError:
                mode = ""
            return (f"Read-only: coach may not write in {self.data_dir}{mode}; "
                    f"to make changes here, run: chmod 700 {_q(self.data_dir)}")
        if self.read_only_cause == READ_ONLY_FS:
            return f"Read-only: {self.data_dir} is on a read-only filesystem, so nothing can be changed here."
        return "Read-only: this coach was opened without permission to write."

    def holder_gone(self) -> bool:
        """For a store read-only because another coach held the lock: has it let go?"""
        return self.read_only and self.read_only_cause == LOCKED and DataLock(self.data_dir).is_free()

    def try_take_over(self) -> bool:
        """Become the writer if the lock's holder has gone. True if this store may now write.

        Re-tries the lock once, without waiting; on success the files are
        reopened for writing (with the checks of Store.open). On failure the
        store stays read-only and `read_only_reason()` is up to date. A store
        opened read-only on purpose never takes over.
        """
        if not self.read_only:
            return True
        if self.read_only_cause == ASKED:
            return False
        cause, lock, locked_by = _take_lock(self.data_dir)
        if cause:
            self.read_only_cause, self.locked_by = cause, locked_by
            return False
        self.close_files()
        self.read_only, self.read_only_cause, self.locked_by = False, "", ""
        self._lock, self._backed_up = lock, False
        self._reset_state()
        try:
            self._open_files()
        except BaseException:
            self.close()
            self.read_only, self.read_only_cause = True, LOCKED
            self._reset_state()
            raise
        return True

    def _before_first_write(self) -> None:
        if self.read_only:
            raise ReadOnlyError(self.read_only_reason())
        if self._backed_up:
            return
        try:
            self.backup()
        except OSError as exc:
            # no write without its backup; say why in words, like any other failed save
            raise SaveError(
                f"Could not save: {describe_os_error(exc, self.data_dir / BACKUPS_DIR / 'x')}. Nothing on disk was changed."
            ) from exc
        self._backed_up = True

    @property
    def has_data(self) -> bool:
        return (self.data_dir / INDEX_FILE).exists() and bool(self._index.table("clients").all())

    # -- backups ---------------------------------------------------------------

    def data_files(self) -> list[Path]:
        return [self.data_dir / rel for rel in data_files(self.data_dir)]

    def backup(self) -> Path | None:
        """Copy the data files into backups/<stamp>/ and keep the newest few.

        Copies, never hard links, each file checked to parse and fit when
        taken; a file that does not is left out (and, while one is, no backup
        is pruned). Raises OSError when the copy cannot be made (disk full)
        and SaveError when backups/ fails the folder check.
        """
        from coach.backups import take_backup

        try:
            result = take_backup(self.data_dir, known_good=self._known_good_files())
        except UnsafePathError as exc:
            raise SaveError(f"Could not take a backup: {exc}") from exc
        except DataFileError as exc:
            raise SaveError(f"Could not take a backup: {exc.path} {exc.problem}.") from exc
        return result.folder

    def _known_good_files(self) -> dict[str, str]:
        """Client files with the sha256 of bytes that passed the record check
        (from their summaries), for a backup to copy without checking again."""
        good = {}
        try:
            docs = self._index.table("clients").all()
        except DataFileError:
            return {}
        for doc in docs:
            cid = doc.get("id")
            if cid in self._damaged or cid in self._summaries:
                continue
            digest = _checked_digest(doc.get("summary"))
            if digest:
                good[history_rel(cid)] = digest
        return good

    def backups(self) -> list[Path]:
        """Backup folders coach made, newest first."""
        from coach.backups import list_backups

        try:
            return list_backups(self.data_dir)
        except UnsafePathError:
            return []

    # -- damaged clients -----------------------------------------------------------

    def damaged_clients(self) -> list[DamagedClient]:
        """Clients whose file could not be read (found at open, or since), each with its mend.

        At open, only files whose stamp does not match their summary are read,
        so damage made inside a file without changing its size, time or inode
        (a bad sector) shows up when the file is first read.
        """
        found = []
        for client_id, exc in list(self._damaged.items()):
            err = self._damaged_error(client_id, exc)
            found.append(DamagedClient(client_id, err.name, err.path, err.problem, err.backup, err.mend, err.rel))
        return sorted(found, key=lambda d: d.name.casefold())

    def _damaged_error(self, client_id: str, exc: DataFileError) -> DamagedHistoryError:
        if isinstance(exc, DamagedHistoryError):
            return exc
        from coach.backups import good_copy
        from coach.restore import mend_command

        doc = self._client_doc(client_id)
        name = doc.get("name", "") if doc else ""
        rel = history_rel(client_id)
        backup = good_copy(self.data_dir, rel)
        mend = mend_command(self.data_dir, backup, rel) if backup else ""
        err = DamagedHistoryError(exc, client_id=client_id, name=name, backup=backup, mend=mend)
        self._damaged[client_id] = err
        return err

    def _mark_damaged(self, client_id: str, exc: DataFileError) -> None:
        self._damaged[client_id] = exc
        self._damaged_stamp[client_id] = file_stamp(self._history_path(client_id))

    @contextmanager
    def _history_errors(self, client_id: str) -> Iterator[None]:
        """A damaged client file raised as that client's DamagedHistoryError.

        A file found damaged stays refused, without being read again, until it
        changes (a restore brings it back): a missing history never reads as
        an empty one, and a huge file is not parsed at every look.
        """
        path = self._history_path(client_id)
        if client_id in self._damaged:
            if self._damaged_stamp.get(client_id) == file_stamp(path):
                raise self._damaged_error(client_id, self._damaged[client_id])
            self._damaged.pop(client_id, None)  # changed since: read it afresh
            self._damaged_stamp.pop(client_id, None)
        try:
            yield
        except DamagedHistoryError:
            raise
        except DataFileError as exc:
            if exc.path != path:
                raise
            self._mark_damaged(client_id, exc)
            raise self._damaged_error(client_id, exc) from exc

    # -- clients ---------------------------------------------------------------

    def _to_client(self, doc: dict[str, Any]) -> Client:
        # a summary worked out in memory stands in for the stored one before the
        # stored one is read at all: it may be of any shape (see _check_summaries)
        if doc.get("id") in self._summaries:
            doc = {**doc, "summary": self._summaries[doc["id"]]}
        return Client.from_dict(doc)

    def clients(self, *, include_archived: bool = False) -> list[Client]:
        found = [self._to_client(doc) for doc in self._index.table("clients").all()]
        if not include_archived:
            found = [c for c in found if not c.archived]
        return sorted(found, key=lambda c: c.name.casefold())

    def client(self, client_id: str) -> Client | None:
        doc = self._client_doc(client_id)
        return self._to_client(doc) if doc is not None else None

    def _client_doc(self, client_id: str) -> dict[str, Any] | None:
        for doc in self._index.table("clients").all():
            if doc.get("id") == client_id:
                return doc
        return None

    def add_client(self, name: str, organisation: str = "", *, on: date | None = None) -> Client:
        name = valid_unicode(name).strip()
        if not name:
            raise ValueError("A client needs a name.")
        client = Client(name=name, organisation=valid_unicode(organisation).strip(), created_on=(on or date.today()).isoformat())
        self._index.table("clients").insert(client.to_dict())
        return client

    def save_client(self, client: Client) -> None:
        """Save a client's own fields (name, notes, objectives...) keeping its summary."""
        if not client.name.strip():
            raise ValueError("A client needs a name.")
        table = self._index.table("clients")
        doc = self._client_doc(client.id)
        if doc is None:
            table.insert(client.to_dict())
            return
        data = client.to_dict()
        data["summary"] = doc.get("summary", {})
        table.update(data, doc_ids=[doc.doc_id])

    def set_archived(self, client_id: str, archived: bool) -> None:
        client = self._require_client(client_id)
        client.archived = archived
        self.save_client(client)

    def record_decision(self, client_id: str, decision: Decision, commitment: Commitment | None = None) -> None:
        """Log a decision on the client; "keep" may bring a commitment aimed at the
        partnership, "let_go" archives the client. The commitment goes first: a
        decision is never logged pointing at a commitment that was not saved."""
        self._require_client(client_id)  # a decision about nobody is refused before anything is written
        if commitment is not None and commitment.action.strip():
            commitment.client_id = client_id
            self.save_commitment(commitment)
            decision.commitment_id = commitment.id
        client = self._require_client(client_id)  # read after the commitment: its summary moved with it
        client.decisions.append(decision)
        if decision.choice == "let_go":
            client.archived = True
        self.save_client(client)

    def delete_client(self, client_id: str) -> int:
        """Delete a client with all its reflections and commitments; returns how many reflections went.

        A client whose file is damaged can be deleted too (the damaged file is
        kept in backups/damaged-<stamp>/ first).
        """
        doc = self._client_doc(client_id)
        if doc is None:
            return 0
        try:
            count, damaged = len(self.reflections(client_id)), False
        except DamagedHistoryError:
            count, damaged = 0, True
        self._before_first_write()  # the backup must hold the client's history before it goes
        if damaged and os.path.lexists(self._history_path(client_id)):
            from coach.backups import move_aside

            try:  # a file that does not read is not in the backup: keep it as it is
                move_aside(self.data_dir, [history_rel(client_id)])
            except (OSError, UnsafePathError) as exc:
                why = describe_os_error(exc, self._history_path(client_id)) if isinstance(exc, OSError) else exc
                raise SaveError(f"Could not keep the damaged file first: {why}. Nothing was deleted.") from exc
        self._drafts.table("drafts").remove(doc_ids=[d.doc_id for d in self._drafts.table("drafts").all() if d.get("client_id") == client_id])
        self._index.table("clients").remove(doc_ids=[doc.doc_id])
        db = self._histories.pop(client_id, None)
        if db is not None:
            db.close()
        path = self._history_path(client_id)
        if os.path.lexists(path):
            path.unlink()
        self._damaged.pop(client_id, None)
        self._damaged_stamp.pop(client_id, None)
        self._summaries.pop(client_id, None)
        return count

    def _require_client(self, client_id: str) -> Client:
        client = self.client(client_id)
        if client is None:
            raise KeyError(f"No client with id {client_id}")
        return client

    # -- history (per client file) --------------------------------------------

    def _history_path(self, client_id: str) -> Path:
        return self.data_dir / history_rel(client_id)

    def _history(self, client_id: str) -> TinyDB:
        db = self._histories.get(client_id)
        if db is None:
            path = self._history_path(client_id)
            if not self.read_only:
                try:
                    ensure_private_subdir(path.parent, "The clients folder")
                except OSError:
                    pass  # reading still works; a write will say why it cannot
            db = self._tinydb(path, check=lambda data, cid=client_id: check_history_records(data, cid),
                              known_digest=lambda cid=client_id: self._known_digest(cid))
            self._histories[client_id] = db
        return db

    def _known_digest(self, client_id: str) -> str:
        """The sha256 of the client file's bytes its summary was made from: bytes
        coach wrote itself (each record checked) or read with the whole-file
        check, so bytes that need no check again."""
        summary = self._summaries.get(client_id)
        if summary is None:
            summary = (self._client_doc(client_id) or {}).get("summary")
        return _checked_digest(summary)

    def _records(self, client_id: str, table: str) -> list[dict[str, Any]]:
        with self._history_errors(client_id):
            return self._history(client_id).table(table).all()

    def _stored(self, client_id: str, table: str) -> list[dict[str, Any]]:
        """A table's records as stored (checked on read), without TinyDB's copies."""
        with self._history_errors(client_id):
            return list((self._history(client_id).storage.read() or {}).get(table, {}).values())

    def _release_history(self, client_id: str) -> None:
        db = self._histories.pop(client_id, None)
        if db is not None:
            db.close()

    def reflections(self, client_id: str) -> list[Reflection]:
        """A client's reflections, oldest first. DamagedHistoryError if its file cannot be read."""
        return [from_checked(Reflection, d) for d in sorted(self._records(client_id, "reflections"), key=reflection_order)]

    def reflection(self, client_id: str, reflection_id: str) -> Reflection | None:
        for r in self.reflections(client_id):
            if r.id == reflection_id:
                return r
        return None

    def commitments(self, client_id: str) -> list[Commitment]:
        return [from_checked(Commitment, d) for d in sorted(self._records(client_id, "commitments"), key=commitment_order)]

    def all_commitments(self, *, open_only: bool = False) -> list[tuple[Client, Commitment]]:
        """Commitments across clients. Open ones come from the summaries: no history read."""
        found = []
        for client in self.clients(include_archived=True):
            if open_only:
                items = [Commitment.from_dict(c) for c in client.summary.open_commitments]
            else:
                items = self.commitments(client.id)
            found.extend((client, c) for c in items)
        return sorted(found, key=lambda pair: (pair[1].due or "9999", pair[0].name.casefold()))

    def _write_history(self, client_id: str, *records: tuple[str, dict[str, Any]]) -> None:
        """Put `records` ((table, record) pairs, matched to stored ones by id) into
        the client's file in one atomic write.

        Only the records written are checked: the rest passed the whole-file
        check when the file was read or last written, and a client with ten
        years of history should not pay for that again on every save.
        """
        with self._history_errors(client_id):
            _put_records(self._history(client_id), records,
                         check=lambda data: check_history_changes(data, records, client_id))

    def finish_reflection(self, reflection: Reflection, commitment: Commitment | None, draft_id: str = "") -> None:
        """Save a finished reflection and its commitment, then drop its draft.

        The reflection and its commitment go into the client's file in one
        write, so there is no moment when one is saved without the other; the
        summary follows, and the draft goes last, so a coach that dies in
        between still has the draft to finish again (which updates, by id).
        """
        client = self._require_client(reflection.client_id)
        reflection.created_at = reflection.created_at or now_stamp()
        records = []
        if commitment is not None and commitment.action.strip():
            commitment.client_id = client.id
            commitment.reflection_id = reflection.id
            commitment.made_on = commitment.made_on or reflection.date
            reflection.commitment_id = commitment.id
            records.append(("commitments", commitment.to_dict()))
        records.append(("reflections", reflection.to_dict()))
        self._write_history(client.id, *records)
        self._refresh_summary(client.id)
        if draft_id:
            self.discard_draft(draft_id)

    def update_reflection(self, reflection: Reflection) -> None:
        """Correct a saved reflection; its date stays what it was."""
        with self._history_errors(reflection.client_id):
            table = self._history(reflection.client_id).table("reflections")
            for doc in table.all():
                if doc.get("id") == reflection.id:
                    data = reflection.to_dict()
                    data["date"] = doc.get("date", reflection.date)
                    data["edited_at"] = now_stamp()
                    table.update(data, doc_ids=[doc.doc_id])
                    break
            else:
                raise KeyError(f"No reflection with id {reflection.id}")
        self._refresh_summary(reflection.client_id)

    def save_commitment(self, commitment: Commitment) -> None:
        self._write_history(commitment.client_id, ("commitments", commitment.to_dict()))
        self._refresh_summary(commitment.client_id)

    def record_outcome(
        self, commitment: Commitment, status: str, what_happened: str, learned: str, *, on: date
    ) -> None:
        commitment.status = status
        commitment.what_happened = what_happened
        commitment.learned = learned
        commitment.reviewed_on = on.isoformat()
        self.save_commitment(commitment)

    def reschedule(self, commitment: Commitment, new_due: date, *, on: date) -> None:
        commitment.reschedules.append({"from": commitment.due, "to": new_due.isoformat(), "on": on.isoformat()})
        commitment.due = new_due.isoformat()
        self.save_commitment(commitment)

    # -- notes between sessions -------------------------------------------------

    def notes(self, client_id: str) -> list[Note]:
        """A client's notes, oldest first. DamagedHistoryError if its file cannot be read."""
        return [Note.from_dict(d) for d in sorted(self._records(client_id, "moments"), key=note_order)]

    def add_note(self, client_id: str, text: str, *, kind: str = "other", on: date) -> Note:
        """Keep a dated moment with a client, for the next reflection on them."""
        note = Note(client_id=client_id, on=on.isoformat(), kind=kind, text=text, created_at=now_stamp())
        self.save_note(note)
        return note

    def save_note(self, note: Note) -> None:
        self._require_client(note.client_id)
        note.created_at = note.created_at or now_stamp()
        self._write_history(note.client_id, ("moments", note.to_dict()))
        self._refresh_summary(note.client_id)  # the file changed: its stamp in the summary follows

    def take_inbox(self) -> int:
        """Bring in the notes `coach note` left in inbox/ while another coach held
        the lock; returns how many. A file that is not a note coach wrote is
        left where it is, with a warning; one whose client is gone, too."""
        folder = self.data_dir / INBOX_DIR
        if self.read_only or not os.path.lexists(folder):
            return 0
        try:
            check_private_dir(folder, "The notes inbox")
            names = sorted(os.listdir(folder))
        except (OSError, UnsafePathError) as exc:
            self.warnings.append(f"Notes waiting in {folder} could not be read: {exc}")
            return 0
        taken = 0
        for name in names:
            if name.startswith(".") or not name.endswith(".json"):
                continue  # a note still being written (its temporary file), or not coach's
            path = folder / name
            try:
                raw = parse_json_bytes(path, read_file_bytes(path, limit=INBOX_NOTE_BYTES) or b"")
                note = raw.get("note") if isinstance(raw, dict) and raw.get("format") == "coach-note" else None
                if not isinstance(note, dict):
                    raise RecordProblem(str(path), "is not a note written by `coach note`")
                check_note(note)
            except (DataFileError, RecordProblem) as exc:
                self.warnings.append(f"{path} was not brought in: {exc}. It is left where it is.")
                continue
            if self.client(note.get("client_id", "")) is None:
                self.warnings.append(f"{path} is a note on a client who is no longer kept; it is left where it is.")
                continue
            # matched by id, so a note brought in once already (a crash before the unlink) is not doubled
            self._write_history(note["client_id"], ("moments", Note.from_dict(note).to_dict()))
            self._refresh_summary(note["client_id"])
            try:
                os.unlink(path)
            except OSError:
                pass
            taken += 1
        return taken

    def delete_note(self, client_id: str, note_id: str) -> bool:
        """Delete one note; False when there was none with that id (nothing written)."""
        if self.read_only:
            raise ReadOnlyError(self.read_only_reason())
        with self._history_errors(client_id):
            table = self._history(client_id).table("moments")
            doc_ids = [d.doc_id for d in table.all() if d.get("id") == note_id]
            if not doc_ids:
                return False
            table.remove(doc_ids=doc_ids)
        self._refresh_summary(client_id)
        return True

    def _summary_of(self, client_id: str) -> ClientSummary:
        """The summary of a client's file as it is now, with the file's stamp."""
        path = self._history_path(client_id)
        stamp = file_stamp(path)
        # from the stored records, not objects: a summary needs only the last
        # two reflections and the open commitments built in full
        summary = summarise_records(self._records(client_id, "reflections"), self._records(client_id, "commitments"))
        summary.file = stamp or []
        # the records above came from the version the storage holds, checked
        summary.file_sha256 = self._history(client_id).storage.digest
        return summary

    def _refresh_summary(self, client_id: str) -> None:
        summary = self._summary_of(client_id)
        table = self._index.table("clients")
        doc = self._client_doc(client_id)
        if doc is not None:
            table.update({"summary": asdict(summary)}, doc_ids=[doc.doc_id])
            self._summaries.pop(client_id, None)

    def rebuild_summaries(self) -> None:
        """Recompute every summary from the history files (after a restore, say)."""
        for client in self.clients(include_archived=True):
            self._refresh_summary(client.id)

    def _check_summaries(self) -> None:
        """Rebuild each summary whose client file has changed since it was made.

        Cheap when nothing changed: one lstat per client. A file that is
        missing though its summary promised one, or that does not read, marks
        that client damaged; its last summary (if it fits) stays on show.
        """
        fresh: dict[str, dict[str, Any]] = {}
        for doc in self._index.table("clients").all():
            cid = doc["id"]
            path = self._history_path(cid)
            stamp = file_stamp(path)
            summary = doc.get("summary")
            fits = summary_fits(summary)
            if fits and isinstance(summary.get("file"), list) and summary["file"] == (stamp or []):
                continue
            if stamp is None:
                if summary_promises_file(summary):
                    self._mark_damaged(cid, DataFileError(path, f"is missing, though {INDEX_FILE} says this client has reflections"))
                    if not fits:
                        self._summaries[cid] = asdict(ClientSummary())
                    continue
                fresh[cid] = asdict(ClientSummary())
                continue
            try:
                fresh[cid] = asdict(self._summary_of(cid))
            except DataFileError:
                if not fits:
                    self._summaries[cid] = asdict(ClientSummary())
        if not fresh:
            return
        if self.read_only:
            self._summaries.update(fresh)
            return
        try:
            self._index.table("clients").update(
                lambda doc: doc.__setitem__("summary", fresh[doc["id"]]),
                doc_ids=[d.doc_id for d in self._index.table("clients").all() if d["id"] in fresh],
            )
        except SaveError as exc:
            self._summaries.update(fresh)  # shown right now; written when a save next gets through
            self.warnings.append(f"Some summaries could not be brought up to date on disk: {exc}")

    def _note_orphans(self) -> None:
        known = {doc["id"] for doc in self._index.table("clients").all()}
        orphans = [rel for rel in data_files(self.data_dir)
                   if rel.startswith(f"{CLIENTS_DIR}/") and rel_kind(rel)[1] not in known]
        if orphans:
            self.warnings.append(
                f"{len(orphans)} file(s) in {self.data_dir / CLIENTS_DIR} belong to no client in {INDEX_FILE} "
                f"(e.g. {orphans[0]}); coach leaves them as they are."
            )

    # -- drafts ----------------------------------------------------------------

    def _open_drafts(self) -> None:
        """A damaged drafts file, or damaged drafts in it, never block the store.

        The writer keeps the file as it was in backups/damaged-<stamp>/ and
        carries on without what it cannot read; a reader leaves it alone and
        skips it.
        """
        try:
            data = self._drafts.storage.read()
        except DataFileError as exc:
            self._set_aside_drafts(exc.problem, whole=True)
            return
        if data is None:
            return
        problems = draft_problems(data)
        if problems:
            first = str(problems[0][1])
            self._set_aside_drafts(f"{len(problems)} unfinished reflection(s) do not fit, e.g. {first}",
                                   whole=False, bad=[int(doc_id) for doc_id, _ in problems])

    def _set_aside_drafts(self, problem: str, *, whole: bool, bad: list[int] | None = None) -> None:
        path = self.data_dir / DRAFTS_FILE
        if self.read_only:
            self._drafts_unreadable = whole
            self.warnings.append(f"{path}: {problem}; they are left out here, and the next coach that opens "
                                 "this data for writing keeps them in backups/ and sets them aside.")
            return
        from coach.backups import move_aside

        keep = None
        if not whole:
            keep = {k: v for k, v in (self._drafts.storage.read() or {}).get("drafts", {}).items()
                    if int(k) not in (bad or [])}
        try:
            # moved, not copied: a huge or damaged file needs no room and no reading
            aside = move_aside(self.data_dir, [DRAFTS_FILE])
        except (OSError, UnsafePathError) as exc:
            # no room (or no right) to set it aside: carry on without it, touching nothing
            why = describe_os_error(exc, path) if isinstance(exc, OSError) else str(exc).rstrip(".")
            self._drafts_unreadable = whole
            self._drafts_blocked = (f"Unfinished reflections cannot be saved: {path} is damaged ({problem}) and coach "
                                    f"could not keep it aside first ({why}). Nothing was changed.")
            self.warnings.append(f"{path}: {problem}; coach could not keep it aside first ({why}), so it carries "
                                 "on without those unfinished reflections and saves no new ones until it can.")
            return
        self._drafts.storage.close()
        if keep:
            try:
                self._drafts.storage.write({"drafts": keep})  # the ones that read, back in place
            except SaveError as exc:
                self.warnings.append(f"The unfinished reflections that could be read are kept only in {aside} for now: {exc}")
        where = f"; the file as it was is kept in {aside}" if aside else ""
        self.warnings.append(f"{path}: {problem}. coach carries on without what it could not read{where}.")

    def drafts(self) -> list[Draft]:
        """Unfinished reflections, newest first; any that do not fit are left out."""
        if self._drafts_unreadable:
            return []
        try:
            docs = self._drafts.table("drafts").all()
        except DataFileError:
            return []
        found = []
        for doc in docs:
            try:
                check_draft(doc)
            except RecordProblem:
                continue
            found.append(Draft.from_dict(doc))
        return sorted(found, key=lambda d: d.updated_at, reverse=True)

    def save_draft(self, draft: Draft) -> None:
        if self._drafts_blocked:
            raise SaveError(self._drafts_blocked)
        draft.updated_at = now_stamp()
        draft.started_at = draft.started_at or draft.updated_at
        _put_records(self._drafts, [("drafts", draft.to_dict())])

    def set_draft_aside(self, draft_id: str) -> Path | None:
        """Drop a draft the user chose to discard, after a backup that still holds it.

        Returns that backup's folder, so the user can be told where it went.
        """
        self._before_first_write()
        kept = self.backup() if self.drafts() else None
        self.discard_draft(draft_id)
        return kept

    def discard_draft(self, draft_id: str) -> None:
        if self._drafts_blocked:
            raise SaveError(self._drafts_blocked)
        table = self._drafts.table("drafts")
        table.remove(doc_ids=[d.doc_id for d in table.all() if d.get("id") == draft_id])

    # -- everything, for export and backup -------------------------------------

    def everything(self) -> dict[str, Any]:
        """All the user's data as one JSON-ready document (the export format).

        Raises DamagedHistoryError if a client's file cannot be read: an
        export or backup that silently lacked a client would mislead.
        """
        return {**self.export_head(), "clients": list(self.export_clients()), "drafts": self.export_drafts()}

    def export_head(self) -> dict[str, Any]:
        """What an export document says before its clients."""
        return {"format": "coach-export", "schema": SCHEMA_VERSION, "exported_at": now_stamp()}

    def export_clients(self, client_ids: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
        """Each client as the export has it, with its reflections and commitments,
        read one client's file at a time (a backup of ten years never holds
        them all); only `client_ids` when given. DamagedHistoryError as for
        everything()."""
        wanted = None if client_ids is None else set(client_ids)
        for client in self.clients(include_archived=True):
            if wanted is not None and client.id not in wanted:
                continue
            data = client.to_dict_without_summary()
            data["reflections"] = [as_written(Reflection, d) for d in
                                   sorted(self._stored(client.id, "reflections"), key=reflection_order)]
            data["commitments"] = [as_written(Commitment, d) for d in
                                   sorted(self._stored(client.id, "commitments"), key=commitment_order)]
            data["moments"] = [Note.from_dict(d).to_dict() for d in sorted(self._stored(client.id, "moments"), key=note_order)]
            self._release_history(client.id)  # one client's file in memory at a time
            yield data

    def export_drafts(self) -> list[dict[str, Any]]:
        return [d.to_dict() for d in self.drafts()]

    def replace_everything(self, document: dict[str, Any]) -> Path | None:
        """Replace all data with an export document (restore), all or nothing.

        Returns the backup folder that holds what was replaced (None when there
        was nothing to replace). ValueError (RecordProblem) when the document
        does not fit, RestoreError when it could not be written: either way
        nothing on disk was changed.
        """
        if self.read_only:
            raise ReadOnlyError(self.read_only_reason())
        check_export(document)  # before the files are closed: a refusal leaves this store as it was
        from coach.restore import restore_document

        self.close_files()
        try:
            result = restore_document(self.data_dir, document)
        finally:
            self._reopen()
        return result.kept

    def restore_file(self, source: Path, rel: str) -> "RestoreResult":
        """Bring back one data file (e.g. clients/<id>.json) from a backup folder,
        leaving every other file, with its newest work, as it is."""
        if self.read_only:
            raise ReadOnlyError(self.read_only_reason())
        from coach.restore import restore_file

        self.close_files()
        try:
            result = restore_file(self.data_dir, source, rel)
        finally:
            self._reopen()
        return result

    def _reopen(self) -> None:
        self._reset_state()
        self._check_index()
        self._open_drafts()
        self._check_summaries()


def _has_staging(data_dir: Path) -> bool:
    """Whether a restore left a staging folder here (cheap: one listing)."""
    try:
        return any(name.startswith(".restore-") for name in os.listdir(data_dir))
    except OSError:
        return False


def _q(path: Path) -> str:
    import shlex

    return shlex.quote(str(path))


def _prepare_dir(data_dir: Path, *, create: bool) -> Path:
    """The data folder, made if asked (0700, parents too), then checked."""
    data_dir = Path(os.path.abspath(Path(data_dir).expanduser()))
    if not os.path.lexists(data_dir):
        if not create:
            raise DataFileError(data_dir, "does not exist", "Check --data-dir or COACH_DATA_DIR; coach creates the folder the first time it runs.")
        check_parents(data_dir)  # before making anything in them
        try:
            make_private_dirs(data_dir)
        except OSError as exc:
            raise SaveError(f"Could not create the data directory {data_dir}: {exc.strerror or exc}.") from exc
    check_data_dir(data_dir)
    return data_dir


def _take_lock(data_dir: Path) -> tuple[str, DataLock | None, str]:
    """(read-only cause or "", the lock if taken, who holds it)."""
    if read_only_filesystem(data_dir):
        return READ_ONLY_FS, None, ""
    if not writable_dir(data_dir):
        return NO_PERMISSION, None, ""
    lock = DataLock(data_dir)
    try:
        got = lock.acquire()
    except OSError as exc:
        # the lock file cannot be made: we can still read, and nobody is to blame
        return (READ_ONLY_FS if exc.errno == errno.EROFS else NO_PERMISSION), None, ""
    if not got:
        return LOCKED, None, lock.holder()
    return "", lock, ""


def restore_into(
    data_dir: Path, document: dict[str, Any] | None = None, *, source: Path | None = None, only: str | None = None
) -> "RestoreResult":
    """Restore into a data folder whose current files may be damaged (the CLI's restore).

    Either a whole `document` (an export or backup), or `only` one file from
    the backup folder `source`. Takes the lock itself and refuses
    (ReadOnlyError) while another coach holds it. Never reads the current
    files as data, so a damaged coach.json does not stand in the way.
    """
    data_dir = _prepare_dir(data_dir, create=True)
    cause, lock, locked_by = _take_lock(data_dir)
    if cause:
        reason = Store(data_dir, read_only=True, locked_by=locked_by, read_only_cause=cause).read_only_reason()
        raise ReadOnlyError(f"{reason} Nothing was restored.")
    from coach import restore as restore_module

    try:
        restore_module.recover(data_dir)
        clients_dir = data_dir / CLIENTS_DIR
        if os.path.lexists(clients_dir):
            check_private_dir(clients_dir, "The clients folder")
        if only is not None:
            return restore_module.restore_file(data_dir, source, only)
        return restore_module.restore_document(data_dir, document)
    finally:
        lock.release()


def _checked_digest(summary: Any) -> str:
    """The sha256 a stored summary records of its client file's checked bytes; "" if none fits."""
    digest = summary.get("file_sha256") if isinstance(summary, dict) else None
    return digest if isinstance(digest, str) else ""


def reflection_order(doc: dict[str, Any]) -> tuple[str, str]:
    """How a client's stored reflections are ordered everywhere: by day, then as entered."""
    return doc.get("date", ""), doc.get("created_at", "")


def commitment_order(doc: dict[str, Any]) -> tuple[str, str]:
    return doc.get("made_on", ""), doc.get("due", "")


INBOX_DIR = "inbox"
INBOX_NOTE_BYTES = 1_000_000  # a note is at most TEXT_MAX characters


def post_note(data_dir: Path, note: Note) -> Path:
    """Leave `note` in the data folder's inbox/ for the coach that holds the lock
    (or the next one to open) to bring in. Written whole under its final name,
    0600, never through a link."""
    folder = ensure_private_subdir(Path(data_dir) / INBOX_DIR, "The notes inbox")
    payload = dump_json({"format": "coach-note", "note": note.to_dict()})
    return write_private_file(folder / f"{note.id}.json", payload)


def note_order(doc: dict[str, Any]) -> tuple[str, str]:
    return doc.get("on", ""), doc.get("created_at", "")


def summarise(reflections: list[Reflection], commitments: Iterable[Commitment]) -> ClientSummary:
    return summarise_records([r.to_dict() for r in reflections], [c.to_dict() for c in commitments])


#: the lenses a summary keeps of each recent reflection
SUMMARY_LENSES = ("reciprocity", "with_or_for", "objectives_agreed", "metrics_tracked")


def summarise_records(reflections: Iterable[dict[str, Any]], commitments: Iterable[dict[str, Any]]) -> ClientSummary:
    """A client's summary from its stored reflections and commitments (dicts that
    passed the schema check), in any order."""
    ordered = sorted(reflections, key=reflection_order)
    last = Reflection.from_dict(ordered[-1]) if ordered else None
    previous = Reflection.from_dict(ordered[-2]) if len(ordered) > 1 else None
    commitments = list(commitments)
    newest = max(commitments, key=commitment_order, default=None)
    talk = latest_day(d.get("lenses", {}).get("last_partner_meeting", "") for d in ordered)
    asked = latest_day((d.get("client_answers") or {}).get("asked_on", "") for d in ordered)
    return ClientSummary(
        last_reflection_on=last.date if last else "",
        last_verdict=last.verdict if last else "",
        last_scores=last.scores() if last else {},
        previous_scores=previous.scores() if previous else {},
        reflection_count=len(ordered),
        reflection_dates=[d.get("date", "") for d in ordered],
        open_commitments=[Commitment.from_dict(c).to_dict() for c in commitments if c.get("status", "open") == "open"],
        last_commitment=Commitment.from_dict(newest).to_dict() if newest else {},
        last_partner_talk=talk.isoformat() if talk else "",
        last_asked_on=asked.isoformat() if asked else "",
        partnership=partnership_of(ordered, commitments),
    )


def partnership_of(ordered: list[dict[str, Any]], commitments: list[dict[str, Any]]) -> dict[str, Any]:
    """The partnership figures a summary keeps, from the stored records (reflections oldest first):
    the check-ins, the last RECENT reflections' lenses, the last RECENT reciprocity scores and
    with/for answers, the one-way flag, and the order-taker signals with the day they began."""
    points = series_of_records(ordered)
    signals, since = signals_now(rows_of_records(ordered), {c.get("id", ""): c.get("status", "open") for c in commitments})
    recent = trend(points)
    return {
        "check_ins": check_ins_of(ordered),
        "lenses": [{"on": p.on, **{key: getattr(p, key) for key in SUMMARY_LENSES}} for p in points[-RECENT:]],
        "reciprocity": list(recent.reciprocity),
        "with_or_for": list(recent.with_or_for),
        "one_way": one_way(points) or "",
        "signals": sorted(signals),
        "signals_since": since,
        "works": works_of(ordered, commitments),
    }


def validate_export(document: Any) -> list[dict[str, Any]]:
    """The schema check of an export or backup document (see coach.schema.check_export)."""
    return check_export(document)


def _empty_index() -> dict[str, Any]:
    return {"meta": {"1": {"schema": SCHEMA_VERSION, "created_at": now_stamp()}}, "clients": {}}


def _put_records(db: TinyDB, records: Iterable[tuple[str, dict[str, Any]]], *, check=None) -> None:
    """Put `records` ((table, record) pairs, each replacing the stored record
    with its id, else added) into `db`'s file in one atomic write. `check`
    stands in for the file's whole-file check (AtomicJSONStorage.write)."""
    data = {name: dict(docs) for name, docs in (db.storage.read() or {}).items()}
    for name, record in records:
        table = data.setdefault(name, {})
        doc_id = next((k for k, doc in table.items() if doc.get("id") == record["id"]), None)
        if doc_id is None:
            doc_id = str(max(map(int, table), default=0) + 1)
        table[doc_id] = record
    db.storage.write(data, check=check)
    for name in data:  # written past TinyDB: its tables' query cache and next id are stale
        db.table(name).clear_cache()
        db.table(name)._next_id = None


def _chmod_600(files: list[Path], data_dir: Path) -> str:
    """One chmod that covers every file listed: by name in the data folder, by
    a pattern in a subfolder."""
    targets: list[str] = []
    for f in files:
        target = _q(f) if f.parent == data_dir else f"{_q(f.parent)}/*.json"
        if target not in targets:
            targets.append(target)
    return "chmod 600 " + " ".join(targets)


def _data_file_stats(data_dir: Path) -> list[tuple[Path, os.stat_result]]:
    """Each data file with its lstat, read once for both checks below."""
    found = []
    for rel in data_files(data_dir):
        try:
            found.append((data_dir / rel, os.lstat(data_dir / rel)))
        except OSError:
            continue
    return found


def check_data_files(data_dir: Path, stats: list[tuple[Path, os.stat_result]] | None = None) -> None:
    """Refuse data files that another user could change, the way sshd refuses a
    writable authorized_keys: coach would read whatever was written there."""
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    writable, foreign = [], []
    for f, st in _data_file_stats(data_dir) if stats is None else stats:
        if uid is not None and st.st_uid != uid:
            foreign.append(f)
        elif stat.S_IMODE(st.st_mode) & 0o022:
            writable.append(f)
    if foreign:
        raise UnsafePathError(
            foreign[0], f"{foreign[0]} belongs to another user, so coach will not read it as yours; "
            f"as that user or root, run: chown {os.getuid()} {_q(foreign[0])}"
            + (f" (and {len(foreign) - 1} more file(s) in {_q(data_dir)})" if len(foreign) > 1 else ""))
    if writable:
        raise UnsafePathError(
            writable[0], f"{len(writable)} data file(s) can be changed by other users, e.g. {writable[0]}; "
            f"coach will not use them until you run: {_chmod_600(writable, data_dir)}")


def permission_warnings(data_dir: Path, stats: list[tuple[Path, os.stat_result]] | None = None) -> list[str]:
    """Permissions that let others read (not write: that is refused) are worth a warning every time."""
    warnings = []
    try:
        mode = stat.S_IMODE(os.lstat(data_dir).st_mode)
    except OSError:
        return warnings
    if mode & 0o077:
        warnings.append(
            f"{data_dir} can be opened by other users (mode {mode:o}); run: chmod 700 {_q(data_dir)}"
        )
    loose = [f for f, st in (_data_file_stats(data_dir) if stats is None else stats) if stat.S_IMODE(st.st_mode) & 0o077]
    if loose:
        warnings.append(
            f"{len(loose)} data file(s) can be read by other users, e.g. {loose[0]}; run: {_chmod_600(loose, data_dir)}"
        )
    return warnings

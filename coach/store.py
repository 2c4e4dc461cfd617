"""The store: clients, reflections, commitments and drafts, over TinyDB files.

Layout of a data directory (all 0600 inside a 0700 directory):

    coach.json            clients, each with a small summary; schema version
    drafts.json           unfinished reflections (small, saved often)
    clients/<id>.json     one client's reflections and commitments
    backups/<stamp>/      a copy taken before the first write of each run
    coach.lock            held by the one coach that may write

History is split per client so saving a step or a finished reflection never
rewrites years of other clients' notes. The summary in coach.json is derived
from the client's file and rewritten after each change to it, so home and
`coach status` read one small file.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

from tinydb import TinyDB

from coach.lock import DataLock
from coach.textsafe import valid_unicode
from coach.insight import last_partner_talk
from coach.models import Client, ClientSummary, Commitment, Draft, Reflection, now_stamp
from coach.storage import (
    DIR_MODE,
    AtomicJSONStorage,
    DataFileError,
    ReadOnlyError,
    SaveError,
    atomic_write_bytes,
    describe_os_error,
    dump_json,
    ensure_private_dir,
)

SCHEMA_VERSION = 1
BACKUPS_KEPT = 5
INDEX_FILE = "coach.json"
DRAFTS_FILE = "drafts.json"
CLIENTS_DIR = "clients"
BACKUPS_DIR = "backups"

__all__ = ["Store", "DataFileError", "SaveError", "ReadOnlyError", "SCHEMA_VERSION"]


class Store:
    """All reading and writing of a user's data. Build it with `Store.open`."""

    def __init__(self, data_dir: Path, *, read_only: bool, locked_by: str = "") -> None:
        self.data_dir = Path(data_dir)
        self.read_only = read_only
        self.locked_by = locked_by  # who holds the lock when we are read-only because of it
        self.warnings: list[str] = []
        self._lock: DataLock | None = None
        self._backed_up = False
        self._index = self._tinydb(self.data_dir / INDEX_FILE)
        self._drafts = self._tinydb(self.data_dir / DRAFTS_FILE)
        self._histories: dict[str, TinyDB] = {}

    # -- opening and closing -------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path, *, read_only: bool = False) -> "Store":
        """Open a data directory, taking the writer's lock unless asked not to.

        If another coach holds the lock the store opens read-only and says who
        holds it in `locked_by`. Damaged files raise DataFileError before
        anything can be written.
        """
        data_dir = Path(data_dir).expanduser()
        warnings = []
        if not read_only:
            existed = data_dir.exists()
            try:
                ensure_private_dir(data_dir)
            except OSError as exc:
                raise SaveError(f"Could not create the data directory {data_dir}: {exc.strerror}.") from exc
            if not existed:
                os.chmod(data_dir, DIR_MODE)
        elif not data_dir.is_dir():
            raise DataFileError(data_dir, "does not exist", "Check --data-dir or COACH_DATA_DIR; coach creates the folder the first time it runs.")
        warnings.extend(permission_warnings(data_dir))
        lock, locked_by = None, ""
        if not read_only:
            lock = DataLock(data_dir)
            try:
                got = lock.acquire()
                held_elsewhere = not got
            except OSError:
                # a read-only directory or filesystem: we can still read, and the
                # lock file (if any) names whoever last wrote, not a current holder
                got = held_elsewhere = False
            if not got:
                locked_by = lock.holder() if held_elsewhere else ""
                read_only, lock = True, None
        store = cls(data_dir, read_only=read_only, locked_by=locked_by)
        store._lock = lock
        store.warnings = warnings
        try:
            if not store.read_only and not (data_dir / INDEX_FILE).exists():
                # a new data directory starts with its schema version, before any record
                atomic_write_bytes(data_dir / INDEX_FILE, dump_json(_empty_index()))
            store._check_index()
            store._drafts.tables()  # parse now, so a damaged drafts file is refused up front
            if not store.read_only:
                store._mend_interrupted_writes()
        except BaseException:
            store.close()
            raise
        return store

    def _mend_interrupted_writes(self) -> None:
        """Tidy what a coach killed mid-save can leave; only the lock holder does this."""
        for folder in (self.data_dir, self.data_dir / CLIENTS_DIR):
            for tmp in folder.glob(".*.tmp"):
                try:
                    tmp.unlink()  # a write that never reached its rename: the real file is intact
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
                continue  # a damaged history file is reported when it is opened

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

    def _tinydb(self, path: Path) -> TinyDB:
        return TinyDB(
            storage=AtomicJSONStorage,
            path=path,
            read_only=self.read_only,
            before_write=self._before_first_write,
        )

    def _check_index(self) -> None:
        path = self.data_dir / INDEX_FILE
        data = self._index.storage.read()
        if data is None:
            return
        meta = data.get("meta", {})
        version = next(iter(meta.values()), {}).get("schema") if meta else None
        if data and version is None:
            raise DataFileError(path, "has no schema version, so it was not written by coach")
        if not isinstance(version, int):
            raise DataFileError(path, "has a schema version coach does not understand")
        if version > SCHEMA_VERSION:
            raise DataFileError(
                path,
                f"was written by a newer coach (schema {version}; this one knows {SCHEMA_VERSION})",
                "Upgrade coach; nothing was changed.",
            )

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
                f"Could not save: {describe_os_error(exc, self.data_dir / BACKUPS_DIR)}. Nothing on disk was changed."
            ) from exc
        self._backed_up = True

    def read_only_reason(self) -> str:
        if self.locked_by:
            return f"Read-only: {self.locked_by} is open on this data. Close it to make changes here."
        return "Read-only: this coach was opened without permission to write."

    @property
    def has_data(self) -> bool:
        return (self.data_dir / INDEX_FILE).exists() and bool(self._index.table("clients").all())

    # -- backups ---------------------------------------------------------------

    def data_files(self) -> list[Path]:
        files = [self.data_dir / INDEX_FILE, self.data_dir / DRAFTS_FILE]
        clients_dir = self.data_dir / CLIENTS_DIR
        if clients_dir.is_dir():
            files.extend(sorted(clients_dir.glob("*.json")))
        return [f for f in files if f.exists()]

    def backup(self) -> Path | None:
        """Snapshot the data files into backups/<stamp>/ and keep the newest few.

        Writes always replace files rather than change them, so a hard link is
        a true copy of the old state at no cost in time or space.
        """
        files = self.data_files()
        if not files:
            return None
        root = ensure_private_dir(self.data_dir / BACKUPS_DIR)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        # several backups in one second are numbered -2, -3...; never reuse a
        # number, or a pruned name would come back sorted as the oldest
        taken = [_backup_key(p)[1] for p in root.iterdir() if _backup_key(p)[0] == stamp]
        n = max(taken, default=0) + 1
        target = root / (stamp if n == 1 else f"{stamp}-{n}")
        while target.exists():
            n += 1
            target = root / f"{stamp}-{n}"
        ensure_private_dir(target)  # mkdir(parents=True) would make it 0777 & ~umask
        ensure_private_dir(target / CLIENTS_DIR)
        for f in files:
            dest = target / f.relative_to(self.data_dir)
            try:
                os.link(f, dest)
            except OSError:
                shutil.copy2(f, dest)
        for old in sorted((p for p in root.iterdir() if p.is_dir()), key=_backup_key)[:-BACKUPS_KEPT]:
            shutil.rmtree(old, ignore_errors=True)
        return target

    def backups(self) -> list[Path]:
        """Backup folders, newest first."""
        root = self.data_dir / BACKUPS_DIR
        if not root.is_dir():
            return []
        return sorted((p for p in root.iterdir() if p.is_dir()), key=_backup_key, reverse=True)

    # -- clients ---------------------------------------------------------------

    def clients(self, *, include_archived: bool = False) -> list[Client]:
        found = [Client.from_dict(doc) for doc in self._index.table("clients").all()]
        if not include_archived:
            found = [c for c in found if not c.archived]
        return sorted(found, key=lambda c: c.name.casefold())

    def client(self, client_id: str) -> Client | None:
        doc = self._client_doc(client_id)
        return Client.from_dict(doc) if doc is not None else None

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

    def delete_client(self, client_id: str) -> int:
        """Delete a client with all its reflections and commitments; returns how many reflections went."""
        doc = self._client_doc(client_id)
        if doc is None:
            return 0
        count = len(self.reflections(client_id))
        self._before_first_write()  # the backup must hold the client's history before it goes
        self._drafts.table("drafts").remove(doc_ids=[d.doc_id for d in self._drafts.table("drafts").all() if d.get("client_id") == client_id])
        self._index.table("clients").remove(doc_ids=[doc.doc_id])
        db = self._histories.pop(client_id, None)
        if db is not None:
            db.close()
        path = self._history_path(client_id)
        if path.exists():
            path.unlink()
        return count

    def _require_client(self, client_id: str) -> Client:
        client = self.client(client_id)
        if client is None:
            raise KeyError(f"No client with id {client_id}")
        return client

    # -- history (per client file) --------------------------------------------

    def _history_path(self, client_id: str) -> Path:
        if not client_id or "/" in client_id or client_id.startswith("."):
            raise ValueError(f"Not a client id: {client_id!r}")
        return self.data_dir / CLIENTS_DIR / f"{client_id}.json"

    def _history(self, client_id: str) -> TinyDB:
        db = self._histories.get(client_id)
        if db is None:
            path = self._history_path(client_id)
            if not self.read_only:
                try:
                    ensure_private_dir(path.parent)
                except OSError:
                    pass  # reading still works; a write will say why it cannot
            db = self._tinydb(path)
            self._histories[client_id] = db
        return db

    def reflections(self, client_id: str) -> list[Reflection]:
        """A client's reflections, oldest first."""
        docs = self._history(client_id).table("reflections").all()
        return sorted((Reflection.from_dict(d) for d in docs), key=lambda r: (r.date, r.created_at))

    def reflection(self, client_id: str, reflection_id: str) -> Reflection | None:
        for r in self.reflections(client_id):
            if r.id == reflection_id:
                return r
        return None

    def commitments(self, client_id: str) -> list[Commitment]:
        docs = self._history(client_id).table("commitments").all()
        return sorted((Commitment.from_dict(d) for d in docs), key=lambda c: (c.made_on, c.due))

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

    def finish_reflection(self, reflection: Reflection, commitment: Commitment | None, draft_id: str = "") -> None:
        """Save a finished reflection and its commitment, then drop its draft."""
        client = self._require_client(reflection.client_id)
        reflection.created_at = reflection.created_at or now_stamp()
        if commitment is not None and commitment.action.strip():
            commitment.client_id = client.id
            commitment.reflection_id = reflection.id
            commitment.made_on = commitment.made_on or reflection.date
            reflection.commitment_id = commitment.id
            # commitment first: if coach dies between the two writes the draft is
            # still there, and finishing it again updates rather than duplicates
            _upsert(self._history(client.id).table("commitments"), commitment.to_dict())
        _upsert(self._history(client.id).table("reflections"), reflection.to_dict())
        self._refresh_summary(client.id)
        if draft_id:
            self.discard_draft(draft_id)

    def update_reflection(self, reflection: Reflection) -> None:
        """Correct a saved reflection; its date stays what it was."""
        table = self._history(reflection.client_id).table("reflections")
        for doc in table.all():
            if doc.get("id") == reflection.id:
                data = reflection.to_dict()
                data["date"] = doc.get("date", reflection.date)
                data["edited_at"] = now_stamp()
                table.update(data, doc_ids=[doc.doc_id])
                self._refresh_summary(reflection.client_id)
                return
        raise KeyError(f"No reflection with id {reflection.id}")

    def save_commitment(self, commitment: Commitment) -> None:
        _upsert(self._history(commitment.client_id).table("commitments"), commitment.to_dict())
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

    def _refresh_summary(self, client_id: str) -> None:
        reflections = self.reflections(client_id)
        commitments = self.commitments(client_id)
        summary = summarise(reflections, commitments)
        table = self._index.table("clients")
        doc = self._client_doc(client_id)
        if doc is not None:
            table.update({"summary": asdict(summary)}, doc_ids=[doc.doc_id])

    def rebuild_summaries(self) -> None:
        """Recompute every summary from the history files (after a restore, say)."""
        for client in self.clients(include_archived=True):
            self._refresh_summary(client.id)

    # -- drafts ----------------------------------------------------------------

    def drafts(self) -> list[Draft]:
        found = [Draft.from_dict(d) for d in self._drafts.table("drafts").all()]
        return sorted(found, key=lambda d: d.updated_at, reverse=True)

    def save_draft(self, draft: Draft) -> None:
        draft.updated_at = now_stamp()
        draft.started_at = draft.started_at or draft.updated_at
        _upsert(self._drafts.table("drafts"), draft.to_dict())

    def discard_draft(self, draft_id: str) -> None:
        table = self._drafts.table("drafts")
        table.remove(doc_ids=[d.doc_id for d in table.all() if d.get("id") == draft_id])

    # -- everything, for export and backup -------------------------------------

    def everything(self) -> dict[str, Any]:
        """All the user's data as one JSON-ready document (the export format)."""
        clients = []
        for client in self.clients(include_archived=True):
            data = client.to_dict()
            data.pop("summary", None)
            data["reflections"] = [r.to_dict() for r in self.reflections(client.id)]
            data["commitments"] = [c.to_dict() for c in self.commitments(client.id)]
            clients.append(data)
        return {
            "format": "coach-export",
            "schema": SCHEMA_VERSION,
            "exported_at": now_stamp(),
            "clients": clients,
            "drafts": [d.to_dict() for d in self.drafts()],
        }

    def replace_everything(self, document: dict[str, Any]) -> Path | None:
        """Replace all data with an export document (restore).

        Returns the backup folder that holds what was replaced (None when there
        was nothing to replace).
        """
        clients = validate_export(document)
        if self._backed_up:
            kept = self.backup()  # this run's first backup is older than what is replaced now
        else:
            self._before_first_write()
            kept = self.backups()[0] if self.backups() else None
        self.close_files()
        clients_dir = ensure_private_dir(self.data_dir / CLIENTS_DIR)
        keep = set()
        index_clients = {}
        for n, raw in enumerate(clients, start=1):
            client = Client.from_dict(raw)
            client.summary = ClientSummary()
            index_clients[str(n)] = client.to_dict()
            path = self._history_path(client.id)
            keep.add(path.name)
            atomic_write_bytes(path, dump_json({
                "reflections": _numbered(Reflection.from_dict(r).to_dict() for r in raw.get("reflections", [])),
                "commitments": _numbered(Commitment.from_dict(c).to_dict() for c in raw.get("commitments", [])),
            }))
        drafts = _numbered(Draft.from_dict(d).to_dict() for d in document.get("drafts", []))
        atomic_write_bytes(self.data_dir / DRAFTS_FILE, dump_json({"drafts": drafts}))
        atomic_write_bytes(self.data_dir / INDEX_FILE, dump_json({**_empty_index(), "clients": index_clients}))
        for f in clients_dir.glob("*.json"):
            if f.name not in keep:
                f.unlink()
        self._index = self._tinydb(self.data_dir / INDEX_FILE)
        self._drafts = self._tinydb(self.data_dir / DRAFTS_FILE)
        self.rebuild_summaries()
        return kept


def validate_export(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict) or document.get("format") != "coach-export":
        raise ValueError("This file is not a coach export or backup.")
    schema = document.get("schema")
    if not isinstance(schema, int):
        raise ValueError("This file has no schema version coach understands.")
    if schema > SCHEMA_VERSION:
        raise ValueError(f"This file was written by a newer coach (schema {schema}).")
    if document.get("filtered"):
        # restoring a part would drop everything else
        raise ValueError("This file holds only part of the data (exported with --client or --since); use a file from `coach backup`.")
    clients = document.get("clients")
    if not isinstance(clients, list) or not all(isinstance(c, dict) and c.get("id") and c.get("name") for c in clients):
        raise ValueError("This file's clients are malformed.")
    ids = [c["id"] for c in clients]
    # ids become file names under clients/: refuse anything but a plain, unique name
    if not all(isinstance(i, str) and "/" not in i and "\\" not in i and "\x00" not in i and not i.startswith(".") for i in ids):
        raise ValueError("This file's client ids are malformed.")
    if len(set(ids)) != len(ids):
        raise ValueError("This file holds the same client twice.")
    drafts = document.get("drafts", [])
    # every record is read here, before anything on disk is touched
    try:
        if not isinstance(drafts, list):
            raise TypeError("drafts")
        for c in clients:
            Client.from_dict(c)
            for key, cls in (("reflections", Reflection), ("commitments", Commitment)):
                records = c.get(key, [])
                if not isinstance(records, list):
                    raise TypeError(key)
                for r in records:
                    cls.from_dict(r)
        for d in drafts:
            Draft.from_dict(d)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise ValueError("This file's records are malformed.") from exc
    return clients


def summarise(reflections: list[Reflection], commitments: Iterable[Commitment]) -> ClientSummary:
    commitments = list(commitments)
    last = reflections[-1] if reflections else None
    previous = reflections[-2] if len(reflections) > 1 else None
    last_commitment = max(commitments, key=lambda c: (c.made_on, c.due), default=None)
    return ClientSummary(
        last_reflection_on=last.date if last else "",
        last_verdict=last.verdict if last else "",
        last_scores=last.scores() if last else {},
        previous_scores=previous.scores() if previous else {},
        reflection_count=len(reflections),
        reflection_dates=[r.date for r in reflections],
        open_commitments=[c.to_dict() for c in commitments if c.is_open],
        last_commitment=last_commitment.to_dict() if last_commitment else {},
        last_partner_talk=talk.isoformat() if (talk := last_partner_talk(reflections)) else "",
    )


def _backup_key(path: Path) -> tuple[str, int]:
    """Order backup folders by time, then by number: "...-10" comes after "...-9"."""
    parts = path.name.split("-")
    if len(parts) == 3 and parts[2].isdigit():
        return f"{parts[0]}-{parts[1]}", int(parts[2])
    return path.name, 1


def _empty_index() -> dict[str, Any]:
    return {"meta": {"1": {"schema": SCHEMA_VERSION, "created_at": now_stamp()}}, "clients": {}}


def _upsert(table, record: dict[str, Any]) -> None:
    """Insert, or update the record with the same UUID."""
    for doc in table.all():
        if doc.get("id") == record["id"]:
            table.update(record, doc_ids=[doc.doc_id])
            return
    table.insert(record)


def _numbered(records: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(n): r for n, r in enumerate(records, start=1)}


def permission_warnings(data_dir: Path) -> list[str]:
    """Loosened permissions on client notes are worth a warning every time."""
    warnings = []
    try:
        mode = stat.S_IMODE(os.stat(data_dir).st_mode)
    except OSError:
        return warnings
    if mode & 0o077:
        warnings.append(
            f"{data_dir} can be opened by other users (mode {mode:o}); run: chmod 700 {data_dir}"
        )
    candidates = [data_dir / INDEX_FILE, data_dir / DRAFTS_FILE]
    clients_dir = data_dir / CLIENTS_DIR
    if clients_dir.is_dir():
        candidates.extend(clients_dir.glob("*.json"))
    loose = []
    for f in candidates:
        try:
            if stat.S_IMODE(os.stat(f).st_mode) & 0o077:
                loose.append(f)
        except OSError:
            continue
    if loose:
        warnings.append(
            f"{len(loose)} data file(s) can be read by other users, e.g. {loose[0]}; run: chmod 600 {loose[0].parent}/*.json"
        )
    return warnings

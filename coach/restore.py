"""Restore: all or nothing, for the whole data or for one file.

The guarantee: when a restore fails for any reason (a record that does not
fit, a full disk, a permission, an id too long for the filesystem, a kill),
the live data files are byte for byte what they were, and coach says
"Nothing was changed" only after checking that this is so.

How:
1. Check everything first: the whole document with the schema (coach.schema),
   or the one file with the check a read makes.
2. Stage: write the new files into a private folder inside the data folder
   (`.restore-XXXXXXXX/new/`, 0700, random name), then read each back with
   the same check. A full disk or an over-long name fails here, before any
   live file is touched.
3. Keep what is there: a backup of the live files (damaged ones are kept as
   they were in backups/damaged-<stamp>/).
4. Swap, per file, under a journal: `journal.json` in the staging folder lists
   every file the swap will touch; each live file is renamed into `old/`,
   then its replacement renamed into place. Renames within one folder tree
   need no space and are atomic, so each file is always whole in exactly one
   place. If a rename fails, the swap is undone from the journal before the
   error is reported. If coach is killed mid-swap, the next coach to open
   the folder (any command) undoes it from the journal before reading
   anything, so a half-done restore is never seen as data.
5. Commit: drop the journal, then the staging folder.

Readers that do not hold the lock (`coach status` while a restore runs)
refuse while a journal is present, rather than read a mix.
"""

from __future__ import annotations

import os
import shlex
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.backups import (
    BackupResult,
    backups_root,
    keep_folder,
    move_aside,
    prune_backups,
    remove_folder,
    take_backup,
)
from coach.layout import (
    CLIENTS_DIR,
    DRAFTS_FILE,
    INDEX_FILE,
    data_files,
    history_rel,
    read_data_file,
    rel_kind,
    summary_promises_file,
)
from coach.models import Client, Commitment, Draft, Note, Reflection, now_stamp
from coach.safety import UnsafePathError, check_private_dir, make_private_dir
from coach.schema import SCHEMA_VERSION, check_export
from coach.storage import (
    DataFileError,
    SaveError,
    describe_os_error,
    dump_json,
    file_stamp,
    fsync_dir,
    read_file_bytes,
    read_json_file,
    write_new_file,
)

STAGING_PREFIX = ".restore-"
JOURNAL = "journal.json"


class RestoreError(SaveError):
    """A restore that did not happen. `changed` is False when the live files were
    checked to be exactly as before (and the message says so)."""

    def __init__(self, message: str, *, changed: bool = False) -> None:
        self.changed = changed
        super().__init__(message)


@dataclass
class RestoreResult:
    kept: Path | None  # the backup holding what was replaced (files that passed their check)
    set_aside: Path | None  # replaced files that did not pass, kept as they were
    replaced: list[str]  # the data files written (relative paths)
    recovered: list[str] = field(default_factory=list)  # ids given a new entry in coach.json (restore_file)


def mend_command(data_dir: Path, backup: Path, rel: str) -> str:
    """The command that brings back one file from a backup, spelled for this data folder."""
    from coach.paths import resolve_data_dir

    try:
        default = os.path.abspath(resolve_data_dir(None)) == os.path.abspath(data_dir)
    except Exception:
        default = False
    prefix = "coach" if default else f"coach --data-dir {shlex.quote(str(data_dir))}"
    return f"{prefix} restore {shlex.quote(str(backup))} --only {rel}"


# -- staging folders and the journal ------------------------------------------------


def staging_folders(data_dir: Path) -> list[Path]:
    """Staging folders a restore left in the data folder (real folders of the user's)."""
    try:
        names = os.listdir(data_dir)
    except OSError:
        return []
    found = []
    for name in names:
        if not name.startswith(STAGING_PREFIX):
            continue
        path = Path(data_dir) / name
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid():
            found.append(path)
    return sorted(found)


def interrupted(data_dir: Path) -> bool:
    """Whether a restore's swap may have started and not finished (a journal is there)."""
    return any(os.path.lexists(folder / JOURNAL) for folder in staging_folders(data_dir))


def recover(data_dir: Path) -> bool:
    """Undo any swap a killed restore left half done; remove its staging. Needs the lock.

    True if a swap was undone. Raises RestoreError if the journal cannot be
    followed (the staging folder is then left for the user, and named).
    """
    undone = False
    for folder in staging_folders(data_dir):
        journal_path = folder / JOURNAL
        if os.path.lexists(journal_path):
            try:
                journal = read_json_file(journal_path)
                plan = [(str(rel), bool(has_new)) for rel, has_new in journal["plan"]]
                if not all(rel_kind(rel) for rel, _ in plan):
                    raise ValueError("unknown file in the journal")
                _rollback(Path(data_dir), folder, plan, made_clients_dir=bool(journal.get("made_clients_dir")))
            except (DataFileError, OSError, ValueError, KeyError, TypeError) as exc:
                raise RestoreError(
                    f"A restore was interrupted and coach could not undo it ({exc}); your files from before it "
                    f"are in {folder / 'old'}. Nothing else was changed.",
                    changed=True,
                ) from exc
            undone = True
        elif any(p.is_file() or p.is_symlink() for p in (folder / "old").rglob("*")):
            # committed, but what it replaced was not yet kept: keep it rather than drop it
            _keep_or_leave(Path(data_dir), folder)
            continue
        remove_folder(Path(data_dir), folder.name)
    if undone:
        fsync_dir(Path(data_dir))
    return undone


def _new_staging(data_dir: Path) -> Path:
    """A private folder inside the data folder to stage in (0700, random name)."""
    folder = None
    try:
        folder = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=data_dir))
        check_private_dir(folder, "The restore's staging folder")
        for sub in ("new", f"new/{CLIENTS_DIR}", "old", f"old/{CLIENTS_DIR}"):
            make_private_dir(folder / sub)
    except OSError as exc:
        if folder is not None:
            _discard(data_dir, folder, None)
        raise RestoreError(f"Could not restore: {describe_os_error(exc, Path(data_dir) / 'x')}. Nothing was changed.") from exc
    return folder


def _order(rels: set[str]) -> list[str]:
    """Client files first, then drafts, the index last."""
    clients = sorted(r for r in rels if r.startswith(f"{CLIENTS_DIR}/"))
    return clients + [r for r in (DRAFTS_FILE, INDEX_FILE) if r in rels]


def _swap(data_dir: Path, staging: Path, plan: list[tuple[str, bool]], made_clients_dir: bool) -> None:
    # written whole under another name, then renamed: a journal is never half there
    write_new_file(staging / f"{JOURNAL}.new", dump_json({
        "format": "coach-restore-journal", "plan": plan, "made_clients_dir": made_clients_dir,
    }))
    os.rename(staging / f"{JOURNAL}.new", staging / JOURNAL)
    fsync_dir(staging)
    for rel, has_new in plan:
        live, old, new = data_dir / rel, staging / "old" / rel, staging / "new" / rel
        if os.path.lexists(live):
            os.rename(live, old)
        if has_new:
            os.rename(new, live)
    if (data_dir / CLIENTS_DIR).is_dir():
        fsync_dir(data_dir / CLIENTS_DIR)
    fsync_dir(data_dir)


def _rollback(data_dir: Path, staging: Path, plan: list[tuple[str, bool]], *, made_clients_dir: bool) -> None:
    """Put every file the journal names back as it was before the swap."""
    for rel, has_new in reversed(plan):
        live, old, new = data_dir / rel, staging / "old" / rel, staging / "new" / rel
        if os.path.lexists(old):
            # the live file was moved aside; what is at its name now is the new one
            if os.path.lexists(live):
                if has_new and not os.path.lexists(new):
                    os.rename(live, new)
                else:
                    os.unlink(live)
            os.rename(old, live)
        elif has_new and not os.path.lexists(new) and os.path.lexists(live):
            # there was no file before; the new one was moved in
            os.rename(live, new)
    if made_clients_dir:
        try:
            os.rmdir(data_dir / CLIENTS_DIR)
        except OSError:
            pass
    if (data_dir / CLIENTS_DIR).is_dir():
        fsync_dir(data_dir / CLIENTS_DIR)
    fsync_dir(data_dir)


def _fingerprints(data_dir: Path, rels: list[str]) -> dict[str, Any]:
    """Which file each live name holds (inode, size, mtime), to tell truthfully whether
    anything changed. Restore never writes into a live file, only renames whole
    files, so the same inode with the same size and time is the same bytes."""
    return {rel: file_stamp(data_dir / rel) for rel in rels}


def _discard(data_dir: Path, staging: Path, kept: BackupResult | None) -> None:
    try:
        remove_folder(data_dir, staging.name)
    except OSError:
        pass
    if kept is not None:
        root = backups_root(data_dir)
        for folder in (kept.folder,):
            if folder is not None and root is not None:
                try:
                    remove_folder(root, folder.name)
                except OSError:
                    pass


def _commit(data_dir: Path, staging: Path, new_rels: set[str], *, replace_all: bool) -> RestoreResult:
    """Keep what is there, then swap the staged files in, all or nothing."""
    live_rels = set(data_files(data_dir))
    plan_rels = _order(new_rels | (live_rels if replace_all else set()))
    plan = [(rel, rel in new_rels) for rel in plan_rels]
    before = _fingerprints(data_dir, plan_rels)
    kept = None
    try:
        if live_rels:
            kept = take_backup(data_dir, prune=False)
    except (OSError, UnsafePathError, DataFileError) as exc:
        _discard(data_dir, staging, kept)
        why = describe_os_error(exc, data_dir / "backups" / "x") if isinstance(exc, OSError) else str(exc).rstrip(".")
        raise RestoreError(
            f"Could not restore: could not keep a backup of your data first ({why}). Nothing was changed."
        ) from exc
    made_clients_dir = False
    try:
        if any(rel.startswith(f"{CLIENTS_DIR}/") for rel in new_rels) and not os.path.lexists(data_dir / CLIENTS_DIR):
            made_clients_dir = make_private_dir(data_dir / CLIENTS_DIR)
        _swap(data_dir, staging, plan, made_clients_dir)
    except BaseException as exc:
        why = describe_os_error(exc, data_dir / "x") if isinstance(exc, OSError) else (str(exc) or type(exc).__name__)
        undo_failed = None
        try:
            _rollback(data_dir, staging, plan, made_clients_dir=made_clients_dir)
        except OSError as undo_exc:
            undo_failed = undo_exc
        if undo_failed is None and _fingerprints(data_dir, plan_rels) == before:
            _discard(data_dir, staging, kept)
            if not isinstance(exc, Exception):
                raise  # KeyboardInterrupt and the like, after undoing
            raise RestoreError(f"Could not restore: {why}. Nothing was changed.") from exc
        where = " and ".join(str(p) for p in (staging / "old", kept.folder if kept else None) if p)
        raise RestoreError(
            f"Could not restore: {why}, and coach could not put every file back as it was; "
            f"your previous files are in {where}.",
            changed=True,
        ) from exc
    try:
        os.unlink(staging / JOURNAL)  # from here the new files stand
        fsync_dir(staging)
    except OSError:
        pass
    # what was replaced and did not read is not in the backup: keep it as it was
    aside = None
    damaged = [rel for rel, _ in (kept.skipped if kept else []) if os.path.lexists(staging / "old" / rel)]
    if damaged:
        try:
            aside = move_aside(data_dir, damaged, source=staging / "old")
        except (OSError, UnsafePathError):
            aside = _keep_or_leave(data_dir, staging)
    if os.path.lexists(staging) and aside != staging:
        try:
            remove_folder(data_dir, staging.name)
        except OSError:
            pass
    if kept is not None and kept.folder is not None and not kept.skipped:
        prune_backups(data_dir)
    return RestoreResult(kept=kept.folder if kept else None, set_aside=aside, replaced=_order(new_rels))


def _keep_or_leave(data_dir: Path, staging: Path) -> Path:
    """The whole staging folder into backups/damaged-*, or left where it is (recover() tries again)."""
    try:
        return keep_folder(data_dir, staging)
    except (OSError, UnsafePathError):
        return staging


def _numbered(records) -> dict[str, dict[str, Any]]:
    return {str(n): r for n, r in enumerate(records, start=1)}


def _stage_failed(exc: OSError, path: Path) -> RestoreError:
    return RestoreError(f"Could not restore: {describe_os_error(exc, path)}. Nothing was changed.")


def restore_document(data_dir: Path, document: Any) -> RestoreResult:
    """Replace all the data with an export document. The caller holds the lock.

    Raises ValueError (a RecordProblem naming the record and field) when the
    document does not fit, RestoreError when it could not be written; either
    way the live data is as it was.
    """
    from coach.store import summarise  # the store owns how a summary is made

    data_dir = Path(data_dir)
    clients = check_export(document)
    staging = _new_staging(data_dir)
    new_rels: set[str] = set()
    try:
        new = staging / "new"
        index_clients = {}
        for n, raw in enumerate(clients, start=1):
            client = Client.from_dict(raw)
            reflections = [Reflection.from_dict(r) for r in raw.get("reflections", [])]
            commitments = [Commitment.from_dict(c) for c in raw.get("commitments", [])]
            notes = [Note.from_dict(m) for m in raw.get("moments", [])]
            rel = history_rel(client.id)
            write_new_file(new / rel, dump_json({
                "reflections": _numbered(r.to_dict() for r in reflections),
                "commitments": _numbered(c.to_dict() for c in commitments),
                "moments": _numbered(m.to_dict() for m in notes),
            }))
            new_rels.add(rel)
            ordered = sorted(reflections, key=lambda r: (r.date, r.created_at))
            client.summary = summarise(ordered, commitments)
            client.summary.file = file_stamp(new / rel) or []  # a rename keeps inode, size and mtime
            index_clients[str(n)] = client.to_dict()
        drafts = [Draft.from_dict(d).to_dict() for d in document.get("drafts", [])]
        write_new_file(new / DRAFTS_FILE, dump_json({"drafts": _numbered(drafts)}))
        new_rels.add(DRAFTS_FILE)
        index = {"meta": {"1": {"schema": SCHEMA_VERSION, "created_at": now_stamp()}}, "clients": index_clients}
        write_new_file(new / INDEX_FILE, dump_json(index))
        new_rels.add(INDEX_FILE)
        fsync_dir(new / CLIENTS_DIR)
        fsync_dir(new)
        for rel in new_rels:  # what was staged reads back and passes the same check as any read
            read_data_file(new / rel, rel)
    except OSError as exc:
        _discard(data_dir, staging, None)
        raise _stage_failed(exc, data_dir / "x") from exc
    except DataFileError as exc:
        _discard(data_dir, staging, None)
        raise RestoreError(f"Could not restore: the copy staged for {exc.path.name} did not read back ({exc.problem}). Nothing was changed.") from exc
    except BaseException:
        _discard(data_dir, staging, None)
        raise
    return _commit(data_dir, staging, new_rels, replace_all=True)


def restore_file(data_dir: Path, source: Path, rel: str) -> RestoreResult:
    """Replace one data file (rel: coach.json, drafts.json or clients/<id>.json) with
    its copy in the folder `source` (a backup); every other file stays as it is.
    The caller holds the lock.
    """
    data_dir, source = Path(data_dir), Path(source)
    kind = rel_kind(rel)
    if kind is None:
        raise ValueError(f"“{rel}” is not a file coach keeps; --only takes {INDEX_FILE}, {DRAFTS_FILE} or {CLIENTS_DIR}/<id>.json.")
    try:
        copy = read_data_file(source / rel, rel)
    except DataFileError as exc:
        raise ValueError(f"That backup's copy is damaged too: {exc.path} {exc.problem}. Try an older one.") from None
    if copy is None:
        raise ValueError(f"{source} holds no {rel}.")
    if kind[0] == "history":
        try:
            index = read_data_file(data_dir / INDEX_FILE, INDEX_FILE)
        except DataFileError as exc:
            raise ValueError(f"{exc.path} is damaged too ({exc.problem}); bring it back first with --only {INDEX_FILE}.") from None
        ids = {doc.get("id") for doc in (index or {}).get("clients", {}).values()}
        if kind[1] not in ids:
            raise ValueError(f"{data_dir / INDEX_FILE} lists no client with the id {kind[1]}, so that file would belong to nobody.")
    raw = read_file_bytes(source / rel)
    recovered: list[str] = []
    if kind[0] == "index":
        # an older coach.json does not know the clients added since; their
        # files are here, and without an entry their reflections would belong
        # to nobody and vanish from view
        listed = {doc.get("id") for doc in copy.get("clients", {}).values()}
        here = [r.removeprefix(f"{CLIENTS_DIR}/").removesuffix(".json") for r in data_files(data_dir)
                if r.startswith(f"{CLIENTS_DIR}/")]
        recovered = [cid for cid in here if cid not in listed]
        if recovered:
            raw = dump_json(_with_recovered_clients(copy, recovered))
    staging = _new_staging(data_dir)
    try:
        write_new_file(staging / "new" / rel, raw)
        fsync_dir((staging / "new" / rel).parent)
        read_data_file(staging / "new" / rel, rel)
    except OSError as exc:
        _discard(data_dir, staging, None)
        raise _stage_failed(exc, data_dir / rel) from exc
    except BaseException:
        _discard(data_dir, staging, None)
        raise
    result = _commit(data_dir, staging, {rel}, replace_all=False)
    result.recovered = recovered
    return result


def _with_recovered_clients(index: dict[str, Any], client_ids: list[str]) -> dict[str, Any]:
    """coach.json with an entry for each client whose file it lacks, named so
    the user sees at once what to rename (the summary is rebuilt at open)."""
    clients = dict(index.get("clients", {}))
    next_id = max((int(k) for k in clients), default=0) + 1
    for n, cid in enumerate(client_ids):
        clients[str(next_id + n)] = Client(id=cid, name=f"{RECOVERED_NAME} {cid[:8]}").to_dict()
    return {**index, "clients": clients}


#: what a client is called whose file came back without its name (see restore_file)
RECOVERED_NAME = "Recovered client"


# -- reading a backup folder -----------------------------------------------------------


def read_folder_document(folder: Path) -> dict[str, Any]:
    """A backup folder (or any data folder) as one export document, every file checked.

    Refuses (DataFileError) a folder whose coach.json lists a client with a
    history that is not there: such a backup was taken while that file was
    damaged, and restoring it would drop the client's reflections.
    """
    folder = Path(folder)
    index = read_data_file(folder / INDEX_FILE, INDEX_FILE)
    if index is None:
        raise ValueError(f"{folder} is not a coach backup folder: it has no {INDEX_FILE}.")
    drafts = read_data_file(folder / DRAFTS_FILE, DRAFTS_FILE) or {}
    clients = []
    for doc in index.get("clients", {}).values():
        rel = history_rel(doc["id"])
        history = read_data_file(folder / rel, rel)
        if history is None and summary_promises_file(doc.get("summary")):
            raise DataFileError(
                folder / rel, "is missing, though coach.json says this client has reflections",
                "This backup is incomplete (that file was damaged when it was taken); use an older one.",
            )
        history = history or {}
        data = Client.from_dict(doc).to_dict()
        data.pop("summary", None)
        reflections = sorted((Reflection.from_dict(r) for r in history.get("reflections", {}).values()),
                             key=lambda r: (r.date, r.created_at))
        commitments = sorted((Commitment.from_dict(c) for c in history.get("commitments", {}).values()),
                             key=lambda c: (c.made_on, c.due))
        data["reflections"] = [r.to_dict() for r in reflections]
        data["commitments"] = [c.to_dict() for c in commitments]
        data["moments"] = [n.to_dict() for n in sorted((Note.from_dict(m) for m in history.get("moments", {}).values()),
                                                     key=lambda n: (n.on, n.created_at))]
        clients.append(data)
    clients.sort(key=lambda c: c["name"].casefold())
    draft_list = sorted((Draft.from_dict(d) for d in drafts.get("drafts", {}).values()),
                        key=lambda d: d.updated_at, reverse=True)
    return {
        "format": "coach-export",
        "schema": SCHEMA_VERSION,
        "exported_at": now_stamp(),
        "clients": clients,
        "drafts": [d.to_dict() for d in draft_list],
    }

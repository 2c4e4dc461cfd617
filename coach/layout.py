"""The files of a data folder, and the check each must pass to be read.

    coach.json            clients, each with a small summary; schema version
    drafts.json           unfinished reflections
    clients/<id>.json     one client's reflections and commitments
    backups/<stamp>/      copies, each file checked when taken
    coach.lock            held by the one coach that may write

Used by the store, by backups (a copy is checked with the same rules as the
file it copies) and by restore (a backup folder is read with them).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from coach.schema import (
    SCHEMA_VERSION,
    RecordProblem,
    check_drafts_records,
    check_history_records,
    check_index_records,
    is_id,
)
from coach.storage import DataFileError, check_tinydb_shape, parse_json_bytes, read_file_bytes

INDEX_FILE = "coach.json"
DRAFTS_FILE = "drafts.json"
CLIENTS_DIR = "clients"
BACKUPS_DIR = "backups"


def history_rel(client_id: str) -> str:
    """A client's file, relative to the data folder; only a plain id becomes a file name."""
    if not is_id(client_id):
        raise ValueError(f"Not a client id: {client_id!r}")
    return f"{CLIENTS_DIR}/{client_id}.json"


def rel_kind(rel: str) -> tuple[str, str | None] | None:
    """("index" | "drafts" | "history", client id) for a data file's relative path, else None."""
    if rel == INDEX_FILE:
        return "index", None
    if rel == DRAFTS_FILE:
        return "drafts", None
    head, _, name = rel.partition("/")
    if head == CLIENTS_DIR and name.endswith(".json") and is_id(name[: -len(".json")]):
        return "history", name[: -len(".json")]
    return None


def schema_version(data: dict[str, Any]) -> Any:
    meta = data.get("meta", {})
    first = next(iter(meta.values()), {}) if meta else {}
    return first.get("schema") if isinstance(first, dict) else None


def check_index_meta(path: Path, data: dict[str, Any]) -> None:
    version = schema_version(data)
    if data and version is None:
        raise DataFileError(path, "has no schema version, so it was not written by coach")
    if isinstance(version, bool) or not isinstance(version, int):
        raise DataFileError(path, "has a schema version coach does not understand")
    if version > SCHEMA_VERSION:
        raise DataFileError(
            path,
            f"was written by a newer coach (schema {version}; this one knows {SCHEMA_VERSION})",
            "Upgrade coach; nothing was changed.",
        )


def check_file(path: Path, rel: str, data: Any) -> dict[str, Any]:
    """The whole check of one data file's parsed content; DataFileError naming `path`."""
    kind = rel_kind(rel)
    if kind is None:
        raise DataFileError(path, "is not a file coach keeps")
    data = check_tinydb_shape(path, data)
    try:
        if kind[0] == "index":
            check_index_meta(path, data)
            check_index_records(data)
        elif kind[0] == "drafts":
            check_drafts_records(data)
        else:
            check_history_records(data, kind[1])
    except RecordProblem as problem:
        raise DataFileError(path, str(problem)) from problem
    return data


def read_data_file(path: Path, rel: str) -> dict[str, Any] | None:
    """Read and check one data file (None when it is not there)."""
    raw = read_file_bytes(path)
    if raw is None:
        return None
    return check_file(path, rel, parse_json_bytes(path, raw))


def data_files(folder: Path) -> list[str]:
    """The data files in a folder, relative paths, the index last.

    Only names coach gives (coach.json, drafts.json, clients/<id>.json);
    anything else there, and any link, is no data file of coach's.
    """
    folder = Path(folder)
    found = []
    clients = folder / CLIENTS_DIR
    try:
        names = sorted(os.listdir(clients)) if _is_real_dir(clients) else []
    except OSError:
        names = []
    for name in names:
        rel = f"{CLIENTS_DIR}/{name}"
        if rel_kind(rel) and _is_regular(clients / name):
            found.append(rel)
    for rel in (DRAFTS_FILE, INDEX_FILE):
        if _is_regular(folder / rel):
            found.append(rel)
    return found


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _is_real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def summary_promises_file(summary: Any) -> bool:
    """Whether a stored summary says its client had a file (so a missing one is a loss)."""
    if not isinstance(summary, dict):
        return False
    stamp = summary.get("file")
    if isinstance(stamp, list):
        return bool(stamp)
    count = summary.get("reflection_count")
    return bool((isinstance(count, int) and count > 0) or summary.get("open_commitments") or summary.get("last_commitment"))

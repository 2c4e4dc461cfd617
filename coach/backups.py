"""Backups: independent copies of the data files, each checked when taken.

`backups/<YYYYmmdd-HHMMSS>[-n]/` holds a copy (never a hard link: a change
made inside a live file must not reach its backups) of every data file that
passes the same check a read does. A file that does not pass is left out of
that backup, and while one is left out no backup is pruned, so the older
copies that can mend it stay. `backups/damaged-<stamp>/` keeps files set
aside as they were (a damaged drafts file, what a restore replaced); coach
never prunes those and never offers them for a restore.

Everything here works on folders coach made: names it generates, real
folders (not links) owned by the user inside a `backups/` that is itself no
link; pruning never follows a link.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Mapping

from coach.layout import BACKUPS_DIR, CLIENTS_DIR, check_file, data_files, read_data_file
from coach.safety import check_private_dir, ensure_private_subdir, is_private_subdir, make_private_dir
from coach.storage import (
    DataFileError,
    check_tinydb_shape,
    fsync_dir,
    parse_json_bytes,
    read_file_bytes,
    write_new_file,
)

BACKUPS_KEPT = 5
BACKUP_NAME = re.compile(r"(\d{8}-\d{6})(?:-(\d+))?\Z")
DAMAGED_NAME = re.compile(r"damaged-\d{8}-\d{6}(?:-\d+)?\Z")


@dataclass
class BackupResult:
    folder: Path | None = None  # the backup taken (None when there was nothing to copy)
    skipped: list[tuple[str, DataFileError]] = field(default_factory=list)  # files that did not pass


def backup_key(path: Path) -> tuple[str, int]:
    """Order backup folders by time, then by number: "...-10" comes after "...-9"."""
    m = BACKUP_NAME.match(path.name)
    if not m:
        return path.name, 0
    return m.group(1), int(m.group(2) or 1)


def backups_root(data_dir: Path) -> Path | None:
    """backups/ if it exists and passes the folder check (UnsafePathError if not)."""
    root = Path(data_dir) / BACKUPS_DIR
    if not os.path.lexists(root):
        return None
    check_private_dir(root, "The backups folder")
    return root


def list_backups(data_dir: Path) -> list[Path]:
    """Backup folders coach made, newest first (the damaged-* folders are not among them)."""
    root = backups_root(data_dir)
    if root is None:
        return []
    try:
        names = os.listdir(root)
    except OSError:
        return []
    found = [root / n for n in names if BACKUP_NAME.match(n) and is_private_subdir(root / n)]
    return sorted(found, key=backup_key, reverse=True)


def list_set_aside(data_dir: Path) -> list[Path]:
    root = backups_root(data_dir)
    if root is None:
        return []
    return sorted((root / n for n in os.listdir(root) if DAMAGED_NAME.match(n) and is_private_subdir(root / n)),
                  reverse=True)


PARTIAL_PREFIX = ".partial-"


def _new_partial(root: Path) -> Path:
    """A folder to fill, under a name no listing takes for a backup (0700, random)."""
    import tempfile

    return Path(tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=root))


def _publish(root: Path, partial: Path, prefix: str = "") -> Path:
    """Give a filled folder its name, by the time: only now does it count as a backup.

    Several in one second are numbered -2, -3...; a number is never reused,
    or a pruned name would come back sorted as the oldest. The caller holds
    the lock, so no other coach picks a name meanwhile.
    """
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    taken = []
    for name in os.listdir(root):
        m = BACKUP_NAME.match(name[len(prefix):]) if name.startswith(prefix) else None
        if m and m.group(1) == stamp:
            taken.append(int(m.group(2) or 1))
    n = max(taken, default=0) + 1
    while True:
        target = root / (f"{prefix}{stamp}" if n == 1 else f"{prefix}{stamp}-{n}")
        if not os.path.lexists(target):
            os.rename(partial, target)
            fsync_dir(root)
            return target
        n += 1


def move_aside(data_dir: Path, rels: list[str], *, source: Path | None = None) -> Path:
    """Move files (relative paths under `source`, the data folder by default) into a
    new backups/damaged-<stamp>/, as they are: a rename, so no room and no time is
    needed however big they are. The folder has its name from the start (a kill
    leaves at most an empty one), and is never pruned or offered for a restore.
    """
    data_dir = Path(data_dir)
    source = Path(source) if source is not None else data_dir
    root = ensure_private_subdir(data_dir / BACKUPS_DIR, "The backups folder")
    target = _publish(root, _new_partial(root), "damaged-")
    moved = []
    try:
        for rel in rels:
            dest = target / rel
            if dest.parent != target and not os.path.lexists(dest.parent):
                make_private_dir(dest.parent)
            os.rename(source / rel, dest)
            moved.append(rel)
        if (target / CLIENTS_DIR).is_dir():
            fsync_dir(target / CLIENTS_DIR)
        fsync_dir(target)
        fsync_dir(source)
    except BaseException:
        for rel in reversed(moved):
            try:
                os.rename(target / rel, source / rel)
            except OSError:
                pass
        raise
    return target


def keep_folder(data_dir: Path, folder: Path) -> Path:
    """Move a whole folder of files coach must not drop into backups/damaged-<stamp>/."""
    root = ensure_private_subdir(Path(data_dir) / BACKUPS_DIR, "The backups folder")
    return _publish(root, Path(folder), "damaged-")


def remove_partials(data_dir: Path) -> None:
    """Folders a killed backup left half filled: never a backup; removed by the next writer."""
    try:
        root = backups_root(data_dir)
        names = os.listdir(root) if root is not None else []
    except Exception:
        return
    for name in names:
        if name.startswith(PARTIAL_PREFIX):
            try:
                remove_folder(root, name)
            except OSError:
                pass


def _copy_checked(src: Path, dest: Path, raw: bytes) -> None:
    """Write the bytes read from `src` as a new file, then read the copy back: it must be them."""
    write_new_file(dest, raw)
    back = read_file_bytes(dest)
    if back != raw:
        raise DataFileError(dest, "did not read back as written", "The backup was not taken; check the disk.")


def remove_folder(root: Path, name: str) -> None:
    """Remove root/name, a folder coach made, without following any link."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0))
    try:
        st = os.lstat(name, dir_fd=fd)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
            return
        shutil.rmtree(name, dir_fd=fd)
    finally:
        os.close(fd)


def take_backup(
    data_dir: Path, *, prune: bool = True, known_good: Mapping[str, str] | None = None
) -> BackupResult:
    """Copy every data file that passes its check into a new backups/<stamp>/.

    Every file is parsed from the bytes copied; the record check is skipped
    for a file whose bytes have the sha256 `known_good` gives for it: bytes
    that passed the check before (a stamp alone is not enough: an edit in
    place can keep inode, size and mtime, and would be copied into every
    backup while the good copies were pruned).
    A file that does not pass is left out (listed in `skipped`). Raises
    OSError (disk full, say) after removing the partial backup; UnsafePathError
    if backups/ fails the folder check.
    """
    data_dir = Path(data_dir)
    rels = data_files(data_dir)
    result = BackupResult()
    if not rels:
        return result
    root = ensure_private_subdir(data_dir / BACKUPS_DIR, "The backups folder")
    target = _new_partial(root)
    try:
        if any(rel.startswith(f"{CLIENTS_DIR}/") for rel in rels):
            make_private_dir(target / CLIENTS_DIR)
        for rel in rels:
            src = data_dir / rel
            try:
                raw = read_file_bytes(src)
            except DataFileError as exc:
                result.skipped.append((rel, exc))  # a link or a device: nothing of ours to keep
                continue
            if raw is None:
                continue  # gone since the listing
            try:
                data = parse_json_bytes(src, raw)
                known = (known_good or {}).get(rel)
                if known and known == hashlib.sha256(raw).hexdigest():
                    check_tinydb_shape(src, data)
                else:
                    check_file(src, rel, data)
            except DataFileError as exc:
                result.skipped.append((rel, exc))
                continue
            _copy_checked(src, target / rel, raw)
        if (target / CLIENTS_DIR).is_dir():
            fsync_dir(target / CLIENTS_DIR)
        fsync_dir(target)
    except BaseException:
        remove_folder(root, target.name)
        raise
    if len(result.skipped) == len(rels):
        remove_folder(root, target.name)  # nothing passed: no backup to offer
    else:
        try:
            result.folder = _publish(root, target)
        except BaseException:
            remove_folder(root, target.name)
            raise
    if prune and not result.skipped:
        prune_backups(data_dir)
    return result


def prune_backups(data_dir: Path, keep: int = BACKUPS_KEPT) -> None:
    """Remove all but the newest `keep` backups: only folders coach named, real, the user's."""
    root = backups_root(data_dir)
    if root is None:
        return
    for old in list_backups(data_dir)[keep:]:
        try:
            remove_folder(root, old.name)
        except OSError:
            pass  # an old backup that will not go is no reason to fail a save


def good_copy(data_dir: Path, rel: str) -> Path | None:
    """The newest backup folder whose copy of `rel` reads and passes its check."""
    try:
        folders = list_backups(data_dir)
    except Exception:  # an unsafe backups/ offers nothing
        return None
    for folder in folders:
        try:
            if read_data_file(folder / rel, rel) is not None:
                return folder
        except DataFileError:
            continue
    return None

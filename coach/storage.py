"""Files on disk: atomic JSON writes, strict reads, a TinyDB storage on top.

TinyDB's stock JSONStorage rewrites its file in place; a crash mid-write leaves
a file nothing can parse. Here every write goes to a temporary file in the same
directory, is fsynced, then renamed over the old one, so a reader only ever
sees the old state or the new one.
"""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path
from typing import Any, Callable

from tinydb.storages import Storage

from coach.textsafe import valid_unicode, valid_unicode_tree

FILE_MODE = 0o600
DIR_MODE = 0o700


class DataFileError(Exception):
    """A data file coach will not touch: it does not parse or has the wrong shape."""

    def __init__(self, path: Path, problem: str, hint: str = "") -> None:
        self.path = Path(path)
        self.problem = problem
        self.hint = hint or "Nothing was changed. Restore a backup with `coach restore`, or move the file aside."
        super().__init__(f"{self.path}: {problem}. {self.hint}")


class SaveError(Exception):
    """A write that did not happen; the file on disk still holds the previous state."""


class ReadOnlyError(SaveError):
    pass


def ensure_private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    return path


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on a directory; the rename is still atomic
    finally:
        os.close(fd)


def describe_os_error(exc: OSError, path: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return f"the disk holding {path.parent} is full"
    if exc.errno == errno.EDQUOT:
        return f"your disk quota for {path.parent} is used up"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"coach may not write in {path.parent}"
    if exc.errno == errno.EROFS:
        return f"{path.parent} is on a read-only filesystem"
    return f"{exc.strerror or exc} ({path.parent})"


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Write `payload` to `path` so that the file is either old or new, never half."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        try:
            view = memoryview(payload)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise SaveError(f"Could not save: {describe_os_error(exc, path)}. Nothing on disk was changed.") from exc
    fsync_dir(path.parent)


def dump_json(data: Any) -> bytes:
    return encode_json(data)[0]


def encode_json(data: Any) -> tuple[bytes, bool]:
    """Compact UTF-8 JSON of `data`, and whether a lone surrogate had to be replaced.

    ensure_ascii=False keeps names in any script readable in the file itself,
    and leaves a lone surrogate in the text as it is, where it is replaced
    (see textsafe.valid_unicode) instead of being escaped as \\udXXX: two such
    escapes side by side would read back as one other character.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8"), False
    except UnicodeEncodeError:
        return valid_unicode(text).encode("utf-8"), True


def read_json_file(path: Path) -> Any:
    """Parse a data file strictly. A missing file is None; anything unreadable raises."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DataFileError(path, f"cannot be read ({exc.strerror})", "Check its permissions.") from exc
    if not raw.strip():
        raise DataFileError(path, "is empty")
    if b"\x00" in raw:
        raise DataFileError(path, "contains NUL bytes, so it is damaged")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DataFileError(path, "is not UTF-8 text, so it is damaged") from exc
    except json.JSONDecodeError as exc:
        raise DataFileError(path, f"is not valid JSON (line {exc.lineno}, column {exc.colno})") from exc
    if _SURROGATE_ESCAPE.search(raw):
        # an older coach (or a hand edit) wrote a lone surrogate as an escape:
        # keep only real characters from here on, as every write does
        data = valid_unicode_tree(data)[0]
    return data


#: \ud800-\udfff written as a JSON escape; a pair of them is a real character, and
#: json.loads has already joined those, so only lone ones are left to replace.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def check_tinydb_shape(path: Path, data: Any) -> dict[str, dict[str, Any]]:
    """TinyDB expects {table: {doc_id: document}}; anything else is refused."""
    if not isinstance(data, dict):
        raise DataFileError(path, "does not hold coach data (expected a JSON object of tables)")
    for table, docs in data.items():
        if not isinstance(docs, dict):
            raise DataFileError(path, f"has a table {table!r} that is not a JSON object")
        for doc_id, doc in docs.items():
            if not isinstance(doc, dict) or not str(doc_id).isdigit():
                raise DataFileError(path, f"has a malformed record in table {table!r}")
    return data


class AtomicJSONStorage(Storage):
    """TinyDB storage: strict reads, atomic writes, an in-memory copy between them.

    The copy is reused while the file's identity (inode, size, mtime) is
    unchanged, so reading a table does not reparse the file every time; a
    read-only second process still sees the writer's changes.
    """

    def __init__(
        self,
        path: Path,
        *,
        read_only: bool = False,
        before_write: Callable[[], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._before_write = before_write
        self._cache: dict[str, Any] | None = None
        self._stamp: tuple[int, int, int] | None = None

    def _file_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def read(self) -> dict[str, Any] | None:
        stamp = self._file_stamp()
        if stamp is None:
            self._cache, self._stamp = None, None
            return None
        if self._cache is not None and stamp == self._stamp:
            return self._cache
        data = check_tinydb_shape(self.path, read_json_file(self.path))
        self._cache, self._stamp = data, stamp
        return data

    def write(self, data: dict[str, Any]) -> None:
        if self.read_only:
            self._cache = None  # TinyDB changed our copy in memory; forget it
            raise ReadOnlyError("This coach is read-only: another coach is open on the same data.")
        try:
            if self._before_write is not None:
                self._before_write()
            payload, replaced = encode_json(data)
            atomic_write_bytes(self.path, payload)
        except BaseException:
            self._cache, self._stamp = None, None
            raise
        if replaced:
            # the file holds U+FFFD where our copy still has a lone surrogate: read it back
            self._cache, self._stamp = None, None
        else:
            self._cache, self._stamp = data, self._file_stamp()

    def close(self) -> None:
        self._cache = None

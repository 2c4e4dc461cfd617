"""Files on disk: atomic JSON writes, strict reads, a TinyDB storage on top.

TinyDB's stock JSONStorage rewrites its file in place; a crash mid-write leaves
a file nothing can parse. Here every write goes to a temporary file made
exclusively (random name, O_EXCL, never through a link) in the same
directory, is fsynced, then renamed over the old one, so a reader only ever
sees the old state or the new one. Reads never follow a link and refuse
anything but a regular file of a sane size.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shlex
import stat
import secrets
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from tinydb.storages import Storage

try:
    import orjson  # several times faster both ways, and the same bytes as json.dumps below
except ImportError:  # a platform it has no build for: the standard library, slower
    orjson = None

from coach.safety import make_private_dirs
from coach.textsafe import valid_unicode, valid_unicode_tree

FILE_MODE = 0o600
#: No data file coach writes comes near this; anything bigger is refused unread.
MAX_FILE_BYTES = 512 * 1024 * 1024

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
#: What open() says when O_NOFOLLOW met a link (Linux: ELOOP; the BSDs: EMLINK).
LINK_ERRNOS = {errno.ELOOP, getattr(errno, "EMLINK", errno.ELOOP)}


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


class RecordError(SaveError, ValueError):
    """A record that does not fit the schema (a text over its limit, say): nothing was written."""


class OutputRefused(SaveError):
    """An output path coach will not write: it exists, or it is a link or not a regular file."""

    def __init__(self, path: Path, message: str) -> None:
        self.path = Path(path)
        super().__init__(message)


def ensure_private_dir(path: Path) -> Path:
    """`path` and any missing parents, each made 0700 whatever the umask."""
    make_private_dirs(path)
    return Path(path)


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | _CLOEXEC)
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
    if exc.errno == errno.ENAMETOOLONG:
        return f"a file name in {path.parent} would be too long"
    if exc.errno in LINK_ERRNOS:
        return f"{path} is a link, and coach never writes through one"
    return f"{exc.strerror or exc} ({path.parent})"


def _write_all(fd: int, payload: bytes | Iterable[bytes]) -> None:
    """Write `payload` whole: bytes, or pieces in turn (an export of ten years
    is written a client at a time, never held in memory at once)."""
    for piece in (payload,) if isinstance(payload, (bytes, bytearray, memoryview)) else payload:
        view = memoryview(piece)
        while view:
            written = os.write(fd, view)
            view = view[written:]


def _pieces_of(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while piece := f.read(size):
            yield piece


def _write_temp(path: Path, payload: bytes | Iterable[bytes]) -> Path:
    """A new file beside `path` holding `payload`, fsynced: random name, created
    with O_EXCL|O_NOFOLLOW, mode 0600.

    The name is chosen before the file is made, so a hang-up that lands just as
    it is created (inside tempfile.mkstemp it could not be caught) still finds
    the name to remove; it is random, so nothing another user put there is it."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
        made = False
        try:
            try:
                fd = os.open(tmp, flags, FILE_MODE)
            except FileExistsError:
                continue  # someone else's: never touched
            made = True
            try:
                _write_all(fd, payload)
                os.fsync(fd)
            finally:
                os.close(fd)
        except BaseException as exc:
            if made or not isinstance(exc, OSError):
                _unlink_quietly(tmp)
            raise
        return tmp
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path.parent))


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Write `payload` to `path` so that the file is either old or new, never half.

    The temporary file is made exclusively with a random name, so nothing
    planted beside it is written through; the rename replaces the name `path`
    itself (a link there is replaced, never followed).
    """
    path = Path(path)
    tmp = None
    try:
        tmp = _write_temp(path, payload)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            _unlink_quietly(tmp)
        raise SaveError(f"Could not save: {describe_os_error(exc, path)}. Nothing on disk was changed.") from exc
    fsync_dir(path.parent)


def write_new_file(path: Path, payload: bytes | Iterable[bytes]) -> None:
    """Create `path` (nothing may be there, not even a link), 0600, write and fsync it.

    Raises OSError (FileExistsError when something is already there); a file
    left half-written by a failure is removed.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, FILE_MODE)
    try:
        try:
            _write_all(fd, payload)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        _unlink_quietly(path)
        raise


def check_output_path(path: Path, *, replace: bool = False, force_word: str = "--force") -> os.stat_result | None:
    """Whether coach may write `path`: None when nothing is there, its stat when it
    is a regular file that may be replaced; OutputRefused otherwise."""
    path = Path(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputRefused(path, f"Could not check {path}: {exc.strerror}.") from exc
    if stat.S_ISLNK(st.st_mode):
        raise OutputRefused(path, f"{path} is a link, and coach never writes through one; remove it or choose another file name.")
    if stat.S_ISDIR(st.st_mode):
        raise OutputRefused(path, f"{path} is a folder; give the name of a file to write instead.")
    if not stat.S_ISREG(st.st_mode):
        raise OutputRefused(path, f"{path} is not a regular file (a device, pipe or socket), so coach will not replace it; choose another file name.")
    if not replace:
        raise OutputRefused(path, f"{path} already exists; choose another name, or add {force_word} to replace it.")
    return st


def inside(path: Path, folder: Path) -> bool:
    """Whether `path` would land in `folder` or below it, links in either resolved."""
    try:
        where = Path(os.path.realpath(Path(path).parent)) / Path(path).name
        home = Path(os.path.realpath(folder))
    except (OSError, ValueError):
        return False
    return where == home or home in where.parents


def write_private_file(
    path: Path, payload: bytes | Iterable[bytes], *, replace: bool = False, force_word: str = "--force",
    data_dir: Path | None = None, other_names: Iterable[Path] = (),
) -> Path:
    """Write a file outside the data folder (an export, a backup, an agenda, a
    reflection kept elsewhere) that only the user can read.

    A new file is created exclusively, 0600. An existing path is replaced only
    when `replace` is true, and never when it is a link, a folder, a device or
    a pipe (OutputRefused, a SaveError, says which in one sentence). The file
    is written whole: a temporary file beside it, fsynced, then linked or
    renamed into place. `payload` may come in pieces (an iterable of bytes);
    an exception raised while they are made leaves nothing behind and goes on
    to the caller. `other_names`: new names to take in turn when something
    appears at `path` while it is written (a second backup in the same
    second). Returns the path written. With `data_dir`, a path in
    that folder is refused: nothing but coach's own saves goes there.
    """
    path = Path(path)
    if data_dir is not None and inside(path, data_dir):
        # an export written over coach.json, or into backups/, is data lost
        raise OutputRefused(path, f"{path} is inside coach's data folder ({data_dir}); write it somewhere else.")
    existing = check_output_path(path, replace=replace, force_word=force_word)
    tmp = None
    try:
        tmp = _write_temp(path, payload)
        if existing is None:
            try:
                path = _link_first_free(tmp, path, other_names)
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                    raise
                # no hard links here: create it exclusively in place, from the
                # temporary file (pieces of `payload` can be read only once)
                write_new_file(path, _pieces_of(tmp))
        else:
            now = os.lstat(path)
            if (now.st_dev, now.st_ino) != (existing.st_dev, existing.st_ino) or not stat.S_ISREG(now.st_mode):
                raise OutputRefused(path, f"{path} changed while coach was writing it; nothing was written there.")
            os.replace(tmp, path)
            tmp = None
    except FileExistsError:
        raise OutputRefused(path, f"{path} appeared while coach was writing it; nothing was written there.") from None
    except OSError as exc:
        raise SaveError(f"Could not write {path}: {describe_os_error(exc, path)}. Nothing was written there.") from exc
    finally:
        if tmp is not None:
            _unlink_quietly(tmp)
    fsync_dir(path.parent)
    return path


def _link_first_free(tmp: Path, path: Path, other_names: Iterable[Path]) -> Path:
    """Link `tmp` at `path`, or else at the first of `other_names` where nothing is."""
    names = iter(other_names)
    while True:
        try:
            os.link(tmp, path)  # fails if anything appeared at `path` meanwhile
            return path
        except FileExistsError:
            path = next(names, None)
            if path is None:
                raise


def read_file_bytes(path: Path, *, limit: int = MAX_FILE_BYTES, follow: bool = False) -> bytes | None:
    """A file's bytes, or None if it does not exist.

    Never through a link (unless `follow`), never from a pipe or device (a FIFO
    would block), never more than `limit` bytes: DataFileError otherwise.
    """
    path = Path(path)
    flags = os.O_RDONLY | _NONBLOCK | _CLOEXEC | (0 if follow else _NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno in LINK_ERRNOS and not follow:
            raise DataFileError(path, "is a link, not a file coach wrote",
                                f"Nothing was changed. Remove the link (rm {shlex.quote(str(path))}) and restore the file from a backup.") from exc
        raise DataFileError(path, f"cannot be read ({exc.strerror})", "Check its permissions.") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise DataFileError(path, "is not a regular file", "Nothing was changed. Move it aside.")
        if st.st_size > limit:
            raise DataFileError(path, f"is {st.st_size:,} bytes, far larger than coach ever writes",
                                "Nothing was changed. Move it aside or restore a backup.")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                raise DataFileError(path, "grew past the size coach ever writes while being read",
                                    "Nothing was changed. Move it aside or restore a backup.")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise DataFileError(path, f"cannot be read ({exc.strerror})", "Check its permissions.") from exc
    finally:
        os.close(fd)


def dump_json(data: Any) -> bytes:
    return encode_json(data)[0]


def encode_json(data: Any) -> tuple[bytes, bool]:
    """Compact UTF-8 JSON of `data`, and whether a lone surrogate had to be replaced.

    ensure_ascii=False keeps names in any script readable in the file itself,
    and leaves a lone surrogate in the text as it is, where it is replaced
    (see textsafe.valid_unicode) instead of being escaped as \\udXXX: two such
    escapes side by side would read back as one other character.
    """
    if orjson is not None:
        try:
            return orjson.dumps(data), False
        except TypeError:  # a lone surrogate, or anything else it will not take: as below
            pass
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8"), False
    except UnicodeEncodeError:
        return valid_unicode(text).encode("utf-8"), True


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_json_file(path: Path) -> Any:
    """Parse a data file strictly. A missing file is None; anything unreadable raises."""
    path = Path(path)
    raw = read_file_bytes(path)
    if raw is None:
        return None
    return parse_json_bytes(path, raw)


def parse_json_bytes(path: Path, raw: bytes) -> Any:
    """The JSON in a data file's bytes; DataFileError naming `path` if there is none."""
    if not raw.strip():
        raise DataFileError(path, "is empty")
    if b"\x00" in raw:
        raise DataFileError(path, "contains NUL bytes, so it is damaged")
    if orjson is not None and not _SURROGATE_ESCAPE.search(raw):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass  # the standard library's reading below says what is wrong, as it always has
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DataFileError(path, "is not UTF-8 text, so it is damaged") from exc
    except json.JSONDecodeError as exc:
        raise DataFileError(path, f"is not valid JSON (line {exc.lineno}, column {exc.colno})") from exc
    except RecursionError as exc:
        raise DataFileError(path, "is nested too deeply to be coach data") from exc
    except ValueError as exc:  # e.g. a number of more digits than Python will read
        raise DataFileError(path, f"holds something JSON allows but no coach file does ({exc})") from exc
    if _SURROGATE_ESCAPE.search(raw):
        # an older coach (or a hand edit) wrote a lone surrogate as an escape:
        # keep only real characters from here on, as every write does
        data = valid_unicode_tree(data)[0]
    return data


#: \ud800-\udfff written as a JSON escape; a pair of them is a real character, and
#: json.loads has already joined those, so only lone ones are left to replace.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


_DOC_ID = re.compile(r"[0-9]{1,18}")


def check_tinydb_shape(path: Path, data: Any) -> dict[str, dict[str, Any]]:
    """TinyDB expects {table: {doc_id: document}}; anything else is refused."""
    if not isinstance(data, dict):
        raise DataFileError(path, "does not hold coach data (expected a JSON object of tables)")
    for table, docs in data.items():
        if not isinstance(docs, dict):
            raise DataFileError(path, f"has a table {table!r} that is not a JSON object")
        for doc_id, doc in docs.items():
            # TinyDB reads each key with int(): only ASCII digits, and not so
            # many that int() refuses them ("²".isdigit() is True, int("²") fails)
            if not isinstance(doc, dict) or _DOC_ID.fullmatch(str(doc_id)) is None:
                raise DataFileError(path, f"has a malformed record in table {table!r}")
    return data


def file_stamp(path: Path) -> list[int] | None:
    """What identifies one version of a file cheaply: inode, size, mtime (ns).

    Every write makes a new inode (a rename), so a summary that recorded the
    stamp of the client file it was built from is known to be current while
    the stamp matches, without reading the file. None when there is no file.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns]


class AtomicJSONStorage(Storage):
    """TinyDB storage: strict reads, atomic writes, an in-memory copy between them.

    The copy is reused while the file's identity (inode, size, mtime) is
    unchanged, so reading a table does not reparse the file every time; a
    read-only second process still sees the writer's changes.

    `check`, if given, is the schema check for the whole file (see
    coach.schema): a file that does not pass it is refused on read
    (DataFileError) and never written (RecordError).
    """

    def __init__(
        self,
        path: Path,
        *,
        read_only: bool = False,
        before_write: Callable[[], None] | None = None,
        check: Callable[[dict[str, Any]], None] | None = None,
        check_on_read: bool = True,
        read_only_reason: Callable[[], str] | None = None,
        known_digest: Callable[[], str] | None = None,
    ) -> None:
        self.path = Path(path)
        # The digest of a version of this file known to pass `check`: coach
        # wrote those very bytes (each record checked) or read them with the
        # whole-file check. The same bytes again are only parsed, so reading
        # ten years of history costs a parse; any other bytes, even under the
        # same size and mtime, get the whole check. See Store._known_digest.
        self._known_digest = known_digest
        #: the sha256 of the version last read or written, when it passed the check
        self.digest = ""
        self.read_only = read_only
        self._before_write = before_write
        self._check = check
        self._check_on_read = check_on_read
        self._read_only_reason = read_only_reason
        self._cache: dict[str, Any] | None = None
        self._stamp: list[int] | None = None

    def read(self) -> dict[str, Any] | None:
        stamp = file_stamp(self.path)
        if stamp is None:
            self._cache, self._stamp = None, None
            return None
        if self._cache is not None and stamp == self._stamp:
            return self._cache
        raw = read_file_bytes(self.path)
        if raw is None:
            self._cache, self._stamp = None, None
            return None
        data = check_tinydb_shape(self.path, parse_json_bytes(self.path, raw))
        digest = _sha256(raw) if self._known_digest is not None else ""
        self.digest = ""
        if self._check is not None and self._check_on_read and not (digest and digest == self._known_digest()):
            try:
                self._check(data)
            except ValueError as problem:
                raise DataFileError(self.path, str(problem)) from problem
        self._cache, self._stamp, self.digest = data, stamp, digest
        return data

    def write(self, data: dict[str, Any], *, check: Callable[[dict[str, Any]], None] | None = None) -> None:
        """Replace the file with `data`. `check` stands in for the whole-file
        check when the caller knows which records changed (see Store._write_history)."""
        check = check or self._check
        if self.read_only:
            self._cache = None  # TinyDB changed our copy in memory; forget it
            reason = self._read_only_reason() if self._read_only_reason else "This coach is read-only."
            raise ReadOnlyError(reason)
        try:
            if check is not None:
                try:
                    check(data)
                except ValueError as problem:
                    raise RecordError(f"Could not save: {problem}. Nothing on disk was changed.") from problem
            if self._before_write is not None:
                self._before_write()
            payload, replaced = encode_json(data)
            atomic_write_bytes(self.path, payload)
        except BaseException:
            self._cache, self._stamp, self.digest = None, None, ""
            raise
        self.digest = _sha256(payload) if self._known_digest is not None else ""
        if replaced:
            # the file holds U+FFFD where our copy still has a lone surrogate: read it back
            self._cache, self._stamp = None, None
        else:
            self._cache, self._stamp = data, file_stamp(self.path)

    def close(self) -> None:
        self._cache = None

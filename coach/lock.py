"""One writer per data directory.

An advisory flock on a lock file: the kernel drops it when the holder dies, so
a coach killed by a dropped SSH connection never leaves a lock that blocks the
next start.

The lock file is opened with O_NOFOLLOW and must be a regular file of the
user's: a link planted at `coach.lock` is refused, never written through.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shlex
import socket
import stat
from datetime import date, datetime
from pathlib import Path

from coach.dates import short_moment
from coach.safety import UnsafePathError
from coach.storage import FILE_MODE, LINK_ERRNOS

LOCK_FILE = "coach.lock"
_FLAGS = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def _refuse(path: Path, what: str) -> UnsafePathError:
    return UnsafePathError(
        path, f"{path} is {what}, not the lock file coach makes; remove it (rm {shlex.quote(str(path))}) and run coach again."
    )


def _open_lock(path: Path, flags: int) -> int:
    """The lock file's descriptor, never through a link or onto anything but a regular file of ours."""
    try:
        fd = os.open(path, flags, FILE_MODE)
    except OSError as exc:
        if exc.errno in LINK_ERRNOS:
            raise _refuse(path, "a link") from exc
        if exc.errno in (errno.EISDIR, errno.ENXIO, errno.EOPNOTSUPP):
            raise _refuse(path, "not a regular file") from exc  # a folder or a socket
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _refuse(path, "not a regular file")
        if st.st_uid != os.geteuid():
            raise _refuse(path, "owned by another user")
        if st.st_nlink != 1:
            raise _refuse(path, "a hard link to another file")
    except BaseException:
        os.close(fd)
        raise
    return fd


class DataLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_FILE
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Try once, without waiting. True when this process is now the writer.

        Raises OSError when the lock file cannot be made or opened (a
        read-only folder, say) and UnsafePathError when something other than
        coach's lock file is at its name.
        """
        if self._fd is not None:
            return True
        fd = _open_lock(self.path, _FLAGS)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now().isoformat(timespec="minutes"),
        }
        self._fd = fd
        try:
            os.ftruncate(fd, 0)
            os.write(fd, json.dumps(info).encode())
        except OSError:
            pass  # who holds it is only for the message; the flock is what counts
        return True

    def is_free(self) -> bool:
        """Whether nobody holds the lock now (taking it for a moment to find out)."""
        if self._fd is not None:
            return False
        try:
            fd = _open_lock(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except FileNotFoundError:
            return True
        except (OSError, UnsafePathError):
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        finally:
            os.close(fd)  # closing drops the flock
        return True

    def holder(self) -> str:
        """Who holds the lock, in words, for the message the second coach shows."""
        info = {}
        try:
            fd = _open_lock(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except (OSError, UnsafePathError):
            fd = None
        if fd is not None:
            try:
                info = json.loads(os.pread(fd, 4096, 0).decode("utf-8", "replace") or "{}")
            except (OSError, ValueError):
                info = {}
            finally:
                os.close(fd)
        if not isinstance(info, dict) or not info:
            return "another coach"
        # the holder's clock time, in the one short form dates take on screen
        since = short_moment(str(info.get("since", "?")), date.today())
        return f"coach (process {info.get('pid')} on {info.get('host')}, since {since})"

    def release(self) -> None:
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None


def lock_error_is_permission(exc: OSError) -> bool:
    return exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)

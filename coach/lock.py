"""One writer per data directory.

An advisory flock on a lock file: the kernel drops it when the holder dies, so
a coach killed by a dropped SSH connection never leaves a lock that blocks the
next start.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from datetime import datetime
from pathlib import Path

from coach.storage import FILE_MODE


class DataLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / "coach.lock"
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Try once, without waiting. True when this process is now the writer."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
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

    def holder(self) -> str:
        """Who holds the lock, in words, for the message the second coach shows."""
        try:
            info = json.loads(self.path.read_text() or "{}")
        except (OSError, ValueError):
            info = {}
        if not info:
            return "another coach"
        return f"coach (process {info.get('pid')} on {info.get('host')}, since {info.get('since', '?').replace('T', ' ')})"

    def release(self) -> None:
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None

"""Whether a folder is safe to keep notes in, checked the way OpenSSH's
StrictModes checks ~/.ssh, and making folders that are.

A folder coach keeps data in (the data folder, clients/, backups/ and each
backup) must be a real folder, not a link; owned by the user running coach;
and not writable by group or others, or someone else could swap a file or
plant a link in it. The data folder's parents must belong to the user or to
root and not be writable by others, unless they carry the sticky bit (as /tmp
does), where others cannot rename or remove what is not theirs.

A failed check refuses, in one sentence with the exact fix; it never warns and
carries on.
"""

from __future__ import annotations

import errno
import os
import shlex
import stat
from pathlib import Path

DIR_MODE = 0o700


class UnsafePathError(Exception):
    """A folder or file coach will not use as it stands; the message says how to fix it."""

    def __init__(self, path: Path, message: str) -> None:
        self.path = Path(path)
        super().__init__(message)


def _q(path: Path | str) -> str:
    return shlex.quote(str(path))


def _owner(uid: int) -> str:
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"


def _move_hint(what: str) -> str:
    return f"keep {what} in a folder of your own instead, e.g. `--data-dir ~/.local/share/coach`"


def check_private_dir(path: Path, what: str = "", *, data_folder: bool = False) -> os.stat_result:
    """A folder coach keeps data in: a real folder of the user's, closed to others' writes.

    Read-only group/other permissions are allowed here (they only draw a
    warning, see store.permission_warnings); write permission is refused.
    """
    path = Path(path)
    what = what or f"The folder {path}"
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise UnsafePathError(path, f"{what} cannot be checked ({exc.strerror}); check the permissions of its parent folders.") from exc
    if stat.S_ISLNK(st.st_mode):
        target = os.path.realpath(path)
        fix = (f"use the folder itself with `--data-dir {_q(target)}`, or replace the link with a real folder"
               if data_folder else "replace the link with the real folder it points to")
        raise UnsafePathError(
            path, f"{what} ({path}) is a link to {target}, and coach does not keep notes through links; {fix}.",
        )
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafePathError(path, f"{what} ({path}) is not a folder; move it aside and run coach again.")
    if st.st_uid != os.geteuid():
        raise UnsafePathError(
            path,
            f"{what} ({path}) belongs to {_owner(st.st_uid)}, not to you, so its owner could read or change your notes; "
            f"{_move_hint('your data')}.",
        )
    if st.st_mode & 0o022 and st.st_mode & stat.S_ISVTX:
        # a shared folder such as /tmp: closing it would break it for everyone else
        raise UnsafePathError(
            path,
            f"{what} ({path}) is a folder shared with other users (mode {stat.S_IMODE(st.st_mode):o}); "
            f"{_move_hint('your data')}, or in a new folder inside it (`--data-dir {_q(Path(path) / 'coach')}`).",
        )
    if st.st_mode & 0o022:
        raise UnsafePathError(
            path,
            f"{what} ({path}) can be changed by other users (mode {stat.S_IMODE(st.st_mode):o}); run: chmod 700 {_q(path)}",
        )
    return st


def check_parents(path: Path) -> None:
    """The data folder's parents: the user's or root's, and closed to others' writes
    unless sticky. Links on the way must be the user's or root's too."""
    path = Path(os.path.abspath(path))
    me = os.geteuid()
    # a link on the way can be re-pointed by its owner at any moment
    walked = Path(path.anchor)
    for part in path.parts[1:-1]:
        walked = walked / part
        try:
            st = os.lstat(walked)
        except OSError:
            break  # not there (yet): the real path below is what counts
        if stat.S_ISLNK(st.st_mode) and st.st_uid not in (0, me):
            raise UnsafePathError(
                walked,
                f"The data folder {path} is reached through the link {walked}, which belongs to "
                f"{_owner(st.st_uid)} and could be re-pointed; {_move_hint('your data')}.",
            )
    real = Path(os.path.realpath(path))
    for parent in real.parents:
        try:
            st = os.stat(parent)
        except FileNotFoundError:
            continue  # coach will make it, 0700
        except OSError as exc:
            raise UnsafePathError(parent, f"The folder {parent} above your data cannot be checked ({exc.strerror}).") from exc
        if st.st_uid not in (0, me):
            raise UnsafePathError(
                parent,
                f"The data folder {path} is inside {parent}, which belongs to {_owner(st.st_uid)}, "
                f"who could replace it; {_move_hint('your data')}.",
            )
        if st.st_mode & 0o022 and not st.st_mode & stat.S_ISVTX:
            fix = (f"run: chmod go-w {_q(parent)}, or {_move_hint('your data')}" if st.st_uid == me
                   else _move_hint("your data"))
            raise UnsafePathError(
                parent,
                f"The data folder {path} is inside {parent}, which other users can write to "
                f"(mode {stat.S_IMODE(st.st_mode):o}), so they could replace it; {fix}.",
            )


def check_data_dir(path: Path) -> os.stat_result:
    """The whole check for a data folder that exists: its parents, then itself."""
    check_parents(path)
    return check_private_dir(path, "The data folder", data_folder=True)


def _fchmod_dir(path: Path, mode: int) -> None:
    """chmod a folder without following a link put in its place."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    try:
        os.fchmod(fd, mode)
    finally:
        os.close(fd)


def make_private_dir(path: Path) -> bool:
    """Make one folder 0700 whatever the umask; True if it was made here, False if it was there."""
    try:
        os.mkdir(path, DIR_MODE)
    except FileExistsError:
        return False
    _fchmod_dir(path, DIR_MODE)  # mkdir's mode is masked by the umask
    return True


def make_private_dirs(path: Path) -> list[Path]:
    """Make `path` and any missing parents, one by one, each 0700 under any umask.

    (`Path.mkdir(parents=True, mode=0o700)` gives the parents 0777 & ~umask.)
    Returns the folders made. Existing folders are left as they are; the
    checks decide whether they will do.
    """
    path = Path(os.path.abspath(path))
    missing = []
    probe = path
    while not os.path.lexists(probe):
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    made = []
    for folder in reversed(missing):
        if make_private_dir(folder):
            made.append(folder)
    return made


def ensure_private_subdir(path: Path, what: str = "") -> Path:
    """A folder inside the (checked) data folder: made 0700 if missing, checked either way."""
    path = Path(path)
    if not os.path.lexists(path):
        make_private_dir(path)
    check_private_dir(path, what)
    return path


def is_private_subdir(path: Path) -> bool:
    """The check as a yes/no: for listings that skip what does not pass."""
    try:
        check_private_dir(path)
    except (OSError, UnsafePathError):
        return False
    return True


def writable_dir(path: Path) -> bool:
    """Whether this process may make files in `path` (root may, whatever the mode)."""
    kwargs = {"effective_ids": True} if os.access in os.supports_effective_ids else {}
    return os.access(path, os.W_OK | os.X_OK, **kwargs)


def read_only_filesystem(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def os_error_is_permission(exc: OSError) -> bool:
    return exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)

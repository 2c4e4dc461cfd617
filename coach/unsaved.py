"""A reflection that could not be saved where it belongs, written somewhere else.

Used when the data folder refuses a write (a full disk, lost permissions): the
user's words go to a new private file they name, never over an existing file
and never through a link. The file is a draft in coach's JSON form, so it can
be read back by hand or kept.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import datetime
from pathlib import Path

from coach.models import Draft
from coach.safety import is_private_subdir
from coach.textsafe import valid_unicode

FILE_MODE = 0o600


def suggested_path(folder: Path | None = None) -> Path:
    """A new file name: the time and a random part, so nobody can plant a link
    at it in advance, and no client's name for others to see in a listing."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return (folder or Path.home()) / f"coach-unsaved-{stamp}-{secrets.token_hex(4)}.json"


def fallback_folders(data_dir: Path) -> list[Path]:
    """Where a draft goes when the data folder will not take it and nobody is
    there to ask: the home folder, the session's private runtime folder (in
    memory, so it works on a full disk), then beside the data folder; only
    those that are the user's own and closed to others' writes (the check
    coach makes of its own folders), so a file made there cannot be raced or
    replaced by anyone else."""
    candidates = [Path.home()]
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        candidates.append(Path(runtime))
    candidates.append(Path(data_dir).parent)
    found: list[Path] = []
    for folder in candidates:
        if folder not in found and is_private_subdir(folder):
            found.append(folder)
    return found


def write_new_private_file(path: Path, payload: bytes) -> Path:
    """Create `path` (0600) and write `payload`; refuse an existing name or a link."""
    path = Path(path).expanduser()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        try:
            path.unlink()
        except OSError:
            pass
        raise
    os.close(fd)
    return path


def save_draft_elsewhere(draft: Draft, client_name: str, path: Path) -> Path:
    document = {"format": "coach-unsaved-reflection", "client": client_name, "draft": draft.to_dict()}
    text = valid_unicode(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"
    return write_new_private_file(path, text.encode("utf-8"))


def save_words_somewhere(what: str, words: dict[str, str], data_dir: Path) -> Path | None:
    """Words typed in a dialog or the terms and not saved, when the terminal went away:
    a new private file in the first fallback folder that takes it. Best effort; nobody
    is there to ask."""
    document = {"format": "coach-unsaved-words", "what": what, "words": words}
    payload = (valid_unicode(json.dumps(document, ensure_ascii=False, indent=2)) + "\n").encode("utf-8")
    for folder in fallback_folders(data_dir):
        for _ in range(3):  # a fresh random name if one was taken
            try:
                return write_new_private_file(suggested_path(folder), payload)
            except FileExistsError:
                continue
            except OSError:
                break
    return None


def why_not(exc: OSError, path: Path) -> str:
    import errno

    if exc.errno == errno.EEXIST:
        return f"{path} already exists; coach never writes over a file. Choose another name."
    if exc.errno == errno.ELOOP:
        return f"{path} is a link; coach writes only to a new, real file. Choose another name."
    return f"Could not write {path}: {exc.strerror or exc}."

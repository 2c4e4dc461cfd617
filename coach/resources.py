"""Where the files that ship with coach (data/, styles/) are found.

In a wheel they sit inside the package (coach/data, coach/styles); in a source
checkout they sit beside the package at the top of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"coach is installed without its {name}/ folder; reinstall it")


def data_file(name: str) -> Path:
    return shipped_dir("data") / name


def style_file(name: str) -> Path:
    return shipped_dir("styles") / name

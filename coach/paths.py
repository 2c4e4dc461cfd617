"""Where a user's data lives: --data-dir, then $COACH_DATA_DIR, then the platform's data dir."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path


def resolve_data_dir(cli_value: str | None = None) -> Path:
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get("COACH_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return user_data_path("coach", appauthor=False)

"""The user's settings, from config.toml in the platform's config folder.

No Textual here: the command line and the date parser read these too. Each
setting is one entry in SETTINGS (its key, its choices, the environment
variable that overrides it, and where its default comes from), so adding one
is one entry there and one field on Settings. A file that does not parse, or a
value coach does not know, never stops coach: the default is used and
`warnings` says, in one sentence, which file and line to fix.
"""

from __future__ import annotations

import locale
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

CONFIG_FILE = "config.toml"
DAY_FIRST, MONTH_FIRST = "day-first", "month-first"
DATE_ORDERS = (DAY_FIRST, MONTH_FIRST)

# Where the locale cannot be asked (not installed, as on many servers), its
# territory decides: these write the month before the day.
MONTH_FIRST_TERRITORIES = frozenset({
    "US", "PR", "GU", "VI", "AS", "MP", "UM", "PH", "FM", "MH", "PW",
    "CN", "JP", "KR", "TW",  # year, month, day: the month still comes before the day
})


def locale_date_order(environ: Mapping[str, str] | None = None) -> str:
    """Day-first or month-first as the user's locale writes dates; day-first when it cannot tell."""
    environ = os.environ if environ is None else environ
    name = next((environ[k] for k in ("LC_ALL", "LC_TIME", "LANG") if environ.get(k)), "")
    base = name.split(".")[0].split("@")[0]
    if base in ("", "C", "POSIX"):
        return DAY_FIRST
    probed = _probe_locale(name)
    if probed:
        return probed
    territory = base.partition("_")[2].upper()
    return MONTH_FIRST if territory in MONTH_FIRST_TERRITORIES else DAY_FIRST


def _probe_locale(name: str) -> str | None:
    """The order of day and month in the locale's own short date (%x), if it is installed."""
    try:
        previous = locale.setlocale(locale.LC_TIME)
    except locale.Error:
        return None
    try:
        locale.setlocale(locale.LC_TIME, name)
        # 22 November 2001: the day and the month cannot be mistaken for each other
        shown = time.strftime("%x", (2001, 11, 22, 0, 0, 0, 3, 326, 0))
    except (locale.Error, ValueError):
        return None
    finally:
        try:
            locale.setlocale(locale.LC_TIME, previous)  # never leave weekday names translated
        except locale.Error:
            pass
    day, month = shown.find("22"), shown.find("11")
    if day < 0 or month < 0:
        return None
    return DAY_FIRST if day < month else MONTH_FIRST


@dataclass(frozen=True)
class Setting:
    key: str
    choices: tuple[str, ...]  # the words it may be; empty for a number (`whole`)
    env: str
    default: Callable[[Mapping[str, str]], str | int]
    meaning: str  # how a warning names what the default does
    whole: tuple[int, int] | None = None  # a whole number from, to

    def read(self, given: object) -> str | int | None:
        """`given` (from the file or the environment) as this setting's value, or None when it does not fit."""
        if self.whole is not None:
            text = str(given).strip() if isinstance(given, (str, int)) and not isinstance(given, bool) else ""
            if not text.isascii() or not text.isdigit():
                return None
            low, high = self.whole
            return int(text) if low <= int(text) <= high else None
        if isinstance(given, str) and given.strip().lower() in self.choices:
            return given.strip().lower()
        return None


ASK_EVERY_DAYS = 90

SETTINGS = (
    Setting("date_order", DATE_ORDERS, "COACH_DATE_ORDER", locale_date_order,
            "numeric dates such as 4/12 are read"),
    Setting("ask_every_days", (), "COACH_ASK_EVERY_DAYS", lambda _env: ASK_EVERY_DAYS,
            "coach suggests a check-in with a client not asked for this many days:", whole=(7, 730)),
)


@dataclass(frozen=True)
class Settings:
    date_order: str = DAY_FIRST
    ask_every_days: int = ASK_EVERY_DAYS
    path: Path | None = None
    sources: dict[str, str] = field(default_factory=dict)  # key: "default", "file" or "env"
    warnings: tuple[str, ...] = ()


def config_path() -> Path:
    """config.toml in the platform's config folder (~/.config/coach, or $XDG_CONFIG_HOME/coach)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("coach", appauthor=False)) / CONFIG_FILE


def load(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings: the file, then the environment over it. Never raises."""
    environ = os.environ if environ is None else environ
    path = config_path() if path is None else path
    warnings: list[str] = []
    raw, lines = _read(path, warnings)
    known = {s.key for s in SETTINGS}
    for key in raw:
        if key not in known:
            warnings.append(f"{path}, line {_line_of(lines, key)}: coach has no setting called "
                            f"{_quoted(key)}; it is ignored (known: {', '.join(sorted(known))}).")
    values: dict[str, str | int] = {}
    sources: dict[str, str] = {}
    for setting in SETTINGS:
        value, source = setting.default(environ), "default"
        if setting.key in raw:
            given = raw[setting.key]
            if (read := setting.read(given)) is not None:
                value, source = read, "file"
            else:
                warnings.append(f"{path}, line {_line_of(lines, setting.key)}: {setting.key} must be "
                                f"{_choices(setting)}, not {_quoted(given)}; until then {setting.meaning} {value}.")
        if setting.env in environ:
            given = environ[setting.env]
            if (read := setting.read(given)) is not None:
                value, source = read, "env"
            else:
                warnings.append(f"The environment variable {setting.env} must be {_choices(setting)}, "
                                f"not {_quoted(given)}; it is ignored and {setting.meaning} {value}.")
        values[setting.key] = value
        sources[setting.key] = source
    return Settings(**values, path=path, sources=sources, warnings=tuple(warnings))


def _read(path: Path, warnings: list[str]) -> tuple[dict, list[str]]:
    import tomllib

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError) as exc:
        reason = "it is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else (exc.strerror or str(exc)).lower()
        warnings.append(f"{path} could not be read ({reason}); coach uses its default settings.")
        return {}, []
    try:
        return tomllib.loads(text), text.splitlines()
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_in_message(str(exc))
        where = f", line {line}" if line else ""
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        warnings.append(f"{path}{where} is not valid TOML ({reason.rstrip('.')}); coach uses its default settings until it is fixed.")
        return {}, []


def _line_in_message(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _line_of(lines: list[str], key: str) -> int:
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    return next((n for n, line in enumerate(lines, start=1) if pattern.match(line)), 1)


def _choices(setting: Setting) -> str:
    if setting.whole is not None:
        return f"a whole number from {setting.whole[0]} to {setting.whole[1]}"
    return " or ".join(f'"{choice}"' for choice in setting.choices)


def _quoted(value: object) -> str:
    """A value as a warning may show it: short, on one line, no control characters."""
    text = value if isinstance(value, str) else repr(value)
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    text = text if len(text) <= 40 else text[:39] + "…"
    return f'"{text}"' if isinstance(value, str) else text


_current: Settings | None = None


def current() -> Settings:
    """The settings of this run, read once."""
    global _current
    if _current is None:
        _current = load()
    return _current


def reload() -> Settings:
    """Read the settings again (after the file or the environment changed: tests, mostly)."""
    global _current
    _current = None
    return current()

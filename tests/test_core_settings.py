"""Settings from config.toml and the environment: never a crash, always a default,
and a warning that names the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach import settings
from coach.settings import DAY_FIRST, MONTH_FIRST, config_path, load, locale_date_order

NO_LOCALE = {"LANG": "C"}


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_the_file_lives_in_the_platform_config_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert config_path() == tmp_path / "cfg" / "coach" / "config.toml"


def test_no_file_means_the_locale_default_and_no_warning(tmp_path):
    result = load(tmp_path / "missing.toml", {"LANG": "en_US.UTF-8"})
    assert result.date_order == MONTH_FIRST
    assert result.sources == {"date_order": "default", "ask_every_days": "default"}
    assert result.warnings == ()


@pytest.mark.parametrize("value, order", [("day-first", DAY_FIRST), ("month-first", MONTH_FIRST), (" Month-First ", MONTH_FIRST)])
def test_the_file_sets_the_order(tmp_path, value, order):
    path = write(tmp_path / "config.toml", f'# mine\ndate_order = "{value}"\n')
    result = load(path, NO_LOCALE)
    assert (result.date_order, result.sources["date_order"], result.warnings) == (order, "file", ())


def test_the_environment_wins_over_the_file(tmp_path):
    path = write(tmp_path / "config.toml", 'date_order = "day-first"\n')
    result = load(path, {**NO_LOCALE, "COACH_DATE_ORDER": "month-first"})
    assert (result.date_order, result.sources["date_order"]) == (MONTH_FIRST, "env")


def test_a_file_that_is_not_toml_warns_with_its_line(tmp_path):
    path = write(tmp_path / "config.toml", '# coach\n\ndate_order = day-first\n')
    result = load(path, NO_LOCALE)
    assert result.date_order == DAY_FIRST
    [warning] = result.warnings
    assert warning.startswith(f"{path}, line 3 is not valid TOML (")
    assert warning.endswith("; coach uses its default settings until it is fixed.")


def test_a_value_coach_does_not_know_warns_with_its_line(tmp_path):
    path = write(tmp_path / "config.toml", '\n\n  date_order = "sideways"\n')
    result = load(path, {"LANG": "en_US"})
    assert result.date_order == MONTH_FIRST  # the locale's
    assert result.warnings == (
        f'{path}, line 3: date_order must be "day-first" or "month-first", not "sideways"; '
        "until then numeric dates such as 4/12 are read month-first.",
    )


@pytest.mark.parametrize("value", ["3", "true", "[1, 2]", '{a = 1}', '"' + "x" * 500 + '"'])
def test_values_of_other_kinds_warn_too(tmp_path, value):
    path = write(tmp_path / "config.toml", f"date_order = {value}\n")
    result = load(path, NO_LOCALE)
    assert result.date_order == DAY_FIRST
    [warning] = result.warnings
    assert "line 1: date_order must be" in warning and len(warning) < 300


def test_an_unknown_key_is_named(tmp_path):
    path = write(tmp_path / "config.toml", 'date_order = "day-first"\ndate_ordre = "month-first"\n')
    result = load(path, NO_LOCALE)
    assert result.date_order == DAY_FIRST
    assert result.warnings == (f'{path}, line 2: coach has no setting called "date_ordre"; it is ignored (known: ask_every_days, date_order).',)


def test_a_bad_environment_value_is_named(tmp_path):
    result = load(tmp_path / "missing.toml", {**NO_LOCALE, "COACH_DATE_ORDER": "dmy"})
    assert result.date_order == DAY_FIRST
    assert result.warnings == (
        'The environment variable COACH_DATE_ORDER must be "day-first" or "month-first", not "dmy"; '
        "it is ignored and numeric dates such as 4/12 are read day-first.",
    )


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe\x00garbage", b"date_order = \"day-first\"\x00\n", b"[[[", b"date_order = 'a\nb'", b"\x1b[2J = 1"],
)
def test_nothing_in_the_file_raises(tmp_path, content):
    result = load(write(tmp_path / "config.toml", content), NO_LOCALE)
    assert result.date_order == DAY_FIRST
    assert len(result.warnings) == 1
    assert "\x1b" not in result.warnings[0] and "\x00" not in result.warnings[0]


def test_a_folder_in_place_of_the_file_warns(tmp_path):
    (tmp_path / "config.toml").mkdir()
    result = load(tmp_path / "config.toml", NO_LOCALE)
    assert result.date_order == DAY_FIRST
    [warning] = result.warnings
    assert warning.startswith(f"{tmp_path / 'config.toml'} could not be read (")


@pytest.mark.parametrize(
    "environ, order",
    [
        ({}, DAY_FIRST),
        ({"LANG": "C"}, DAY_FIRST),
        ({"LANG": "C.UTF-8"}, DAY_FIRST),
        ({"LANG": "POSIX"}, DAY_FIRST),
        ({"LANG": "en_US.UTF-8"}, MONTH_FIRST),
        ({"LANG": "en_GB.UTF-8"}, DAY_FIRST),
        ({"LANG": "de_DE.UTF-8"}, DAY_FIRST),
        ({"LANG": "es_US"}, MONTH_FIRST),
        ({"LANG": "fil_PH.UTF-8"}, MONTH_FIRST),
        ({"LANG": "ja_JP.UTF-8"}, MONTH_FIRST),  # year, month, day
        ({"LANG": "klingon"}, DAY_FIRST),
        # LC_ALL over LC_TIME over LANG, as the C library reads them
        ({"LANG": "en_GB.UTF-8", "LC_TIME": "en_US.UTF-8"}, MONTH_FIRST),
        ({"LANG": "en_US.UTF-8", "LC_TIME": "en_GB.UTF-8"}, DAY_FIRST),
        ({"LC_ALL": "de_DE.UTF-8", "LC_TIME": "en_US.UTF-8"}, DAY_FIRST),
    ],
)
def test_the_default_comes_from_the_locale(environ, order):
    assert locale_date_order(environ) == order


def test_asking_the_locale_leaves_weekday_names_in_english():
    import time

    before = time.strftime("%a", (2026, 11, 23, 0, 0, 0, 0, 327, 0))
    for name in ("de_DE.UTF-8", "fr_FR.UTF-8", "en_US.UTF-8", "C.UTF-8"):
        locale_date_order({"LANG": name})
    assert time.strftime("%a", (2026, 11, 23, 0, 0, 0, 0, 327, 0)) == before


def test_current_reads_once_and_reload_reads_again(monkeypatch):
    monkeypatch.setenv("COACH_DATE_ORDER", "day-first")
    assert settings.current().date_order == MONTH_FIRST  # cached from the session's start
    assert settings.reload().date_order == DAY_FIRST
    monkeypatch.setenv("COACH_DATE_ORDER", "month-first")
    assert settings.reload().date_order == MONTH_FIRST


def test_settings_do_not_import_textual():
    import subprocess
    import sys

    code = "import sys, coach.settings as s; s.load(); assert 'textual' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)

"""Shared test setup: make the source tree importable without an install.

`pip install -e .` is the normal route; this only matters while it cannot run
(for instance before README.md exists), and it is harmless afterwards.
"""

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
for path in (ROOT, TESTS):  # TESTS: so `helpers` imports however pytest is invoked
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


import pytest  # noqa: E402  (after the path set-up above)


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> Path:
    """The `coach demo` portfolio as of Monday 2026-11-23, built once per module.

    Tests that write take a copy of it.
    """
    from datetime import date

    from coach.demo import fill_demo
    from coach.store import Store

    data = tmp_path_factory.mktemp("demo") / "data"
    with Store.open(data) as store:
        fill_demo(store, date(2026, 11, 23))
    return data


# -- shared fixtures ---------------------------------------------------------------------

from datetime import date  # noqa: E402

TODAY = date(2026, 11, 23)  # a Monday, the demo portfolio's today
SIZE = (80, 24)


@pytest.fixture(scope="session", autouse=True)
def isolated_settings(tmp_path_factory):
    """The user's own config.toml never reaches a test, and numeric dates are read
    month first, as dateutil did before it was a setting. A test that wants
    another order passes date_order=, or sets COACH_DATE_ORDER and reloads."""
    import os

    from coach import settings

    saved = {k: os.environ.get(k) for k in ("XDG_CONFIG_HOME", "COACH_DATE_ORDER")}
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("config-home"))
    os.environ["COACH_DATE_ORDER"] = "month-first"
    settings.reload()
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    settings.reload()


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def size() -> tuple[int, int]:
    return SIZE


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """An empty folder for coach's data (the store creates it)."""
    return tmp_path / "data"


@pytest.fixture
def store(data_dir):
    """An open store on an empty data folder, closed (its lock let go) after the test."""
    from coach.store import Store

    store = Store.open(data_dir)
    yield store
    store.close()


@pytest.fixture
def start_reflection(today):
    """Open a reflection on a new client in a running app, and wait until its first step is up:
    `await start_reflection(pilot, "Dana")` returns the screen."""
    from helpers.ui_support import wait_for

    async def start(pilot, name: str = "Dana", organisation: str = ""):
        from coach.ui.screens.reflect import ReflectionScreen

        app = pilot.app
        client = app.store.add_client(name, organisation, on=today)
        await pilot.pause()
        app.start_reflection(client)
        await wait_for(pilot, ReflectionScreen)
        return app.screen

    return start


@pytest.fixture
def plain_cli(monkeypatch):
    """The command line as a script sees it: wide lines (no wrapping inside a
    path), and no data folder from the environment."""
    monkeypatch.setenv("COLUMNS", "300")
    monkeypatch.delenv("COACH_DATA_DIR", raising=False)


def pytest_collection_modifyitems(config, items):
    """The snapshot tests first, in every worker. Run after some of home's tests
    in the same process, the no-colour pictures come out with other style runs
    (same text, same colours); the cause is not found yet, and a picture must
    not depend on what ran before it."""
    items.sort(key=lambda item: item.nodeid.split("::")[0] != "tests/test_snapshots.py")

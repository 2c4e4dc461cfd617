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

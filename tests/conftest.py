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

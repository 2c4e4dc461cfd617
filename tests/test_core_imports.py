"""The core and the command line never import Textual: `coach status` and the
other plain commands start fast and work without a terminal UI."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from helpers.core_support import ROOT, run_python

CORE = ["coach.store", "coach.storage", "coach.models", "coach.dates", "coach.insight", "coach.method",
        "coach.textsafe", "coach.lock", "coach.paths"]
# written alongside the core; checked once they exist
LATER = ["coach.weekly", "coach.cli", "coach.insights_report", "coach.decisions", "coach.partnership", "coach.voice"]

CHECK = """
import json, sys
for name in {modules!r}:
    __import__(name)
print(json.dumps(sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))))
"""


def _textual_modules_after_importing(modules: list[str]) -> list[str]:
    done = run_python(CHECK.format(modules=modules))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _exists(module: str) -> bool:
    return (ROOT / Path(*module.split("."))).with_suffix(".py").exists()


def test_the_check_itself_can_see_textual():
    # if the child could not see textual at all, the tests below would prove nothing
    assert importlib.util.find_spec("textual") is not None
    assert "textual" in _textual_modules_after_importing(["textual.app"])


def test_core_together_leaves_textual_out():
    assert _textual_modules_after_importing(CORE) == []


@pytest.mark.parametrize("module", CORE + LATER)
def test_each_module_alone_leaves_textual_out(module):
    if not _exists(module):
        pytest.skip(f"{module} is not written yet")
    assert _textual_modules_after_importing([module]) == []

"""The baseline: the least a Textual app like coach's home can be.

    python benchmarks/bare_app.py           Header, a DataTable of a few rows, Footer
    python benchmarks/bare_app.py --input   Header, one focused Input, Footer

No data, no styles of its own: what Textual itself costs to start, to hold in
memory and to draw. bench.py runs it beside coach.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Input

ROWS = [
    ("Ada Lovelace", "Analytical Engines", "2026-10-30", "Thriving"),
    ("Grace Hopper", "Compiler Works", "2026-10-23", "Steady"),
    ("Alan Turing", "Bletchley Labs", "2026-10-16", "Drifting"),
    ("Edsger Dijkstra", "Shortest Path Ltd", "2026-10-09", "Steady"),
]


class BareApp(App[None]):
    TITLE = "bare"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("n", "bell", "Reflect"),
    ]

    def __init__(self, with_input: bool) -> None:
        super().__init__()
        self.with_input = with_input

    def compose(self) -> ComposeResult:
        yield Header()
        if self.with_input:
            yield Input(placeholder="Type here")
        else:
            yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        if self.with_input:
            self.query_one(Input).focus()
            return
        table = self.query_one(DataTable)
        table.add_columns("Client", "Organisation", "Last reflection", "Verdict")
        table.add_rows(ROWS)
        table.focus()


if __name__ == "__main__":
    BareApp(with_input="--input" in sys.argv[1:]).run()

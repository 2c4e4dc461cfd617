"""The baseline: the least a Textual app like coach's home can be.

    python benchmarks/bare_app.py             Header, a DataTable of 40 rows, Footer
    python benchmarks/bare_app.py --input     Header, one focused Input, Footer
    python benchmarks/bare_app.py --textarea  Header, one focused TextArea the size and place
                                              of coach's evidence field (78x5 on rows 17-21
                                              of 80x24), Footer

No data files, no styles beyond sizes: what Textual itself costs to start, to hold
in memory and to draw. bench.py runs it beside coach.
"""

from __future__ import annotations

import random
import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Input, Static, TextArea

ROW_COUNT = 40
FIRST = "Ada Grace Alan Edsger Barbara Donald Frances Ken Margaret Niklaus".split()
LAST = "Lovelace Hopper Turing Dijkstra Liskov Knuth Allen Thompson Hamilton Wirth".split()
VERDICTS = ["Thriving", "Steady", "Drifting", "At risk"]


def rows(n: int = ROW_COUNT) -> list[tuple[str, ...]]:
    """`n` rows shaped like coach's home table; the same every time (bench.py reads the names)."""
    rng = random.Random(1)
    out = []
    for i in range(n):
        name = f"{FIRST[i % 10]} {LAST[(i // 10 + i) % 10]}"
        beliefs = "".join(str(rng.randint(1, 5)) for _ in range(7))
        out.append((name, f"{rng.randint(1, 28)} Nov", rng.choice(VERDICTS), beliefs,
                    f"▲+{rng.randint(0, 9) / 10:.1f}", f"{rng.randint(1, 28)} Dec", "Call them about…"))
    return out


NAMES = [r[0] for r in rows()]


class BareApp(App[None]):
    TITLE = "bare"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("n", "bell", "Reflect"),
    ]
    CSS = """
    #filler { height: 16; }
    TextArea { height: 5; margin: 0 1; }
    """

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode

    def compose(self) -> ComposeResult:
        yield Header()
        if self.mode == "input":
            yield Input(placeholder="Type here")
        elif self.mode == "textarea":
            yield Static("", id="filler")
            # as coach's NoteArea sets it up
            yield TextArea(soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        else:
            yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        if self.mode == "input":
            self.query_one(Input).focus()
            return
        if self.mode == "textarea":
            self.query_one(TextArea).focus()
            return
        table = self.query_one(DataTable)
        table.add_columns("Client", "Last", "Verdict", "Beliefs", "Change", "Due", "Commitment")
        table.add_rows(rows())
        table.focus()


if __name__ == "__main__":
    args = sys.argv[1:]
    BareApp("input" if "--input" in args else "textarea" if "--textarea" in args else "table").run()

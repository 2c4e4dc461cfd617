"""How coach holds up with ten years of history. Prints figures; never asserts.

    python benchmarks/bench.py                      10,000 reflections, 60 clients, and the 50k case
    python benchmarks/bench.py --quick              ~500 reflections, fewer runs, no 50k (< 2 minutes)
    python benchmarks/bench.py --only 50k           50,000 reflections: home, memory, export, backup
    python benchmarks/bench.py --only store,status  some sections only
    python benchmarks/bench.py --reflections 20000 --clients 80 --huge 80000

Each figure is measured beside a baseline in the same run (a bare Textual app,
`python` reading coach.json, `json.load` of every data file, the same save on a
small history), interleaved, and reported as a ratio beside its target from
issue 9, so a slow or busy machine shows in both. The table goes to stdout and
to benchmarks/out/results.txt. See benchmarks/README.md for what each row means.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import random
import re
import select
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Callable
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bare_app  # noqa: E402  (benchmarks/bare_app.py: the names its table shows)
import history  # noqa: E402  (benchmarks/history.py)

PY = sys.executable
BARE = str(HERE / "bare_app.py")
SECTIONS = ("startup", "due", "bytes", "status", "store", "export", "50k")
DUE = 800  # commitments due for a user back after a long break
LARGEST = 1_250  # reflections of the largest client, the worst case for a finished save
TYPED = "They asked for more."  # 20 characters typed into an evidence field
assert len(TYPED) == 20

# Child processes run with bytecode cached in a private folder, as an installed coach would
# (pip compiles .pyc at install). This environment sets PYTHONDONTWRITEBYTECODE=1, which
# makes every start compile coach's sources again: measured apart as "no .pyc".
CACHED: dict[str, str] = {}  # filled in by main(); empty, children get this environment unchanged
NO_PYC = {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": ""}


def child_env(overrides: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    for key, value in (CACHED if overrides is None else overrides).items():
        if value:
            env[key] = value
        else:
            env.pop(key, None)
    return env


# when coach.cli is not there yet, start the TUI the way the CLI would
FALLBACK_TUI = (
    "import sys; from datetime import date; from coach.store import Store; "
    "from coach.ui.run import run_app; sys.exit(run_app(Store.open(sys.argv[1]), date.today()))"
)


# -- small helpers -------------------------------------------------------------------


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def pct(xs, p):
    """Nearest-rank percentile."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def kb(n: float) -> str:
    return f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def have_cli() -> bool:
    return importlib.util.find_spec("coach.cli") is not None


def coach_tui_cmd(data_dir: Path) -> list[str]:
    if have_cli():
        return [PY, "-m", "coach", "--data-dir", str(data_dir)]
    return [PY, "-c", FALLBACK_TUI, str(data_dir)]


def copy_data(src: Path, dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest)
    os.chmod(dest, 0o700)
    return dest


def cpu_seconds(pid: int) -> float:
    """User + system CPU a live process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def vm_status(pid: int) -> dict[str, int]:
    """VmHWM / VmRSS of a live process, in bytes."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmHWM:", "VmRSS:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0]) * 1024
    except OSError:
        pass
    return out


ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1bP[^\x1b]*\x1b\\|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


def plain(raw: bytes) -> str:
    return ANSI.sub(b"", raw).decode("utf-8", "replace")


# -- results -------------------------------------------------------------------------


@dataclass
class Row:
    measure: str
    coach: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    verdict: str = ""
    notes: list[str] = field(default_factory=list)


class Report:
    def __init__(self) -> None:
        self.header: list[str] = []
        self.rows: list[Row] = []
        self.notes: list[str] = []

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        print(f"  · {row.measure}: {row.coach}" + (f"  (baseline {row.baseline})" if row.baseline else ""), flush=True)
        return row

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  · {text}", flush=True)

    def render(self) -> str:
        cols = ["Measure", "coach", "Baseline", "Ratio", "Target", "Result"]  # Result: pass / MISS
        data = [[r.measure, r.coach, r.baseline, r.ratio, r.target, r.verdict] for r in self.rows]
        widths = [max(len(c), *(len(d[i]) for d in data)) if data else len(c) for i, c in enumerate(cols)]
        line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
        out = [*self.header, "", line(cols), line(["-" * w for w in widths])]
        for r, d in zip(self.rows, data):
            out.append(line(d))
            out.extend(f"    {n}" for n in r.notes)
        if self.notes:
            out += ["", "Notes:"] + [f"  - {n}" for n in self.notes]
        return "\n".join(out) + "\n"


def judge(value: float, limit: float, unit: str = "") -> str:
    """pass, or MISS with by how much."""
    if value != value:  # nan
        return "n/a"
    if value <= limit:
        return "pass"
    return f"MISS by {value - limit:.1f}{unit}" if unit else f"MISS ({value / limit:.2f}× the target)"


# Peak memory of a child: wait4's ru_maxrss keeps the high-water mark of the process that
# forked (the kernel carries it across exec), so a child of this big process would report at
# least this process's size. A small python in between forks the command itself, times it and
# passes on its own wait4 figures: the command's peak, not ours.
MEASURE = (
    "import os, sys, time\n"
    "t = time.perf_counter()\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    os.execv(sys.argv[2], sys.argv[2:])\n"
    "_, status, ru = os.wait4(pid, 0)\n"
    "elapsed = time.perf_counter() - t\n"
    "with open(sys.argv[1], 'w') as f:\n"
    "    f.write(f'{elapsed} {ru.ru_maxrss} {os.waitstatus_to_exitcode(status)}')\n"
)


def run_child(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, int, int, str]:
    """Wall seconds from fork to exit, peak resident set in bytes (the command's own), exit code
    and the end of stderr."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r", suffix=".rusage") as res:
        subprocess.run([PY, "-S", "-c", MEASURE, res.name, *argv], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=err, env=env or child_env())
        elapsed, maxrss, rc = res.read().split()
        err.seek(0)
        tail = err.read()[-600:].decode("utf-8", "replace").strip()
    return float(elapsed), int(maxrss) * 1024, int(rc), tail


# -- tmux: launch to the first complete frame, and memory on that screen -------------


def lines_of(screen: str) -> list[str]:
    return [line.rstrip() for line in screen.rstrip("\n").splitlines()]


def table_rows(screen: str, names: list[str]) -> int:
    """Lines that are rows of a table of these names: the name starts the line and is followed
    by the column gap (home's selection line, "Name (Org) · ...", does not count)."""
    pattern = re.compile(r"^\s{0,2}(?:%s)(?:\s{2,}|$)" % "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
    return sum(1 for line in lines_of(screen) if pattern.match(line))


def footer_has(screen: str, text: str) -> bool:
    lines = lines_of(screen)
    return bool(lines) and text in lines[-1]


@dataclass
class Screen:
    """One app to launch and what its complete first frame must show.

    `shows` is the structure (footer, panels); `count` the rows it lists. The unmeasured
    first launch waits until the screen has stopped changing and learns how many rows fit;
    every measured launch then waits for a frame with the structure and that many rows."""

    argv: list[str]
    shows: Callable[[str], bool]
    count: Callable[[str], int]
    env: dict[str, str] | None = None
    need: int = 0
    settled: str = ""

    def complete(self, screen: str) -> bool:
        return self.shows(screen) and self.count(screen) >= max(1, self.need)


def home_screen(argv: list[str], names: list[str], env: dict[str, str] | None = None) -> Screen:
    """Home complete: the table's rows (as many as fit), the This-week panel (its Rhythm line),
    the filter hint at the top and the footer."""
    return Screen(argv, lambda s: footer_has(s, "palette") and "/ filter" in s and "Rhythm" in s,
                  lambda s: table_rows(s, names), env)


def bare_screen() -> Screen:
    return Screen([PY, BARE], lambda s: footer_has(s, "palette"), lambda s: table_rows(s, bare_app.NAMES))


def review_screen(argv: list[str]) -> Screen:
    """The review of what has come due, complete: the list of due commitments (as many lines as
    it shows), the commitment in full with its outcome and fields, and the footer."""
    return Screen(argv, lambda s: footer_has(s, "Quit") and "Outcome" in s and "What happened" in s,
                  lambda s: sum(1 for line in lines_of(s) if "overdue" in line or "due today" in line))


@dataclass
class Frame:
    elapsed: float
    cpu: float
    mem: dict[str, int]
    screen: str  # the frame that satisfied the check
    later: str  # the screen after settling: the same when the check waited for the complete frame


class Tmux:
    """A private tmux server (its own socket), so nobody else's sessions are touched."""

    def __init__(self) -> None:
        if not shutil.which("tmux"):
            raise RuntimeError("tmux is not installed")
        self.sock = f"coach-bench-{os.getpid()}"
        self.n = 0
        self.cmd("-f", "/dev/null", "new-session", "-d", "-s", "keep", "-x", "80", "-y", "24", "sleep 100000")
        self.cmd("set-option", "-g", "status", "off")
        self.cmd("set-option", "-g", "default-terminal", "tmux-256color")
        self.cmd("set-option", "-g", "remain-on-exit", "on")
        self.cmd("set-option", "-g", "escape-time", "0")
        self.socket = self.cmd("display", "-p", "-t", "keep", "#{socket_path}").strip()

    def cmd(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.sock, *args], capture_output=True, text=True).stdout

    def close(self) -> None:
        self.cmd("kill-server")
        if self.socket and os.path.basename(self.socket) == self.sock:
            Path(self.socket).unlink(missing_ok=True)

    def capture(self, name: str) -> str:
        return self.cmd("capture-pane", "-p", "-t", name)

    def frame(self, argv: list[str], ready, *, env: dict[str, str] | None = None, settle: float = 0.7,
              stable: float = 0.0, timeout: float = 60.0) -> Frame:
        """Seconds from launch until `ready(screen)` holds, CPU seconds used by then, VmHWM after
        `settle` (or, with `stable`, once the screen has not changed for that long)."""
        self.n += 1
        name = f"run{self.n}"
        command = "exec " + shlex.join(argv)
        flags = [f"-e{k}={v}" for k, v in (CACHED if env is None else env).items()]
        t0 = time.perf_counter()
        self.cmd("new-session", "-d", "-s", name, "-x", "80", "-y", "24", *flags, command)
        pid = 0
        while True:
            screen = self.capture(name)
            if ready(screen):
                elapsed = time.perf_counter() - t0
                pid = pid or int(self.cmd("display", "-p", "-t", name, "#{pane_pid}").strip())
                cpu = cpu_seconds(pid)
                break
            if not pid:
                found = self.cmd("display", "-p", "-t", name, "#{pane_pid}").strip()
                pid = int(found) if found.isdigit() else 0
            if time.perf_counter() - t0 > timeout or self.cmd("display", "-p", "-t", name, "#{pane_dead}").strip() == "1":
                self.cmd("kill-session", "-t", name)
                raise RuntimeError(f"{shlex.join(argv[-3:])} never showed the screen it was waited for; the pane read:\n{screen}")
            time.sleep(0.01)
        later = screen
        if stable:
            since, deadline = time.perf_counter(), time.perf_counter() + 15
            while time.perf_counter() - since < stable and time.perf_counter() < deadline:
                time.sleep(0.05)
                now = self.capture(name)
                if lines_of(now) != lines_of(later):
                    later, since = now, time.perf_counter()
        else:
            time.sleep(settle)
            later = self.capture(name)
        mem = vm_status(pid)
        self.cmd("send-keys", "-t", name, "C-q")
        deadline = time.time() + 5
        while Path(f"/proc/{pid}").exists() and self.cmd("display", "-p", "-t", name, "#{pane_dead}").strip() != "1":
            if time.time() > deadline:
                break
            time.sleep(0.02)
        self.cmd("kill-session", "-t", name)
        deadline = time.time() + 5  # the next run must find the writer's lock free
        while Path(f"/proc/{pid}").exists() and time.time() < deadline:
            time.sleep(0.02)
        return Frame(elapsed, cpu, mem, screen, later)


def launch_runs(screens: dict[str, Screen], runs: int) -> dict[str, dict]:
    """Launch each app `runs` times, interleaved, after one unmeasured launch each that fills the
    bytecode and page caches and learns the settled screen (how many rows fit)."""
    stats = {k: {"wall": [], "cpu": [], "hwm": [], "same": 0} for k in screens}
    tmux = Tmux()
    try:
        for key, sc in screens.items():
            f = tmux.frame(sc.argv, sc.shows, env=sc.env, stable=1.0)
            sc.settled, sc.need = f.later, sc.count(f.later)
            if not sc.need:
                raise RuntimeError(f"{key}: no rows on the settled screen:\n{f.later}")
        for _ in range(runs):  # interleaved, so drift on the machine hits all alike
            for key, sc in screens.items():
                f = tmux.frame(sc.argv, sc.complete, env=sc.env, settle=0.4)
                st = stats[key]
                st["wall"].append(f.elapsed)
                st["cpu"].append(f.cpu)
                st["hwm"].append(f.mem.get("VmHWM", 0))
                st["same"] += lines_of(f.screen) == lines_of(sc.settled)
    finally:
        tmux.close()
    for key, st in stats.items():
        st["med"], st["cmed"], st["mem"] = median(st["wall"]), median(st["cpu"]), median(st["hwm"])
        st["need"] = screens[key].need
    return stats


def spread(st: dict) -> str:
    return f"{ms(min(st['wall']))}/{ms(max(st['wall']))}"


def bench_startup(report: Report, big: Path, small: Path | None, n_big: int, n_small: int, names: list[str],
                  small_names: list[str], runs: int) -> None:
    print(f"Launch to home complete in tmux, and memory on home, {n_big:,} reflections", flush=True)
    screens = {"coach": home_screen(coach_tui_cmd(big), names), "bare": bare_screen()}
    if small is not None:
        screens["small"] = home_screen(coach_tui_cmd(small), small_names)
        screens["nopyc"] = home_screen(coach_tui_cmd(big), names, NO_PYC)
    st = launch_runs(screens, runs)
    c, b = st["coach"], st["bare"]
    ratio = c["med"] / b["med"]
    row = report.add(Row(
        f"Launch → home complete, tmux 80x24, {n_big:,} refl. (median of {runs})", ms(c["med"]),
        f"bare {ms(b['med'])}", f"{ratio:.2f}×", "≤ 1.1× bare", judge(ratio, 1.1),
    ))
    row.notes.append(f"complete = footer, '/ filter' hint, This-week panel (Rhythm) and {c['need']} table rows "
                     f"(all that fit); bare: footer and {b['need']} of its 40 rows")
    row.notes.append(f"the accepted frame was the settled screen in {c['same']}/{runs} launches (bare {b['same']}/{runs})")
    row.notes.append(f"min/max: coach {spread(c)}, bare {spread(b)}; best-run ratio {min(c['wall']) / min(b['wall']):.2f}×")
    row.notes.append(f"CPU used by the first complete frame (steadier on a busy machine): coach {ms(c['cmed'])}, "
                     f"bare {ms(b['cmed'])}, {c['cmed'] / b['cmed']:.2f}×")
    if not have_cli():
        row.notes.append("coach.cli missing: coach was started through coach.ui.run.run_app, as the CLI would")
    if small is not None:
        sm, npc = st["small"], st["nopyc"]
        report.add(Row(
            f"  same, {n_small} refl.", ms(sm["med"]), f"bare {ms(b['med'])}", f"{sm['med'] / b['med']:.2f}×",
            "—", "", [f"{n_big:,} vs {n_small} reflections: {c['med'] / sm['med']:.2f}× the time, "
                      f"CPU {ms(c['cmed'])} vs {ms(sm['cmed'])}"],
        ))
        report.add(Row(
            f"  same, {n_big:,} refl., no .pyc (PYTHONDONTWRITEBYTECODE=1)", ms(npc["med"]), f"bare {ms(b['med'])}",
            f"{npc['med'] / b['med']:.2f}×", "—", "",
            [f"CPU to the first frame {ms(npc['cmed'])} vs {ms(c['cmed'])} with .pyc: compiling coach's sources "
             f"at every start costs {ms(npc['cmed'] - c['cmed'])} of CPU"],
        ))
    memory_row(report, st, n_big, st["small"]["mem"] if small is not None else None, n_small)


def memory_row(report: Report, st: dict, n: int, small_mem: float | None = None, n_small: int = 0) -> None:
    c, b = st["coach"]["mem"], st["bare"]["mem"]
    row = report.add(Row(f"Peak memory on home (VmHWM), {n:,} refl.", kb(c), f"bare {kb(b)}", f"{c / b:.2f}×",
                         "≤ 1.2× bare" + ("" if n >= 50_000 else " (set at 50k)"), judge(c / b, 1.2)))
    row.notes.append(f"coach adds {kb(c - b)} over the bare app" + (f"; at {n_small} reflections {kb(small_mem)}" if small_mem else ""))


def bench_due(report: Report, data_dir: Path, due: int, n: int, runs: int) -> None:
    print(f"Launch to the review of {due} due commitments in tmux", flush=True)
    st = launch_runs({"coach": review_screen(coach_tui_cmd(data_dir)), "bare": bare_screen()}, runs)
    c, b = st["coach"], st["bare"]
    ratio = c["med"] / b["med"]
    row = report.add(Row(
        f"Launch → review of {due} due complete, {n:,} refl. (median of {runs})", ms(c["med"]), f"bare {ms(b['med'])}",
        f"{ratio:.2f}×", "≤ 1.2× bare", judge(ratio, 1.2),
    ))
    row.notes.append(f"complete = footer, the first commitment with Outcome and its fields, and the {c['need']} "
                     f"list lines the settled screen shows; accepted frame = settled screen in {c['same']}/{runs}")
    row.notes.append(f"min/max: coach {spread(c)}, bare {spread(b)}; CPU coach {ms(c['cmed'])}, bare {ms(b['cmed'])}, "
                     f"{c['cmed'] / b['cmed']:.2f}×; peak memory {kb(c['mem'])} (bare {kb(b['mem'])})")


# -- a pty: bytes written to the terminal --------------------------------------------


class PtyApp:
    """An app on a pseudo-terminal of 80x24, every byte it writes recorded."""

    def __init__(self, argv: list[str]) -> None:
        import pty

        env = child_env()
        env["TERM"] = "xterm-256color"
        for var in ("COLORTERM", "NO_COLOR", "COLUMNS", "LINES", "TMUX", "TEXTUAL_COLOR_SYSTEM"):
            env.pop(var, None)
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal before anything can ask for it
            import fcntl
            import struct
            import termios

            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
            os.execve(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        self.buf = bytearray()
        self.last = time.perf_counter()
        self.lock = threading.Lock()
        self.done = False
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while not self.done:
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if not r:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            with self.lock:
                self.buf += chunk
                self.last = time.perf_counter()

    @property
    def count(self) -> int:
        with self.lock:
            return len(self.buf)

    def text_since(self, mark: int) -> str:
        with self.lock:
            return plain(bytes(self.buf[mark:]))

    def wait_text(self, needle, mark: int = 0, timeout: float = 20.0) -> None:
        needles = [needle] if isinstance(needle, str) else list(needle)
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            text = self.text_since(mark)
            if any(n in text for n in needles):
                return
            time.sleep(0.02)
        raise RuntimeError(f"waited for {needles!r}; the app wrote:\n{self.text_since(mark)[-1500:]}")

    def wait_quiet(self, quiet: float = 0.25, timeout: float = 10.0) -> None:
        """Until nothing has been written for `quiet` seconds (a cursor blinks every 0.5 s)."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            with self.lock:
                idle = time.perf_counter() - self.last
            if idle >= quiet:
                return
            time.sleep(0.02)

    def send(self, data: str) -> None:
        os.write(self.fd, data.encode())

    def type_keys(self, text: str, quiet: float = 0.15) -> tuple[list[int], int]:
        """Bytes written for each key of `text`: a key is sent, then its echo (the typed text so
        far) is awaited in the output, then `quiet` s of silence; the next key follows. So every
        key's repaint is counted, all of it, and nothing but it: the cursor's blink restarts at
        each key and comes 0.5 s later. Returns the bytes per key and how many echoes never came."""
        self.wait_quiet(0.3)
        counts, missed = [], 0
        for i, ch in enumerate(text):
            mark = self.count
            self.send(ch)
            echo = text[: i + 1][-6:].strip() or ch
            try:
                self.wait_text(echo, mark, timeout=5)
            except RuntimeError:
                missed += 1
            self.wait_quiet(quiet)
            counts.append(self.count - mark)
        return counts, missed

    def close(self) -> None:
        self.send("\x11")  # ctrl+q
        end = time.time() + 5
        while time.time() < end:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.05)
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        self.done = True
        self.thread.join(1)
        os.close(self.fd)


def coach_bytes(data_dir: Path, names: list[str]) -> dict[str, float]:
    app = PtyApp(coach_tui_cmd(data_dir))
    try:
        app.wait_text(names)
        app.wait_text("palette")
        app.wait_text("Rhythm")
        app.wait_text("/ filter")
        app.wait_quiet(0.5)
        first = app.count
        mark = app.count
        app.send("n")
        app.wait_text("Which client", mark)
        app.wait_quiet()
        mark = app.count
        app.send("\r")  # the first client in the picker
        app.wait_text("Step 1 of", mark)
        app.wait_quiet()
        mark = app.count
        app.send("4")  # a score; the choice row hands focus on to the evidence field
        app.wait_quiet()
        keys, missed = app.type_keys(TYPED)
        typed_seen = "for more" in app.text_since(mark).replace("\n", "")
        mem = vm_status(app.pid).get("VmHWM", 0)
    finally:
        app.close()
    return {"first": first, "keys": keys, "missed": missed, "typed_seen": typed_seen, "hwm": mem}


def bare_bytes() -> dict[str, float]:
    app = PtyApp([PY, BARE])
    try:
        app.wait_text(bare_app.NAMES[0])
        app.wait_text("palette")
        app.wait_quiet(0.5)
        first = app.count
    finally:
        app.close()
    app = PtyApp([PY, BARE, "--textarea"])
    try:
        app.wait_text("palette")
        app.wait_quiet(0.5)
        mark = app.count
        keys, missed = app.type_keys(TYPED)
        typed_seen = "for more" in app.text_since(mark).replace("\n", "")
    finally:
        app.close()
    return {"first": first, "keys": keys, "missed": missed, "typed_seen": typed_seen}


def bench_bytes(report: Report, data_dir: Path, scratch: Path, names: list[str], runs: int) -> None:
    print("Bytes written to the terminal (pty 80x24, TERM=xterm-256color)", flush=True)
    cs, bs = [], []
    for i in range(runs):
        # a reflection left open at quit becomes a draft: give every run fresh data
        cs.append(coach_bytes(copy_data(data_dir, scratch / f"bytes-{i}"), names))
        bs.append(bare_bytes())
        shutil.rmtree(scratch / f"bytes-{i}", ignore_errors=True)
    cf, bf = median([c["first"] for c in cs]), median([b["first"] for b in bs])
    ck, bk = median([sum(c["keys"]) / len(TYPED) for c in cs]), median([sum(b["keys"]) / len(TYPED) for b in bs])
    c1, b1 = median([c["keys"][0] for c in cs]), median([b["keys"][0] for b in bs])
    cr, br = median([median(c["keys"][1:]) for c in cs]), median([median(b["keys"][1:]) for b in bs])
    row = report.add(Row(f"Bytes to draw home (median of {runs})", kb(cf), f"bare {kb(bf)}", f"{cf / bf:.2f}×",
                         "≤ 2× bare", judge(cf / bf, 2.0)))
    row.notes.append("everything written until home (footer, filter hint, This-week panel, rows) has been drawn "
                     "and the screen quiet for 0.5 s; bare: its 40-row table")
    if runs > 1:
        row.notes.append(f"coach min/max {kb(min(c['first'] for c in cs))}/{kb(max(c['first'] for c in cs))} "
                         "(more when home is drawn twice at launch)")
    row = report.add(Row(
        f"Bytes per key, evidence field ({len(TYPED)} keys, each echo awaited)", f"{ck:.0f} B", f"TextArea {bk:.0f} B",
        f"{ck / bk:.2f}×", "≤ 1.1× TextArea", judge(ck / bk, 1.1),
    ))
    row.notes.append(f"first key {c1:.0f} B (TextArea {b1:.0f} B), then a median {cr:.0f} B per key (TextArea {br:.0f} B); "
                     "bare: a focused TextArea of 78x5 where coach's field is")
    missed = sum(c["missed"] for c in cs) + sum(b["missed"] for b in bs)
    if missed:
        row.notes.append(f"warning: {missed} key echoes were not seen within 5 s; those keys may be undercounted")
    if not all(c["typed_seen"] for c in cs):
        row.notes.append("warning: the typed text was not seen in coach's output; focus may not have reached the evidence field")
    report.add(Row("Peak memory after opening a reflection (VmHWM)", kb(median([c["hwm"] for c in cs])), "", "", "—", ""))


# -- coach status --------------------------------------------------------------------

READ_INDEX = "import json, sys\nwith open(sys.argv[1], 'rb') as f:\n    json.load(f)"
READ_ALL = (
    "import json, sys\nfrom pathlib import Path\nd = Path(sys.argv[1])\n"
    "for p in [d / 'coach.json', d / 'drafts.json', *sorted((d / 'clients').glob('*.json'))]:\n"
    "    with open(p, 'rb') as f:\n        json.load(f)"
)


def bench_status(report: Report, data_dir: Path, runs: int) -> None:
    print("coach status, end to end", flush=True)
    if not have_cli():
        report.add(Row("coach status, end to end", "missing", "", "", "≤ 2× floor", "n/a", ["coach/cli.py does not exist yet"]))
        return
    argv = [PY, "-m", "coach", "--data-dir", str(data_dir), "status"]
    env = child_env()
    probe = subprocess.run(argv, capture_output=True, text=True, env=env)
    if probe.returncode != 0:
        report.add(Row("coach status, end to end", f"exit {probe.returncode}", "", "", "≤ 2× floor", "n/a",
                       [(probe.stderr or probe.stdout).strip().splitlines()[-1][:150] if (probe.stderr or probe.stdout).strip() else "no output"]))
        return
    floor = [PY, "-c", READ_INDEX, str(data_dir / "coach.json")]
    bare = [PY, "-c", "pass"]
    # the floor of the stack itself: rich is how coach writes to the shell
    console = [PY, "-c", "import rich.console"]
    for warm in (floor, bare, console):
        subprocess.run(warm, capture_output=True, env=env)
    st, ft, bt, nt, rt = [], [], [], [], []
    for _ in range(runs):
        for times, args, e in ((st, argv, env), (ft, floor, env), (bt, bare, env), (nt, argv, child_env(NO_PYC)),
                               (rt, console, env)):
            t = time.perf_counter()
            subprocess.run(args, capture_output=True, env=e)
            times.append(time.perf_counter() - t)
    ratio = median(st) / median(ft)
    row = report.add(Row(
        f"coach status, end to end (median of {runs})", ms(median(st)), f"floor {ms(median(ft))}",
        f"{ratio:.2f}×", "≤ 2× floor", judge(ratio, 2.0),
    ))
    row.notes.append(f"floor: python json.load of coach.json ({kb((data_dir / 'coach.json').stat().st_size)}); "
                     f"python -c pass {ms(median(bt))}; the old absolute target ≤ 150 ms: {judge(median(st) * 1000, 150, ' ms')}")
    row.notes.append(f"prints {len(probe.stdout.splitlines())} lines; min/max {ms(min(st))}/{ms(max(st))}; "
                     f"without .pyc {ms(median(nt))}")
    row.notes.append(f"python importing rich.console and nothing else: {ms(median(rt))}, "
                     f"{median(rt) / median(ft):.2f}× the floor (what the target leaves: {ms(2 * median(ft))})")
    # which modules it imports, from the interpreter's own account
    imp = subprocess.run([PY, "-X", "importtime", *argv[1:]], capture_output=True, text=True, env=env)
    mods = {}
    for line in imp.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            parts = [p.strip() for p in line[len("import time:"):].split("|")]
            if parts[0].isdigit():
                mods[parts[2].strip()] = (int(parts[0]), int(parts[1]))
    textual = sorted(m for m in mods if m.split(".")[0] == "textual")
    row.notes.append(
        f"imports textual: {'YES (' + ', '.join(textual[:3]) + ')' if textual else 'no'}; "
        f"{len(mods)} modules, {sum(s for s, _ in mods.values()) / 1000:.0f} ms of import time in all"
    )
    by_package: dict[str, int] = {}
    for m, (self_us, _) in mods.items():
        by_package[m.split(".")[0]] = by_package.get(m.split(".")[0], 0) + self_us
    top = sorted(((us, m) for m, us in by_package.items()), reverse=True)[:6]
    row.notes.append("import time by package: " + ", ".join(f"{m} {us / 1000:.0f} ms" for us, m in top))


# -- export and backup, as subprocesses ----------------------------------------------


def data_files(data_dir: Path) -> list[Path]:
    return [data_dir / "coach.json", data_dir / "drafts.json", *sorted((data_dir / "clients").glob("*.json"))]


def bench_export(report: Report, data_dir: Path, scratch: Path, n: int, runs: int) -> None:
    print(f"coach export and coach backup, {n:,} reflections", flush=True)
    if not have_cli():
        report.add(Row("coach export / backup", "missing", "", "", "≤ 2× json.load", "n/a", ["coach/cli.py does not exist yet"]))
        return
    files = data_files(data_dir)
    total = sum(p.stat().st_size for p in files)
    largest = max(p.stat().st_size for p in files[2:]) if len(files) > 2 else 0
    base = [PY, "-c", READ_ALL, str(data_dir)]
    coach = [PY, "-m", "coach", "--data-dir", str(data_dir)]
    out = scratch / "export-out"
    out.mkdir(exist_ok=True)
    commands = {
        "export": [*coach, "export", "-f", "json", "-o", str(out / "export.json")],
        "backup": [*coach, "backup", "-o", str(out / "backup.json")],
    }
    insights = subprocess.run([*coach, "insights", "--help"], capture_output=True, env=child_env()).returncode == 0
    if insights:
        commands["insights"] = [*coach, "insights"]
    times: dict[str, list[float]] = {k: [] for k in ["base", *commands]}
    mems: dict[str, list[int]] = {k: [] for k in times}
    sizes: dict[str, int] = {}
    failed: dict[str, str] = {}
    for i in range(runs + 1):  # the first round is unmeasured: page cache, bytecode
        for key, argv in [("base", base), *commands.items()]:
            for f in out.iterdir():
                f.unlink()
            t, mem, rc, err = run_child(argv)
            if rc != 0:
                failed[key] = f"exit {rc}: {err.splitlines()[-1][:150] if err else ''}"
                continue
            if key in ("export", "backup"):
                made = out / f"{key}.json"
                sizes[key] = made.stat().st_size if made.exists() else 0
            if i:
                times[key].append(t)
                mems[key].append(mem)
    bt, bm = median(times["base"]), median(mems["base"])
    allowance = 2 * largest + bm
    at50 = "" if n >= 50_000 else " (set at 50k)"
    for key in commands:
        label = {"export": "coach export -f json", "backup": "coach backup", "insights": "coach insights"}[key]
        limit = 1.5 if key == "insights" else 2.0
        if key in failed or not times[key]:
            report.add(Row(f"{label}, {n:,} refl.", failed.get(key, "failed"), f"json.load {ms(bt)}", "", f"≤ {limit:g}× json.load", "n/a"))
            continue
        t, m = median(times[key]), median(mems[key])
        row = report.add(Row(f"{label}, {n:,} refl. (median of {runs})", ms(t), f"json.load {ms(bt)}", f"{t / bt:.2f}×",
                             f"≤ {limit:g}× json.load{at50}", judge(t / bt, limit)))
        if key in sizes:
            row.notes.append(f"wrote {kb(sizes[key])}; json.load baseline: every data file ({len(files)} files, "
                             f"{kb(total)}) read by plain json.load in one python")
        if key == "insights":
            continue
        row = report.add(Row(f"  peak memory, {label}", kb(m), f"allowance {kb(allowance)}", f"{m / allowance:.2f}×",
                             f"≤ 1× allowance{at50}", judge(m / allowance, 1.0)))
        row.notes.append(f"allowance = 2 × largest client file ({kb(largest)}) + the json.load baseline's peak ({kb(bm)}); "
                         "peak = the child's max RSS from wait4")
    if not insights:
        report.add(Row(f"coach insights, {n:,} refl.", "no such command yet", f"json.load {ms(bt)}", "", "≤ 1.5× json.load", "n/a"))


# -- the store, in process -----------------------------------------------------------


class SaveBench:
    """One store, its timings, and the next step of each kind; two run side by side."""

    def __init__(self, data_dir: Path, today: date) -> None:
        from coach.store import Store

        self.dir, self.today = data_dir, today
        self.store = Store.open(data_dir)
        self.clients = self.store.clients()
        self.rng = random.Random(3)
        self.draft = history.realistic_draft(self.clients[len(self.clients) // 2], today)
        self.t = {"first": [], "draft": [], "finish": [], "largest": [], "open": []}
        self.largest = max(self.clients, key=lambda c: c.summary.reflection_count)

    def first_save(self) -> None:
        t = time.perf_counter()
        self.store.save_draft(self.draft)  # the first write of a run also takes the backup
        self.t["first"].append(time.perf_counter() - t)

    def save_step(self, i: int) -> None:
        self.draft.reflection.beliefs["valued"].evidence += "abcdefghij klmnopqrstuvwxyz. "[i % 29]  # as if typing
        t = time.perf_counter()
        self.store.save_draft(self.draft)
        self.t["draft"].append(time.perf_counter() - t)

    def finish(self, i: int, *, largest: bool = False) -> None:
        client = self.largest if largest else self.clients[(i * 7) % len(self.clients)]
        reflection, commitment = history.finished_reflection(client, self.today, self.rng)
        d = history.realistic_draft(client, self.today, seed=self.rng.randint(0, 10**6))
        d.reflection = reflection
        self.store.save_draft(d)
        t = time.perf_counter()
        self.store.finish_reflection(reflection, commitment, d.id)
        self.t["largest" if largest else "finish"].append(time.perf_counter() - t)

    def open_again(self) -> None:
        from coach.store import Store

        t = time.perf_counter()
        with Store.open(self.dir, read_only=True) as other:
            other.clients()
        self.t["open"].append(time.perf_counter() - t)

    def largest_info(self) -> tuple[int, int]:
        n = len(self.store.reflections(self.largest.id))
        return n, (self.dir / "clients" / f"{self.largest.id}.json").stat().st_size

    def close(self) -> None:
        self.store.close()


def bench_store(report: Report, big: Path, small: Path, heavy: Path, scratch: Path, saves: int, finishes: int,
                n_big: int, n_small: int, today: date) -> None:
    print("Saving, in process (big, small and largest-client histories interleaved)", flush=True)
    b = SaveBench(copy_data(big, scratch / "store-big"), today)
    s = SaveBench(copy_data(small, scratch / "store-small"), today)
    h = SaveBench(copy_data(heavy, scratch / "store-heavy"), today)
    try:
        n_refl, size = h.largest_info()
        for x in (b, s):
            x.first_save()
        for i in range(saves):  # alternate, so a busy disk slows both alike
            b.save_step(i)
            s.save_step(i)
        for x in (b, s):
            x.store.discard_draft(x.draft.id)
        for i in range(finishes):
            b.finish(i)
            s.finish(i)
            h.finish(i, largest=True)
        for _ in range(5):
            b.open_again()
            s.open_again()
    finally:
        b.close()
        s.close()
        h.close()
    bd, sd = b.t["draft"], s.t["draft"]
    row = report.add(Row(
        f"Save a reflection step (save_draft), {n_big:,} refl. (median of {saves})", ms(median(bd)),
        f"{n_small} refl. {ms(median(sd))}", f"{median(bd) / median(sd):.2f}×", "median < 20 ms",
        judge(median(bd) * 1000, 20, " ms"),
    ))
    row.notes.append(f"p95 {ms(pct(bd, 95))} (at {n_small}: {ms(pct(sd, 95))}); max {ms(max(bd))} (at {n_small}: {ms(max(sd))})")
    row.notes.append(f"first save of a run, with its backup: {ms(b.t['first'][0])} (at {n_small}: {ms(s.t['first'][0])})")
    bf, sf, lt = b.t["finish"], s.t["finish"], h.t["largest"]
    row = report.add(Row(
        f"Save a finished reflection, {n_big:,} refl. (median of {finishes})", ms(median(bf)),
        f"{n_small} refl. {ms(median(sf))}", f"{median(bf) / median(sf):.2f}×", "≤ 100 ms",
        judge(median(bf) * 1000, 100, " ms"),
    ))
    row.notes.append(f"p95 {ms(pct(bf, 95))}, max {ms(max(bf))} (at {n_small}: p95 {ms(pct(sf, 95))})")
    row = report.add(Row(
        f"Save a finished reflection, largest client ({n_refl:,} refl., {kb(size)}) (median of {len(lt)})", ms(median(lt)),
        f"{n_small} refl. {ms(median(sf))}", f"{median(lt) / median(sf):.2f}×", "≤ 50 ms",
        judge(median(lt) * 1000, 50, " ms"),
    ))
    row.notes.append(f"p95 {ms(pct(lt, 95))}, max {ms(max(lt))}; a portfolio of {len(h.clients)} clients with one this large, "
                     "the finish interleaved with the two above")
    report.add(Row(
        f"Store.open + clients(), {n_big:,} refl. (median of 5)", ms(median(b.t["open"])),
        f"{n_small} refl. {ms(median(s.t['open']))}", f"{median(b.t['open']) / median(s.t['open']):.2f}×", "—", "",
    ))


# -- main ----------------------------------------------------------------------------


class Data:
    """The data folders a run needs, each built on first use and checked against the store."""

    def __init__(self, root: Path, today: date, clients: int) -> None:
        self.root, self.today, self.clients = root, today, clients
        self.built: dict[str, tuple[Path, dict, list[str]]] = {}
        self.header: list[str] = []

    def get(self, key: str, *, reflections: int, clients: int | None = None, **extra) -> tuple[Path, dict, list[str]]:
        if key in self.built:
            return self.built[key]
        from coach.store import Store, summarise

        clients = clients or self.clients
        path = self.root / key
        print(f"Building {key}: {reflections:,} reflections for {clients} clients"
              + "".join(f", {k}={v}" for k, v in extra.items()), flush=True)
        t = time.perf_counter()
        info = history.build(path, reflections=reflections, clients=clients, today=self.today, **extra)
        built = time.perf_counter() - t
        # the store must read what was written, and agree with its summaries
        with Store.open(path, read_only=True) as store:
            found = store.clients()
            counted = sum(c.summary.reflection_count for c in found)
            agree = all(summarise(store.reflections(c.id), store.commitments(c.id)) == c.summary for c in found[:3])
            read_back = sum(len(store.reflections(c.id)) for c in found)
        if len(found) != clients or counted != reflections or read_back != reflections or not agree:
            raise RuntimeError(f"{key}: the generated data does not read back: {len(found)} clients, "
                               f"{counted}/{read_back} reflections, summaries agree: {agree}")
        names = [c.name for c in found]
        self.header.append(
            f"data {key}: {reflections:,} refl., coach.json {kb(info['index_bytes'])}, clients/ {kb(info['history_bytes'])} "
            f"in {clients} files (largest {kb(info['largest_history_bytes'])}, {info['largest_reflections']:,} refl.), "
            f"{info['open_commitments']} open commitments ({info['due_commitments']} due); built in {built:.1f} s"
        )
        print("  " + self.header[-1], flush=True)
        self.built[key] = (path, info, names)
        return self.built[key]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reflections", type=int, default=10_000)
    p.add_argument("--clients", type=int, default=60)
    p.add_argument("--huge", type=int, default=50_000, help="reflections in the 50k section (default 50,000)")
    p.add_argument("--quick", action="store_true", help="a smoke run: ~500 reflections, fewer repetitions, no 50k")
    p.add_argument("--runs", type=int, help="launches of each app (default 7, quick 3)")
    p.add_argument("--only", help=f"comma-separated sections: {','.join(SECTIONS)}")
    p.add_argument("--skip", help="comma-separated sections to leave out, e.g. 50k")
    p.add_argument("--keep", action="store_true", help="keep the temporary data directories")
    args = p.parse_args(argv)
    if args.quick and args.reflections == 10_000:
        args.reflections = 500
    runs = args.runs or (3 if args.quick else 7)
    byte_runs = 1 if args.quick else 5
    saves, finishes = (50, 10) if args.quick else (200, 30)
    export_runs = 1 if args.quick else 3
    small_n = 100
    sections = set(args.only.split(",")) if args.only else set(SECTIONS) - ({"50k"} if args.quick else set())
    sections -= set(args.skip.split(",")) if args.skip else set()
    unknown = sections - set(SECTIONS)
    if unknown:
        p.error(f"unknown sections: {', '.join(sorted(unknown))}")

    import textual
    import tinydb

    today = date.today()
    report = Report()
    started = time.perf_counter()
    load_start = loadavg()
    root = Path(tempfile.mkdtemp(prefix="coach-bench-"))
    data = Data(root, today, args.clients)
    try:
        print(f"Data in {root}; sections: {', '.join(s for s in SECTIONS if s in sections)}", flush=True)
        # never into the source tree: a private folder, deleted with the rest
        CACHED.update(PYTHONDONTWRITEBYTECODE="", PYTHONPYCACHEPREFIX=str(root / "pycache"))
        import coach

        subprocess.run([PY, "-m", "compileall", "-q", str(Path(coach.__file__).parent)], env=child_env(),
                       stdout=subprocess.DEVNULL)
        report.header = [
            f"coach benchmarks — {args.reflections:,} reflections, {args.clients} clients, over ~{history.YEARS} years"
            f"{' (quick)' if args.quick else ''}; sections: {', '.join(s for s in SECTIONS if s in sections)}",
            f"{today.isoformat()} · Python {platform.python_version()} · textual {textual.__version__} · "
            f"tinydb {tinydb.__version__} · {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
            f"coach launched as: {'python -m coach --data-dir DIR' if have_cli() else 'coach.ui.run.run_app (coach.cli not found)'}",
        ]
        n = args.reflections
        big = lambda: data.get("big", reflections=n)  # noqa: E731
        small = lambda: data.get("small", reflections=small_n)  # noqa: E731
        if "startup" in sections:
            (bp, _, names), (sp, _, snames) = big(), small()
            bench_startup(report, bp, None if args.quick else sp, n, small_n, names, snames, runs)
        if "due" in sections:
            dn = max(n, 2 * DUE)
            dp, _, _ = data.get("due", reflections=dn, due=DUE)
            bench_due(report, dp, DUE, dn, runs)
        if "bytes" in sections:
            bp, _, names = big()
            bench_bytes(report, bp, root, names, byte_runs)
        if "status" in sections:
            bench_status(report, big()[0], runs)
        if "store" in sections:
            hn = LARGEST + 10 * 75
            hp, _, _ = data.get("heavy", reflections=hn, clients=11, largest=LARGEST)
            bench_store(report, big()[0], small()[0], hp, root, saves, finishes, n, small_n, today)
        if "export" in sections:
            bench_export(report, big()[0], root, n, export_runs)
        if "50k" in sections:
            hp, _, hnames = data.get("huge", reflections=args.huge)
            print(f"Launch to home complete in tmux, {args.huge:,} reflections", flush=True)
            st = launch_runs({"coach": home_screen(coach_tui_cmd(hp), hnames), "bare": bare_screen()}, max(3, runs - 2))
            c, b = st["coach"], st["bare"]
            row = report.add(Row(
                f"Launch → home complete, tmux 80x24, {args.huge:,} refl. (median of {len(c['wall'])})", ms(c["med"]),
                f"bare {ms(b['med'])}", f"{c['med'] / b['med']:.2f}×", "≤ 1.1× bare", judge(c["med"] / b["med"], 1.1),
            ))
            row.notes.append(f"{c['need']} table rows, filter hint, This-week panel, footer; accepted frame = settled "
                             f"screen in {c['same']}/{len(c['wall'])}; min/max coach {spread(c)}, bare {spread(b)}; "
                             f"CPU {ms(c['cmed'])} vs {ms(b['cmed'])}, {c['cmed'] / b['cmed']:.2f}×")
            memory_row(report, st, args.huge)
            bench_export(report, hp, root, args.huge, max(1, export_runs - 1) if args.huge >= 50_000 else export_runs)
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    report.header += data.header
    report.header.append(f"whole run: {time.perf_counter() - started:.0f} s; load average at start {load_start}, at end {loadavg()} "
                         f"(on {os.cpu_count()} CPUs: figures above ~1 per CPU are slowed by other work)")
    text = report.render()
    print()
    print(text, end="")
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "results.txt").write_text(text, encoding="utf-8")
    print(f"\n(written to {out / 'results.txt'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

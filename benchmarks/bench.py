"""How coach holds up with ten years of history. Prints figures; never asserts.

    python benchmarks/bench.py                      10,000 reflections, 60 clients
    python benchmarks/bench.py --reflections 20000 --clients 80
    python benchmarks/bench.py --quick              ~500 reflections, fewer runs (< 1 minute)
    python benchmarks/bench.py --only store,status  some sections only

Each figure is measured beside a baseline in the same run (a bare Textual app,
`python -c pass`, the same save on a small history) and reported as a ratio,
so a slow or busy machine shows in both. The table goes to stdout and to
benchmarks/out/results.txt. See benchmarks/README.md for what each row means.
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
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import history  # noqa: E402  (benchmarks/history.py)

PY = sys.executable
BARE = str(HERE / "bare_app.py")
SECTIONS = ("startup", "bytes", "status", "store")
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
        cols = ["Measure", "coach", "Baseline", "Ratio", "Target", "Result"]
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
    if value != value:  # nan
        return "n/a"
    if value <= limit:
        return "met"
    return f"MISSED by {value - limit:.1f}{unit}" if unit else f"MISSED ({value / limit:.2f}× the target)"


# -- tmux: launch to first full frame, and memory on home ----------------------------


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

    def frame(self, argv: list[str], ready, *, env: dict[str, str] | None = None, settle: float = 0.7,
              timeout: float = 30.0) -> tuple[float, float, dict[str, int]]:
        """Seconds from launch until `ready(screen)` holds, CPU seconds used by then, and
        VmHWM after `settle`."""
        self.n += 1
        name = f"run{self.n}"
        command = "exec " + shlex.join(argv)
        flags = [f"-e{k}={v}" for k, v in (CACHED if env is None else env).items()]
        t0 = time.perf_counter()
        self.cmd("new-session", "-d", "-s", name, "-x", "80", "-y", "24", *flags, command)
        pid = 0
        while True:
            screen = self.cmd("capture-pane", "-p", "-t", name)
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
                raise RuntimeError(f"{argv[-1]} never showed its home screen; the pane read:\n{screen}")
            time.sleep(0.01)
        time.sleep(settle)
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
        return elapsed, cpu, mem


def bench_startup(report: Report, big: Path, small: Path, n_big: int, n_small: int, names: list[str],
                  small_names: list[str], runs: int, quick: bool) -> None:
    print("Launch to home in tmux, and memory on home", flush=True)

    def coach_ready(client_names):
        def ready(screen: str) -> bool:
            lines = screen.rstrip("\n").splitlines()
            return bool(lines) and "palette" in lines[-1] and any(n in screen for n in client_names)
        return ready

    def bare_ready(screen: str) -> bool:
        lines = screen.rstrip("\n").splitlines()
        return bool(lines) and "palette" in lines[-1] and "Ada Lovelace" in screen

    variants = {  # name: (argv, ready, env)
        "coach": (coach_tui_cmd(big), coach_ready(names), None),
        "bare": ([PY, BARE], bare_ready, None),
        "small": (coach_tui_cmd(small), coach_ready(small_names), None),
        "nopyc": (coach_tui_cmd(big), coach_ready(names), NO_PYC),
    }
    if quick:
        del variants["small"], variants["nopyc"]
    wall = {k: [] for k in variants}
    cpu = {k: [] for k in variants}
    hwm = {k: [] for k in variants}
    tmux = Tmux()
    try:
        # one unmeasured run each: it fills the bytecode and page caches
        for argv, ready, env in variants.values():
            tmux.frame(argv, ready, env=env, settle=0.1)
        for _ in range(runs):  # interleaved, so drift on the machine hits all alike
            for key, (argv, ready, env) in variants.items():
                t, c, m = tmux.frame(argv, ready, env=env, settle=0.4)
                wall[key].append(t)
                cpu[key].append(c)
                hwm[key].append(m.get("VmHWM", 0))
    finally:
        tmux.close()
    med = {k: median(v) for k, v in wall.items()}
    cmed = {k: median(v) for k, v in cpu.items()}
    ratio = med["coach"] / med["bare"]
    row = report.add(Row(
        f"Launch → home drawn, tmux 80x24, {n_big:,} refl. (median of {runs})", ms(med["coach"]),
        f"bare {ms(med['bare'])}", f"{ratio:.2f}×", "≤ 1.2× bare", judge(ratio, 1.2),
    ))
    row.notes.append(f"min/max: coach {ms(min(wall['coach']))}/{ms(max(wall['coach']))}, "
                     f"bare {ms(min(wall['bare']))}/{ms(max(wall['bare']))}; best-run ratio {min(wall['coach']) / min(wall['bare']):.2f}×")
    row.notes.append(f"CPU used by the first frame (less sensitive to a busy machine): coach {ms(cmed['coach'])}, "
                     f"bare {ms(cmed['bare'])}, {cmed['coach'] / cmed['bare']:.2f}×")
    if not have_cli():
        row.notes.append("coach.cli missing: coach was started through coach.ui.run.run_app, as the CLI would")
    if quick:
        report.add(Row(f"Peak memory on home (VmHWM), {n_big:,} refl.", kb(median(hwm["coach"])),
                       f"bare {kb(median(hwm['bare']))}", f"{median(hwm['coach']) / median(hwm['bare']):.2f}×", "", ""))
        return
    report.add(Row(
        f"  same, {n_small} refl.", ms(med["small"]), f"bare {ms(med['bare'])}", f"{med['small'] / med['bare']:.2f}×",
        "", "", [f"{n_big:,} vs {n_small} reflections: {med['coach'] / med['small']:.2f}× the time, "
                 f"CPU {ms(cmed['coach'])} vs {ms(cmed['small'])}"],
    ))
    report.add(Row(
        f"  same, {n_big:,} refl., no .pyc (PYTHONDONTWRITEBYTECODE=1)", ms(med["nopyc"]), f"bare {ms(med['bare'])}",
        f"{med['nopyc'] / med['bare']:.2f}×", "", "",
        [f"CPU to the first frame {ms(cmed['nopyc'])} vs {ms(cmed['coach'])} with .pyc: compiling coach's sources "
         f"at every start costs {ms(cmed['nopyc'] - cmed['coach'])} of CPU (wall-time difference {ms(med['nopyc'] - med['coach'])}, noisy)"],
    ))
    mratio = median(hwm["coach"]) / median(hwm["bare"])
    report.add(Row(
        f"Peak memory on home (VmHWM), {n_big:,} refl.", kb(median(hwm["coach"])), f"bare {kb(median(hwm['bare']))}",
        f"{mratio:.2f}×", "", "",
        [f"coach adds {kb(median(hwm['coach']) - median(hwm['bare']))} over a bare Textual app; "
         f"at {n_small} reflections {kb(median(hwm['small']))}"],
    ))


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

    def type_slowly(self, text: str, gap: float = 0.05, tail: float = 0.3) -> list[int]:
        """Bytes written after each key while `text` is typed a key every `gap` s (the last
        key's share runs until `tail` s after it, short of the cursor's next blink)."""
        self.wait_quiet()
        marks = []
        for ch in text:
            marks.append(self.count)
            self.send(ch)
            time.sleep(gap)
        time.sleep(tail - gap)
        marks.append(self.count)
        return [b - a for a, b in zip(marks, marks[1:])]

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
        keys = app.type_slowly(TYPED)
        typed_seen = "for more" in app.text_since(mark).replace("\n", "")
        mem = vm_status(app.pid).get("VmHWM", 0)
    finally:
        app.close()
    return {"first": first, "keys": keys, "typed_seen": typed_seen, "hwm": mem}


def bare_bytes() -> dict[str, float]:
    app = PtyApp([PY, BARE])
    try:
        app.wait_text("Ada Lovelace")
        app.wait_text("palette")
        app.wait_quiet(0.5)
        first = app.count
    finally:
        app.close()
    app = PtyApp([PY, BARE, "--input"])
    try:
        app.wait_text("palette")
        app.wait_quiet()
        mark = app.count
        keys = app.type_slowly(TYPED)
        typed_seen = "for more" in app.text_since(mark).replace("\n", "")
    finally:
        app.close()
    return {"first": first, "keys": keys, "typed_seen": typed_seen}


def bench_bytes(report: Report, data_dir: Path, scratch: Path, names: list[str], runs: int) -> None:
    print("Bytes written to the terminal (pty 80x24, TERM=xterm-256color)", flush=True)
    cs, bs = [], []
    for i in range(runs):
        # a reflection left open at quit becomes a draft: give every run fresh data
        cs.append(coach_bytes(copy_data(data_dir, scratch / f"bytes-{i}"), names))
        bs.append(bare_bytes())
    cf, bf = median([c["first"] for c in cs]), median([b["first"] for b in bs])
    ck, bk = median([sum(c["keys"]) / len(TYPED) for c in cs]), median([sum(b["keys"]) / len(TYPED) for b in bs])
    c1, b1 = median([c["keys"][0] for c in cs]), median([b["keys"][0] for b in bs])
    cr, br = median([median(c["keys"][1:]) for c in cs]), median([median(b["keys"][1:]) for b in bs])
    report.add(Row(f"Bytes to draw home (median of {runs})", kb(cf), f"bare {kb(bf)}", f"{cf / bf:.2f}×", "", "",
                   [f"coach min/max {kb(min(c['first'] for c in cs))}/{kb(max(c['first'] for c in cs))} "
                    "(more when home is drawn twice at launch)"] if runs > 1 else []))
    row = report.add(Row(
        "Bytes per key, evidence field (20 keys, 50 ms apart)", f"{ck:.0f} B", f"Input {bk:.0f} B", f"{ck / bk:.2f}×", "", "",
    ))
    row.notes.append(f"first key {c1:.0f} B (Input {b1:.0f} B), then a median {cr:.0f} B per key (Input {br:.0f} B)")
    if not all(c["typed_seen"] for c in cs):
        row.notes.append("warning: the typed text was not seen in coach's output; focus may not have reached the evidence field")
    report.add(Row("Peak memory after opening a reflection (VmHWM)", kb(median([c["hwm"] for c in cs])), "", "", "", ""))


# -- coach status --------------------------------------------------------------------


def bench_status(report: Report, data_dir: Path, runs: int) -> None:
    print("coach status, end to end", flush=True)
    if not have_cli():
        report.add(Row("coach status, end to end", "missing", "", "", "≤ 150 ms", "n/a", ["coach/cli.py does not exist yet"]))
        return
    argv = [PY, "-m", "coach", "--data-dir", str(data_dir), "status"]
    env = child_env()
    probe = subprocess.run(argv, capture_output=True, text=True, env=env)
    if probe.returncode != 0:
        report.add(Row("coach status, end to end", f"exit {probe.returncode}", "", "", "≤ 150 ms", "n/a",
                       [(probe.stderr or probe.stdout).strip().splitlines()[-1][:150] if (probe.stderr or probe.stdout).strip() else "no output"]))
        return
    base = [PY, "-c", "pass"]
    subprocess.run(base, capture_output=True, env=env)
    st, bt, nt = [], [], []
    for _ in range(runs):
        for times, args, e in ((st, argv, env), (bt, base, env), (nt, argv, child_env(NO_PYC))):
            t = time.perf_counter()
            subprocess.run(args, capture_output=True, env=e)
            times.append(time.perf_counter() - t)
    row = report.add(Row(
        f"coach status, end to end (median of {runs})", ms(median(st)), f"python -c pass {ms(median(bt))}",
        f"{median(st) / median(bt):.2f}×", "≤ 150 ms", judge(median(st) * 1000, 150, " ms"),
    ))
    row.notes.append(f"prints {len(probe.stdout.splitlines())} lines; min/max {ms(min(st))}/{ms(max(st))}; "
                     f"without .pyc {ms(median(nt))}")
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


def bench_store(report: Report, big: Path, small: Path, scratch: Path, saves: int, finishes: int,
                n_big: int, n_small: int, today: date) -> None:
    print("Saving, in process (big and small history interleaved)", flush=True)
    b = SaveBench(copy_data(big, scratch / "store-big"), today)
    s = SaveBench(copy_data(small, scratch / "store-small"), today)
    try:
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
        for i in range(max(5, finishes // 3)):
            b.finish(i, largest=True)
        for _ in range(5):
            b.open_again()
            s.open_again()
        n_refl, size = b.largest_info()
    finally:
        b.close()
        s.close()
    bd, sd = b.t["draft"], s.t["draft"]
    row = report.add(Row(
        f"Save a reflection step (save_draft), {n_big:,} refl. (median of {saves})", ms(median(bd)),
        f"{n_small} refl. {ms(median(sd))}", f"{median(bd) / median(sd):.2f}×", "median < 20 ms",
        judge(median(bd) * 1000, 20, " ms"),
    ))
    row.notes.append(f"p95 {ms(pct(bd, 95))} (at {n_small}: {ms(pct(sd, 95))}); max {ms(max(bd))} (at {n_small}: {ms(max(sd))})")
    row.notes.append(f"first save of a run, with its backup: {ms(b.t['first'][0])} (at {n_small}: {ms(s.t['first'][0])})")
    bf, sf, lt = b.t["finish"], s.t["finish"], b.t["largest"]
    row = report.add(Row(
        f"Save a finished reflection, {n_big:,} refl. (median of {finishes})", ms(median(bf)),
        f"{n_small} refl. {ms(median(sf))}", f"{median(bf) / median(sf):.2f}×", "≤ 100 ms",
        judge(median(bf) * 1000, 100, " ms"),
    ))
    row.notes.append(f"p95 {ms(pct(bf, 95))}, max {ms(max(bf))} (at {n_small}: p95 {ms(pct(sf, 95))})")
    row.notes.append(f"on the largest client ({n_refl} reflections, {kb(size)} file): median {ms(median(lt))}, "
                     f"max {ms(max(lt))} over {len(lt)}")
    report.add(Row(
        f"Store.open + clients(), {n_big:,} refl. (median of 5)", ms(median(b.t["open"])),
        f"{n_small} refl. {ms(median(s.t['open']))}", f"{median(b.t['open']) / median(s.t['open']):.2f}×", "", "",
    ))


# -- main ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reflections", type=int, default=10_000)
    p.add_argument("--clients", type=int, default=60)
    p.add_argument("--quick", action="store_true", help="a smoke run: ~500 reflections, fewer repetitions")
    p.add_argument("--runs", type=int, help="launches of each app (default 7, quick 3)")
    p.add_argument("--only", help=f"comma-separated sections: {','.join(SECTIONS)}")
    p.add_argument("--keep", action="store_true", help="keep the temporary data directories")
    args = p.parse_args(argv)
    if args.quick and args.reflections == 10_000:
        args.reflections = 500
    runs = args.runs or (3 if args.quick else 7)
    byte_runs = 1 if args.quick else 5
    saves, finishes = (50, 10) if args.quick else (200, 30)
    small_n = 100
    sections = set(args.only.split(",")) if args.only else set(SECTIONS)
    unknown = sections - set(SECTIONS)
    if unknown:
        p.error(f"unknown sections: {', '.join(sorted(unknown))}")

    import textual
    import tinydb

    from coach.store import Store, summarise

    today = date.today()
    report = Report()
    started = time.perf_counter()
    load_start = loadavg()
    root = Path(tempfile.mkdtemp(prefix="coach-bench-"))
    try:
        print(f"Building {args.reflections:,} reflections for {args.clients} clients in {root}", flush=True)
        t = time.perf_counter()
        big = root / "big"
        info = history.build(big, reflections=args.reflections, clients=args.clients, today=today)
        built = time.perf_counter() - t
        small = root / "small"
        history.build(small, reflections=small_n, clients=args.clients, today=today)
        # the store must read what was written, and agree with its summaries
        with Store.open(big, read_only=True) as store:
            clients = store.clients()
            counted = sum(c.summary.reflection_count for c in clients)
            sample = clients[:3]
            agree = all(summarise(store.reflections(c.id), store.commitments(c.id)) == c.summary for c in sample)
            read_back = sum(len(store.reflections(c.id)) for c in clients)
        if len(clients) != args.clients or counted != args.reflections or read_back != args.reflections or not agree:
            print(f"The generated data does not read back: {len(clients)} clients, {counted}/{read_back} reflections, "
                  f"summaries agree: {agree}", file=sys.stderr)
            return 1
        names = [c.name for c in clients]
        with Store.open(small, read_only=True) as store:
            small_names = [c.name for c in store.clients()]
        # never into the source tree: a private folder, deleted with the rest
        CACHED.update(PYTHONDONTWRITEBYTECODE="", PYTHONPYCACHEPREFIX=str(root / "pycache"))
        import coach

        subprocess.run([PY, "-m", "compileall", "-q", str(Path(coach.__file__).parent)], env=child_env(),
                       stdout=subprocess.DEVNULL)
        report.header = [
            f"coach benchmarks — {args.reflections:,} reflections, {args.clients} clients, over ~{history.YEARS} years"
            f"{' (quick)' if args.quick else ''}",
            f"{today.isoformat()} · Python {platform.python_version()} · textual {textual.__version__} · "
            f"tinydb {tinydb.__version__} · {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
            f"data: coach.json {kb(info['index_bytes'])}, clients/ {kb(info['history_bytes'])} in {args.clients} files "
            f"(largest {kb(info['largest_history_bytes'])}), {info['open_commitments']} open commitments; "
            f"written in {built:.1f} s and read back by Store.open",
            f"coach launched as: {'python -m coach --data-dir DIR' if have_cli() else 'coach.ui.run.run_app (coach.cli not found)'}",
        ]
        print(report.header[2], flush=True)
        if "startup" in sections:
            bench_startup(report, big, small, args.reflections, small_n, names, small_names, runs, args.quick)
        if "bytes" in sections:
            bench_bytes(report, big, root, names, byte_runs)
        if "status" in sections:
            bench_status(report, big, runs)
        if "store" in sections:
            bench_store(report, big, small, root, saves, finishes, args.reflections, small_n, today)
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
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

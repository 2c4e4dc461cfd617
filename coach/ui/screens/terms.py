"""The partnership's terms, agreed with the client: objectives, and the key
metrics that say whether they are met. Rows are added and removed with the
keyboard; blank rows are dropped on save."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Input, Label, Static

from coach.dates import iso_day, short_date
from coach.models import Client, Metric
from coach.partnership import metric_sentence
from coach.schema import NAME_MAX, too_long
from coach.textsafe import literal, shorten
from coach.ui.access import CoachAccess
from coach.ui.dialogs.confirm import ConfirmDialog
from coach.ui.settle import settle
from coach.ui.widgets.fields import TextField


class ObjectiveRow(Horizontal):
    def __init__(self, text: str = "") -> None:
        super().__init__(classes="term-row objective-row")
        self.text = text

    def compose(self) -> ComposeResult:
        yield Label("›", classes="marker")
        yield TextField(self.text, placeholder="An objective, in words you both agreed", compact=True)

    @property
    def value(self) -> str:
        return self.query_one(Input).value.strip()


class MetricRow(Horizontal):
    def __init__(self, metric: Metric | None = None) -> None:
        super().__init__(classes="term-row metric-row")
        self.metric = metric or Metric(name="")

    def compose(self) -> ComposeResult:
        yield Label("›", classes="marker")
        yield TextField(self.metric.name, placeholder="Metric", compact=True, classes="metric-name")
        yield TextField(self.metric.target, placeholder="Target", compact=True, classes="metric-target")
        yield TextField(self.metric.current, placeholder="Now", compact=True, classes="metric-current")

    @property
    def value(self) -> Metric:
        name, target, current = (i.value.strip() for i in self.query(Input))
        # the row carries its metric's history: a rename keeps it, a new value is dated on save
        return Metric(name=name, target=target, current=current, history=list(self.metric.history))


class TermsScreen(CoachAccess, Screen[bool]):
    """Dismissed with True when the terms were saved."""

    BINDINGS = [
        Binding("ctrl+n", "add_row", "Add row", id="terms.add", priority=True),
        Binding("ctrl+r", "remove_row", "Remove row", id="terms.remove", priority=True),
        Binding("ctrl+s", "save", "Save", id="terms.save", priority=True),
        Binding("ctrl+l", "cancel", "Cancel", id="terms.cancel"),
        Binding("escape", "cancel", "Cancel", show=False, id="terms.cancel_esc"),
        # priority: the scrolling body would take the arrow keys once the terms are taller than the screen
        Binding("down", "app.focus_next", "Next field", show=False, id="terms.down", priority=True),
        Binding("up", "app.focus_previous", "Previous field", show=False, id="terms.up", priority=True),
    ]

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.client: Client | None = None
        self._initial: tuple[list[str], list[Metric], str, str] = ([], [], "", "")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="terms-title", classes="screen-title")
        with VerticalScroll(id="terms-body", can_focus=False):
            yield Static(
                "Agreed with the client and aligned with both businesses. Success is judged by these, "
                "not by whether the client is pleased. ctrl+n adds a row where you are, ctrl+r removes it.",
                classes="prompts",
            )
            yield Label("Objectives", classes="field-label")
            yield Vertical(id="objectives")
            yield Label("Key metrics", classes="field-label")
            with Horizontal(classes="metric-head"):
                yield Label("  Name", classes="metric-name")
                yield Label("Target", classes="metric-target")
                yield Label("Now", classes="metric-current")
            yield Vertical(id="metrics")
            yield Static("", id="metric-trends", classes="prompts")
            yield Label("Your side: what you want from this partnership", classes="field-label")
            yield Vertical(id="our-objective-box", classes="own-side-box")
            yield Label("What you would share about your own business at the next partner talk", classes="field-label")
            yield Vertical(id="to-share-box", classes="own-side-box")
        yield Footer()

    async def on_mount(self) -> None:
        self.client = self.coach.store.client(self.client_id)
        if self.client is None:
            self.query_one("#terms-title", Static).update("This client no longer exists.")
            return
        title = Text("Terms of the partnership · ", style="bold")
        title.append_text(literal(self.client.label, "bold"))
        self.query_one("#terms-title", Static).update(title)
        objectives = self.query_one("#objectives", Vertical)
        objectives.mount_all(ObjectiveRow(o) for o in self.client.objectives or [""])
        metrics = self.query_one("#metrics", Vertical)
        metrics.mount_all(MetricRow(m) for m in self.client.metrics or [None])
        # mounted with their text, as the rows are: a value set afterwards scrolled the screen to it
        await self.query_one("#our-objective-box", Vertical).mount(TextField(
            self.client.our_objective, placeholder="Your objective, e.g. a reference case for the sector",
            compact=True, id="our-objective", classes="own-side"))
        await self.query_one("#to-share-box", Vertical).mount(TextField(
            self.client.to_share, placeholder="e.g. the new service you are building, where you need introductions",
            compact=True, id="to-share", classes="own-side"))
        self._show_trends(self.client.metrics)
        self.call_after_refresh(self._start)

    def _show_trends(self, metrics: list[Metric]) -> None:
        """Each metric's dated values against its target, as saved."""
        def day(iso: str) -> str:
            d = iso_day(iso)
            return short_date(d, self.coach.today) if d else iso

        lines = [metric_sentence(m, day) for m in metrics if m.name.strip() and m.history]
        box = self.query_one("#metric-trends", Static)
        box.display = bool(lines)
        box.update(literal("Over time: " + "\n".join(lines)) if lines else "")

    def _start(self) -> None:
        self._initial = self.values()
        self.query(Input).first().focus(scroll_visible=False)
        # open at the top, the title's guidance and the first objective in view
        self.query_one("#terms-body", VerticalScroll).scroll_home(animate=False, immediate=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def values(self) -> tuple[list[str], list[Metric], str, str]:
        objectives = [row.value for row in self.query(ObjectiveRow) if row.value]
        metrics = [m for m in (row.value for row in self.query(MetricRow)) if m.name or m.target or m.current]
        ours = self.query_one("#our-objective", TextField).kept_value.strip()
        share = self.query_one("#to-share", TextField).kept_value.strip()
        return objectives, metrics, ours, share

    def _focused_row(self) -> Widget | None:
        node = self.focused
        while node is not None and not isinstance(node, (ObjectiveRow, MetricRow)):
            node = node.parent
        return node

    async def action_add_row(self) -> None:
        current = self._focused_row()
        if isinstance(current, MetricRow):
            row: Widget = MetricRow()
        else:
            row = ObjectiveRow()
        box = self.query_one("#metrics" if isinstance(row, MetricRow) else "#objectives", Vertical)
        # mounted and focused before the next key is routed: what is typed next lands in the new row
        await box.mount(row, after=current) if current is not None else await box.mount(row)
        self.set_focus(row.query(Input).first())

    def action_remove_row(self) -> None:
        current = self._focused_row()
        if current is None:
            self.coach.notify("Move to the row to remove first.", timeout=3)
            return
        box = current.parent
        siblings = list(box.children) if box is not None else []
        index = siblings.index(current)
        if len(siblings) == 1:
            # keep one (blank) row so there is always somewhere to type
            for input in current.query(Input):
                input.value = ""
            return
        neighbour = siblings[index + 1] if index + 1 < len(siblings) else siblings[index - 1]
        self.set_focus(neighbour.query(Input).first())
        current.remove()

    async def action_save(self) -> None:
        if self.client is None:
            return
        await settle(self.app)
        objectives, metrics, ours, share = self.values()
        unnamed = [m for m in metrics if not m.name]
        if unnamed:
            self.coach.notify("Each metric needs a name; give it one or remove the row (ctrl+r).", severity="warning")
            return
        problem = next((p for p in (
            *(too_long("an objective", text) for text in objectives),
            *(too_long("a metric's name", m.name, NAME_MAX) for m in metrics),
            *(too_long(f"the target of “{shorten(m.name, 30)}”", m.target) for m in metrics),
            *(too_long(f"the current value of “{shorten(m.name, 30)}”", m.current) for m in metrics),
            too_long("your objective", ours), too_long("what you would share", share),
        ) if p), None)
        if problem:
            self.coach.notify(f"The terms were not saved. {problem}", title="Not saved", severity="error",
                              timeout=15, markup=False)
            return
        if self.coach.refuse_if_read_only():
            return
        store = self.coach.store
        client = store.client(self.client_id) or self.client  # the freshest copy, so nothing else is undone
        client.objectives = objectives
        today = self.coach.today.isoformat()
        for metric in metrics:
            metric.record(metric.current, today)  # dated when it changed; the same value is not kept twice
        client.metrics = metrics
        client.our_objective, client.to_share = ours, share
        if self.coach.guarded_save(lambda: store.save_client(client), what="The terms"):
            self.coach.notify("Terms saved.", timeout=3)
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.leave_if_agreed(lambda: self.dismiss(False))

    def typed_words(self) -> dict[str, str]:
        """The terms as typed, when they differ from how they opened ({} when not)."""
        if self.client is None or self.values() == self._initial:
            return {}
        objectives, metrics, ours, share = self.values()
        words = {f"objective {n}": o for n, o in enumerate(objectives, start=1)}
        words |= {f"metric {n}": f"{m.name}: target {m.target}, now {m.current}" for n, m in enumerate(metrics, start=1)}
        return words | {"your objective": ours, "to share": share}

    def leave_if_agreed(self, then) -> None:
        """Run `then` once the user agrees to drop unsaved changes, if there are any (Cancel, ctrl+q)."""
        if self.client is None or self.values() == self._initial:
            then()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                then()

        self.coach.push_screen(
            ConfirmDialog("Discard your changes?", "The terms typed here have not been saved.", "Discard"), answered
        )

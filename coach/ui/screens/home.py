"""Home: every client at a glance, what this week asks for, and the ways in.

At launch, home offers an unfinished reflection first, then the review of
commitments that have come due. Everything shown is read from the clients'
summaries, so home never opens a history file.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from coach import weekly
from coach.models import Client
from coach.reflection_form import reflection_form
from coach.textsafe import literal
from coach.ui.access import CoachAccess
from coach.ui.dialogs.client_picker import ClientPicker
from coach.ui.dialogs.confirm import ConfirmDialog
from coach.ui.dialogs.resume import ResumeDialog
from coach.ui.widgets.dashboard import (
    SORTS,
    ClientRow,
    ClientTable,
    FilterInput,
    selection_text,
    this_week_text,
)
from coach.works import WHAT_WORKS

TAGLINE = "Once a week: score what each client would say of you, with evidence, and commit to one thing."

WELCOME = (
    "Welcome. coach walks you through a short weekly reflection on one client at a time: "
    "how strongly they would agree with seven beliefs about you, with the evidence; whether "
    "the partnership is thriving; and one thing you commit to do about it.\n\n"
    "Press n to start your first reflection; you can add the client as you go.\n"
    "Just looking? Quit (ctrl+q), then try sample data kept apart from yours:\n"
    "  coach --data-dir /tmp/coach-demo demo && coach --data-dir /tmp/coach-demo"
)


class HomeScreen(CoachAccess, Screen):
    AUTO_FOCUS = "#client-table"

    # Priority bindings run in the app's own key loop: over a laggy SSH link a
    # burst like "n" + a name, or "/" + a filter, must not leave the letters
    # after the first to be read as more home keys (a for Agenda...). While
    # the filter has focus they stand aside and type (see check_action).
    BINDINGS = [
        Binding("n", "new_reflection", "Reflect", id="home.reflect", priority=True),
        Binding("r", "review", "Review", id="home.review", priority=True),
        # / and s are hinted in the bar above the table, so the footer fits 80 columns
        Binding("slash", "filter", "Filter", show=False, id="home.filter", priority=True),
        Binding("s", "sort", "Sort", show=False, id="home.sort", priority=True),
        Binding("h", "history", "History", id="home.history", priority=True),
        Binding("c", "clients", "Clients", id="home.clients", priority=True),
        Binding("p", "portfolio", "Portfolio", id="home.portfolio", priority=True),
        Binding("a", "agenda", "Agenda", id="home.agenda", priority=True),
        # not in the footer, which is full at 80 columns: the filter's placeholder names it
        Binding("i", "insights", "Insights", show=False, id="home.insights", priority=True),
        Binding("m", "note", "Note", show=False, id="home.note", priority=True),
        Binding("w", "what_works", "What works", show=False, id="home.what_works", priority=True),
        Binding("b", "three_best", "Three best clients", show=False, id="home.three_best", priority=True),
        Binding("q", "quit", "Quit", show=False, id="home.quit", priority=True),  # the footer shows ctrl+q
        Binding("enter", "reflect_on_selected", "Reflect on this client", show=False, id="home.reflect_on", priority=True),
        # Esc is unreliable over SSH and in tmux, so ctrl+l clears the filter too
        Binding("escape,ctrl+l", "clear_filter", "Clear filter", show=False, id="home.clear_filter"),
    ]
    TYPING_YIELDS = {
        "new_reflection", "review", "filter", "sort", "history", "clients", "portfolio", "agenda", "insights", "note", "what_works", "three_best", "quit",
    }

    def __init__(self) -> None:
        super().__init__()
        self.sort_index = 0
        self.rows: list[ClientRow] = []
        self.shown: list[ClientRow] = []
        self._week_width = 0  # the width the This-week panel was wrapped to
        self._everyone: list[Client] = []  # every client as last read, archived too

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(TAGLINE, id="tagline")
        yield Static(WELCOME, id="welcome")
        with Horizontal(id="home-bar"):
            yield FilterInput(placeholder="/ filter · i insights · w what works · m note", id="filter")
            yield Static("", id="sort-label")
        yield ClientTable(id="client-table")
        yield Static("", id="selection")
        with VerticalScroll(id="this-week"):
            yield Static("", id="this-week-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#this-week").border_title = "This week"
        self.query_one(ClientTable).set_up_columns(self.coach.size.width)
        self.call_after_refresh(self.launch)

    def on_screen_resume(self) -> None:
        # Textual sends this on the first push as well, so it is the one place
        # home reads the store: once at launch, and again after every screen above
        self.refresh_all()

    def on_resize(self) -> None:
        table = self.query_one(ClientTable)
        if table.needs_columns(self.size.width):
            table.set_up_columns(self.size.width)  # this drops the rows too
            self.refresh_all()
        elif self.coach.size.width != self._week_width:
            self.show_this_week(self._everyone)  # it was wrapped to the width it had

    # -- what is shown ---------------------------------------------------------

    @property
    def sort(self):
        return SORTS[self.sort_index]

    def refresh_all(self) -> None:
        """Read the clients again and redraw everything (after a reflection, a review, an edit)."""
        everyone = self._everyone = self.coach.store.clients(include_archived=True)  # archived ones count in the rhythm
        clients = [c for c in everyone if not c.archived]
        self.rows = [ClientRow.of(client) for client in clients]
        first_run = not clients
        for selector in ("#tagline", "#welcome"):
            self.query_one(selector).display = first_run
        for selector in ("#home-bar", "#client-table", "#selection", "#this-week"):
            self.query_one(selector).display = not first_run
        self.show_this_week(everyone)
        self.apply_view()

    def show_this_week(self, everyone: list[Client]) -> None:
        self._week_width = self.coach.size.width
        self.query_one("#this-week-text", Static).update(
            this_week_text(everyone, self.coach.method, self.coach.today, self._week_width, self.coach.console))

    def apply_view(self) -> None:
        """Filter and sort the rows already read; no disk access."""
        typed = self.query_one("#filter", Input).value
        shown = [row for row in self.rows if row.matches(typed)]
        self.shown = sorted(shown, key=self.sort.order)
        self.query_one(ClientTable).show(self.shown, self.coach.method, self.coach.today)
        self.show_bar()
        self.show_selection()

    def show_bar(self) -> None:
        """Beside the filter: the sort, or while typing, how to get out of the filter."""
        typed = self.query_one("#filter", Input).value
        label = Text()
        if typed.strip():
            label.append(f"{len(self.shown)} of {len(self.rows)} · ", style="dim")
        if self._typing():
            label.append("enter", style="bold")
            label.append(" to the table · ", style="dim")
            label.append("ctrl+l", style="bold")
            label.append(" clears", style="dim")
        else:
            label.append("s", style="bold")
            label.append(" sort: ", style="dim")
            label.append(self.sort.label, style="bold")
        self.query_one("#sort-label", Static).update(label)

    def on_descendant_focus(self) -> None:
        self.show_bar()

    def on_descendant_blur(self) -> None:
        self.show_bar()

    def show_selection(self) -> None:
        width = self.coach.size.width - 2  # the line's padding
        self.query_one("#selection", Static).update(selection_text(self.selected_row(), self.coach.today, width))

    def selected_row(self) -> ClientRow | None:
        selected = self.query_one(ClientTable).selected_id()
        return next((row for row in self.shown if row.client.id == selected), None)

    def selected_client(self) -> Client | None:
        selected = self.query_one(ClientTable).selected_id()
        return self.coach.store.client(selected) if selected else None

    def on_data_table_row_highlighted(self) -> None:
        self.show_selection()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.TYPING_YIELDS and self._typing():
            return None  # the key types into the filter instead
        if action == "reflect_on_selected" and self.focused is not self.query_one(ClientTable):
            return None  # Enter belongs to the focused widget (the filter moves to the table)
        return True

    def _typing(self) -> bool:
        return isinstance(self.focused, Input)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._reflect_on(event.row_key.value)

    def action_reflect_on_selected(self) -> None:
        self._reflect_on(self.query_one(ClientTable).selected_id())

    def _reflect_on(self, client_id: str | None) -> None:
        client = self.coach.store.client(client_id) if client_id else None
        if client is not None:
            self.coach.start_reflection(client, on_done=self._reflection_done)

    # -- filter and sort -------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.apply_view()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.action_focus_table()

    def action_filter(self) -> None:
        self.set_focus(self.query_one("#filter", Input))

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.action_focus_table()

    def action_focus_table(self) -> None:
        self.set_focus(self.query_one(ClientTable))

    def action_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self.apply_view()

    # -- at launch ---------------------------------------------------------------

    def launch(self) -> None:
        """An unfinished reflection first, then what has come due.

        Keys typed while coach starts are held until this has run (see
        KeysAhead.launch_finished), so they go to the offer, as they would
        have had the user waited for it."""
        try:
            if self.coach.screen is not self:
                return  # something was opened before the launch got here; an offer would cover it
            if self.coach.store.read_only:
                return  # nothing could be saved; the This-week panel shows what is due
            if not self.offer_drafts(then=self.offer_review):
                self.offer_review()
        finally:
            self.coach.keys_ahead.launch_finished()

    def offer_drafts(self, then=None) -> bool:
        """Offer the newest unfinished reflection; True when a dialog was shown."""
        if self.coach.store.read_only:
            return False
        for draft in self.coach.store.drafts():
            client = self.coach.store.client(draft.client_id)
            if client is None:
                continue
            steps = len(reflection_form().steps)

            def chosen(choice: str, draft=draft, client=client) -> None:
                if choice == "resume":
                    def done(saved: bool | None) -> None:
                        self._reflection_done(saved)
                        if then is not None:
                            # once the keys already on their way are in: if the
                            # user typed on past the key that closed the
                            # reflection, those keys are for home, and the
                            # review would take them (the This-week panel
                            # still shows what is due)
                            self.call_after_refresh(lambda: None if self.coach.typed_since_close() else then())

                    self.coach.start_reflection(client, draft, done)
                    return
                if choice == "discard":
                    self._confirm_discard(draft, client, then)
                    return
                if then is not None:
                    then()

            self.coach.push_screen(ResumeDialog(draft, client, steps), chosen)
            return True  # one offer per launch; the others stay for later
        return False

    def _confirm_discard(self, draft, client: Client, then=None) -> None:
        """Discard only when asked twice; even then a backup keeps the draft."""

        def answered(discard: bool | None) -> None:
            if discard:
                kept: list = []
                if self.coach.guarded_save(
                    lambda: kept.append(self.coach.store.set_draft_aside(draft.id)), what="Discarding"
                ):
                    where = f" A copy is kept in {kept[0]}." if kept and kept[0] else ""
                    self.coach.notify(f"Unfinished reflection discarded.{where}", timeout=8, markup=False)
                    self.refresh_all()
            if then is not None:
                then()

        body = Text("The answers typed so far on ")
        body.append_text(literal(client.label, "bold"))
        body.append(" will no longer be offered. A backup keeps a copy.")
        self.coach.push_screen(ConfirmDialog("Discard this unfinished reflection?", body, "Discard"), answered)

    def offer_review(self) -> None:
        due = weekly.due_commitments(self.coach.store.clients(), self.coach.today)
        if not due:
            return
        from coach.ui.screens.review import ReviewScreen

        items = [(item.client, item.commitment) for item in due]
        self.coach.push_screen(ReviewScreen(items, heading="due or overdue"))

    # -- actions -----------------------------------------------------------------

    def _need_client(self) -> Client | None:
        client = self.selected_client()
        if client is None:
            self.coach.notify("Add a client first: press n to start a reflection.", timeout=5)
        return client

    def action_new_reflection(self) -> None:
        if self.coach.refuse_if_read_only():
            return

        def picked(client: Client | None) -> None:
            if client is not None:
                self.coach.start_reflection(client, on_done=self._reflection_done)

        self.coach.push_screen(ClientPicker(), picked)

    def action_review(self) -> None:
        if self.coach.refuse_if_read_only():
            return
        items = weekly.open_commitments(self.coach.store.clients())
        if not items:
            self.coach.notify("No open commitment to review; each reflection ends with one.", timeout=5)
            return
        selected = self.query_one(ClientTable).selected_id()
        start = next((n for n, (client, _) in enumerate(items) if client.id == selected), 0)
        from coach.ui.screens.review import ReviewScreen

        self.coach.push_screen(ReviewScreen(items, start=start, heading="open commitments"))

    def action_history(self) -> None:
        client = self._need_client()
        if client is not None:
            from coach.ui.screens.history import HistoryScreen

            if self.coach.readable_history(client):
                self.coach.push_screen(HistoryScreen(client.id))

    def action_agenda(self) -> None:
        client = self._need_client()
        if client is not None:
            from coach.ui.screens.agenda import AgendaScreen

            if self.coach.readable_history(client):
                self.coach.push_screen(AgendaScreen(client.id))

    def action_clients(self) -> None:
        from coach.ui.screens.clients import ClientsScreen

        self.coach.push_screen(ClientsScreen())

    def action_insights(self) -> None:
        from coach.ui.screens.insights import InsightsScreen

        self.coach.push_screen(InsightsScreen())

    def action_note(self) -> None:
        client = self._need_client()
        if client is not None:
            self.coach.note_on(client)

    def action_what_works(self) -> None:
        from coach.ui.screens.insights import InsightsScreen

        self.coach.push_screen(InsightsScreen(section=WHAT_WORKS))

    def action_three_best(self) -> None:
        from coach.ui.screens.three_best import ThreeBestScreen

        self.coach.push_screen(ThreeBestScreen(), self._reflect_on)  # closes with the client to reflect on

    def action_portfolio(self) -> None:
        from coach.ui.screens.portfolio import PortfolioScreen

        self.coach.push_screen(PortfolioScreen())

    async def action_quit(self) -> None:
        await self.coach.action_quit()

    def _reflection_done(self, saved: bool | None) -> None:
        self.refresh_all()

"""Pick the client to reflect on: type to filter, Enter to choose, or create one."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from coach.dates import describe, iso_day
from coach.models import Client
from coach.textsafe import literal, shorten
from coach.ui.access import CoachAccess
from coach.ui.dialogs.new_client import NewClientDialog
from coach.ui.widgets.fields import TextField

NEW = "__new__"


PICKER_NAME_MIN = 20  # cells of a name the picker always shows, when it has them

class ClientPicker(CoachAccess, ModalScreen[Client | None]):
    BINDINGS = [
        Binding("down", "move(1)", "Down", show=False, id="picker.down", priority=True),
        Binding("up", "move(-1)", "Up", show=False, id="picker.up", priority=True),
        Binding("ctrl+n", "new_client", "New client", id="picker.new", priority=True),
        Binding("escape,ctrl+l", "cancel", "Back", id="picker.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.clients: list[Client] = []
        self._filled_for: str | None = None  # the filter text the list shows

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label("Which client? Type to filter, Enter to choose.", classes="dialog-title")
            yield TextField(placeholder="Filter by name or organisation", id="filter")
            yield OptionList(id="clients")
        yield Footer()

    def on_mount(self) -> None:
        self.clients = self.coach.store.clients()
        self._fill("")
        self.set_focus(self.query_one("#filter", Input))

    def _fill(self, typed: str) -> None:
        self._filled_for = typed
        needle = typed.strip().casefold()
        options = self.query_one("#clients", OptionList)
        options.clear_options()
        # the list's width less the option's padding, and the scrollbar's when it has one
        width = (options.content_size.width or self.coach.size.width - 16) - 2
        if len(self.clients) + 1 > (options.content_size.height or len(self.clients) + 1):
            width -= options.styles.scrollbar_size_vertical
        for client in self.clients:
            if needle and needle not in client.name.casefold() and needle not in client.organisation.casefold():
                continue
            options.add_option(Option(self._row(client, width), id=client.id))
        label = Text("+ New client")
        if typed.strip():
            label.append(" named ")
            label.append_text(literal(typed.strip(), "bold"))
        label.append("  (ctrl+n)", style="dim")
        options.add_option(Option(label, id=NEW))
        options.highlighted = 0

    def _row(self, client: Client, width: int) -> Text:
        """One line of `width` cells a client: the name shortened at a word to
        leave room for when they were last reflected on, which is never split
        (it wrapped as "Sun 8 / Nov")."""
        last = iso_day(client.summary.last_reflection_on)
        when = f"last {describe(last, self.coach.today)}" if last else "no reflection yet"
        room = width - cell_len(when) - 2
        if room < 12:  # too narrow for both on one line: the date goes under the name
            return literal(shorten(client.label, max(width, 1)), "bold").append(f"\n{when}", style="dim")
        name = shorten(client.label, room, keep=PICKER_NAME_MIN)  # enough of it to tell clients apart
        text = literal(name, "bold")
        text.append(" " * (width - cell_len(name) - cell_len(when)) + when, style="dim")
        return text

    def on_resize(self) -> None:
        # the rows are laid out for the width; the highlighted one stays so
        options = self.query_one("#clients", OptionList)
        highlighted = options.highlighted
        self._fill(self.query_one("#filter", Input).value)
        if highlighted is not None and highlighted < options.option_count:
            options.highlighted = highlighted

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.is_attached and event.value != self._filled_for:
            self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # the list for what was typed before Enter (TextField keeps out what came after)
        if event.value != self._filled_for:
            self._fill(event.value)
        options = self.query_one("#clients", OptionList)
        if options.highlighted is not None:
            self._choose(options.get_option_at_index(options.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def action_move(self, step: int) -> None:
        options = self.query_one("#clients", OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def _choose(self, option_id: str | None) -> None:
        if option_id == NEW:
            self.action_new_client()
            return
        client = next((c for c in self.clients if c.id == option_id), None)
        if client is not None:
            self.dismiss(client)

    def action_new_client(self) -> None:
        typed = self.query_one("#filter", Input).value.strip()

        def created(client: Client | None) -> None:
            if client is not None:
                self.dismiss(client)

        self.coach.push_screen(NewClientDialog(typed), created)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""A note between sessions: a moment with a client, kept for the next reflection."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label

from coach.dates import DateError, parse_date, short_date
from coach.models import NOTE_KINDS, Note, now_stamp
from coach.schema import too_long
from coach.textsafe import literal, shorten
from coach.ui.access import CoachAccess
from coach.ui.dialogs.form import FormDialog, form_buttons
from coach.ui.settle import settle
from coach.ui.widgets.choices import Choices, Option
from coach.ui.widgets.fields import NoteArea, TextField

# short words on the row, so the six fit a 70-column dialog; the full kind is said below it
_SHORT = {"said": "said", "did": "did", "referral": "referral", "ignored": "ignored", "interest": "interest",
          "other": "other"}


class NoteDialog(FormDialog, CoachAccess, ModalScreen[Note | None]):
    """`save(note)` keeps it and says whether it could; the dialog stays open when
    it could not, so nothing typed is lost. Dismissed with the note, or None."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save", priority=True),
        Binding("ctrl+l,escape", "cancel", "Cancel", id="note.cancel"),
    ]

    def __init__(self, client_id: str, client_name: str, save: Callable[[Note], bool]) -> None:
        super().__init__()
        self.client_id = client_id
        self.client_name = client_name
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog note"):
            title = Text("A note on ", style="bold")
            title.append_text(literal(shorten(self.client_name, 50), "bold"))
            yield Label(title, classes="dialog-title")
            yield Label(Text("Something worth remembering at the next reflection: it is offered there as evidence."),
                        classes="prompts")
            options = [Option(key, _SHORT[key], str(n)) for n, key in enumerate(NOTE_KINDS, start=1)]
            yield Choices(options, value="said", id="kind", advance_on_pick=True)
            yield Label(NOTE_KINDS["said"].capitalize(), id="kind-name", classes="echo")
            yield Label("What happened", classes="field-label")
            yield NoteArea(id="text")
            yield Label("When", classes="field-label")
            yield TextField("", id="on", compact=True, placeholder="today (or yesterday, last friday, 30 nov)")
            yield Label("", id="on-echo", classes="echo")
            yield from form_buttons()
        yield Footer()

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#kind", Choices))

    def on_choices_changed(self, event: Choices.Changed) -> None:
        self.query_one("#kind-name", Label).update(NOTE_KINDS.get(event.value, "choose 1-6").capitalize())

    def on_input_changed(self, event: TextField.Changed) -> None:
        if event.input.id == "on":
            echo = self.query_one("#on-echo", Label)
            try:
                day = self._day()
            except DateError as exc:
                echo.update(Text(f"✗ {exc}"))
                return
            echo.update(Text(f"→ {short_date(day, self.coach.today)}"))

    def _day(self):
        typed = self.query_one("#on", TextField).kept_value.strip()
        today = self.coach.today
        day = parse_date(typed, today, past=True) if typed else today
        if day > today:
            raise DateError(f"{short_date(day, today)} has not come yet; a note is of something that happened")
        return day

    async def action_save(self) -> None:
        await settle(self.app)
        kind = self.query_one("#kind", Choices).value
        if kind not in NOTE_KINDS:
            self.say("Choose what kind of moment it was (1-6).", "kind")
            return
        text = self.query_one("#text", NoteArea).kept_text.strip()
        if not text:
            self.say("Write what happened, in a line or two.", "text")
            return
        if problem := too_long("the note", text):
            self.say(problem, "text")
            return
        try:
            day = self._day()
        except DateError as exc:
            self.say(f"When: {exc}.", "on")
            return
        note = Note(client_id=self.client_id, on=day.isoformat(), kind=kind, text=text, created_at=now_stamp())
        if self.save(note):
            self.dismiss(note)

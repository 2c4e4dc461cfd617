"""The agenda for the next "meeting as partners" conversation: read it, copy
it, or save it to a file."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Static

from coach.agenda import agenda_filename, build_agenda
from coach.models import Client
from coach.storage import SaveError, write_private_file
from coach.textsafe import literal
from coach.ui.access import CoachAccess
from coach.ui.dialogs.confirm import ConfirmDialog
from coach.ui.settle import settle
from coach.ui.widgets.fields import TextField


def agenda_view(markdown: str) -> Text:
    """The Markdown shown as it will be copied, headings in bold; never interpreted."""
    text = Text()
    for line in markdown.splitlines():
        text.append_text(literal(line, "bold" if line.startswith("#") else ""))
        text.append("\n")
    return text


class AgendaScreen(CoachAccess, Screen):
    """A text to take into a conversation with the client: the agenda of the
    next partner talk here; a check-in to send them in CheckInScreen."""

    what = "agenda"  # how messages name the text
    heading = "Agenda for meeting as partners · "

    BINDINGS = [
        Binding("c", "copy", "Copy", id="agenda.copy"),
        Binding("s", "save", "Save to file", id="agenda.save"),
        Binding("ctrl+s", "save", "Save to file", show=False, id="agenda.save_ctrl", priority=True),
        Binding("b,ctrl+l", "back", "Back", id="agenda.back"),
        Binding("escape", "back", "Back", show=False, id="agenda.back_esc"),
    ]

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.markdown = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="agenda-title", classes="screen-title")
        with VerticalScroll(id="agenda-body"):
            yield Static("", id="agenda-text")
        with Horizontal(id="agenda-save-row"):
            yield Label("Save to ", classes="question")
            yield TextField(id="agenda-path", compact=True)
        yield Static("s saves to this file (Tab to change the name, Enter saves) · c copies", classes="prompts", id="agenda-hint")
        yield Footer()

    def on_mount(self) -> None:
        store = self.coach.store
        client = store.client(self.client_id)
        if client is None:
            self.query_one("#agenda-title", Static).update("This client no longer exists.")
            return
        self.markdown = self.build(client)
        title = Text(self.heading, style="bold")
        title.append_text(literal(client.label, "bold"))
        self.query_one("#agenda-title", Static).update(title)
        self.query_one("#agenda-text", Static).update(agenda_view(self.markdown))
        self.query_one("#agenda-path", Input).value = self.filename(client)
        self.set_focus(self.query_one("#agenda-body"))

    def build(self, client: Client) -> str:
        return build_agenda(client, self.coach.store.reflections(self.client_id), self.coach.method, self.coach.today)

    def filename(self, client: Client) -> str:
        return agenda_filename(client, self.coach.today)

    def action_copy(self) -> None:
        if not self.markdown:
            return
        self.coach.copy_to_clipboard(self.markdown)
        self.coach.notify(
            "Sent to your clipboard through the terminal (OSC 52), which works over SSH in many "
            "terminals; some ignore it (macOS Terminal, tmux without set-clipboard). "
            "If nothing pastes, save it to a file with s.",
            title="Copied",
            timeout=10,
        )

    def target_path(self) -> Path | None:
        typed = self.query_one("#agenda-path", Input).value.strip()
        if not typed:
            return None
        path = Path(typed).expanduser()
        if not path.is_absolute():
            path = Path.cwd() / path
        if path.is_dir():
            client = self.coach.store.client(self.client_id)
            path = path / self.filename(client) if client else path
        return path

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.action_save()

    async def action_save(self) -> None:
        if not self.markdown:
            return
        await settle(self.app)
        path = self.target_path()
        if path is None:
            self.coach.notify(f"Type a file name to save the {self.what} to.", severity="warning")
            self.query_one("#agenda-path", Input).focus()
            return
        if path.exists() or path.is_symlink():

            def answered(replace: bool | None) -> None:
                if replace:
                    self.write(path, replace=True)

            body = Text("There is already a file at ")
            body.append_text(literal(str(path), "bold"))
            body.append(f". Replace it with this {self.what}?")
            self.coach.push_screen(ConfirmDialog("Replace the file?", body, "Replace"), answered)
            return
        self.write(path)

    def write(self, path: Path, *, replace: bool = False) -> None:
        try:
            # never through a link, never onto a device or pipe, new files 0600
            write_private_file(path, self.markdown.encode("utf-8"), replace=replace, data_dir=self.coach.store.data_dir)
        except SaveError as exc:
            self.coach.notify(f"The {self.what} was not saved. {exc}", title="Not saved", severity="error", timeout=12, markup=False)
            return
        self.coach.notify(f"Saved the {self.what} to {path} (readable only by you).", title="Saved", timeout=8, markup=False)

    def action_back(self) -> None:
        self.dismiss()


class CheckInScreen(AgendaScreen):
    """The check-in to send a client (`coach ask`), to copy or save."""

    what = "check-in"
    heading = "Check-in to send · "

    def build(self, client: Client) -> str:
        from coach.voice import check_in_text

        return check_in_text(client.name, self.coach.method)

    def filename(self, client: Client) -> str:
        from coach.voice import check_in_filename

        return check_in_filename(client, self.coach.today)

"""What every dialog of fields shares: a problem line, a Save and a Cancel
button, Enter in a field moving on, problems said in words, and a question
before what was typed is dropped (Cancel, Esc, or ctrl+q: see CoachApp.action_quit)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static


def form_buttons(save: str = "Save", cancel: str = "Cancel", *, problem: bool = True) -> ComposeResult:
    """The problem line (unless the dialog places its own) and the two buttons with their keys."""
    if problem:
        yield Static("", id="problem", classes="problem")
    with Horizontal(classes="buttons"):
        # Text, not str: a Button label parses markup, and "[ctrl+s]" must stay as typed
        yield Button(Text(f"{save} [ctrl+s]"), variant="primary", id="save")
        yield Button(Text(f"{cancel} [ctrl+l]"), id="cancel")


class FormDialog:
    """Mixed into a ModalScreen that has `action_save` and a `#problem` line (from
    form_buttons, or its own); Cancel dismisses it with None."""

    _opened: tuple = ()

    def on_mount(self) -> None:
        # Textual calls this beside the subclass's own on_mount; no key has reached a field yet
        self._opened = self._fields()

    def _fields(self) -> tuple:
        from coach.ui.widgets.choices import Choices
        from coach.ui.widgets.fields import NoteArea, TextField

        values = []
        for widget in self.query("TextField, NoteArea, Choices"):
            if isinstance(widget, TextField):
                values.append(widget.kept_value)
            elif isinstance(widget, NoteArea):
                values.append(widget.kept_text)
            elif isinstance(widget, Choices):
                values.append(widget.value)
        return tuple(values)

    def typed(self) -> bool:
        """Whether anything differs from how the dialog opened."""
        return bool(self._opened) and self._fields() != self._opened

    def typed_words(self) -> dict[str, str]:
        """What is typed here, by field, when it differs from how the dialog opened ({} when not):
        kept in a private file if the terminal goes away (CoachApp.hang_up)."""
        if not self.typed():
            return {}
        return {widget.id or str(n): str(value) for n, (widget, value)
                in enumerate(zip(self.query("TextField, NoteArea, Choices"), self._fields())) if value}

    def action_cancel(self) -> None:
        self.leave_if_agreed(lambda: self.dismiss(None))

    def leave_if_agreed(self, then) -> None:
        """Run `then`, once the user agrees to drop what was typed (if anything was)."""
        if not self.typed():
            then()
            return
        from coach.ui.dialogs.confirm import ConfirmDialog

        def answered(drop: bool | None) -> None:
            if drop:
                then()

        self.app.push_screen(ConfirmDialog("Discard what you typed?", "Nothing typed here has been saved.",
                                           "Discard"), answered)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            await self.action_save()
        else:
            self.action_cancel()

    def say(self, problem: str, field: str | None = None) -> None:
        """Show `problem` (as typed: never markup) and put the focus where it is."""
        self.query_one("#problem", Static).update(Text(problem))
        if field is not None:
            self.query_one(f"#{field}").focus()

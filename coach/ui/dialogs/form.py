"""What every dialog of fields shares: a problem line, a Save and a Cancel
button, Enter in a field moving on, and problems said in words."""

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
    """Mixed into a ModalScreen that has `action_save` and `action_cancel` and a
    `#problem` line (from form_buttons, or its own)."""

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

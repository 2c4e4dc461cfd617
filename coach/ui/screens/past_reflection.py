"""A past reflection, read-only; with e, its text fields become editable to
correct a typo. The scores and the date stay as they were: a correction is not
a new reflection."""

from __future__ import annotations

import copy
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static

from coach.dates import short_iso, short_moment
from coach.insight import last_partner_talk
from coach.method import Method
from coach.models import Client, Commitment, Reflection
from coach.reflection_form import CHOICE, DATE, ON_REFLECTION, SCORE, reflection_form
from coach.schema import too_long as text_too_long
from coach.textsafe import literal
from coach.ui.access import CoachAccess
from coach.ui.dialogs.confirm import ConfirmDialog
from coach.ui.settle import settle
from coach.ui.widgets.fields import NoteArea, TextField, cursor_to_end

# each commitment text: its field, its label, and what a message calls it
COMMITMENT_TEXTS = (
    ("action", "Commitment: the action", "the commitment's action"),
    ("what_happened", "What happened", "what happened"),
    ("learned", "What you learned", "what you learned"),
)


class PastReflectionScreen(CoachAccess, Screen[bool]):
    """Dismissed with True when a correction was saved."""

    BINDINGS = [
        Binding("e", "edit", "Edit", id="past.edit"),
        Binding("ctrl+s", "save", "Save correction", id="past.save", priority=True),
        Binding("ctrl+l", "cancel_edit", "Cancel", id="past.cancel", priority=True),
        Binding("b,ctrl+l", "back", "Back", id="past.back"),
        Binding("escape", "back", "Back", show=False, id="past.back_esc"),
    ]

    def __init__(self, client_id: str, reflection_id: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.reflection_id = reflection_id
        self.client: Client | None = None
        self.reflection: Reflection | None = None
        self.commitment: Commitment | None = None
        self.editing = False
        self.saved = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="past-title", classes="screen-title")
        yield VerticalScroll(id="past-read")
        yield VerticalScroll(id="past-edit", can_focus=False)
        yield Footer()

    def on_mount(self) -> None:
        self.load()
        self.query_one("#past-edit").display = False
        self.set_focus(self.query_one("#past-read"))

    def load(self) -> None:
        store = self.coach.store
        self.client = store.client(self.client_id)
        self.reflection = store.reflection(self.client_id, self.reflection_id)
        if self.client is None or self.reflection is None:
            self.query_one("#past-title", Static).update("This reflection no longer exists.")
            return
        self.commitment = next(
            (c for c in store.commitments(self.client_id) if c.id == self.reflection.commitment_id), None
        )
        title = Text(f"Reflection of {short_iso(self.reflection.date, self.coach.today)} · ", style="bold")
        title.append_text(literal(self.client.label, "bold"))
        title.append(" · correcting" if self.editing else " · read-only")
        self.query_one("#past-title", Static).update(title)
        view = self.query_one("#past-read", VerticalScroll)
        view.remove_children()
        history = store.reflections(self.client_id)
        earlier = history[: next((n for n, r in enumerate(history) if r.id == self.reflection.id), len(history))]
        blocks = reflection_blocks(self.reflection, self.commitment, self.coach.method, self.coach.today,
                                   known=last_partner_talk(earlier))
        view.mount_all(Static(text, classes=kind) for text, kind in blocks)

    # -- modes -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            return not self.editing
        if action in ("save", "cancel_edit"):
            return self.editing
        return True

    async def action_edit(self) -> None:
        if self.reflection is None:
            return
        if self.coach.refuse_if_read_only():
            return
        self.editing = True
        form = self.query_one("#past-edit", VerticalScroll)
        await form.remove_children()
        await form.mount_all(self._form_widgets(self.reflection))
        self.query_one("#past-read").display = False
        form.display = True
        # as on returning to a step: the first empty field, else the end of
        # the last one, with its label in view (focus alone scrolled it off)
        fields = list(form.query("NoteArea, TextField"))
        target = next((f for f in fields if not (f.text if isinstance(f, NoteArea) else f.value).strip()),
                      fields[-1] if fields else None)
        cursor_to_end(target)
        self.set_focus(target)
        self.load()
        self.refresh_bindings()
        if target is not None:
            label = form.children[form.children.index(target) - 1]
            self.call_after_refresh(form.scroll_to_widget, label, animate=False, top=True)

    def _form_widgets(self, reflection: Reflection):
        method: Method = self.coach.method
        yield Static("Correct the wording; scores and the date stay as they were.", classes="prompts")
        for step in reflection_form().steps:
            for field in correctable(step):
                value = field.of_reflection(reflection)
                if step.is_belief:
                    score = step.fields[0].shown(step.fields[0].of_reflection(reflection), self.coach.today,
                                                 empty="not scored")
                    yield Label(f"{step.title} ({score}): evidence", classes="field-label")
                    yield NoteArea(value, id=f"field-{field.key}")
                elif field.key == "verdict_why":
                    yield Label(f"Verdict ({method.verdict_name(reflection.verdict) or 'none'}): why", classes="field-label")
                    yield TextField(value, id=f"field-{field.key}")
                else:
                    yield Label(field.label, classes="field-label")
                    yield TextField(value, id=f"field-{field.key}")
        if self.commitment is not None:
            for field, label, _ in COMMITMENT_TEXTS:
                if field != "action" and self.commitment.is_open:
                    continue  # no outcome to correct until it is reviewed
                yield Label(label, classes="field-label")
                yield TextField(getattr(self.commitment, field), id=f"commitment-{field}")

    def _edited(self) -> tuple[Reflection, Commitment | None]:
        """Copies of the reflection and commitment with the form's text in them."""
        assert self.reflection is not None
        reflection = copy.deepcopy(self.reflection)
        for step in reflection_form().steps:
            for field in correctable(step):
                widget = self.query_one(f"#field-{field.key}")
                field.set_on(reflection, widget.kept_text if isinstance(widget, NoteArea) else widget.kept_value)
        commitment = copy.deepcopy(self.commitment)
        if commitment is not None:
            for input in self.query_one("#past-edit").query(TextField):
                if input.id and input.id.startswith("commitment-"):
                    setattr(commitment, input.id.removeprefix("commitment-"), input.kept_value)
        return reflection, commitment

    def _changed(self) -> bool:
        reflection, commitment = self._edited()
        return reflection != self.reflection or commitment != self.commitment

    async def action_save(self) -> None:
        if not self.editing:
            return
        await settle(self.app)
        reflection, commitment = self._edited()
        if commitment is not None and not commitment.action.strip():
            self.coach.notify("The commitment needs its action; write it back before saving.", severity="warning")
            return
        too_long = next((problem for step in reflection_form().steps for field in correctable(step)
                         if (problem := field.too_long(field.of_reflection(reflection)))), None)
        if too_long is None and commitment is not None:
            too_long = next((problem for name, _, what in COMMITMENT_TEXTS
                             if (problem := text_too_long(what, getattr(commitment, name)))), None)
        if too_long:
            self.coach.notify(f"The correction was not saved. {too_long}", title="Not saved", severity="error",
                              timeout=15, markup=False)
            return
        store = self.coach.store
        reflection_changed = reflection != self.reflection
        commitment_changed = commitment != self.commitment

        def save() -> None:
            if reflection_changed:
                store.update_reflection(reflection)
            if commitment_changed and commitment is not None:
                store.save_commitment(commitment)

        if not (reflection_changed or commitment_changed):
            self.coach.notify("Nothing was changed.", timeout=3)
            self._leave_edit()
            return
        if self.coach.guarded_save(save, what="The correction"):
            self.saved = True
            self._leave_edit()
            assert self.reflection is not None
            self.coach.notify(f"Correction saved; the reflection keeps its date, {short_iso(self.reflection.date, self.coach.today)}.",
                              timeout=5)

    def _leave_edit(self) -> None:
        self.editing = False
        form = self.query_one("#past-edit", VerticalScroll)
        form.display = False
        form.remove_children()
        self.query_one("#past-read").display = True
        self.load()
        self.refresh_bindings()
        self.set_focus(self.query_one("#past-read"))

    async def action_cancel_edit(self) -> None:
        await settle(self.app)
        self.action_back()

    def action_back(self) -> None:
        if not self.editing:
            self.dismiss(self.saved)
            return
        if not self._changed():
            self._leave_edit()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self._leave_edit()

        self.coach.push_screen(
            ConfirmDialog("Discard your changes?", "The corrections typed here have not been saved.", "Discard"),
            answered,
        )


def correctable(step):
    """The fields of a step whose wording may be corrected later (scores and dates stay)."""
    return [f for f in step.fields if f.editable_later and f.owner == ON_REFLECTION]


def reflection_blocks(
    reflection: Reflection, commitment: Commitment | None, method: Method, today: date | None = None,
    known: date | None = None,
) -> list[tuple[Text, str]]:
    """Everything in a reflection as (text, kind) blocks, user text shown literally.

    known: the last partner talk the reflections before this one recorded; a
    carried field left blank shows it, as the reflection itself did.

    kind is "heading", "line", or "indent" for text that belongs to the line above.
    """
    blocks: list[tuple[Text, str]] = []
    today = today or date.today()

    def line(label: str, value: Text | str, kind: str = "line") -> None:
        text = Text(f"{label}: ", style="bold") if label else Text()
        text.append_text(value if isinstance(value, Text) else Text(value))
        blocks.append((text, kind))

    if reflection.edited_at:
        blocks.append((Text(f"Corrected {short_moment(reflection.edited_at, today)}", style="italic"), "line"))
    blocks.append((Text("The seven beliefs", style="bold underline"), "heading"))
    for belief in method.beliefs:
        entry = reflection.beliefs[belief.key]
        score = Text(f"{entry.score} of 5" if entry.score is not None else "not scored")
        if entry.is_guess:
            score.append(" (a guess: no evidence)", style="italic")
        line(belief.name, score)
        if entry.evidence.strip():
            blocks.append((literal(entry.evidence.strip(), keep_newlines=True), "indent"))
    blocks.append((Text("The partnership", style="bold underline"), "heading"))
    form = reflection_form()
    for step in form.steps:
        if step.kind != "lenses":
            continue
        for field in step.fields:
            value = field.of_reflection(reflection)
            name = field.label.rstrip("?:").replace(" (1-5)", "")
            if field.carried:
                line(name, literal(field.shown_carried(value, known, today)))
            elif field.kind in (SCORE, CHOICE, DATE):
                line(name, literal(field.shown(value, today, empty="not answered")))
            elif str(value).strip():
                line(field.label, literal(value))
    blocks.append((Text("Verdict and commitment", style="bold underline"), "heading"))
    verdict = Text(method.verdict_name(reflection.verdict) or "none")
    if reflection.proposed_verdict and reflection.proposed_verdict != reflection.verdict:
        verdict.append(f" (coach proposed {method.verdict_name(reflection.proposed_verdict)})")
    line("Verdict", verdict)
    if reflection.verdict_why.strip():
        line("Why", literal(reflection.verdict_why), "indent")
    if commitment is None:
        line("Commitment", "none")
        return blocks
    line("Commitment", literal(commitment.action))
    details = [f"aimed at {method.aim_name(commitment.aim)}" if commitment.aim else "", f"due {short_iso(commitment.due, today)}" if commitment.due else ""]
    if any(details):
        line("", ", ".join(d for d in details if d), "indent")
    outcome = method.outcome_name(commitment.status if not commitment.is_open else None)
    line("Outcome", outcome + (f" (reviewed {short_iso(commitment.reviewed_on, today)})" if commitment.reviewed_on else ""), "indent")
    for label, value in (("What happened", commitment.what_happened), ("Learned", commitment.learned)):
        if value.strip():
            line(label, literal(value), "indent")
    return blocks


"""The reflection, declared once: its steps in order and every field on them.

Each field says what it is (key, label, kind), where its value lives on a
draft (the reflection, its commitment, or the draft itself), how it is
checked, and what "last time" shows for it. The step widgets, the read-only
past reflection, the agenda, the exports, home's step count and the tests
all read this module, so adding a field is one entry here plus its model
field. The method's own words come from data/method.json.

No Textual here: the core and the command line use it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Callable

from dateutil.relativedelta import relativedelta

from coach.dates import DateError, iso_day, other_reading, parse_date, parse_due, reading_note, short_date
from coach.method import Method, load_method
from coach.models import Draft, Reflection
from coach.schema import TEXT_MAX, too_long

SCORE, CHOICE, TEXT, NOTE, DATE = "score", "choice", "text", "note", "date"
KINDS = (SCORE, CHOICE, TEXT, NOTE, DATE)

# where a field's value lives
ON_REFLECTION, ON_COMMITMENT, ON_DRAFT = "reflection", "commitment", "draft"


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hotkey: str
    name: str = ""  # the full name, where the label is cut short to fit a row

    @property
    def full_name(self) -> str:
        return self.name or self.label


#: check(value, today) -> the problem in a sentence, or None
Check = Callable[[Any, date], "str | None"]


@dataclass(frozen=True)
class Field:
    key: str  # unique across the reflection; also the CSV column and widget id
    label: str
    kind: str
    owner: str  # ON_REFLECTION, ON_COMMITMENT or ON_DRAFT
    path: tuple[str, ...]  # attribute (or dict key) names from the owner to the value
    options: tuple[Option, ...] = ()
    placeholder: str = ""  # may name the client: {client}
    check: Check | None = None
    remembered: bool = True  # "last time" is shown beside it
    editable_later: bool = False  # may be corrected in a past reflection
    agenda: str = ""  # the heading it is gathered under on the partner agenda, if any
    noun: str = ""  # how a message names it ("the evidence for “You understand me”"); else the label
    carried: bool = False  # left blank, the latest earlier answer still holds (the last partner talk)
    has_been: bool = False  # a date that has been, read pointing back ("tuesday" is the last one); else one ahead

    # -- reading and writing a value ----------------------------------------------------

    def _owner(self, draft: Draft) -> Any:
        return {ON_REFLECTION: draft.reflection, ON_COMMITMENT: draft.commitment, ON_DRAFT: draft}[self.owner]

    def get(self, draft: Draft) -> Any:
        return _get(self._owner(draft), self.path)

    def set(self, draft: Draft, value: Any) -> None:
        _set(self._owner(draft), self.path, value)

    def of_reflection(self, reflection: Reflection) -> Any:
        """The value on a saved reflection (None for fields that live elsewhere)."""
        return _get(reflection, self.path) if self.owner == ON_REFLECTION else None

    def set_on(self, target: Any, value: Any) -> None:
        """Set the value on a reflection or commitment (whichever this field's owner is)."""
        _set(target, self.path, value)

    def read_date(self, text: str, today: date) -> date:
        """A DATE field's text as a date, read the way the field points. Raises DateError."""
        return parse_date(text, today, past=True) if self.has_been else parse_due(text, today)

    # -- showing a value ------------------------------------------------------------------

    def shown(self, value: Any, today: date, *, empty: str = "", short: bool = False) -> str:
        """A stored value in words: an option's name, "3 of 5", a short date, the text itself.

        short: an option's label as on its row ("With"), where room is tight.
        """
        if value is None or value == "":
            return empty
        if self.kind == SCORE:
            return f"{value} of 5"
        if self.kind == CHOICE:
            return next(((o.label if short else o.full_name) for o in self.options if o.value == value), str(value))
        if self.kind == DATE:
            day = iso_day(value)
            return short_date(day, today) if day else str(value)
        return str(value)

    def shown_carried(self, value: Any, known: date | None, today: date, *, iso: bool = False) -> str:
        """A carried field's answer, or what history knew when it was left blank.

        known: the latest answer among earlier reflections. iso: dates as
        YYYY-MM-DD (for files), not the short on-screen form.
        """
        def day(d: date) -> str:
            return d.isoformat() if iso else short_date(d, today)

        if value:
            own = iso_day(value)
            return day(own) if own else str(value)
        if known is not None:
            return f"none new; last on record {day(known)}"
        return "none on record"

    @property
    def what(self) -> str:
        return self.noun or f"“{self.label.rstrip('?:').replace(' (1-5)', '')}”"

    def too_long(self, value: Any) -> str | None:
        """A text over the length coach keeps, in a sentence naming the field
        (said before a save could refuse it, naming only where it lives in the file)."""
        if self.kind in (TEXT, NOTE, DATE) and isinstance(value, str):
            return too_long(self.what, value, TEXT_MAX)
        return None

    def problem(self, value: Any, today: date) -> str | None:
        return self.too_long(value) or (self.check(value, today) if self.check else None)

    def placeholder_for(self, client_name: str, today: date | None = None) -> str:
        text = self.placeholder.replace("{client}", client_name)
        if today is not None:  # example dates near today, pointing the way the field does
            text = text.replace("{day_before}", (today - relativedelta(days=19)).isoformat())
            text = text.replace("{day_ahead}", (today + relativedelta(days=9)).isoformat())
        return text

    def label_for(self, client_name: str) -> str:
        return self.label.replace("{client}", client_name)


@dataclass(frozen=True)
class Step:
    key: str  # a belief key, or "partners", "meeting", "verdict", "commitment", "summary"
    kind: str  # "belief", "lenses", "verdict", "commitment", "summary"
    title: str
    intro: str = ""  # the belief in the client's voice, or the lens question
    prompts: tuple[str, ...] = ()  # questions to help find the evidence
    guidance: tuple[str, ...] = ()  # the method's notes for this step
    fields: tuple[Field, ...] = ()

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    @property
    def is_belief(self) -> bool:
        return self.kind == "belief"


@dataclass(frozen=True)
class ReflectionForm:
    steps: tuple[Step, ...]

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for s in self.steps for f in s.fields)

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    def step_index(self, key: str) -> int:
        return next(n for n, s in enumerate(self.steps) if s.key == key)

    def too_long(self, draft: Draft) -> str | None:
        """The first text in the draft over the length coach keeps (Field.too_long); None when all fit."""
        return next((problem for field in self.fields if (problem := field.too_long(field.get(draft)))), None)

    @property
    def belief_steps(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.is_belief)

    @property
    def reflection_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.owner == ON_REFLECTION)

    @property
    def lens_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.reflection_fields if f.path[0] == "lenses")


# -- checks -------------------------------------------------------------------------------


def _past_date(value: Any, today: date) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        day = parse_date(text, today, past=True)
    except DateError as exc:
        return str(exc)
    if day > today:
        other = other_reading(text, today)
        if other is not None and other[0] <= today:
            # "4/12" read day first is still to come; the other way round it has been
            meant, typed = other
            return (f'{short_date(day, today)} is still to come ({reading_note(text, day)}); for '
                    f'{meant.day} {meant:%B} type "{typed}" or "{meant.day} {meant:%b}".')
        return f"{short_date(day, today)} is still to come; when was the last one? Leave it blank if none."
    return None


def _due_date(value: Any, today: date) -> str | None:
    if not str(value or "").strip():
        return "Give it a due date."
    try:
        parse_due(str(value), today)
    except DateError as exc:
        return str(exc)
    return None


def _required(sentence: str) -> Check:
    def check(value: Any, today: date) -> str | None:
        return None if str(value or "").strip() else sentence

    return check


# -- the definition -----------------------------------------------------------------------


def _scores(method: Method) -> tuple[Option, ...]:
    return tuple(Option(str(n), str(n), str(n), f"{n} of 5 ({label})") for n, label in sorted(method.scale_labels.items()))


AGREEMENT_KEYS = {"yes": "y", "partly": "p", "no": "n"}
WITH_OR_FOR = (("with", "With", "w"), ("mixed", "Between", "b"), ("for", "For", "f"))


def build(method: Method) -> ReflectionForm:
    scores = _scores(method)
    agreement = tuple(Option(c.key, c.name, AGREEMENT_KEYS[c.key]) for c in method.agreement)
    names = {c.key: c.name for c in method.with_or_for}
    with_or_for = tuple(Option(key, label, hotkey, names[key]) for key, label, hotkey in WITH_OR_FOR)
    lens = {item.key: item for item in method.lenses}
    steps: list[Step] = []
    for belief in method.beliefs:
        steps.append(Step(
            key=belief.key, kind="belief", title=belief.name, intro=belief.feel, prompts=belief.prompts,
            fields=(
                Field(f"{belief.key}", method.scale_question, SCORE, ON_REFLECTION,
                      ("beliefs", belief.key, "score"), scores),
                Field(f"{belief.key}_evidence", "Evidence in {client}'s terms: a moment, something they said or did",
                      NOTE, ON_REFLECTION, ("beliefs", belief.key, "evidence"), editable_later=True,
                      noun=f"the evidence for “{belief.name}”"),
            ),
        ))
    steps.append(Step(
        key="partners", kind="lenses", title="Partners, and does it go both ways?",
        intro=lens["partners"].question,
        guidance=(lens["partners"].note, lens["reciprocity"].note),
        fields=(
            Field("objectives_agreed", "Objectives agreed and aligned?", CHOICE, ON_REFLECTION,
                  ("lenses", "objectives_agreed"), agreement),
            Field("metrics_tracked", "Key metrics agreed, tracked?", CHOICE, ON_REFLECTION,
                  ("lenses", "metrics_tracked"), agreement),
            Field("partners_notes", "Notes on the terms", TEXT, ON_REFLECTION, ("lenses", "partners_notes"),
                  placeholder="What stands in the way, or what the numbers say", editable_later=True),
            Field("reciprocity", "Cares about you too (1-5)?", SCORE, ON_REFLECTION, ("lenses", "reciprocity"), scores),
            Field("reciprocity_evidence", "Evidence of reciprocity", TEXT, ON_REFLECTION,
                  ("lenses", "reciprocity_evidence"),
                  placeholder="When did {client} last show interest in you or your business?", editable_later=True),
        ),
    ))
    steps.append(Step(
        key="meeting", kind="lenses", title="With them? Meeting as partners",
        intro=lens["with"].question,
        guidance=(lens["with"].note, lens["meeting"].note),
        fields=(
            Field("with_or_for", "With them or for them?", CHOICE, ON_REFLECTION,
                  ("lenses", "with_or_for"), with_or_for),
            Field("with_or_for_notes", "Why with or for", TEXT, ON_REFLECTION, ("lenses", "with_or_for_notes"),
                  placeholder="What makes you say so?", editable_later=True),
            Field("last_partner_meeting", "Last partner talk", DATE, ON_REFLECTION,
                  ("lenses", "last_partner_meeting"),
                  placeholder='"3 weeks ago", "{day_before}", or blank',
                  check=_past_date, carried=True, has_been=True),
            Field("unused_capacity", "Unused capacity", TEXT, ON_REFLECTION, ("lenses", "unused_capacity"),
                  placeholder="Unused capacity that came up, on either side", editable_later=True,
                  agenda="Unused capacity"),
            Field("further_topics", "Further topics", TEXT, ON_REFLECTION, ("lenses", "further_topics"),
                  placeholder="Further topics to take on with {client}", editable_later=True,
                  agenda="Further topics to take on together"),
            Field("better_ways", "Better ways of working", TEXT, ON_REFLECTION, ("lenses", "better_ways"),
                  placeholder="Better ways of working together", editable_later=True,
                  agenda="Better ways of working"),
        ),
    ))
    steps.append(Step(
        key="verdict", kind="verdict", title="Is the partnership thriving?",
        fields=(
            Field("verdict", "Your verdict (the decision is yours):", CHOICE, ON_REFLECTION, ("verdict",),
                  tuple(Option(v.key, v.name, v.name[0].lower()) for v in method.verdicts),
                  check=_required("Choose a verdict (t, s, d or a).")),
            Field("verdict_why", "Why?", TEXT, ON_REFLECTION, ("verdict_why",),
                  placeholder="The reason, in a sentence", editable_later=True),
        ),
    ))
    aims = tuple(Option(item.key, item.name, "") for item in (*method.beliefs, *method.lenses))
    steps.append(Step(
        key="commitment", kind="commitment", title="One commitment",
        intro="One concrete action, not a list. What will you do, and by when?",
        fields=(
            Field("action", "Action", TEXT, ON_COMMITMENT, ("action",),
                  placeholder="e.g. Ask {client} what a good quarter looks like for them",
                  check=_required("Write the one action you commit to."), remembered=False, editable_later=True),
            Field("aim", "Aimed at", CHOICE, ON_COMMITMENT, ("aim",), aims, remembered=False),
            Field("due_text", "Due", DATE, ON_DRAFT, ("due_text",),
                  placeholder='"next friday", "in 2 weeks", "{day_ahead}"', check=_due_date, remembered=False),
        ),
    ))
    steps.append(Step(key="summary", kind="summary", title="Summary"))
    form = ReflectionForm(tuple(steps))
    _check_definition(form)
    return form


def _check_definition(form: ReflectionForm) -> None:
    keys = [f.key for f in form.fields]
    assert len(keys) == len(set(keys)), "every field needs its own key"
    assert all(f.kind in KINDS for f in form.fields)


@lru_cache(maxsize=1)
def reflection_form() -> ReflectionForm:
    return build(load_method())


# -- paths ----------------------------------------------------------------------------------


def _get(target: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        target = target[name] if isinstance(target, dict) else getattr(target, name)
    return target


def _set(target: Any, path: tuple[str, ...], value: Any) -> None:
    for name in path[:-1]:
        target = target[name] if isinstance(target, dict) else getattr(target, name)
    if isinstance(target, dict):
        target[path[-1]] = value
    else:
        setattr(target, path[-1], value)

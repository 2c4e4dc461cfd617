"""The reflection's one definition: every field reads and writes where it says,
and everything that lists fields (exports, the demo) follows it."""

from __future__ import annotations

import csv
import io
from datetime import date

from coach import export
from coach.method import BELIEF_KEYS, load_method
from coach.models import Draft, Reflection
from coach.reflection_form import CHOICE, DATE, KINDS, NOTE, SCORE, TEXT, reflection_form

FORM = reflection_form()
TODAY = date(2026, 11, 23)


def sample(field):
    if field.kind in (SCORE,):
        return 4
    if field.kind == CHOICE:
        return field.options[-1].value
    if field.kind == DATE:
        return "2026-11-02" if field.owner == "reflection" else "next friday"
    return f"text for {field.key}"


def test_steps_in_order_seven_beliefs_then_lenses_verdict_commitment_summary():
    assert [s.key for s in FORM.steps] == [*BELIEF_KEYS, "partners", "meeting", "verdict", "commitment", "summary"]
    assert all(f.kind in KINDS for f in FORM.fields)
    assert len({f.key for f in FORM.fields}) == len(FORM.fields)


def test_every_field_writes_and_reads_back_where_it_lives():
    draft = Draft(reflection=Reflection())
    for field in FORM.fields:
        field.set(draft, sample(field))
    for field in FORM.fields:
        assert field.get(draft) == sample(field), field.key
    # and on the model itself, where the rest of coach looks
    assert draft.reflection.beliefs["faith"].score == 4
    assert draft.reflection.lenses.better_ways == "text for better_ways"
    assert draft.commitment.action == "text for action" and draft.due_text == "next friday"


def test_checks_say_what_is_missing_in_a_sentence():
    assert FORM.field("verdict").problem("", TODAY) == "Choose a verdict (t, s, d or a)."
    assert FORM.field("action").problem("  ", TODAY) == "Write the one action you commit to."
    assert FORM.field("due_text").problem("", TODAY) == "Give it a due date."
    assert FORM.field("due_text").problem("in 2 weeks", TODAY) is None
    assert FORM.field("last_partner_meeting").problem("", TODAY) is None  # blank: none since
    assert FORM.field("last_partner_meeting").problem("2026-12-25", TODAY) == (
        "Fri 25 Dec is still to come; when was the last one? Leave it blank if none.")
    # a date it cannot read: examples that point back, and the user's own letters
    assert FORM.field("last_partner_meeting").problem("Zed", TODAY) == (
        'Could not read "Zed" as a date; try e.g. "last friday", "3 weeks ago", "yesterday", '
        '"2026-11-04" or "4 Nov".')
    assert FORM.field("known_evidence").problem("x" * 20_001, TODAY) == (
        "The evidence for “You know me” is 20,001 characters long; coach keeps at most 20,000. "
        "Shorten it, or keep the rest in a file of your own.")
    assert FORM.field("known_evidence").problem("x" * 20_000, TODAY) is None


def test_shown_values_are_words():
    assert FORM.field("known").shown(3, TODAY) == "3 of 5"
    assert FORM.field("known").shown(None, TODAY, empty="–") == "–"
    assert FORM.field("with_or_for").shown("for", TODAY) == load_method().with_or_for[-1].name
    assert FORM.field("last_partner_meeting").shown("2026-11-02", TODAY) == "Mon 2 Nov"


def test_the_csv_export_has_a_column_for_every_reflection_field():
    reflection = Reflection(client_id="c", date="2026-11-23")
    draft = Draft(reflection=reflection)
    for field in FORM.reflection_fields:
        field.set(draft, sample(field))
    document = {"clients": [{"id": "c", "name": "Dana", "reflections": [reflection.to_dict()], "commitments": []}]}
    [row] = list(csv.DictReader(io.StringIO(export.to_csv(document))))
    for field in FORM.reflection_fields:
        assert row[field.key] == str(sample(field)), field.key


def test_the_demo_fills_every_field_of_a_reflection(demo_data):
    """Adding a field to the definition without teaching the demo about it fails here."""
    from coach.store import Store

    with Store.open(demo_data, read_only=True) as store:
        reflections = [r for c in store.clients(include_archived=True) for r in store.reflections(c.id)]
    for field in FORM.reflection_fields:
        values = [field.of_reflection(r) for r in reflections]
        assert any(v not in (None, "") for v in values), f"no demo reflection has {field.key}"
    assert {TEXT, NOTE} <= {f.kind for f in FORM.reflection_fields}

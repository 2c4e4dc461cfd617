"""Dates as people type them, against a fixed today; refusals instead of guesses."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.dates import DateError, describe, parse_date, parse_due

MON = date(2026, 11, 23)  # a Monday
FRI = date(2026, 11, 27)  # a Friday
LATE_DEC = date(2026, 12, 20)  # a Sunday, late in the year


def test_fixed_days_are_what_the_tests_assume():
    assert MON.strftime("%A") == "Monday" and FRI.strftime("%A") == "Friday"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("next friday", date(2026, 11, 27)),
        ("friday", date(2026, 11, 27)),
        ("Friday", date(2026, 11, 27)),
        ("fri", date(2026, 11, 27)),
        ("next monday", date(2026, 11, 30)),  # not today
        ("in 2 weeks", date(2026, 12, 7)),
        ("2 weeks", date(2026, 12, 7)),
        ("in two weeks", date(2026, 12, 7)),
        ("2 weeks from now", date(2026, 12, 7)),
        ("in 3 days", date(2026, 11, 26)),
        ("tomorrow", date(2026, 11, 24)),
        ("today", MON),
        ("  Today  ", MON),
        ("2026-12-04", date(2026, 12, 4)),
        ("12/4", date(2026, 12, 4)),  # month first, as dateutil reads it
        ("dec 4", date(2026, 12, 4)),
        ("Dec 4, 2026", date(2026, 12, 4)),
        ("4 December 2026", date(2026, 12, 4)),
        ("next week", date(2026, 11, 30)),  # the coming Monday
        ("end of month", date(2026, 11, 30)),
        ("end of week", date(2026, 11, 27)),
        ("in a month", date(2026, 12, 23)),
        ("next month", date(2026, 12, 1)),
        ("4", date(2026, 12, 4)),  # only a day: the next 4th, not one a year away
        ("4th", date(2026, 12, 4)),
    ],
)
def test_due_dates_on_a_monday(text, expected):
    assert parse_due(text, MON) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("next friday", date(2026, 12, 4)),  # never today
        ("friday", date(2026, 12, 4)),
        ("today", FRI),
        ("tomorrow", date(2026, 11, 28)),
        ("next week", date(2026, 11, 30)),
        ("in 2 weeks", date(2026, 12, 11)),
        ("end of week", FRI),
    ],
)
def test_due_dates_on_a_friday(text, expected):
    assert parse_due(text, FRI) == expected


@pytest.mark.parametrize(
    "text, due, plain",
    [
        # without a year, a due date is the next one to come; a plain date is this year's
        ("12/4", date(2027, 12, 4), date(2026, 12, 4)),
        ("dec 4", date(2027, 12, 4), date(2026, 12, 4)),
        ("4", date(2027, 1, 4), date(2026, 12, 4)),
        ("12/24", date(2026, 12, 24), date(2026, 12, 24)),
        ("1/8", date(2027, 1, 8), date(2026, 1, 8)),
        ("in 2 weeks", date(2027, 1, 3), date(2027, 1, 3)),
        ("end of month", date(2026, 12, 31), date(2026, 12, 31)),
        ("next month", date(2027, 1, 1), date(2027, 1, 1)),
    ],
)
def test_dates_late_in_december(text, due, plain):
    assert parse_due(text, LATE_DEC) == due
    assert parse_date(text, LATE_DEC) == plain


def test_a_day_number_rolls_to_a_month_that_has_it():
    assert parse_due("30", date(2027, 1, 31)) == date(2027, 3, 30)  # February has no 30th
    assert parse_due("31", date(2026, 12, 5)) == date(2026, 12, 31)


def test_explicit_year_is_never_moved():
    with pytest.raises(DateError, match="already passed"):
        parse_due("2026-12-04", LATE_DEC)
    with pytest.raises(DateError, match="already passed"):
        parse_due("4 December 2026", LATE_DEC)


def test_past_phrases_for_plain_dates_only():
    assert parse_date("yesterday", MON) == date(2026, 11, 22)
    assert parse_date("2 days ago", MON) == date(2026, 11, 21)
    assert parse_date("last friday", MON) == date(2026, 11, 20)
    assert parse_date("last friday", FRI) == date(2026, 11, 20)
    for text in ("yesterday", "2 days ago", "last friday", "2026-11-01", "2026-01-05"):
        with pytest.raises(DateError):
            parse_due(text, MON)


@pytest.mark.parametrize(
    "text",
    [
        "", "   ", "banana", "next blursday", "feb 30", "2026-02-30", "13/45", "31/12", "2026-13-01",
        "0", "99999", "in -3 days",
        # far past and far future
        "1999-01-01", "1066-10-14", "2099-01-01", "in 10 years", "in 100000 years", "in 99999999999 days",
        "99999999999 weeks", "99999999999 months ago",
    ],
)
def test_refusals_are_date_errors(text):
    with pytest.raises(DateError) as info:
        parse_date(text, MON)
    assert str(info.value)  # a sentence, not an empty error
    with pytest.raises(DateError):
        parse_due(text, MON)


def test_refusal_messages_say_what_to_type():
    with pytest.raises(DateError, match="next friday"):
        parse_due("banana", MON)
    with pytest.raises(DateError, match="not a date on the calendar"):
        parse_due("feb 30", MON)
    with pytest.raises(DateError, match="too far away"):
        parse_due("2099-01-01", MON)
    with pytest.raises(DateError, match="already passed"):
        parse_due("2026-11-20", MON)


def test_limits_of_the_window():
    assert parse_due("2031-11-23", MON) == date(2031, 11, 23)  # five years ahead is allowed
    with pytest.raises(DateError):
        parse_due("2031-11-24", MON)
    assert parse_date("2000-01-01", MON) == date(2000, 1, 1)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("0123456789/-. :,") + ["in ", "days", "weeks", " ago", "next ", "fri", "dec", "a ", "th", "99999999999"]), max_size=8).map("".join))
def test_any_text_gives_a_date_in_range_or_a_date_error(text):
    for parse in (parse_date, parse_due):
        try:
            result = parse(text, MON)
        except DateError:
            continue
        assert isinstance(result, date)
        assert date(2000, 1, 1) <= result <= date(2031, 11, 23)
        if parse is parse_due:
            assert result >= MON


@pytest.mark.parametrize(
    "day, words",
    [
        (MON, "Monday 23 November 2026 (today)"),
        (date(2026, 11, 24), "Tuesday 24 November 2026 (tomorrow)"),
        (date(2026, 11, 22), "Sunday 22 November 2026 (yesterday)"),
        (date(2026, 11, 27), "Friday 27 November 2026 (in 4 days)"),
        (date(2026, 12, 7), "Monday 7 December 2026 (in 2 weeks)"),
        (date(2026, 12, 25), "Friday 25 December 2026 (in 4 weeks)"),
        (date(2027, 3, 1), "Monday 1 March 2027 (in 3 months)"),
        (date(2026, 11, 20), "Friday 20 November 2026 (3 days ago)"),
        (date(2026, 10, 26), "Monday 26 October 2026 (4 weeks ago)"),
    ],
)
def test_describe(day, words):
    assert describe(day, MON) == words

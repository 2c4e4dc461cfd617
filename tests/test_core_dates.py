"""Dates as people type them, against a fixed today; refusals instead of guesses."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.dates import DateError, describe, parse_date, parse_due, reading_note, short_date

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
        ("12/4", date(2026, 12, 4)),  # month first: the tests' setting (conftest)
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
        (MON, "Mon 23 Nov (today)"),
        (date(2026, 11, 24), "Tue 24 Nov (tomorrow)"),
        (date(2026, 11, 22), "Sun 22 Nov (yesterday)"),
        (date(2026, 11, 27), "Fri 27 Nov (in 4 days)"),
        (date(2026, 12, 7), "Mon 7 Dec (in 2 weeks)"),
        (date(2026, 12, 25), "Fri 25 Dec (in 4 weeks)"),
        (date(2027, 3, 1), "Mon 1 Mar 2027 (in 3 months)"),
        (date(2026, 11, 20), "Fri 20 Nov (3 days ago)"),
        (date(2026, 10, 26), "Mon 26 Oct (4 weeks ago)"),
    ],
)
def test_describe(day, words):
    assert describe(day, MON) == words


# -- one short format, and numeric dates read in the order the user set ----------------------


@pytest.mark.parametrize(
    "day, shown, without_weekday",
    [
        (date(2026, 12, 4), "Fri 4 Dec", "4 Dec"),
        (date(2026, 1, 1), "Thu 1 Jan", "1 Jan"),
        (date(2027, 12, 4), "Sat 4 Dec 2027", "4 Dec 2027"),  # not this year: the year says so
        (date(2025, 11, 23), "Sun 23 Nov 2025", "23 Nov 2025"),
    ],
)
def test_short_date(day, shown, without_weekday):
    assert short_date(day, MON) == shown
    assert short_date(day, MON, weekday=False) == without_weekday


def test_describe_is_the_short_date_and_the_distance():
    assert describe(date(2026, 12, 4), date(2026, 12, 1)) == "Fri 4 Dec (in 3 days)"
    assert describe(date(2027, 1, 8), LATE_DEC) == "Fri 8 Jan 2027 (in 2 weeks)"


@pytest.mark.parametrize(
    "text, day_first, month_first",
    [
        ("4/12", date(2026, 12, 4), date(2027, 4, 12)),
        ("12/4", date(2027, 4, 12), date(2026, 12, 4)),
        ("4.12.2026", date(2026, 12, 4), None),  # month first: 12 April 2026, already passed
        ("4-12", date(2026, 12, 4), date(2027, 4, 12)),
        ("4 12", date(2026, 12, 4), date(2027, 4, 12)),
        ("13/12", date(2026, 12, 13), None),
        ("12/13", None, date(2026, 12, 13)),
        ("5/5", date(2027, 5, 5), date(2027, 5, 5)),
        # year first is never turned round, whatever the order (dateutil's dayfirst would)
        ("2026-12-04", date(2026, 12, 4), date(2026, 12, 4)),
        ("2026/12/04", date(2026, 12, 4), date(2026, 12, 4)),
        ("fri 4/12", date(2026, 12, 4), None),  # month first is Monday 12 April: not a Friday
        ("dec 4", date(2026, 12, 4), date(2026, 12, 4)),
    ],
)
def test_due_dates_in_either_order(text, day_first, month_first):
    for order, expected in (("day-first", day_first), ("month-first", month_first)):
        if expected is None:
            with pytest.raises(DateError):
                parse_due(text, MON, date_order=order)
        else:
            assert parse_due(text, MON, date_order=order) == expected, order


def test_plain_dates_in_either_order():
    assert parse_date("4/12/2026", MON, date_order="day-first") == date(2026, 12, 4)
    assert parse_date("4/12/2026", MON, date_order="month-first") == date(2026, 4, 12)
    assert parse_date("4/12/26", MON, date_order="month-first") == date(2026, 4, 12)


@pytest.mark.parametrize("text", ["31/2", "0/0", "0/5", "32/1", "99/99", "29/2", "4/12/7", "1/1/123", "2026/12"])
def test_numeric_dates_that_are_no_date_are_refused_in_both_orders(text):
    for order in ("day-first", "month-first"):
        with pytest.raises(DateError) as info:
            parse_date(text, MON, date_order=order)
        assert str(info.value).endswith(".")


def test_only_the_other_order_makes_a_date_then_the_refusal_says_how_to_type_it():
    with pytest.raises(DateError) as info:
        parse_due("12/13", MON, date_order="day-first")
    assert str(info.value) == ('"12/13" is not a date with the day first; for 13 December type "13/12" or '
                               '"13 Dec" (date_order in config.toml sets which comes first).')
    with pytest.raises(DateError, match='type "12/31"'):
        parse_due("31/12", MON, date_order="month-first")


def test_the_setting_is_the_default_order(monkeypatch):
    from coach import settings

    monkeypatch.setenv("COACH_DATE_ORDER", "day-first")
    settings.reload()
    try:
        assert parse_due("4/12", MON) == date(2026, 12, 4)
    finally:
        monkeypatch.setenv("COACH_DATE_ORDER", "month-first")
        settings.reload()
    assert parse_due("4/12", MON) == date(2027, 4, 12)


def test_a_bad_order_is_a_programming_error():
    with pytest.raises(ValueError):
        parse_date("4/12", MON, date_order="sideways")


@pytest.mark.parametrize(
    "text, order, note",
    [
        ("4/12", "day-first", "read as 4 December, day first"),
        ("4/12", "month-first", "read as 12 April, month first"),
        ("4.12.2026", "day-first", "read as 4 December, day first"),
        (" 12-4 ", "month-first", "read as 4 December, month first"),
        ("fri 4/12", "day-first", "read as 4 December, day first"),
        # one reading only: nothing to say
        ("13/12", "day-first", None),
        ("12/13", "month-first", None),
        ("5/5", "day-first", None),
        ("2026-12-04", "day-first", None),
        ("next friday", "day-first", None),
        ("dec 4", "month-first", None),
    ],
)
def test_reading_note(text, order, note):
    day = parse_date(text, MON, date_order=order)
    assert reading_note(text, day, order) == note


# -- a day that has been (the last partner talk, --since) -----------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("tuesday", date(2026, 11, 17)),  # the last one, not tomorrow (hostile pass 3)
        ("Tuesday", date(2026, 11, 17)),
        ("on friday", date(2026, 11, 20)),
        ("this friday", date(2026, 11, 20)),
        ("monday", date(2026, 11, 16)),  # on a Monday: last week's, never today
        ("last tuesday", date(2026, 11, 17)),
        ("3 weeks", date(2026, 11, 2)),  # for a day that has been: three weeks ago
        ("3 weeks ago", date(2026, 11, 2)),
        ("2 days", date(2026, 11, 21)),
        ("yesterday", date(2026, 11, 22)),
        ("1/1/25", date(2025, 1, 1)),
    ],
)
def test_a_day_that_has_been(text, expected):
    assert parse_date(text, MON, past=True, date_order="day-first") == expected


def test_what_points_ahead_still_points_ahead_for_a_day_that_has_been():
    # said ahead on purpose: the check of the field says it is still to come
    assert parse_date("next friday", MON, past=True) == date(2026, 11, 27)
    assert parse_date("in 3 weeks", MON, past=True) == date(2026, 12, 14)
    # and without past nothing changed
    assert parse_date("tuesday", MON) == date(2026, 11, 24)
    assert parse_date("3 weeks", MON) == date(2026, 12, 14)


@pytest.mark.parametrize("past", [True, False])
def test_a_two_digit_year_too_far_ahead_is_the_last_centurys(past):
    """"1/1/70" read as 2070; it is 1970, and 1970 is before coach's dates begin."""
    with pytest.raises(DateError, match="1 Jan 1970 is too far away"):
        parse_date("1/1/70", MON, past=past, date_order="day-first")
    assert parse_date("1/1/27", MON, past=past, date_order="day-first") == date(2027, 1, 1)
    assert parse_date("1/1/31", MON, past=past, date_order="day-first") == date(2031, 1, 1)  # within 5 years


def test_the_other_reading_of_a_date_in_numbers():
    from coach.dates import other_reading

    assert other_reading("4/12", MON, "day-first") == (date(2026, 4, 12), "12/4")
    assert other_reading("4.12.26", MON, "month-first") == (date(2026, 12, 4), "12.4.26")
    assert other_reading("13/4", MON, "day-first") is None  # only one reading
    assert other_reading("4/4", MON, "day-first") is None
    assert other_reading("next friday", MON) is None


def test_a_past_date_still_to_come_offers_the_reading_that_has_been(monkeypatch):
    """"12/4/26" month first is 4 December 2026, still to come on 23 November;
    12 April 2026 has been."""
    from coach import settings
    from coach.reflection_form import reflection_form

    talk = reflection_form().field("last_partner_meeting")
    # the tests' setting: month first
    assert talk.check("12/4/26", MON) == ('Fri 4 Dec is still to come (read as 4 December, month first); for 12 '
                                          'April type "4/12/26" or "12 Apr".')
    assert talk.check("12/4", MON) is None  # no year: last December's
    assert talk.check("next friday", MON).startswith("Fri 27 Nov is still to come; when was the last one?")
    monkeypatch.setenv("COACH_DATE_ORDER", "day-first")
    settings.reload()
    try:
        assert talk.check("4/12/26", MON).endswith('for 12 April type "12/4/26" or "12 Apr".')
        assert talk.check("12/4/26", MON) is None
    finally:
        monkeypatch.setenv("COACH_DATE_ORDER", "month-first")
        settings.reload()

@pytest.mark.parametrize(
    "text, expected",
    [
        ("25 Dec", date(2025, 12, 25)),  # a day that has been: last year's Christmas, not next month's
        ("12/12", date(2025, 12, 12)),  # reads the same both ways
        ("24", date(2026, 10, 24)),  # only a day: the last month that had it
        ("last month", date(2026, 10, 23)),
        ("last week", date(2026, 11, 16)),
    ],
)
def test_a_day_that_has_been_without_its_year(text, expected):
    assert parse_date(text, MON, past=True, date_order="day-first") == expected
    # and pointing ahead, as before
    if text in ("25 Dec", "12/12"):
        assert parse_date(text, MON, date_order="day-first") == expected.replace(year=2026)


def test_a_date_that_reads_both_ways_is_moved_back_a_year_like_any_other():
    """"4/12" day first is 4 December, as "4 Dec" is: last year's for a day
    that has been (the field's echo names the other reading, 12 April)."""
    assert parse_date("4/12", MON, past=True, date_order="day-first") == date(2025, 12, 4)
    assert parse_date("4 Dec", MON, past=True, date_order="day-first") == date(2025, 12, 4)

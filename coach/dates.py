"""Due dates as people type them, read without guessing.

dateutil's fuzzy parser reads "in 2 weeks" as the 2nd of this month, so the
relative phrases are parsed here with relativedelta; dateutil's parser is only
asked about text that looks like a calendar date, never fuzzily.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

from coach.textsafe import shorten

WEEKDAYS = {
    "monday": MO, "mon": MO,
    "tuesday": TU, "tue": TU, "tues": TU,
    "wednesday": WE, "wed": WE,
    "thursday": TH, "thu": TH, "thur": TH, "thurs": TH,
    "friday": FR, "fri": FR,
    "saturday": SA, "sat": SA,
    "sunday": SU, "sun": SU,
}
UNITS = {"day": "days", "week": "weeks", "month": "months", "year": "years"}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}

# A commitment is for the coming weeks; further than this is almost surely a typo.
LATEST_YEARS_AHEAD = 5
EARLIEST_YEAR = 2000


class DateError(ValueError):
    """A date coach could not read, with a sentence saying what to type instead."""


EXAMPLES = 'e.g. "next friday", "in 2 weeks", "tomorrow", "2026-12-04" or "12/4"'


def parse_date(text: str, today: date, *, ahead: bool = False) -> date:
    """Read a date phrase relative to `today`. Raises DateError instead of guessing.

    `ahead` says a date without a year means the next one to come ("12/4" typed
    on 10 December is next year's), as it does for a due date.
    """
    phrase = " ".join(text.strip().lower().replace(",", " ").split())
    if not phrase:
        raise DateError(f"Type a date, {EXAMPLES}.")
    try:
        result = _relative(phrase, today)
    except (ValueError, OverflowError) as exc:  # "in 99999 years": past the calendar's end
        raise DateError(f'"{_shown(phrase)}" is too far away to be meant; try {EXAMPLES}.') from exc
    if result is None:
        result = _calendar(phrase, today, ahead)
    if result.year < EARLIEST_YEAR or result > today + relativedelta(years=LATEST_YEARS_AHEAD):
        raise DateError(f"{result.isoformat()} is too far away to be meant; check the year.")
    return result


def parse_due(text: str, today: date) -> date:
    """A due date: like parse_date, but never in the past."""
    result = parse_date(text, today, ahead=True)
    if result < today:
        raise DateError(f"{describe(result, today)} has already passed; a commitment needs a date ahead.")
    return result


def _relative(phrase: str, today: date) -> date | None:
    if phrase in ("today", "now", "tonight"):
        return today
    if phrase in ("tomorrow", "tmrw", "tmr"):
        return today + relativedelta(days=1)
    if phrase == "yesterday":
        return today - relativedelta(days=1)
    if phrase in ("next week",):
        return today + relativedelta(days=1, weekday=MO)
    if phrase in ("next month",):
        return today + relativedelta(months=1, day=1)
    if phrase in ("end of week", "end of the week", "this week"):
        return today + relativedelta(weekday=FR)
    if phrase in ("end of month", "end of the month", "this month"):
        return today + relativedelta(day=31)
    match = re.fullmatch(r"(?:in )?(\d+|a|an|one|two|three|four|five|six) (day|week|month|year)s?(?: from now| time)?", phrase)
    if match and (phrase.startswith("in ") or phrase.endswith(("from now", "time")) or match.group(1).isdigit()):
        count = NUMBER_WORDS.get(match.group(1)) or int(match.group(1))
        return today + relativedelta(**{UNITS[match.group(2)]: count})
    match = re.fullmatch(r"(\d+|a|an|one|two|three|four|five|six) (day|week|month|year)s? ago", phrase)
    if match:
        count = NUMBER_WORDS.get(match.group(1)) or int(match.group(1))
        return today - relativedelta(**{UNITS[match.group(2)]: count})
    match = re.fullmatch(r"(next|this|on|last)? ?([a-z]+)", phrase)
    if match and match.group(2) in WEEKDAYS:
        day = WEEKDAYS[match.group(2)]
        if match.group(1) == "last":
            return today + relativedelta(days=-1, weekday=day(-1))
        # "friday" on a Friday means the next one: a commitment for today is rarely meant
        return today + relativedelta(days=1, weekday=day)
    return None


def _calendar(phrase: str, today: date, ahead: bool) -> date:
    from dateutil import parser as dateparser  # here: its import costs every start, and most phrases never need it

    if not re.search(r"\d", phrase) or not phrase.isprintable():
        # dateutil skips a control character: "1\x000" would read as the 10th
        raise DateError(f'Could not read "{_shown(phrase)}" as a date; try {EXAMPLES}.')
    has_year = bool(re.search(r"\b\d{4}\b", phrase)) or bool(re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2}", phrase))
    if not has_year and re.fullmatch(r"\d{5,}", phrase):
        raise DateError(f'Could not read "{_shown(phrase)}" as a date; try {EXAMPLES}.')
    try:
        # a default day of 1 keeps "Feb 30" from silently becoming a date in March
        parsed = dateparser.parse(phrase, default=_default(today), fuzzy=False, dayfirst=False)
    except (ValueError, OverflowError) as exc:
        raise DateError(f'"{_shown(phrase)}" is not a date on the calendar; try {EXAMPLES}.') from exc
    result = parsed.date()
    day_given, month_given, year_given = _given(phrase, result, today)
    named = {WEEKDAYS[word].weekday for word in re.findall(r"[a-z]+", phrase) if word in WEEKDAYS}
    if not day_given and (named or not month_given):
        # what the text leaves out dateutil takes from the default: "3pm", "2027"
        # or "friday 12/2027" would silently become some day of this month
        raise DateError(f'"{_shown(phrase)}" has no day of the month in it; try {EXAMPLES}.')
    if ahead and not has_year and result < today:
        moved = None
        if day_given and not month_given and not year_given:
            # only a day ("4", "4th"): the next such day, not the same day next year
            moved = next((later for later in (result + relativedelta(months=n) for n in (1, 2))
                          if later.day == result.day), None)
        result = moved or result + relativedelta(years=1)
    if named and named != {result.weekday()}:
        names = " or ".join(calendar.day_name[n] for n in sorted(named))
        raise DateError(f"That is {describe(result, today)}, not a {names}; check the date.")
    return result


def _given(phrase: str, result: date, today: date) -> tuple[bool, bool, bool]:
    """Whether the text itself gave the day, the month and the year.

    dateutil fills what is missing from the default; read again with another
    default (its 15th, so a bare weekday cannot land on the same day), what
    changes was not in the text.
    """
    from datetime import datetime

    from dateutil import parser as dateparser

    other = datetime(1996, 3 if today.month == 1 else 1, 15)
    try:
        probe = dateparser.parse(phrase, default=other, fuzzy=False, dayfirst=False).date()
    except (ValueError, OverflowError):
        return True, True, True
    return probe.day == result.day, probe.month == result.month, probe.year == result.year


def _shown(phrase: str) -> str:
    """The phrase as a message may quote it: the UI and the CLI show these messages,
    and an escape sequence typed or pasted into a date must not reach the terminal."""
    return shorten(phrase, 40)


def _default(today: date):
    from datetime import datetime

    return datetime(today.year, today.month, 1)


def describe(day: date, today: date) -> str:
    """A date with its weekday and distance, echoed back so a misreading is caught."""
    delta = (day - today).days
    if delta == 0:
        when = "today"
    elif delta == 1:
        when = "tomorrow"
    elif delta == -1:
        when = "yesterday"
    elif delta > 0:
        when = f"in {_span(delta)}"
    else:
        when = f"{_span(-delta)} ago"
    return f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')} ({when})"


def _span(days: int) -> str:
    if days < 14:
        return f"{days} days"
    if days < 63:
        return f"{days // 7} weeks"
    return f"{round(days / 30.4)} months"


def iso_day(text: str | None) -> date | None:
    """A stored ISO date, or None when it is missing or not one."""
    try:
        return date.fromisoformat(text or "")
    except (TypeError, ValueError):
        return None


def day_month(day: date) -> str:
    """"23 Nov": the compact date for tables and one-line summaries."""
    return f"{day.day} {day.strftime('%b')}"


def short_date(day: date, today: date) -> str:
    """"Fri 4 Dec", with the year when it is not this year's: the one date format on screen."""
    text = f"{day.strftime('%a')} {day.day} {day.strftime('%b')}"
    return text if day.year == today.year else f"{text} {day.year}"

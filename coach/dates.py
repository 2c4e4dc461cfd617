"""Due dates as people type them, read without guessing.

dateutil's fuzzy parser reads "in 2 weeks" as the 2nd of this month, so the
relative phrases are parsed here with relativedelta; dateutil's parser is only
asked about text that names a month, never fuzzily. Dates written in numbers
alone ("4/12", "4.12.2026", "2026-12-04") are read here too, in the order the
user's settings give (coach.settings: day first or month first), because
dateutil's dayfirst also turns "2026-12-04" into the 12th of April.
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


# the examples messages are written with; parse_date puts in dates near today
EXAMPLES = 'e.g. "next friday", "in 2 weeks", "tomorrow", "2026-12-04" or "4 Dec"'

DAY_FIRST, MONTH_FIRST = "day-first", "month-first"
# two or three numbers: 4/12, 4.12.2026, 12-4-26, 4 12; or year first: 2026-12-04
NUMERIC = re.compile(r"(\d{1,4})([/.\- ])(\d{1,2})(?:\2(\d{1,4}))?\.?")


def _order(date_order: str | None) -> str:
    if date_order in (DAY_FIRST, MONTH_FIRST):
        return date_order
    if date_order is not None:
        raise ValueError(f"date_order must be {DAY_FIRST!r} or {MONTH_FIRST!r}, not {date_order!r}")
    from coach.settings import current

    return current().date_order


def parse_date(text: str, today: date, *, ahead: bool = False, past: bool = False,
               date_order: str | None = None) -> date:
    """Read a date phrase relative to `today`. Raises DateError instead of guessing.

    `ahead` says a date without a year means the next one to come ("4 Dec" typed
    on 10 December is next year's), as it does for a due date. `date_order`
    ("day-first" or "month-first") says how to read "4/12"; by default the
    user's setting. `past` says the date is one that has been: a bare
    weekday is the last one, "3 weeks" is three weeks ago, and a message
    suggests dates that point back.
    """
    try:
        return _parse_date(text, today, ahead, _order(date_order), past)
    except DateError as exc:
        # messages quote the phrase as read (lower case, one space); the user
        # should see their own letters ("Z", not "z") and examples that fit
        message = str(exc).replace(f'"{_shown(_phrase(text))}"', f'"{_shown(" ".join(text.replace(",", " ").split()))}"')
        message = message.replace(EXAMPLES, examples(today, past=past))
        raise DateError(message) from exc.__cause__


def examples(today: date, *, past: bool = False) -> str:
    """Phrases to try, with calendar dates near `today` that point the right way."""
    if past:
        day = today - relativedelta(days=19)
        return f'e.g. "last friday", "3 weeks ago", "yesterday", "{day.isoformat()}" or "{day.day} {day:%b}"'
    day = today + relativedelta(days=9)
    return f'e.g. "next friday", "in 2 weeks", "tomorrow", "{day.isoformat()}" or "{day.day} {day:%b}"'


def _phrase(text: str) -> str:
    return " ".join(text.strip().lower().replace(",", " ").split())


def _parse_date(text: str, today: date, ahead: bool, order: str, past: bool = False) -> date:
    phrase = _phrase(text)
    if not phrase:
        raise DateError(f"Type a date, {EXAMPLES}.")
    try:
        result = _relative(phrase, today, past)
    except (ValueError, OverflowError) as exc:  # "in 99999 years": past the calendar's end
        raise DateError(f'"{_shown(phrase)}" is too far away to be meant; try {EXAMPLES}.') from exc
    if result is None:
        result = _calendar(phrase, today, ahead, order, past)
    if result.year < EARLIEST_YEAR or result > today + relativedelta(years=LATEST_YEARS_AHEAD):
        raise DateError(f"{short_date(result, today)} is too far away to be meant; check the year.")
    return result


def parse_due(text: str, today: date, *, date_order: str | None = None) -> date:
    """A due date: like parse_date, but never in the past."""
    result = parse_date(text, today, ahead=True, date_order=date_order)
    if result < today:
        raise DateError(f"{describe(result, today)} has already passed; a commitment needs a date ahead.")
    return result


def _relative(phrase: str, today: date, past: bool = False) -> date | None:
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
    if phrase == "last week":
        return today - relativedelta(weeks=1)
    if phrase == "last month":
        return today - relativedelta(months=1)
    if phrase in ("end of week", "end of the week", "this week"):
        return today + relativedelta(weekday=FR)
    if phrase in ("end of month", "end of the month", "this month"):
        return today + relativedelta(day=31)
    match = re.fullmatch(r"(?:in )?(\d+|a|an|one|two|three|four|five|six) (day|week|month|year)s?(?: from now| time)?", phrase)
    if match and (phrase.startswith("in ") or phrase.endswith(("from now", "time")) or match.group(1).isdigit()):
        count = NUMBER_WORDS.get(match.group(1)) or int(match.group(1))
        if past and not phrase.startswith("in ") and not phrase.endswith(("from now", "time")):
            # "3 weeks" for a day that has been: three weeks ago
            return today - relativedelta(**{UNITS[match.group(2)]: count})
        return today + relativedelta(**{UNITS[match.group(2)]: count})
    match = re.fullmatch(r"(\d+|a|an|one|two|three|four|five|six) (day|week|month|year)s? ago", phrase)
    if match:
        count = NUMBER_WORDS.get(match.group(1)) or int(match.group(1))
        return today - relativedelta(**{UNITS[match.group(2)]: count})
    match = re.fullmatch(r"(next|this|on|last)? ?([a-z]+)", phrase)
    if match and match.group(2) in WEEKDAYS:
        day = WEEKDAYS[match.group(2)]
        if match.group(1) == "last" or (past and match.group(1) != "next"):
            # for a day that has been, "tuesday" is the last one (never today)
            return today + relativedelta(days=-1, weekday=day(-1))
        # "friday" on a Friday means the next one: a commitment for today is rarely meant
        return today + relativedelta(days=1, weekday=day)
    return None


def _calendar(phrase: str, today: date, ahead: bool, order: str, past: bool = False) -> date:
    if not re.search(r"\d", phrase) or not phrase.isprintable():
        # dateutil skips a control character: "1\x000" would read as the 10th
        raise DateError(f'Could not read "{_shown(phrase)}" as a date; try {EXAMPLES}.')
    named = {WEEKDAYS[word].weekday for word in re.findall(r"[a-z]+", phrase) if word in WEEKDAYS}
    numbers = _numbers(phrase)
    if numbers is not None:
        result, has_year = _numeric(phrase, numbers, today, order)
        day_given = month_given = True
        year_given = has_year
    else:
        result, has_year = _named_month(phrase, today, order)
        day_given, month_given, year_given = _given(phrase, result, today, order)
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
    if past and not has_year and result > today:
        # "25 Dec" (or "4/12" day first) for a day that has been is last
        # year's, as "4 Dec" due is next year's
        moved = None
        if day_given and not month_given and not year_given:
            moved = next((earlier for earlier in (result - relativedelta(months=n) for n in (1, 2))
                          if earlier.day == result.day), None)
        result = moved or result - relativedelta(years=1)
    if named and named != {result.weekday()}:
        names = " or ".join(calendar.day_name[n] for n in sorted(named))
        raise DateError(f"That is {describe(result, today)}, not a {names}; check the date.")
    return result


def _numbers(phrase: str) -> re.Match | None:
    """The phrase as a date in numbers alone (a weekday name beside it allowed), or None."""
    bare = " ".join(word for word in phrase.split() if word not in WEEKDAYS)
    return NUMERIC.fullmatch(bare)


def _numeric(phrase: str, match: re.Match, today: date, order: str) -> tuple[date, bool]:
    """A date written in numbers: year first when the first has four digits, else
    day and month in `order`, and only so: "31/12" read month first is refused
    with a way out, never quietly read the other way round."""
    first, _, second, third = match.groups()
    if len(first) == 4:
        if third is None:
            raise DateError(f'"{_shown(phrase)}" has no day of the month in it; try {EXAMPLES}.')
        year, month, day = int(first), int(second), int(third)
        has_year = True
    elif len(first) > 2 or (third is not None and len(third) not in (2, 4)):
        raise DateError(f'Could not read "{_shown(phrase)}" as a date; try {EXAMPLES}.')
    else:
        year = today.year if third is None else int(third) + (2000 if len(third) == 2 else 0)
        if third is not None and len(third) == 2 and year > today.year + LATEST_YEARS_AHEAD:
            # "1/1/70" is 1970, as people write it, not 2070: a year further
            # ahead than coach accepts is the last century's
            year -= 100
        a, b = int(first), int(second)
        day, month = (a, b) if order == DAY_FIRST else (b, a)
        has_year = third is not None
    if _real(year, month, day):
        return date(year, month, day), has_year
    if len(first) <= 2 and _real(year, day, month):  # only the other order makes it a date
        meant = date(year, day, month)
        sep = match.group(2)
        swapped = f"{second}{sep}{first}" + (f"{sep}{third}" if third else "")
        raise DateError(
            f'"{_shown(phrase)}" is not a date with the {order.replace("-", " ")}; for {meant.day} '
            f'{meant.strftime("%B")} type "{swapped}" or "{meant.day} {meant.strftime("%b")}" '
            f'(date_order in config.toml sets which comes first).'
        )
    raise DateError(f'"{_shown(phrase)}" is not a date on the calendar; try {EXAMPLES}.')


def _real(year: int, month: int, day: int) -> bool:
    return 1 <= year and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _named_month(phrase: str, today: date, order: str) -> tuple[date, bool]:
    from dateutil import parser as dateparser  # here: its import costs every start, and most phrases never need it

    has_year = bool(re.search(r"\b\d{4}\b", phrase))
    if not has_year and re.search(r"\d{5,}", phrase):
        raise DateError(f'Could not read "{_shown(phrase)}" as a date; try {EXAMPLES}.')
    try:
        # a default day of 1 keeps "Feb 30" from silently becoming a date in March
        parsed = dateparser.parse(phrase, default=_default(today), fuzzy=False, dayfirst=order == DAY_FIRST)
    except (ValueError, OverflowError) as exc:
        raise DateError(f'"{_shown(phrase)}" is not a date on the calendar; try {EXAMPLES}.') from exc
    return parsed.date(), has_year


def reading_note(text: str, day: date, date_order: str | None = None) -> str | None:
    """How an ambiguous date in numbers was read ("read as 4 December, day first"),
    or None when the text allows one reading only (13/12, 2026-12-04, "next friday")."""
    phrase = _phrase(text)
    match = _numbers(phrase)
    if match is None or len(match.group(1)) > 2:
        return None
    a, b = int(match.group(1)), int(match.group(3))
    if a == b or not (1 <= a <= 12 and 1 <= b <= 12):
        return None
    order = _order(date_order)
    return f"read as {day.day} {day.strftime('%B')}, {'day' if order == DAY_FIRST else 'month'} first"


def other_reading(text: str, today: date, date_order: str | None = None) -> tuple[date, str] | None:
    """For a date in numbers that reads both ways ("4/12"), the other reading
    and how to type it so it reads that way; None when there is only one."""
    phrase = _phrase(text)
    match = _numbers(phrase)
    if match is None or len(match.group(1)) > 2:
        return None
    first, sep, second, third = match.groups()
    a, b = int(first), int(second)
    if a == b or not (1 <= a <= 12 and 1 <= b <= 12):
        return None
    swapped = f"{second}{sep}{first}" + (f"{sep}{third}" if third else "")
    try:
        return _parse_date(swapped, today, False, _order(date_order)), swapped
    except DateError:
        return None


def _given(phrase: str, result: date, today: date, order: str = MONTH_FIRST) -> tuple[bool, bool, bool]:
    """Whether the text itself gave the day, the month and the year.

    dateutil fills what is missing from the default; read again with another
    default (its 15th, so a bare weekday cannot land on the same day), what
    changes was not in the text.
    """
    from datetime import datetime

    from dateutil import parser as dateparser

    other = datetime(1996, 3 if today.month == 1 else 1, 15)
    try:
        probe = dateparser.parse(phrase, default=other, fuzzy=False, dayfirst=order == DAY_FIRST).date()
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


def short_date(day: date, today: date, *, weekday: bool = True) -> str:
    """The one date format on screen: "Fri 4 Dec", with the year when it is not
    today's ("Fri 4 Dec 2027"). Without the weekday ("4 Dec") where a table has
    no room for it."""
    text = f"{day.strftime('%a')} {day.day} {day.strftime('%b')}" if weekday else f"{day.day} {day.strftime('%b')}"
    return text if day.year == today.year else f"{text} {day.year}"


def describe(day: date, today: date) -> str:
    """A date with its weekday and distance, echoed back so a misreading is caught:
    "Fri 4 Dec (in 3 days)"."""
    delta = (day - today).days
    if delta == 0:
        when = "today"
    elif delta == 1:
        when = "tomorrow"
    elif delta == -1:
        when = "yesterday"
    elif delta > 0:
        when = f"in {span(delta)}"
    else:
        when = f"{span(-delta)} ago"
    return f"{short_date(day, today)} ({when})"


def span(days: int) -> str:
    """A distance in days in words, the one way dates say it: "9 days", "5 weeks", "4 months"."""
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



def short_moment(stamp: str, today: date) -> str:
    """A stored time (ISO, with its zone) in the user's local time, in the same
    short form as dates: "today 11:49", "yesterday 09:05", "Tue 1 Dec 18:30".
    What cannot be read is given back as it is."""
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return str(stamp or "")
    if moment.tzinfo is not None:
        moment = moment.astimezone()  # the zone the user's terminal runs in
    day = moment.date()
    delta = (today - day).days
    when = "today" if delta == 0 else "yesterday" if delta == 1 else short_date(day, today)
    return f"{when} {moment:%H:%M}"


def short_iso(iso: str | None, today: date) -> str:
    """A stored ISO date in the short on-screen form; what is not one is given back as it is."""
    day = iso_day(iso)
    return short_date(day, today) if day else str(iso or "")

"""Values as people write them, in one place: money (£1,234.56), numbers (2,279), dates
(Mon 8 Sep 2025), times (07:30), yes and no, and snake_case values in words. Every page, PDF and
template filter (`{% load words %}`, homecare/templatetags/words.py) formats through these, so a
figure reads the same everywhere. Files for machines (CSV, JSON) keep the plain values."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from homecare.lib.dates import LONDON

PENNY = Decimal("0.01")
# A proper minus sign: screen readers say "minus", and it lines up with the digits.
MINUS = "\u2212"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$")
EMBEDDED_DATE = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")

# Values whose plain humanising would read wrongly.
VALUE_WORDS = {
    "cancelled_by_person": "Cancelled by the person",
    "cancelled_by_provider": "Cancelled by the provider",
    "not_at_home": "Not at home",
    "hospital": "In hospital",
    "social_worker": "Social worker",
    "short_staffed": "Short-staffed",
    "short_visit": "Short visit",
    "case_study": "Case study",
    "hospital_admission_avoided": "Hospital admission avoided",
    "pressure_relieved": "Pressure taken off other services",
    "service_gap": "Gap in services",
    "community_connection": "Community connection",
    "increase_need": "Increased need",
    "right_sizing": "Right-sizing",
    "zero_hours": "Zero hours",
    "guaranteed_hours": "Guaranteed hours",
    "prime_provider": "Prime provider",
    "four_weekly": "Every four weeks",
    "actual_capped": "Actual, capped",
    "due in week": "Due in the week",
}


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def money(value: Any) -> str:
    """£1,234.56; a credit −£120.00; nothing for no value. Rounded half up to the penny."""
    d = _decimal(value)
    if d is None:
        return "" if value in (None, "") else str(value)
    d = d.quantize(PENNY, rounding=ROUND_HALF_UP)
    return f"{MINUS if d < 0 else ''}£{abs(d):,.2f}"


def number(value: Any) -> str:
    """2,279 and 1,815.41: thousands separated, the decimal places the figure was given with."""
    if isinstance(value, bool):
        return yes_no(value)
    d = _decimal(value)
    if d is None:
        return "" if value in (None, "") else str(value)
    places = max(0, -d.as_tuple().exponent) if isinstance(d.as_tuple().exponent, int) else 0
    text = f"{abs(d):,.{places}f}"
    return f"{MINUS if d < 0 else ''}{text}"


def percent(value: Any) -> str:
    """78.6%: the figure as the return gives it (already rounded), with a per cent sign."""
    text = number(value)
    return f"{text}%" if text else ""


def share(value: Any) -> str:
    """A ratio as a percentage: 0.572 -> 57.2%."""
    d = _decimal(value)
    if d is None:
        return "" if value in (None, "") else str(value)
    return percent((d * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def yes_no(value: Any) -> str:
    if value is None or value == "":
        return ""
    return "Yes" if value else "No"


def _local(value: datetime) -> datetime:
    return value.astimezone(LONDON) if value.tzinfo else value


def as_date(value: Any) -> date | None:
    """A date from a date, a datetime (its London date) or an ISO string; None otherwise."""
    if isinstance(value, datetime):
        return _local(value).date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and ISO_DATE.match(value):
        return date.fromisoformat(value)
    if isinstance(value, str) and ISO_DATETIME.match(value):
        return as_datetime(value).date()
    return None


def as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return _local(value)
    if isinstance(value, str) and ISO_DATETIME.match(value):
        return _local(datetime.fromisoformat(value.replace("Z", "+00:00")))
    return None


def day(value: Any) -> str:
    """Mon 8 Sep 2025."""
    d = as_date(value)
    if d is None:
        return "" if value in (None, "") else str(value)
    return f"{d:%a} {d.day} {d:%b %Y}"


def long_day(value: Any) -> str:
    """8 September 2025: formal documents (an invoice)."""
    d = as_date(value)
    if d is None:
        return "" if value in (None, "") else str(value)
    return f"{d.day} {d:%B %Y}"


def clock(value: Any) -> str:
    """07:30 (24-hour, London time)."""
    if isinstance(value, time):
        return f"{value:%H:%M}"
    dt = as_datetime(value)
    if dt is None:
        return "" if value in (None, "") else str(value)
    return f"{dt:%H:%M}"


def day_time(value: Any) -> str:
    """Mon 8 Sep 2025 07:30."""
    dt = as_datetime(value)
    if dt is None:
        return day(value)
    return f"{day(dt)} {clock(dt)}"


def words(value: Any) -> str:
    """A stored code in words: "cancelled_by_person" -> "Cancelled by the person", "missed" -> "Missed".
    Anything that is not a lower-case code (a ref, a name, a title) is returned as it is."""
    if not isinstance(value, str):
        return "" if value is None else str(value)
    if value in VALUE_WORDS:
        return VALUE_WORDS[value]
    if SNAKE.match(value) or re.fullmatch(r"[a-z]+", value):
        return value.replace("_", " ").capitalize()
    return value


def label(key: str) -> str:
    """A field name as a heading when nothing better is known: "first_check_in" -> "First check in"."""
    return VALUE_WORDS.get(key) or key.replace("_", " ").strip().capitalize()


def value_text(value: Any) -> str:
    """Any value of a record as people read it: dates and times, yes/no, numbers, codes in words."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, datetime):
        return day_time(value)
    if isinstance(value, date):
        return day(value)
    if isinstance(value, int | Decimal | float):
        return number(value)
    if isinstance(value, str):
        if ISO_DATE.match(value):
            return day(value)
        if ISO_DATETIME.match(value):
            return day_time(value)
        if EMBEDDED_DATE.search(value):  # "RV-12 (due 2025-09-01)", "2025-08-04 to 2025-08-31"
            return EMBEDDED_DATE.sub(lambda m: day(m.group(0)), value)
        return words(value)
    return str(value)

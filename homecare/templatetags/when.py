"""Dates, times and durations as people write them: "Friday 4 December 2026, 2:05pm", "1 day 3 hours"."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import template

from homecare.lib.dates import LONDON

register = template.Library()


def clock_time(dt: datetime) -> str:
    """2:05pm, 9am, 12:30am (the NHS.UK style for times)."""
    hour = dt.hour % 12 or 12
    suffix = "am" if dt.hour < 12 else "pm"
    return f"{hour}{suffix}" if dt.minute == 0 else f"{hour}:{dt:%M}{suffix}"


@register.filter
def when(value) -> str:
    """A datetime in London time: "Friday 4 December 2026, 2:05pm"; a date: "Friday 4 December 2026"."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(LONDON)
        return f"{local:%A} {local.day} {local:%B %Y}, {clock_time(local)}"
    if isinstance(value, date):
        return f"{value:%A} {value.day} {value:%B %Y}"
    return str(value)


@register.filter
def day(value) -> str:
    """A date (or a datetime's London date) without the weekday: "4 December 2026"."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return f"{value.day} {value:%B %Y}"


@register.filter
def duration(value) -> str:
    """A timedelta as days, hours and minutes, the two largest parts: "1 day 3 hours", "40 minutes"."""
    if value is None:
        return ""
    minutes = int(abs(value.total_seconds()) // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (mins, "minute")]
    words = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n]
    return " ".join(words[:2]) or "less than a minute"


@register.filter
def money(value) -> str:
    """£1,234.56 (negative as -£12.00); empty for None."""
    if value in (None, ""):
        return ""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


@register.filter
def hours(value) -> str:
    """Decimal hours with thousands separators: 1,234.50."""
    if value in (None, ""):
        return ""
    return f"{Decimal(str(value)).quantize(Decimal('0.01')):,.2f}"


@register.filter
def when_day(value) -> str:
    """A datetime's London date with its weekday: "Monday 7 December 2026"."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return when(value)


@register.filter
def add_days(value, days) -> date | None:
    if value in (None, ""):
        return None
    from datetime import timedelta

    return value + timedelta(days=int(days))


@register.filter
def get(mapping, key):
    """mapping[key] in a template (a dict keyed by numbers or strings); None when missing."""
    if mapping is None:
        return None
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return mapping.get(str(key)) if hasattr(mapping, "get") else None


@register.filter
def total(obj, name: str):
    """obj.total(name): a sum an object offers by name (e.g. a contract position's column)."""
    return obj.total(name)

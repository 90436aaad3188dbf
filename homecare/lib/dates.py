"""Reporting weeks and bank holidays in England, in Europe/London time."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


def parse_iso_week(week: str) -> date:
    """'2025-W35' -> the Monday of that ISO week."""
    try:
        year, w = week.upper().split("-W")
        return date.fromisocalendar(int(year), int(w), 1)
    except (ValueError, AttributeError) as exc:
        raise ValueError(f"not an ISO week like 2025-W35: {week!r}") from exc


def iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def week_bounds(monday: date) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00, London local time, as aware datetimes."""
    return local_midnight(monday), local_midnight(monday + timedelta(days=7))


def local_midnight(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=LONDON)


@lru_cache(maxsize=64)
def _england_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def bank_holidays_between(start: date, end: date) -> list[date]:
    """Bank holidays in England from start to end inclusive."""
    out = []
    for year in range(start.year, end.year + 1):
        out.extend(h for h in _england_holidays(year) if start <= h <= end)
    return sorted(out)


def is_bank_holiday(d: date) -> bool:
    return d in _england_holidays(d.year)


def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and not is_bank_holiday(d)


def next_working_day(d: date) -> date:
    """The first working day strictly after d (the referral queue's one-working-day clock)."""
    d += timedelta(days=1)
    while not is_working_day(d):
        d += timedelta(days=1)
    return d

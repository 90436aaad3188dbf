"""Settlement periods of a contract: four-weekly from the contract's start, or calendar months."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from homecare.api_errors import DomainError

FOUR_WEEKS = 28


def period_bounds(contract, period_start: date) -> tuple[date, date]:
    """(first day, last day) of the settlement period that starts on `period_start`;
    a date that does not start a period is refused rather than silently moved."""
    if contract.settlement == "monthly":
        if period_start.day != 1:
            raise DomainError([{"path": "period_start", "message": "a monthly period starts on the 1st"}])
        last = calendar.monthrange(period_start.year, period_start.month)[1]
        return period_start, period_start.replace(day=last)
    offset = (period_start - contract.start).days
    if offset < 0 or offset % FOUR_WEEKS:
        raise DomainError(
            [
                {
                    "path": "period_start",
                    "message": f"four-weekly periods of {contract.ref} start every 28 days from {contract.start}",
                }
            ]
        )
    return period_start, period_start + timedelta(days=FOUR_WEEKS - 1)


def period_containing(contract, day: date) -> tuple[date, date]:
    """The settlement period of `contract` that holds `day` (on or after the contract's start)."""
    if contract.settlement == "monthly":
        return period_bounds(contract, day.replace(day=1))
    offset = (day - contract.start).days
    start = contract.start + timedelta(days=offset - offset % FOUR_WEEKS)
    return period_bounds(contract, start)

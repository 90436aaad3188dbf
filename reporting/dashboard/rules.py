"""The dashboard's two judgements, in one place so the page, the exports and the API agree.

RAG, per KPI: green when met (the exact ratio at or above the target, as the return's `met`); amber
when below the target by at most 5 percentage points; red further below; grey with no data (an
empty denominator, or no return). Exact: 93 of 100 against 98 is 5 points short, amber; 929 of
1000 is 5.1 short, red.

Return status, per contract and week, against the contract's due day (the end of the day
`return_due_days` after the week's Sunday, London time; default 3, the Wednesday after): `on_time`
when first submitted before that, `late` when first submitted after, `missing` when not submitted
and the day has passed, `not_due` when not submitted and the day has not come yet."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from homecare.lib.dates import local_midnight

AMBER_POINTS = Decimal("5")
RAG = ("green", "amber", "red", "grey")
RETURN_STATUSES = ("on_time", "late", "missing", "not_due")
STATUS_LABELS = {
    "on_time": "Submitted on time",
    "late": "Submitted late",
    "missing": "Missing",
    "not_due": "Not due yet",
}
RAG_LABELS = {"green": "Met", "amber": "Within 5 points", "red": "Below target", "grey": "No data"}


def rag(numerator: int | None, denominator: int | None, target) -> str:
    if not denominator or numerator is None or target is None:
        return "grey"
    t = Decimal(str(target))
    achieved = Decimal(numerator) * 100
    if achieved >= t * denominator:
        return "green"
    if achieved >= (t - AMBER_POINTS) * denominator:
        return "amber"
    return "red"


def due_end(week_start: date, return_due_days: int) -> datetime:
    """The first moment after the due day: a return submitted before it is on time."""
    sunday = week_start + timedelta(days=6)
    return local_midnight(sunday + timedelta(days=return_due_days + 1))


def return_status(first_submitted: datetime | None, *, week_start: date, return_due_days: int, now: datetime) -> str:
    end = due_end(week_start, return_due_days)
    if first_submitted is not None:
        return "on_time" if first_submitted < end else "late"
    return "missing" if now >= end else "not_due"

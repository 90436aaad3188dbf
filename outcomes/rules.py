"""The rules of the trusted assessor's workflow, in one place for the screens, the API and the jobs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from homecare.lib.dates import is_working_day

MAX_WEEKLY_HOURS = Decimal("168")  # every hour of the week
EFFECTIVE_DAYS_BACK = 7  # a change may record what was agreed up to a week ago...
EFFECTIVE_DAYS_AHEAD = 28  # ...or be planned up to four weeks ahead
SUBMIT_AFTER_DAYS = 28  # the provider asks the social work team four weeks after the change took effect
QUEUE_FLAG_WORKING_DAYS = 10  # a change waiting longer than this is flagged in the queue
REVIEW_SOON_DAYS = 14  # the reviews page lists reviews due within this many days
REVIEW_NOTICE_DAYS = 7  # the assessor is told this many days before a review is due
# KPI 6: an Outcomes Tool assessment counts for 122 days; a new package has 42 days before its first.
OUTCOMES_VALID_DAYS = 122
OUTCOMES_GRACE_DAYS = 42


def effective_window(today: date) -> tuple[date, date]:
    return today - timedelta(days=EFFECTIVE_DAYS_BACK), today + timedelta(days=EFFECTIVE_DAYS_AHEAD)


@dataclass(frozen=True)
class LimitCheck:
    within: bool
    reasons: list[str]


def _exceeds(before: Decimal, new: Decimal, limit_hours: Decimal | None, limit_share: Decimal | None) -> list[str]:
    delta = abs(new - before)
    reasons = []
    if limit_hours is not None and delta > limit_hours:
        reasons.append(f"{delta:.2f} hours a week is more than the lot's limit of {limit_hours:.2f}")
    if limit_share is not None:
        # From zero hours any change is an infinite share: it is beyond any share limit.
        share = None if before == 0 else delta / before
        if (share is None and delta > 0) or (share is not None and share > limit_share):
            shown = (
                "a change from no hours"
                if share is None
                else f"{(share * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}% of the hours before"
            )
            reasons.append(f"{shown} is more than the lot's limit of {percent(limit_share)}")
    return reasons


def percent(share: Decimal) -> str:
    """0.25 -> '25%', 0.125 -> '12.5%'."""
    return f"{(share * 100).normalize():f}%"


def within_limits(
    *, before: Decimal, agreed: Decimal, new: Decimal, limit_hours: Decimal | None, limit_share: Decimal | None
) -> LimitCheck:
    """Whether a provider's change from `before` to `new` may take effect without prior approval.

    Both the change itself and the drift from the hours last agreed by the social work team
    (`agreed`) must be within the lot's limits (each limit counts when set, and both must hold).
    A lot with neither limit has granted no such authority: every change waits."""
    if limit_hours is None and limit_share is None:
        return LimitCheck(False, ["the lot has no agreed limits for trusted assessors"])
    reasons = _exceeds(before, new, limit_hours, limit_share)
    if agreed != before:
        reasons += [
            f"{r} (counted from the {agreed:.2f} hours last agreed)"
            for r in _exceeds(agreed, new, limit_hours, limit_share)
        ]
    return LimitCheck(not reasons, reasons)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    n, day = 0, start
    while day < end:
        day += timedelta(days=1)
        n += is_working_day(day)
    return n


def outcomes_due_on(*, last_assessment: date | None, latest_start: date | None) -> date | None:
    """The day the person's Outcomes Tool monitoring stops being up to date (KPI 6): 122 days after
    the last assessment, or 42 days after their package started, whichever is later."""
    dates = []
    if last_assessment is not None:
        dates.append(last_assessment + timedelta(days=OUTCOMES_VALID_DAYS))
    if latest_start is not None:
        dates.append(latest_start + timedelta(days=OUTCOMES_GRACE_DAYS))
    return max(dates) if dates else None

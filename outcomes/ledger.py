"""A package's planned weekly hours over time, by the spec's rule (docs/spec/monitoring-return.md):
the package's `planned_weekly_hours`, replaced by each change's `new_weekly_hours` from its
`effective` date, except that a rejected change stops applying from its `decided` date. A change
that waited for prior approval and was not approved never applies.

This is the same rule the weekly return's SQL applies (reporting/returns/figures/sql/packages_base.sql);
the person's page, the limits check and the evidence read it from here, in Python, for one package.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol


class ChangeLike(Protocol):
    id: int
    effective: date
    new_weekly_hours: Decimal
    by: str
    decision: str
    decided: date | None
    prior_approval: bool


def _applies(change: ChangeLike) -> bool:
    return not (change.prior_approval and change.decision != "approved")


def _in_force(change: ChangeLike, day: date) -> bool:
    if not _applies(change) or change.effective > day:
        return False
    return not (change.decision == "rejected" and change.decided is not None and change.decided <= day)


def hours_on(base: Decimal, changes: Iterable[ChangeLike], day: date) -> Decimal:
    """The planned weekly hours on `day`: the latest change in force (by effective date, then the
    order they were made in), else the package's own hours."""
    latest = max((c for c in changes if _in_force(c, day)), key=lambda c: (c.effective, c.id), default=None)
    return base if latest is None else latest.new_weekly_hours


def agreed_hours_on(base: Decimal, changes: Iterable[ChangeLike], day: date) -> Decimal:
    """The hours on `day` counting only what the social work team has agreed: their own changes and
    approved ones. The trusted assessor's limits apply to the drift from these too, so a series of
    small changes cannot add up to more than the lot allows without approval."""
    agreed = [c for c in changes if c.by == "social_worker" or c.decision == "approved"]
    return hours_on(base, agreed, day)


@dataclass(frozen=True)
class Step:
    """From `day` on the hours are `hours` (until the next step). `change` is the change whose
    effect (or reverting) makes the step, `event` "change" or "reverted"."""

    day: date
    hours: Decimal
    before: Decimal
    change: ChangeLike | None
    event: str


def steps(base: Decimal, changes: Iterable[ChangeLike], start: date) -> list[Step]:
    """Every day on which the hours change, from the package's start, in order: the first step is
    the start itself. A change taking effect on or before the start is part of the starting hours
    (as the return counts it: measure 2, not 3)."""
    changes = list(changes)
    days = {start}
    for c in changes:
        if not _applies(c):
            continue
        days.add(max(c.effective, start))
        if c.decision == "rejected" and c.decided is not None:
            days.add(max(c.decided, start))
    out: list[Step] = []
    previous: Decimal | None = None
    for day in sorted(days):
        now = hours_on(base, changes, day)
        if previous is not None and now == previous:
            continue
        cause, event = _cause(changes, day)
        out.append(Step(day, now, previous if previous is not None else now, cause, event))
        previous = now
    return out


def _cause(changes: list[ChangeLike], day: date) -> tuple[ChangeLike | None, str]:
    taking_effect = [c for c in changes if _applies(c) and c.effective == day]
    if taking_effect:
        return max(taking_effect, key=lambda c: c.id), "change"
    reverted = [c for c in changes if _applies(c) and c.decision == "rejected" and c.decided == day]
    if reverted:
        return max(reverted, key=lambda c: c.id), "reverted"
    return None, "start"


def hours_before(base: Decimal, changes: Iterable[ChangeLike], day: date) -> Decimal:
    """The hours in force the day before `day` (what a change from `day` is compared with)."""
    return hours_on(base, changes, day - timedelta(days=1))

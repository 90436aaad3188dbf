"""Outcomes' panels on the home page (commissioning/panels.py): the trusted assessor's reviews due
and package changes waiting, the social worker's approval queue. Read through outcomes' scoped
selectors, in a fixed number of queries whatever the number of people or changes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from commissioning.models import Role
from commissioning.panels import register_home_panel
from outcomes import rules
from outcomes.models import PackageChange
from outcomes.selectors import approval_queue, change_list, reviews_due, waiting_days

SHOWN = 8  # rows a panel lists; the counts cover them all


def assessor_reviews(actor, today: date, now: datetime) -> dict | None:
    """Open provider reviews overdue or due in the next 14 days, soonest first."""
    reviews = sorted(reviews_due(actor=actor, today=today), key=lambda r: (r.due, r.package.person.ref))
    overdue = [r for r in reviews if r.due < today]
    return {
        "overdue": len(overdue),
        "soon": len(reviews) - len(overdue),
        "reviews": reviews[:SHOWN],
        "today": today,
        "soon_days": rules.REVIEW_SOON_DAYS,
    }


def assessor_changes(actor, today: date, now: datetime) -> dict | None:
    """The provider's changes without a decision: those with the social work team, oldest first, and
    those not submitted yet (a daily job submits each four weeks after it took effect)."""
    pending = list(change_list(actor=actor).filter(decision=PackageChange.Decision.PENDING).order_by("effective", "pk"))
    submitted = sorted((c for c in pending if c.submitted_for_approval), key=lambda c: (c.submitted_for_approval, c.pk))
    waiting = [c for c in pending if not c.submitted_for_approval]
    flagged = sum(1 for c in submitted if waiting_days(c, today)[2])
    return {
        "submitted": [{"change": c, "days": waiting_days(c, today)} for c in submitted[:SHOWN]],
        "submitted_count": len(submitted),
        "flagged": flagged,
        "to_submit": [
            {"change": c, "submit_on": c.effective + timedelta(days=rules.SUBMIT_AFTER_DAYS)} for c in waiting[:SHOWN]
        ],
        "to_submit_count": len(waiting),
        "today": today,
    }


def social_worker_queue(actor, today: date, now: datetime) -> dict | None:
    """The changes waiting for the social work team's decision, oldest first, flagged past 10 working days."""
    queue = list(approval_queue(actor=actor))
    rows = [{"change": c, "days": waiting_days(c, today)} for c in queue]
    return {
        "count": len(rows),
        "flagged": sum(1 for r in rows if r["days"][2]),
        "rows": rows[:SHOWN],
        "flag_days": rules.QUEUE_FLAG_WORKING_DAYS,
    }


register_home_panel(
    "assessor-reviews",
    roles={Role.TRUSTED_ASSESSOR},
    template="outcomes/home/reviews.html",
    context_fn=assessor_reviews,
    order=10,
)
register_home_panel(
    "assessor-changes",
    roles={Role.TRUSTED_ASSESSOR},
    template="outcomes/home/changes.html",
    context_fn=assessor_changes,
    order=20,
)
register_home_panel(
    "approval-queue",
    roles={Role.SOCIAL_WORKER},
    template="outcomes/home/approvals.html",
    context_fn=social_worker_queue,
    order=10,
)

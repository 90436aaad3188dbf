"""Celery shells for the rota: the nightly job that keeps visits two weeks ahead of today."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from commissioning.models import Organisation
from rota.acquaintance import acquaintances_refresh
from rota.generate import rota_generate
from rota.plan_models import CarePlanSlot

# Today's week and the next two: every day of the coming fortnight has its visits.
WEEKS_AHEAD = 2


@shared_task(name="rota.tasks.generate_ahead")
def generate_ahead() -> dict[str, str]:
    """Every provider: who has met whom as of today; then, with a care plan, this week and the next two
    from the care plans. Each provider week is its own transaction, so a failure leaves the others
    done (and a retry redoes nothing)."""
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    out = {}
    # Who has met whom, as of today, for every provider's boards (rota/acquaintance.py).
    for org in Organisation.objects.filter(kind=Organisation.Kind.PROVIDER).order_by("ref"):
        acquaintances_refresh(provider_id=org.pk, as_of=today)
    provider_ids = CarePlanSlot.objects.values_list("provider_id", flat=True).distinct()
    for org in Organisation.objects.filter(pk__in=provider_ids).order_by("ref"):
        for i in range(WEEKS_AHEAD + 1):
            week = monday + timedelta(weeks=i)
            out[f"{org.ref} {week}"] = str(rota_generate(provider=org, week=week))
    return out


@shared_task(name="rota.tasks.plan_proposal", time_limit=600, soft_time_limit=540)
def plan_proposal(proposal_id: int) -> None:
    """The board's planner: work out one proposal (rota/planning/proposals.py)."""
    from rota.planning.proposals import proposal_run

    proposal_run(proposal_id=proposal_id)

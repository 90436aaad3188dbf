"""The board's planner: a coordinator asks for a plan of a team's day, the Celery worker works it out
(progress on the proposal), the coordinator applies it through the board's services or discards it."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from rota.permissions import can_edit_rota
from rota.plan_models import PlanProposal
from rota.planning.apply import NotApplied, day_plan_data, plan_apply
from rota.planning.plan import plan_day, plan_json
from workforce.models import Team


def _user(actor):
    return actor if getattr(actor, "email", None) and getattr(actor, "pk", None) else None


@transaction.atomic
def proposal_request(*, actor, team: Team, day: date, mode: str) -> PlanProposal:
    """Queue a plan of `team`'s `day`; the worker starts once this commits."""
    if not can_edit_rota(actor):
        raise PermissionDenied
    proposal = PlanProposal(
        provider_id=team.provider_id,
        team=team,
        day=day,
        mode=mode,
        time_limit=float(getattr(settings, "ROTA_PLANNER_SECONDS", 10)),
        requested_by=_user(actor),
    )
    proposal.full_clean()
    proposal.save()
    from rota.tasks import plan_proposal

    transaction.on_commit(lambda: plan_proposal.delay(proposal.pk))
    return proposal


def _progress(proposal_id: int, **fields) -> None:
    """Written outside any transaction so the page sees it while the planner runs."""
    PlanProposal.objects.filter(pk=proposal_id).update(updated=timezone.now(), **fields)


def proposal_run(*, proposal_id: int) -> None:
    """The worker's part: build, solve, validate, describe. Safe to run twice (a finished proposal is left)."""
    proposal = PlanProposal.objects.select_related("team").filter(pk=proposal_id).first()
    if proposal is None or proposal.status not in (PlanProposal.Status.QUEUED, PlanProposal.Status.RUNNING):
        return
    _progress(
        proposal_id,
        status=PlanProposal.Status.RUNNING,
        progress=10,
        message=f"Planning: this takes about {proposal.time_limit:.0f} seconds.",
    )
    try:
        plan = plan_day(proposal.team, proposal.day, mode=proposal.mode, time_limit=proposal.time_limit)
    except Exception as exc:  # the page says so rather than spinning for ever
        _progress(proposal_id, status=PlanProposal.Status.FAILED, progress=100, message=f"The planner failed: {exc}")
        raise
    result = {
        "day": day_plan_data(plan),
        "plan": plan_json([plan]),
        "before": plan.before,
        "after": plan.after,
        "moves": plan.moves,
        "unassigned": [{"visit": plan.refs[vid], "reason": why} for vid, why in plan.unassigned],
    }
    _progress(proposal_id, status=PlanProposal.Status.READY, progress=100, message="", result=result)


@transaction.atomic
def proposal_apply(*, actor, proposal: PlanProposal) -> int:
    """Apply a ready proposal through the board's services; raises NotApplied (nothing written) when the
    board changed since in a way that breaks it, ValidationError when it is not ready."""
    if not can_edit_rota(actor):
        raise PermissionDenied
    proposal = PlanProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != PlanProposal.Status.READY:
        raise ValidationError(f"This plan is {proposal.get_status_display().lower()}: it cannot be applied.")
    added = plan_apply(actor=actor, provider_id=proposal.provider_id, days=[proposal.result["day"]])
    proposal.status = PlanProposal.Status.APPLIED
    proposal.decided_by, proposal.decided_at = _user(actor), timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "updated"])
    return added


@transaction.atomic
def proposal_discard(*, actor, proposal: PlanProposal) -> None:
    if not can_edit_rota(actor):
        raise PermissionDenied
    proposal = PlanProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status in (PlanProposal.Status.APPLIED, PlanProposal.Status.DISCARDED):
        return
    proposal.status = PlanProposal.Status.DISCARDED
    proposal.decided_by, proposal.decided_at = _user(actor), timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "updated"])


__all__ = ["NotApplied", "proposal_apply", "proposal_discard", "proposal_request", "proposal_run"]

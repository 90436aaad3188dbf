"""The board's planner pages: ask for a plan of the day, watch it being worked out, compare before and
after, apply or discard. Thin: writes through rota.planning.proposals."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from commissioning.tenancy import get_for_user
from rota.permissions import can_edit_rota
from rota.plan_models import PlanProposal
from rota.planning.proposals import NotApplied, proposal_apply, proposal_discard, proposal_request
from workforce.models import Team

FIGURES = (
    ("unassigned", "Visits needing a care worker"),
    ("travel_minutes", "Travel minutes"),
    ("new_pairs", "New person and care worker pairs (not seen in 4 weeks)"),
    ("warnings", "Warnings"),
    ("paid_hours", "Paid hours"),
    ("efficiency_percent", "Efficiency (contact / paid)"),
)


def _edit(request) -> None:
    if not can_edit_rota(request.user):
        raise PermissionDenied


def _proposal(request, pk: int) -> PlanProposal:
    proposal = get_for_user(request.user, PlanProposal.objects.select_related("team"), pk=pk)
    _edit(request)
    return proposal


def _board(proposal: PlanProposal) -> str:
    return f"{reverse('rota:board')}?team={proposal.team.ref}&date={proposal.day:%Y-%m-%d}"


@require_POST
def plan(request):
    team = get_for_user(request.user, Team, ref=request.POST.get("team"))
    _edit(request)
    try:
        day = date.fromisoformat(request.POST.get("date") or "")
    except ValueError:
        raise Http404 from None
    mode = request.POST.get("mode")
    if mode not in PlanProposal.Mode.values:
        mode = PlanProposal.Mode.UNASSIGNED
    proposal = proposal_request(actor=request.user, team=team, day=day, mode=mode)
    return redirect("rota:proposal", pk=proposal.pk)


def proposal(request, pk: int):
    p = _proposal(request, pk)
    rows = []
    if p.result:
        for key, label in FIGURES:
            before, after = p.result["before"].get(key), p.result["after"].get(key)
            suffix = "%" if key == "efficiency_percent" else ""
            rows.append(
                {
                    "key": key,
                    "label": label,
                    "before": "–" if before is None else f"{before}{suffix}",
                    "after": "–" if after is None else f"{after}{suffix}",
                }
            )
    working = p.status in (PlanProposal.Status.QUEUED, PlanProposal.Status.RUNNING)
    return render(
        request,
        "rota/proposal.html",
        {"p": p, "rows": rows, "working": working, "board": _board(p), "ready": p.status == PlanProposal.Status.READY},
    )


def proposal_status(request, pk: int):
    p = _proposal(request, pk)
    return JsonResponse({"status": p.status, "progress": p.progress, "message": p.message})


@require_POST
def apply(request, pk: int):
    p = _proposal(request, pk)
    try:
        added = proposal_apply(actor=request.user, proposal=p)
    except NotApplied as exc:
        for problem in exc.problems:
            messages.error(request, problem)
        messages.error(request, "Nothing was changed. Discard this plan and ask for a new one.")
        return redirect("rota:proposal", pk=p.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("rota:proposal", pk=p.pk)
    messages.success(request, f"Plan applied: {added} care worker{'s' if added != 1 else ''} planned.")
    return redirect(_board(p))


@require_POST
def discard(request, pk: int):
    p = _proposal(request, pk)
    proposal_discard(actor=request.user, proposal=p)
    messages.success(request, "Plan discarded: the board is as it was.")
    return redirect(_board(p))

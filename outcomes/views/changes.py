"""Logging a change, a change's page (its evidence, submitting it, the decision) and the social
worker's queue."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from outcomes import evidence, labels, ledger, rules, selectors, services
from outcomes.forms import ChangeForm, DecisionForm
from outcomes.permissions import can_decide, can_log_change, can_submit, is_lot_social_worker, lot_of
from outcomes.services.changes import person_url
from outcomes.services.common import long_date
from outcomes.views.common import by_ref, today


def _limits_text(lot) -> str:
    if lot is None or (lot.assessor_limit_hours is None and lot.assessor_limit_share is None):
        return (
            "This lot has no agreed limits for trusted assessors: every change waits for the social worker's approval."
        )
    parts = []
    if lot.assessor_limit_hours is not None:
        parts.append(f"{lot.assessor_limit_hours:.2f} hours a week")
    if lot.assessor_limit_share is not None:
        parts.append(f"{rules.percent(lot.assessor_limit_share)} of the hours before")
    return (
        f"A change of up to {' and up to '.join(parts)} applies from its date at once. "
        "A bigger change waits for the social worker's approval and applies only once approved."
    )


@require_http_methods(["GET", "POST"])
def change_new(request, ref: str):
    package, choose = by_ref(request, selectors.package_get, ref, "package")
    if choose:
        return choose
    actor = request.user
    if not can_log_change(actor, package):
        raise PermissionDenied(
            "Only the provider's trusted assessors and managers, or social workers of the lot's commissioner, change a package."
        )
    day = today()
    changes = list(package.changes.all())
    hours_now = ledger.hours_on(package.planned_weekly_hours, changes, day)
    form = ChangeForm(request.POST or None, initial={"effective": day, "consent_date": day})
    if request.method == "POST":
        errors = form.errors_for_service()
        try:
            change = services.package_change_log(
                actor=actor,
                package=package,
                new_weekly_hours=form.value("new_weekly_hours"),
                effective=form.value("effective"),
                reason=form.value("reason") or None,
                consent_by=form.value("consent_by") or None,
                consent_date=form.value("consent_date"),
                note=form.value("note") or "",
                errors=errors,
            )
        except ValidationError as exc:
            form.apply(exc)
        else:
            if change.prior_approval:
                messages.success(
                    request,
                    f"Change {change.ref} is saved and sent to the social worker: it is beyond the lot's limits, "
                    f"so the package stays at {hours_now:.2f} hours a week until it is approved.",
                )
            else:
                messages.success(
                    request,
                    f"Change {change.ref} is saved: the package is {change.new_weekly_hours:.2f} hours a week from "
                    f"{long_date(change.effective)}. The coordinators are asked to change the care plan to match.",
                )
            return redirect(person_url(package.person))
    return render(
        request,
        "outcomes/change_new.html",
        {
            "package": package,
            "person": package.person,
            "form": form,
            "hours_now": hours_now,
            "limits": _limits_text(lot_of(package)),
            "by_social_worker": is_lot_social_worker(actor, package),
            "earliest": day - timedelta(days=7),
            "latest": day + timedelta(days=28),
        },
    )


def _detail_context(request, change, decision_form=None) -> dict:
    day = today()
    actor = request.user
    status = change.status
    calendar = working = flagged = None
    if status in ("submitted", "waiting_approval"):
        calendar, working, flagged = selectors.waiting_days(change, day)
    return {
        "change": change,
        "package": change.package,
        "person": change.package.person,
        "status": status,
        "reason": labels.reason(change.reason),
        "by": labels.BY.get(change.by, change.by),
        "consent": labels.consent_by(change.consent_by),
        "evidence": evidence.for_change(actor=actor, change=change, today=day),
        "can_submit": status == "applied" and can_submit(actor, change),
        "can_decide": status in ("submitted", "waiting_approval") and can_decide(actor, change),
        "decision_form": decision_form or DecisionForm(),
        "days_waiting": calendar,
        "working_days_waiting": working,
        "flagged": flagged,
        "person_url": person_url(change.package.person),
        "decision_url": reverse("outcomes:change-decide", args=[change.pk]),
        "today": day,
    }


def change_detail(request, pk: int):
    change = selectors.change_get(actor=request.user, pk=pk)
    return render(request, "outcomes/change_detail.html", _detail_context(request, change))


@require_POST
def change_submit(request, pk: int):
    change = selectors.change_get(actor=request.user, pk=pk)
    if not can_submit(request.user, change):
        raise PermissionDenied("Only the provider's trusted assessors and managers submit a change.")
    try:
        services.package_change_submit(actor=request.user, change=change)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Change {change.ref} is submitted to the social work team for approval.")
    return redirect("outcomes:change-detail", pk=change.pk)


@require_http_methods(["GET", "POST"])
def change_decide(request, pk: int):
    change = selectors.change_get(actor=request.user, pk=pk)
    if not can_decide(request.user, change):
        raise PermissionDenied("Only social workers of the lot's commissioner decide on a change.")
    if request.method == "GET":
        return redirect("outcomes:change-detail", pk=change.pk)
    form = DecisionForm(request.POST)
    errors = form.errors_for_service()
    try:
        decided = services.package_change_decide(
            actor=request.user,
            change=change,
            decision=form.value("decision") or None,
            reason=form.value("reason") or "",
            errors=errors,
        )
    except ValidationError as exc:
        form.apply(exc)
        return render(request, "outcomes/change_detail.html", _detail_context(request, change, form), status=400)
    if decided.decision == "approved":
        text = f"Change {decided.ref} is approved."
        if decided.prior_approval:
            text += f" It applies from {long_date(decided.effective)}."
    else:
        text = f"Change {decided.ref} is rejected: the hours go back from {long_date(decided.decided)}."
    messages.success(request, text)
    return redirect("outcomes:approvals")


def approvals(request):
    day = today()
    rows = []
    for change in selectors.approval_queue(actor=request.user):
        calendar, working, flagged = selectors.waiting_days(change, day)
        package = change.package
        others = [c for c in package.changes.all() if c.pk != change.pk]
        start = change.requested_effective if change.prior_approval and change.requested_effective else change.effective
        rows.append(
            {
                "change": change,
                "before": ledger.hours_on(package.planned_weekly_hours, others, start - timedelta(days=1)),
                "start": start,
                "reason": labels.reason(change.reason),
                "days": calendar,
                "working_days": working,
                "flagged": flagged,
                "can_decide": can_decide(request.user, change),
            }
        )
    return render(request, "outcomes/approvals.html", {"rows": rows, "today": day})

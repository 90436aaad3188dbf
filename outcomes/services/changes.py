"""Package changes: logged by a trusted assessor (within the lot's limits they apply at once; beyond
them they wait for the social worker), submitted to the social work team four weeks after they took
effect (or earlier), approved or rejected; or made by a social worker, applying at once.

How the workflow's states sit in the bundle's fields (the return's SQL reads those):
- applied:          by provider, decision pending, submitted_for_approval null, prior_approval false
- submitted:        by provider, decision pending, submitted_for_approval set,  prior_approval false
- waiting_approval: by provider, decision pending, submitted_for_approval set,  prior_approval true
                    (never applies until approved)
- approved:         decision approved, decided set (a social worker's own change: approved on the day
                    it was made); a prior-approval change takes effect on the later of the date asked
                    for and the decision
- rejected:         decision rejected, decided set: the hours revert from `decided`; a rejected
                    prior-approval change never applied (its `effective` is moved to the later of the
                    date asked for and the decision, so it is in force for no day by either rule)
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from commissioning.models import Role
from commissioning.notifications import notify, users_of
from outcomes import labels, ledger, rules
from outcomes.models import Package, PackageChange
from outcomes.permissions import can_decide, can_log_change, can_submit, is_lot_social_worker, lot_of
from outcomes.services.common import (
    Errors,
    actor_user,
    audited,
    hours_text,
    long_date,
    next_ref,
    today_or,
)


def person_url(person) -> str:
    return f"{reverse('outcomes:person-detail', args=[person.ref])}?provider={person.provider.ref}"


def change_url(change: PackageChange) -> str:
    return reverse("outcomes:change-detail", args=[change.pk])


def _changes_of(package: Package, exclude: int | None = None) -> list[PackageChange]:
    qs = PackageChange.objects.filter(package_id=package.pk)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return list(qs)


def _decimal(value, errors: Errors, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.add(field, "Enter the hours as a number, like 10.5.")
        return None
    if not d.is_finite():
        errors.add(field, "Enter the hours as a number, like 10.5.")
        return None
    return d


def _check_hours(hours: Decimal | None, errors: Errors) -> None:
    if hours is None:
        if "new_weekly_hours" not in errors:
            errors.add("new_weekly_hours", "Enter the new weekly hours.")
        return
    if hours < 0:
        errors.add("new_weekly_hours", "Weekly hours cannot be below 0.")
    elif hours > rules.MAX_WEEKLY_HOURS:
        errors.add("new_weekly_hours", "Weekly hours cannot be more than 168 (every hour of the week).")
    elif hours != hours.quantize(Decimal("0.01")):
        errors.add("new_weekly_hours", "Give the hours to at most 2 decimal places (10.25 is 10 hours 15 minutes).")


def _check_effective(effective: date | None, package: Package, today: date, errors: Errors) -> None:
    if effective is None:
        if "effective" not in errors:  # not already unreadable
            errors.add("effective", "Enter the date the change takes effect.")
        return
    first, last = rules.effective_window(today)
    if effective < first:
        errors.add(
            "effective",
            f"The change cannot take effect more than {rules.EFFECTIVE_DAYS_BACK} days ago "
            f"(the earliest is {long_date(first)}).",
        )
    elif effective > last:
        errors.add(
            "effective",
            f"The change cannot take effect more than {rules.EFFECTIVE_DAYS_AHEAD} days ahead "
            f"(the latest is {long_date(last)}).",
        )
    elif effective < package.start:
        errors.add(
            "effective", f"The package starts on {long_date(package.start)}: a change cannot take effect before."
        )
    elif package.end is not None and effective > package.end:
        errors.add("effective", f"The package ended on {long_date(package.end)}.")


def _check_consent(consent_by: str | None, consent_date: date | None, package: Package, today: date, errors: Errors):
    if not consent_by:
        if "consent_by" not in errors:
            errors.add("consent_by", "Record who agreed to the change: the person, their advocate or their family.")
    elif consent_by not in PackageChange.ConsentBy.values:
        errors.add("consent_by", "Choose the person, their advocate or their family.")
    if consent_date is None:
        if "consent_date" not in errors:
            errors.add("consent_date", "Enter the date they agreed to the change.")
    elif consent_date > today:
        errors.add("consent_date", "The date they agreed cannot be in the future.")
    elif consent_date < package.start - timedelta(days=rules.EFFECTIVE_DAYS_AHEAD):
        errors.add("consent_date", "The date they agreed is long before the package started: check it.")


@transaction.atomic
def package_change_log(
    *,
    actor,
    package: Package,
    new_weekly_hours,
    effective: date | None,
    reason: str | None,
    consent_by: str | None,
    consent_date: date | None,
    note: str = "",
    today: date | None = None,
    errors: Errors | None = None,
) -> PackageChange:
    """Log a change of the package's weekly hours. A trusted assessor's change within the lot's limits
    applies from `effective` at once; beyond them it waits for the social worker's approval. A social
    worker's own change applies at once. All problems are raised together (ValidationError by
    field); `errors` may carry problems the caller found already (unparseable input)."""
    today = today_or(today)
    package = Package.objects.select_for_update().select_related("person__provider").get(pk=package.pk)
    if not can_log_change(actor, package):
        raise PermissionDenied(
            "Only the provider's trusted assessors and managers, or social workers of the lot's commissioner, change a package."
        )
    by_social_worker = is_lot_social_worker(actor, package)
    errors = errors or Errors()
    hours = (
        new_weekly_hours
        if isinstance(new_weekly_hours, Decimal)
        else _decimal(new_weekly_hours, errors, "new_weekly_hours")
    )
    _check_hours(hours, errors)
    _check_effective(effective, package, today, errors)
    if not reason:
        if "reason" not in errors:
            errors.add("reason", "Choose the reason for the change.")
    elif reason not in PackageChange.Reason.values:
        errors.add("reason", "Choose one of the reasons listed.")
    _check_consent(consent_by, consent_date, package, today, errors)

    changes = _changes_of(package)
    waiting = [c for c in changes if c.prior_approval and c.decision == PackageChange.Decision.PENDING]
    if waiting:
        errors.add(
            "__all__",
            f"Change {waiting[0].ref} to this package is waiting for the social worker's approval: "
            "it must be decided before another change is logged.",
        )
    before = agreed = None
    if hours is not None and effective is not None and "effective" not in errors and "new_weekly_hours" not in errors:
        before = ledger.hours_before(package.planned_weekly_hours, changes, effective)
        agreed = ledger.agreed_hours_on(package.planned_weekly_hours, changes, effective - timedelta(days=1))
        if hours == before:
            errors.add("new_weekly_hours", f"The package is already {hours_text(before)} then: nothing would change.")
    errors.raise_any()
    hours = hours.quantize(Decimal("0.01"))  # 11 and 11.0000 alike are stored as 11.00

    prior = False
    if not by_social_worker:
        lot = lot_of(package)
        check = rules.within_limits(
            before=before,
            agreed=agreed,
            new=hours,
            limit_hours=lot.assessor_limit_hours if lot else None,
            limit_share=lot.assessor_limit_share if lot else None,
        )
        prior = not check.within
    change = PackageChange(
        provider_id=package.provider_id,
        ref=next_ref(PackageChange, package.provider_id, f"CH-{package.ref}"),
        package=package,
        effective=effective,
        requested_effective=effective,
        new_weekly_hours=hours,
        by=PackageChange.By.SOCIAL_WORKER if by_social_worker else PackageChange.By.PROVIDER,
        reason=reason,
        consent_by=consent_by,
        consent_date=consent_date,
        note=(note or "").strip(),
        prior_approval=prior,
        submitted_for_approval=today if prior else None,
        decision=PackageChange.Decision.APPROVED if by_social_worker else PackageChange.Decision.PENDING,
        decided=today if by_social_worker else None,
        logged_by=actor_user(actor),
        logged_at=timezone.now(),
    )
    change.full_clean()
    with audited(actor, "package_change_log"):
        change.save()
    if prior:
        _notify_submitted(change, before=before)
    else:
        _notify_care_plan(change, hours=hours, day=effective, social_worker=by_social_worker)
    return change


def _submit(change: PackageChange, *, actor, today: date) -> None:
    change.submitted_for_approval = today
    change.submitted_by = actor_user(actor)
    change.full_clean()
    with audited(actor, "package_change_submit"):
        change.save(update_fields=["submitted_for_approval", "submitted_by"])
    _notify_submitted(change)


@transaction.atomic
def package_change_submit(*, actor, change: PackageChange, today: date | None = None) -> PackageChange:
    """Send a change to the social work team before its four weeks are up."""
    today = today_or(today)
    change = PackageChange.objects.select_for_update().select_related("package__person__provider").get(pk=change.pk)
    if not can_submit(actor, change):
        raise PermissionDenied("Only the provider's trusted assessors and managers submit a change.")
    errors = Errors()
    if change.decision != PackageChange.Decision.PENDING:
        errors.add("__all__", f"This change was already {change.decision} on {long_date(change.decided)}.")
    elif change.by != PackageChange.By.PROVIDER:
        errors.add("__all__", "A social worker's change needs no approval.")
    elif change.submitted_for_approval is not None:
        errors.add("__all__", f"This change was already submitted on {long_date(change.submitted_for_approval)}.")
    errors.raise_any()
    _submit(change, actor=actor, today=today)
    return change


def package_changes_submit_due(*, today: date | None = None) -> list[int]:
    """The daily job: submit every provider change that took effect four weeks ago or more and has not
    been submitted. Each change is its own transaction, claimed with SKIP LOCKED, so two runs at once
    submit each change once."""
    today = today_or(today)
    due = today - timedelta(days=rules.SUBMIT_AFTER_DAYS)
    submitted: list[int] = []
    ids = list(
        PackageChange.objects.filter(
            decision=PackageChange.Decision.PENDING,
            by=PackageChange.By.PROVIDER,
            prior_approval=False,
            submitted_for_approval__isnull=True,
            effective__lte=due,
        )
        .order_by("effective", "pk")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            change = (
                PackageChange.objects.select_for_update(skip_locked=True)
                .select_related("package__person__provider")
                .filter(pk=pk, submitted_for_approval__isnull=True, decision=PackageChange.Decision.PENDING)
                .first()
            )
            if change is None:
                continue
            _submit(change, actor=None, today=today)
            submitted.append(pk)
    return submitted


@transaction.atomic
def package_change_decide(
    *,
    actor,
    change: PackageChange,
    decision: str | None,
    reason: str = "",
    today: date | None = None,
    errors: Errors | None = None,
) -> PackageChange:
    """The social worker's decision. Approving a change that waited for prior approval makes it take
    effect (from the later of the date asked for and today); rejecting a change that applied reverts
    the hours from today."""
    today = today_or(today)
    change = PackageChange.objects.select_for_update().select_related("package__person__provider").get(pk=change.pk)
    if not can_decide(actor, change):
        raise PermissionDenied("Only social workers of the lot's commissioner decide on a change.")
    errors = errors or Errors()
    reason = (reason or "").strip()
    if decision not in (PackageChange.Decision.APPROVED, PackageChange.Decision.REJECTED) and "decision" not in errors:
        errors.add("decision", "Choose whether to approve or reject the change.")
    if change.decision != PackageChange.Decision.PENDING:
        errors.add("decision", f"This change was already {change.decision} on {long_date(change.decided)}.")
    elif change.submitted_for_approval is None:
        errors.add("decision", "This change has not been submitted for approval yet.")
    if decision == PackageChange.Decision.REJECTED and not reason:
        errors.add("reason", "Give the reason for rejecting the change: the provider will see it.")
    errors.raise_any()

    was_waiting = change.prior_approval
    change.decision = decision
    change.decided = today
    change.decided_by = actor_user(actor)
    change.decision_reason = reason
    if was_waiting:
        change.effective = max(change.requested_effective or change.effective, today)
    change.full_clean()
    with audited(actor, "package_change_decide"):
        change.save()
    _notify_decision(change, today=today, was_waiting=was_waiting)
    return change


# --- notifications ---------------------------------------------------------------------------------


def _who(change: PackageChange) -> str:
    # Notifications are emailed: they name the person by ref only, never by name.
    return f"person {change.package.person.ref}"


def _notify_submitted(change: PackageChange, before: Decimal | None = None) -> None:
    lot = lot_of(change.package)
    if lot is None:
        return
    waiting = change.prior_approval
    subject = (
        f"Approval needed before it applies: {_who(change)}, {change.new_weekly_hours:.2f} hours a week"
        if waiting
        else f"Change submitted for approval: {_who(change)}, {change.new_weekly_hours:.2f} hours a week"
    )
    body = (
        f"{change.provider.name} asks to change package {change.package.ref} to {hours_text(change.new_weekly_hours)} "
        f"from {long_date(change.effective)} (reason: {labels.reason(change.reason).lower()}). "
        + (
            "It is beyond the lot's limits and applies only once you approve it."
            if waiting
            else "It has applied since then."
        )
    )
    notify(
        users=users_of(lot.commissioner_id, Role.SOCIAL_WORKER),
        kind="change_submitted",
        subject=subject,
        body=body,
        url=reverse("outcomes:approvals"),
    )


def _provider_people(change: PackageChange, *roles: str):
    return list(users_of(change.provider_id, *roles))


def _notify_care_plan(change: PackageChange, *, hours: Decimal, day: date, social_worker: bool) -> None:
    who = "A social worker" if social_worker else "A trusted assessor"
    recipients = _provider_people(change, Role.COORDINATOR)
    if social_worker:
        recipients += _provider_people(change, Role.TRUSTED_ASSESSOR)
    notify(
        users=recipients,
        kind="care_plan_change",
        subject=f"Change the care plan: {_who(change)} has {hours_text(hours)} from {long_date(day)}",
        body=f"{who} changed package {change.package.ref} to {hours_text(hours)} from {long_date(day)}. "
        "Change the care plan to match.",
        url=person_url(change.package.person),
    )


def _notify_decision(change: PackageChange, *, today: date, was_waiting: bool) -> None:
    approved = change.decision == PackageChange.Decision.APPROVED
    if approved and was_waiting:
        what = f"It applies from {long_date(change.effective)}: change the care plan to match."
    elif approved:
        what = "Nothing else to do: the hours stay as they are."
    elif was_waiting:
        what = "It never applied: the hours stay as they were."
    else:
        back = ledger.hours_on(change.package.planned_weekly_hours, _changes_of(change.package), today)
        what = f"The hours go back to {hours_text(back)} from {long_date(today)}: put the care plan back."
    # The social worker's reason stays in the app (notifications are emailed): the link leads to it.
    reason = " The reason is on the change's page." if change.decision_reason else ""
    recipients = [change.logged_by] if change.logged_by_id else []
    recipients += _provider_people(change, Role.COORDINATOR)
    notify(
        users=recipients,
        kind="change_decided",
        subject=f"Change {change.decision}: {_who(change)}, {change.new_weekly_hours:.2f} hours a week",
        body=f"The social worker {change.decision} change {change.ref} to package {change.package.ref}. {what}{reason}",
        url=change_url(change),
    )

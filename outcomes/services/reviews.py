"""Reviews and the Outcomes Tool: completing a review (with the person's scores, or their opting out),
scheduling the next one, recording an assessment on its own, and telling assessors of reviews due."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from commissioning.models import Role
from commissioning.notifications import notify, users_of
from outcomes import rules
from outcomes.models import OutcomeAssessment, Package, Person, Review
from outcomes.permissions import can_assess
from outcomes.services.common import Errors, actor_user, audited, long_date, next_ref, today_or

# An assessment or review done on paper may be entered up to four weeks later, not more: the
# Outcomes Tool's KPI counts by date, so a date long past would rewrite history.
RECORD_DAYS_BACK = 28
DOMAINS = ("wellbeing_independence", "home", "community")


def _check_date(value: date | None, field: str, today: date, errors: Errors, earliest: date | None = None) -> None:
    if value is None:
        if field not in errors:
            errors.add(field, "Enter the date.")
    elif value > today:
        errors.add(field, "The date cannot be in the future.")
    elif value < today - timedelta(days=RECORD_DAYS_BACK):
        errors.add(field, f"The date cannot be more than {RECORD_DAYS_BACK} days ago.")
    elif earliest is not None and value < earliest:
        errors.add(field, f"The date cannot be before {long_date(earliest)}, when the package started.")


def _check_scores(scores: dict, errors: Errors) -> None:
    for field in DOMAINS:
        value = scores.get(field)
        if value is None:
            if field not in errors:
                errors.add(field, "Enter a score from 1 to 5.")
        elif not (1 <= value <= 5):
            errors.add(field, "The score must be from 1 to 5.")


def _new_assessment(*, actor, person: Person, day: date, scores: dict) -> OutcomeAssessment:
    assessment = OutcomeAssessment(
        provider_id=person.provider_id,
        ref=next_ref(OutcomeAssessment, person.provider_id, f"OA-{person.ref}-{day:%Y%m%d}"),
        person=person,
        date=day,
        recorded_by=actor_user(actor),
        **{f: scores[f] for f in DOMAINS},
    )
    assessment.full_clean()
    assessment.save()
    return assessment


def _set_opt_out(person: Person, opted_out: bool) -> None:
    if person.outcomes_opt_out != opted_out:
        person.outcomes_opt_out = opted_out
        person.save(update_fields=["outcomes_opt_out"])


@transaction.atomic
def review_complete(
    *,
    actor,
    review: Review,
    completed: date | None,
    scores: dict | None,
    opted_out: bool,
    progress: bool | None,
    notes: str = "",
    today: date | None = None,
    errors: Errors | None = None,
) -> Review:
    """Complete a provider-led review: the date, the person's Outcomes Tool scores (or that they opted
    out), whether they feel they made progress, notes. Schedules the next review of the package at
    the contract's interval (unless the package has ended by then)."""
    today = today_or(today)
    review = Review.objects.select_for_update().select_related("package__person__contract").get(pk=review.pk)
    if not can_assess(actor, review.provider_id):
        raise PermissionDenied("Only the provider's trusted assessors and managers complete reviews.")
    errors = errors or Errors()
    package = review.package
    person = Person.objects.select_for_update().get(pk=package.person_id)
    if review.completed is not None:
        errors.add("__all__", f"This review was already completed on {long_date(review.completed)}.")
    if review.kind != Review.Kind.PROVIDER:
        errors.add("__all__", "A social worker's review is completed by the social work team.")
    _check_date(completed, "completed", today, errors, earliest=package.start)
    scores = {k: v for k, v in (scores or {}).items() if k in DOMAINS}
    given = any(scores.get(f) is not None for f in DOMAINS) or any(f in errors for f in DOMAINS)
    if opted_out and given:
        errors.add(
            "__all__", "Either record the person's scores or that they opted out of the Outcomes Tool, not both."
        )
    elif not opted_out:
        _check_scores(scores, errors)
        if completed is not None and OutcomeAssessment.objects.filter(person=person, date=completed).exists():
            errors.add("completed", "An Outcomes Tool assessment is already recorded for this person on this date.")
    if progress is None and "progress" not in errors:
        errors.add("progress", "Say whether the person feels they have made progress.")
    errors.raise_any()

    with audited(actor, "review_complete"):
        assessment = None if opted_out else _new_assessment(actor=actor, person=person, day=completed, scores=scores)
        _set_opt_out(person, opted_out)
        review.completed = completed
        review.progress = progress
        review.outcomes_opted_out = opted_out
        review.assessment = assessment
        review.notes = (notes or "").strip()
        review.completed_by = actor_user(actor)
        review.full_clean()
        review.save()
        _schedule_next(review, package)
    return review


@transaction.atomic
def review_start(*, actor, package: Package, today: date | None = None) -> Review:
    """A provider-led review of the package to complete now: the one already open, else a new one,
    due on the package's `review_due` when it has one (a bundle may give only that), else today."""
    today = today_or(today)
    package = Package.objects.select_for_update().select_related("person__contract").get(pk=package.pk)
    if not can_assess(actor, package.provider_id):
        raise PermissionDenied("Only the provider's trusted assessors and managers review packages.")
    errors = Errors()
    if package.start > today or (package.end is not None and package.end < today):
        errors.add("__all__", "Only a running package is reviewed.")
    errors.raise_any()
    open_review = package.reviews.filter(kind=Review.Kind.PROVIDER, completed__isnull=True).order_by("due").first()
    if open_review is not None:
        return open_review
    review = Review(
        provider_id=package.provider_id,
        ref=next_ref(Review, package.provider_id, f"RV-{package.ref}"),
        package=package,
        kind=Review.Kind.PROVIDER,
        due=package.review_due or today,
    )
    review.full_clean()
    with audited(actor, "review_start"):
        review.save()
    return review


def _schedule_next(review: Review, package: Package) -> Review | None:
    due = review.completed + timedelta(days=package.person.contract.review_interval_days)
    if package.end is not None and due > package.end:
        package.review_due = None
        package.save(update_fields=["review_due"])
        return None
    # An open review already scheduled (imported, or made by hand) is the next one: none is added.
    following = (
        package.reviews.filter(kind=review.kind, completed__isnull=True).exclude(pk=review.pk).order_by("due").first()
    )
    if following is None:
        following = Review(
            provider_id=package.provider_id,
            ref=next_ref(Review, package.provider_id, f"RV-{package.ref}"),
            package=package,
            kind=review.kind,
            due=due,
        )
        following.full_clean()
        following.save()
    package.review_due = following.due
    package.save(update_fields=["review_due"])
    return following


@transaction.atomic
def outcome_assessment_record(
    *, actor, person: Person, day: date | None, scores: dict, today: date | None = None, errors: Errors | None = None
) -> OutcomeAssessment:
    """An Outcomes Tool assessment on its own (not at a review). A person who had opted out and now
    gives scores has opted back in."""
    today = today_or(today)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not can_assess(actor, person.provider_id):
        raise PermissionDenied("Only the provider's trusted assessors and managers record assessments.")
    errors = errors or Errors()
    _check_date(day, "date", today, errors)
    _check_scores(scores, errors)
    if day is not None and OutcomeAssessment.objects.filter(person=person, date=day).exists():
        errors.add("date", "An Outcomes Tool assessment is already recorded for this person on this date.")
    errors.raise_any()
    with audited(actor, "outcome_assessment_record"):
        assessment = _new_assessment(actor=actor, person=person, day=day, scores=scores)
        _set_opt_out(person, False)
    return assessment


def reviews_notify_due(*, today: date | None = None) -> int:
    """The daily job: tell the provider's trusted assessors (or, with none, its managers) of each
    provider-led review due in 7 days or overdue. Once each: a notice's key names the review and its
    due date, so running the job again (or twice at once) adds nothing."""
    today = today_or(today)
    soon = today + timedelta(days=rules.REVIEW_NOTICE_DAYS)
    open_reviews = (
        Review.objects.filter(kind=Review.Kind.PROVIDER, completed__isnull=True, due__lte=soon)
        .filter(Q(package__end__isnull=True) | Q(package__end__gte=today))
        .select_related("package__person__provider")
        .order_by("due", "pk")
    )
    made = 0
    recipients: dict[int, list] = {}
    for review in open_reviews:
        provider_id = review.provider_id
        if provider_id not in recipients:
            users = list(users_of(provider_id, Role.TRUSTED_ASSESSOR)) or list(
                users_of(provider_id, Role.PROVIDER_MANAGER)
            )
            recipients[provider_id] = users
        person = review.package.person
        who = f"person {person.ref}"  # emailed: the ref, never the name
        overdue = review.due < today
        with transaction.atomic():
            made += len(
                notify(
                    users=recipients[provider_id],
                    kind="review_overdue" if overdue else "review_due",
                    subject=(
                        f"Review overdue: {who}, due {long_date(review.due)}"
                        if overdue
                        else f"Review due {long_date(review.due)}: {who}"
                    ),
                    body=f"The provider-led review of package {review.package.ref} "
                    + ("is overdue." if overdue else f"is due on {long_date(review.due)}."),
                    url=reverse("outcomes:review-complete", args=[review.pk]),
                    key=f"review-{'overdue' if overdue else 'due'}:{review.pk}:{review.due.isoformat()}",
                )
            )
    return made

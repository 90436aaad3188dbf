"""Reads of people, packages, changes, reviews and assessments, scoped to the actor (tenancy first,
then roles: outcomes.permissions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Greatest, Least
from django.http import Http404

from commissioning.models import User
from commissioning.tenancy import scope_for
from outcomes import labels, ledger, rules
from outcomes.models import HospitalStay, OutcomeAssessment, Package, PackageChange, Person, Review
from outcomes.permissions import can_read


def _require_read(actor) -> None:
    if not can_read(actor):
        raise PermissionDenied("Your role does not give access to people and their packages.")


def _active_on(day: date) -> Q:
    return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day))


# --- people ----------------------------------------------------------------------------------------


def person_list(
    *,
    actor,
    today: date,
    q: str = "",
    lot: int | None = None,
    review_overdue: bool = False,
    change_waiting: bool = False,
    outcomes_due: bool = False,
) -> QuerySet[Person]:
    """People the actor may see, with what the list shows: next provider review due, changes waiting
    for a decision, and the day their Outcomes Tool monitoring falls due (KPI 6's rule)."""
    _require_read(actor)
    open_reviews = Review.objects.filter(
        package__person=OuterRef("pk"), kind=Review.Kind.PROVIDER, completed__isnull=True
    )
    waiting = PackageChange.objects.filter(
        package__person=OuterRef("pk"), decision=PackageChange.Decision.PENDING, submitted_for_approval__isnull=False
    )
    last_assessment = OutcomeAssessment.objects.filter(person=OuterRef("pk")).order_by("-date").values("date")[:1]
    latest_start = (
        Package.objects.filter(Q(person=OuterRef("pk")) & _active_on(today)).order_by("-start").values("start")[:1]
    )
    # A running package with no provider review open still has the date on its own record (a bundle
    # may give only that): the list shows it and counts it as overdue once passed.
    recorded_due = Package.objects.filter(
        Q(person=OuterRef("pk")) & _active_on(today), review_due__isnull=False
    ).exclude(Exists(Review.objects.filter(package=OuterRef("pk"), kind=Review.Kind.PROVIDER, completed__isnull=True)))
    qs = (
        scope_for(actor, Person.objects.all())
        .select_related("provider", "contract")
        .annotate(
            next_review=Least(
                Subquery(open_reviews.order_by("due").values("due")[:1]),
                Subquery(recorded_due.order_by("review_due").values("review_due")[:1]),
            ),
            changes_waiting=Subquery(
                waiting.order_by().values("package__person").annotate(n=Count("pk")).values("n")[:1]
            ),
            last_assessment=Subquery(last_assessment),
            latest_start=Subquery(latest_start),
            active=Exists(Package.objects.filter(Q(person=OuterRef("pk")) & _active_on(today))),
        )
        .annotate(
            outcomes_due_on=Greatest(
                ExpressionWrapper(
                    F("last_assessment") + timedelta(days=rules.OUTCOMES_VALID_DAYS), output_field=DateField()
                ),
                ExpressionWrapper(
                    F("latest_start") + timedelta(days=rules.OUTCOMES_GRACE_DAYS), output_field=DateField()
                ),
            )
        )
    )
    if q:
        qs = qs.filter(Q(ref__icontains=q) | Q(name__icontains=q))
    if lot:
        qs = qs.filter(lot=lot)
    if review_overdue:
        qs = qs.filter(next_review__lt=today)
    if change_waiting:
        qs = qs.filter(Exists(waiting))
    if outcomes_due:
        # Lot 1 people monitored by the Outcomes Tool (KPI 6), active, not opted out, due within 14 days.
        soon = today + timedelta(days=rules.REVIEW_SOON_DAYS)
        qs = qs.filter(lot=1, active=True, outcomes_opt_out=False).filter(
            Q(outcomes_due_on__lte=soon) | Q(outcomes_due_on__isnull=True)
        )
    return qs.order_by("ref", "provider__ref")


def person_get(*, actor, ref: str, provider: str | None = None) -> Person:
    """One person by ref. A commissioner may see two providers' people with the same ref: `provider`
    (its ref) then says which; without it the lookup is ambiguous (AmbiguousRef)."""
    _require_read(actor)
    if "\x00" in ref:  # from a URL path: PostgreSQL cannot compare it, and no ref holds one
        raise Http404
    qs = scope_for(actor, Person.objects.select_related("provider", "contract__neighbourhood")).filter(ref=ref)
    if provider:
        qs = qs.filter(provider__ref=provider)
    found = list(qs[:10])
    if not found:
        raise Http404
    if len(found) > 1:
        raise AmbiguousRef(found)
    return found[0]


class AmbiguousRef(Exception):
    def __init__(self, objects: list):
        self.objects = objects
        super().__init__(f"{len(objects)} providers have this ref")


def package_get(*, actor, ref: str, provider: str | None = None) -> Package:
    _require_read(actor)
    if "\x00" in ref:
        raise Http404
    qs = scope_for(actor, Package.objects.select_related("provider", "person__provider", "person__contract")).filter(
        ref=ref
    )
    if provider:
        qs = qs.filter(provider__ref=provider)
    found = list(qs[:10])
    if not found:
        raise Http404
    if len(found) > 1:
        raise AmbiguousRef(found)
    return found[0]


# --- changes ---------------------------------------------------------------------------------------


def change_list(*, actor) -> QuerySet[PackageChange]:
    _require_read(actor)
    return (
        scope_for(actor, PackageChange.objects.all())
        .select_related("package__person__provider", "provider", "logged_by", "decided_by", "submitted_by")
        .order_by("-effective", "-pk")
    )


def change_get(*, actor, pk: int) -> PackageChange:
    try:
        return change_list(actor=actor).get(pk=pk)
    except (PackageChange.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def approval_queue(*, actor) -> QuerySet[PackageChange]:
    """Changes waiting for a social worker's decision, oldest first: a commissioner's of the lots it
    commissions (tenancy sees to that), a provider's its own."""
    qs = change_list(actor=actor).filter(decision=PackageChange.Decision.PENDING, submitted_for_approval__isnull=False)
    return qs.prefetch_related("package__changes").order_by("submitted_for_approval", "pk")


# --- reviews ---------------------------------------------------------------------------------------


def reviews_due(*, actor, today: date, kind: str | None = Review.Kind.PROVIDER) -> QuerySet[Review]:
    """Open reviews due in the next 14 days or overdue, of packages still running, by person."""
    _require_read(actor)
    qs = (
        scope_for(actor, Review.objects.all())
        .filter(completed__isnull=True, due__lte=today + timedelta(days=rules.REVIEW_SOON_DAYS))
        .filter(Q(package__end__isnull=True) | Q(package__end__gte=today))
        .select_related("package__person__provider")
    )
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("package__person__ref", "package__person__provider__ref", "due", "pk")


def review_get(*, actor, pk: int) -> Review:
    _require_read(actor)
    try:
        return (
            scope_for(actor, Review.objects.all())
            .select_related("package__person__provider", "package__person__contract", "assessment")
            .get(pk=pk)
        )
    except (Review.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


# --- one person's record ---------------------------------------------------------------------------


@dataclass
class PackageView:
    package: Package
    changes: list[PackageChange]
    hours_now: Decimal
    steps: list[ledger.Step]
    next_review: Review | None
    reviews: list[Review]


def person_packages(*, person: Person, today: date) -> list[PackageView]:
    """The person's packages, newest first, each with its changes, hours today and its ledger."""
    packages = (
        Package.objects.filter(person=person)
        .select_related("person__provider")
        .prefetch_related(
            Prefetch(
                "changes",
                queryset=PackageChange.objects.select_related("logged_by", "decided_by", "submitted_by").order_by(
                    "effective", "pk"
                ),
            ),
            Prefetch(
                "reviews", queryset=Review.objects.select_related("completed_by", "assessment").order_by("due", "pk")
            ),
        )
        .order_by("-start", "-pk")
    )
    out = []
    for p in packages:
        changes = list(p.changes.all())
        reviews = list(p.reviews.all())
        open_reviews = [r for r in reviews if r.completed is None and r.kind == Review.Kind.PROVIDER]
        out.append(
            PackageView(
                package=p,
                changes=changes,
                hours_now=ledger.hours_on(p.planned_weekly_hours, changes, today),
                steps=ledger.steps(p.planned_weekly_hours, changes, p.start),
                next_review=open_reviews[0] if open_reviews else None,
                reviews=reviews,
            )
        )
    return out


def person_assessments(*, person: Person) -> list[OutcomeAssessment]:
    return list(person.outcome_assessments.select_related("recorded_by").order_by("date", "pk"))


def person_stays(*, person: Person) -> list[HospitalStay]:
    return list(person.hospital_stays.order_by("-admitted"))


AUDIT_LIMIT = 200


def person_audit(*, person: Person, packages: list[PackageView], assessments: list[OutcomeAssessment]) -> list[dict]:
    """Who changed what and when, for the person, their packages, changes, reviews and assessments,
    newest first (the last 200 events)."""
    from pghistory.models import Events

    groups: list[list] = [
        [person],
        [pv.package for pv in packages],
        [c for pv in packages for c in pv.changes],
        [r for pv in packages for r in pv.reviews],
        assessments,
    ]
    events = []
    for objs in groups:  # pghistory tracks one model per query
        if objs:
            events += Events.objects.tracks(objs).order_by("-pgh_created_at", "-pgh_id")[:AUDIT_LIMIT]
    events.sort(key=lambda e: (e.pgh_created_at, e.pgh_id), reverse=True)
    events = events[:AUDIT_LIMIT]
    user_ids = {(e.pgh_context or {}).get("user") for e in events} - {None}
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids)}
    rows = []
    for e in events:
        model = e.pgh_model.split(".")[-1].removesuffix("Event")
        ctx = e.pgh_context or {}
        who = names.get(ctx.get("user"))
        if who is None and ctx.get("token_name"):
            who = f"API token “{ctx['token_name']}”"
        if who is None:
            who = AUTOMATIC.get(ctx.get("command", ""), ctx.get("command") or "—")
        if e.pgh_label == "insert":
            data = e.pgh_data or {}
            changes = [
                (f.replace("_", " "), None, _shown(f, data.get(f)))
                for f in INSERT_FIELDS.get(model, ())
                if data.get(f) is not None
            ]
        else:
            changes = [
                (field.replace("_", " "), _shown(field, pair[0]), _shown(field, pair[1]))
                for field, pair in sorted((e.pgh_diff or {}).items())
                if field not in QUIET_FIELDS
            ]
        rows.append(
            {
                "when": e.pgh_created_at,
                "what": AUDIT_LABELS.get(model, model),
                "ref": (e.pgh_data or {}).get("ref", ""),
                "event": {"insert": "Created", "update": "Changed", "delete": "Deleted"}.get(e.pgh_label, e.pgh_label),
                "who": who,
                "changes": changes,
            }
        )
    return rows


def _shown(field: str, value):
    """An audit value as people write it: dates, hours, words for codes."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field in ("planned_weekly_hours", "new_weekly_hours"):
        return f"{Decimal(str(value)):.2f}"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            d = date.fromisoformat(value)
        except ValueError:
            return value
        return f"{d.day} {d:%b %Y}"
    words = {"reason": labels.REASONS, "consent_by": labels.CONSENT_BY, "by": labels.BY, "kind": labels.REVIEW_KINDS}
    return words.get(field, {}).get(value, value)


AUDIT_LABELS = {
    "Person": "Person",
    "Package": "Package",
    "PackageChange": "Hours change",
    "Review": "Review",
    "OutcomeAssessment": "Outcomes Tool",
}
AUTOMATIC = {"import_bundle": "Bundle import", "package_changes_submit_due": "homecare (automatic)"}
# What a new row is summed up by in the trail; the row's other columns are in its own record.
INSERT_FIELDS = {
    "Package": ("planned_weekly_hours", "start"),
    "PackageChange": ("new_weekly_hours", "effective", "by", "reason", "consent_by", "consent_date"),
    "Review": ("kind", "due"),
    "OutcomeAssessment": ("date", "wellbeing_independence", "home", "community"),
}
# Columns that say who or which row (shown in the "By" column or implied by the row).
QUIET_FIELDS = {
    "id", "provider", "package", "person", "logged_by", "logged_at", "submitted_by", "decided_by",
    "completed_by", "recorded_by", "assessment", "contract",
}  # fmt: skip


def waiting_days(change: PackageChange, today: date) -> tuple[int, int, bool]:
    """Days a submitted change has waited: calendar days, working days, and whether it is past the
    10 working days that flag it in the queue."""
    start = change.submitted_for_approval
    calendar = (today - start).days
    working = rules.working_days_between(start, today)
    return calendar, working, working > rules.QUEUE_FLAG_WORKING_DAYS

"""What the rota adds to the outcomes pages (outcomes/panels.py: outcomes may not import the rota):
on a person's page, each running package's care plan (its weekly hours beside the package's), the
last 8 weeks of visits planned against delivered, and continuity; the care plan's hours for the
page's prompts; and the visits delivered in the four weeks before a package change and the four
weeks from it, as evidence for the social worker's decision."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Sum
from django.urls import reverse

from homecare.lib.dates import local_midnight
from outcomes.evidence import window
from outcomes.panels import (
    EvidenceRow,
    PlanHours,
    register_change_evidence,
    register_package_hours,
    register_person_section,
)
from rota import selectors
from rota.models import Visit
from rota.permissions import can_edit_care_plans, can_read_care_plans

# Visits that were not the provider's to deliver (KPI 7 leaves them out too).
NOT_COUNTED = (Visit.Status.CANCELLED_BY_PERSON, Visit.Status.NOT_AT_HOME, Visit.Status.HOSPITAL)


def _delivered(person_id: int, provider_id: int, start: date, end: date) -> str:
    """Visits planned to start from `start` up to (not including) `end`: how many were delivered (each
    of their carers checked in and out) and the person-hours of care delivered (longest attendance)."""
    visits = Visit.objects.filter(
        provider_id=provider_id,
        person_id=person_id,
        planned_start__gte=local_midnight(start),
        planned_start__lt=local_midnight(end),
    ).exclude(status__in=NOT_COUNTED)
    planned = visits.count()
    done = visits.filter(totals__carers_done__gte=F("carers_required"))
    longest = done.aggregate(t=Sum("totals__longest"))["t"]
    hours = Decimal(longest.total_seconds() / 3600 if longest else 0).quantize(Decimal("0.01"))
    return f"{done.count()} of {planned} planned visits, {hours:.2f} hours of care"


def visits_evidence(actor, change, today: date) -> list[EvidenceRow]:
    first, day, last = window(change)
    person = change.package.person
    before = _delivered(person.pk, person.provider_id, first, day)
    if day > today:
        after = f"Not yet: the change takes effect on {day.day} {day:%B %Y}"
    else:
        end = min(last, today) + timedelta(days=1)
        days = (end - day).days
        after = _delivered(person.pk, person.provider_id, day, end)
        if days < 28:
            after += f" (the first {days} day{'s' if days != 1 else ''})"
    return [EvidenceRow("Visits delivered, 4 weeks", before, after)]


def _running(packages, today: date):
    return [p for p in packages if p.start <= today and (p.end is None or p.end >= today)]


def plan_hours(actor, packages, day: date) -> dict[int, PlanHours]:
    """Care plans' weekly person-hours of the packages that have one on `day`, with the editor's
    address for those who may change it."""
    if not can_read_care_plans(actor):
        return {}
    hours = selectors.packages_with_plans(actor=actor, package_ids=[p.pk for p in packages], on=day)
    edit = can_edit_care_plans(actor)
    return {
        pk: PlanHours(h, reverse("rota:care-plan", args=[pk]) if edit else None, selectors.HOURS_TOLERANCE)
        for pk, h in hours.items()
        if h > 0
    }


def care_plan_section(actor, person, packages, today: date) -> dict | None:
    if not can_read_care_plans(actor):
        return None
    plans = [selectors.care_plan(actor=actor, package=p, on=today) for p in _running(packages, today)]
    if not plans:
        return None
    return {"plans": plans, "can_edit": can_edit_care_plans(actor)}


def visits_section(actor, person, packages, today: date) -> dict | None:
    # The last 8 whole weeks: the week in progress would count visits still to come as not delivered.
    weeks = selectors.visits_planned_delivered(actor=actor, person=person, weeks=8, end=today - timedelta(days=7))
    return {"weeks": weeks, "any": any(w.planned or w.not_counted for w in weeks)}


def continuity_section(actor, person, packages, today: date) -> dict | None:
    return {"c": selectors.continuity(actor=actor, people=[person], on=today).get(person.pk)}


register_change_evidence(visits_evidence)
register_package_hours(plan_hours)
register_person_section("care-plan", "rota/_person_care_plan.html", care_plan_section, order=10)
register_person_section("visits", "rota/_person_visits.html", visits_section, order=20)
register_person_section("continuity", "rota/_person_continuity.html", continuity_section, order=30)

"""What the rota adds to the outcomes pages (outcomes/panels.py: outcomes may not import the rota):
the visits delivered in the four weeks before a package change and the four weeks from it, as
evidence for the social worker's decision."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Sum

from homecare.lib.dates import local_midnight
from outcomes.evidence import window
from outcomes.panels import EvidenceRow, register_change_evidence
from rota.models import Visit

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


register_change_evidence(visits_evidence)

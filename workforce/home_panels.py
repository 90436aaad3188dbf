"""Workforce's panel on the home page (commissioning/panels.py): the provider manager's staffing
today: who is absent, who left or leaves within four weeks, and who has had no training in a year.
Scoped through tenancy (commissioners never see worker-level rows), in a fixed number of queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Q

from commissioning.models import Role
from commissioning.panels import register_home_panel
from commissioning.tenancy import scope_for
from workforce.models import Absence, TrainingRecord, Worker

LEAVERS_DAYS = 28  # leavers shown: left in the last four weeks or leaving in the next four
TRAINING_DAYS = 365  # measure 19 counts training over a year: a care worker with none in a year is due
SHOWN = 8


def staffing(actor, today: date, now: datetime) -> dict | None:
    absences = list(
        scope_for(actor, Absence.objects.all())
        .filter(start__lte=today, end__gte=today)
        .select_related("worker")
        .order_by("kind", "worker__name", "worker__ref")
    )
    by_kind: dict[str, int] = {}
    for a in absences:
        label = a.get_kind_display()
        by_kind[label] = by_kind.get(label, 0) + 1
    leavers = list(
        scope_for(actor, Worker.objects.all())
        .filter(left__gte=today - timedelta(days=LEAVERS_DAYS), left__lte=today + timedelta(days=LEAVERS_DAYS))
        .order_by("left", "name", "ref")
    )
    trained = TrainingRecord.objects.filter(
        worker=OuterRef("pk"), date__gt=today - timedelta(days=TRAINING_DAYS), date__lte=today
    )
    due = list(
        scope_for(actor, Worker.objects.all())
        .filter(started__lte=today)
        .filter(Q(left__isnull=True) | Q(left__gte=today))
        .exclude(Exists(trained))
        .order_by("name", "ref")
    )
    return {
        "today": today,
        "absent": len(absences),
        "by_kind": sorted(by_kind.items()),
        "absences": absences[:SHOWN],
        "leavers": leavers[:SHOWN],
        "leavers_count": len(leavers),
        "leavers_days": LEAVERS_DAYS,
        "training_due": due[:SHOWN],
        "training_due_count": len(due),
    }


register_home_panel(
    "staffing",
    roles={Role.PROVIDER_MANAGER},
    template="workforce/home/staffing.html",
    context_fn=staffing,
    order=30,
)

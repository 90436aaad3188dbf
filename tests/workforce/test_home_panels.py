"""Workforce's home panel, figures worked out by hand: the provider manager's staffing today (absent,
leavers within four weeks either side, no training in 12 months); another provider's never appear.
Today is Tuesday 8 December 2026."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.reporting.return_builders import d, t
from workforce.home_panels import staffing
from workforce.models import Absence, TrainingRecord, Worker

pytestmark = pytest.mark.django_db
TODAY = d("2026-12-08")


def _worker(provider, ref, name, left=None):
    return Worker.objects.create(
        provider=provider,
        ref=ref,
        name=name,
        started=date(2024, 1, 1),
        left=d(left) if left else None,
        leaving_reason="Retired" if left else None,
        contract_type="zero_hours",
        pay_rate=Decimal("13.45"),
    )


def test_staffing_today(manager, provider, other_provider):
    ann = _worker(provider, "W-A", "Ann")
    bea = _worker(provider, "W-B", "Bea")
    cal = _worker(provider, "W-C", "Cal")
    _worker(provider, "W-D", "Dan", left="2026-11-20")  # left 18 days ago
    _worker(provider, "W-E", "Eve", left="2026-12-31")  # leaves in 23 days
    _worker(provider, "W-F", "Fay", left="2026-10-01")  # left 68 days ago: not listed
    far = _worker(other_provider, "W-Z", "Zed")
    Absence.objects.create(
        ref="AB1", provider=provider, worker=ann, start=d("2026-12-07"), end=d("2026-12-09"), kind="sickness"
    )
    Absence.objects.create(
        ref="AB2", provider=provider, worker=bea, start=d("2026-12-08"), end=d("2026-12-18"), kind="holiday"
    )
    Absence.objects.create(
        ref="AB3", provider=provider, worker=cal, start=d("2026-12-01"), end=d("2026-12-07"), kind="sickness"
    )
    Absence.objects.create(
        ref="AB4", provider=other_provider, worker=far, start=d("2026-12-08"), end=d("2026-12-08"), kind="other"
    )
    TrainingRecord.objects.create(
        ref="TR1", provider=provider, worker=ann, course="Moving and handling", date=d("2026-06-01"), hours=Decimal("6")
    )
    TrainingRecord.objects.create(
        ref="TR2", provider=provider, worker=bea, course="First aid", date=d("2025-11-30"), hours=Decimal("6")
    )
    ctx = staffing(manager, TODAY, t("2026-12-08 12:00"))
    # Absent today: Ann (sickness to the 9th) and Bea (holiday from today); Cal's ended yesterday.
    assert ctx["absent"] == 2 and ctx["by_kind"] == [("Holiday", 1), ("Sickness", 1)]
    assert [a.worker.name for a in ctx["absences"]] == ["Bea", "Ann"]  # by kind: holiday, then sickness
    assert [w.name for w in ctx["leavers"]] == ["Dan", "Eve"] and ctx["leavers_count"] == 2
    # Still employed today: Ann (trained in June), Bea (last training 30 November 2025: over a year),
    # Cal and Eve (none): three are due.
    assert [w.name for w in ctx["training_due"]] == ["Bea", "Cal", "Eve"] and ctx["training_due_count"] == 3

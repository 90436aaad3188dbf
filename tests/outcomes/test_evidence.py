"""A change's evidence: the hours before and after, the visits delivered in the four weeks before
and from it (the rota registers those), and the Outcomes Tool scores before and since. Ann's change
takes effect on Monday 8 September 2025; today is Saturday 20 September (13 days of it so far)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from outcomes import evidence
from outcomes.models import OutcomeAssessment, PackageChange
from tests.reporting.return_builders import Scenario

pytestmark = pytest.mark.django_db
TODAY = date(2025, 9, 20)


def test_the_evidence_counts_visits_delivered_before_and_since_the_change(ann, pk1, limits):
    s = Scenario(limits)
    w = s.worker()
    # The 4 weeks before: 11 Aug to 7 Sep. Two delivered (30 and 45 minutes), one missed, one the
    # person cancelled (not the provider's to deliver), and one on 10 Aug (outside the window).
    s.visit(ann, "2025-08-11 09:00", attend=[(w, "2025-08-11 09:00", "2025-08-11 09:30")])
    s.visit(ann, "2025-09-07 09:00", attend=[(w, "2025-09-07 09:00", "2025-09-07 09:45")])
    s.visit(ann, "2025-08-20 09:00", status="missed")
    s.visit(ann, "2025-08-21 09:00", status="cancelled_by_person")
    s.visit(ann, "2025-08-10 09:00", attend=[(w, "2025-08-10 09:00", "2025-08-10 10:00")])
    # Since: one delivered (an hour), one two-carer visit with one carer (not delivered), and one
    # planned after today.
    s.visit(ann, "2025-09-08 09:00", attend=[(w, "2025-09-08 09:00", "2025-09-08 10:00")])
    s.visit(ann, "2025-09-15 09:00", carers=2, attend=[(w, "2025-09-15 09:00", "2025-09-15 09:30")])
    s.visit(ann, "2025-09-22 09:00", status="scheduled")
    OutcomeAssessment.objects.create(
        provider=ann.provider,
        ref="A1",
        person=ann,
        date=date(2025, 6, 2),
        wellbeing_independence=2,
        home=3,
        community=2,
    )
    change = PackageChange.objects.create(
        provider=ann.provider, ref="CH1", package=pk1, effective=date(2025, 9, 8), new_weekly_hours=D("10"),
        by="provider", reason="enablement", consent_by="person",
    )  # fmt: skip
    rows = [(r.label, r.before, r.after) for r in evidence.for_change(actor=None, change=change, today=TODAY)]
    assert rows == [
        ("Planned weekly hours", "12.00", "10.00 from 8 September 2025"),
        (
            "Visits delivered, 4 weeks",
            "2 of 3 planned visits, 1.25 hours of care",
            "1 of 2 planned visits, 1.00 hours of care (the first 13 days)",
        ),
        ("Outcomes Tool: well-being / home / community", "2 / 3 / 2 (total 7 of 15), 2 June 2025", "None recorded"),
    ]


def test_a_change_not_yet_in_effect_has_no_visits_since(ann, pk1, limits):
    change = PackageChange.objects.create(
        provider=ann.provider, ref="CH1", package=pk1, effective=date(2025, 9, 29), new_weekly_hours=D("16"),
        by="provider", reason="increase_need", consent_by="family", prior_approval=True,
        requested_effective=date(2025, 9, 29), submitted_for_approval=TODAY,
    )  # fmt: skip
    rows = {r.label: (r.before, r.after) for r in evidence.for_change(actor=None, change=change, today=TODAY)}
    assert rows["Planned weekly hours"] == ("12.00", "16.00 asked for, from 29 September 2025 (not applied)")
    assert rows["Visits delivered, 4 weeks"] == (
        "0 of 0 planned visits, 0.00 hours of care",
        "Not yet: the change takes effect on 29 September 2025",
    )

"""KPIs 1-4 and measure 9 come from the workflow with no other step: what brokering, accepting,
declining, passing on and the first check-in record is what the weekly return counts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from commissioning.models import Contract, Role
from homecare.lib.dates import LONDON
from outcomes.referrals import services
from tests.conftest import make_user
from tests.reporting.return_builders import Scenario

pytestmark = pytest.mark.django_db


def at(monkeypatch, *args) -> datetime:
    when = datetime(*args, tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: when)
    return when


def test_a_priority_referral_started_within_48_hours_counts_in_kpis_1_and_4_and_measure_9(
    monkeypatch, council, contract, other_contract, coordinator
):
    Contract.objects.filter(pk=other_contract.pk).update(model="partnership")
    sw = make_user(council, Role.SOCIAL_WORKER)
    received = at(monkeypatch, 2026, 11, 16, 9, 0)  # Monday of 2026-W47
    r = services.referral_broker(
        actor=sw,
        neighbourhood=contract.neighbourhood,
        lot=1,
        person_ref="SC-7",
        priority=True,
        planned_weekly_hours=Decimal("10.5"),
    )
    at(monkeypatch, 2026, 11, 16, 12, 0)
    r = services.referral_accept(actor=coordinator, referral_id=r.pk, start=date(2026, 11, 17))
    monkeypatch.undo()
    s = Scenario(contract)
    w = s.worker()
    # The first visit: Tuesday 08:00, checked in 08:02 (23 h 2 min after the referral) and out 08:40.
    s.visit(r.person, "2026-11-17 08:00", 40, attend=[(w, "2026-11-17 08:02", "2026-11-17 08:40")])
    figures = s.figures("2026-W47")
    assert figures["kpis"]["4"]["numerator"] == 1 and figures["kpis"]["4"]["denominator"] == 1
    assert figures["kpis"]["4"]["met"] is True
    assert figures["kpis"]["1"]["numerator"] == 1 and figures["kpis"]["1"]["denominator"] == 1
    # KPI 2 and 3 leave priority referrals out.
    assert figures["kpis"]["2"]["denominator"] == 0 and figures["kpis"]["3"]["denominator"] == 0
    # 23 h 2 min = 0.959 days -> "1.0"
    assert figures["measures"]["9"]["cases"] == [{"referral": r.ref, "days": "1.0"}]
    assert received < r.start_agreed


def test_a_declined_referral_counts_against_its_provider_and_the_passed_on_one_for_the_next(
    monkeypatch, council, contract, other_contract, coordinator, other_provider
):
    Contract.objects.filter(pk=other_contract.pk).update(model="partnership")
    sw = make_user(council, Role.SOCIAL_WORKER)
    at(monkeypatch, 2026, 11, 17, 10, 0)  # Tuesday of 2026-W47
    first = services.referral_broker(
        actor=sw, neighbourhood=contract.neighbourhood, lot=1, person_ref="SC-8", planned_weekly_hours=Decimal("5")
    )
    at(monkeypatch, 2026, 11, 17, 15, 0)
    services.referral_decline(actor=coordinator, referral_id=first.pk, reason="Round full")
    at(monkeypatch, 2026, 11, 17, 15, 30)
    second = services.referral_pass_on(actor=sw, referral_id=first.pk)
    at(monkeypatch, 2026, 11, 19, 9, 0)  # Thursday: after the deadline (end of Wednesday)
    services.referral_accept(
        actor=make_user(other_provider, Role.COORDINATOR), referral_id=second.pk, start=date(2026, 11, 23)
    )
    monkeypatch.undo()
    p1 = Scenario(contract).figures("2026-W47")
    # P1: one referral decided in the week, declined: KPI 1 is 0 of 1. It is no longer counted in KPI 2.
    assert (p1["kpis"]["1"]["numerator"], p1["kpis"]["1"]["denominator"]) == (0, 1)
    assert p1["kpis"]["1"]["met"] is False
    assert p1["kpis"]["2"]["denominator"] == 0
    p2 = Scenario(Contract.objects.get(pk=other_contract.pk)).figures("2026-W47")
    # P2: received Tuesday 15:30, deadline the end of Wednesday (in W47), agreed Thursday: late.
    assert (p2["kpis"]["1"]["numerator"], p2["kpis"]["1"]["denominator"]) == (1, 1)
    assert (p2["kpis"]["2"]["numerator"], p2["kpis"]["2"]["denominator"]) == (0, 1)

"""Block pay for a hand-built week (Monday 4 to Sunday 10 August 2025); figures worked out by hand.

Homes: X at (53.80, -1.55) and Y 0.01 degrees of latitude north of it. Haversine distance
6371 km x radians(0.01) = 1.11195 km; x 1.3 = 1.44553 km. Walking at 5 km/h: 17.35 min -> 17;
by car at 30 km/h: 2.89 min -> 3."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting.money.pay import pay_period_containing, pay_run, shift_rows
from tests.conftest import PASSWORD
from tests.reporting.money_factories import make_person, make_shift, make_visit, make_worker

MON, SUN = date(2025, 8, 4), date(2025, 8, 10)


@pytest.fixture
def week(contract):
    provider = contract.provider
    x = make_person(contract, ref="X", lat=53.80, lon=-1.55)
    y = make_person(contract, ref="Y", lat=53.81, lon=-1.55)
    a = make_worker(provider, ref="A", pay_rate="12.00", contract_type="guaranteed_hours", weekly=Decimal("20"))
    b = make_worker(provider, ref="B", pay_rate="13.00", mode="car")
    make_worker(provider, ref="C", pay_rate="11.00", contract_type="guaranteed_hours", weekly=Decimal("10"))
    make_worker(provider, ref="D", contract_type="guaranteed_hours", weekly=Decimal("10"), left=date(2025, 7, 1))
    # A: a care shift of 6.5 paid hours with three visits X -> Y -> X, and a 3-hour training shift.
    make_shift(a, "2025-08-04T07:00", "2025-08-04T14:00", brk=30, ref="S-A1")
    make_visit(x, "2025-08-04T07:30", minutes=60, attend=[(a, "07:30", "08:30")])
    make_visit(y, "2025-08-04T09:00", minutes=30, attend=[(a, "09:00", "09:30")])
    make_visit(x, "2025-08-04T11:00", minutes=45, attend=[(a, "11:00", "11:45")])
    make_shift(a, "2025-08-06T09:00", "2025-08-06T12:00", kind="training", ref="S-A2")
    # B: a 4-hour care shift by car, X -> Y, and a visit after the shift (belongs to no shift).
    make_shift(b, "2025-08-05T08:00", "2025-08-05T12:00", ref="S-B1")
    make_visit(x, "2025-08-05T08:30", minutes=30, attend=[(b, "08:30", "09:00")])
    make_visit(y, "2025-08-05T09:30", minutes=30, attend=[(b, "09:30", "10:00")])
    make_visit(y, "2025-08-05T13:00", minutes=30, attend=[(b, "13:00", "13:30")])
    make_shift(b, "2025-08-11T08:00", "2025-08-11T12:00", ref="S-B2")  # next week
    return provider


def test_per_shift_paid_contact_travel_training_and_gap(week):
    rows = {r["shift"]: r for r in shift_rows(provider_id=week.pk, first_day=MON, last_day=SUN)}
    assert set(rows) == {"S-A1", "S-A2", "S-B1"}
    a1 = rows["S-A1"]
    # 420 - 30 = 390 paid; contact 60 + 30 + 45 = 135; travel 17 + 17 = 34; gap 390 - 135 - 34 = 221
    assert (a1["paid_min"], a1["contact_min"], a1["travel_min"], a1["gap_min"]) == (390, 135, 34, 221)
    a2 = rows["S-A2"]
    assert (a2["paid_min"], a2["training_min"], a2["contact_min"], a2["gap_min"]) == (180, 180, 0, 0)
    b1 = rows["S-B1"]
    assert (b1["paid_min"], b1["contact_min"], b1["travel_min"], b1["gap_min"]) == (240, 60, 3, 177)


def test_pay_run_totals_with_a_guaranteed_hours_top_up(week):
    run = pay_run(provider_id=week.pk, first_day=MON, last_day=SUN)
    by_ref = {w.ref: w for w in run.workers}
    assert list(by_ref) == ["A", "B", "C"]  # D left before the week
    a, b, c = by_ref["A"], by_ref["B"], by_ref["C"]
    # A: paid 570 min = 9.5 h; guaranteed 20 h -> top-up 10.5 h; gross 20 h x 12.00 = 240.00
    assert (a.paid_min, a.top_up_min, a.gross_pay) == (570, 630, Decimal("240.00"))
    assert a.efficiency == Decimal("0.237")  # 135 / 570
    # B (zero hours): 4 h x 13.00 = 52.00, no top-up; 1.4 km by car
    assert (b.paid_min, b.top_up_min, b.gross_pay) == (240, 0, Decimal("52.00"))
    assert b.car_km.quantize(Decimal("0.1")) == Decimal("1.4")
    assert a.car_km == 0  # walks
    # C: no shift at all, guaranteed 10 h: 10 h x 11.00 = 110.00
    assert (c.paid_min, c.top_up_min, c.gross_pay) == (0, 600, Decimal("110.00"))
    assert run.gross_pay == Decimal("402.00")
    assert run.efficiency == Decimal("0.241")  # 195 / 810


def test_pay_run_csv_for_payroll(week):
    from reporting.money.pay import pay_run_csv

    rows = list(csv.DictReader(io.StringIO(pay_run_csv(pay_run(provider_id=week.pk, first_day=MON, last_day=SUN)))))
    a = rows[0]
    assert (a["worker_ref"], a["paid_hours"], a["contact_hours"], a["travel_hours"], a["training_hours"]) == (
        "A",
        "9.50",
        "2.25",
        "0.57",
        "3.00",
    )
    assert (a["gap_hours"], a["guaranteed_top_up_hours"], a["gross_pay"]) == ("3.68", "10.50", "240.00")
    assert (rows[1]["worker_ref"], rows[1]["mileage_km"], rows[1]["gross_pay"]) == ("B", "1.4", "52.00")


def test_the_number_of_queries_does_not_grow_with_shifts(week, contract):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            pay_run(provider_id=week.pk, first_day=MON, last_day=SUN)
        return len(ctx.captured_queries)

    few = count()
    w = make_worker(week, ref="E")
    for day in range(4, 11):
        make_shift(w, f"2025-08-{day:02d}T07:00", f"2025-08-{day:02d}T10:00")
    assert count() == few


def test_pay_periods_are_four_weeks_aligned_with_settlement(week):
    assert pay_period_containing(week.pk, date(2025, 8, 20)) == (date(2025, 8, 4), date(2025, 8, 31))


def test_the_pay_page_and_csv_are_for_the_providers_managers_only(week, manager, other_provider_user, officer):
    client = Client()
    client.login(email=manager.email, password=PASSWORD)
    page = client.get(reverse("reporting:pay_run"), {"period_start": "2025-08-04", "period_end": "2025-08-10"})
    assert page.status_code == 200 and "240.00" in page.content.decode()
    export = client.get(reverse("reporting:pay_run_csv"), {"period_start": "2025-08-04", "period_end": "2025-08-10"})
    assert export["Content-Type"].startswith("text/csv") and b"240.00" in export.content
    shifts = client.get(reverse("reporting:pay_shifts_csv"), {"period_start": "2025-08-04", "period_end": "2025-08-10"})
    rows = list(csv.DictReader(io.StringIO(shifts.content.decode())))
    assert [(r["shift"], r["worker"], r["paid"], r["contact"], r["travel"], r["gap"]) for r in rows][0] == (
        "S-A1",
        "A",
        "6.50",
        "2.25",
        "0.57",
        "3.68",
    )
    other = Client()
    other.login(email=other_provider_user.email, password=PASSWORD)
    body = other.get(reverse("reporting:pay_run"), {"period_start": "2025-08-04"}).content.decode()
    assert "240.00" not in body  # P2 sees its own (empty) pay run, never P1's
    commissioner = Client()
    commissioner.login(email=officer.email, password=PASSWORD)
    assert commissioner.get(reverse("reporting:pay_run")).status_code == 403


def test_the_pay_run_command_prints_the_csv(week):
    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "pay_run", "--provider", "P1", "--period-start", "2025-08-04", "--period-end", "2025-08-10", stdout=out
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["worker_ref"], r["gross_pay"]) for r in rows] == [("A", "240.00"), ("B", "52.00"), ("C", "110.00")]


def test_travel_matches_the_monitoring_return_of_the_worked_example(db):
    """Measure 14 of P1's 2025-W35 return (window 4-31 August) gives 148.62 travel hours and
    8.4 minutes per care hour; the pay run over the same four weeks must agree."""

    from commissioning.models import Organisation
    from interchange.importer import import_bundle
    from tests.examples import EXAMPLE_BUNDLE

    import_bundle(EXAMPLE_BUNDLE)
    run = pay_run(provider_id=Organisation.objects.get(ref="P1").pk, first_day=MON, last_day=date(2025, 8, 31))
    travel, contact = run.total("travel_min"), run.total("contact_min")
    assert (travel / 60).quantize(Decimal("0.01")) == Decimal("148.62")
    assert (travel / (contact / 60)).quantize(Decimal("0.1")) == Decimal("8.4")

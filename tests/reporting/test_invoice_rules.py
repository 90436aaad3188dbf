"""Every invoice rule of the spec on a hand-built lot; expected pounds worked out by hand.

The contract fixture starts on Monday 7 July 2025 and settles four-weekly, so 4 August 2025 starts
a period (to 31 August; Monday 25 August is the summer bank holiday). Lot 1's rate is 26.22."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissioning.models import Contract, Lot, LotRate
from homecare.api_errors import DomainError
from outcomes.models import Credit, HospitalStay
from reporting.money.invoice_compute import compute_invoice
from tests.reporting.money_factories import at, make_person, make_visit, make_worker

P = date(2025, 8, 4)


def terms(contract, number=1, **kw) -> Lot:
    lot = contract.lots.get(number=number)
    for k, v in kw.items():
        setattr(lot, k, v)
    lot.save()
    return lot


def invoice(lot, period=P):
    data, _details = compute_invoice(lot_id=lot.pk, period_start=period)
    return data


def lines(data, kind=None):
    return [
        {k: line[k] for k in ("kind", "hours", "rate", "amount") if k in line}
        for line in data["lines"]
        if kind is None or line["kind"] == kind
    ]


@pytest.fixture
def w(provider):
    return make_worker(provider)


@pytest.fixture
def w2(provider):
    return make_worker(provider)


def test_planned_basis_bills_planned_minutes_rounded_and_prices_half_pennies_up(contract, w):
    lot = terms(contract, billing_basis="planned", rounding_minutes=15)
    q = make_person(contract)
    make_visit(q, "2025-08-05T09:00", minutes=60, attend=[(w, "09:10", "09:50")])  # 40 actual: still 60
    # 50 planned rounds to 45 (3.33 increments -> 3); 0.75 h x 26.22 = 19.665 -> 19.67
    make_visit(q, "2025-08-06T09:00", minutes=50, attend=[(w, "09:00", "10:30")])
    data = invoice(lot)
    # 105 minutes: 1.75 h x 26.22 = 45.885 -> 45.89 (one line: the amount is priced on the line's minutes)
    assert lines(data) == [{"kind": "care", "hours": "1.75", "rate": "26.22", "amount": "45.89"}]
    assert data["total"] == "45.89"
    assert data["exceptions"] == []


def test_actual_basis_rounds_to_the_nearest_increment_with_halves_up(contract, w):
    lot = terms(contract, billing_basis="actual", rounding_minutes=5)
    q = make_person(contract)
    make_visit(q, "2025-08-05T09:00", minutes=30, attend=[(w, "09:00", "09:52")])  # 52 -> 50
    make_visit(q, "2025-08-06T09:00", minutes=30, attend=[(w, "09:00:00", "09:52:30")])  # 52.5 -> 55
    make_visit(q, "2025-08-07T09:00", minutes=30, attend=[(w, "09:00", "09:57")])  # 57 -> 55
    # 160 minutes = 2.6667 h; 160 x 26.22 / 60 = 69.92
    assert lines(invoice(lot)) == [{"kind": "care", "hours": "2.67", "rate": "26.22", "amount": "69.92"}]


def test_actual_capped_bills_the_lesser_of_actual_and_planned(contract, w):
    lot = terms(contract, billing_basis="actual_capped", rounding_minutes=1)
    q = make_person(contract)
    make_visit(q, "2025-08-05T09:00", minutes=30, attend=[(w, "09:00", "09:40")])  # capped at 30
    make_visit(q, "2025-08-06T09:00", minutes=30, attend=[(w, "09:00", "09:20")])  # 20
    # 50 min x 26.22 / 60 = 21.85
    assert lines(invoice(lot)) == [{"kind": "care", "hours": "0.83", "rate": "26.22", "amount": "21.85"}]


def test_tolerance_bills_planned_when_actual_reaches_the_share(contract, w):
    lot = terms(contract, billing_basis="actual_capped", rounding_minutes=1, tolerance_share=Decimal("0.90"))
    q = make_person(contract)
    make_visit(q, "2025-08-05T09:00", minutes=60, attend=[(w, "09:00", "09:54")])  # 54 >= 0.9 x 60: 60
    make_visit(q, "2025-08-06T09:00", minutes=60, attend=[(w, "09:00", "09:53")])  # 53
    # 113 min: 1.8833 h; 113 x 26.22 / 60 = 49.381 -> 49.38
    assert lines(invoice(lot)) == [{"kind": "care", "hours": "1.88", "rate": "26.22", "amount": "49.38"}]


def test_tolerance_does_not_apply_to_the_planned_basis(contract, w):
    lot = terms(contract, billing_basis="planned", rounding_minutes=1, tolerance_share=Decimal("0.90"))
    make_visit(make_person(contract), "2025-08-05T09:00", minutes=60, attend=[(w, "09:00", "09:10")])
    assert lines(invoice(lot)) == [{"kind": "care", "hours": "1.00", "rate": "26.22", "amount": "26.22"}]


def test_visits_planned_under_the_threshold_go_on_the_short_visit_line(contract, w):
    lot = terms(
        contract, billing_basis="planned", rounding_minutes=1, short_visit_minutes=30, short_visit_rate=Decimal("29.50")
    )
    q = make_person(contract)
    make_visit(q, "2025-08-05T09:00", minutes=15, attend=[(w, "09:00", "09:15")])  # short
    make_visit(q, "2025-08-05T12:00", minutes=30, attend=[(w, "12:00", "12:30")])  # not shorter than 30: care
    assert lines(invoice(lot)) == [
        {"kind": "care", "hours": "0.50", "rate": "26.22", "amount": "13.11"},
        # 0.25 h x 29.50 = 7.375 -> 7.38
        {"kind": "short_visit", "hours": "0.25", "rate": "29.50", "amount": "7.38"},
    ]


def test_a_rate_change_inside_the_period_gives_two_care_lines_by_the_london_date(contract, w):
    lot = terms(contract, billing_basis="planned", rounding_minutes=1)
    LotRate.objects.create(provider=contract.provider, lot=lot, effective_from=date(2025, 8, 18), hourly_rate="27.00")
    q = make_person(contract)
    make_visit(q, "2025-08-17T22:30", minutes=60, attend=[(w, "22:30", "23:30")])  # Sunday: 26.22
    # 00:30 London on the 18th is still the 17th in UTC: the London date decides, so 27.00.
    make_visit(q, "2025-08-18T00:30", minutes=60, attend=[(w, "00:30", "01:30")])
    make_visit(q, "2025-08-19T09:00", minutes=30, attend=[(w, "09:00", "09:30")])
    assert lines(invoice(lot)) == [
        {"kind": "care", "hours": "1.00", "rate": "26.22", "amount": "26.22"},
        {"kind": "care", "hours": "1.50", "rate": "27.00", "amount": "40.50"},
    ]


def test_bank_holiday_attendances_get_an_uplift_line_per_rate(contract, w):
    lot = terms(
        contract,
        billing_basis="planned",
        rounding_minutes=1,
        short_visit_minutes=30,
        short_visit_rate=Decimal("29.50"),
        bank_holiday_multiplier=Decimal("1.5"),
    )
    q = make_person(contract)
    make_visit(q, "2025-08-25T09:00", minutes=60, attend=[(w, "09:00", "10:00")])
    make_visit(q, "2025-08-25T12:00", minutes=15, attend=[(w, "12:00", "12:15")])
    make_visit(q, "2025-08-26T09:00", minutes=60, attend=[(w, "09:00", "10:00")])  # not a bank holiday
    assert lines(invoice(lot)) == [
        {"kind": "care", "hours": "2.00", "rate": "26.22", "amount": "52.44"},
        {"kind": "short_visit", "hours": "0.25", "rate": "29.50", "amount": "7.38"},
        # extras: 26.22 x 0.5 = 13.11 per hour; 29.50 x 0.5 = 14.75 x 0.25 h = 3.6875 -> 3.69
        {"kind": "bank_holiday_uplift", "hours": "1.00", "rate": "13.1100", "amount": "13.11"},
        {"kind": "bank_holiday_uplift", "hours": "0.25", "rate": "14.7500", "amount": "3.69"},
    ]


def test_an_uplift_rate_is_written_to_4_places_but_priced_unrounded(contract, w):
    lot = terms(contract, billing_basis="planned", rounding_minutes=1, bank_holiday_multiplier=Decimal("1.333"))
    make_visit(make_person(contract), "2025-08-25T09:00", minutes=600, attend=[(w, "09:00", "19:00")])
    uplift = lines(invoice(lot), "bank_holiday_uplift")
    # 26.22 x 0.333 = 8.73126 -> shown 8.7313; 10 h x 8.73126 = 87.3126 -> 87.31 (87.313 if rounded first)
    assert uplift == [{"kind": "bank_holiday_uplift", "hours": "10.00", "rate": "8.7313", "amount": "87.31"}]


def test_two_carer_visits_bill_each_attendance_and_one_carer_is_short_staffed(contract, w, w2):
    lot = terms(contract, billing_basis="planned", rounding_minutes=1)
    q = make_person(contract)
    make_visit(q, "2025-08-05T09:00", minutes=30, carers=2, attend=[(w, "09:00", "09:30"), (w2, "09:00", "09:30")])
    make_visit(q, "2025-08-06T09:00", minutes=30, carers=2, attend=[(w, "09:00", "09:30")], ref="V-ONE")
    data = invoice(lot)
    # three attendances of 30 minutes: 1.5 h x 26.22 = 39.33
    assert lines(data) == [{"kind": "care", "hours": "1.50", "rate": "26.22", "amount": "39.33"}]
    assert data["exceptions"] == [{"visit": "V-ONE", "reason": "short_staffed"}]


def test_missed_visits_bill_nothing_and_are_listed_while_called_off_visits_are_not(contract, w):
    lot = terms(contract, billing_basis="planned", rounding_minutes=1)
    q = make_person(contract)
    make_visit(q, "2025-08-05T09:00", status="missed", attend=[(w, "09:00", "10:00")], ref="V-MISSED")
    make_visit(q, "2025-08-06T09:00", status="completed", ref="V-NOBODY")
    make_visit(q, "2025-08-07T09:00", status="completed", attend=[(w, "09:00", None)], ref="V-NO-OUT")
    make_visit(q, "2025-08-08T09:00", status="cancelled_by_provider", ref="V-PROV")
    make_visit(q, "2025-08-09T09:00", status="not_at_home", attend=[(w, "09:00", "09:05")], ref="V-NAH")
    data = invoice(lot)
    assert data["lines"] == [] and data["total"] == "0.00"
    assert data["exceptions"] == [
        {"visit": "V-MISSED", "reason": "missed"},
        {"visit": "V-NO-OUT", "reason": "missed"},
        {"visit": "V-NOBODY", "reason": "missed"},
    ]


def test_hospital_retainer_bills_the_first_n_days_of_a_stay(contract):
    lot = terms(
        contract,
        billing_basis="planned",
        rounding_minutes=1,
        hospital_retainer_share=Decimal("0.50"),
        hospital_retainer_days=7,
    )
    q = make_person(contract)
    HospitalStay.objects.create(provider=contract.provider, ref="HS1", person=q, admitted=at("2025-08-10T20:00"))
    make_visit(q, "2025-08-10T09:00", minutes=60, status="hospital")  # day 1 (the admission date)
    make_visit(q, "2025-08-16T09:00", minutes=60, status="hospital")  # day 7
    make_visit(q, "2025-08-12T09:00", minutes=30, carers=2, status="hospital")  # two carers: 60 person-minutes
    make_visit(q, "2025-08-17T09:00", minutes=60, status="hospital")  # day 8: nothing
    # (60 + 60 + 30 x 2) x 0.5 = 90 minutes = 1.5 h x 26.22 = 39.33
    assert lines(invoice(lot)) == [{"kind": "hospital_retainer", "hours": "1.50", "rate": "26.22", "amount": "39.33"}]


def test_late_cancellations_bill_and_early_ones_do_not(contract):
    lot = terms(
        contract,
        billing_basis="planned",
        rounding_minutes=1,
        late_cancel_hours=Decimal("24"),
        late_cancel_share=Decimal("0.50"),
    )
    q = make_person(contract)
    make_visit(q, "2025-08-06T09:00", status="cancelled_by_person", cancelled_at="2025-08-05T10:00")  # 23 h: late
    make_visit(q, "2025-08-07T09:00", status="cancelled_by_person", cancelled_at="2025-08-06T08:00")  # 25 h: early
    make_visit(q, "2025-08-08T09:00", status="cancelled_by_person", cancelled_at="2025-08-07T09:00")  # exactly 24 h
    make_visit(q, "2025-08-09T09:00", carers=2, status="cancelled_by_person", cancelled_at="2025-08-09T08:00")
    # (60 + 60 x 2) x 0.5 = 90 minutes: 1.5 h x 26.22 = 39.33
    data = invoice(lot)
    assert lines(data) == [{"kind": "late_cancellation", "hours": "1.50", "rate": "26.22", "amount": "39.33"}]
    assert data["exceptions"] == []


def test_guarantee_top_up_fills_the_exact_shortfall_at_the_rate_on_the_last_day(contract, w):
    lot = terms(
        contract,
        billing_basis="planned",
        rounding_minutes=1,
        expected_weekly_hours=Decimal("10"),
        guaranteed_share=Decimal("0.80"),
    )
    LotRate.objects.create(provider=contract.provider, lot=lot, effective_from=date(2025, 8, 18), hourly_rate="27.00")
    make_visit(make_person(contract), "2025-08-05T09:00", minutes=20, attend=[(w, "09:00", "09:20")])
    data = invoice(lot)
    # guaranteed: 10 h x 4 weeks x 0.8 = 32 h; delivered 20 min; shortfall 1900 min = 31.6667 h at 27.00:
    # 1900 x 27 / 60 = 855.00 (20 min x 26.22 / 60 = 8.74)
    assert lines(data) == [
        {"kind": "care", "hours": "0.33", "rate": "26.22", "amount": "8.74"},
        {"kind": "guarantee_top_up", "hours": "31.67", "rate": "27.00", "amount": "855.00"},
    ]
    assert data["total"] == "863.74"


def test_no_top_up_when_the_guarantee_is_met(contract, w):
    lot = terms(contract, billing_basis="planned", expected_weekly_hours=Decimal("0.25"), guaranteed_share=Decimal("1"))
    make_visit(make_person(contract), "2025-08-05T09:00", minutes=60, attend=[(w, "09:00", "10:00")])
    assert [line["kind"] for line in invoice(lot)["lines"]] == ["care"]


def test_credits_in_the_period_for_the_lot_are_negative_lines(contract, w):
    lot = terms(contract, billing_basis="planned")
    make_visit(make_person(contract), "2025-08-05T09:00", minutes=60, attend=[(w, "09:00", "10:00")])
    for ref, day, lot_number in (("CR1", "2025-08-10", 1), ("CR2", "2025-08-31", 1), ("CR3", "2025-09-01", 1)):
        Credit.objects.create(
            provider=contract.provider, ref=ref, contract=contract, lot=lot_number, date=day, amount="10.00", reason="x"
        )
    Credit.objects.create(
        provider=contract.provider, ref="CR4", contract=contract, lot=2, date="2025-08-10", amount="5", reason="x"
    )
    data = invoice(lot)
    assert [(line["kind"], line["amount"]) for line in data["lines"]] == [
        ("care", "26.22"),
        ("credit", "-10.00"),
        ("credit", "-10.00"),
    ]
    assert data["total"] == "6.22"


def test_an_invoice_is_per_lot_addressed_to_its_commissioner(contract, w, council, trust):
    terms(contract, 1, billing_basis="planned")
    lot2 = terms(contract, 2, billing_basis="planned")
    make_visit(make_person(contract, lot=1), "2025-08-05T09:00", minutes=60, attend=[(w, "09:00", "10:00")])
    make_visit(make_person(contract, lot=2), "2025-08-05T11:00", minutes=30, attend=[(w, "11:00", "11:30")])
    make_visit(make_person(contract, lot=2), "2025-09-01T11:00", minutes=30, attend=[(w, "11:00", "11:30")])
    data = invoice(lot2)
    assert (data["commissioner"], data["lot"], data["period_end"]) == ("NHS", 2, "2025-08-31")
    assert lines(data) == [{"kind": "care", "hours": "0.50", "rate": "26.22", "amount": "13.11"}]


def test_all_rules_together_total_to_the_penny(contract, w, w2):
    lot = terms(
        contract,
        billing_basis="actual_capped",
        rounding_minutes=5,
        short_visit_minutes=30,
        short_visit_rate=Decimal("29.50"),
        bank_holiday_multiplier=Decimal("1.5"),
        late_cancel_hours=Decimal("24"),
        late_cancel_share=Decimal("1"),
    )
    q = make_person(contract)
    make_visit(q, "2025-08-05T09:00", minutes=45, attend=[(w, "09:00", "09:43")])  # 43 -> 45 care
    make_visit(q, "2025-08-25T09:00", minutes=60, attend=[(w, "09:00", "09:57"), (w2, "09:00", "10:10")], carers=2)
    make_visit(q, "2025-08-26T09:00", minutes=20, attend=[(w, "09:00", "09:12")])  # short: 12 -> 10
    make_visit(q, "2025-08-27T09:00", minutes=30, status="cancelled_by_person", cancelled_at="2025-08-27T07:00")
    data = invoice(lot)
    # care: 45 + 55 (57 -> 55) + 60 (capped) = 160 min: 2.67 h, 69.92
    # short: 10 min x 29.50 / 60 = 4.9167 -> 4.92
    # uplift: 115 min on the bank holiday x 13.11 / 60 = 25.1275 -> 25.13
    # late: 30 min x 26.22 / 60 = 13.11
    assert lines(data) == [
        {"kind": "care", "hours": "2.67", "rate": "26.22", "amount": "69.92"},
        {"kind": "short_visit", "hours": "0.17", "rate": "29.50", "amount": "4.92"},
        {"kind": "bank_holiday_uplift", "hours": "1.92", "rate": "13.1100", "amount": "25.13"},
        {"kind": "late_cancellation", "hours": "0.50", "rate": "26.22", "amount": "13.11"},
    ]
    assert data["total"] == "113.08"


def test_monthly_settlement_runs_over_calendar_months(provider, neighbourhood, council, trust, w):
    from tests.conftest import make_contract

    contract = make_contract(provider, neighbourhood, council, trust, ref="C-M")
    Contract.objects.filter(pk=contract.pk).update(settlement="monthly")
    lot = terms(contract, billing_basis="planned", expected_weekly_hours=Decimal("7"), guaranteed_share=Decimal("1"))
    make_visit(make_person(contract), "2025-08-31T09:00", minutes=60, attend=[(w, "09:00", "10:00")])
    data = invoice(lot, date(2025, 8, 1))
    assert (data["period_start"], data["period_end"]) == ("2025-08-01", "2025-08-31")
    # expected 7 h x 31/7 = 31 h, guaranteed all of it: 30 h top-up x 26.22 = 786.60
    assert lines(data, "guarantee_top_up") == [
        {"kind": "guarantee_top_up", "hours": "30.00", "rate": "26.22", "amount": "786.60"}
    ]
    with pytest.raises(DomainError):
        invoice(lot, date(2025, 8, 4))


def test_a_date_that_does_not_start_a_period_is_refused(contract):
    with pytest.raises(DomainError):
        invoice(contract.lots.get(number=1), date(2025, 8, 5))


def test_the_number_of_queries_does_not_grow_with_visits(contract, w):
    lot = terms(contract, billing_basis="planned", expected_weekly_hours=Decimal("90"), guaranteed_share=Decimal("1"))
    q = make_person(contract)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            invoice(lot)
        return len(ctx.captured_queries)

    make_visit(q, "2025-08-05T09:00", attend=[(w, "09:00", "10:00")])
    few = count()
    for day in range(6, 26):
        make_visit(q, f"2025-08-{day:02d}T09:00", attend=[(w, "09:00", "10:00")])
        make_visit(q, f"2025-08-{day:02d}T13:00", status="missed")
    assert count() == few

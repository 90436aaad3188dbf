"""Measures 1-5, 10, 11 and KPIs 5-6 on packages, changes, reviews and assessments built by hand.

Calendar (2025): W36 = 1-7 Sep, W37 = 8-14 Sep (last day Sun 14 Sep), W38 = 15-21 Sep."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.reporting.return_builders import Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(contract):
    return Scenario(contract)


def test_a_rejected_provider_change_is_two_events_and_measure_3_reconciles_with_measure_10(s):
    a = s.package(s.person(lot=1), hours="10.00")
    # Provider (trusted assessor) raises A to 14 h from Wed 10 Sep; the social worker rejects it on
    # Wed 17 Sep, so from that day A is back to 10 h.
    s.change(a, "2025-09-10", "14.00", by="provider", decision="rejected", decided="2025-09-17")
    b = s.package(s.person(lot=2), hours="7.00")
    s.change(b, "2025-09-11", "3.50", by="social_worker")  # lot 2: a social worker's decrease
    c = s.package(s.person(lot=1), start="2025-09-09", hours="5.25")  # starts in W37
    d = s.package(s.person(lot=1), end="2025-09-12", hours="3.00")  # ends in W37 (Fri)
    s.change(d, "2025-08-01", "4.00")  # so it ends at 4 h a week, not its original 3
    del c

    w36, w37, w38 = (s.figures(w)["measures"] for w in ("2025-W36", "2025-W37", "2025-W38"))
    assert w37["1"]["lot1"] == {"packages_started": 1, "packages_ended": 1}
    assert w37["1"]["lot2"] == {"packages_started": 0, "packages_ended": 0}
    assert w37["2"]["lot1"] == {"hours_started": "5.25", "hours_ended": "4.00"}
    # W37: the provider's +4 on A (lot 1) and the social worker's -3.50 on B (lot 2).
    assert w37["3"]["lot1"] == {
        "provider_increases": 1,
        "provider_decreases": 0,
        "social_worker_increases": 0,
        "social_worker_decreases": 0,
        "net_hours": "4.00",
    }
    assert w37["3"]["lot2"]["social_worker_decreases"] == 1 and w37["3"]["lot2"]["net_hours"] == "-3.50"
    # W38: the rejection is the social worker's change back, -4.
    assert w38["3"]["lot1"]["social_worker_decreases"] == 1 and w38["3"]["lot1"]["net_hours"] == "-4.00"
    assert w38["3"]["lot1"]["provider_increases"] == 0
    # Measure 10 on each Sunday: W36 10 + 7 + 4 = 21; W37 14 + 3.50 + 5.25 = 22.75 (D ended Fri);
    # W38 10 + 3.50 + 5.25 = 18.75.
    assert (w36["10"]["care_plan_hours"], w37["10"]["care_plan_hours"], w38["10"]["care_plan_hours"]) == (
        "21.00",
        "22.75",
        "18.75",
    )
    # Reconciliation: 21 + net (4 - 3.50) + started 5.25 - ended 4 = 22.75.
    net = sum(Decimal(w37["3"][lot]["net_hours"]) for lot in ("lot1", "lot2"))
    assert Decimal("21.00") + net + Decimal("5.25") - Decimal("4.00") == Decimal(w37["10"]["care_plan_hours"])
    # Measure 5: four people had an active package on some day of W37; three in W38.
    assert (w37["5"]["people_supported"], w38["5"]["people_supported"]) == (4, 3)
    assert w37["10"]["weekly_series"][-1] == {"week_ending": "2025-09-14", "care_plan_hours": "22.75"}


def test_a_pending_change_applies_from_its_effective_date(s):
    a = s.package(s.person(), hours="6.00")
    s.change(a, "2025-09-08", "8.00", decision="pending")
    w37 = s.figures("2025-W37")["measures"]
    assert w37["10"]["care_plan_hours"] == "8.00"
    assert w37["3"]["lot1"]["provider_increases"] == 1 and w37["3"]["lot1"]["net_hours"] == "2.00"


def test_reviews_due_overdue_and_in_time(s):
    a = s.package(s.person(lot=1))
    s.review(a, due="2025-09-01")  # provider review overdue on Sun 14 Sep
    s.review(a, due="2025-09-09", completed="2025-09-10", kind="social_worker")  # late: not in time
    s.review(a, due="2025-08-15", completed="2025-09-13")  # completed late, in the week: not in time
    c = s.package(s.person(lot=1), start="2025-09-08")
    s.review(c, due="2025-09-12", completed="2025-09-11")  # due in the week (done, on time)
    s.review(c, due="2025-09-20", completed="2025-09-13", kind="social_worker")  # done early: in time
    d = s.package(s.person(lot=1), end="2025-09-12")
    s.review(d, due="2025-08-01")  # overdue; D is active during the week but not on its last day
    b = s.package(s.person(lot=2))
    s.review(b, due="2025-09-01", kind="social_worker")  # not a provider review
    s.review(b, due="2025-09-20")  # due after the week
    f = s.figures("2025-W37")
    # Measure 4: packages active in the week with a provider review due in it or overdue: A, C, D.
    assert f["measures"]["4"]["lot1"] == {"packages_due_review": 3}
    assert f["measures"]["4"]["lot2"] == {"packages_due_review": 0}
    # Measure 11: Lot 1 reviews of any kind completed in the week on or before due: C's two.
    assert f["measures"]["11"]["lot1_reviewed_in_time"] == 2
    # KPI 5: active on Sunday: A, C, B (D ended Friday); A has an overdue provider review.
    k5 = f["kpis"]["5"]
    assert (k5["numerator"], k5["denominator"], k5["percent"], k5["met"]) == (2, 3, "66.7", False)


def test_kpi6_outcomes_monitoring_window_new_packages_and_opt_out(s):
    # Last day Sun 14 Sep 2025: the 122 days up to and including it start on 16 May (14 Sep - 121
    # days); the 42 days start on 4 Aug (14 Sep - 41 days).
    def person_with(start="2025-03-01", assessed=None, **kw):
        p = s.person(**kw)
        s.package(p, start=start)
        if assessed:
            s.assessment(p, assessed)
        return p

    person_with(assessed="2025-06-01")  # 105 days before: met
    person_with(assessed="2025-05-16")  # the 122nd day: met
    person_with(assessed="2025-05-15")  # 123 days: not met
    person_with(start="2025-08-04")  # package started on the 42nd day: met
    person_with(start="2025-08-03")  # 43 days: not met
    person_with(opt_out=True)  # opted out: not counted
    person_with(lot=2, assessed="2025-09-01")  # Lot 2: not counted
    k6 = s.figures("2025-W37")["kpis"]["6"]
    assert (k6["numerator"], k6["denominator"], k6["percent"], k6["met"]) == (3, 5, "60.0", False)


def test_kpi5_and_kpi6_without_anyone_active_are_no_data(s):
    s.package(s.person(), start="2025-01-01", end="2025-06-30")
    kpis = s.figures("2025-W37")["kpis"]
    for n in ("5", "6"):
        no_data = {
            "numerator": 0,
            "denominator": 0,
            "percent": None,
            "target": {"5": "95.0", "6": "75.0"}[n],
            "met": None,
        }
        assert kpis[n] == {**no_data, "by_lot": {"lot1": no_data, "lot2": no_data}}

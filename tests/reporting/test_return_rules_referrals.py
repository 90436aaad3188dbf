"""KPIs 1-4 and measure 9, on referrals built by hand. Expected values are worked out in comments.

Calendar (2025): W34 = 18-24 Aug, W35 = 25-31 Aug (Mon 25 Aug is the summer bank holiday),
W37 = 8-14 Sep, W44 = 27 Oct-2 Nov (the clocks went back at 02:00 BST on Sun 26 Oct)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.reporting.return_builders import Scenario, t

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(contract):
    return Scenario(contract)


def delivered(s, person, check_in, minutes=30):
    """A one-carer visit delivered at check_in (London wall time)."""
    from tests.reporting.return_builders import t

    worker = s.worker()
    start = t(check_in)
    s.visit(
        person, check_in, minutes, attend=[(worker, start, start + __import__("datetime").timedelta(minutes=minutes))]
    )


def test_kpi2_deadline_is_the_end_of_the_next_working_day_over_a_weekend(s):
    # Received Friday 5 Sep: the next working day is Monday 8 Sep, so the deadline is Mon 23:59:59
    # and the referrals are counted in W37, not W36.
    s.referral(s.person(), "2025-09-05 14:00", agreed="2025-09-08 22:00")  # met (Monday evening)
    s.referral(s.person(), "2025-09-05 10:00", agreed="2025-09-09 00:30")  # late (Tuesday)
    # Received on a Saturday: the first working day after it is also Monday 8 Sep.
    s.referral(s.person(), "2025-09-06 09:00", agreed="2025-09-08 12:00")  # met
    w37 = s.figures("2025-W37")["kpis"]["2"]
    assert (w37["numerator"], w37["denominator"], w37["percent"], w37["met"]) == (2, 3, "66.7", False)
    w36 = s.figures("2025-W36")["kpis"]["2"]
    assert (w36["denominator"], w36["percent"], w36["met"]) == (0, None, None)


def test_kpi2_deadline_skips_the_august_bank_holiday(s):
    # Received Fri 22 Aug: Mon 25 Aug is a bank holiday, so the deadline is the end of Tue 26 Aug (W35).
    s.referral(s.person(), "2025-08-22 16:00", agreed="2025-08-26 17:00")  # met on the Tuesday
    # Received Thu 21 Aug: deadline end of Fri 22 Aug (W34); agreed on the bank holiday -> late.
    s.referral(s.person(), "2025-08-21 11:00", agreed="2025-08-25 09:00")
    w35 = s.figures("2025-W35")["kpis"]["2"]
    assert (w35["numerator"], w35["denominator"], w35["met"]) == (1, 1, True)
    w34 = s.figures("2025-W34")["kpis"]["2"]
    assert (w34["numerator"], w34["denominator"], w34["percent"], w34["met"]) == (0, 1, "0.0", False)


def test_priority_authorised_delay_and_outcomes_split_kpis_1_to_4(s):
    # All received Tue 9 Sep 10:00: KPI 2 deadline Wed 10 Sep; KPI 3 deadline Fri 12 Sep 10:00;
    # KPI 4 deadline Thu 11 Sep 10:00: all in W37. Decided at receipt unless pending.
    rec = "2025-09-09 10:00"
    a = s.person()
    s.referral(a, rec, priority=True, agreed="2025-09-09 12:00")  # KPI 4 only: visit Wed -> met
    delivered(s, a, "2025-09-10 09:00")
    s.referral(s.person(), rec, delay=True, agreed="2025-09-09 12:00")  # excluded from 2, 3 and 4
    s.referral(s.person(), rec, outcome="declined")  # excluded from 2, 3, 4; in KPI 1 as not started
    s.referral(s.person(), rec, outcome="withdrawn")  # excluded everywhere
    s.referral(s.person(), rec, outcome="pending")  # counted in 2 and 3, never agreed nor visited: not met
    f = s.person()
    s.referral(f, rec, agreed="2025-09-09 15:00")  # KPI 2 met; first visit Thu 09:00 -> KPI 3 met
    delivered(s, f, "2025-09-11 09:00")
    s.referral(s.person(), rec, priority=True, delay=True)  # KPI 4 counts priority even when delayed: not met

    kpis = s.figures("2025-W37")["kpis"]
    # KPI 1: decided in W37: started a, delayed, f, priority+delay = 4; declined 1; withdrawn and pending out.
    assert (kpis["1"]["numerator"], kpis["1"]["denominator"], kpis["1"]["percent"]) == (4, 5, "80.0")
    assert kpis["1"]["met"] is False
    # KPI 2: pending + f = 2 counted, f met.
    assert (kpis["2"]["numerator"], kpis["2"]["denominator"]) == (1, 2)
    # KPI 3: pending + f = 2 counted, f met (visited 47 hours after receipt).
    assert (kpis["3"]["numerator"], kpis["3"]["denominator"]) == (1, 2)
    # KPI 4: the two priority referrals; a met, the delayed one not: 50.0%, target 98.
    assert (kpis["4"]["numerator"], kpis["4"]["denominator"], kpis["4"]["percent"], kpis["4"]["met"]) == (
        1,
        2,
        "50.0",
        False,
    )


def test_kpi3_counts_72_real_hours_across_the_october_clock_change(s):
    # Received Fri 24 Oct 10:00 BST (09:00 UTC): 72 real hours later is Mon 27 Oct 09:00 GMT, not
    # 10:00 (the night of 25-26 Oct has 25 hours). A check-in at 09:30 GMT is 72.5 hours: late.
    late = s.person()
    s.referral(late, "2025-10-24 10:00")
    worker = s.worker()
    # Delivered before the referral: not its first visit.
    s.visit(late, "2025-10-23 09:00", attend=[(worker, "2025-10-23 09:00", "2025-10-23 09:30")])
    # After it but a two-carer visit seen by one carer: not delivered, skipped.
    s.visit(late, "2025-10-25 09:00", carers=2, attend=[(worker, "2025-10-25 09:00", "2025-10-25 09:30")])
    s.visit(late, "2025-10-27 09:30", attend=[(worker, "2025-10-27 09:30", "2025-10-27 10:00")])
    # Received 11:00 BST: deadline Mon 10:00 GMT; checked in 09:45 (71.75 hours): on time.
    ok = s.person()
    s.referral(ok, "2025-10-24 11:00")
    s.visit(
        ok, "2025-10-27 09:45", attend=[(worker, t("2025-10-27 09:45"), t("2025-10-27 09:45") + timedelta(minutes=30))]
    )
    kpi3 = s.figures("2025-W44")["kpis"]["3"]
    assert (kpi3["numerator"], kpi3["denominator"], kpi3["percent"], kpi3["met"]) == (1, 2, "50.0", False)


def test_measure9_lists_each_case_with_median_and_mean(s):
    # First delivered visits planned in W37; days = hours / 24 from receipt to check-in.
    p1, p2, p3, p4 = s.person(), s.person(), s.person(), s.person()
    r1 = s.referral(p1, "2025-09-08 08:00")
    delivered(s, p1, "2025-09-09 08:00")  # 24 h = 1.0 day
    r2 = s.referral(p2, "2025-09-08 08:00")
    delivered(s, p2, "2025-09-10 08:00")  # 48 h = 2.0 days
    r3 = s.referral(p3, "2025-09-07 20:00")
    delivered(s, p3, "2025-09-12 08:00")  # 108 h = 4.5 days
    s.referral(p4, "2025-09-08 08:00", outcome="declined")  # a declined referral starts no care
    delivered(s, p4, "2025-09-09 08:00")
    m9 = s.figures("2025-W37")["measures"]["9"]
    assert m9["cases"] == [
        {"referral": r1.ref, "days": "1.0"},
        {"referral": r2.ref, "days": "2.0"},
        {"referral": r3.ref, "days": "4.5"},
    ]
    assert (m9["median_days"], m9["mean_days"]) == ("2.0", "2.5")


def test_measure9_even_count_median_rounds_half_up(s):
    p1, p2 = s.person(), s.person()
    s.referral(p1, "2025-09-08 08:00")
    delivered(s, p1, "2025-09-09 08:00")  # 1.0
    s.referral(p2, "2025-09-08 08:00")
    delivered(s, p2, "2025-09-10 20:00")  # 60 h = 2.5
    m9 = s.figures("2025-W37")["measures"]["9"]
    # median = mean = 1.75 -> "1.8" (half up)
    assert (m9["median_days"], m9["mean_days"]) == ("1.8", "1.8")


def test_measure9_with_no_cases_is_null_not_zero(s):
    m9 = s.figures("2025-W37")["measures"]["9"]
    assert (m9["cases"], m9["median_days"], m9["mean_days"]) == ([], None, None)

"""The figures follow the workflow: changes, decisions, reviews and assessments made through the
services show in the weekly return (measures 3, 4, 10, 11, 12, 21 and KPIs 5 and 6) with no other
step than computing it. Week 2025-W37 runs Monday 8 to Sunday 14 September; W38 from 15 September.
Ann (lot 1, limits 3 hours and 25%) has 12 hours a week, Bob (lot 2, no limits) 10."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from outcomes.models import OutcomeAssessment, Review
from outcomes.services import (
    package_change_decide,
    package_change_log,
    package_change_submit,
    review_complete,
)
from reporting.returns.compute import compute_return_figures

pytestmark = pytest.mark.django_db
W37, W38 = date(2025, 9, 8), date(2025, 9, 15)


def figures(contract, week):
    return compute_return_figures(contract_id=contract.pk, week_start=week)


def log(actor, package, hours, effective, today, reason="right_sizing"):
    return package_change_log(
        actor=actor,
        package=package,
        new_weekly_hours=D(hours),
        effective=effective,
        reason=reason,
        consent_by="family",
        consent_date=today,
        today=today,
    )


def m3(f, lot):
    return f["measures"]["3"][f"lot{lot}"]


def test_changes_and_decisions_move_measures_3_and_10(assessor, social_worker, trust_social_worker, pk1, pk2, limits):
    # W37: Ann 12 -> 9 from 8 Sep (within the limits: applies); Bob 10 -> 11 from 9 Sep (lot 2 has no
    # limits: waits for the trust's social worker).
    ann_change = log(assessor, pk1, "9", W37, today=date(2025, 9, 8))
    bob_change = log(assessor, pk2, "11", date(2025, 9, 9), today=date(2025, 9, 8))
    f = figures(limits, W37)
    assert m3(f, 1) == {
        "provider_increases": 0,
        "provider_decreases": 1,
        "social_worker_increases": 0,
        "social_worker_decreases": 0,
        "net_hours": "-3.00",
    }
    assert m3(f, 2)["provider_increases"] == 0 and m3(f, 2)["net_hours"] == "0.00"
    assert f["measures"]["10"]["care_plan_hours"] == "19.00"  # 9 + 10 on Sunday 14 Sep

    # W38: Bob's change approved on Tuesday 16 Sep applies from then; Ann's, submitted early, is
    # rejected on Wednesday 17 Sep and her hours go back to 12 from that day.
    package_change_decide(actor=trust_social_worker, change=bob_change, decision="approved", today=date(2025, 9, 16))
    package_change_submit(actor=assessor, change=ann_change, today=date(2025, 9, 16))
    package_change_decide(
        actor=social_worker,
        change=ann_change,
        decision="rejected",
        reason="Not agreed with GP",
        today=date(2025, 9, 17),
    )
    f = figures(limits, W38)
    assert m3(f, 1) == {
        "provider_increases": 0,
        "provider_decreases": 0,
        "social_worker_increases": 1,
        "social_worker_decreases": 0,
        "net_hours": "3.00",
    }
    assert m3(f, 2) == {
        "provider_increases": 1,
        "provider_decreases": 0,
        "social_worker_increases": 0,
        "social_worker_decreases": 0,
        "net_hours": "1.00",
    }
    assert f["measures"]["10"]["care_plan_hours"] == "23.00"  # 12 + 11
    # W37 is unchanged by what happened later: the provider's decrease still took effect in it.
    assert m3(figures(limits, W37), 1)["net_hours"] == "-3.00"


def test_a_change_still_waiting_changes_no_figure(assessor, pk1, limits):
    log(assessor, pk1, "6", W37, today=W37)  # half the hours: beyond the limits, waiting
    f = figures(limits, W37)
    assert m3(f, 1)["net_hours"] == "0.00" and f["measures"]["10"]["care_plan_hours"] == "12.00"


def test_decreases_for_enablement_count_in_measure_21(assessor, pk1, limits):
    log(assessor, pk1, "10", W37, today=W37, reason="enablement")
    m21 = figures(limits, W37)["measures"]["21"]
    assert (m21["people"], m21["decreases"], m21["hours_reduced"]) == (1, 1, "2.00")
    assert m21["by_reason"] == {"rehabilitation": 0, "enablement": 1, "community_connection": 0}


def test_completing_a_review_moves_kpis_5_and_6_and_measures_4_11_and_12(assessor, ann, pk1, pk2, limits):
    review = Review.objects.create(
        provider=pk1.provider, ref="RV1", package=pk1, kind="provider", due=date(2025, 9, 12)
    )
    # Ann's previous assessment, in May: 2 + 3 + 2 = 7.
    OutcomeAssessment.objects.create(
        provider=ann.provider,
        ref="OA0",
        person=ann,
        date=date(2025, 5, 1),
        wellbeing_independence=2,
        home=3,
        community=2,
    )
    before = figures(limits, W37)
    # On Sunday 14 Sep Ann's review (due Friday 12) is overdue: 1 of Ann and Bob is up to date.
    assert (before["kpis"]["5"]["numerator"], before["kpis"]["5"]["denominator"]) == (1, 2)
    assert before["measures"]["4"]["lot1"]["packages_due_review"] == 1
    assert before["measures"]["11"]["lot1_reviewed_in_time"] == 0
    # KPI 6 (Lot 1, Ann only): her May assessment is more than 122 days before 14 Sep (136).
    assert (before["kpis"]["6"]["numerator"], before["kpis"]["6"]["denominator"]) == (0, 1)
    assert before["measures"]["12"]["assessed"] is None  # May is outside the 17 weeks

    review_complete(
        actor=assessor,
        review=review,
        completed=date(2025, 9, 12),
        scores={"wellbeing_independence": 3, "home": 3, "community": 3},
        opted_out=False,
        progress=True,
        today=date(2025, 9, 12),
    )
    after = figures(limits, W37)
    assert (after["kpis"]["5"]["numerator"], after["kpis"]["5"]["denominator"], after["kpis"]["5"]["percent"]) == (
        2,
        2,
        "100.0",
    )
    assert after["measures"]["4"]["lot1"]["packages_due_review"] == 1  # due in the week, completed or not
    assert after["measures"]["11"]["lot1_reviewed_in_time"] == 1  # completed on its due date
    assert (after["kpis"]["6"]["numerator"], after["kpis"]["6"]["denominator"]) == (1, 1)
    # 3 + 3 + 3 = 9 against 7: improved.
    m12 = after["measures"]["12"]
    assert (m12["assessed"], m12["compared"], m12["improved"], m12["unchanged"], m12["worse"]) == (1, 1, 1, 0, 0)
    assert m12["improved_percent"] == "100.0"


def test_opting_out_at_a_review_leaves_kpi_6_without_the_person(assessor, pk1, pk2, limits):
    review = Review.objects.create(
        provider=pk1.provider, ref="RV1", package=pk1, kind="provider", due=date(2025, 9, 12)
    )
    review_complete(
        actor=assessor, review=review, completed=date(2025, 9, 12), scores=None, opted_out=True, progress=True,
        today=date(2025, 9, 12),
    )  # fmt: skip
    kpi6 = figures(limits, W37)["kpis"]["6"]
    assert (kpi6["numerator"], kpi6["denominator"], kpi6["percent"], kpi6["met"]) == (0, 0, None, None)

"""Due flags and the longer-window measures (12, 13, 15, 18-29), built by hand.

The contract fixture starts on Mon 7 Jul 2025, so 2025-W28 is its week 1. W37 (8-14 Sep 2025) is
week 10; its quarter starts Mon 16 Jun, its 17-week window Mon 19 May, its half year Mon 17 Mar,
its year Mon 16 Sep 2024."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from commissioning.models import Spend
from outcomes.models import Credit, Event, PeopleSurvey
from tests.reporting.return_builders import Scenario
from workforce.models import StaffSurvey, TrainingRecord

pytestmark = pytest.mark.django_db

WEEKLY = set(range(1, 12))
FOUR_WEEKLY = {14, 15, 16, 17}
QUARTERLY = {13, 21, 22, 23, 24, 25, 26, 27, 28, 29}


@pytest.fixture
def s(contract):
    return Scenario(contract)


def due(s, week):
    return {int(n) for n, m in s.figures(week)["measures"].items() if m["due"]}


def test_due_flags_count_from_the_contracts_first_week(s):
    assert due(s, "2025-W27") == set()  # before the contract
    assert due(s, "2025-W28") == WEEKLY  # week 1
    assert due(s, "2025-W31") == WEEKLY | FOUR_WEEKLY  # week 4
    assert due(s, "2025-W40") == WEEKLY | QUARTERLY  # week 13
    assert due(s, "2025-W44") == WEEKLY | {12}  # week 17: the 4-monthly outcomes measure
    assert due(s, "2026-W01") == WEEKLY | QUARTERLY | {18}  # week 26
    assert due(s, "2026-W27") == WEEKLY | FOUR_WEEKLY | QUARTERLY | {18, 19, 20}  # week 52


def test_longer_window_measures(s, provider):
    own = {"provider": provider}
    a, b, c, d = s.person(), s.person(), s.person(), s.person()
    for p in (a, b, c, d):
        s.package(p, start="2025-01-01", hours="10.00")
    s.assessment(a, "2025-03-01", 3, 3, 3)
    s.assessment(a, "2025-08-01", 4, 3, 3)  # total 9 -> 10: improved (well-being +1)
    s.assessment(b, "2025-04-01", 3, 3, 3)
    s.assessment(b, "2025-06-01", 2, 3, 3)  # 9 -> 8: worse
    s.assessment(c, "2025-07-01", 3, 3, 3)  # first assessment: assessed, nothing to compare
    s.assessment(d, "2025-05-01", 5, 5, 5)  # before the 17-week window
    for when, kind, title in [
        ("2025-07-01", "case_study", "Back to the allotment"),
        ("2025-06-01", "case_study", "Before the quarter"),
        ("2025-07-10", "complaint", "Late visits"),
        ("2025-08-20", "hospital_admission_avoided", "Fall caught early"),
    ]:
        Event.objects.create(**own, ref=title, date=date.fromisoformat(when), kind=kind, title=title)
    StaffSurvey.objects.create(**own, ref="SS1", date=date(2025, 4, 1), responses=10, mean_score=Decimal("4.0"))
    StaffSurvey.objects.create(**own, ref="SS2", date=date(2025, 8, 1), responses=30, mean_score=Decimal("3.0"))
    StaffSurvey.objects.create(**own, ref="SS0", date=date(2025, 1, 1), responses=50, mean_score=Decimal("1.0"))
    PeopleSurvey.objects.create(
        **own,
        ref="PS1",
        date=date(2025, 1, 15),
        responses=20,
        felt_understood=15,
        unpaid_carers_responses=8,
        unpaid_carers_well_supported=6,
    )
    w = s.worker()
    TrainingRecord.objects.create(**own, ref="T1", worker=w, course="Moving", date=date(2025, 2, 1), hours=3.5)
    TrainingRecord.objects.create(**own, ref="T0", worker=w, course="Old", date=date(2024, 9, 1), hours=2)
    pk = a.packages.get()
    s.change(pk, "2025-08-04", "7.00", reason="rehabilitation")  # 10 -> 7: counted, 3 h
    s.change(s.package(s.person(), start="2025-01-01"), "2025-08-05", "5.00", reason="right_sizing")  # other reason
    s.change(b.packages.get(), "2025-08-06", "5.00", reason="enablement", decision="rejected", decided="2025-08-10")
    s.change(c.packages.get(), "2025-08-07", "12.00", reason="rehabilitation")  # an increase
    Credit.objects.create(**own, ref="CR1", contract=s.contract, lot=1, date=date(2025, 8, 1), amount=Decimal("52.44"))
    Credit.objects.create(**own, ref="CR0", contract=s.contract, lot=1, date=date(2025, 1, 1), amount=Decimal("9"))

    m = s.figures("2025-W37")["measures"]
    assert {k: m["12"][k] for k in ("assessed", "compared", "improved", "unchanged", "worse")} == {
        "assessed": 3,
        "compared": 2,
        "improved": 1,
        "unchanged": 0,
        "worse": 1,
    }
    assert m["12"]["domains"]["wellbeing_independence"]["improved"] == 1
    assert (m["13"]["case_studies"], m["13"]["titles"], m["13"]["short"]) == (1, ["Back to the allotment"], True)
    # (10 x 4.0 + 30 x 3.0) / 40 = 3.25; the January survey is outside the half year.
    assert (m["18"]["responses"], m["18"]["mean_score"]) == (40, "3.25")
    assert (m["19"]["training_records"], m["19"]["training_hours"], m["19"]["staff_trained"]) == (1, "3.50", 1)
    assert m["20"]["felt_understood_percent"] == "75.0"
    assert (m["21"]["people"], m["21"]["hours_reduced"], m["21"]["by_reason"]["rehabilitation"]) == (1, "3.00", 1)
    assert (m["22"]["complaints"], m["23"]["incidents"]) == (1, 0)
    assert m["24"]["lot1"] == {"credits": 1, "amount": "52.44"} and m["24"]["lot2"] == {"credits": 0, "amount": "0.00"}
    assert m["26"]["well_supported_percent"] == "75.0"
    assert (m["27"]["hospital_admissions_avoided"], m["27"]["titles"]) == (1, ["Fall caught early"])


def test_survey_and_outcome_measures_without_data_are_null(s):
    m = s.figures("2025-W37")["measures"]
    assert m["12"]["assessed"] is None and m["12"]["improved"] is None
    assert m["18"]["mean_score"] is None
    assert m["19"]["training_hours"] is None
    assert m["20"]["felt_understood_percent"] is None
    assert m["26"]["well_supported_percent"] is None


def test_spend_shares_use_block_pay_shifts_and_the_period_entered(s, provider):
    w = s.worker()  # pay 12.00 an hour; the provider's on-cost factor is 1.25
    for day in ("2025-09-08", "2025-09-09"):
        shift = s.shift(w, f"{day} 08:00", f"{day} 16:00")
        shift.unpaid_break_minutes = 30
        shift.save()
    Spend.objects.create(
        provider=provider,
        ref="SP1",
        contract=s.contract,
        period_start=date(2025, 8, 18),
        period_end=date(2025, 9, 14),
        indirect_staffing=Decimal("1000"),
        total_spend=Decimal("4000"),
    )
    m15 = s.figures("2025-W37")["measures"]["15"]
    # 2 shifts x 7.5 paid hours x 12.00 x 1.25 = 225.00; 225 / 4000 = 5.6 %; 1000 / 4000 = 25.0 %.
    assert (m15["direct_staffing"], m15["direct_percent"], m15["indirect_percent"]) == ("225.00", "5.6", "25.0")
    # W38's window (25 Aug - 21 Sep) holds no whole spend period: the shares are unknown.
    m15 = s.figures("2025-W38")["measures"]["15"]
    assert (m15["total_spend"], m15["direct_percent"]) == (None, None)

"""The hours ledger and the trusted assessor's limits, on hand-built changes (no database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D

from outcomes import ledger, rules


@dataclass
class C:
    id: int
    effective: date
    new_weekly_hours: D
    by: str = "provider"
    decision: str = "pending"
    decided: date | None = None
    prior_approval: bool = False


# Base 12 hours. A: 10 from 1 Sep (pending). B: 9 from 15 Sep, rejected on 1 Oct. C: 5 from 20 Sep,
# waiting for prior approval (never applies).
A = C(1, date(2025, 9, 1), D("10"))
B = C(2, date(2025, 9, 15), D("9"), decision="rejected", decided=date(2025, 10, 1))
W = C(3, date(2025, 9, 20), D("5"), prior_approval=True)
CHANGES = [A, B, W]


def test_hours_follow_each_change_and_revert_from_the_rejection():
    assert ledger.hours_on(D("12"), CHANGES, date(2025, 8, 31)) == D("12")
    assert ledger.hours_on(D("12"), CHANGES, date(2025, 9, 1)) == D("10")
    assert ledger.hours_on(D("12"), CHANGES, date(2025, 9, 15)) == D("9")
    # B is still in force the day before it was rejected; from the rejection A's 10 hours are back.
    assert ledger.hours_on(D("12"), CHANGES, date(2025, 9, 30)) == D("9")
    assert ledger.hours_on(D("12"), CHANGES, date(2025, 10, 1)) == D("10")


def test_a_change_waiting_for_prior_approval_never_applies_until_approved():
    assert ledger.hours_on(D("12"), CHANGES, date(2025, 9, 25)) == D("9")
    approved = C(3, date(2025, 9, 22), D("5"), decision="approved", decided=date(2025, 9, 22), prior_approval=True)
    assert ledger.hours_on(D("12"), [A, approved], date(2025, 9, 21)) == D("10")
    assert ledger.hours_on(D("12"), [A, approved], date(2025, 9, 22)) == D("5")


def test_the_ledger_lists_each_step_with_its_cause():
    steps = ledger.steps(D("12"), CHANGES, date(2025, 7, 7))
    assert [(s.day, s.hours, s.before, s.event) for s in steps] == [
        (date(2025, 7, 7), D("12"), D("12"), "start"),
        (date(2025, 9, 1), D("10"), D("12"), "change"),
        (date(2025, 9, 15), D("9"), D("10"), "change"),
        (date(2025, 10, 1), D("10"), D("9"), "reverted"),
    ]
    assert [s.change.id if s.change else None for s in steps] == [None, 1, 2, 2]


def test_agreed_hours_count_only_approved_and_social_worker_changes():
    sw = C(4, date(2025, 9, 5), D("11"), by="social_worker", decision="approved", decided=date(2025, 9, 5))
    # A (pending) is in force but not agreed; the social worker's 11 hours are.
    assert ledger.agreed_hours_on(D("12"), [A, sw], date(2025, 9, 2)) == D("12")
    assert ledger.agreed_hours_on(D("12"), [A, sw], date(2025, 9, 6)) == D("11")


def limits(before, new, agreed=None, hours="3", share="0.25"):
    return rules.within_limits(
        before=D(before),
        agreed=D(agreed or before),
        new=D(new),
        limit_hours=D(hours) if hours else None,
        limit_share=D(share) if share else None,
    )


def test_a_change_at_either_limit_is_within_it():
    # 12 -> 9: 3 hours (limit 3) and 3/12 = 25% (limit 25%).
    assert limits("12", "9").within
    # 8 -> 10: 2 hours, 2/8 = 25%.
    assert limits("8", "10").within


def test_a_change_past_either_limit_waits():
    # 12 -> 8.99: 3.01 hours is over 3, and 3.01/12 = 25.08% is over 25%.
    check = limits("12", "8.99")
    assert not check.within
    assert check.reasons == [
        "3.01 hours a week is more than the lot's limit of 3.00",
        "25.1% of the hours before is more than the lot's limit of 25%",
    ]
    # 8 -> 10.5: 2.5 hours is within 3 but 2.5/8 = 31.25% is over 25%.
    check = limits("8", "10.5")
    assert not check.within and check.reasons == ["31.3% of the hours before is more than the lot's limit of 25%"]


def test_from_no_hours_any_change_is_beyond_a_share_limit():
    assert not limits("0", "1").within


def test_small_changes_cannot_add_up_past_the_limit():
    # Agreed 12, a pending change made it 10; 10 -> 8 is 2 hours (20%) on its own, but 4 hours (33%)
    # from the 12 last agreed.
    check = limits("10", "8", agreed="12")
    assert not check.within
    assert check.reasons == [
        "4.00 hours a week is more than the lot's limit of 3.00 (counted from the 12.00 hours last agreed)",
        "33.3% of the hours before is more than the lot's limit of 25% (counted from the 12.00 hours last agreed)",
    ]


def test_one_limit_alone_limits_only_that():
    # Only an hours limit of 3: 4 -> 7 is 3 hours (75%) and within.
    assert limits("4", "7", share=None).within
    # No limits at all: the lot granted no authority, every change waits.
    assert not limits("12", "11.5", hours=None, share=None).within


def test_working_days_skip_weekends_and_bank_holidays():
    # From Friday 22 Aug 2025 to Friday 29 Aug: Mon 25 Aug is a bank holiday; 26, 27, 28, 29 count.
    assert rules.working_days_between(date(2025, 8, 22), date(2025, 8, 29)) == 4


def test_outcomes_fall_due_122_days_after_an_assessment_or_42_after_a_start():
    assert rules.outcomes_due_on(last_assessment=date(2025, 5, 1), latest_start=None) == date(2025, 8, 31)
    assert rules.outcomes_due_on(last_assessment=date(2025, 5, 1), latest_start=date(2025, 8, 1)) == date(2025, 9, 12)

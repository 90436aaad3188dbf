"""Outcomes' home panels, figures worked out by hand: the trusted assessor's reviews due and changes
waiting, the social worker's approval queue; another provider's (or another commissioner's) rows never
appear. Today is Tuesday 8 December 2026."""

from __future__ import annotations

import pytest

from outcomes.home_panels import assessor_changes, assessor_reviews, social_worker_queue
from tests.reporting.return_builders import Scenario, d, t

pytestmark = pytest.mark.django_db
TODAY = d("2026-12-08")
NOW = t("2026-12-08 12:00")


def test_reviews_due_overdue_and_soon(contract, other_contract, assessor):
    s = Scenario(contract)
    pkg = s.package(s.person(), start="2026-01-05")
    s.review(pkg, "2026-12-01")  # a week overdue
    s.review(pkg, "2026-12-15")  # in 7 days: soon
    s.review(pkg, "2026-12-30")  # in 22 days: not yet
    s.review(pkg, "2026-11-20", completed="2026-11-21")  # done
    other = Scenario(other_contract)
    other.review(other.package(other.person(), start="2026-01-05"), "2026-12-01")  # Provider Two's
    ctx = assessor_reviews(assessor, TODAY, NOW)
    assert (ctx["overdue"], ctx["soon"]) == (1, 1)
    assert [str(r.due) for r in ctx["reviews"]] == ["2026-12-01", "2026-12-15"]


def test_changes_waiting_for_the_social_worker_and_not_sent_yet(contract, other_contract, assessor):
    s = Scenario(contract)
    pkg = s.package(s.person(), start="2026-01-05")
    sent = s.change(pkg, "2026-10-26", "9.00", decision="pending")
    sent.submitted_for_approval = d("2026-11-20")
    sent.save()
    applied = s.change(pkg, "2026-11-30", "8.00", decision="pending")
    s.change(pkg, "2026-09-01", "7.50")  # approved long ago
    other = Scenario(other_contract)
    other.change(other.package(other.person(), start="2026-01-05"), "2026-11-30", "5.00", decision="pending")
    ctx = assessor_changes(assessor, TODAY, NOW)
    assert ctx["submitted_count"] == 1 and ctx["submitted"][0]["change"] == sent
    # Sent Friday 20 November: 12 working days to Tuesday 8 December (23-27 Nov, 30 Nov-4 Dec, 7-8 Dec),
    # over the 10 that flag it.
    assert ctx["submitted"][0]["days"] == (18, 12, True) and ctx["flagged"] == 1
    # The other took effect on 30 November: sent four weeks later, on 28 December.
    assert ctx["to_submit_count"] == 1
    assert ctx["to_submit"][0]["change"] == applied and ctx["to_submit"][0]["submit_on"] == d("2026-12-28")


def test_the_social_workers_queue_holds_its_own_lots_only(contract, other_contract, social_worker):
    s = Scenario(contract)
    lot1 = s.change(s.package(s.person(lot=1), start="2026-01-05"), "2026-11-02", "9.00", decision="pending")
    lot2 = s.change(s.package(s.person(lot=2), start="2026-01-05"), "2026-11-02", "9.00", decision="pending")
    o = Scenario(other_contract)
    p2 = o.change(o.package(o.person(lot=1), start="2026-01-05"), "2026-11-09", "4.00", decision="pending")
    for change, sent in ((lot1, "2026-11-20"), (lot2, "2026-11-20"), (p2, "2026-12-03")):
        change.submitted_for_approval = d(sent)
        change.save()
    ctx = social_worker_queue(social_worker, TODAY, NOW)
    # The council commissions lot 1 of both providers' contracts; lot 2 is the trust's.
    assert [r["change"] for r in ctx["rows"]] == [lot1, p2]
    # lot1: 12 working days, flagged; p2: sent Thursday 3 December, 3 working days (4, 7, 8 Dec).
    assert [r["days"] for r in ctx["rows"]] == [(18, 12, True), (5, 3, False)]
    assert (ctx["count"], ctx["flagged"]) == (2, 1)

"""Trusted assessors and social workers in the browser: a decrease within the limits applies at once,
is submitted, approved from the queue and counted in the return's measure 3; a rejection puts the
hours back from the decision date; a change above the limit waits for approval; completing a review
with the Outcomes Tool moves KPI 6 and measure 12. Every new page passes the axe scan.

Provider P1 (Armley Care) holds contract C-P1: lot 1 by the council, whose trusted-assessor limits are
3 hours a week and 25%; Ann (Q1) has package PK1 with 12 hours a week since 100 days ago."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from commissioning.models import Lot, Notification, Role
from homecare.lib.dates import iso_week
from outcomes.models import OutcomeAssessment, Package, PackageChange, Person, Review
from outcomes.services import package_change_decide, package_change_log, package_change_submit
from reporting.returns.compute import compute_return_figures
from tests.browser.conftest import log_in, screenshot, serious_violations
from tests.conftest import PASSWORD, make_contract, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def today():
    return timezone.localdate()


def long(d) -> str:
    return f"{d.day} {d:%B %Y}"


@pytest.fixture
def world(provider, neighbourhood, council, trust):
    provider.name = "Armley Care"
    provider.save()
    contract = make_contract(provider, neighbourhood, council, trust)
    Lot.objects.filter(contract=contract, number=1).update(assessor_limit_hours=D("3"), assessor_limit_share=D("0.25"))
    ann = Person.objects.create(provider=provider, ref="Q1", contract=contract, lot=1, name="Ann Example")
    package = Package.objects.create(
        provider=provider,
        ref="PK1",
        person=ann,
        lot=1,
        start=today() - timedelta(days=100),
        planned_weekly_hours=D("12"),
    )
    users = {
        "assessor": make_user(provider, Role.TRUSTED_ASSESSOR, email="assessor@p1.example"),
        "manager": make_user(provider, Role.PROVIDER_MANAGER, email="manager@p1.example"),
        "coordinator": make_user(provider, Role.COORDINATOR, email="coordinator@p1.example"),
        "social_worker": make_user(council, Role.SOCIAL_WORKER, email="sw@lcc.example"),
    }
    return {"contract": contract, "ann": ann, "package": package, **users}


def as_user(page, live_server, user) -> None:
    page.context.clear_cookies()
    log_in(page, live_server, user.email, PASSWORD)


def check_page(page, name: str) -> None:
    screenshot(page, name)
    assert serious_violations(page) == [], name


def log_change(page, hours: str, effective, reason: str = "Right-sizing (no more and no less than needed)") -> None:
    page.get_by_role("button", name=re.compile("Change the hours")).click()
    page.get_by_label("New weekly hours").fill(hours)
    page.get_by_label("Takes effect on").fill(effective.isoformat())
    page.get_by_role("group", name="Reason").get_by_label(reason).check()
    page.get_by_label("The person", exact=True).check()
    page.get_by_label("Date they agreed").fill(today().isoformat())
    page.get_by_label("Note").fill("Discussed at home with Ann; she agreed.")
    page.get_by_role("button", name="Save the change").click()


def open_person(page, live_server) -> None:
    page.goto(f"{live_server.url}/outcomes/people/")
    page.get_by_role("link", name="Q1").click()


def hours_now(page) -> str:
    return page.get_by_test_id("hours-now").inner_text().strip()


def decide(page, live_server, decision: str, reason: str = "") -> None:
    page.goto(f"{live_server.url}/outcomes/approvals/")
    page.get_by_test_id("approval-row").first.get_by_role("link", name=re.compile("Decide")).click()
    page.get_by_label(decision, exact=True).check()
    if reason:
        page.get_by_label("Reason", exact=True).fill(reason)
    page.get_by_role("button", name="Save the decision").click()


def test_a_decrease_within_the_limits_is_submitted_approved_and_counted(live_server, page, world):
    day = today()
    as_user(page, live_server, world["assessor"])
    page.goto(f"{live_server.url}/outcomes/people/")
    check_page(page, "outcomes-people")
    page.get_by_role("link", name="Q1").click()
    check_page(page, "outcomes-person")
    assert hours_now(page) == "12.00"

    # First with mistakes: each is shown beside its field and nothing is saved.
    page.get_by_role("button", name=re.compile("Change the hours")).click()
    check_page(page, "outcomes-change-new")
    page.get_by_label("New weekly hours").fill("200")
    page.get_by_role("button", name="Save the change").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert "Weekly hours cannot be more than 168" in page.locator("#id_new_weekly_hours-error").inner_text()
    assert "Record who agreed to the change" in page.locator("#id_consent_by-error").inner_text()
    check_page(page, "outcomes-change-new-errors")
    assert not PackageChange.objects.exists()
    page.go_back()
    page.go_back()

    # 12 -> 10 from today: 2 hours (16.7%), within the limits: it shows at once.
    log_change(page, "10", day)
    assert f"the package is 10.00 hours a week from {long(day)}" in page.locator("main").inner_text()
    assert hours_now(page) == "10.00"
    assert "Applied" in page.get_by_test_id("change-status").first.inner_text()
    assert page.get_by_test_id("care-plan-prompt").count() == 1
    assert Notification.objects.filter(user=world["coordinator"], kind="care_plan_change").count() == 1

    # Submitted early, from the change's page.
    page.get_by_role("link", name=re.compile("change CH-PK1-1")).click()
    check_page(page, "outcomes-change-detail")
    page.get_by_role("button", name="Submit for approval").click()
    assert "Submitted for approval" in page.get_by_test_id("change-status-line").inner_text()

    # The social worker approves it from the queue, after reading the evidence.
    as_user(page, live_server, world["social_worker"])
    assert " ".join(page.get_by_test_id("notifications-link").inner_text().split()) == "Notifications 1 unread"
    page.goto(f"{live_server.url}/outcomes/approvals/")
    check_page(page, "outcomes-approvals")
    row = page.get_by_test_id("approval-row").first
    assert "12.00 → 10.00" in row.inner_text() and "0 days" in row.inner_text()
    row.get_by_role("link", name=re.compile("Decide")).click()
    evidence = page.get_by_test_id("evidence-table").inner_text()
    assert "12.00" in evidence and "10.00 from" in evidence
    check_page(page, "outcomes-decide")
    page.get_by_label("Approve", exact=True).check()
    page.get_by_role("button", name="Save the decision").click()
    assert "Change CH-PK1-1 is approved." in page.locator("main").inner_text()
    assert "No changes are waiting." in page.locator("main").inner_text()

    # The manager recomputes this week's return: measure 3 shows the provider's decrease of 2 hours.
    as_user(page, live_server, world["manager"])
    page.goto(f"{live_server.url}/reporting/returns/")
    page.get_by_label("Week", exact=True).fill(iso_week(day))
    page.get_by_role("button", name="Compute").click()
    page.get_by_role("link", name="Open the return").click()
    measure3 = page.locator("section[aria-labelledby='measure-3']")
    lot1 = " ".join(measure3.locator(".homecare-figures", has_text="Lot 1").inner_text().split())
    assert "Provider decreases: 1" in lot1 and "Net change: −2.00" in lot1, lot1  # a true minus sign


def test_a_rejected_change_puts_the_hours_back_from_the_decision_date(live_server, page, world):
    day = today()
    first = package_change_log(
        actor=world["assessor"], package=world["package"], new_weekly_hours=D("10"), effective=day - timedelta(days=5),
        reason="right_sizing", consent_by="person", consent_date=day,
    )  # fmt: skip
    package_change_submit(actor=world["assessor"], change=first)
    package_change_decide(actor=world["social_worker"], change=first, decision="approved")

    # A second change, 10 -> 11 from two days ago, is rejected today.
    as_user(page, live_server, world["assessor"])
    open_person(page, live_server)
    log_change(page, "11", day - timedelta(days=2), reason="Increased need")
    assert hours_now(page) == "11.00"
    second = PackageChange.objects.get(ref="CH-PK1-2")
    package_change_submit(actor=world["assessor"], change=second)

    as_user(page, live_server, world["social_worker"])
    decide(page, live_server, "Reject")
    assert page.get_by_role("heading", name="There is a problem").is_visible()  # no reason given
    assert "Give the reason for rejecting the change" in page.locator("#id_reason-error").inner_text()
    check_page(page, "outcomes-decide-errors")
    page.get_by_label("Reject", exact=True).check()
    page.get_by_label("Reason", exact=True).fill("Evening call still needed: not agreed with the GP.")
    page.get_by_role("button", name="Save the decision").click()
    assert f"Change CH-PK1-2 is rejected: the hours go back from {long(day)}." in page.locator("main").inner_text()

    as_user(page, live_server, world["assessor"])
    open_person(page, live_server)
    assert hours_now(page) == "10.00"
    ledger = page.get_by_test_id("ledger-table").inner_text()
    assert f"{day:%-d %b %Y}\t10.00\tChange 2 rejected: hours put back" in ledger
    assert "Rejected" in page.get_by_test_id("change-status").first.inner_text()
    rejected = Notification.objects.get(
        user=world["assessor"], kind="change_decided", subject__startswith="Change rejected"
    )
    assert f"The hours go back to 10.00 hours a week from {long(day)}: put the care plan back." in rejected.body


def test_a_change_above_the_limit_waits_and_applies_only_on_approval(live_server, page, world):
    day = today()
    as_user(page, live_server, world["assessor"])
    open_person(page, live_server)
    # 12 -> 8 is 4 hours: more than the 3 the lot allows without approval.
    log_change(page, "8", day, reason="Enablement")
    assert "stays at 12.00 hours a week until it is approved" in page.locator("main").inner_text()
    assert hours_now(page) == "12.00"
    assert page.get_by_test_id("waiting-change").count() == 1
    check_page(page, "outcomes-person-waiting")

    as_user(page, live_server, world["social_worker"])
    decide(page, live_server, "Approve")
    assert f"It applies from {long(day)}." in page.locator("main").inner_text()

    as_user(page, live_server, world["assessor"])
    open_person(page, live_server)
    assert hours_now(page) == "8.00"


def test_completing_a_review_moves_kpi_6_and_measure_12(live_server, page, world):
    day = today()
    ann, package = world["ann"], world["package"]
    Review.objects.create(
        provider=ann.provider, ref="RV1", package=package, kind="provider", due=day - timedelta(days=1)
    )
    OutcomeAssessment.objects.create(
        provider=ann.provider, ref="OA0", person=ann, date=day - timedelta(days=200), wellbeing_independence=2, home=2,
        community=3,
    )  # fmt: skip
    week = day - timedelta(days=day.weekday())

    def figures():
        return compute_return_figures(contract_id=world["contract"].pk, week_start=week)

    before = figures()
    assert (before["kpis"]["6"]["numerator"], before["kpis"]["6"]["denominator"]) == (0, 1)
    assert before["measures"]["12"]["assessed"] is None

    as_user(page, live_server, world["assessor"])
    page.goto(f"{live_server.url}/outcomes/reviews/")
    check_page(page, "outcomes-reviews")
    page.get_by_role("link", name=re.compile("Complete")).first.click()
    check_page(page, "outcomes-review-complete")
    page.get_by_label("Date of the review").fill(day.isoformat())
    for domain, score in (("My Well-being and Independence", "3"), ("My Home", "3"), ("My Community", "4")):
        page.get_by_role("group", name=domain).get_by_label(score, exact=True).check()
    page.get_by_role("group", name=re.compile("made progress")).get_by_label("Yes").check()
    page.get_by_label("Notes").fill("Goes to the lunch club on Tuesdays now.")
    page.get_by_role("button", name="Complete the review").click()
    nxt = day + timedelta(days=122)
    assert f"The next review is due on {long(nxt)}." in page.locator("main").inner_text()
    table = page.get_by_test_id("outcomes-table").inner_text()
    assert "10 (+3)" in table  # 3 + 3 + 4 against 2 + 2 + 3
    assert page.get_by_test_id("outcomes-chart").locator("svg").count() == 3
    check_page(page, "outcomes-person-after-review")

    after = figures()
    assert (after["kpis"]["6"]["numerator"], after["kpis"]["6"]["denominator"]) == (1, 1)
    m12 = after["measures"]["12"]
    assert (m12["assessed"], m12["compared"], m12["improved"]) == (1, 1, 1)


def test_the_other_new_pages_pass_the_axe_scan(live_server, page, world, other_provider, neighbourhood, council, trust):
    # An assessment on its own, and the notifications list.
    as_user(page, live_server, world["assessor"])
    page.goto(f"{live_server.url}/outcomes/people/Q1/assessments/new/")
    check_page(page, "outcomes-assessment-new")
    page.get_by_role("button", name="Save the assessment").click()
    assert "Enter a score from 1 to 5." in page.locator("main").inner_text()
    check_page(page, "outcomes-assessment-errors")
    page.goto(f"{live_server.url}/commissioning/notifications/")
    check_page(page, "notifications")
    # A commissioner who sees two providers' people with the same ref is asked which.
    other = make_contract(other_provider, neighbourhood, council, trust, ref="C-P2")
    Person.objects.create(provider=other_provider, ref="Q1", contract=other, lot=1)
    as_user(page, live_server, world["social_worker"])
    page.goto(f"{live_server.url}/outcomes/people/Q1/")
    assert page.get_by_role("heading", name="Which person Q1?").is_visible()
    check_page(page, "outcomes-choose-provider")

"""A commissioner officer's Monday, in a real browser: the dashboard shows a provider red on KPI 7 and
opens the return (and the records) behind it; the CSV and XLSX downloads hold the same numbers; a
priority referral is brokered, the provider agrees a start, a care worker checks in to the first visit
on their own day page, and the next return's KPI 4 and measure 9 show it. Every new page passes the axe scan."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from commissioning.models import Contract, Organisation, Referral, Role
from homecare.lib.dates import LONDON, iso_week
from reporting.models.returns import WeeklyReturn
from reporting.returns.services import weekly_return_compute, weekly_return_submit
from rota.models import Visit
from rota.plan_models import Assignment
from rota.publishing import monday_of, rota_publish
from tests.browser.conftest import log_in, screenshot, serious_violations
from tests.conftest import PASSWORD, make_contract, make_user
from tests.reporting.return_builders import Scenario
from workforce.models import Team, Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

W47 = date(2026, 11, 16)


def axe_clean(page, name: str) -> None:
    screenshot(page, name)
    assert serious_violations(page) == [], name


@pytest.fixture
def area(provider, other_provider, council, trust, neighbourhood):
    c1 = make_contract(provider, neighbourhood, council, trust)
    c2 = make_contract(other_provider, neighbourhood, council, trust, ref="C-P2")
    Contract.objects.filter(pk=c2.pk).update(model="partnership")
    return c1, Contract.objects.get(pk=c2.pk)


def delivered_week(contract, delivered: int, total: int):
    """`total` visits in week 47, `delivered` of them checked in and out; the rest missed."""
    s = Scenario(contract)
    person = s.person()
    s.package(person, start="2026-01-05")
    w = s.worker()
    for i in range(total):
        day = W47 + timedelta(days=i % 7)
        hour = 7 + i // 7
        start = f"{day} {hour:02d}:00"
        attend = [(w, start, f"{day} {hour:02d}:30")] if i < delivered else []
        s.visit(person, start, attend=attend, status="completed" if i < delivered else "missed")


def test_the_officer_sees_a_provider_red_on_kpi_7_and_opens_the_return_and_the_exports(live_server, page, area):
    c1, c2 = area
    delivered_week(c1, 17, 20)  # 85.0%: 13 points under 98, red
    delivered_week(c2, 20, 20)  # 100%: green
    for c in (c1, c2):
        manager = make_user(c.provider, Role.PROVIDER_MANAGER, email=f"manager@{c.provider.ref.lower()}.example")
        wr = weekly_return_compute(contract_id=c.pk, week_start=W47)
        weekly_return_submit(weekly_return_id=wr.pk, actor=manager)
    officer = make_user(c1.lots.get(number=1).commissioner, Role.COMMISSIONER_OFFICER, email="officer@lcc.example")

    log_in(page, live_server, officer.email, PASSWORD)
    page.get_by_role("link", name="Dashboard").first.click()
    page.get_by_label("Week", exact=True).fill("2026-W47")
    page.get_by_role("button", name="Show this week").click()
    p1_kpi7 = page.locator('[data-testid="dashboard-kpis"] tr[data-provider="P1"] td[data-kpi="7"]')
    assert p1_kpi7.get_attribute("data-rag") == "red"
    assert (
        "85.0%" in p1_kpi7.inner_text()
        and "Below target" in p1_kpi7.inner_text()
        and "17 of 20" in p1_kpi7.inner_text()
    )
    p2_kpi7 = page.locator('[data-testid="dashboard-kpis"] tr[data-provider="P2"] td[data-kpi="7"]')
    assert p2_kpi7.get_attribute("data-rag") == "green"
    axe_clean(page, "dashboard")

    # The CSV and the XLSX hold the numbers the page shows.
    with page.expect_download() as got:
        page.get_by_test_id("export-csv").click()
    rows = list(csv.DictReader(io.StringIO(open(got.value.path(), encoding="utf-8").read())))
    p1 = next(r for r in rows if r["provider"] == "P1")
    assert (p1["kpi7_numerator"], p1["kpi7_denominator"], p1["kpi7_percent"], p1["kpi7_rag"]) == (
        "17",
        "20",
        "85.0",
        "red",
    )
    with page.expect_download() as got:
        page.get_by_test_id("export-xlsx").click()
    table = list(load_workbook(io.BytesIO(open(got.value.path(), "rb").read())).active.iter_rows(values_only=True))
    x1 = next(dict(zip(table[0], r, strict=True)) for r in table[1:] if r[1] == "P1")
    assert (x1["kpi7_numerator"], x1["kpi7_denominator"], x1["kpi7_rag"]) == (17, 20, "red")
    assert Decimal(str(x1["kpi7_percent"])) == Decimal("85.0")

    # The red cell opens the records behind the figure, and from there the return.
    p1_kpi7.get_by_role("link").click()
    assert "KPI 7" in page.locator("h1").inner_text()
    assert "20 records" in page.locator("main").inner_text()
    axe_clean(page, "dashboard-records")
    page.get_by_role("link", name="Back to the return").click()
    assert "Monitoring return 2026-W47" in page.locator("h1").inner_text()
    assert "Provider One" in page.locator("h1").inner_text()

    page.goto(f"{live_server.url}/reporting/trends/?figure=kpi:7&from=2026-W44&to=2026-W47")
    assert page.get_by_test_id("trend-chart").is_visible()
    axe_clean(page, "trends")
    page.goto(f"{live_server.url}/reporting/trends/?figure=measure:10&from=2026-W44&to=2026-W47")
    assert page.get_by_test_id("capacity-chart").first.is_visible()
    axe_clean(page, "trends-capacity")
    page.goto(f"{live_server.url}/reporting/contracts/C-P1/")
    assert page.get_by_test_id("spend-to-date").is_visible()
    axe_clean(page, "contract-position")


def test_a_priority_referral_from_brokering_to_the_first_visit_shows_in_the_next_return(
    live_server, browser, page, area, provider
):
    c1, _ = area
    council = c1.lots.get(number=1).commissioner
    officer = make_user(council, Role.COMMISSIONER_OFFICER, email="officer@lcc.example")
    coordinator = make_user(provider, Role.COORDINATOR, email="coordinator@p1.example")
    manager = make_user(provider, Role.PROVIDER_MANAGER, email="manager@p1.example", is_org_admin=True)

    # The officer brokers a priority referral.
    log_in(page, live_server, officer.email, PASSWORD)
    page.goto(f"{live_server.url}/commissioning/referrals/new/")
    axe_clean(page, "referral-new")
    page.get_by_role("button", name="Send the referral").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    axe_clean(page, "referral-new-errors")
    page.get_by_label("Person reference").fill("SC-9001")
    page.get_by_label("Neighbourhood").select_option(label="Area 1")
    page.get_by_label("Lot 1").check()
    page.get_by_label("Priority referral").check()
    page.get_by_label("Planned weekly hours").fill("7.5")
    page.get_by_label("Notes for the provider (optional)").fill("Key safe by the back door")
    page.get_by_role("button", name="Send the referral").click()
    assert "sent to Provider One (contract C-P1), which has first refusal" in page.locator("main").inner_text()
    axe_clean(page, "referral-detail-commissioner")
    referral = Referral.objects.get(person_ref="SC-9001")

    # The coordinator sees it in the queue with its 48-hour clock running, and agrees a start today.
    coord = browser.new_context(viewport={"width": 1100, "height": 900})
    cpage = coord.new_page()
    log_in(cpage, live_server, coordinator.email, PASSWORD)
    cpage.get_by_role("link", name="Referrals").first.click()
    row = cpage.locator(f'tr[data-referral="{referral.ref}"]')
    assert (
        "Running" in row.inner_text() and "Start within 48 hours" in row.inner_text() and "Priority" in row.inner_text()
    )
    axe_clean(cpage, "referral-queue")
    row.get_by_role("link", name=referral.ref).click()
    today = timezone.now().astimezone(LONDON).date()
    cpage.get_by_label("Agreed start date").fill(today.isoformat())
    cpage.get_by_role("button", name="Agree this start").click()
    assert "Start agreed" in cpage.locator("main").inner_text()
    axe_clean(cpage, "referral-accepted")
    referral.refresh_from_db()
    assert referral.outcome == "started" and referral.package is not None

    # The first visit is planned on the new package for a care worker of the team, the week's rota is
    # published, and the care worker checks in and out on their own day page (/rota/my/).
    now = timezone.now()
    team = Team.objects.create(provider=provider, ref="T-AREA1", neighbourhood=c1.neighbourhood, name="Area 1 team")
    carer = Worker.objects.create(
        provider=provider, ref="W-CARER", team=team, started=date(2024, 1, 1), contract_type="salaried",
        pay_rate=Decimal("12.60"),
    )  # fmt: skip
    carer.user = make_user(provider, Role.CARE_WORKER, email="carer@p1.example")
    carer.save(update_fields=["user"])
    visit = Visit.objects.create(
        provider=provider, ref="V-FIRST", person=referral.person, package=referral.package,
        planned_start=now, planned_end=now + timedelta(minutes=45), carers_required=1, status="scheduled",
    )  # fmt: skip
    Assignment.objects.create(provider=provider, visit=visit, worker=carer)
    rota_publish(team=team, week=monday_of(now))
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    wpage = phone.new_page()
    log_in(wpage, live_server, "carer@p1.example", PASSWORD)
    wpage.goto(f"{live_server.url}/rota/my/")
    card = wpage.locator('li[data-visit="V-FIRST"]')
    with wpage.expect_navigation():
        card.get_by_role("button", name="Check in to").click()
    assert "Checked in at" in card.inner_text()
    with wpage.expect_navigation():
        card.get_by_role("button", name="Check out from").click()
    assert "Done" in card.inner_text()
    phone.close()
    cpage.goto(f"{live_server.url}/commissioning/referrals/{referral.pk}/")
    assert "Met" in cpage.locator('[data-clock="start"]').inner_text()
    coord.close()

    # The next return counts it: KPI 4 in the week its 48 hours end, measure 9 in the week of the visit.
    kpi4_week = (referral.received + timedelta(hours=48)).astimezone(LONDON).date()
    visit_week = visit.planned_start.astimezone(LONDON).date()
    mpage = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    log_in(mpage, live_server, manager.email, PASSWORD)
    for day in sorted(
        {kpi4_week - timedelta(days=kpi4_week.weekday()), visit_week - timedelta(days=visit_week.weekday())}
    ):
        wr = weekly_return_compute(contract_id=c1.pk, week_start=day)
        mpage.goto(f"{live_server.url}/reporting/returns/{wr.pk}/")
        text = mpage.locator("main").inner_text()
        if day == kpi4_week - timedelta(days=kpi4_week.weekday()):
            k4 = wr.figures["kpis"]["4"]
            assert (k4["numerator"], k4["denominator"], k4["percent"]) == (1, 1, "100.0")
            kpi4_row = mpage.get_by_role("row").filter(has_text="4. Priority referrals starting within 48 hours")
            assert "100.0%" in kpi4_row.inner_text() and "Met" in kpi4_row.inner_text()
        if day == visit_week - timedelta(days=visit_week.weekday()):
            cases = wr.figures["measures"]["9"]["cases"]
            assert [c["referral"] for c in cases] == [referral.ref] and cases[0]["days"] == "0.0"
            assert referral.ref in mpage.content()  # measure 9's table of days per referral
        assert iso_week(day) in text
    assert WeeklyReturn.objects.filter(contract=c1).count() >= 1


def test_contract_set_up_pages_pass_the_axe_scan(live_server, page, area):
    c1, _ = area
    officer = make_user(c1.lots.get(number=1).commissioner, Role.COMMISSIONER_OFFICER, email="officer@lcc.example")
    log_in(page, live_server, officer.email, PASSWORD)
    page.get_by_role("link", name="Contracts").first.click()
    axe_clean(page, "contracts")
    page.get_by_role("link", name="C-P1").click()
    assert page.get_by_test_id("kpi-targets").is_visible()
    axe_clean(page, "contract-detail")
    page.get_by_role("link", name="Change the targets from a date").click()
    axe_clean(page, "contract-targets")
    page.goto(f"{live_server.url}/commissioning/contracts/new/")
    page.get_by_role("button", name="Set up the contract").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    axe_clean(page, "contract-new-errors")
    assert Organisation.objects.filter(kind="provider").count() == 2

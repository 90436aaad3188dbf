"""A coordinator's morning on the rota board, end to end in a real browser, then the care worker's
day on a phone and the week's return reflecting what the phone recorded.

Today's visits are placed around the real clock (check-in follows the server's time): Ann at `base`,
Bob an hour later, Cat ten minutes after Ann (so she clashes with Ann). Homes on one meridian: Bob is
0.01 degree of latitude from Ann, 17 minutes' walk (measure 14's rule)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from commissioning.models import Role
from homecare.lib.dates import LONDON
from outcomes.models import Package, Person
from reporting.returns.services import weekly_return_compute
from rota.careplans import care_plan_slot_add
from rota.generate import rota_generate
from rota.models import Attendance, Shift, Visit
from rota.plan_models import AppRecord, Assignment
from tests.browser.conftest import log_in, screenshot, serious_violations
from tests.conftest import PASSWORD, make_contract, make_user
from workforce.models import Team, Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _base() -> datetime:
    """An hour ago, on a 5-minute mark, kept inside today so that all three visits fall on it."""
    now = timezone.localtime()
    midnight = datetime.combine(now.date(), time(0), tzinfo=LONDON)
    base = now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0) - timedelta(hours=1)
    return min(max(base, midnight + timedelta(minutes=5)), midnight + timedelta(hours=22, minutes=30))


@pytest.fixture
def morning(provider, neighbourhood, council, trust):
    contract = make_contract(provider, neighbourhood, council, trust)
    team = Team.objects.create(provider=provider, ref="T1", neighbourhood=neighbourhood, name="Armley team")
    base = _base()
    today = base.date()

    def worker(ref, name, **kw):
        return Worker.objects.create(
            provider=provider, ref=ref, team=team, name=name, started=today - timedelta(days=400),
            contract_type="guaranteed_hours", contracted_weekly_hours=Decimal("30"), pay_rate=Decimal("13.95"),
            travel_mode="walk", **kw,
        )  # fmt: skip

    sam, kim, lou = worker("W-SAM", "Sam Carter"), worker("W-KIM", "Kim Patel"), worker("W-LOU", "Lou Reed")
    for w in (sam, kim):
        Shift.objects.create(
            provider=provider,
            ref=f"S-{w.ref}",
            worker=w,
            start=base - timedelta(minutes=30),
            end=base + timedelta(hours=4),
        )
    people = {}
    for name, lat, offset, skills in (("Ann", 53.80, 0, []), ("Bob", 53.81, 60, ["hoist"]), ("Cat", 53.82, 10, [])):
        person = Person.objects.create(
            provider=provider,
            ref=f"Q-{name}",
            contract=contract,
            lot=1,
            name=f"{name} Jones",
            home_lat=lat,
            home_lon=-1.55,
        )
        package = Package.objects.create(
            provider=provider, ref=f"PK-{name}", person=person, lot=1, start=today - timedelta(days=60),
            planned_weekly_hours=Decimal("3.5"),
        )  # fmt: skip
        start = base + timedelta(minutes=offset)
        care_plan_slot_add(
            package=package, days=[today.isoweekday()], start=start.time(), minutes=30, valid_from=today,
            team=team, skills=skills, tasks=f"{name}'s breakfast", ref=f"{name.upper()}-AM", generate=False,
        )  # fmt: skip
        people[name] = person
    rota_generate(provider=provider, week=today, now=base - timedelta(minutes=1))
    visits = {name: Visit.objects.get(ref=f"{name.upper()}-AM-{today:%Y%m%d}") for name in people}
    make_user(provider, Role.COORDINATOR, email="coordinator@p1.example")
    make_user(provider, Role.PROVIDER_MANAGER, email="manager@p1.example")
    carer = make_user(provider, Role.CARE_WORKER, email="sam@p1.example")
    sam.user = carer
    sam.save(update_fields=["user"])
    return dict(
        contract=contract, team=team, today=today, base=base, sam=sam, kim=kim, lou=lou, visits=visits, people=people
    )


def drag(page, source, target) -> None:
    """Drag and drop with real mouse moves (HTML5 drag events need the intermediate moves)."""
    source.scroll_into_view_if_needed()
    box = source.bounding_box()
    page.mouse.move(box["x"] + min(12, box["width"] / 2), box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 30, box["y"] + 30, steps=5)
    target.scroll_into_view_if_needed()
    tb = target.bounding_box()
    page.mouse.move(tb["x"] + 20, tb["y"] + 15, steps=10)
    page.mouse.up()


def feedback(page) -> str:
    # A locator, not wait_for_function: the page's Content-Security-Policy refuses string evaluation.
    page.locator("#rota-feedback:not(:empty)").wait_for()
    return page.locator("#rota-feedback").inner_text()


def row(page, ref: str):
    return page.locator(f'.rota-row[data-worker="{ref}"]')


def test_a_coordinators_morning_then_the_care_workers_day(live_server, browser, morning):
    m = morning
    ann, bob, cat = (m["visits"][n].ref for n in ("Ann", "Bob", "Cat"))
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, live_server, "coordinator@p1.example", PASSWORD)
    board = f"{live_server.url}/rota/board/?team=T1&date={m['today']:%Y-%m-%d}"
    page.goto(board)
    unassigned = page.locator("[data-unassigned]")
    for ref in (ann, bob, cat):
        assert unassigned.locator(f'[data-visit="{ref}"]').count() == 1
    screenshot(page, "rota-board")
    assert serious_violations(page) == []

    # Drag Ann onto Sam, then Bob: the walk between them and Bob's missing skill show on Sam's row.
    drag(page, unassigned.locator(f'[data-visit="{ann}"]'), row(page, "W-SAM").locator(".rota-row__head"))
    assert "planned for Sam Carter" in feedback(page)
    assert row(page, "W-SAM").locator(f'[data-visit="{ann}"]').count() == 1
    page.evaluate("document.getElementById('rota-feedback').textContent = ''")
    drag(page, unassigned.locator(f'[data-visit="{bob}"]'), row(page, "W-SAM").locator(".rota-row__head"))
    assert "Warnings: Needs hoist: Sam Carter does not have it." in feedback(page)
    assert row(page, "W-SAM").locator('[data-travel="17"]').inner_text().startswith("17 min")
    assert "Needs hoist: Sam Carter does not have it." in row(page, "W-SAM").locator("[data-warnings]").inner_text()
    screenshot(page, "rota-board-planned")

    # Move Bob to Kim, then back to the list.
    page.evaluate("document.getElementById('rota-feedback').textContent = ''")
    drag(page, row(page, "W-SAM").locator(f'[data-visit="{bob}"]'), row(page, "W-KIM").locator(".rota-row__head"))
    assert "instead of Sam Carter" in feedback(page)
    assert row(page, "W-KIM").locator(f'[data-visit="{bob}"]').count() == 1
    assert row(page, "W-SAM").locator(f'[data-visit="{bob}"]').count() == 0
    page.evaluate("document.getElementById('rota-feedback').textContent = ''")
    drag(page, row(page, "W-KIM").locator(f'[data-visit="{bob}"]'), page.locator("#unassigned-heading"))
    assert "Kim Patel taken off" in feedback(page)
    assert page.locator(f'[data-unassigned] [data-visit="{bob}"]').count() == 1
    assert not Assignment.objects.filter(visit__ref=bob).exists()

    # The keyboard path: Bob's "Assign" link, then Sam, one more press.
    page.locator(f'[data-unassigned] [data-visit="{bob}"] a').focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/assign/**")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Assign Sam Carter").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/rota/board/?team=T1&date={m['today']:%Y-%m-%d}")
    assert row(page, "W-SAM").locator(f'[data-visit="{bob}"]').count() == 1

    # Cat clashes with Ann: refused, and Cat stays in the list.
    drag(page, unassigned.locator(f'[data-visit="{cat}"]'), row(page, "W-SAM").locator(".rota-row__head"))
    refusal = feedback(page)
    assert refusal.startswith("Not planned: Sam Carter already has a visit then:") and "Ann Jones" in refusal
    assert page.locator(f'[data-unassigned] [data-visit="{cat}"]').count() == 1
    assert not Assignment.objects.filter(visit__ref=cat).exists()

    # Add a shift for Lou on the board.
    page.get_by_text("Add a shift", exact=True).last.click()
    form = page.locator("#add-shift form")
    form.get_by_label("Care worker").select_option("W-LOU")
    form.get_by_label("Start").fill("16:00")
    form.get_by_label("End").fill("20:00")
    form.get_by_label("Unpaid break in minutes").fill("0")
    with page.expect_navigation():
        form.get_by_role("button", name="Add shift").click()
    assert "Shift added for Lou Reed, 16:00-20:00." in page.locator("main").inner_text()
    assert row(page, "W-LOU").locator(".rota-shift").inner_text().startswith("Care 16:00-20:00")

    # Publish the week.
    with page.expect_navigation():
        page.get_by_role("button", name="Publish rota").click()
    assert page.get_by_test_id("published").inner_text().startswith("Published")
    page.set_viewport_size(PHONE)
    screenshot(page, "rota-board-phone")
    assert serious_violations(page) == []
    context.close()

    # The care worker's day, on a phone at Ann's door (40 m away).
    phone = browser.new_context(
        viewport=PHONE, geolocation={"latitude": 53.80036, "longitude": -1.55}, permissions=["geolocation"]
    )
    phone.set_default_timeout(15_000)
    page = phone.new_page()
    log_in(page, live_server, "sam@p1.example", PASSWORD)
    page.goto(f"{live_server.url}/rota/my/")
    mine = page.locator("[data-worker='W-SAM']")
    assert mine.locator(f'[data-visit="{ann}"]').first.is_visible()
    assert mine.locator(f'li[data-visit="{bob}"]').first.inner_text().find("Bob's breakfast") >= 0
    assert "Travel 17 min (walk)" in page.locator("main").inner_text()
    screenshot(page, "my-rota-phone")
    assert serious_violations(page) == []
    for ref, who in ((ann, "Ann"), (bob, "Bob")):
        with page.expect_navigation():  # the location is asked for first, then the form is sent
            page.locator(f'li[data-visit="{ref}"]').get_by_role("button", name=f"Check in to {who}").click()
        assert "Checked in at" in page.locator(f'li[data-visit="{ref}"]').inner_text()
        with page.expect_navigation():
            page.locator(f'li[data-visit="{ref}"]').get_by_role("button", name=f"Check out from {who}").click()
        assert "Done" in page.locator(f'li[data-visit="{ref}"]').inner_text()
    page.set_viewport_size(DESKTOP)
    assert serious_violations(page) == []
    phone.close()
    ann_att = Attendance.objects.get(visit__ref=ann)
    assert ann_att.method == "app"
    assert AppRecord.objects.filter(visit__ref=ann, kind="check_in", within_150m=True).exists()

    # The week's return, as the manager sees it: Ann and Bob delivered, Cat (still unplanned) not.
    monday = m["today"] - timedelta(days=m["today"].weekday())
    wr = weekly_return_compute(contract_id=m["contract"].pk, week_start=monday)
    manager = browser.new_context(viewport=DESKTOP)
    page = manager.new_page()
    log_in(page, live_server, "manager@p1.example", PASSWORD)
    page.goto(f"{live_server.url}/reporting/returns/{wr.pk}/")
    kpi7 = page.locator("table.homecare-kpis tr", has_text="7. ").first.locator("td")
    assert kpi7.nth(1).inner_text().endswith("2 of 3")
    # Measure 14 (4-weekly) may sit in a folded part of the page: its text, shown or not.
    m14 = page.locator("section.homecare-measure", has=page.locator("#measure-14")).text_content()
    assert re.search(r"Travel minutes:\s*17(?!\d)", m14), m14
    manager.close()

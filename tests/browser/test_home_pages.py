"""Each role logs in through the real form and finds its own work on its home page, with figures
worked out by hand from the data built here (around the real clock: "today" and "last week" are the
server's), and no serious or critical accessibility violations at desktop and phone widths.

The data: Provider One (P1, Armley Care) and Provider Two (P2); the council commissions lot 1 of both
contracts, the trust lot 2. Last complete week: P1's return is a draft with KPI 5 at 93 of 100 (target
95); P2's is signed off with KPI 7 at 90 of 100 (target 98, red). Both contracts' returns are due the
Monday after the week (`return_due_days` 1, the least), so from Tuesday on P1's is missing (and its
draft overdue); on a Monday it is not due yet. Today at 12:00 and 12:30 Ann and
Bob have visits; Sam (no shift today) is planned on Ann's, Bob's has nobody yet."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from commissioning.models import Contract, Lot, Organisation
from demo.logins import DEMO_PASSWORD, demo_users_ensure
from homecare.lib.dates import LONDON
from outcomes.models import Package, PackageChange, Person, Review
from reporting.dashboard.selectors import last_complete_week
from reporting.models.money import Invoice
from rota.models import Visit
from rota.plan_models import Assignment, Publication
from tests.browser.conftest import log_in, screenshot, serious_violations
from tests.conftest import make_contract
from tests.reporting.dashboard_builders import figures, stored
from workforce.models import Absence, Team, Worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def story(neighbourhood, council, trust):
    p1 = Organisation.objects.create(kind="provider", ref="P1", name="Armley Care")
    p2 = Organisation.objects.create(kind="provider", ref="P2", name="Provider Two")
    c1 = make_contract(p1, neighbourhood, council, trust, ref="C-P1")
    c2 = make_contract(p2, neighbourhood, council, trust, ref="C-P2")
    Contract.objects.filter(pk__in=[c1.pk, c2.pk]).update(return_due_days=1)
    now = timezone.now()
    today = now.astimezone(LONDON).date()
    week = last_complete_week(now)
    stored(c1, week, figures({1: {5: (93, 100), 7: (99, 100)}}), status="draft")
    sunday_noon = datetime.combine(week + timedelta(days=6), time(12), tzinfo=LONDON)
    stored(c2, week, figures({1: {7: (90, 100)}}), submitted_at=sunday_noon)
    lot1 = Lot.objects.get(contract=c1, number=1)
    Invoice.objects.create(
        provider=p1, contract=c1, lot=lot1, commissioner=council, period_start=today - timedelta(days=40),
        period_end=today - timedelta(days=13), data={}, total=Decimal("1234.50"),
    )  # fmt: skip

    team = Team.objects.create(provider=p1, ref="T1", neighbourhood=neighbourhood, name="Armley team")
    sam, kim = (
        Worker.objects.create(
            provider=p1,
            ref=ref,
            team=team,
            name=name,
            started=today - timedelta(days=100),
            contract_type="zero_hours",
            pay_rate=Decimal("13.45"),
        )  # fmt: skip
        for ref, name in (("W-SAM", "Sam Carter"), ("W-KIM", "Kim Patel"))
    )
    Absence.objects.create(
        provider=p1, ref="AB1", worker=kim, start=today, end=today + timedelta(days=2), kind="sickness"
    )
    ann = Person.objects.create(provider=p1, ref="Q1", contract=c1, lot=1, name="Ann Example")
    bob = Person.objects.create(provider=p1, ref="Q2", contract=c1, lot=1, name="Bob Example")
    pk_ann, pk_bob = (
        Package.objects.create(
            provider=p1,
            ref=f"PK-{p.ref}",
            person=p,
            lot=1,
            start=today - timedelta(days=200),
            planned_weekly_hours=Decimal("7"),
        )  # fmt: skip
        for p in (ann, bob)
    )
    for person, clock in ((ann, time(12)), (bob, time(12, 30))):
        start = datetime.combine(today, clock, tzinfo=LONDON)
        Visit.objects.create(
            provider=p1, ref=f"V-{person.ref}", person=person, team=team, planned_start=start,
            planned_end=start + timedelta(minutes=30),
        )  # fmt: skip
    Assignment.objects.create(provider=p1, visit=Visit.objects.get(ref="V-Q1"), worker=sam)
    Publication.objects.create(provider=p1, team=team, week=today - timedelta(days=today.weekday()))
    Review.objects.create(provider=p1, ref="RV1", package=pk_ann, kind="provider", due=today - timedelta(days=7))
    PackageChange.objects.create(
        provider=p1, ref="CH1", package=pk_bob, effective=today - timedelta(days=35), new_weekly_hours=Decimal("9"),
        by="provider", reason="other", decision="pending", submitted_for_approval=today - timedelta(days=3),
    )  # fmt: skip
    demo_users_ensure()  # logins for both providers and both commissioners; Sam is the demo care worker
    return {"week": week, "today": today}


def _main(page) -> str:
    return " ".join(page.locator("main").inner_text().split())


# (login, what its home page must say: whole sentences worked out from the story above)
HOMES = [
    (
        "manager@p1.example",
        [
            "Draft, not signed off",
            "OVERDUE",
            "KPI 5 Reviews up to date: 93.0% (target 95.0%)",
            "1 draft invoice totalling £1,234.50.",
            "1 care worker absent: 1 sickness.",
            "Kim Patel: sickness until",
        ],
    ),
    ("coordinator@p1.example", ["2 visits, 1 still to place and 1 warning to look at."]),
    ("assessor@p1.example", ["1 overdue and 0 due in the next 14 days.", "Q1 Ann Example: due"]),
    ("carer@p1.example", ["1 visit, 0 done.", "Next: 12:00 with Ann."]),
    (
        "officer@lcc.example",
        [
            "2 lots you commission, 1 with the return submitted on time.",
            "Provider Two, C-P2 lot 1: KPI 7 Visits completed 90.0% (90 of 100; target 98.0%)",
            "Armley Care, C-P1 lot 1: Missing (due by Monday",
        ],
    ),
    (
        "social-worker@lcc.example",
        ["1 change waiting for a decision.", "Q2 Bob Example (Armley Care): 9.00 hours a week"],
    ),
]


@pytest.mark.parametrize(("email", "expected"), HOMES, ids=[h[0].split("@")[0] for h in HOMES])
def test_each_role_sees_its_own_work_on_its_home_page(live_server, page, story, email, expected):
    log_in(page, live_server, email, DEMO_PASSWORD)
    assert page.url == f"{live_server.url}/"
    text = _main(page)
    if timezone.localdate().weekday() == 0:  # Monday: last week's return is not due until tonight
        expected = [e for e in expected if e != "OVERDUE" and "Missing" not in e]
    for sentence in expected:
        if sentence == "OVERDUE":
            assert page.get_by_test_id("return-status").get_by_text("Overdue").is_visible()
            continue
        assert sentence in text, f"{sentence!r} not on {email}'s home page"
    assert "Coming to this page" not in text
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        screenshot(page, f"home-panels-{email.split('@')[0]}-{size}")
        assert serious_violations(page) == [], size


def test_another_providers_home_shows_none_of_provider_ones_work(live_server, page, story):
    log_in(page, live_server, "manager@p2.example", DEMO_PASSWORD)
    text = _main(page)
    # Provider Two's own return is signed off; nothing of Provider One's draft, invoice or staff.
    assert "Signed off" in text and "C-P2" in text
    for theirs in ("C-P1", "Armley Care", "£1,234.50", "Kim Patel", "KPI 5"):
        assert theirs not in text

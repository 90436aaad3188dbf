"""The pages: the people list's search and filters, a person's page, the change form's errors beside
each field, the queue's order and flags, the reviews due, and notifications in the header. Dates are
relative to today (the pages use the real date)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from commissioning.models import Notification
from outcomes.models import OutcomeAssessment, Package, PackageChange, Person, Review
from outcomes.services import package_change_log

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def text(response) -> str:
    """The page's words, without tags, spaces squeezed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def recent(pk1):
    """Ann's package started 100 days ago (the form's date rules are relative to today)."""
    Package.objects.filter(pk=pk1.pk).update(start=TODAY - timedelta(days=100))
    pk1.refresh_from_db()
    return pk1


def test_the_change_form_shows_each_problem_beside_its_field_and_saves_nothing(client, assessor, recent):
    client.force_login(assessor)
    url = f"/outcomes/packages/{recent.ref}/changes/new/"
    page = client.get(url)
    assert page.status_code == 200
    assert (
        "A change of up to 3.00 hours a week and up to 25% of the hours before applies from its date at once."
        in text(page)
    )
    response = client.post(
        url,
        {
            "new_weekly_hours": "-2",
            "effective": (TODAY + timedelta(days=29)).isoformat(),
            "reason": "right_sizing",
            "consent_date": "31/02/2025",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    errors = dict(
        re.findall(r'id="id_(\w+)-error"><span class="nhsuk-u-visually-hidden">Error:</span> ([^<]+)</span>', html)
    )
    latest = TODAY + timedelta(days=28)
    assert errors == {
        "new_weekly_hours": "Weekly hours cannot be below 0.",
        "effective": f"The change cannot take effect more than 28 days ahead (the latest is {latest.day} {latest:%B %Y}).",
        "consent_by": "Record who agreed to the change: the person, their advocate or their family.",
        "consent_date": "Enter a real date, like 15 March 2025.",
    }
    assert "There is a problem" in html
    assert not PackageChange.objects.exists()


def test_a_saved_change_shows_on_the_persons_page_at_once(client, assessor, recent):
    client.force_login(assessor)
    response = client.post(
        f"/outcomes/packages/{recent.ref}/changes/new/",
        {
            "new_weekly_hours": "10.5",
            "effective": TODAY.isoformat(),
            "reason": "enablement",
            "consent_by": "advocate",
            "consent_date": TODAY.isoformat(),
            "note": "Makes her own lunch now.",
        },
        follow=True,
    )
    page = text(response)
    assert response.redirect_chain[-1][0] == "/outcomes/people/Q1/?provider=P1"
    assert f"is saved: the package is 10.50 hours a week from {TODAY.day} {TODAY:%B %Y}" in page
    assert "Planned weekly hours now 10.50" in page
    assert "12.00 → 10.50" in page and "Agreed by their advocate" in page and "Applied" in page
    today = f"{TODAY.day} {TODAY:%b %Y}"
    assert (
        f"Hours change CH-PK1-1: created By trusted_assessor Changes New weekly hours: 10.50 Effective: {today} "
        f"By: Provider (trusted assessor) Reason: Enablement Consent by: Their advocate Consent date: {today}"
    ) in page
    html = response.content.decode()
    assert 'data-testid="hours-chart"' in html and "<title" in html
    assert "Change 1: 10.50 hours a week from" in html  # the marker's title in the chart
    assert "care-plan-prompt" in html


def test_people_can_be_found_by_ref_or_name_and_filtered(client, assessor, ann, pk1, bob, pk2, provider, limits):
    Review.objects.create(provider=provider, ref="R1", package=pk1, kind="provider", due=TODAY - timedelta(days=1))
    Review.objects.create(provider=provider, ref="R2", package=pk2, kind="provider", due=TODAY + timedelta(days=30))
    PackageChange.objects.create(
        provider=provider, ref="C1", package=pk2, effective=TODAY, new_weekly_hours=D("8"), by="provider",
        reason="other", consent_by="person", submitted_for_approval=TODAY, prior_approval=True,
    )  # fmt: skip
    OutcomeAssessment.objects.create(
        provider=provider,
        ref="A1",
        person=ann,
        date=TODAY - timedelta(days=115),
        wellbeing_independence=3,
        home=3,
        community=3,
    )
    client.force_login(assessor)

    def refs(query: str) -> list[str]:
        return re.findall(
            r'href="/outcomes/people/(\w+)/\?provider=P1"', client.get(f"/outcomes/people/{query}").content.decode()
        )

    assert refs("") == ["Q1", "Q2"]
    assert refs("?q=bob") == ["Q2"] and refs("?q=q1") == ["Q1"]
    assert refs("?lot=2") == ["Q2"]
    assert refs("?review_overdue=on") == ["Q1"]
    assert refs("?change_waiting=on") == ["Q2"]
    # Ann (lot 1) was assessed 115 days ago: due again in 7 days. Bob is on lot 2.
    assert refs("?outcomes_due=on") == ["Q1"]


def test_the_people_list_is_paginated(client, assessor, provider, limits):
    for n in range(30):
        Person.objects.create(provider=provider, ref=f"P{n:02d}", contract=limits, lot=1)
    client.force_login(assessor)
    first = client.get("/outcomes/people/").content.decode()
    second = client.get("/outcomes/people/?page=2").content.decode()
    assert "30 people" in first and first.count('href="/outcomes/people/P') == 25
    assert second.count('href="/outcomes/people/P') == 5 and "P29" in second


def test_the_queue_is_oldest_first_and_flags_changes_waiting_over_10_working_days(
    client, social_worker, pk1, provider, ann
):
    other = Package.objects.create(
        provider=provider, ref="PK9", person=ann, lot=1, start=pk1.start, planned_weekly_hours=D("5")
    )
    for ref, package, days in (("NEW", pk1, 2), ("OLD", other, 21)):
        PackageChange.objects.create(
            provider=provider, ref=ref, package=package, effective=TODAY - timedelta(days=days + 28),
            new_weekly_hours=D("4"), by="provider", reason="other", consent_by="person",
            submitted_for_approval=TODAY - timedelta(days=days),
        )  # fmt: skip
    client.force_login(social_worker)
    page = text(client.get("/outcomes/approvals/"))
    assert page.index("change OLD") < page.index("change NEW")
    # 21 calendar days always hold at least 13 working days (3 weeks less at most 2 bank holidays).
    assert page.count("Over 10 working days") == 1
    assert "21 days" in page and "2 days" in page


def test_the_reviews_page_lists_reviews_due_in_14_days_and_overdue(client, assessor, pk1, pk2, provider):
    for ref, package, days in (("LATE", pk1, -3), ("SOON", pk2, 14), ("LATER", pk2, 15)):
        Review.objects.create(
            provider=provider, ref=ref, package=package, kind="provider", due=TODAY + timedelta(days=days)
        )
    client.force_login(assessor)
    page = text(client.get("/outcomes/reviews/"))
    assert "1 overdue , 1 due soon" in page.replace("overdue,", "overdue ,")
    assert "Q1 Ann Example" in page and "Q2 Bob Example" in page and "(in 14 days)" in page


def test_the_header_counts_unread_notifications(client, assessor, recent, provider):
    from commissioning.models import Role
    from tests.conftest import make_user

    coordinator = make_user(provider, Role.COORDINATOR)
    package_change_log(
        actor=assessor, package=recent, new_weekly_hours=D("11"), effective=TODAY, reason="other",
        consent_by="person", consent_date=TODAY,
    )  # fmt: skip
    client.force_login(coordinator)
    home = client.get("/").content.decode()
    assert re.search(
        r'Notifications <span class="homecare-count">1</span><span class="nhsuk-u-visually-hidden"> unread', home
    )
    note = Notification.objects.get(user=coordinator)
    response = client.get(f"/commissioning/notifications/{note.pk}/")
    assert response.status_code == 302 and response["Location"] == "/outcomes/people/Q1/?provider=P1"
    assert 'class="homecare-count"' not in client.get("/").content.decode()


def test_a_review_date_on_the_package_record_counts_when_no_review_is_open(client, assessor, pk1, pk2, provider):
    Package.objects.filter(pk=pk1.pk).update(review_due=TODAY - timedelta(days=2))  # no Review row
    Package.objects.filter(pk=pk2.pk).update(review_due=TODAY - timedelta(days=2))
    Review.objects.create(provider=provider, ref="R2", package=pk2, kind="provider", due=TODAY + timedelta(days=20))
    client.force_login(assessor)
    html = client.get("/outcomes/people/?review_overdue=on").content.decode()
    # Ann's package record says a review was due two days ago; Bob's open review (due in 20 days) wins.
    assert re.findall(r'href="/outcomes/people/(\w+)/\?provider=P1"', html) == ["Q1"]

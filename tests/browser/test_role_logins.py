"""Each role logs in through the real form on a live server, lands on its own home page, and the
pages they see have no serious or critical accessibility violations (axe-core)."""

from __future__ import annotations

import pytest

from commissioning.models import Organisation
from demo.logins import DEMO_PASSWORD, demo_users_ensure
from tests.browser.conftest import log_in, screenshot, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (email, heading the home page shows, organisation named above it)
HOMES = [
    ("manager@p1.example", "Provider manager", "Armley Care"),
    ("coordinator@p1.example", "Coordinator", "Armley Care"),
    ("assessor@p1.example", "Trusted assessor", "Armley Care"),
    ("carer@p1.example", "Care worker", "Armley Care"),
    ("officer@lcc.example", "Commissioner officer", "Leeds City Council"),
    ("social-worker@lcc.example", "Social worker", "Leeds City Council"),
]


@pytest.fixture
def demo(db):
    Organisation.objects.create(kind="provider", ref="P1", name="Armley Care")
    Organisation.objects.create(kind="commissioner", ref="LCC", name="Leeds City Council")
    return demo_users_ensure()


def test_the_login_page_is_accessible(live_server, page):
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert page.get_by_role("heading", name="Log in to homecare").is_visible()
    assert page.get_by_role("link", name="Skip to main content").count() == 1
    screenshot(page, "login")
    assert serious_violations(page) == []


def test_a_wrong_password_shows_an_error_summary(live_server, page, demo):
    log_in(page, live_server, "manager@p1.example", "not-the-password")
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert "/accounts/login/" in page.url
    screenshot(page, "login-error")
    assert serious_violations(page) == []


@pytest.mark.parametrize(("email", "heading", "organisation"), HOMES, ids=[h[1] for h in HOMES])
def test_each_role_lands_on_its_own_home_page(live_server, page, demo, email, heading, organisation):
    log_in(page, live_server, email, DEMO_PASSWORD)
    assert page.url == f"{live_server.url}/"
    assert page.get_by_test_id("home-heading").inner_text() == heading
    assert organisation in page.locator("main").inner_text()
    # The header says who is acting for which organisation.
    assert page.get_by_test_id("account-roles").inner_text() == f"{heading}, {organisation}"
    screenshot(page, f"home-{email.split('@')[0]}")
    assert serious_violations(page) == []

"""An organisation admin invites a colleague and issues an API token in the browser; the MFA setup
page and the admin pages pass the axe scan."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail

from commissioning.models import ApiToken, Organisation, User
from demo.logins import DEMO_PASSWORD, demo_users_ensure
from tests.browser.conftest import log_in, screenshot, serious_violations
from tests.test_login_security import SECRET, totp_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    Organisation.objects.create(kind="provider", ref="P1", name="Armley Care")
    Organisation.objects.create(kind="commissioner", ref="LCC", name="Leeds City Council")
    return demo_users_ensure()


def test_a_provider_admin_invites_a_coordinator(live_server, page, demo):
    log_in(page, live_server, "manager@p1.example", DEMO_PASSWORD)
    page.locator("main").get_by_role("link", name="Users", exact=True).click()
    assert page.get_by_role("heading", name="Users", exact=True).is_visible()
    screenshot(page, "org-users")
    assert serious_violations(page) == []

    page.get_by_role("button", name="Invite a user").click()
    # A provider admin is offered provider roles only.
    labels = page.locator("label.nhsuk-checkboxes__label").all_inner_texts()
    assert "Coordinator" in labels and "Social worker" not in labels
    page.get_by_role("button", name="Send invitation").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    screenshot(page, "org-invite-errors")
    assert serious_violations(page) == []

    page.get_by_label("Full name").fill("Nia Coordinator")
    page.get_by_label("Email address").fill("nia@p1.example")
    page.get_by_label("Coordinator").check()
    page.get_by_role("button", name="Send invitation").click()
    assert "Invitation sent to nia@p1.example." in page.locator("main").inner_text()
    row = page.get_by_role("row").filter(has_text="nia@p1.example")
    assert "Invited" in row.inner_text()
    nia = User.objects.get(email="nia@p1.example")
    assert nia.organisation.ref == "P1" and nia.roles == ["coordinator"]
    assert [m.to for m in mail.outbox] == [["nia@p1.example"]]


def test_a_provider_admin_issues_a_token_shown_once(live_server, page, demo):
    log_in(page, live_server, "manager@p1.example", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/commissioning/tokens/")
    screenshot(page, "org-tokens")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Create a token").click()
    # No authenticator yet: the page says to set one up first.
    assert page.get_by_role("heading", name="Set up two-factor authentication first").is_visible()
    assert serious_violations(page) == []
    TOTP.activate(User.objects.get(email="manager@p1.example"), SECRET)
    page.goto(f"{live_server.url}/commissioning/tokens/new/")
    # A code from the authenticator app, then back to the form.
    assert "/accounts/2fa/reauthenticate/" in page.url
    page.get_by_label("Code").fill(totp_now(SECRET))
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()
    assert page.get_by_role("heading", name="Create an API token").is_visible()
    screenshot(page, "org-token-form")
    assert serious_violations(page) == []
    page.get_by_label("Name").fill("ECM nightly upload")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create token").click()
    key = page.get_by_test_id("token-key").inner_text().strip()
    screenshot(page, "org-token-issued")
    assert serious_violations(page) == []
    token = ApiToken.objects.get(name="ECM nightly upload")
    assert key.startswith(token.prefix) and key not in token.key_hash and token.scope == "write"
    page.reload()  # the key was shown once; reloading makes no other token
    assert key not in page.content() and "cannot be shown again" in page.content()
    assert ApiToken.objects.count() == 1
    page.get_by_role("link", name="Back to API tokens").click()
    assert key not in page.content()  # never shown again


def test_the_mfa_setup_page_is_accessible(live_server, page, demo):
    log_in(page, live_server, "officer@lcc.example", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/accounts/2fa/totp/activate/")
    # allauth asks for the password again before changing how the account is protected.
    assert "/accounts/reauthenticate/" in page.url
    screenshot(page, "mfa-reauthenticate")
    assert serious_violations(page) == []
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()
    assert page.get_by_role("heading", name="Activate Authenticator App").is_visible()
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    screenshot(page, "mfa-activate")
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/accounts/2fa/")
    screenshot(page, "mfa-index")
    assert serious_violations(page) == []


def test_the_system_check_page_answers_pong(live_server, page, demo):
    # Tests run Celery eagerly; tests/test_celery_worker.py covers a real worker.
    log_in(page, live_server, "officer@lcc.example", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/commissioning/system/")
    page.get_by_role("button", name="Try Celery").click()
    assert page.get_by_test_id("celery-result").inner_text() == "Worker answer: pong"
    assert serious_violations(page) == []

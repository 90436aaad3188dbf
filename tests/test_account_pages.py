"""allauth's pages render inside the NHS.UK layout: header, skip link, design system classes,
and nothing that invites public sign-up."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from tests.conftest import PASSWORD

ANONYMOUS_PAGES = ["account_login", "account_reset_password", "account_reset_password_done"]
LOGGED_IN_PAGES = ["mfa_index", "account_logout", "account_email", "account_change_password"]


def assert_nhs_layout(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="nhsuk-header"' in html and "Skip to main content" in html
    assert "nhsuk-heading-l" in html
    assert "sign up" not in html.lower()
    return html


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_public_account_pages_use_the_layout(client, db, name):
    assert_nhs_layout(client.get(reverse(name)))


@pytest.mark.parametrize("name", LOGGED_IN_PAGES)
def test_account_pages_use_the_layout(client, manager, name):
    client.force_login(manager)
    assert_nhs_layout(client.get(reverse(name)))


def test_signup_is_closed(client, db):
    response = client.get(reverse("account_signup"))
    assert "Sign-up is closed" in assert_nhs_layout(response)


def test_the_code_entry_page_uses_the_layout(client, officer):
    EmailAddress.objects.create(user=officer, email=officer.email, verified=True, primary=True)
    TOTP.activate(officer, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.post(reverse("account_login"), {"login": officer.email, "password": PASSWORD})
    html = assert_nhs_layout(client.get(reverse("mfa_authenticate")))
    assert 'class="nhsuk-input"' in html and '<label class="nhsuk-label" for="id_code">Code</label>' in html


def test_recovery_codes_and_deactivation_pages_use_the_layout(client, officer):
    EmailAddress.objects.create(user=officer, email=officer.email, verified=True, primary=True)
    TOTP.activate(officer, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(officer)
    # Changing how the account is protected needs the password again (allauth's reauthentication).
    response = client.get(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    assert_nhs_layout(client.get(response["Location"]))
    client.post(response["Location"], {"password": PASSWORD})
    assert_nhs_layout(client.get(reverse("mfa_deactivate_totp")))
    assert_nhs_layout(client.get(reverse("mfa_generate_recovery_codes")))

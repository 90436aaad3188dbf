"""Login security: MFA (TOTP) is forced on every role but care workers when HOMECARE_REQUIRE_MFA is
on, a TOTP user must enter a code after the password, and failed logins are rate limited."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from commissioning.models import Role, User
from tests.conftest import PASSWORD, make_user

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_now(secret: str) -> str:
    """RFC 6238 (SHA-1, 30 s, 6 digits), written out here rather than borrowed from allauth."""
    counter = struct.pack(">Q", int(time.time()) // 30)
    digest = hmac.new(base64.b32decode(secret), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def log_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.fixture
def require_mfa(settings):
    settings.HOMECARE_REQUIRE_MFA = True


def test_with_mfa_required_a_manager_must_set_up_totp_before_anything_else(client, manager, require_mfa):
    verified(manager)
    log_in(client, manager.email)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # The account pages (and the activation itself) stay reachable.
    assert client.get(reverse("mfa_index")).status_code == 200


def test_with_mfa_required_a_care_worker_is_not_asked_for_totp(client, provider, require_mfa):
    carer = verified(make_user(provider, Role.CARE_WORKER))
    log_in(client, carer.email)
    assert client.get("/").status_code == 200


def test_with_mfa_required_a_commissioner_with_totp_gets_in(client, officer, require_mfa):
    verified(officer)
    TOTP.activate(officer, SECRET)
    response = log_in(client, officer.email)
    # Password alone is not enough: allauth's second stage asks for the code.
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/").status_code == 302  # not logged in yet
    response = client.post(reverse("mfa_authenticate"), {"code": totp_now(SECRET)})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert b"Commissioner officer" in home.content


def test_a_wrong_totp_code_keeps_the_user_out(client, officer):
    verified(officer)
    TOTP.activate(officer, SECRET)
    log_in(client, officer.email)
    wrong = f"{(int(totp_now(SECRET)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert client.get("/").status_code == 302


def test_mfa_is_off_by_default_outside_production(client, manager):
    verified(manager)
    log_in(client, manager.email)
    assert client.get("/").status_code == 200
    assert not Authenticator.objects.filter(user=manager).exists()


def test_repeated_failed_logins_are_rate_limited(client, manager, settings):
    # Base settings: 5 failures per 5 minutes per address (tests switch limits off by default).
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/ip,5/5m/key", "login": "30/m/ip"}
    verified(manager)
    for _ in range(5):
        assert b"are not correct" in log_in(client, manager.email, "wrong password!").content
    blocked = log_in(client, manager.email, PASSWORD)
    # Even the right password is refused now, with the reason shown in the error summary.
    assert blocked.status_code == 200
    assert b"Too many failed login attempts" in blocked.content
    assert client.get("/").status_code == 302


def test_base_settings_turn_allauth_login_rate_limits_on():
    from homecare.settings import base

    assert base.ACCOUNT_RATE_LIMITS["login_failed"] == "5/5m/ip,5/5m/key"
    assert base.ACCOUNT_RATE_LIMITS["login"] == "30/m/ip"


def test_with_mfa_required_a_session_without_totp_cannot_use_the_api(client, manager, require_mfa):
    verified(manager)
    log_in(client, manager.email)
    response = client.get("/api/schema/")
    assert response.status_code == 403
    assert response.json()["errors"][0]["message"].startswith("Set up two-factor authentication")


def test_with_mfa_required_an_api_token_still_works(client, manager, require_mfa):
    from commissioning.services import api_token_issue

    _, key = api_token_issue(organisation=manager.organisation, name="ecm")
    assert client.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_with_mfa_required_a_superuser_without_roles_must_set_up_totp(client, require_mfa, db):
    """A platform superuser as createsuperuser makes one (no roles) reaches every tenant's admin: not
    with a password alone."""
    root = verified(User.objects.create_superuser("root@platform.example", PASSWORD))
    log_in(client, root.email)
    for path in ("/", "/admin/", "/admin/commissioning/organisation/"):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, reverse("mfa_activate_totp")), path
    assert client.get("/api/v1/returns/").status_code == 403


@pytest.mark.parametrize(
    "roles, flags, needs",
    [
        ([Role.CARE_WORKER], {}, False),
        ([Role.CARE_WORKER], {"is_org_admin": True}, True),
        ([Role.CARE_WORKER], {"is_staff": True}, True),
        ([Role.CARE_WORKER, Role.COORDINATOR], {}, True),
        ([], {}, True),
        ([Role.SOCIAL_WORKER], {}, True),
    ],
)
def test_everyone_but_a_plain_care_worker_needs_totp(provider, roles, flags, needs):
    assert make_user(provider, *roles, email="someone@p1.example", **flags).needs_mfa is needs


def test_with_mfa_required_a_care_worker_who_is_an_org_admin_must_set_up_totp(client, provider, require_mfa):
    carer = verified(make_user(provider, Role.CARE_WORKER, is_org_admin=True))
    log_in(client, carer.email)
    assert client.get("/")["Location"] == reverse("mfa_activate_totp")

"""API tokens: issued by a provider manager or commissioner officer who is an organisation admin and
entered a TOTP code in the last 15 minutes; shown once (post, redirect, get); stored as SHA-256 with
a prefix; read or write; working until their last day or until revoked; last use shown."""

from __future__ import annotations

import hashlib
import io
import time
from datetime import date, timedelta

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from commissioning.models import ApiToken, Role
from commissioning.services import api_token_issue, api_token_revoke
from tests.conftest import make_user

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ECM_BATCH = {"attendances": []}


def with_totp(client, user, *, minutes_ago: float = 0):
    """Log `user` in with a TOTP authenticator, as if they had entered a code `minutes_ago`."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    authenticator = existing or TOTP.activate(user, SECRET).instance
    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time() - minutes_ago * 60 - 5, "email": user.email},
        {"method": "mfa", "at": time.time() - minutes_ago * 60, "type": "totp", "id": authenticator.pk},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def issue(org, **kwargs) -> tuple[ApiToken, str]:
    return api_token_issue(organisation=org, name=kwargs.pop("name", "ECM upload"), **kwargs)


def auth(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def test_a_token_is_stored_hashed_with_its_prefix_and_lasts_a_year(manager):
    token, key = issue(manager.organisation, actor=manager)
    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(token.prefix) and len(token.prefix) == 10
    assert key not in (token.key_hash, token.name, token.prefix)
    assert (token.organisation, token.created_by, token.revoked) == (manager.organisation, manager, None)
    assert token.scope == "read"
    assert token.expires == timezone.localdate() + timedelta(days=365)


def test_a_token_authenticates_the_api_until_it_is_revoked(client, manager):
    token, key = issue(manager.organisation)
    assert client.get("/api/v1/returns/", **auth(key)).status_code == 200
    api_token_revoke(actor=manager, token=token)
    response = client.get("/api/v1/returns/", **auth(key))
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "Invalid or revoked token."


def test_a_read_token_reads_but_may_not_write(client, provider, contract):
    _, key = issue(provider, scope="read")
    assert client.get("/api/v1/returns/", **auth(key)).status_code == 200
    for path, body in (("/api/v1/ecm/attendances", ECM_BATCH), ("/api/v1/bundles/import", {})):
        response = client.post(path, body, content_type="application/json", **auth(key))
        assert response.status_code == 403
        assert response.json()["errors"][0]["message"].startswith("This token may only read.")


def test_a_write_token_may_send_attendances_and_import(client, provider, contract):
    _, key = issue(provider, scope="write")
    assert (
        client.post("/api/v1/ecm/attendances", ECM_BATCH, content_type="application/json", **auth(key)).status_code
        == 200
    )
    # An empty body gets as far as the importer, which lists what is missing.
    assert client.post("/api/v1/bundles/import", {}, content_type="application/json", **auth(key)).status_code == 400


def test_a_token_works_on_its_last_day_and_not_after(client, provider):
    today = timezone.localdate()
    _, last_day_today = issue(provider, name="today", expires=today)
    assert client.get("/api/v1/returns/", **auth(last_day_today)).status_code == 200
    expired = ApiToken.objects.get(name="today")
    ApiToken.objects.filter(pk=expired.pk).update(expires=today - timedelta(days=1))
    response = client.get("/api/v1/returns/", **auth(last_day_today))
    assert response.status_code == 401
    yesterday = today - timedelta(days=1)
    assert response.json()["errors"][0]["message"] == f"This token expired on {yesterday.day} {yesterday:%B %Y}."


def test_last_use_is_recorded(client, provider):
    token, key = issue(provider)
    assert token.last_used is None
    before = timezone.now()
    client.get("/api/schema/", **auth(key))
    token.refresh_from_db()
    assert token.last_used >= before


def test_only_managers_and_officers_who_are_org_admins_issue_tokens(provider, council, coordinator, manager):
    with pytest.raises(PermissionDenied):
        issue(provider, actor=coordinator)  # not an org admin
    admin_coordinator = make_user(provider, Role.COORDINATOR, email="admin-coord@p1.example", is_org_admin=True)
    with pytest.raises(PermissionDenied):
        issue(provider, actor=admin_coordinator)  # an org admin, but not a manager: the flag alone is not enough
    with pytest.raises(PermissionDenied):
        issue(council, actor=manager)  # another organisation
    token, _ = issue(provider, actor=manager)
    assert token.created_by == manager


def test_the_page_asks_for_a_recent_totp_code(client, manager):
    # No authenticator yet: the page says to set one up first, and nothing is issued.
    client.force_login(manager)
    page = client.get(reverse("commissioning:token-issue"))
    assert page.status_code == 200 and b"Set up two-factor authentication first" in page.content
    assert client.post(reverse("commissioning:token-issue"), {"name": "x", "scope": "read"}).status_code == 200
    assert not ApiToken.objects.exists()
    # A code entered 20 minutes ago is too old: allauth's page asks for a new one and comes back.
    with_totp(client, manager, minutes_ago=20)
    response = client.get(reverse("commissioning:token-issue"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_reauthenticate')}?next=%2Fcommissioning%2Ftokens%2Fnew%2F"
    # 10 minutes ago is recent enough.
    client.logout()
    with_totp(client, manager, minutes_ago=10)
    assert b"Create an API token" in client.get(reverse("commissioning:token-issue")).content


def test_the_key_is_shown_once_after_a_redirect_and_reloading_makes_no_other_token(client, manager):
    with_totp(client, manager)
    last_day = timezone.localdate() + timedelta(days=30)
    response = client.post(
        reverse("commissioning:token-issue"),
        {"name": "nightly", "scope": "write", "expires": last_day.strftime("%d/%m/%Y")},
    )
    token = ApiToken.objects.get()
    assert (token.name, token.scope, token.expires) == ("nightly", "write", last_day)
    assert response.status_code == 302
    assert response["Location"] == reverse("commissioning:token-issued", args=[token.pk])
    shown = client.get(response["Location"])
    key = shown.context["key"]
    assert key.startswith(token.prefix) and key.encode() in shown.content
    assert shown["Cache-Control"] == "no-store"
    again = client.get(response["Location"])  # a reload
    assert key.encode() not in again.content and b"cannot be shown again" in again.content
    assert again["Cache-Control"] == "no-store"
    assert ApiToken.objects.count() == 1
    listing = client.get(reverse("commissioning:token-list")).content
    assert token.prefix.encode() in listing and key.encode() not in listing


def test_a_bad_expiry_is_shown_beside_the_field(client, manager):
    with_totp(client, manager)
    response = client.post(reverse("commissioning:token-issue"), {"name": "x", "scope": "read", "expires": "yesterday"})
    assert response.status_code == 200
    assert b"Enter a date like 31/12/2027." in response.content
    past = (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(reverse("commissioning:token-issue"), {"name": "x", "scope": "read", "expires": past})
    assert b"The last day must be today or later." in response.content
    assert not ApiToken.objects.exists()


def test_revoking_from_the_page(client, manager):
    token, _ = issue(manager.organisation)
    client.force_login(manager)
    assert client.post(reverse("commissioning:token-revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked is not None


def test_another_organisations_admin_cannot_revoke_it(client, manager, officer):
    token, _ = issue(manager.organisation)
    client.force_login(officer)
    assert client.post(reverse("commissioning:token-revoke", args=[token.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=officer, token=token)
    token.refresh_from_db()
    assert token.revoked is None


def test_issue_token_prints_a_new_key_once(provider):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "issue_token",
        "--organisation=P1",
        "--name=ECM nightly",
        "--scope=write",
        "--expires=2030-01-31",
        stdout=out,
        stderr=err,
    )
    key = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert hashlib.sha256(key.encode()).hexdigest() == token.key_hash
    assert (token.organisation, token.name, token.scope, token.expires) == (
        provider,
        "ECM nightly",
        "write",
        date(2030, 1, 31),
    )
    assert "31 January 2030" in err.getvalue() and key not in err.getvalue()


def test_issue_token_refuses_an_unknown_organisation_or_date(db):
    with pytest.raises(CommandError, match="No organisation with ref 'NOPE'"):
        call_command("issue_token", "--organisation=NOPE", "--name=x")
    with pytest.raises(CommandError, match="not a date"):
        call_command("issue_token", "--organisation=NOPE", "--name=x", "--expires=31/01/2030")

"""API tokens: issued by an org admin, shown once, stored as SHA-256 with a prefix, work as
`Authorization: Token <key>` for their organisation until revoked."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from commissioning.models import ApiToken
from commissioning.services import api_token_issue, api_token_revoke


def test_a_token_is_stored_hashed_with_its_prefix(manager):
    token, key = api_token_issue(actor=manager, name="ECM upload")
    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(token.prefix) and len(token.prefix) == 10
    assert key not in (token.key_hash, token.name, token.prefix)
    assert (token.organisation, token.created_by, token.revoked) == (manager.organisation, manager, None)


def test_a_token_authenticates_the_api_until_it_is_revoked(client, manager):
    token, key = api_token_issue(actor=manager, name="ECM upload")
    assert client.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    api_token_revoke(actor=manager, token=token)
    assert client.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_the_key_is_shown_once_on_the_page(client, manager):
    client.force_login(manager)
    response = client.post(reverse("commissioning:token-issue"), {"name": "nightly"})
    token = ApiToken.objects.get(name="nightly")
    key = response.context["key"]
    assert key.encode() in response.content
    assert response["Cache-Control"] == "no-store"
    listing = client.get(reverse("commissioning:token-list")).content
    assert token.prefix.encode() in listing and key.encode() not in listing


def test_revoking_from_the_page(client, manager):
    token, _ = api_token_issue(actor=manager, name="old")
    client.force_login(manager)
    assert client.post(reverse("commissioning:token-revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked is not None


def test_another_organisations_admin_cannot_revoke_it(client, manager, officer):
    token, _ = api_token_issue(actor=manager, name="mine")
    client.force_login(officer)
    assert client.post(reverse("commissioning:token-revoke", args=[token.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=officer, token=token)
    token.refresh_from_db()
    assert token.revoked is None


def test_only_org_admins_issue_tokens(coordinator):
    with pytest.raises(PermissionDenied):
        api_token_issue(actor=coordinator, name="nope")

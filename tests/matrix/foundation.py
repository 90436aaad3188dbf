"""Expectations for the foundation's URLs: home, health, API schema/docs, organisation admin.

Org admin pages: every organisation's admin (each sees only their own organisation). Issuing a token
also needs the provider manager or commissioner officer role (every org admin persona has one) and a
TOTP code entered in the last 15 minutes (every persona's session has one)."""

from __future__ import annotations

from commissioning.api.authentication import hash_key
from commissioning.models import ApiToken
from tests.matrix._personas import ANONYMOUS, LOGGED_IN, ORG_ADMINS, TOKENS

# Org admin pages: every organisation's admin may open them (each sees only their own organisation).
ORG_ADMIN_PAGE = {"allowed": ORG_ADMINS}


def _coordinator_of_provider(fx) -> dict:
    return {"pk": fx.users["coordinator"].pk}


def _token_of_provider(fx) -> dict:
    token = ApiToken.objects.create(
        organisation=fx.provider, name="ecm", prefix="matrixrevok", key_hash=hash_key("matrix-revoke")
    )
    return {"pk": token.pk}


NEW_TOKEN = {"name": "nightly", "scope": "read", "expires": "31/12/2099"}


EXPECTATIONS: dict = {
    "home": {"allowed": LOGGED_IN},
    # Load balancers call it without credentials.
    "health": {"allowed": LOGGED_IN | {ANONYMOUS}},
    "api-schema": {"allowed": LOGGED_IN | TOKENS},
    "api-docs": {"allowed": LOGGED_IN | TOKENS},
    "commissioning:user-list": ORG_ADMIN_PAGE,
    "commissioning:user-invite": [
        ORG_ADMIN_PAGE,
        # An empty form comes back with its errors (200): the permission check let it through.
        {"allowed": ORG_ADMINS, "method": "post", "data": {}, "ok": {200}},
    ],
    # Only P1's own admin may deactivate P1's coordinator; other organisations' admins get 404.
    "commissioning:user-deactivate": {
        "allowed": {"provider_manager"},
        "method": "post",
        "kwargs": _coordinator_of_provider,
    },
    "commissioning:token-list": ORG_ADMIN_PAGE,
    "commissioning:token-issue": [
        ORG_ADMIN_PAGE,
        # Post, redirect, get: the new key is shown on the page it redirects to.
        {"allowed": ORG_ADMINS, "method": "post", "data": NEW_TOKEN, "ok": {302}},
    ],
    # The page showing a new token (its key once): P1's admin for P1's token; other organisations 404.
    "commissioning:token-issued": {"allowed": {"provider_manager"}, "kwargs": _token_of_provider},
    "commissioning:token-revoke": {"allowed": {"provider_manager"}, "method": "post", "kwargs": _token_of_provider},
    "commissioning:audit-trail": ORG_ADMIN_PAGE,
    "commissioning:system-check": [
        ORG_ADMIN_PAGE,
        {"allowed": ORG_ADMINS, "method": "post", "ok": {200}},
    ],
}

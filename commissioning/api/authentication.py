"""`Authorization: Token <key>`: a token acts for its organisation; keys are stored as SHA-256.

A token works until it is revoked or its expiry date has passed (London time). A `read` token may
only read: any other method (import, ECM ingest, recompute) is refused with 403 here, before any view
runs, so no endpoint can forget the check. Writes made with a token are audited with its prefix."""

from __future__ import annotations

import hashlib

import pghistory
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.permissions import SAFE_METHODS

from commissioning.models import ApiToken


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class TokenUser(AnonymousUser):
    """The request.user of a token request: authenticated, acting for the token's organisation,
    with no roles of its own (API access is decided by the organisation's kind)."""

    def __init__(self, token: ApiToken):
        self.token = token
        self.organisation = token.organisation
        self.roles: list[str] = []

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True

    @property
    def is_anonymous(self) -> bool:  # type: ignore[override]
        return False

    def __str__(self) -> str:
        return f"token {self.token.prefix}"


class OrganisationTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"token", b"bearer"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        key = header[1].decode(errors="replace")
        token = (
            ApiToken.objects.select_related("organisation").filter(key_hash=hash_key(key), revoked__isnull=True).first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        if token.is_expired(timezone.localdate()):
            raise exceptions.AuthenticationFailed(f"This token expired on {token.expires:%-d %B %Y}.")
        if request.method not in SAFE_METHODS and not token.can_write:
            raise exceptions.PermissionDenied(
                "This token may only read. Ask your organisation admin for a write token."
            )
        ApiToken.objects.filter(pk=token.pk).update(last_used=timezone.now())
        # The audit trail's "who" for anything this request writes (the middleware's context has no
        # user for a token request: DRF authenticates inside the view).
        pghistory.context(token=token.prefix, organisation=token.organisation.ref)
        return TokenUser(token), token

    def authenticate_header(self, request) -> str:
        return self.keyword

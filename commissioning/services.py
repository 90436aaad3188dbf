"""Writes for organisations and people: invitations, deactivation, API tokens."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, timedelta

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from commissioning.api.authentication import hash_key
from commissioning.models import COMMISSIONER_ROLES, PROVIDER_ROLES, ApiToken, Organisation, Role, User

# Enough entropy that the hash needs no salt or slow KDF (the key is random, not a password).
TOKEN_BYTES = 32
TOKEN_PREFIX_LENGTH = 10


def roles_for(organisation: Organisation) -> set[str]:
    return {str(r) for r in (PROVIDER_ROLES if organisation.is_provider else COMMISSIONER_ROLES)}


def _require_org_admin(actor: User) -> Organisation:
    if not (actor.is_authenticated and actor.is_org_admin and actor.organisation_id):
        raise PermissionDenied("Only an organisation admin can do this.")
    return actor.organisation


def invite_url(user: User, base_url: str) -> str:
    """The allauth password-reset link, which sets the first password of an invited user."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return base_url.rstrip("/") + path


@transaction.atomic
def user_invite(
    *, actor: User, email: str, name: str, roles: Iterable[str], is_org_admin: bool = False, base_url: str
) -> User:
    """Create a user of the actor's organisation (no password yet) and email them a link to set one."""
    organisation = _require_org_admin(actor)
    roles = sorted(set(roles))
    if not roles:
        raise ValidationError({"roles": "Choose at least one role."})
    invalid = set(roles) - roles_for(organisation)
    if invalid:
        raise ValidationError(
            {"roles": f"Not a role of a {organisation.get_kind_display().lower()}: {', '.join(invalid)}."}
        )
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "A user with this email address already exists."})
    user = User(email=email, name=name.strip(), organisation=organisation, roles=roles, is_org_admin=is_org_admin)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    link = invite_url(user, base_url)
    context = {"user": user, "organisation": organisation, "invited_by": actor, "link": link}
    subject = f"You have been invited to homecare by {organisation.name}"
    body = render_to_string("commissioning/email/invite.txt", context)
    # Only once the user row is committed: a link to a rolled-back user would be a dead end.
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    organisation = _require_org_admin(actor)
    if user.organisation_id != organisation.pk:
        raise PermissionDenied("Not a user of your organisation.")
    if user.pk == actor.pk:
        raise ValidationError("You cannot deactivate yourself.")
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


# A token lasts a year unless its issuer says otherwise; the list page shows when each one ends.
TOKEN_DEFAULT_DAYS = 365
# Only these roles issue tokens (an organisation-admin flag alone is not enough): a token reads or
# writes everything its organisation can, with nobody at the keyboard.
TOKEN_ISSUER_ROLES = frozenset({Role.PROVIDER_MANAGER, Role.COMMISSIONER_OFFICER})


def can_issue_tokens(user) -> bool:
    return bool(
        user.is_authenticated and user.is_org_admin and user.organisation_id and user.has_role(*TOKEN_ISSUER_ROLES)
    )


@transaction.atomic
def api_token_issue(
    *,
    name: str,
    organisation: Organisation | None = None,
    scope: str = ApiToken.Scope.READ,
    expires: date | None = None,
    actor: User | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `organisation`. Returns the row and the key, which is shown once: only its
    SHA-256 (commissioning.api.authentication.hash_key) and its first characters are stored.
    `actor` is the user issuing it on the page (an admin of that organisation with an issuer role;
    the page also asks for a recent TOTP code); None for `manage.py issue_token` on the server.
    `organisation` defaults to the actor's."""
    if organisation is None:
        if actor is None or actor.organisation_id is None:
            raise PermissionDenied("A token belongs to an organisation.")
        organisation = actor.organisation
    if actor is not None:
        if not can_issue_tokens(actor):
            raise PermissionDenied(
                "Only a provider manager or commissioner officer who is an organisation admin can do this."
            )
        if actor.organisation_id != organisation.pk:
            raise PermissionDenied("Not your organisation.")
    today = timezone.localdate()
    expires = expires if expires is not None else today + timedelta(days=TOKEN_DEFAULT_DAYS)
    if expires < today:
        raise ValidationError({"expires": "The expiry date must be today or later."})
    key = secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken(
        organisation=organisation,
        name=name.strip(),
        prefix=key[:TOKEN_PREFIX_LENGTH],
        key_hash=hash_key(key),
        scope=scope,
        expires=expires,
        created_by=actor,
    )
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    organisation = _require_org_admin(actor)
    if token.organisation_id != organisation.pk:
        raise PermissionDenied("Not a token of your organisation.")
    if token.revoked is None:
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
    return token


@transaction.atomic
def user_create(
    *,
    email: str,
    organisation: Organisation,
    roles: Iterable[str],
    password: str,
    is_org_admin: bool = False,
    name: str = "",
) -> User:
    """A user with a password, for `manage.py create_user`: a new installation's first admin of each
    organisation (who then invites everyone else). The address counts as verified: whoever runs the
    command on the server vouches for it."""
    from django.contrib.auth.password_validation import validate_password

    roles = sorted(set(roles))
    if not roles:
        raise ValidationError({"roles": "Give at least one role."})
    invalid = set(roles) - roles_for(organisation)
    if invalid:
        raise ValidationError(
            {"roles": f"Not a role of a {organisation.get_kind_display().lower()}: {', '.join(sorted(invalid))}."}
        )
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "A user with this email address already exists."})
    user = User(email=email, name=name.strip(), organisation=organisation, roles=roles, is_org_admin=is_org_admin)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user

"""Reads for organisation admin pages. Users and tokens belong to an organisation directly
(no provider/contract path), so the scope is the actor's own organisation and nothing else."""

from __future__ import annotations

from django.db.models import QuerySet

from commissioning.models import ApiToken, User
from commissioning.tenancy import organisation_of


def organisation_users(*, actor) -> QuerySet[User]:
    org = organisation_of(actor)
    if org is None:
        return User.objects.none()
    return User.objects.filter(organisation=org).order_by("-is_active", "name", "email")


def organisation_tokens(*, actor) -> QuerySet[ApiToken]:
    org = organisation_of(actor)
    if org is None:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(organisation=org).select_related("created_by").order_by("revoked", "-created")

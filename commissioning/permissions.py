"""Deny by default: an API request needs a user or token of an organisation; views add roles."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from commissioning.tenancy import organisation_of


class IsOrganisationMember(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if getattr(user, "is_superuser", False):
            return True
        if organisation_of(request.auth) is not None:  # an API token acts for its organisation
            return True
        return organisation_of(user) is not None


class IsProvider(IsOrganisationMember):
    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        org = organisation_of(request.auth) or organisation_of(request.user)
        return org is not None and org.is_provider


def request_actor(request):
    """What a request acts as: the API token when there is one, else the logged-in user."""
    return request.auth if organisation_of(request.auth) is not None else request.user


def is_token(actor) -> bool:
    """An API token (it acts for its organisation, with no roles of its own)."""
    return getattr(actor, "key_hash", None) is not None


def acts_with_role(actor, roles) -> bool:
    """A user with one of `roles` (or a superuser), or an API token, which acts with its organisation's
    scope whatever the role (the organisation's kind decides what it may do)."""
    if is_token(actor) or getattr(actor, "is_superuser", False):
        return True
    return bool(set(getattr(actor, "roles", None) or []) & set(roles))


def acting_user(actor):
    """The user behind an action, for who-did-what fields (None for an API token)."""
    return None if is_token(actor) or not getattr(actor, "pk", None) else actor

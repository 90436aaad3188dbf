"""Who may do what in the rota app (deny by default).

- Coordinators and provider managers run the rota: they edit care plans, assign care workers, add
  shifts, publish, generate visits and fix ECM records.
- Trusted assessors read the rota and edit care plans (they review packages with the person).
- Care workers see their own published rota only (/rota/my/).
- Commissioners never see rotas row by row; officers and social workers under the contract may read
  a package's care plan, which is what they commission.
"""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from commissioning.models import Role
from commissioning.permissions import IsProvider, request_actor

# Coordinators run the rota and fix ECM records; managers can do everything coordinators can.
INGEST_ATTENDANCES = frozenset({Role.PROVIDER_MANAGER, Role.COORDINATOR})
EDIT_ROTA = frozenset({Role.PROVIDER_MANAGER, Role.COORDINATOR})
READ_ROTA = EDIT_ROTA | {Role.TRUSTED_ASSESSOR}
EDIT_CARE_PLANS = EDIT_ROTA | {Role.TRUSTED_ASSESSOR}
READ_CARE_PLANS = EDIT_CARE_PLANS | {Role.COMMISSIONER_OFFICER, Role.SOCIAL_WORKER}


def _provider_user_with(user, roles) -> bool:
    org = getattr(user, "organisation", None)
    return bool(org and org.is_provider and user.has_role(*roles))


def can_ingest_attendances(user) -> bool:
    return _provider_user_with(user, INGEST_ATTENDANCES)


def can_edit_rota(user) -> bool:
    return _provider_user_with(user, EDIT_ROTA)


def can_read_rota(user) -> bool:
    return _provider_user_with(user, READ_ROTA)


def can_edit_care_plans(user) -> bool:
    return _provider_user_with(user, EDIT_CARE_PLANS)


def can_read_care_plans(user) -> bool:
    org = getattr(user, "organisation", None)
    return bool(org and user.has_role(*READ_CARE_PLANS))


def is_care_worker(user) -> bool:
    return _provider_user_with(user, {Role.CARE_WORKER})


class CanIngestAttendances(BasePermission):
    """A provider's API token (its ECM system), or a provider manager/coordinator."""

    def has_permission(self, request, view) -> bool:
        if not IsProvider().has_permission(request, view):
            return False
        actor = request_actor(request)
        if actor is request.auth:  # a token acts for its whole organisation
            return True
        return can_ingest_attendances(request.user)


class CanReadRota(BasePermission):
    """A provider's API token, or a provider manager, coordinator or trusted assessor."""

    def has_permission(self, request, view) -> bool:
        if not IsProvider().has_permission(request, view):
            return False
        if request_actor(request) is request.auth:
            return True
        return can_read_rota(request.user)


class CanEditRota(BasePermission):
    """A provider's API token, or a provider manager or coordinator."""

    def has_permission(self, request, view) -> bool:
        if not IsProvider().has_permission(request, view):
            return False
        if request_actor(request) is request.auth:
            return True
        return can_edit_rota(request.user)

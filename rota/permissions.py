"""Who may do what in the rota app (deny by default)."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from commissioning.models import Role
from commissioning.permissions import IsProvider, request_actor

# Coordinators run the rota and fix ECM records; managers can do everything coordinators can.
INGEST_ATTENDANCES = frozenset({Role.PROVIDER_MANAGER, Role.COORDINATOR})


def can_ingest_attendances(user) -> bool:
    org = getattr(user, "organisation", None)
    return bool(org and org.is_provider and user.has_role(*INGEST_ATTENDANCES))


class CanIngestAttendances(BasePermission):
    """A provider's API token (its ECM system), or a provider manager/coordinator."""

    def has_permission(self, request, view) -> bool:
        if not IsProvider().has_permission(request, view):
            return False
        actor = request_actor(request)
        if actor is request.auth:  # a token acts for its whole organisation
            return True
        return can_ingest_attendances(request.user)

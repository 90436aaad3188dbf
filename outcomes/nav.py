"""This app's pages in the navigation."""

from commissioning.models import Role
from homecare import navigation
from outcomes.permissions import READ_ROLES

navigation.register("People", "outcomes:person-list", READ_ROLES)
navigation.register(
    "Approvals",
    "outcomes:approvals",
    {Role.SOCIAL_WORKER, Role.COMMISSIONER_OFFICER, Role.PROVIDER_MANAGER, Role.TRUSTED_ASSESSOR},
)
navigation.register("Reviews", "outcomes:review-list", {Role.PROVIDER_MANAGER, Role.TRUSTED_ASSESSOR, Role.COORDINATOR})

"""This app's pages in the navigation."""

from commissioning.models import Role
from homecare import navigation

navigation.register("Upload call monitoring", "rota:ecm-upload", {Role.PROVIDER_MANAGER, Role.COORDINATOR})
navigation.register("Care plans", "rota:care-plans", {Role.PROVIDER_MANAGER, Role.COORDINATOR, Role.TRUSTED_ASSESSOR})

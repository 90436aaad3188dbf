"""This app's pages in the navigation."""

from commissioning.models import Role
from homecare import navigation

navigation.register("Rota", "rota:board", {Role.PROVIDER_MANAGER, Role.COORDINATOR, Role.TRUSTED_ASSESSOR})
navigation.register("My rota", "rota:my", {Role.CARE_WORKER})
navigation.register("Care plans", "rota:care-plans", {Role.PROVIDER_MANAGER, Role.COORDINATOR, Role.TRUSTED_ASSESSOR})
navigation.register("Upload call monitoring", "rota:ecm-upload", {Role.PROVIDER_MANAGER, Role.COORDINATOR})

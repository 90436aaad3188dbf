"""This app's pages in the navigation."""

from commissioning.models import Role
from homecare import navigation

navigation.register("Contracts", "commissioning:contract-list", {Role.COMMISSIONER_OFFICER, Role.PROVIDER_MANAGER})

# Organisation admins see these whatever their roles.
navigation.register_org_admin("Users", "commissioning:user-list")
navigation.register_org_admin("API tokens", "commissioning:token-list")
navigation.register_org_admin("Audit trail", "commissioning:audit-trail")
navigation.register_org_admin("System check", "commissioning:system-check")

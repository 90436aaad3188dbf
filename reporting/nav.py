"""This app's pages in the navigation."""

from commissioning.models import Role
from homecare import navigation

navigation.register(
    "Dashboard",
    "reporting:dashboard",
    {Role.COMMISSIONER_OFFICER, Role.SOCIAL_WORKER, Role.PROVIDER_MANAGER, Role.COORDINATOR},
)
navigation.register(
    "Trends",
    "reporting:trends",
    {Role.COMMISSIONER_OFFICER, Role.SOCIAL_WORKER, Role.PROVIDER_MANAGER, Role.COORDINATOR},
)
navigation.register(
    "Monitoring returns", "reporting:return_list", {Role.PROVIDER_MANAGER, Role.COORDINATOR, Role.COMMISSIONER_OFFICER}
)
navigation.register(
    "Invoices", "reporting:invoice_list", {Role.PROVIDER_MANAGER, Role.COORDINATOR, Role.COMMISSIONER_OFFICER}
)
navigation.register("Block pay", "reporting:pay_run", {Role.PROVIDER_MANAGER})
navigation.register("Income and cost", "reporting:finance", {Role.PROVIDER_MANAGER, Role.COMMISSIONER_OFFICER})

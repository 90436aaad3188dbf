"""Pages in the navigation: (label, url name, roles)."""

from commissioning.models import Role

ITEMS: list[tuple[str, str, set[str]]] = [
    ("Invoices", "reporting:invoice_list", {Role.PROVIDER_MANAGER, Role.COORDINATOR, Role.COMMISSIONER_OFFICER}),
    ("Block pay", "reporting:pay_run", {Role.PROVIDER_MANAGER}),
    ("Income and cost", "reporting:finance", {Role.PROVIDER_MANAGER, Role.COMMISSIONER_OFFICER}),
]

"""Pages of this app in the navigation: (label, url name, roles)."""

ITEMS: list[tuple[str, str, set[str]]] = []
# Shown to organisation admins (User.is_org_admin) whatever their roles: (label, url name).
ORG_ADMIN_ITEMS: list[tuple[str, str]] = [
    ("Users", "commissioning:user-list"),
    ("API tokens", "commissioning:token-list"),
    ("System check", "commissioning:system-check"),
]

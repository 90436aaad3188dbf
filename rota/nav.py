"""Pages of this app in the navigation: (label, url name, roles)."""

ITEMS: list[tuple[str, str, set[str]]] = [
    ("Upload call monitoring", "rota:ecm-upload", {"provider_manager", "coordinator"}),
]

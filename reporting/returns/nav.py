"""Pages in the navigation: (label, url name, roles)."""

ITEMS: list[tuple[str, str, set[str]]] = [
    ("Monitoring returns", "reporting:return_list", {"provider_manager", "coordinator", "commissioner_officer"}),
]

"""Pages in the navigation: (label, url name, roles)."""

ITEMS: list[tuple[str, str, set[str]]] = []

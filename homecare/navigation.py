"""Navigation per role: each app registers its pages here with the roles that may see them."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.urls import NoReverseMatch, reverse

from commissioning.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]


ALL_ROLES = frozenset(Role.values)
NAV_MODULES = [
    "commissioning.nav",
    "workforce.nav",
    "outcomes.nav",
    "rota.nav",
    "reporting.returns.nav",
    "reporting.money.nav",
]


def _collect() -> list[NavItem]:
    items = [NavItem("Home", "home", ALL_ROLES)]
    for name in NAV_MODULES:
        for label, url_name, roles in import_module(name).ITEMS:
            items.append(NavItem(label, url_name, frozenset(roles)))
    return items


NAV = _collect()


def nav_for(user) -> list[dict]:
    roles = set(user.roles) if not user.is_superuser else set(ALL_ROLES)
    items = []
    for item in NAV:
        if roles & item.roles:
            try:
                items.append({"label": item.label, "url": reverse(item.url_name)})
            except NoReverseMatch:
                continue
    return items

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


def _collect() -> tuple[list[NavItem], list[NavItem]]:
    items = [NavItem("Home", "home", ALL_ROLES)]
    admin_items: list[NavItem] = []
    for name in NAV_MODULES:
        module = import_module(name)
        for label, url_name, roles in module.ITEMS:
            items.append(NavItem(label, url_name, frozenset(roles)))
        # Pages for organisation admins whatever their roles (inviting users, API tokens).
        for label, url_name in getattr(module, "ORG_ADMIN_ITEMS", []):
            admin_items.append(NavItem(label, url_name, ALL_ROLES))
    return items, admin_items


NAV, ORG_ADMIN_NAV = _collect()


def _resolved(items: list[NavItem]) -> list[dict]:
    out = []
    for item in items:
        try:
            out.append({"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name})
        except NoReverseMatch:  # an app registered a page that is not wired yet
            continue
    return out


def nav_for(user) -> list[dict]:
    roles = set(ALL_ROLES) if user.is_superuser else set(getattr(user, "roles", []))
    items = _resolved([item for item in NAV if roles & item.roles])
    if getattr(user, "is_org_admin", False) or user.is_superuser:
        items += _resolved(ORG_ADMIN_NAV)
    return items

"""Navigation per role. Each app registers its pages (from its AppConfig.ready) with the roles that
may see them; the config package knows no app, only the role names the apps give it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] | None  # None: every signed-in user


_NAV: list[NavItem] = [NavItem("Home", "home", None)]
# Pages for organisation admins whatever their roles (inviting users, API tokens).
_ORG_ADMIN_NAV: list[NavItem] = []


def register(label: str, url_name: str, roles: Iterable[str] | None = None) -> None:
    if all(item.url_name != url_name for item in _NAV):
        _NAV.append(NavItem(label, url_name, frozenset(roles) if roles is not None else None))


def register_org_admin(label: str, url_name: str) -> None:
    if all(item.url_name != url_name for item in _ORG_ADMIN_NAV):
        _ORG_ADMIN_NAV.append(NavItem(label, url_name, None))


def _resolved(items: list[NavItem]) -> list[dict]:
    out = []
    for item in items:
        try:
            out.append({"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name})
        except NoReverseMatch:  # an app registered a page that is not wired yet
            continue
    return out


def nav_for(user) -> list[dict]:
    roles = set(getattr(user, "roles", []))
    everything = user.is_superuser
    items = _resolved([i for i in _NAV if everything or i.roles is None or roles & i.roles])
    if getattr(user, "is_org_admin", False) or user.is_superuser:
        items += _resolved(_ORG_ADMIN_NAV)
    return items

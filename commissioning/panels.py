"""What higher apps show on the home page, by registration (commissioning may not import them; the
layers: docs/architecture.md). An app registers its panels from its AppConfig.ready, e.g. reporting's
week's return and invoices to issue, rota's today's board and the care worker's day, outcomes' reviews
and approvals, workforce's staffing. Each panel reads through its own app's scoped selectors.

`register_home_panel(key, roles=..., template=..., context_fn=..., order=...)`: `context_fn(actor,
today, now)` returns the template's context, or None to leave the panel out. The template is included
in the home page with that context as `ctx`. A user with several roles sees each role's panels (a
panel registered for two of their roles once, under the first).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class HomePanel:
    key: str
    roles: frozenset[str]
    template: str
    context_fn: Callable[..., dict | None]
    order: int


_PANELS: dict[str, HomePanel] = {}


def register_home_panel(
    key: str, *, roles: Iterable[str], template: str, context_fn: Callable[..., dict | None], order: int
) -> None:
    _PANELS[key] = HomePanel(key, frozenset(str(r) for r in roles), template, context_fn, order)


def home_panels(*, actor, roles: list[str], today: date, now: datetime) -> list[dict[str, Any]]:
    """Per role of the actor, in the order of their roles: {"role", "panels": [{"key", "template",
    "context"}]}, only the panels with something to show."""
    shown: set[str] = set()
    out = []
    for role in roles:
        panels = []
        for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
            if role not in panel.roles or panel.key in shown:
                continue
            shown.add(panel.key)
            context = panel.context_fn(actor, today, now)
            if context is not None:
                panels.append({"key": panel.key, "template": panel.template, "context": context})
        out.append({"role": role, "panels": panels})
    return out

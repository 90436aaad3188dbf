"""What higher apps add to a person's page and to a change's evidence, by registration (outcomes may
not import them). An app registers its providers from its AppConfig.ready, e.g. rota's care plan,
visits planned against delivered, and continuity sections, and the visits delivered before and
after a change. Each provider reads through its own app's scoped selectors.

- A person section: `register_person_section(key, template, context_fn, order)`. `context_fn(actor,
  person, packages, today)` returns the template's context, or None to leave the section out. The
  template is included inside the person's page with that context (plus `person`).
- Change evidence: `register_change_evidence(fn)`. `fn(actor, change, today)` returns a list of
  `EvidenceRow` (label, before, after), or [] when it has nothing to say.
- Package hours elsewhere: `register_package_hours(fn)`. `fn(actor, packages, day)` returns
  {package id: PlanHours} for the packages it knows a plan of on `day`, so the page can ask the
  coordinator to bring the care plan into line with the package's hours (today's, and those of
  changes to come).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class PersonSection:
    key: str
    template: str
    context_fn: Callable[..., dict | None]
    order: int


@dataclass(frozen=True)
class EvidenceRow:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class PlanHours:
    """A package's care plan in weekly person-hours, and where to change it."""

    hours: Decimal
    edit_url: str | None = None
    # Differences smaller than this are rounding, not a care plan to change (hours have two places).
    tolerance: Decimal = Decimal("0.01")

    def differs_from(self, hours: Decimal) -> bool:
        return abs(self.hours - hours) >= self.tolerance


_SECTIONS: dict[str, PersonSection] = {}
_EVIDENCE: list[Callable[..., list[EvidenceRow]]] = []
_PLAN_HOURS: list[Callable[..., dict[int, PlanHours]]] = []


def register_person_section(key: str, template: str, context_fn: Callable[..., dict | None], order: int) -> None:
    _SECTIONS[key] = PersonSection(key, template, context_fn, order)


def register_change_evidence(fn: Callable[..., list[EvidenceRow]]) -> None:
    if fn not in _EVIDENCE:
        _EVIDENCE.append(fn)


def register_package_hours(fn: Callable[..., dict[int, PlanHours]]) -> None:
    if fn not in _PLAN_HOURS:
        _PLAN_HOURS.append(fn)


def person_sections(*, actor, person, packages, today) -> list[dict[str, Any]]:
    """The registered sections with something to show, in order: [{"key", "template", "context"}]."""
    out = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        context = section.context_fn(actor, person, packages, today)
        if context is not None:
            out.append({"key": section.key, "template": section.template, "context": context})
    return out


def change_evidence(*, actor, change, today) -> list[EvidenceRow]:
    rows: list[EvidenceRow] = []
    for fn in _EVIDENCE:
        rows.extend(fn(actor, change, today))
    return rows


def plan_hours(*, actor, packages, day) -> dict[int, PlanHours]:
    out: dict[int, PlanHours] = {}
    for fn in _PLAN_HOURS:
        out.update(fn(actor, packages, day))
    return out

"""Who may do what with people, packages, changes, reviews and assessments (deny by default).

Tenancy (which rows an organisation sees at all) is commissioning.tenancy's; these checks come after
it, on rows the actor can already see, and answer with roles:
- provider managers, coordinators and trusted assessors read; managers and trusted assessors log
  changes, submit them, complete reviews and record assessments;
- commissioner officers and social workers read the lots they commission (tenancy); social workers
  of the lot's commissioner decide and make their own changes;
- an API token acts for its organisation with the roles above of its kind (a provider's system logs
  and submits, a commissioner's decides).
"""

from __future__ import annotations

from commissioning.models import ApiToken, Lot, Role
from commissioning.permissions import IsOrganisationMember, request_actor
from commissioning.tenancy import organisation_of

READ_ROLES = frozenset(
    {Role.PROVIDER_MANAGER, Role.COORDINATOR, Role.TRUSTED_ASSESSOR, Role.COMMISSIONER_OFFICER, Role.SOCIAL_WORKER}
)
ASSESS_ROLES = frozenset({Role.PROVIDER_MANAGER, Role.TRUSTED_ASSESSOR})
DECIDE_ROLES = frozenset({Role.SOCIAL_WORKER})
TOKEN_ROLES = {
    "provider": frozenset({Role.PROVIDER_MANAGER, Role.COORDINATOR, Role.TRUSTED_ASSESSOR}),
    "commissioner": frozenset({Role.COMMISSIONER_OFFICER, Role.SOCIAL_WORKER}),
}


def _token(actor) -> ApiToken | None:
    if isinstance(actor, ApiToken):
        return actor
    return getattr(actor, "token", None)  # a token request's request.user (TokenUser)


def roles_of(actor) -> frozenset[str]:
    org = organisation_of(actor)
    if _token(actor) is not None:
        return TOKEN_ROLES.get(org.kind, frozenset()) if org else frozenset()
    return frozenset(getattr(actor, "roles", None) or [])


def is_superuser(actor) -> bool:
    return bool(getattr(actor, "is_superuser", False))


def can_read(actor) -> bool:
    return is_superuser(actor) or (organisation_of(actor) is not None and bool(roles_of(actor) & READ_ROLES))


def lot_of(package) -> Lot | None:
    """The lot a package is under: its person's lot of their contract, as tenancy reads it
    (commissioning/tenancy.py), so that whoever decides is whoever may see it."""
    cache = getattr(package, "_lot_cache", None)
    if cache is None:
        person = package.person
        cache = (
            Lot.objects.select_related("commissioner").filter(contract_id=person.contract_id, number=person.lot).first()
        )
        package._lot_cache = cache
    return cache


def is_provider_assessor(actor, provider_id: int) -> bool:
    org = organisation_of(actor)
    return bool(org and org.is_provider and org.pk == provider_id and roles_of(actor) & ASSESS_ROLES)


def is_lot_social_worker(actor, package) -> bool:
    """A social worker (or a token) of the commissioner of the package's lot."""
    org = organisation_of(actor)
    if not (org and not org.is_provider and roles_of(actor) & DECIDE_ROLES):
        return False
    lot = lot_of(package)
    return lot is not None and lot.commissioner_id == org.pk


def can_log_change(actor, package) -> bool:
    return is_provider_assessor(actor, package.provider_id) or is_lot_social_worker(actor, package)


def can_submit(actor, change) -> bool:
    return is_provider_assessor(actor, change.provider_id)


def can_decide(actor, change) -> bool:
    return is_lot_social_worker(actor, change.package)


def can_assess(actor, provider_id: int) -> bool:
    """Complete reviews and record Outcomes Tool assessments of the provider's people."""
    return is_provider_assessor(actor, provider_id)


class CanRead(IsOrganisationMember):
    """Any reader of people and packages (roles above; a token of either kind)."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and can_read(request_actor(request))

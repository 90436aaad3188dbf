"""Reads of referrals, scoped to the actor: a provider sees the referrals sent to it; a commissioner
sees those of the lots it commissions (not every lot of a contract it shares with another
commissioner). Another organisation's referral is a 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.utils import timezone

from commissioning.models import Lot, Neighbourhood, Referral
from commissioning.tenancy import get_for_user, organisation_of, scope_for

from .clocks import Clock, clocks_for, first_check_ins

OUTCOME_FILTERS = ("pending", "started", "declined", "withdrawn")


def _visible(actor) -> QuerySet[Referral]:
    qs = scope_for(actor, Referral.objects.all())
    org = organisation_of(actor)
    if org is not None and not org.is_provider and not getattr(actor, "is_superuser", False):
        lots = Lot.objects.filter(contract_id=OuterRef("contract_id"), number=OuterRef("lot"), commissioner=org)
        qs = qs.filter(Exists(lots))
    return qs.select_related(
        "provider", "contract", "contract__neighbourhood", "person", "package", "brokered_by", "commissioner"
    )


def referral_list(*, actor, outcome: str | None = None) -> QuerySet[Referral]:
    """Waiting referrals first (oldest first: the clocks run), then the rest, newest decision first."""
    qs = _visible(actor)
    if outcome in OUTCOME_FILTERS:
        qs = qs.filter(outcome=outcome)
    waiting = Case(When(outcome="pending", then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(waiting=waiting).order_by("waiting", "-decided", "received", "id")


def referral_get(*, actor, referral_id: int) -> Referral:
    return get_for_user(actor, _visible(actor), pk=referral_id)


def passed_on_as(referral: Referral) -> Referral | None:
    return Referral.objects.select_related("provider").filter(previous=referral).first()


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    clocks: dict[str, Clock]
    started: datetime | None


def with_clocks(referrals) -> list[ReferralRow]:
    """Each referral with its clocks as they stand now (one query for the first check-ins)."""
    referrals = list(referrals)
    starts = first_check_ins([r for r in referrals if r.outcome == "started"])
    now = timezone.now()
    return [
        ReferralRow(r, clocks_for(r, first_check_in=starts.get(r.pk), now=now), starts.get(r.pk)) for r in referrals
    ]


def brokering_neighbourhoods(*, actor) -> QuerySet[Neighbourhood]:
    """Neighbourhoods where the actor's organisation commissions a lot of some contract."""
    org = organisation_of(actor)
    if org is None or org.is_provider:
        return Neighbourhood.objects.none()
    return Neighbourhood.objects.filter(contracts__lots__commissioner=org).distinct().order_by("name")

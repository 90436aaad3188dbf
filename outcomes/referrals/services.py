"""Writes of the referral workflow. Each records `received`, `start_agreed`, `outcome` and `decided`
exactly as the monitoring return reads them (docs/spec/monitoring-return.md, KPIs 1-4):

- brokered: `received` = now (or the time given through the API, never in the future), pending;
- accepted: `start_agreed` = `decided` = now, outcome started; the person (unless the provider
  already has them under this contract) and their package are created;
- declined (by the provider, with a reason) or withdrawn (by a commissioner): `decided` = now.

First refusal: a referral goes to the contract at the head of `first_refusal_order`; a declined one
can be passed on to the next provider as a new referral linked to it (`previous`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from commissioning.models import COMMISSIONER_ROLES, Contract, Lot, Neighbourhood, Referral, Role
from commissioning.permissions import acting_user, acts_with_role
from commissioning.tenancy import organisation_of
from homecare.api_errors import DomainError
from homecare.lib.dates import LONDON
from outcomes.models import Package, Person

ACCEPT_ROLES = {Role.PROVIDER_MANAGER, Role.COORDINATOR}
BROKER_ROLES = COMMISSIONER_ROLES
# Prime providers have first refusal, then partnership contracts, then spot contracts.
MODEL_ORDER = {Contract.Model.PRIME_PROVIDER: 0, Contract.Model.PARTNERSHIP: 1, Contract.Model.SPOT: 2}
MAX_WEEKLY_HOURS = Decimal("168")
MAX_TEXT = 2000
# How far ahead a start can be agreed, and how far back a referral's `received` can be given.
LATEST_START_DAYS = 366
EARLIEST_RECEIVED_DAYS = 31
# The first provider review of a new package (the demo's and the pilot's six weeks).
FIRST_REVIEW_AFTER_DAYS = 42


def _today() -> date:
    return timezone.now().astimezone(LONDON).date()


def _deny(message: str) -> DomainError:
    return DomainError([{"path": "", "message": message}], 403)


def _commissioner(actor):
    org = organisation_of(actor)
    if org is None or org.is_provider or not acts_with_role(actor, BROKER_ROLES):
        raise _deny("Only a commissioner officer or social worker can do this.")
    return org


def first_refusal_order(
    *, commissioner, neighbourhood: Neighbourhood, lot: int, on: date, anywhere: bool = False
) -> list[Contract]:
    """The contracts a referral for `lot` in `neighbourhood` is offered to, in order: those active on
    `on` with that lot commissioned by `commissioner`, prime provider first, then partnership, then
    spot; among equals the one expecting most hours of that lot, then by reference. With `anywhere`,
    the commissioner's contracts in other neighbourhoods follow (for passing a declined one on)."""
    lots = Lot.objects.filter(number=lot, commissioner=commissioner, contract__start__lte=on).filter(
        Q(contract__end__isnull=True) | Q(contract__end__gte=on)
    )
    if not anywhere:
        lots = lots.filter(contract__neighbourhood=neighbourhood)
    lots = lots.select_related("contract", "contract__provider", "contract__neighbourhood")
    ranked = sorted(
        lots,
        key=lambda lt: (
            lt.contract.neighbourhood_id != neighbourhood.pk,
            lt.contract.neighbourhood.name if lt.contract.neighbourhood_id != neighbourhood.pk else "",
            MODEL_ORDER.get(lt.contract.model, 9),
            -(lt.expected_weekly_hours or 0),
            lt.contract.ref,
        ),
    )
    return [lt.contract for lt in ranked]


def _next_ref() -> tuple[int, str]:
    """An id taken from the table's own sequence, so the reference can be made from it in one insert."""
    with connection.cursor() as cur:
        cur.execute("SELECT nextval(pg_get_serial_sequence('commissioning_referral', 'id'))")
        pk = cur.fetchone()[0]
    return pk, f"BR-{pk:06d}"


def _check_text(errors: list, path: str, value: str, *, required: bool, limit: int, label: str) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.append({"path": path, "message": f"Enter the {label}."})
    elif len(value) > limit:
        errors.append({"path": path, "message": f"The {label} must be {limit} characters or fewer."})
    return value


def _check_hours(errors: list, path: str, hours) -> Decimal | None:
    if hours is None:
        errors.append({"path": path, "message": "Enter the planned weekly hours."})
        return None
    hours = Decimal(str(hours))
    if hours <= 0 or hours > MAX_WEEKLY_HOURS:
        errors.append(
            {"path": path, "message": f"Planned weekly hours must be more than 0 and at most {MAX_WEEKLY_HOURS}."}
        )
    elif hours != hours.quantize(Decimal("0.01")):
        errors.append({"path": path, "message": "Planned weekly hours can have at most 2 decimal places."})
    return hours


def _create(
    *,
    contract: Contract,
    commissioner,
    actor,
    fields: dict,
    received: datetime,
    ref: str | None,
    previous: Referral | None = None,
) -> Referral:
    pk, generated = _next_ref()
    referral = Referral(
        pk=pk,
        provider=contract.provider,
        ref=ref or generated,
        contract=contract,
        received=received,
        outcome=Referral.Outcome.PENDING,
        commissioner=commissioner,
        brokered_by=acting_user(actor),
        previous=previous,
        **fields,
    )
    referral.full_clean()
    referral.save(force_insert=True)
    return referral


@transaction.atomic
def referral_broker(
    *,
    actor,
    neighbourhood: Neighbourhood | str | None,
    lot: int | None,
    person_ref: str,
    priority: bool = False,
    authorised_delay: bool = False,
    requested_start: date | None = None,
    planned_weekly_hours: Decimal | None = None,
    notes: str = "",
    received: datetime | None = None,
    ref: str | None = None,
) -> Referral:
    """A new referral, sent to the provider with first refusal. Every problem is reported at once
    (DomainError with a path per field); nothing is saved unless there is none."""
    commissioner = _commissioner(actor)
    now = timezone.now()
    errors: list[dict] = []
    person_ref = _check_text(errors, "person", person_ref, required=True, limit=100, label="person reference")
    notes = _check_text(errors, "notes", notes, required=False, limit=MAX_TEXT, label="notes")
    ref = _check_text(errors, "ref", ref or "", required=False, limit=100, label="referral reference") or None
    hours = _check_hours(errors, "planned_weekly_hours", planned_weekly_hours)
    if received is None:
        received = now
    elif received > now + timedelta(minutes=5):
        errors.append({"path": "received", "message": "A referral cannot be received in the future."})
    elif received < now - timedelta(days=EARLIEST_RECEIVED_DAYS):
        errors.append(
            {"path": "received", "message": f"Broker a referral within {EARLIEST_RECEIVED_DAYS} days of receiving it."}
        )
    received_day = received.astimezone(LONDON).date()
    if requested_start is not None and requested_start < received_day:
        errors.append({"path": "requested_start", "message": "The requested start cannot be before the referral."})
    if lot not in (1, 2):
        errors.append({"path": "lot", "message": "Choose lot 1 or lot 2."})
    contracts: list[Contract] = []
    if neighbourhood is None:
        errors.append({"path": "neighbourhood", "message": "Choose the neighbourhood where the person lives."})
    elif isinstance(neighbourhood, str):  # a reference that named none of the commissioner's neighbourhoods
        errors.append(
            {"path": "neighbourhood", "message": f"No neighbourhood {neighbourhood} where you commission a lot."}
        )
    elif lot in (1, 2):
        contracts = first_refusal_order(
            commissioner=commissioner, neighbourhood=neighbourhood, lot=lot, on=received_day
        )
        if not contracts:
            errors.append(
                {
                    "path": "neighbourhood",
                    "message": f"{commissioner.name} commissions no lot {lot} in {neighbourhood.name} on {received_day:%-d %B %Y}.",
                }
            )
    if ref and contracts and Referral.objects.filter(provider=contracts[0].provider, ref=ref).exists():
        errors.append({"path": "ref", "message": f"{contracts[0].provider.name} already has a referral {ref}."})
    if errors:
        raise DomainError(errors)
    fields = {
        "lot": lot,
        "priority": bool(priority),
        "authorised_delay": bool(authorised_delay),
        "person_ref": person_ref,
        "requested_start": requested_start,
        "planned_weekly_hours": hours,
        "notes": notes,
    }
    return _create(
        contract=contracts[0], commissioner=commissioner, actor=actor, fields=fields, received=received, ref=ref
    )


def _locked(referral_id: int) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("contract", "contract__neighbourhood", "provider", "person")
        .get(pk=referral_id)
    )


def _require_provider(actor, referral: Referral) -> None:
    org = organisation_of(actor)
    if getattr(actor, "is_superuser", False):
        return
    if org is None or org.pk != referral.provider_id or not acts_with_role(actor, ACCEPT_ROLES):
        raise _deny("Only the provider's coordinator or manager can answer a referral.")


def _require_pending(referral: Referral, verb: str) -> None:
    if referral.outcome != Referral.Outcome.PENDING:
        raise DomainError(
            [{"path": "", "message": f"This referral is already {referral.outcome}: it cannot be {verb}."}], 409
        )


@transaction.atomic
def referral_accept(
    *, actor, referral_id: int, start: date | None, planned_weekly_hours: Decimal | None = None
) -> Referral:
    """The provider agrees a start date: the referral has started (as the return counts it), and the
    person and a package with the referral's planned hours from `start` exist to schedule visits for.
    `planned_weekly_hours` is needed only for a referral that came without them (from a bundle)."""
    referral = _locked(referral_id)
    _require_provider(actor, referral)
    _require_pending(referral, "accepted")
    now = timezone.now()
    errors: list[dict] = []
    received_day = referral.received.astimezone(LONDON).date()
    if start is None:
        errors.append({"path": "start", "message": "Enter the start date agreed with the person."})
    elif start < received_day:
        errors.append({"path": "start", "message": "The start cannot be before the referral was received."})
    elif start > _today() + timedelta(days=LATEST_START_DAYS):
        errors.append({"path": "start", "message": f"Agree a start within {LATEST_START_DAYS} days."})
    elif referral.contract.end is not None and start > referral.contract.end:
        errors.append({"path": "start", "message": f"The contract ends on {referral.contract.end:%-d %B %Y}."})
    person = referral.person
    if person is None:
        person = Person.objects.filter(provider=referral.provider, ref=referral.person_ref).first()
        if person is not None and person.contract_id != referral.contract_id:
            errors.append(
                {"path": "person", "message": f"You already have a person {person.ref} under another contract."}
            )
    hours = referral.planned_weekly_hours
    if planned_weekly_hours is not None or hours is None:
        hours = _check_hours(errors, "planned_weekly_hours", planned_weekly_hours)
    if errors:
        raise DomainError(errors)
    if person is None:
        person = Person(
            provider=referral.provider, ref=referral.person_ref, contract=referral.contract, lot=referral.lot
        )
        person.full_clean()
        person.save()
    package = Package(
        provider=referral.provider,
        ref=_package_ref(referral),
        person=person,
        lot=referral.lot,
        start=start,
        planned_weekly_hours=hours,
        review_due=start + timedelta(days=FIRST_REVIEW_AFTER_DAYS),
    )
    package.full_clean()
    package.save()
    referral.person = person
    referral.package = package
    referral.planned_weekly_hours = hours
    referral.start_date = start
    referral.start_agreed = now
    referral.decided = now
    referral.outcome = Referral.Outcome.STARTED
    referral.full_clean()
    referral.save()
    return referral


def _package_ref(referral: Referral) -> str:
    ref = f"PK-{referral.ref}"
    taken = Package.objects.filter(provider=referral.provider, ref__startswith=ref).values_list("ref", flat=True)
    n, candidate = 1, ref
    while candidate in set(taken):
        n += 1
        candidate = f"{ref}-{n}"
    return candidate


@transaction.atomic
def referral_decline(*, actor, referral_id: int, reason: str) -> Referral:
    referral = _locked(referral_id)
    _require_provider(actor, referral)
    _require_pending(referral, "declined")
    errors: list[dict] = []
    reason = _check_text(errors, "reason", reason, required=True, limit=MAX_TEXT, label="reason for declining")
    if errors:
        raise DomainError(errors)
    referral.outcome = Referral.Outcome.DECLINED
    referral.decided = timezone.now()
    referral.outcome_reason = reason
    referral.full_clean()
    referral.save()
    return referral


def _require_lot_commissioner(actor, referral: Referral):
    org = _commissioner(actor)
    if getattr(actor, "is_superuser", False):
        return org
    if not Lot.objects.filter(contract_id=referral.contract_id, number=referral.lot, commissioner=org).exists():
        raise _deny("Only a commissioner of the referral's lot can do this.")
    return org


@transaction.atomic
def referral_withdraw(*, actor, referral_id: int, reason: str = "") -> Referral:
    """The commissioner takes back a referral nobody has answered yet."""
    referral = _locked(referral_id)
    _require_lot_commissioner(actor, referral)
    _require_pending(referral, "withdrawn")
    errors: list[dict] = []
    reason = _check_text(errors, "reason", reason, required=False, limit=MAX_TEXT, label="reason")
    if errors:
        raise DomainError(errors)
    referral.outcome = Referral.Outcome.WITHDRAWN
    referral.decided = timezone.now()
    referral.outcome_reason = reason
    referral.full_clean()
    referral.save()
    return referral


def pass_on_choices(*, actor, referral: Referral) -> list[Contract]:
    """Where a declined referral can go next: the commissioner's contracts with the lot in first refusal
    order, its own neighbourhood first, leaving out every provider that already declined it."""
    declined = {r.provider_id for r in referral_chain(referral)}
    order = first_refusal_order(
        commissioner=organisation_of(actor),
        neighbourhood=referral.contract.neighbourhood,
        lot=referral.lot,
        on=_today(),
        anywhere=True,
    )
    return [c for c in order if c.provider_id not in declined]


def referral_chain(referral: Referral) -> list[Referral]:
    """The referral and every one it was passed on from, newest first."""
    out = [referral]
    while out[-1].previous_id is not None:
        out.append(Referral.objects.select_related("provider", "contract").get(pk=out[-1].previous_id))
    return out


@transaction.atomic
def referral_pass_on(*, actor, referral_id: int, contract_id: int | None = None) -> Referral:
    """A declined referral goes to another provider as a new referral (received now) linked to it.
    Without `contract_id`, to the next in first refusal order."""
    referral = _locked(referral_id)
    org = _require_lot_commissioner(actor, referral)
    if referral.outcome != Referral.Outcome.DECLINED:
        raise DomainError([{"path": "", "message": "Only a declined referral can be passed on."}], 409)
    if Referral.objects.filter(previous=referral).exists():
        raise DomainError([{"path": "", "message": "This referral has already been passed on."}], 409)
    choices = pass_on_choices(actor=actor, referral=referral)
    if not choices:
        raise DomainError([{"path": "contract", "message": "No other provider holds a contract for this lot."}])
    if contract_id is None:
        target = choices[0]
    else:
        target = next((c for c in choices if c.pk == contract_id), None)
        if target is None:
            raise DomainError([{"path": "contract", "message": "Choose one of the providers offered."}])
    fields = {
        name: getattr(referral, name)
        for name in ("lot", "priority", "authorised_delay", "requested_start", "planned_weekly_hours", "notes")
    }
    # A referral from a bundle names its person by the provider's reference only.
    fields["person_ref"] = referral.person_ref or (referral.person.ref if referral.person_id else "")
    return _create(
        contract=target,
        commissioner=org,
        actor=actor,
        fields=fields,
        received=timezone.now(),
        ref=None,
        previous=referral,
    )

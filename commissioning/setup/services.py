"""Writes of the contract set-up. Every write: a commissioner officer of an organisation that
commissions what is changed; `full_clean()` (field ranges, unique references, the model's check
constraints) plus the bundle's cross-field rules (rules.py); all problems at once as a ValidationError
keyed by field; audited by the models' history triggers (who, when, old and new values)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from commissioning.kpis import DEFAULT_KPI_TARGETS, KPI_NUMBERS, targets_in_force
from commissioning.models import Contract, KpiTarget, Lot, LotRate, Neighbourhood, Organisation, Role
from homecare.lib.dates import LONDON

from . import rules
from .forms import LOT_TERMS


def _officer_org(actor) -> Organisation:
    org = getattr(actor, "organisation", None)
    if getattr(actor, "is_superuser", False) and org is None:
        raise PermissionDenied("Act as a commissioner officer of an organisation.")
    if org is None or org.is_provider or Role.COMMISSIONER_OFFICER not in (getattr(actor, "roles", None) or []):
        raise PermissionDenied("Only a commissioner officer can set up contracts.")
    return org


def _require_commissions(actor, contract: Contract) -> Organisation:
    org = _officer_org(actor)
    if not contract.lots.filter(commissioner=org).exists():
        raise PermissionDenied("Your organisation commissions no lot of this contract.")
    return org


def _raise(errors: list[dict]) -> None:
    if errors:
        out: dict[str, list[str]] = {}
        for e in errors:
            out.setdefault(e["path"] or "__all__", []).append(e["message"])
        raise ValidationError(out)


def _today() -> date:
    return timezone.now().astimezone(LONDON).date()


@transaction.atomic
def neighbourhood_create(*, actor, ref: str, name: str, wards: list[str], lsoas: list[str]) -> Neighbourhood:
    org = _officer_org(actor)
    hood = Neighbourhood(ref=ref.strip(), name=name.strip(), wards=wards, lsoas=lsoas, commissioner=org)
    _check_neighbourhood(hood)
    hood.save()
    return hood


@transaction.atomic
def neighbourhood_update(
    *, actor, neighbourhood: Neighbourhood, name: str, wards: list[str], lsoas: list[str]
) -> Neighbourhood:
    _officer_org(actor)
    neighbourhood.name, neighbourhood.wards, neighbourhood.lsoas = name.strip(), wards, lsoas
    _check_neighbourhood(neighbourhood)
    neighbourhood.save()
    return neighbourhood


def _check_neighbourhood(hood: Neighbourhood) -> None:
    errors = []
    if not hood.wards:
        errors.append({"path": "wards", "message": "Enter at least one ward."})
    bad = rules.lsoa_errors(hood.lsoas)
    if bad:
        errors.append(
            {"path": "lsoas", "message": f"Not LSOA codes (E01 or W01 and six digits): {', '.join(bad[:5])}."}
        )
    if len(set(hood.lsoas)) != len(hood.lsoas):
        errors.append({"path": "lsoas", "message": "Each LSOA code once."})
    try:
        hood.full_clean(exclude=["commissioner"])
    except ValidationError as exc:
        errors += [{"path": k, "message": m} for k, ms in exc.message_dict.items() for m in ms]
    _raise(errors)


def _contract_errors(contract: Contract) -> list[dict]:
    errors = []
    if contract.end is not None and contract.start and contract.end < contract.start:
        errors.append({"path": "end", "message": "The end cannot be before the start."})
    try:
        contract.full_clean()
    except ValidationError as exc:
        for k, ms in exc.message_dict.items():
            for m in ms:
                if "contract_end_after_start" in m:
                    continue  # said above, beside the end date
                if k == "__all__" and ("already exists" in m or "unique_ref" in m):
                    errors.append(
                        {"path": "ref", "message": "The provider already has a contract with this reference."}
                    )
                else:
                    errors.append({"path": "" if k == "__all__" else k, "message": m})
    return errors


@transaction.atomic
def contract_create(
    *,
    actor,
    provider: Organisation,
    ref: str,
    neighbourhood: Neighbourhood,
    model: str,
    start: date,
    end: date | None,
    settlement: str,
    return_due_days: int,
    expected_value: Decimal | None,
    lot: dict,
    review_interval_days: int | None = None,
) -> Contract:
    """A contract with its first lot (commissioned by the actor's organisation, so it can see the
    contract at all) and that lot's rate from the start."""
    org = _officer_org(actor)
    errors = []
    if provider is None or not provider.is_provider:
        errors.append({"path": "provider", "message": "Choose a provider."})
    contract = Contract(
        provider=provider,
        ref=(ref or "").strip(),
        neighbourhood=neighbourhood,
        model=model,
        start=start,
        end=end,
        settlement=settlement,
        return_due_days=return_due_days,
        expected_value=expected_value,
        review_interval_days=review_interval_days or 122,
    )
    errors += _contract_errors(contract)
    lot_obj, lot_errors = _lot(contract, {**lot, "commissioner": org})
    errors += lot_errors
    _raise(errors)
    contract.save()
    lot_obj.contract = contract
    lot_obj.save()
    LotRate.objects.create(provider=provider, lot=lot_obj, effective_from=start, hourly_rate=lot["hourly_rate"])
    return contract


@transaction.atomic
def contract_update(
    *,
    actor,
    contract: Contract,
    neighbourhood: Neighbourhood,
    model: str,
    start: date,
    end: date | None,
    settlement: str,
    return_due_days: int,
    expected_value: Decimal | None,
    review_interval_days: int | None = None,
) -> Contract:
    _require_commissions(actor, contract)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    errors = []
    old_start = contract.start
    if start != old_start and old_start <= _today():
        # Settlement periods, return weeks and the first rates are counted from the start.
        errors.append({"path": "start", "message": "The contract has started: its start date can no longer change."})
    if settlement != contract.settlement and old_start <= _today():
        errors.append(
            {"path": "settlement", "message": "The contract has started: its settlement period can no longer change."}
        )
    later = LotRate.objects.filter(lot__contract=contract, effective_from__gt=old_start, effective_from__lte=start)
    if start != old_start and later.exists():
        errors.append({"path": "start", "message": "A rate change starts on or before the new start: move it first."})
    for name, value in (
        ("neighbourhood", neighbourhood),
        ("model", model),
        ("start", start),
        ("end", end),
        ("settlement", settlement),
        ("return_due_days", return_due_days),
        ("expected_value", expected_value),
        (
            "review_interval_days",
            review_interval_days if review_interval_days is not None else contract.review_interval_days,
        ),
    ):
        setattr(contract, name, value)
    if end is not None:
        late = LotRate.objects.filter(lot__contract=contract, effective_from__gt=end)
        if late.exists():
            errors.append({"path": "end", "message": "A rate change starts after this end date."})
    errors += _contract_errors(contract)
    _raise(errors)
    contract.save()
    if start != old_start:
        LotRate.objects.filter(lot__contract=contract, effective_from=old_start).update(effective_from=start)
    return contract


def _lot(contract: Contract, data: dict, lot: Lot | None = None) -> tuple[Lot, list[dict]]:
    lot = lot or Lot(contract=contract, provider=contract.provider)
    for name in ("number", "name", "commissioner"):
        if name in data:
            setattr(lot, name, data[name] if name != "name" else (data[name] or "").strip())
    for term in LOT_TERMS:
        if term in data:
            setattr(lot, term, data[term])
    if not lot.billing_basis:
        lot.billing_basis = Lot.BillingBasis.PLANNED
    errors = rules.lot_term_errors({t: getattr(lot, t) for t in LOT_TERMS})
    if lot.number not in (1, 2):
        errors.append({"path": "number", "message": "Choose lot 1 or lot 2."})
    if "hourly_rate" in data and (data["hourly_rate"] is None or data["hourly_rate"] < 0):
        errors.append({"path": "hourly_rate", "message": "Enter the hourly rate."})
    exclude = ["contract"] if contract.pk is None else []
    try:
        lot.full_clean(exclude=exclude)
    except ValidationError as exc:
        for k, ms in exc.message_dict.items():
            for m in ms:
                if "lot_unique_number_per_contract" in m or "already exists" in m:
                    errors.append(
                        {"path": "number", "message": f"Contract {contract.ref} already has lot {lot.number}."}
                    )
                else:
                    errors.append({"path": "" if k == "__all__" else k, "message": m})
    return lot, errors


@transaction.atomic
def lot_create(*, actor, contract: Contract, data: dict) -> Lot:
    """Another lot of a contract the actor commissions (jointly commissioned: it may name another
    commissioner, e.g. the NHS trust for delegated healthcare)."""
    _require_commissions(actor, contract)
    lot, errors = _lot(contract, data)
    _raise(errors)
    lot.save()
    LotRate.objects.create(
        provider=contract.provider, lot=lot, effective_from=contract.start, hourly_rate=data["hourly_rate"]
    )
    return lot


@transaction.atomic
def lot_update(*, actor, lot: Lot, data: dict) -> Lot:
    """A lot's terms as from now: they apply to every draft invoice computed after the change (issued
    invoices keep theirs); the audit trail keeps the old values."""
    org = _officer_org(actor)
    if lot.commissioner_id != org.pk:
        raise PermissionDenied("Only the lot's commissioner can change its terms.")
    lot = Lot.objects.select_for_update().get(pk=lot.pk)
    lot, errors = _lot(
        lot.contract, {k: v for k, v in data.items() if k not in ("number", "commissioner", "hourly_rate")}, lot
    )
    _raise(errors)
    lot.save()
    return lot


@transaction.atomic
def rate_change_create(*, actor, lot: Lot, effective_from: date, hourly_rate: Decimal) -> LotRate:
    """The lot's hourly rate from a date (rates change each April): after the contract's start (its
    first rate is set with the lot), within its term, one per date."""
    org = _officer_org(actor)
    if lot.commissioner_id != org.pk:
        raise PermissionDenied("Only the lot's commissioner can change its rate.")
    contract = lot.contract
    errors = []
    if effective_from is None:
        errors.append({"path": "effective_from", "message": "Enter the date the rate applies from."})
    elif effective_from <= contract.start:
        errors.append(
            {
                "path": "effective_from",
                "message": f"A rate change starts after the contract's start ({contract.start:%-d %B %Y}).",
            }
        )
    elif contract.end is not None and effective_from > contract.end:
        errors.append({"path": "effective_from", "message": f"The contract ends on {contract.end:%-d %B %Y}."})
    elif LotRate.objects.filter(lot=lot, effective_from=effective_from).exists():
        errors.append({"path": "effective_from", "message": "The lot already has a rate from this date."})
    if hourly_rate is None or hourly_rate < 0:
        errors.append({"path": "hourly_rate", "message": "Enter the hourly rate."})
    _raise(errors)
    rate = LotRate(provider=lot.provider, lot=lot, effective_from=effective_from, hourly_rate=hourly_rate)
    rate.full_clean()
    rate.save()
    return rate


def targets_on(contract: Contract, day: date) -> dict[int, Decimal]:
    return targets_in_force(list(contract.kpi_targets.all()), day)


@transaction.atomic
def kpi_targets_set(*, actor, contract: Contract, effective_from: date, targets: dict[int, Decimal]) -> list[KpiTarget]:
    """The contract's KPI targets from a date: a row for each KPI whose target differs from the one in
    force then (a row already dated that day is replaced). Returns the rows written."""
    _require_commissions(actor, contract)
    errors = []
    if effective_from is None:
        errors.append({"path": "effective_from", "message": "Enter the date the targets apply from."})
    for n in KPI_NUMBERS:
        value = targets.get(n)
        if value is None or not (Decimal(0) <= value <= Decimal(100)):
            errors.append({"path": f"kpi{n}", "message": "Enter a percentage from 0 to 100."})
    _raise(errors)
    rows = [r for r in contract.kpi_targets.all() if r.effective_from != effective_from]
    before = targets_in_force(rows, effective_from)
    KpiTarget.objects.filter(contract=contract, effective_from=effective_from).delete()
    written = []
    for n in KPI_NUMBERS:
        if targets[n] != before[n]:
            row = KpiTarget(
                provider=contract.provider, contract=contract, kpi=n, effective_from=effective_from, target=targets[n]
            )
            row.full_clean()
            row.save()
            written.append(row)
    return written


def defaults() -> dict[int, Decimal]:
    return dict(DEFAULT_KPI_TARGETS)

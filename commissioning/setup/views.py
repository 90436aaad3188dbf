"""Contract set-up pages under /commissioning/: neighbourhoods, contracts, lots, rate changes, KPI
targets. Commissioner officers edit what their organisation commissions; provider managers read their
own contracts. Object pages look the object up first (another organisation's is a 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from commissioning.kpis import KPI_NUMBERS, KPI_TITLES, targets_in_force
from commissioning.models import Role
from commissioning.tenancy import organisation_of
from homecare.lib.dates import LONDON

from . import selectors, services
from .forms import (
    LOT_TERMS,
    ContractForm,
    LotForm,
    NeighbourhoodForm,
    RateForm,
    TargetsForm,
    contract_initial,
    lot_initial,
)

READ_ROLES = {Role.COMMISSIONER_OFFICER, Role.PROVIDER_MANAGER}
EDIT_ROLES = {Role.COMMISSIONER_OFFICER}


def _require(request, roles) -> None:
    user = request.user
    if not (user.is_superuser or set(user.roles or []) & set(roles)):
        raise PermissionDenied("Your role does not give access to this page.")


def _is_officer(request) -> bool:
    org = organisation_of(request.user)
    return bool(org and not org.is_provider and Role.COMMISSIONER_OFFICER in (request.user.roles or []))


def _apply(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _form_page(request, template: str, **context):
    return render(request, f"commissioning/setup/{template}", context)


@login_required
def contract_list(request):
    _require(request, READ_ROLES)
    return _form_page(
        request,
        "contract_list.html",
        contracts=selectors.contracts(actor=request.user),
        can_edit=_is_officer(request),
        neighbourhoods=selectors.neighbourhoods(actor=request.user),
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_new(request):
    _require(request, EDIT_ROLES)
    if not _is_officer(request):
        raise PermissionDenied("Contracts are set up by commissioner officers.")
    contract_form = ContractForm(
        request.POST or None,
        providers=selectors.providers(actor=request.user),
        neighbourhoods=selectors.neighbourhoods(actor=request.user),
        prefix="contract",
    )
    lot_form = LotForm(request.POST or None, commissioners=selectors.commissioners(actor=request.user), prefix="lot")
    for name in ("commissioner", "partner_ref"):  # the first lot is the actor's organisation's
        del lot_form.fields[name]
    if request.method == "POST" and contract_form.is_valid() & lot_form.is_valid():
        c = contract_form.cleaned_data
        try:
            contract = services.contract_create(actor=request.user, lot=lot_form.cleaned_data, **c)
        except ValidationError as exc:
            lot_fields = set(lot_form.fields)
            for field, errors in exc.message_dict.items():
                target = lot_form if field in lot_fields and field not in contract_form.fields else contract_form
                target.add_error(field if field in target.fields else None, errors)
        else:
            messages.success(request, f"Contract {contract.ref} with {contract.provider.name} is set up.")
            return redirect("commissioning:contract-detail", pk=contract.pk)
    return _form_page(
        request, "contract_form.html", contract_form=contract_form, lot_form=lot_form, forms=[contract_form, lot_form]
    )


@login_required
def contract_detail(request, pk: int):
    contract = selectors.contract_get(actor=request.user, pk=pk)
    _require(request, READ_ROLES)
    org = organisation_of(request.user)
    # A commissioner sees its own lots (a partner's lot is the partner's business); a provider all.
    lots = list(selectors.lots_of(actor=request.user, contract=contract))
    today = timezone.now().astimezone(LONDON).date()
    rows = list(contract.kpi_targets.all())
    in_force = targets_in_force(rows, today)
    is_officer = _is_officer(request)
    context = {
        "contract": contract,
        "lots": [
            {
                "lot": lt,
                "rates": sorted(lt.rates.all(), key=lambda r: r.effective_from),
                "can_edit": is_officer and lt.commissioner_id == getattr(org, "pk", None),
            }
            for lt in lots
        ],
        "targets": [
            {
                "number": n,
                "title": KPI_TITLES[n],
                "target": in_force[n],
                "set": any(r.kpi == n and r.effective_from <= today for r in rows),
            }
            for n in KPI_NUMBERS
        ],
        "target_rows": sorted(rows, key=lambda r: (r.effective_from, r.kpi)),
        "lot_count": contract.lots.count(),
        "can_edit": is_officer and any(lt.commissioner_id == getattr(org, "pk", None) for lt in lots),
        "history": selectors.history(contract),
        "today": today,
    }
    return _form_page(request, "contract_detail.html", **context)


@login_required
@require_http_methods(["GET", "POST"])
def contract_edit(request, pk: int):
    contract = selectors.contract_get(actor=request.user, pk=pk)
    _require(request, EDIT_ROLES)
    form = ContractForm(
        request.POST or None,
        initial=contract_initial(contract),
        providers=selectors.providers(actor=request.user),
        neighbourhoods=selectors.neighbourhoods(actor=request.user),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("provider", "ref")}
        try:
            services.contract_update(actor=request.user, contract=contract, **data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"Contract {contract.ref} saved.")
            return redirect("commissioning:contract-detail", pk=contract.pk)
    return _form_page(request, "contract_edit.html", form=form, contract=contract)


@login_required
@require_http_methods(["GET", "POST"])
def lot_new(request, pk: int):
    contract = selectors.contract_get(actor=request.user, pk=pk)
    _require(request, EDIT_ROLES)
    form = LotForm(request.POST or None, commissioners=selectors.commissioners(actor=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.lot_create(actor=request.user, contract=contract, data=form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"Lot {form.cleaned_data['number']} added to {contract.ref}.")
            return redirect("commissioning:contract-detail", pk=contract.pk)
    return _form_page(request, "lot_form.html", form=form, contract=contract, lot=None)


@login_required
@require_http_methods(["GET", "POST"])
def lot_edit(request, pk: int):
    lot = selectors.lot_get(actor=request.user, pk=pk)
    _require(request, EDIT_ROLES)
    form = LotForm(
        request.POST or None,
        initial=lot_initial(lot),
        commissioners=selectors.commissioners(actor=request.user),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.lot_update(
                actor=request.user, lot=lot, data={k: form.cleaned_data[k] for k in ("name", *LOT_TERMS)}
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"Lot {lot.number} of {lot.contract.ref} saved.")
            return redirect("commissioning:contract-detail", pk=lot.contract_id)
    return _form_page(request, "lot_form.html", form=form, contract=lot.contract, lot=lot)


@login_required
@require_http_methods(["GET", "POST"])
def rate_new(request, pk: int):
    lot = selectors.lot_get(actor=request.user, pk=pk)
    _require(request, EDIT_ROLES)
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_change_create(actor=request.user, lot=lot, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(
                request, f"New rate for lot {lot.number} from {form.cleaned_data['effective_from']:%-d %B %Y}."
            )
            return redirect("commissioning:contract-detail", pk=lot.contract_id)
    return _form_page(request, "rate_form.html", form=form, lot=lot, contract=lot.contract)


@login_required
@require_http_methods(["GET", "POST"])
def targets_edit(request, pk: int):
    contract = selectors.contract_get(actor=request.user, pk=pk)
    _require(request, EDIT_ROLES)
    today = timezone.now().astimezone(LONDON).date()
    form = TargetsForm(request.POST or None, current=services.targets_on(contract, today))
    if request.method == "POST" and form.is_valid():
        targets = {n: form.cleaned_data[f"kpi{n}"] for n in KPI_NUMBERS}
        try:
            written = services.kpi_targets_set(
                actor=request.user,
                contract=contract,
                effective_from=form.cleaned_data["effective_from"],
                targets=targets,
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(
                request, f"{len(written)} target{'s' if len(written) != 1 else ''} changed for {contract.ref}."
            )
            return redirect("commissioning:contract-detail", pk=contract.pk)
    return _form_page(request, "targets_form.html", form=form, contract=contract)


@login_required
def neighbourhood_list(request):
    _require(request, READ_ROLES)
    return _form_page(
        request,
        "neighbourhood_list.html",
        neighbourhoods=selectors.neighbourhoods(actor=request.user),
        can_edit=_is_officer(request),
    )


@login_required
@require_http_methods(["GET", "POST"])
def neighbourhood_new(request):
    _require(request, EDIT_ROLES)
    form = NeighbourhoodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hood = services.neighbourhood_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"Neighbourhood {hood.name} set up.")
            return redirect("commissioning:neighbourhood-list")
    return _form_page(request, "neighbourhood_form.html", form=form, neighbourhood=None)


@login_required
@require_http_methods(["GET", "POST"])
def neighbourhood_edit(request, pk: int):
    hood = selectors.neighbourhood_for_edit(actor=request.user, pk=pk)
    _require(request, EDIT_ROLES)
    initial = {"ref": hood.ref, "name": hood.name, "wards": hood.wards, "lsoas": hood.lsoas}
    form = NeighbourhoodForm(request.POST or None, initial=initial)
    form.fields["ref"].disabled = True
    form.fields["ref"].required = False
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("name", "wards", "lsoas")}
        try:
            services.neighbourhood_update(actor=request.user, neighbourhood=hood, **data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"Neighbourhood {hood.name} saved.")
            return redirect("commissioning:neighbourhood-list")
    return _form_page(request, "neighbourhood_form.html", form=form, neighbourhood=hood)

"""Pages of the referral workflow under /commissioning/referrals/: the queue (providers answer,
commissioners follow), brokering a new referral, one referral with its clocks and the actions its
viewer may take. Thin: reads through selectors, writes through services. Object pages look the
referral up first, so another organisation's referral is a 404 before any role check answers 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from commissioning.models import Role
from commissioning.tenancy import organisation_of
from homecare.api_errors import DomainError

from . import selectors, services
from .forms import AcceptForm, BrokerForm, DeclineForm, PassOnForm, WithdrawForm, apply_errors

VIEW_ROLES = {Role.PROVIDER_MANAGER, Role.COORDINATOR, Role.COMMISSIONER_OFFICER, Role.SOCIAL_WORKER}
PER_PAGE = 50


def _require(request, roles) -> None:
    user = request.user
    if not (user.is_superuser or set(user.roles or []) & set(roles)):
        raise PermissionDenied("Your role does not give access to this page.")


def _is_commissioner(request) -> bool:
    org = organisation_of(request.user)
    return org is not None and not org.is_provider


@login_required
def referral_list(request):
    _require(request, VIEW_ROLES)
    outcome = request.GET.get("outcome") or None
    page = Paginator(selectors.referral_list(actor=request.user, outcome=outcome), PER_PAGE).get_page(
        request.GET.get("page")
    )
    can_broker = _is_commissioner(request) and set(request.user.roles or []) & services.BROKER_ROLES
    return render(
        request,
        "outcomes/referrals/list.html",
        {
            "rows": selectors.with_clocks(page.object_list),
            "page_obj": page,
            "outcome": outcome,
            "outcomes": selectors.OUTCOME_FILTERS,
            "can_broker": can_broker,
            "is_commissioner": _is_commissioner(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request):
    _require(request, services.BROKER_ROLES)
    if not _is_commissioner(request):
        raise PermissionDenied("Referrals are brokered by commissioners.")
    form = BrokerForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_broker(
                actor=request.user,
                neighbourhood=data["neighbourhood"],
                lot=data["lot"],
                person_ref=data["person"],
                priority=data["priority"],
                authorised_delay=data["authorised_delay"],
                requested_start=data["requested_start"],
                planned_weekly_hours=data["planned_weekly_hours"],
                notes=data["notes"],
            )
        except DomainError as exc:
            apply_errors(form, exc.errors)
        else:
            messages.success(
                request,
                f"Referral {referral.ref} sent to {referral.provider.name} (contract {referral.contract.ref}), "
                "which has first refusal.",
            )
            return redirect("referrals:detail", pk=referral.pk)
    return render(request, "outcomes/referrals/new.html", {"form": form})


def _detail(request, referral, *, status: int = 200, **forms):
    user = request.user
    org = organisation_of(user)
    pending = referral.outcome == "pending"
    is_provider = org is not None and org.is_provider
    can_answer = pending and is_provider and bool(set(user.roles or []) & services.ACCEPT_ROLES)
    can_follow_up = not is_provider and bool(set(user.roles or []) & services.BROKER_ROLES)
    passed_on_as = selectors.passed_on_as(referral)
    row = selectors.with_clocks([referral])[0]
    context = {
        "r": referral,
        "row": row,
        "chain": services.referral_chain(referral)[1:],
        "passed_on_as": passed_on_as,
        "can_answer": can_answer,
        "can_withdraw": pending and can_follow_up,
        "can_pass_on": can_follow_up and referral.outcome == "declined" and passed_on_as is None,
        "accept_form": forms.get("accept_form")
        or AcceptForm(needs_hours=referral.planned_weekly_hours is None, auto_id="accept-%s"),
        "decline_form": forms.get("decline_form") or DeclineForm(auto_id="decline-%s"),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(auto_id="withdraw-%s"),
        "error_form": forms.get("accept_form") or forms.get("decline_form") or forms.get("withdraw_form"),
    }
    return render(request, "outcomes/referrals/detail.html", context, status=status)


def _refused(request, exc: DomainError, referral):
    """Not yours to do (403), or no longer possible (409: someone answered it first)."""
    if exc.status_code == 403:
        raise PermissionDenied(str(exc))
    messages.error(request, str(exc))
    return redirect("referrals:detail", pk=referral.pk)


@login_required
def referral_detail(request, pk: int):
    referral = selectors.referral_get(actor=request.user, referral_id=pk)
    _require(request, VIEW_ROLES)
    return _detail(request, referral)


@login_required
@require_POST
def referral_accept(request, pk: int):
    referral = selectors.referral_get(actor=request.user, referral_id=pk)
    _require(request, services.ACCEPT_ROLES)
    form = AcceptForm(request.POST, needs_hours=referral.planned_weekly_hours is None, auto_id="accept-%s")
    if form.is_valid():
        try:
            referral = services.referral_accept(
                actor=request.user,
                referral_id=referral.pk,
                start=form.cleaned_data["start"],
                planned_weekly_hours=form.cleaned_data.get("planned_weekly_hours"),
            )
        except DomainError as exc:
            if exc.status_code != 400:
                return _refused(request, exc, referral)
            apply_errors(form, exc.errors)
        else:
            messages.success(
                request,
                f"Start agreed for {referral.start_date:%-d %B %Y}. {referral.person.ref} and their package "
                f"{referral.package.ref} are ready for visits to be planned.",
            )
            return redirect("referrals:detail", pk=referral.pk)
    return _detail(request, referral, accept_form=form)


@login_required
@require_POST
def referral_decline(request, pk: int):
    referral = selectors.referral_get(actor=request.user, referral_id=pk)
    _require(request, services.ACCEPT_ROLES)
    form = DeclineForm(request.POST, auto_id="decline-%s")
    if form.is_valid():
        try:
            referral = services.referral_decline(
                actor=request.user, referral_id=referral.pk, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            if exc.status_code != 400:
                return _refused(request, exc, referral)
            apply_errors(form, exc.errors)
        else:
            messages.success(
                request, f"Referral {referral.ref} declined. The commissioner can pass it to another provider."
            )
            return redirect("referrals:list")
    return _detail(request, referral, decline_form=form)


@login_required
@require_POST
def referral_withdraw(request, pk: int):
    referral = selectors.referral_get(actor=request.user, referral_id=pk)
    _require(request, services.BROKER_ROLES)
    form = WithdrawForm(request.POST, auto_id="withdraw-%s")
    if form.is_valid():
        try:
            referral = services.referral_withdraw(
                actor=request.user, referral_id=referral.pk, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            if exc.status_code != 400:
                return _refused(request, exc, referral)
            apply_errors(form, exc.errors)
        else:
            messages.success(request, f"Referral {referral.ref} withdrawn.")
            return redirect("referrals:detail", pk=referral.pk)
    return _detail(request, referral, withdraw_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def referral_pass_on(request, pk: int):
    referral = selectors.referral_get(actor=request.user, referral_id=pk)
    _require(request, services.BROKER_ROLES)
    if referral.outcome != "declined" or selectors.passed_on_as(referral) is not None:
        messages.error(request, "Only a declined referral that has not been passed on yet can be passed on.")
        return redirect("referrals:detail", pk=referral.pk)
    try:
        choices = services.pass_on_choices(actor=request.user, referral=referral)
    except DomainError as exc:
        raise PermissionDenied(str(exc)) from None
    form = PassOnForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.referral_pass_on(
                actor=request.user, referral_id=referral.pk, contract_id=form.cleaned_data["contract"]
            )
        except DomainError as exc:
            if exc.status_code != 400:
                return _refused(request, exc, referral)
            apply_errors(form, exc.errors)
        else:
            messages.success(request, f"Referral passed on to {new.provider.name} as {new.ref}.")
            return redirect("referrals:detail", pk=new.pk)
    return render(request, "outcomes/referrals/pass_on.html", {"r": referral, "form": form, "choices": choices})

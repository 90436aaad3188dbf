"""Pages for weekly returns: list, one return (figures, KPI targets, records behind each figure,
versions and what changed), recompute with progress, sign-off, and the CSV/JSON/PDF downloads.
Thin: reads through selectors, writes through services. Object pages look the object up first, so
another organisation's return is a 404 before any role check could answer 403."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from commissioning.models import Role
from commissioning.tenancy import get_for_user
from homecare.api_errors import DomainError
from homecare.lib.dates import LONDON, iso_week, parse_iso_week
from homecare.lib.exports import file_response, safe_filename
from reporting.models.returns import ReturnRun, WeeklyReturn
from reporting.returns import display, outputs, selectors, services
from reporting.returns import records_display as rd

VIEW_ROLES = {Role.PROVIDER_MANAGER, Role.COORDINATOR, Role.COMMISSIONER_OFFICER}
RECOMPUTE_ROLES = {Role.PROVIDER_MANAGER, Role.COORDINATOR}


def _require(request, roles) -> None:
    user = request.user
    if user.is_superuser:
        return
    if not (set(user.roles or []) & set(roles)):
        raise PermissionDenied("Your role does not give access to monitoring returns.")


def _week(value: str | None):
    if not value:
        return None
    try:
        return parse_iso_week(value)
    except ValueError:
        return None


RETURNS_PER_PAGE = 50


@login_required
def return_list(request):
    _require(request, VIEW_ROLES)
    g = request.GET
    returns = selectors.return_list(
        actor=request.user,
        contract=g.get("contract") or None,
        status=g.get("status") or None,
        week_from=_week(g.get("week_from")),
        week_to=_week(g.get("week_to")),
    )
    page = Paginator(returns, RETURNS_PER_PAGE).get_page(g.get("page"))
    others = g.copy()
    others.pop("page", None)  # the pages keep the filters
    org = request.user.organisation
    can_compute = bool(org and org.is_provider and set(request.user.roles or []) & RECOMPUTE_ROLES)
    return render(
        request,
        "reporting/returns/list.html",
        {
            "returns": page.object_list,
            "page_obj": page,
            "page_query": others.urlencode(),
            "contracts": selectors.contracts_for(request.user),
            "filters": g,
            "statuses": WeeklyReturn.Status.choices,
            "can_compute": can_compute,
            "weeks": selectors.return_weeks(actor=request.user),
            "this_week": iso_week(timezone.now().astimezone(LONDON).date()),
        },
    )


@login_required
def return_detail(request, pk: int):
    wr = selectors.return_get(actor=request.user, return_id=pk)
    _require(request, VIEW_ROLES)
    return render(
        request,
        "reporting/returns/detail.html",
        {
            "wr": wr,
            "kpis": display.kpi_rows(wr),
            **display.measures_by_due(wr),
            "changes": display.change_rows(wr.changes),
            "week_end": wr.week_start + timedelta(days=6),
            "versions": selectors.return_versions(actor=request.user, weekly_return=wr),
            "can_sign_off": wr.status == WeeklyReturn.Status.DRAFT and services.can_sign_off(request.user, wr),
            "can_recompute": services.can_recompute(request.user, wr.contract)
            and bool(set(request.user.roles or []) & RECOMPUTE_ROLES),
        },
    )


@login_required
def return_records(request, pk: int, figure: str):
    """The records behind one figure, so a manager can check it before signing off."""
    wr = selectors.return_get(actor=request.user, return_id=pk)
    _require(request, VIEW_ROLES)
    withheld = False
    try:
        records, withheld = selectors.figure_records(actor=request.user, weekly_return=wr, figure=_records_key(figure))
    except (KeyError, ValueError, LookupError):
        records = None
    g = request.GET
    shown = rd.filter_records(records or [], show=g.get("show", ""), lot=g.get("lot", ""))
    page = Paginator(shown, rd.RECORDS_PER_PAGE).get_page(g.get("page"))
    others = g.copy()
    others.pop("page", None)  # the pages keep the filters
    columns = rd.columns(records or [])
    section, _, rest = figure.partition(".")
    number = rest.split(".", 1)[0]
    titles = outputs.KPI_TITLES if section == "kpis" else outputs.MEASURE_TITLES
    return render(
        request,
        "reporting/returns/records.html",
        {
            "wr": wr,
            "figure": figure,
            "heading": f"{'KPI' if section == 'kpis' else 'Measure'} {number}: {titles.get(number, '')}".rstrip(": "),
            "figure_label": display.figure_label(figure) if figure.count(".") > 1 else "",
            "columns": columns,
            "rows": rd.rows(page.object_list, columns),
            "total": len(records or []),
            "shown": len(shown),
            "page_obj": page,
            "page_query": others.urlencode(),
            "filters": g,
            "show_choices": rd.SHOW_CHOICES if any(c.key == "counted" for c in columns) else [],
            "lots": rd.lots_in(records or []),
            "unknown": records is None,
            "withheld": withheld,
        },
    )


def _records_key(figure: str) -> str:
    """A figure path of the page ("kpis.3.numerator", "measures.1.lot1.packages_started") to the
    records the compute publishes for it ("kpi:3", "measure:1")."""
    section, _, rest = figure.partition(".")
    number = rest.split(".", 1)[0]
    return {"kpis": f"kpi:{number}", "measures": f"measure:{number}"}.get(section, figure)


@login_required
@require_POST
def return_recompute(request, pk: int):
    wr = selectors.return_get(actor=request.user, return_id=pk)
    _require(request, RECOMPUTE_ROLES)
    run = services.return_run_request(contract=wr.contract, week_start=wr.week_start, actor=request.user)
    return redirect("reporting:return_run", run_id=run.pk)


@login_required
@require_POST
def return_compute(request):
    """Compute a week that has no return yet (or recompute it), from the list page's form."""
    _require(request, RECOMPUTE_ROLES)
    contract = get_for_user(request.user, selectors.contracts_for(request.user), ref=request.POST.get("contract", ""))
    week_start = _week(request.POST.get("week"))
    if week_start is None:
        messages.error(request, "Enter a week like 2025-W37.")
        return redirect("reporting:return_list")
    run = services.return_run_request(contract=contract, week_start=week_start, actor=request.user)
    return redirect("reporting:return_run", run_id=run.pk)


@login_required
def run_detail(request, run_id: int):
    run = selectors.run_get(actor=request.user, run_id=run_id)
    _require(request, VIEW_ROLES)
    return render(request, "reporting/returns/run.html", {"run": run, "status": _run_status(run)})


@login_required
def run_status(request, run_id: int):
    """Small JSON the run page polls for progress."""
    run = selectors.run_get(actor=request.user, run_id=run_id)
    _require(request, VIEW_ROLES)
    return JsonResponse(_run_status(run))


# The run's state in words, for the page (the JSON keeps the state's code for clients).
RUN_STATE_LABELS = {
    ReturnRun.State.QUEUED: "Waiting to start",
    ReturnRun.State.RUNNING: "Computing",
    ReturnRun.State.DONE: "Finished",
    ReturnRun.State.FAILED: "Failed",
}


def _run_status(run: ReturnRun) -> dict:
    return {
        "id": run.pk,
        "state": run.state,
        "state_label": RUN_STATE_LABELS.get(run.state, run.state),
        "progress": run.progress,
        "message": run.message,
        "return_url": reverse("reporting:return_detail", args=[run.result_id]) if run.result_id else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def return_sign_off(request, pk: int):
    wr = selectors.return_get(actor=request.user, return_id=pk)
    _require(request, {Role.PROVIDER_MANAGER})
    if not services.can_sign_off(request.user, wr):
        raise PermissionDenied("Only a manager of the provider can sign off its return.")
    if request.method == "POST":
        try:
            services.weekly_return_submit(weekly_return_id=wr.pk, actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Version {wr.version} of the return for {wr.week} is submitted.")
        return redirect("reporting:return_detail", pk=wr.pk)
    return render(request, "reporting/returns/sign_off.html", {"wr": wr, "kpis": display.kpi_rows(wr)})


@login_required
def return_pdf(request, pk: int):
    """Serves the stored PDF only; if it is not there yet the worker is asked for it."""
    wr = selectors.return_get(actor=request.user, return_id=pk)
    _require(request, VIEW_ROLES)
    if not wr.pdf:
        services.return_pdf_request(weekly_return_id=wr.pk)
        return render(request, "reporting/returns/pdf_pending.html", {"wr": wr}, status=404)
    return FileResponse(wr.pdf.open("rb"), content_type="application/pdf", filename=safe_filename(_stem(wr), "pdf"))


@login_required
def return_csv(request, pk: int):
    wr = selectors.return_get(actor=request.user, return_id=pk)
    _require(request, VIEW_ROLES)
    return file_response(outputs.return_csv(wr), _stem(wr), "csv")


@login_required
def return_json(request, pk: int):
    wr = selectors.return_get(actor=request.user, return_id=pk)
    _require(request, VIEW_ROLES)
    return JsonResponse(outputs.return_json(wr), json_dumps_params={"indent": 1})


def _stem(wr: WeeklyReturn) -> str:
    return f"return-{wr.provider.ref}-{wr.contract.ref}-{wr.week}-v{wr.version}"

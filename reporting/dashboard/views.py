"""The dashboard (/reporting/dashboard/), trends (/reporting/trends/) and contract position
(/reporting/contracts/<ref>/) pages. Thin: the figures come from selectors, trends and position."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from commissioning.kpis import KPI_NUMBERS, KPI_SHORT, KPI_TITLES
from commissioning.models import Role
from commissioning.tenancy import organisation_of
from homecare.lib.dates import LONDON, iso_week, parse_iso_week
from homecare.lib.exports import attachment, safe_filename

from . import exports, rules, selectors, svg, trends
from .position import contract_position

VIEW_ROLES = {Role.COMMISSIONER_OFFICER, Role.SOCIAL_WORKER, Role.PROVIDER_MANAGER, Role.COORDINATOR}
MONEY_ROLES = {Role.COMMISSIONER_OFFICER, Role.PROVIDER_MANAGER}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(request, roles) -> None:
    user = request.user
    if not (user.is_superuser or set(user.roles or []) & set(roles)):
        raise PermissionDenied("Your role does not give access to this page.")


def current_week() -> date:
    today = timezone.now().astimezone(LONDON).date()
    return today - timedelta(days=today.weekday())


def parse_week(value: str | None, *, default: date) -> tuple[date, str | None]:
    """(the week's Monday, an error message for the field or None)."""
    if not value:
        return default, None
    try:
        week = parse_iso_week(value.strip())
    except ValueError:
        return default, "Enter a week like 2026-W47."
    if week > current_week():
        return default, f"{value} has not started yet: choose {iso_week(current_week())} or earlier."
    return week, None


@login_required
def dashboard(request):
    _require(request, VIEW_ROLES)
    week, error = parse_week(request.GET.get("week"), default=selectors.last_complete_week())
    rows = selectors.dashboard_rows(actor=request.user, week_start=week)
    label = iso_week(week)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx") and not error:
        stem = f"dashboard-{label}"
        if fmt == "csv":
            response = HttpResponse(exports.dashboard_csv(rows, label), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(exports.dashboard_xlsx(rows, label), content_type=XLSX)
        response["Content-Disposition"] = attachment(safe_filename(stem, fmt))
        return response
    for r in rows:
        for k in r.kpis.values():
            k.sparkline = svg.sparkline(k.trend, k.target, width=72, label=f"KPI {k.number}, 12 weeks to {label}")
    org = organisation_of(request.user)
    counts = {s: sum(1 for r in rows if r.return_status == s) for s in rules.RETURN_STATUSES}
    reds = sum(1 for r in rows for k in r.kpis.values() if k.rag == "red")
    context = {
        "rows": rows,
        "week": week,
        "week_label": label,
        "week_input": request.GET.get("week", label) if error else label,
        "error": error,
        "previous_week": iso_week(week - timedelta(weeks=1)),
        "next_week": iso_week(week + timedelta(weeks=1)) if week < current_week() else None,
        "kpi_numbers": KPI_NUMBERS,
        "kpi_short": KPI_SHORT,
        "kpi_titles": KPI_TITLES,
        "key_measures": selectors.KEY_MEASURES,
        "status_labels": rules.STATUS_LABELS,
        "rag_labels": rules.RAG_LABELS,
        "counts": counts,
        "reds": reds,
        "is_provider": bool(org and org.is_provider),
        "can_see_money": bool(request.user.is_superuser or set(request.user.roles or []) & MONEY_ROLES),
    }
    return render(request, "reporting/dashboard/dashboard.html", context, status=400 if error else 200)


@login_required
def trends_page(request):
    _require(request, VIEW_ROLES)
    g = request.GET
    errors: dict[str, str] = {}
    figure = trends.FIGURES.get(g.get("figure") or "kpi:7")
    if figure is None:
        errors["figure"] = "Choose a KPI or measure from the list."
        figure = trends.FIGURES["kpi:7"]
    last, err = parse_week(g.get("to"), default=selectors.last_complete_week())
    if err:
        errors["to"] = err
    first, err = parse_week(g.get("from"), default=last - timedelta(weeks=trends.DEFAULT_WEEKS - 1))
    if err:
        errors["from"] = err
    if first > last:
        errors["from"] = "The first week must not be after the last."
        first = last - timedelta(weeks=trends.DEFAULT_WEEKS - 1)
    elif (last - first).days // 7 + 1 > trends.MAX_WEEKS:
        errors["from"] = f"Choose at most {trends.MAX_WEEKS} weeks."
        first = last - timedelta(weeks=trends.MAX_WEEKS - 1)
    lot = None
    if g.get("lot"):
        if g["lot"] in ("1", "2"):
            lot = int(g["lot"])
        else:
            errors["lot"] = "Choose lot 1, lot 2 or all lots."
    providers = sorted(
        {(lt.contract.provider.ref, lt.contract.provider.name) for lt in selectors.visible_lots(actor=request.user)},
        key=lambda p: p[1],
    )
    provider = g.get("provider") or None
    if provider and provider not in {p[0] for p in providers}:
        errors["provider"] = "Choose one of your providers, or all."
        provider = None
    data = trends.trend(actor=request.user, figure=figure, first=first, last=last, lot=lot, provider=provider)
    chart = svg.line_chart(
        title=f"{trends.short_label(figure)}, {data.week_labels[0]} to {data.week_labels[-1]}",
        x_labels=[w[2:] for w in data.week_labels],
        series=[svg.Series(s.label, s.values) for s in data.series],
        targets=data.common_targets,
        y_label=figure.unit,
        y_max=100 if figure.unit.startswith("%") and figure.section == "kpis" else None,
        chart_id="trend",
    )
    capacity = []
    if figure.key == trends.CAPACITY:
        for s in data.series:
            capacity.append(
                {
                    "series": s,
                    "chart": svg.line_chart(
                        title=f"Care-plan hours of {s.label} against its guaranteed volume",
                        x_labels=[w[2:] for w in data.week_labels],
                        series=[svg.Series("Care-plan hours", s.values)],
                        targets=[s.guaranteed] * len(data.weeks) if s.guaranteed else None,
                        target_label="Guaranteed",
                        y_label="hours a week",
                        chart_id=f"capacity-{s.contract_id}",
                    ),
                }
            )
    table = [
        {"week": label, "values": [(s.values[i], s.return_ids[i], s.targets[i]) for s in data.series]}
        for i, label in enumerate(data.week_labels)
    ]
    context = {
        "figure": figure,
        "figures": trends.figure_choices(),
        "data": data,
        "chart": chart,
        "capacity": capacity,
        "table": table,
        "common_targets": data.common_targets,
        "errors": errors,
        "values": {
            "figure": g.get("figure") or figure.key,
            "from": g.get("from") or iso_week(first),
            "to": g.get("to") or iso_week(last),
            "lot": g.get("lot") or "",
            "provider": g.get("provider") or "",
        },
        "providers": providers,
        "is_kpi": figure.section == "kpis",
    }
    return render(request, "reporting/dashboard/trends.html", context, status=400 if errors else 200)


@login_required
def contract_position_page(request, ref: str):
    found = selectors.contracts_by_ref(actor=request.user, ref=ref, provider=request.GET.get("provider") or None)
    if not found:
        raise Http404
    _require(request, MONEY_ROLES)
    if len(found) > 1:  # two providers use the same reference: say which
        return render(request, "reporting/dashboard/contract_choose.html", {"ref": ref, "contracts": found})
    contract = found[0]
    position = contract_position(actor=request.user, contract=contract)
    today = timezone.now().astimezone(LONDON).date()
    chart = None
    if position.rows:
        periods = sorted({(r.period_start, r.period_end) for r in position.rows})
        labels = [f"{p[0]:%d %b %y}" for p in periods]

        def per_period(name):
            return [
                sum((getattr(r, name) for r in position.rows if (r.period_start, r.period_end) == p), 0)
                for p in periods
            ]

        guaranteed = [
            sum(
                (
                    r.guaranteed_hours
                    for r in position.rows
                    if (r.period_start, r.period_end) == p and r.guaranteed_hours is not None
                ),
                0,
            )
            or None
            for p in periods
        ]
        chart = svg.line_chart(
            title=f"Contract {contract.ref}: hours per settlement period",
            x_labels=labels,
            series=[
                svg.Series("Delivered", per_period("delivered_hours")),
                svg.Series("Invoiced", per_period("invoiced_hours")),
            ],
            targets=guaranteed,
            target_label="Guaranteed",
            y_label="hours",
            chart_id="position",
        )
    context = {
        "contract": contract,
        "position": position,
        "chart": chart,
        "elapsed": position.elapsed_share(today),
        "today": today,
    }
    return render(request, "reporting/dashboard/contract_position.html", context)

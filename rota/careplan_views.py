"""Care plan pages: the list of packages with their plans' hours, a package's care plan, and adding,
changing (from a day) and ending its visit slots. Thin: forms, then rota.careplans."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from commissioning.tenancy import get_for_user, scope_for
from outcomes.models import Package, PackageChange
from rota import careplans
from rota.forms import SlotEndForm, SlotForm
from rota.permissions import can_edit_care_plans, can_read_care_plans
from rota.plan_models import CarePlanSlot
from rota.selectors import HOURS_TOLERANCE, care_plan, package_hours_on, packages_with_plans
from workforce.models import Team

PAGE_SIZE = 50


def _read(request) -> None:
    if not can_read_care_plans(request.user):
        raise PermissionDenied


def _edit(request) -> None:
    if not can_edit_care_plans(request.user):
        raise PermissionDenied


def apply_errors(form, exc: ValidationError, rename: dict[str, str] | None = None) -> None:
    """A service's ValidationError beside the form's fields (the rest at the top)."""
    rename = rename or {}
    if hasattr(exc, "error_dict"):
        for name, errs in exc.message_dict.items():
            name = rename.get(name, name)
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def care_plan_list(request):
    """Active packages and whether their care plan books what the package pays for."""
    _read(request)
    today = timezone.localdate()
    only_differences = request.GET.get("differences") == "1"
    packages = (
        scope_for(request.user, Package.objects.all())
        .filter(start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .select_related("person")
        .prefetch_related(Prefetch("changes", queryset=PackageChange.objects.order_by("effective", "pk")))
        .order_by("person__ref", "ref")
    )
    rows = []
    for p in packages:
        rows.append({"package": p, "planned": package_hours_on(p, today, p.changes.all())})
    plan_hours = packages_with_plans(actor=request.user, package_ids=[r["package"].pk for r in rows], on=today)
    for r in rows:
        r["plan"] = plan_hours[r["package"].pk]
        r["difference"] = r["plan"] - r["planned"]
        r["differs"] = abs(r["difference"]) >= HOURS_TOLERANCE
    if only_differences:
        rows = [r for r in rows if r["differs"]]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "rota/care_plan_list.html",
        {
            "page_obj": page,
            "rows": page.object_list,
            "only_differences": only_differences,
            "page_query": "differences=1" if only_differences else "",
            "differing": sum(1 for r in rows if r["differs"]),
            "total": len(rows),
        },
    )


def _day(value: str | None):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def care_plan_detail(request, pk: int):
    """The plan on a day (?on=YYYY-MM-DD, default today)."""
    plan = care_plan(actor=request.user, package=pk, on=_day(request.GET.get("on")))
    _read(request)
    return render(
        request,
        "rota/care_plan.html",
        {"plan": plan, "can_edit": can_edit_care_plans(request.user), "describe_days": careplans.describe_days},
    )


def _teams(request):
    return list(scope_for(request.user, Team.objects.all()).order_by("name", "ref"))


@require_http_methods(["GET", "POST"])
def slot_add(request, pk: int):
    # The object first: another organisation's package is a 404 whatever the role.
    package = get_for_user(request.user, Package.objects.select_related("person"), pk=pk)
    _edit(request)
    start_day = max(timezone.localdate(), package.start)
    team = careplans.team_for_package(package)
    form = SlotForm(
        request.POST or None,
        teams=_teams(request),
        initial={"valid_from": start_day, "team": str(team.pk) if team else ""},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            careplans.care_plan_slot_add(
                actor=request.user,
                package=package,
                days=d["days"],
                start=d["start"],
                minutes=d["minutes"],
                carers_required=d["carers_required"],
                earliest=d["earliest"],
                latest=d["latest"],
                time_critical=d["time_critical"],
                skills=d["skills"],
                outside_home=d["outside_home"],
                tasks=d["tasks"],
                team=d["team"],
                valid_from=d["valid_from"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Visit slot added to the care plan.")
            return redirect("rota:care-plan", pk=package.pk)
    return render(
        request,
        "rota/care_plan_slot_form.html",
        {"form": form, "package": package, "slot": None, "cancel_url": reverse("rota:care-plan", args=[package.pk])},
    )


@require_http_methods(["GET", "POST"])
def slot_change(request, pk: int):
    slot = get_for_user(request.user, CarePlanSlot.objects.select_related("package__person", "team"), pk=pk)
    _edit(request)
    package = slot.package
    tomorrow = timezone.localdate() + timedelta(days=1)
    initial = {
        "days": slot.days,
        "start": slot.start,
        "minutes": slot.minutes,
        "carers_required": slot.carers_required,
        "earliest": slot.earliest,
        "latest": slot.latest,
        "skills": ", ".join(slot.skills),
        "outside_home": slot.outside_home,
        "tasks": slot.tasks,
        "team": str(slot.team_id or ""),
        "valid_from": max(tomorrow, slot.valid_from),
    }
    form = SlotForm(request.POST or None, teams=_teams(request), initial=initial, from_label="Change from")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        changes = {
            k: d[k] for k in ("days", "start", "minutes", "carers_required", "skills", "outside_home", "tasks", "team")
        }
        if d["earliest"] and d["latest"]:
            changes.update(earliest=d["earliest"], latest=d["latest"])
        changes["time_critical"] = d["time_critical"]
        try:
            careplans.care_plan_slot_change(actor=request.user, slot=slot, effective=d["valid_from"], **changes)
        except ValidationError as exc:
            apply_errors(form, exc, {"effective": "valid_from"})
        else:
            messages.success(request, f"Visit slot changed from {d['valid_from']:%-d %B %Y}.")
            return redirect("rota:care-plan", pk=package.pk)
    return render(
        request,
        "rota/care_plan_slot_form.html",
        {"form": form, "package": package, "slot": slot, "cancel_url": reverse("rota:care-plan", args=[package.pk])},
    )


@require_http_methods(["GET", "POST"])
def slot_end(request, pk: int):
    slot = get_for_user(request.user, CarePlanSlot.objects.select_related("package__person"), pk=pk)
    _edit(request)
    form = SlotEndForm(request.POST or None, initial={"last_day": max(timezone.localdate(), slot.valid_from)})
    if request.method == "POST" and form.is_valid():
        try:
            kept = careplans.care_plan_slot_end(actor=request.user, slot=slot, last_day=form.cleaned_data["last_day"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Visit slot ended." if kept else "Visit slot removed.")
            return redirect("rota:care-plan", pk=slot.package_id)
    return render(request, "rota/care_plan_slot_end.html", {"form": form, "slot": slot, "package": slot.package})

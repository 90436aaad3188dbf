"""The rota board pages: a team's day and week, the keyboard (and no-JavaScript) path to assign, move
and take off care workers, shifts added and edited on the board, a visit's time, publishing and
generating. Thin: reads from rota.board, writes through rota.assignments / publishing / generate.
Dragging on the board (static/js/rota-board.js) calls the REST API, which uses the same services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST

from commissioning.tenancy import get_for_user, scope_for
from homecare.lib.dates import LONDON, iso_week, parse_iso_week
from rota import assignments
from rota.board import board_for, candidates, team_workers
from rota.careplan_views import apply_errors
from rota.forms import ShiftForm, VisitTimeForm
from rota.generate import rota_generate
from rota.models import Shift, Visit
from rota.permissions import can_edit_rota, can_read_rota
from rota.plan_models import Assignment
from rota.publishing import rota_publish
from workforce.models import Team, Worker


def _read(request) -> None:
    if not can_read_rota(request.user):
        raise PermissionDenied


def _edit(request) -> None:
    if not can_edit_rota(request.user):
        raise PermissionDenied


def _day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        raise Http404 from None


def _team(request, ref: str | None) -> Team:
    return get_for_user(request.user, Team, ref=ref)


def board_url(team: Team, day: date) -> str:
    return f"{reverse('rota:board')}?{urlencode({'team': team.ref, 'date': day.isoformat()})}"


def _back(request, team: Team, day: date) -> HttpResponseRedirect:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(board_url(team, day))


def board(request):
    """/rota/board/?team=REF&date=YYYY-MM-DD: without a team, the first of the provider's teams."""
    ref = request.GET.get("team")
    team = _team(request, ref) if ref else None  # another organisation's team: 404 before anything
    _read(request)
    if team is None:
        first = scope_for(request.user, Team.objects.all()).order_by("name", "ref").first()
        if first is None:
            return render(request, "rota/board_empty.html", {})
        return redirect(board_url(first, _day(request.GET.get("date"))))
    day = _day(request.GET.get("date"))
    data = board_for(team, day)
    context = {
        "board": data,
        "teams": scope_for(request.user, Team.objects.all()).order_by("name", "ref"),
        "can_edit": can_edit_rota(request.user),
        "prev_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "week": iso_week(day),
        "here": board_url(team, day),
        "team_q": quote(team.ref),  # the team's ref, escaped for the visits' links
        "shift_form": ShiftForm(
            workers=[r.worker for r in data.rows],
            initial={"date": day, "start": "07:00", "end": "14:00", "unpaid_break_minutes": 30},
        ),
    }
    template = "rota/_board.html" if request.GET.get("fragment") == "1" else "rota/board.html"
    return render(request, template, context)


def board_week(request):
    """/rota/board/week/?team=REF&week=2026-W50: each care worker's week, day by day."""
    team = _team(request, request.GET.get("team"))
    _read(request)
    try:
        monday = parse_iso_week(request.GET.get("week") or iso_week(timezone.localdate()))
    except ValueError:
        raise Http404 from None
    days = [monday + timedelta(days=i) for i in range(7)]
    boards = [board_for(team, d) for d in days]
    # Everyone employed on any day of the week, in the boards' order (by name).
    workers = {}
    for b in boards:
        for r in b.rows:
            workers.setdefault(r.worker.pk, r)
    rows = []
    for wid, first in sorted(workers.items(), key=lambda kv: kv[1].worker.name or kv[1].worker.ref):
        cells = [next((r for r in b.rows if r.worker.pk == wid), None) for b in boards]
        rows.append({"worker": first.worker, "cells": cells, "week_hours": first.week_hours})
    context = {
        "team": team,
        "monday": monday,
        "days": days,
        "rows": rows,
        "boards": boards,
        "week": iso_week(monday),
        "prev_week": iso_week(monday - timedelta(days=7)),
        "next_week": iso_week(monday + timedelta(days=7)),
        "unassigned": sum(len(b.unassigned) for b in boards),
    }
    return render(request, "rota/board_week.html", context)


@require_http_methods(["GET", "POST"])
def visit_assign(request, pk: int):
    """The keyboard and no-JavaScript path: the visit, who is planned, and the team's care workers
    ranked by fit, each one press away."""
    visit = get_for_user(request.user, Visit.objects.select_related("person", "slot"), pk=pk)
    _read(request)
    day = timezone.localdate(visit.planned_start)
    team_ref = request.GET.get("team") or request.POST.get("team")
    team = _team(request, team_ref) if team_ref else (visit.team or _team_of(request, visit))
    if request.method == "POST":
        _edit(request)
        worker = get_for_user(request.user, Worker, ref=request.POST.get("worker"))
        replacing = None
        if request.POST.get("replacing"):
            replacing = get_for_user(request.user, Assignment, pk=request.POST["replacing"])
        try:
            outcome = assignments.assignment_add(actor=request.user, visit=visit, worker=worker, replacing=replacing)
        except assignments.Refused as exc:
            for f in exc.findings:
                messages.error(request, f"Not planned: {f.message}")
            return redirect(f"{request.path}?{urlencode({'team': team.ref})}")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(f"{request.path}?{urlencode({'team': team.ref})}")
        text = f"{worker.name or worker.ref} planned for {timezone.localtime(visit.planned_start):%H:%M}."
        problems = [f.message for f in outcome.warnings if f.kind == "warning"]
        messages.success(request, text + (" Warnings: " + " ".join(problems) if problems else ""))
        return _back(request, team, day)
    data = board_for(team, day)
    bv = next((v for v in data.visits + data.hospital if v.visit.pk == visit.pk), None)
    ranked = candidates(visit, team)
    return render(
        request,
        "rota/visit_assign.html",
        {
            "visit": visit,
            "bv": bv,
            "team": team,
            "day": day,
            "candidates": ranked,
            "unavailable": [c for c in ranked if c.refused],
            "can_edit": can_edit_rota(request.user),
            "back": board_url(team, day),
            "planned": [
                (a, bv.for_worker(a.worker_id) if bv else [])
                for a in visit.assignments.select_related("worker").order_by("created")
            ],
        },
    )


def _team_of(request, visit: Visit) -> Team:
    """A visit without a team: the team of whoever is planned, else the provider's first team."""
    a = visit.assignments.select_related("worker__team").first()
    if a is not None and a.worker.team is not None:
        return a.worker.team
    team = scope_for(request.user, Team.objects.all()).order_by("name", "ref").first()
    if team is None:
        raise Http404
    return team


@require_POST
def assignment_remove(request, pk: int):
    assignment = get_for_user(request.user, Assignment.objects.select_related("visit", "worker"), pk=pk)
    _edit(request)
    visit, worker = assignment.visit, assignment.worker
    assignments.assignment_remove(actor=request.user, assignment=assignment)
    messages.success(
        request, f"{worker.name or worker.ref} taken off the {timezone.localtime(visit.planned_start):%H:%M} visit."
    )
    team = visit.team or worker.team or _team_of(request, visit)
    return _back(request, team, timezone.localdate(visit.planned_start))


@require_http_methods(["GET", "POST"])
def visit_time(request, pk: int):
    visit = get_for_user(request.user, Visit.objects.select_related("person", "slot"), pk=pk)
    _edit(request)
    start = timezone.localtime(visit.planned_start)
    minutes = int((visit.planned_end - visit.planned_start).total_seconds() // 60)
    form = VisitTimeForm(request.POST or None, initial={"start": start.strftime("%H:%M"), "minutes": minutes})
    team = visit.team or _team_of(request, visit)
    if request.method == "POST" and form.is_valid():
        new_start = datetime.combine(start.date(), form.cleaned_data["start"]).replace(tzinfo=LONDON, fold=1)
        try:
            assignments.visit_reschedule(
                actor=request.user, visit=visit, start=new_start, minutes=form.cleaned_data["minutes"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Visit moved to {form.cleaned_data['start']:%H:%M}.")
            return _back(request, team, start.date())
    return render(
        request, "rota/visit_time.html", {"form": form, "visit": visit, "back": board_url(team, start.date())}
    )


def _shift_times(day: date, start, end) -> tuple[datetime, datetime]:
    s = datetime.combine(day, start).replace(tzinfo=LONDON, fold=1)
    e = datetime.combine(day, end).replace(tzinfo=LONDON, fold=1)
    if e <= s:  # ends after midnight
        e = datetime.combine(day + timedelta(days=1), end).replace(tzinfo=LONDON, fold=1)
    return s, e


@require_http_methods(["GET", "POST"])
def shift_add(request):
    team = _team(request, request.GET.get("team") or request.POST.get("team"))
    _edit(request)
    day = _day(request.GET.get("date") or request.POST.get("date"))
    workers = team_workers(team, day)
    initial = {"date": day, "unpaid_break_minutes": 0, "worker": request.GET.get("worker")}
    form = ShiftForm(request.POST or None, workers=workers, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        worker = next(w for w in workers if w.ref == d["worker"])
        start, end = _shift_times(d["date"], d["start"], d["end"])
        try:
            assignments.shift_add(
                actor=request.user,
                worker=worker,
                start=start,
                end=end,
                unpaid_break_minutes=d["unpaid_break_minutes"],
                kind=d["kind"],
            )
        except ValidationError as exc:
            apply_errors(form, exc, {"unpaid_break_minutes": "unpaid_break_minutes"})
        else:
            messages.success(request, f"Shift added for {worker.name or worker.ref}, {start:%H:%M}-{end:%H:%M}.")
            return _back(request, team, d["date"])
    return render(
        request,
        "rota/shift_form.html",
        {"form": form, "team": team, "day": day, "shift": None, "back": board_url(team, day)},
    )


@require_http_methods(["GET", "POST"])
def shift_edit(request, pk: int):
    shift = get_for_user(request.user, Shift.objects.select_related("worker__team"), pk=pk)
    _edit(request)
    start, end = timezone.localtime(shift.start), timezone.localtime(shift.end)
    team = shift.worker.team or _team(request, request.GET.get("team"))
    initial = {
        "worker": shift.worker.ref,
        "date": start.date(),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "unpaid_break_minutes": shift.unpaid_break_minutes,
        "kind": shift.kind,
    }
    form = ShiftForm(request.POST or None, workers=[shift.worker], initial=initial)
    form.fields["worker"].disabled = True
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        new_start, new_end = _shift_times(d["date"], d["start"], d["end"])
        try:
            assignments.shift_change(
                actor=request.user,
                shift=shift,
                start=new_start,
                end=new_end,
                unpaid_break_minutes=d["unpaid_break_minutes"],
                kind=d["kind"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Shift changed: {new_start:%H:%M}-{new_end:%H:%M}.")
            return _back(request, team, d["date"])
    return render(
        request,
        "rota/shift_form.html",
        {"form": form, "team": team, "day": start.date(), "shift": shift, "back": board_url(team, start.date())},
    )


@require_POST
def publish(request):
    team = _team(request, request.POST.get("team"))
    _edit(request)
    try:
        monday = parse_iso_week(request.POST.get("week") or "")
    except ValueError:
        messages.error(request, "Choose a week to publish.")
        return _back(request, team, timezone.localdate())
    rota_publish(actor=request.user, team=team, week=monday)
    messages.success(
        request, f"Rota published for {team.name}, week of {monday:%-d %B %Y}: its care workers can see it."
    )
    return _back(request, team, _day(request.POST.get("date")) if request.POST.get("date") else monday)


@require_POST
def generate(request):
    team = _team(request, request.POST.get("team"))
    _edit(request)
    try:
        monday = parse_iso_week(request.POST.get("week") or "")
    except ValueError:
        messages.error(request, "Choose a week.")
        return _back(request, team, timezone.localdate())
    result = rota_generate(provider=team.provider, week=monday)
    messages.success(request, f"Visits from the care plans, week of {monday:%-d %B %Y}: {result}.")
    return _back(request, team, _day(request.POST.get("date")) if request.POST.get("date") else monday)

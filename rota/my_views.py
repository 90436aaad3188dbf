"""/rota/my/: the care worker's day on their phone (today's visits in order, then the week), and the
check-in, check-out and "not at home" buttons. Care workers see only their own published rota."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from commissioning.tenancy import get_for_user
from rota import myday
from rota.careplan_views import apply_errors
from rota.forms import NotAtHomeForm
from rota.models import Visit
from rota.permissions import is_care_worker
from rota.publishing import changes_since, last_seen, rota_seen


def _worker(request):
    if not is_care_worker(request.user):
        raise PermissionDenied
    return myday.worker_of(request.user)


def my_rota(request):
    worker = _worker(request)
    if worker is None:
        return render(request, "rota/my.html", {"worker": None})
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    days = [monday + timedelta(days=i) for i in range(14)]
    by_day = myday.my_days(worker, days)
    since = last_seen(worker)
    changes = changes_since(worker, since)
    rota_seen(worker=worker)  # what is new is shown once, on this visit
    context = {
        "worker": worker,
        "today": by_day[today],
        "week": [by_day[d] for d in days[:7] if d != today],
        "next_week": [by_day[d] for d in days[7:]],
        "next_week_published": any(d.published for d in (by_day[x] for x in days[7:])),
        "changes": changes,
        "first_look": since is None,
    }
    return render(request, "rota/my.html", context)


def _mine(request, pk: int):
    """The object first (another organisation's visit is a 404), then the role, then whether it is
    this care worker's published visit (else 404 too)."""
    get_for_user(request.user, Visit, pk=pk)
    worker = _worker(request)
    if worker is None:
        raise PermissionDenied
    return worker, myday.my_visit(worker, pk)


def _act(request, pk: int, action, label: str):
    worker, visit = _mine(request, pk)
    p = request.POST
    try:
        action(worker=worker, visit=visit, lat=p.get("lat"), lon=p.get("lon"), accuracy=p.get("accuracy"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{label} at {timezone.localtime():%H:%M}.")
    return redirect(f"{reverse('rota:my')}#visit-{visit.ref}")


@require_POST
def check_in(request, pk: int):
    return _act(request, pk, myday.app_check_in, "Checked in")


@require_POST
def check_out(request, pk: int):
    return _act(request, pk, myday.app_check_out, "Checked out")


@require_http_methods(["GET", "POST"])
def not_at_home(request, pk: int):
    worker, visit = _mine(request, pk)
    form = NotAtHomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        p = request.POST
        try:
            myday.app_not_at_home(
                worker=worker,
                visit=visit,
                note=form.cleaned_data["note"],
                lat=p.get("lat"),
                lon=p.get("lon"),
                accuracy=p.get("accuracy"),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Recorded: not at home. Your coordinator can see your note.")
            return redirect("rota:my")
    return render(
        request, "rota/my_not_at_home.html", {"form": form, "visit": visit, "person": myday.first_name(visit.person)}
    )

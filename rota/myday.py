"""The care worker's day: their published visits, and what their phone records at a visit. Check-in
and check-out write the attendance itself (method `app`, the server's time), the same row an ECM
system would write, so returns, invoices and pay take it exactly as they take ECM records (the
database keeps the per-shift and per-visit totals). "Not at home" records that outcome with a note.
The browser's location, when given, is kept beside it with whether it was within 150 m of the
person's home."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from homecare.lib.dates import local_midnight
from rota.checks import leg_minutes
from rota.models import Attendance, Shift, Visit
from rota.plan_models import AppRecord, Assignment, Publication
from rota.publishing import first_name  # noqa: F401 - used by the views
from workforce.models import Worker

NEAR_HOME_METRES = 150
# The attendance bounds of rota/rules.py, as the ECM ingest applies them: a check-in at most 3 hours
# before the planned start or 6 hours after the planned end, at most 12 hours long.
EARLIEST_BEFORE = timedelta(hours=3)
LATEST_AFTER = timedelta(hours=6)
LONGEST = timedelta(hours=12)


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    a = (
        math.sin(math.radians(lat2 - lat1) / 2) ** 2
        + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def worker_of(user) -> Worker | None:
    """The worker record a care worker user is linked to (of their own provider)."""
    org = getattr(user, "organisation", None)
    if org is None:
        return None
    return Worker.objects.filter(user=user, provider=org).select_related("team").first()


def published_weeks(worker: Worker, mondays: list[date]) -> set[date]:
    if worker.team_id is None:
        return set()
    return set(Publication.objects.filter(team_id=worker.team_id, week__in=mondays).values_list("week", flat=True))


@dataclass
class MyVisit:
    visit: Visit
    others: list[Worker] = field(default_factory=list)  # the other carer(s) of a two-carer visit
    attendance: Attendance | None = None
    travel_before: int | None = None  # minutes from the previous visit, at the worker's travel mode

    @property
    def person(self) -> str:
        return first_name(self.visit.person)

    @property
    def start(self) -> datetime:
        return timezone.localtime(self.visit.planned_start)

    @property
    def end(self) -> datetime:
        return timezone.localtime(self.visit.planned_end)

    @property
    def tasks(self) -> str:
        return self.visit.slot.tasks if self.visit.slot else ""

    @property
    def state(self) -> str:
        """What the care worker can do next: check_in, check_out, done, not_at_home or closed."""
        if self.visit.status == Visit.Status.NOT_AT_HOME:
            return "not_at_home"
        a = self.attendance
        if a is not None and a.check_out is not None:
            return "done"
        if a is not None and a.check_in is not None:
            return "check_out"
        if self.visit.status in (Visit.Status.SCHEDULED, Visit.Status.COMPLETED):
            return "check_in"
        return "closed"


@dataclass
class MyDay:
    worker: Worker
    day: date
    published: bool
    visits: list[MyVisit]
    shifts: list[Shift]


def my_days(worker: Worker, days: list[date]) -> dict[date, MyDay]:
    """The worker's planned visits and shifts on these days, for the weeks that are published."""
    mondays = sorted({d - timedelta(days=d.weekday()) for d in days})
    published = published_weeks(worker, mondays)
    lo, hi = local_midnight(min(days)), local_midnight(max(days) + timedelta(days=1))
    rows = list(
        Assignment.objects.filter(worker=worker, visit__planned_start__gte=lo, visit__planned_start__lt=hi)
        .exclude(visit__status__in=[Visit.Status.CANCELLED_BY_PERSON, Visit.Status.CANCELLED_BY_PROVIDER])
        .select_related("visit__person__contract__neighbourhood", "visit__slot")
        .order_by("visit__planned_start", "visit__ref")
    )
    visit_ids = [a.visit_id for a in rows]
    others: dict[int, list[Worker]] = {}
    for a in Assignment.objects.filter(visit_id__in=visit_ids).exclude(worker=worker).select_related("worker"):
        others.setdefault(a.visit_id, []).append(a.worker)
    mine = {a.visit_id: a for a in Attendance.objects.filter(visit_id__in=visit_ids, worker=worker)}
    shifts = list(Shift.objects.filter(worker=worker, start__gte=lo, start__lt=hi).order_by("start"))
    out = {}
    for d in days:
        ok = (d - timedelta(days=d.weekday())) in published
        todays = [a.visit for a in rows if timezone.localdate(a.visit.planned_start) == d] if ok else []
        items = []
        prev = None
        for v in todays:
            travel = None
            if prev is not None:
                travel = leg_minutes(
                    prev.person.home_lat, prev.person.home_lon, v.person.home_lat, v.person.home_lon, worker.travel_mode
                )
            items.append(MyVisit(visit=v, others=others.get(v.pk, []), attendance=mine.get(v.pk), travel_before=travel))
            prev = v
        out[d] = MyDay(
            worker=worker,
            day=d,
            published=ok,
            visits=items,
            shifts=[s for s in shifts if timezone.localdate(s.start) == d] if ok else [],
        )
    return out


def my_visit(worker: Worker, visit_id: int) -> Visit:
    """One of the worker's planned visits in a published week, else 404 (another's visit does not exist)."""
    visit = Visit.objects.filter(pk=visit_id, assignments__worker=worker).select_related("person", "provider").first()
    if visit is None:
        raise Http404
    monday = timezone.localdate(visit.planned_start)
    monday -= timedelta(days=monday.weekday())
    if monday not in published_weeks(worker, [monday]):
        raise Http404
    return visit


def _place(visit: Visit, lat, lon) -> tuple[float | None, float | None, bool | None]:
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return None, None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None, None
    home = visit.person
    if home.home_lat is None or home.home_lon is None:
        return lat, lon, None
    return lat, lon, metres_between(lat, lon, home.home_lat, home.home_lon) <= NEAR_HOME_METRES


def _accuracy(value) -> float | None:
    try:
        return max(0.0, float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _record(worker: Worker, visit: Visit, kind: str, at: datetime, lat, lon, accuracy, note: str = "") -> AppRecord:
    lat, lon, near = _place(visit, lat, lon)
    record = AppRecord(
        provider_id=visit.provider_id,
        visit=visit,
        worker=worker,
        kind=kind,
        at=at,
        lat=lat,
        lon=lon,
        accuracy_m=_accuracy(accuracy),
        within_150m=near,
        note=note,
    )
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def app_check_in(*, worker: Worker, visit: Visit, lat=None, lon=None, accuracy=None, now: datetime | None = None):
    now = now or timezone.now()
    visit = Visit.objects.select_for_update().select_related("person").get(pk=visit.pk)
    if visit.status not in (Visit.Status.SCHEDULED, Visit.Status.COMPLETED):
        raise ValidationError(f"This visit is {visit.get_status_display().lower()}: there is nothing to check in to.")
    if now < visit.planned_start - EARLIEST_BEFORE:
        raise ValidationError("Too early: you can check in from 3 hours before the visit.")
    if now > visit.planned_end + LATEST_AFTER:
        raise ValidationError("Too late to check in: ask your coordinator to record this visit.")
    attendance = Attendance.objects.filter(visit=visit, worker=worker).first()
    if attendance is not None and attendance.check_in is not None:
        raise ValidationError("You have already checked in to this visit.")
    with pghistory.context(command="app_check_in", user=getattr(worker.user, "pk", None)):
        if attendance is None:
            attendance = Attendance(
                provider_id=visit.provider_id, visit=visit, worker=worker, method=Attendance.Method.APP
            )
        attendance.check_in = now
        attendance.method = Attendance.Method.APP
        attendance.full_clean()
        attendance.save()
    _record(worker, visit, AppRecord.Kind.CHECK_IN, now, lat, lon, accuracy)
    return attendance


@transaction.atomic
def app_check_out(*, worker: Worker, visit: Visit, lat=None, lon=None, accuracy=None, now: datetime | None = None):
    now = now or timezone.now()
    visit = Visit.objects.select_for_update().select_related("person").get(pk=visit.pk)
    attendance = Attendance.objects.select_for_update().filter(visit=visit, worker=worker).first()
    if attendance is None or attendance.check_in is None:
        raise ValidationError("Check in first.")
    if attendance.check_out is not None:
        raise ValidationError("You have already checked out of this visit.")
    if now <= attendance.check_in:
        now = attendance.check_in + timedelta(seconds=1)
    if now - attendance.check_in > LONGEST:
        raise ValidationError("Checked in more than 12 hours ago: ask your coordinator to record this visit.")
    with pghistory.context(command="app_check_out", user=getattr(worker.user, "pk", None)):
        attendance.check_out = now
        attendance.full_clean()
        attendance.save(update_fields=["check_out"])
        # Every carer the visit needs has checked in and out: the visit is done.
        done = (
            Attendance.objects.filter(visit=visit, check_in__isnull=False, check_out__isnull=False)
            .values("worker")
            .distinct()
            .count()
        )
        if done >= visit.carers_required and visit.status == Visit.Status.SCHEDULED:
            visit.status = Visit.Status.COMPLETED
            visit.save(update_fields=["status"])
    _record(worker, visit, AppRecord.Kind.CHECK_OUT, now, lat, lon, accuracy)
    return attendance


@transaction.atomic
def app_not_at_home(*, worker: Worker, visit: Visit, note: str, lat=None, lon=None, accuracy=None, now=None) -> Visit:
    now = now or timezone.now()
    visit = Visit.objects.select_for_update().select_related("person").get(pk=visit.pk)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say what happened, for example: no answer, rang the family."})
    if visit.status != Visit.Status.SCHEDULED:
        raise ValidationError({"note": f"This visit is already {visit.get_status_display().lower()}."})
    if Attendance.objects.filter(visit=visit, check_out__isnull=False).filter(~Q(worker=worker)).exists():
        raise ValidationError({"note": "Another carer has already recorded this visit."})
    visit.status = Visit.Status.NOT_AT_HOME
    visit.save(update_fields=["status"])
    _record(worker, visit, AppRecord.Kind.NOT_AT_HOME, now, lat, lon, accuracy, note=note[:500])
    return visit

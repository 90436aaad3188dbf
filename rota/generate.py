"""rota_generate: a week's visits from the care plans.

Idempotent, and careful with what people did:
- a visit that has an attendance, was edited by hand, or has an outcome (completed, cancelled, not at
  home, missed) is never changed or removed: it is "touched";
- an untouched visit is brought in line with its slot (time, length, carers, outside the home, team);
  when its slot was changed from a day (a new slot that `replaces` it), the old slot's untouched visit
  of that day becomes the new slot's, keeping its planned care workers;
- untouched visits whose slot no longer books that day (ended, days changed, package ended) go;
- only visits planned to start from `now` on are made, changed or removed: the past is history;
- a visit inside one of the person's hospital stays is made (or becomes) `hospital`, and loses its
  planned care workers (it is not offered for assignment); back to `scheduled` when the stay moves.

Set-based: one read of the week's slots, existing visits and stays, then one INSERT (unnest), one
UPDATE and one DELETE; a city's week (~60,000 visits) in seconds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from commissioning.models import Organisation
from homecare.lib.dates import week_bounds
from homecare.lib.sql import sql_loader
from outcomes.models import HospitalStay
from rota.careplans import local_start
from rota.models import Attendance, Visit
from rota.plan_models import Assignment, CarePlanSlot, RotaChange

sql = sql_loader(__file__, folder="queries")
# Statuses a generated visit may have while nobody has acted on it.
OPEN_STATUSES = (Visit.Status.SCHEDULED, Visit.Status.HOSPITAL)
# Rows per INSERT/UPDATE statement: big enough that a city week is a handful of statements, small
# enough that one statement's arrays stay a few megabytes.
BATCH = 20_000


@dataclass
class GenerateResult:
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept: int = 0  # touched visits left as they are
    hospital: int = 0  # visits made or turned `hospital`

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.removed} removed, "
            f"{self.kept} left as they were (attended, edited by hand or with an outcome), {self.hospital} in hospital"
        )


def visits_untouched(qs: QuerySet[Visit]) -> QuerySet[Visit]:
    """The visits of `qs` that rota_generate may still change or remove."""
    return qs.filter(status__in=OPEN_STATUSES, hand_edited=False).exclude(
        Exists(Attendance.objects.filter(visit=OuterRef("pk")))
    )


def visit_ref(slot_ref: str, day: date) -> str:
    return f"{slot_ref}-{day:%Y%m%d}"


def generated_weeks(*, provider_id: int, since: date) -> list[date]:
    """Mondays of the weeks from `since` on that already hold visits made from care plans."""
    start, _ = week_bounds(since - timedelta(days=since.weekday()))
    with connection.cursor() as cursor:
        cursor.execute(sql("generated_weeks"), {"provider": provider_id, "since": start})
        return [r[0] for r in cursor.fetchall()]


def _in_hospital(stays: list[tuple[datetime, datetime | None]], at: datetime) -> bool:
    return any(a <= at and (d is None or at < d) for a, d in stays)


@transaction.atomic
def rota_generate(
    *,
    provider: Organisation,
    week: date,
    now: datetime | None = None,
    packages: list[int] | None = None,
) -> GenerateResult:
    """Make the visits of `week` (its Monday) from the provider's care plans. See the module's doc."""
    monday = week - timedelta(days=week.weekday())
    start, end = week_bounds(monday)
    boundary = max(now or timezone.now(), start)
    result = GenerateResult()
    if boundary >= end:
        return result
    # One generation per provider at a time (the nightly job and a coordinator's button).
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('rota_generate'), %s)", [provider.pk])

    slots_q = CarePlanSlot.objects.filter(provider=provider, valid_from__lte=monday + timedelta(days=6)).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=monday)
    )
    if packages is not None:
        slots_q = slots_q.filter(package_id__in=packages)
    slots = list(
        slots_q.select_related("package").only(
            "id",
            "ref",
            "package_id",
            "team_id",
            "days",
            "start",
            "minutes",
            "carers_required",
            "outside_home",
            "valid_from",
            "valid_until",
            "replaces_id",
            "package__start",
            "package__end",
            "package__person_id",
        )
    )

    # What the plan books this week, from the boundary on.
    desired: dict[str, dict] = {}
    predecessor: dict[str, tuple[int, date]] = {}  # desired ref -> (the slot it replaces, the day)
    for s in slots:
        pkg = s.package
        for offset in range(7):
            day = monday + timedelta(days=offset)
            if day.isoweekday() not in s.days or not s.valid_on(day):
                continue
            if day < pkg.start or (pkg.end is not None and day > pkg.end):
                continue
            ps = local_start(day, s.start)
            if ps < boundary:
                continue
            ref = visit_ref(s.ref, day)
            desired[ref] = {
                "slot_id": s.pk,
                "person_id": pkg.person_id,
                "package_id": s.package_id,
                "team_id": s.team_id,
                "planned_start": ps,
                "planned_end": ps + timedelta(minutes=s.minutes),
                "carers_required": s.carers_required,
                "outside_home": s.outside_home,
            }
            if s.replaces_id is not None:
                predecessor[ref] = (s.replaces_id, day)

    # Hospital stays of these people that reach into the week.
    stays: dict[int, list] = defaultdict(list)
    people = {d["person_id"] for d in desired.values()}
    if people:
        for person_id, admitted, discharged in (
            HospitalStay.objects.filter(person_id__in=people, admitted__lt=end)
            .filter(Q(discharged__isnull=True) | Q(discharged__gt=start))
            .values_list("person_id", "admitted", "discharged")
        ):
            stays[person_id].append((admitted, discharged))
    for d in desired.values():
        in_hosp = _in_hospital(stays.get(d["person_id"], []), d["planned_start"])
        d["status"] = Visit.Status.HOSPITAL if in_hosp else Visit.Status.SCHEDULED

    # The visits already there: by ref (wherever they are now) and the week's generated ones, which
    # include the replaced slots' (a slot changed from a day keeps its visits' refs and workers).
    wanted_refs = list(desired)
    existing = Visit.objects.filter(provider=provider).annotate(
        attended=Exists(Attendance.objects.filter(visit=OuterRef("pk")))
    )
    in_week = Q(slot__isnull=False, planned_start__gte=boundary, planned_start__lt=end)
    if packages is not None:
        in_week &= Q(package_id__in=packages)
    rows = {
        v.ref: v
        for v in existing.filter(Q(ref__in=wanted_refs) | in_week).only(
            "id",
            "ref",
            "slot_id",
            "person_id",
            "package_id",
            "team_id",
            "planned_start",
            "planned_end",
            "carers_required",
            "outside_home",
            "status",
            "hand_edited",
        )
    }

    by_slot_day = {(v.slot_id, timezone.localdate(v.planned_start)): v for v in rows.values() if v.slot_id}

    def touched(v: Visit) -> bool:
        return v.attended or v.hand_edited or v.status not in OPEN_STATUSES

    to_create: list[tuple[str, dict]] = []
    to_update: list[tuple[Visit, dict]] = []
    claimed: set[str] = set()
    for ref, d in desired.items():
        v = rows.get(ref)
        if v is None and ref in predecessor:
            old = by_slot_day.get(predecessor[ref])
            # The replaced slot's visit of that day is this slot's now: brought in line when untouched,
            # left as it is (and no second visit made) when someone acted on it.
            if old is not None and old.ref not in desired and old.ref not in claimed:
                v = old
        if v is None:
            to_create.append((ref, d))
            continue
        claimed.add(v.ref)
        if touched(v) or v.planned_start < boundary:
            result.kept += 1
            continue
        fields = {k: val for k, val in d.items() if getattr(v, k) != val}
        if fields:
            to_update.append((v, fields))
    to_remove = [
        v
        for v in rows.values()
        if v.ref not in claimed
        and v.slot_id is not None
        and boundary <= v.planned_start < end
        and (packages is None or v.package_id in packages)
    ]
    result.kept += sum(1 for v in to_remove if touched(v))
    to_remove = [v for v in to_remove if not touched(v)]

    _log_changes(provider, to_update, to_remove)
    result.created = _insert(provider, to_create)
    result.updated = _update(to_update)
    if to_remove:
        Visit.objects.filter(pk__in=[v.pk for v in to_remove]).delete()
        result.removed = len(to_remove)
    # Hospital visits are not offered for assignment: whoever was planned is freed.
    hospital_ids = [v.pk for v, f in to_update if f.get("status") == Visit.Status.HOSPITAL]
    if hospital_ids:
        Assignment.objects.filter(visit_id__in=hospital_ids).delete()
    result.hospital = sum(1 for _, d in to_create if d["status"] == Visit.Status.HOSPITAL) + len(hospital_ids)
    return result


COLUMNS = ("slot_id", "person_id", "package_id", "team_id", "planned_start", "planned_end", "carers_required",
           "outside_home", "status")  # fmt: skip


def _insert(provider: Organisation, rows: list[tuple[str, dict]]) -> int:
    with connection.cursor() as cursor:
        for i in range(0, len(rows), BATCH):
            chunk = rows[i : i + BATCH]
            params = {"provider": provider.pk, "ref": [ref for ref, _ in chunk]}
            params.update({c: [d[c] for _, d in chunk] for c in COLUMNS})
            cursor.execute(sql("generate_insert"), params)
    return len(rows)


def _update(rows: list[tuple[Visit, dict]]) -> int:
    with connection.cursor() as cursor:
        for i in range(0, len(rows), BATCH):
            chunk = rows[i : i + BATCH]
            params = {"id": [v.pk for v, _ in chunk]}
            params.update({c: [f.get(c, getattr(v, c)) for v, f in chunk] for c in COLUMNS})
            cursor.execute(sql("generate_update"), params)
    return len(rows)


def _log_changes(provider: Organisation, updated: list[tuple[Visit, dict]], removed: list[Visit]) -> None:
    """Care workers planned on a changed or removed visit of a published week are told."""
    from rota.publishing import record_changes

    moved = {v.pk: v for v, f in updated if {"planned_start", "planned_end", "status"} & set(f)}
    gone = {v.pk: v for v in removed}
    if not moved and not gone:
        return
    items = []
    for a in Assignment.objects.filter(visit_id__in=[*moved, *gone]).select_related("worker"):
        if a.visit_id in gone:
            items.append((a.worker, gone[a.visit_id], RotaChange.Kind.UNASSIGNED, "no longer in the care plan"))
            continue
        v = moved[a.visit_id]
        f = next(f for u, f in updated if u.pk == v.pk)
        if f.get("status") == Visit.Status.HOSPITAL:
            detail = "the person is in hospital"
        else:
            detail = f"now {timezone.localtime(f.get('planned_start', v.planned_start)):%H:%M}, from the care plan"
        items.append((a.worker, v, RotaChange.Kind.VISIT_CHANGED, detail))
    record_changes(provider=provider, items=items)

"""Reads of the rota app that other pages use (people and package pages, the commissioner's dashboard):
each takes the acting user (or token) first and sees only what tenancy lets them see.

- `care_plan(actor, package)`: the package's care plan on a day, with its weekly person-hours beside
  the package's planned weekly hours;
- `visits_planned_delivered(actor, person, weeks)`: per ISO week, visits planned against delivered;
- `continuity(actor, people)`: per person, distinct care workers in the last 4 weeks and the share
  of their visits made by their 3 most frequent care workers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from commissioning.tenancy import get_for_user, scope_for
from homecare.lib.dates import local_midnight
from homecare.lib.sql import sql_loader
from outcomes import ledger
from outcomes.models import Package, PackageChange, Person
from rota.plan_models import CarePlanSlot

sql = sql_loader(__file__, folder="queries")
CONTINUITY_DAYS = 28
TOP_WORKERS = 3
# A care plan and its package's planned hours differ when they are this far apart (a quarter hour a
# week: rounding of a package's hours to two places never reaches it).
HOURS_TOLERANCE = Decimal("0.25")
# Statuses the weekly return's KPI 7 leaves out: the visit was not the provider's to deliver.
NOT_COUNTED = ("cancelled_by_person", "not_at_home", "hospital")


@dataclass
class CarePlan:
    package: Package
    on: date
    slots: list[CarePlanSlot]  # valid on `on`
    later: list[CarePlanSlot]  # starting after `on`
    ended: list[CarePlanSlot]  # ended before `on` (history)
    weekly_person_hours: Decimal
    weekly_staff_hours: Decimal
    planned_weekly_hours: Decimal

    @property
    def difference(self) -> Decimal:
        """Care plan minus package: positive when the plan books more than the package pays for."""
        return self.weekly_person_hours - self.planned_weekly_hours

    @property
    def differs(self) -> bool:
        return abs(self.difference) >= HOURS_TOLERANCE


def care_plan_slots(*, actor) -> QuerySet[CarePlanSlot]:
    return scope_for(actor, CarePlanSlot.objects.all())


def package_hours_on(package: Package, day: date, changes: Iterable[PackageChange] | None = None) -> Decimal:
    """The package's planned weekly hours on `day`, by the ledger's rule (outcomes/ledger.py, the same
    as the weekly return's): a change waiting for prior approval does not count until approved."""
    if changes is None:
        changes = package.changes.all()
    return ledger.hours_on(package.planned_weekly_hours, changes, day)


def care_plan(*, actor, package: Package | int, on: date | None = None) -> CarePlan:
    """The package's care plan on `on` (default today). Another organisation's package: 404."""
    pk = package.pk if isinstance(package, Package) else package
    package = get_for_user(actor, Package.objects.select_related("person"), pk=pk)
    on = on or timezone.localdate()
    all_slots = list(
        CarePlanSlot.objects.filter(package=package).select_related("team").order_by("start", "valid_from", "ref")
    )
    current = [s for s in all_slots if s.valid_on(on)]
    person_minutes = sum(s.weekly_minutes for s in current)
    staff_minutes = sum(s.weekly_minutes * s.carers_required for s in current)
    return CarePlan(
        package=package,
        on=on,
        slots=current,
        later=[s for s in all_slots if s.valid_from > on],
        ended=[s for s in all_slots if s.valid_until is not None and s.valid_until < on],
        weekly_person_hours=(Decimal(person_minutes) / 60).quantize(Decimal("0.01")),
        weekly_staff_hours=(Decimal(staff_minutes) / 60).quantize(Decimal("0.01")),
        planned_weekly_hours=package_hours_on(package, on),
    )


@dataclass
class WeekVisits:
    week: date  # Monday
    planned: int = 0  # visits the provider was to deliver (as KPI 7 counts them)
    delivered: int = 0
    planned_hours: Decimal = Decimal(0)
    delivered_hours: Decimal = Decimal(0)  # person-hours: each delivered visit's longest attendance
    not_counted: dict[str, int] = field(default_factory=dict)  # cancelled by the person, not at home, hospital

    @property
    def delivered_percent(self) -> Decimal | None:
        return None if not self.planned else (Decimal(100 * self.delivered) / self.planned).quantize(Decimal("0.1"))


def visits_planned_delivered(
    *, actor, person: Person | int, weeks: int = 4, end: date | None = None
) -> list[WeekVisits]:
    """The last `weeks` ISO weeks up to and including `end`'s week (default this week), oldest first.
    Delivered as the weekly return says: the visit's carers each checked in and out."""
    pk = person.pk if isinstance(person, Person) else person
    person = get_for_user(actor, Person, pk=pk)
    end = end or timezone.localdate()
    last_monday = end - timedelta(days=end.weekday())
    first_monday = last_monday - timedelta(weeks=weeks - 1)
    out = {first_monday + timedelta(weeks=i): WeekVisits(week=first_monday + timedelta(weeks=i)) for i in range(weeks)}
    with connection.cursor() as cursor:
        cursor.execute(
            sql("planned_delivered"),
            {
                "provider": person.provider_id,
                "person": person.pk,
                "start": local_midnight(first_monday),
                "end": local_midnight(last_monday + timedelta(days=7)),
            },
        )
        for week, status, hours, delivered, delivered_hours in cursor.fetchall():
            w = out[week]
            if status in NOT_COUNTED:
                w.not_counted[status] = w.not_counted.get(status, 0) + 1
                continue
            w.planned += 1
            w.planned_hours += Decimal(hours).quantize(Decimal("0.01"))
            if delivered:
                w.delivered += 1
                w.delivered_hours += Decimal(delivered_hours).quantize(Decimal("0.01"))
    return list(out.values())


@dataclass
class Continuity:
    person_id: int
    visits: int = 0  # attendances in the window (a two-carer visit counts once per carer)
    workers: int = 0  # distinct care workers
    top_share: Decimal | None = None  # share of those attendances by the 3 most frequent workers
    top_workers: list[int] = field(default_factory=list)

    @property
    def top_percent(self) -> int | None:
        return None if self.top_share is None else int((self.top_share * 100).quantize(Decimal(1)))


def continuity(*, actor, people: Iterable[Person | int], on: date | None = None) -> dict[int, Continuity]:
    """Per person: who checked in at their visits in the 4 weeks before `on` (default today). People
    the actor may not see are left out."""
    ids = {p.pk if isinstance(p, Person) else p for p in people}
    visible = list(scope_for(actor, Person.objects.filter(pk__in=ids)).values_list("pk", "provider_id"))
    return continuity_of(visible, on=on)


def continuity_of(people: list[tuple[int, int]], *, on: date | None = None) -> dict[int, Continuity]:
    """continuity() without the tenancy check, for callers that already scoped the people:
    (person id, provider id) pairs."""
    on = on or timezone.localdate()
    out = {pid: Continuity(person_id=pid) for pid, _ in people}
    if not people:
        return out
    providers = sorted({prov for _, prov in people})
    counts: dict[int, Counter] = defaultdict(Counter)
    with connection.cursor() as cursor:
        cursor.execute(
            sql("continuity"),
            {
                "providers": providers,
                "people": list(out),
                "start": local_midnight(on - timedelta(days=CONTINUITY_DAYS)),
                "end": local_midnight(on),
            },
        )
        for person_id, worker_id, n in cursor.fetchall():
            counts[person_id][worker_id] = n
    for pid, c in counts.items():
        total = sum(c.values())
        top = c.most_common(TOP_WORKERS)
        out[pid] = Continuity(
            person_id=pid,
            visits=total,
            workers=len(c),
            top_share=(Decimal(sum(n for _, n in top)) / total).quantize(Decimal("0.001")),
            top_workers=[w for w, _ in top],
        )
    return out


def packages_with_plans(*, actor, package_ids: Iterable[int], on: date | None = None) -> dict[int, Decimal]:
    """Weekly person-hours of the care plans of these packages on `on` (0 when a package has none):
    for lists of packages, one query."""
    on = on or timezone.localdate()
    out = dict.fromkeys(package_ids, Decimal(0))
    qs = scope_for(actor, CarePlanSlot.objects.filter(package_id__in=list(out), valid_from__lte=on)).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )
    for package_id, minutes, days in qs.values_list("package_id", "minutes", "days"):
        out[package_id] += Decimal(minutes * len(days)) / 60
    return {k: v.quantize(Decimal("0.01")) for k, v in out.items()}

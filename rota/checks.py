"""The rules every planned assignment is checked against (docs/rota.md, "Rules").

Refusals stop an assignment: the worker already has an overlapping visit, is absent that day, has not
started or has left, or the visit already has its carers (or is not open: in hospital, cancelled,
done). Warnings are allowed, shown wherever the visit is and counted: outside the worker's care
shifts, a required skill missing, travel from the previous visit (measure 14's rule at the worker's
travel mode) not fitting before the latest start, a start outside the slot's window, a shift over 6
hours without a 20-minute unpaid break, a shift whose visits leave no idle gap as long as its unpaid
break, the week's hours above 48 or above contracted + 20%, a two-carer visit with one carer; and, as
information, a care worker the person has not met in 12 weeks.

`Facts` reads what the rules need about some care workers around one day in a fixed number of
queries (the board and one assignment check alike), then evaluates any (visit, worker) pair in memory.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from homecare.lib.dates import LONDON, local_midnight
from homecare.lib.sql import sql_loader
from rota.careplans import describe_skills, local_start
from rota.models import Attendance, Shift, Visit
from rota.plan_models import Assignment
from workforce.models import Absence, Worker

sql = sql_loader(__file__, folder="queries")

# Measure 14's travel rule (docs/monitoring-return.md, "Measure 14"; SQL: rota_leg_minutes).
SPEED_KMH = {"walk": 5, "cycle": 15, "public": 15, "car": 30}
EARTH_RADIUS_KM = 6371
ROUTE_FACTOR = 1.3
# Working Time Regulations: a break of 20 minutes when the working day is longer than 6 hours; an
# average week of at most 48 hours.
LONG_SHIFT_MINUTES = 6 * 60
MIN_BREAK_MINUTES = 20
WEEK_LIMIT_HOURS = Decimal(48)
# Above contracted hours by more than this share is a warning: guaranteed hours are a promise both ways.
OVER_CONTRACT_SHARE = Decimal("0.20")
# "Has the person met this care worker" looks back this far (continuity of care).
MET_WITHIN_DAYS = 84
OPEN_FOR_ASSIGNMENT = (Visit.Status.SCHEDULED,)
# Warnings about the care worker's week or shift rather than one visit: the board shows each once on the
# worker's row (a shift's are told apart by their message, which names the shift) and counts it once.
ROW_CODES = frozenset({"week_over_48", "week_over_contract", "no_break", "break_no_room"})


def leg_minutes(lat1, lon1, lat2, lon2, mode: str) -> int | None:
    """One leg's minutes, exactly as rota_leg_minutes: haversine x 1.3 at the mode's speed, whole
    minutes rounded half up; None when a home is unknown."""
    if None in (lat1, lon1, lat2, lon2):
        return None
    a = (
        math.sin(math.radians(lat2 - lat1) / 2) ** 2
        + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))
    return math.floor(km * ROUTE_FACTOR / SPEED_KMH[mode] * 60 + 0.5)


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    kind: str = "warning"  # "refusal", "warning" or "info"

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "kind": self.kind}


def _hm(dt: datetime) -> str:
    return f"{timezone.localtime(dt):%H:%M}"


def _hours(minutes: float) -> str:
    h = Decimal(minutes) / 60
    return f"{h.quantize(Decimal('0.1'))}".rstrip("0").rstrip(".")


def window(visit: Visit) -> tuple[datetime, datetime]:
    """The earliest and latest start of a visit: its slot's window on its day, else its planned start."""
    slot = visit.slot
    if slot is None:
        return visit.planned_start, visit.planned_start
    day = local_day(visit.planned_start)
    return local_start(day, slot.earliest), local_start(day, slot.latest)


def local_day(dt: datetime) -> date:
    """The London date of an aware datetime (without Django's per-call time zone look-up: the board
    asks this thousands of times)."""
    return dt.astimezone(LONDON).date()


class Facts:
    """What the rules need about `workers` around `day` (and about the people of `visits`), read in a
    fixed number of queries: the board passes the day's visits it already holds, so only assignment
    pairs, shifts around the day and one aggregate per week are read besides."""

    def __init__(
        self, *, workers: list[Worker], day: date, visits: list[Visit] = (), met: set[tuple[int, int]] | None = None
    ):
        self.day = day
        self.workers = {w.pk: w for w in workers}
        ids = list(self.workers)
        monday = day - timedelta(days=day.weekday())
        self.week = (local_midnight(monday), local_midnight(monday + timedelta(days=7)))
        # A visit late in the evening may run past midnight: look half a day either side for overlaps.
        lo = local_midnight(day) - timedelta(hours=12)
        hi = local_midnight(day + timedelta(days=1)) + timedelta(hours=12)
        self.absent = set(
            Absence.objects.filter(worker_id__in=ids, start__lte=day, end__gte=day).values_list("worker_id", flat=True)
        )
        self.shifts: dict[int, list[Shift]] = defaultdict(list)
        for s in Shift.objects.filter(worker_id__in=ids, start__lt=hi, end__gt=lo).order_by("start"):
            self.shifts[s.worker_id].append(s)
        self.visits: dict[int, Visit] = {v.pk: v for v in visits}
        pairs = list(
            Assignment.objects.filter(worker_id__in=ids, visit__planned_start__lt=hi, visit__planned_end__gt=lo)
            .exclude(visit__status__in=_GONE)
            .values_list("visit_id", "worker_id")
        )
        missing = {vid for vid, _ in pairs} - set(self.visits)
        for v in Visit.objects.filter(pk__in=missing).select_related("person", "slot"):
            self.visits[v.pk] = v
        self.planned: dict[int, list[Visit]] = defaultdict(list)  # worker -> their assigned visits
        for vid, wid in pairs:
            self.planned[wid].append(self.visits[vid])
        for wid in self.planned:
            self.planned[wid].sort(key=lambda v: (v.planned_start, v.pk))
        self.assigned: dict[int, list[int]] = defaultdict(list)  # visit -> its workers (any team)
        self.assignment_ids: dict[tuple[int, int], int] = {}
        for aid, vid, wid in (
            Assignment.objects.filter(visit_id__in=list(self.visits))
            .order_by("pk")
            .values_list("pk", "visit_id", "worker_id")
        ):
            self.assigned[vid].append(wid)
            self.assignment_ids[(vid, wid)] = aid
        self._week_base = self._week_minutes(ids)
        # Who each person has met (attended with check-in) in the 12 weeks before the day: given by the
        # board (rota/acquaintance.py), read from the attendances for a single check.
        self._days: dict[tuple[int, date], list[Visit]] = {}
        self._gaps: dict[tuple, int] = {}
        if met is not None:
            self.met = met
            return
        people = {v.person_id for v in self.visits.values()}
        since = local_midnight(day - timedelta(days=MET_WITHIN_DAYS))
        self.met = set(
            Attendance.objects.filter(
                worker_id__in=ids,
                check_in__gte=since,
                check_in__lt=local_midnight(day),
                visit__person_id__in=people,
            )
            .values_list("visit__person_id", "worker_id")
            .distinct()
        )

    def _week_minutes(self, ids: list[int]) -> dict[int, float]:
        """Per worker: paid shift minutes in the week plus planned visit minutes outside any shift."""
        with connection.cursor() as cursor:
            cursor.execute(
                sql("week_minutes"),
                {"ws": self.week[0], "we": self.week[1], "ids": ids, "gone": list(_GONE)},
            )
            return {wid: float(minutes) for wid, minutes in cursor.fetchall()}

    # ---- the worker's day and week
    def _care_shift(self, worker_id: int, start: datetime, end: datetime) -> Shift | None:
        for s in self.shifts.get(worker_id, []):
            if s.kind == Shift.Kind.CARE and s.start <= start and end <= s.end:
                return s
        return None

    def week_minutes(self, worker_id: int, extra: Visit | None = None) -> float:
        """Paid shift minutes in the week, plus planned visit time outside any shift; with `extra`, as
        if that visit were planned too."""
        total = self._week_base.get(worker_id, 0.0)
        if extra is None or not (self.week[0] <= extra.planned_start < self.week[1]):
            return total
        if any(v.pk == extra.pk for v in self.planned.get(worker_id, [])):
            return total
        shifts = self.shifts.get(worker_id, [])
        if not any(s.start <= extra.planned_start and extra.planned_end <= s.end for s in shifts):
            total += (extra.planned_end - extra.planned_start).total_seconds() / 60
        return total

    def day_list(self, worker_id: int, day: date) -> list[Visit]:
        key = (worker_id, day)
        if key not in self._days:
            self._days[key] = [v for v in self.planned.get(worker_id, []) if local_day(v.planned_start) == day]
        return self._days[key]

    def neighbours(self, worker_id: int, visit: Visit) -> tuple[Visit | None, Visit | None]:
        """The worker's planned visits just before and just after `visit` on its day (not itself)."""
        me = (visit.planned_start, visit.pk)
        before = after = None
        for v in self.day_list(worker_id, local_day(visit.planned_start)):
            if v.pk == visit.pk:
                continue
            if (v.planned_start, v.pk) < me:
                before = v
            elif after is None:
                after = v
        return before, after

    def longest_gap(self, worker: Worker, shift: Shift, extra: Visit | None) -> int:
        """The longest idle time in a care shift, in minutes: before its first visit, between two visits
        (less the travel between them) or after its last; with `extra`, as if that visit were planned too.
        A shift is time at work, so the journey to the first visit and home from the last is outside it
        (docs/decisions.md), as the planner counts it."""
        key = (worker.pk, shift.pk, extra.pk if extra is not None else None)
        if key not in self._gaps:
            inside = [
                v
                for v in self.planned.get(worker.pk, [])
                if shift.start <= v.planned_start and v.planned_end <= shift.end and (extra is None or v.pk != extra.pk)
            ]
            if extra is not None:
                inside.append(extra)
            inside.sort(key=lambda v: (v.planned_start, v.pk))
            free, prev, gaps = shift.start, None, []
            for v in inside:
                leg = (self.leg(worker, prev, v) or 0) if prev is not None else 0  # no coordinates: no leg
                gaps.append((v.planned_start - free).total_seconds() / 60 - leg)
                free, prev = max(free, v.planned_end), v
            gaps.append((shift.end - free).total_seconds() / 60)
            self._gaps[key] = int(max(gaps))
        return self._gaps[key]

    def leg(self, worker: Worker, a: Visit, b: Visit) -> int | None:
        pa, pb = a.person, b.person
        return leg_minutes(pa.home_lat, pa.home_lon, pb.home_lat, pb.home_lon, worker.travel_mode)

    # ---- the rules
    def findings(self, visit: Visit, worker: Worker, *, adding: bool) -> list[Finding]:
        """Refusals, warnings and information for `worker` planned on `visit`. `adding`: a new
        assignment (is there room?); else one that exists (shown on the board)."""
        out: list[Finding] = []
        day = local_day(visit.planned_start)
        others = [w for w in self.assigned.get(visit.pk, []) if w != worker.pk]
        if adding:
            if worker.pk in self.assigned.get(visit.pk, []):
                out.append(
                    Finding("already_planned", f"{worker_name(worker)} is already planned for this visit.", "refusal")
                )
            if visit.status != Visit.Status.SCHEDULED:
                message = {
                    Visit.Status.HOSPITAL: "The person is in hospital at this time: the visit is not offered.",
                    Visit.Status.COMPLETED: "This visit has already been done.",
                }.get(visit.status, f"This visit is {visit.get_status_display().lower()}: it is not offered.")
                out.append(Finding("not_open", message, "refusal"))
            if len(others) >= visit.carers_required:
                n = visit.carers_required
                out.append(
                    Finding("carers_full", f"This visit already has its {n} carer{'s' if n > 1 else ''}.", "refusal")
                )
        for v in self.planned.get(worker.pk, []):
            if v.pk != visit.pk and v.planned_start < visit.planned_end and visit.planned_start < v.planned_end:
                out.append(
                    Finding(
                        "overlap",
                        f"{worker_name(worker)} already has a visit then: {_hm(v.planned_start)}-{_hm(v.planned_end)} "
                        f"with {person_label(v.person)}.",
                        "refusal",
                    )
                )
                break
        if worker.pk in self.absent:
            out.append(Finding("absent", f"{worker_name(worker)} is absent on {day:%A %-d %B}.", "refusal"))
        if worker.started > day:
            out.append(
                Finding("not_started", f"{worker_name(worker)} starts on {worker.started:%-d %B %Y}.", "refusal")
            )
        if worker.left is not None and worker.left < day:
            out.append(Finding("left", f"{worker_name(worker)} left on {worker.left:%-d %B %Y}.", "refusal"))

        shift = self._care_shift(worker.pk, visit.planned_start, visit.planned_end)
        if shift is None:
            out.append(
                Finding(
                    "outside_shift",
                    f"Outside {worker_name(worker)}'s care shifts ({_hm(visit.planned_start)}-{_hm(visit.planned_end)}).",
                )
            )
        elif (shift.end - shift.start).total_seconds() / 60 > LONG_SHIFT_MINUTES and (
            shift.unpaid_break_minutes < MIN_BREAK_MINUTES
        ):
            out.append(
                Finding(
                    "no_break",
                    f"The shift {_hm(shift.start)}-{_hm(shift.end)} is over 6 hours without a 20-minute unpaid break.",
                )
            )
        if shift is not None and shift.unpaid_break_minutes > 0:
            gap = self.longest_gap(worker, shift, visit if adding else None)
            if gap < shift.unpaid_break_minutes:
                out.append(
                    Finding(
                        "break_no_room",
                        f"The visits leave no {shift.unpaid_break_minutes}-minute gap for the unpaid break of the "
                        f"shift {_hm(shift.start)}-{_hm(shift.end)} (the longest is {max(gap, 0)} minutes).",
                    )
                )
        if visit.slot is not None:
            missing = [s for s in visit.slot.skills if s not in (worker.skills or [])]
            if missing:
                out.append(
                    Finding(
                        "skill_missing", f"Needs {describe_skills(missing)}: {worker_name(worker)} does not have it."
                    )
                )
            lo, hi = window(visit)
            if not lo <= visit.planned_start <= hi:
                out.append(
                    Finding(
                        "outside_window",
                        f"Starts at {_hm(visit.planned_start)}, outside the care plan's window {_hm(lo)}-{_hm(hi)}.",
                    )
                )
        before, after = self.neighbours(worker.pk, visit)
        if before is not None:
            minutes = self.leg(worker, before, visit)
            latest = window(visit)[1]
            if minutes is not None and before.planned_end + timedelta(minutes=minutes) > latest:
                out.append(
                    Finding(
                        "travel",
                        f"{minutes} min {worker.get_travel_mode_display().lower()} from {person_label(before.person)} "
                        f"(ends {_hm(before.planned_end)}) does not fit before the latest start {_hm(latest)}.",
                    )
                )
        if after is not None:
            minutes = self.leg(worker, visit, after)
            latest = window(after)[1]
            if minutes is not None and visit.planned_end + timedelta(minutes=minutes) > latest:
                out.append(
                    Finding(
                        "travel_next",
                        f"{minutes} min {worker.get_travel_mode_display().lower()} to the next visit "
                        f"({person_label(after.person)}) does not fit before its latest start {_hm(latest)}.",
                    )
                )
        week = Decimal(self.week_minutes(worker.pk, extra=visit if adding else None))
        if week > WEEK_LIMIT_HOURS * 60:
            out.append(
                Finding("week_over_48", f"{worker_name(worker)}'s week would be {_hours(week)} hours (over 48).")
            )
        contracted = worker.contracted_weekly_hours
        if contracted and week > contracted * 60 * (1 + OVER_CONTRACT_SHARE):
            out.append(
                Finding(
                    "week_over_contract",
                    f"{worker_name(worker)}'s week would be {_hours(week)} hours: over contracted "
                    f"{_hours(contracted * 60)} + 20%.",
                )
            )
        carers = len(others) + 1
        if visit.carers_required == 2 and carers < 2:
            out.append(Finding("one_of_two", "A two-carer visit with one carer planned."))
        if (visit.person_id, worker.pk) not in self.met:
            out.append(
                Finding(
                    "new_to_person",
                    f"{person_label(visit.person)} has not met {worker_name(worker)} in the last 12 weeks.",
                    "info",
                )
            )
        return out


_GONE = (Visit.Status.CANCELLED_BY_PERSON, Visit.Status.CANCELLED_BY_PROVIDER, Visit.Status.HOSPITAL)


def worker_name(worker: Worker) -> str:
    return worker.name or worker.ref


def person_label(person) -> str:
    name = (person.name or "").strip()
    return name or f"person {person.ref}"


def refusals(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.kind == "refusal"]

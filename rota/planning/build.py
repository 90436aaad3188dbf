"""A team's day, read from the database, as the planner's Problem (docs/planner.md, "From the database").

Clock: minutes since the day's local midnight. Places: the day's people's homes, then the care
workers' homes; a home without coordinates gives no leg (as the board and measure 14 count it).

What is kept ("pinned") depends on the mode:
- `unassigned` ("Plan unassigned visits"): every planned assignment stays, with its visit's time;
  only the places still open are planned.
- `replan` ("Re-plan the day"): only assignments on visits that have an attendance (someone checked
  in: the visit has happened or is happening) stay, and those of care workers from other teams (not
  this board's to move); everything else is planned afresh.
A visit with a kept assignment keeps its start; the others may start anywhere in their window.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
from django.db.models import Count, F, Sum

from homecare.lib.dates import local_midnight
from rota.board import day_visits, team_workers
from rota.careplans import WINDOW_MINUTES
from rota.checks import Facts, local_day, window
from rota.models import Attendance, Shift, Visit
from rota.planner import Measure14, Part, Problem, Settings, Solution
from rota.planner import Shift as PlanShift
from rota.planner import Visit as PlanVisit
from rota.planner import Worker as PlanWorker
from workforce.models import Team, Worker

MODES = ("unassigned", "replan", "scratch")  # scratch: nothing kept (the demo benchmark re-plans a past week)
SEEN_DAYS = 28  # continuity: the workers a person has seen in the last 4 weeks
GONE = (Visit.Status.CANCELLED_BY_PERSON, Visit.Status.CANCELLED_BY_PROVIDER, Visit.Status.HOSPITAL)


class BoardTravel:
    """Measure 14's rule over the places, with no leg to or from a place without coordinates."""

    def __init__(self, places: list[tuple[float, float] | None]):
        self.known = np.array([p is not None for p in places], dtype=bool)
        self.rule = Measure14([p if p is not None else (0.0, 0.0) for p in places])

    def matrix(self, mode: str) -> np.ndarray:
        m = self.rule.matrix(mode).copy()
        m[~self.known, :] = 0
        m[:, ~self.known] = 0
        return m


@dataclass
class DayProblem:
    """The built problem and what maps it back to the database."""

    team: Team
    day: date
    mode: str
    problem: Problem
    midnight: datetime
    visits: dict[str, Visit]  # problem visit id (the visit's ref) -> visit, the team's visits only
    workers: dict[str, Worker]  # worker ref -> worker (the team's)
    kept: dict[int, list[int]]  # visit pk -> worker pks that stay planned
    fixed: dict[str, list[int]] = field(default_factory=dict)  # visits held but not in the problem
    not_planned: dict[int, str] = field(default_factory=dict)  # team visits left out, with why

    def minute(self, dt: datetime) -> int:
        return int((dt - self.midnight).total_seconds() // 60)

    def at(self, minute: int) -> datetime:
        return self.midnight + timedelta(minutes=minute)


def _hours_before(workers: list[Worker], day: date) -> dict[int, float]:
    """Paid shift hours of the week before `day` (Monday up to the day's midnight)."""
    monday = day - timedelta(days=day.weekday())
    rows = (
        Shift.objects.filter(worker__in=workers, start__gte=local_midnight(monday), start__lt=local_midnight(day))
        .values("worker_id")
        .annotate(total=Sum(F("end") - F("start")), brk=Sum("unpaid_break_minutes"))
    )
    out = {}
    for r in rows:
        out[r["worker_id"]] = r["total"].total_seconds() / 3600 - r["brk"] / 60
    return out


def seen_counts(person_ids, day: date) -> dict[tuple[int, int], int]:
    """(person, worker) -> check-ins in the 4 weeks before `day`."""
    since = local_midnight(day - timedelta(days=SEEN_DAYS))
    return {
        (p, w): n
        for p, w, n in Attendance.objects.filter(
            visit__person_id__in=list(person_ids), check_in__gte=since, check_in__lt=local_midnight(day)
        )
        .values_list("visit__person_id", "worker_id")
        .annotate(n=Count("id"))
        .values_list("visit__person_id", "worker_id", "n")
    }


def _pieces(start: int, end: int, busy: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The shift [start, end) less the busy intervals."""
    out = [(start, end)]
    for b0, b1 in busy:
        nxt = []
        for s, e in out:
            if b1 <= s or e <= b0:
                nxt.append((s, e))
                continue
            if s < b0:
                nxt.append((s, b0))
            if b1 < e:
                nxt.append((b1, e))
        out = nxt
    return out


def build_day(team: Team, day: date, *, mode: str = "unassigned", settings: Settings | None = None) -> DayProblem:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    midnight = local_midnight(day)
    workers = team_workers(team, day)
    own = [v for v in day_visits(team, day) if local_day(v.planned_start) == day]
    facts = Facts(workers=workers, day=day, visits=own, met=set())
    ids = {w.pk for w in workers}
    by_pk = {w.pk: w for w in workers}
    attended = set(
        Attendance.objects.filter(visit_id__in=list(facts.visits), check_in__isnull=False).values_list(
            "visit_id", flat=True
        )
    )
    hours = _hours_before(workers, day)

    def mins(dt: datetime) -> int:
        return int((dt - midnight).total_seconds() // 60)

    # Shifts: each care shift starting on the day of a care worker who is not absent.
    day_shifts: dict[int, list[Shift]] = defaultdict(list)
    for w in workers:
        if w.pk in facts.absent:
            continue
        for s in facts.shifts.get(w.pk, []):
            if s.kind == Shift.Kind.CARE and local_day(s.start) == day:
                day_shifts[w.pk].append(s)

    def inside_shift(wid: int, v: Visit) -> bool:
        return any(s.start <= v.planned_start and v.planned_end <= s.end for s in day_shifts.get(wid, []))

    # What stays: per visit, the workers kept on it.
    kept: dict[int, list[int]] = {}
    own_ids = {v.pk for v in own}
    for vid, v in facts.visits.items():
        current = facts.assigned.get(vid, [])
        if not current or v.status in GONE or mode == "scratch":
            continue
        if vid not in own_ids or mode == "unassigned" or vid in attended or v.status != Visit.Status.SCHEDULED:
            kept[vid] = list(current)
        else:  # re-plan: only other teams' care workers stay
            stay = [w for w in current if w not in ids]
            if stay:
                kept[vid] = stay

    # Kept visits of our workers that no care shift of theirs holds: time cut out of their shifts.
    busy: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for vid, wids in kept.items():
        v = facts.visits[vid]
        for w in wids:
            if w in day_shifts and not inside_shift(w, v):
                busy[w].append((mins(v.planned_start), mins(v.planned_end)))

    places: list[tuple[float, float] | None] = []
    place_of: dict[tuple[str, int], int] = {}

    def place(kind: str, pk: int, lat, lon) -> int:
        key = (kind, pk)
        if key not in place_of:
            place_of[key] = len(places)
            places.append((lat, lon) if lat is not None and lon is not None else None)
        return place_of[key]

    plan_workers: dict[str, PlanWorker] = {}
    plan_shifts: list[PlanShift] = []
    for wid, shifts in day_shifts.items():
        w = by_pk[wid]
        plan_workers[w.ref] = PlanWorker(
            w.ref,
            skills=frozenset(w.skills or ()),
            mode=w.travel_mode,
            hours_worked=hours.get(wid, 0.0),
            contracted_hours=float(w.contracted_weekly_hours or 0),
        )
        home = place("worker", wid, w.home_lat, w.home_lon)
        for s in shifts:
            pieces = _pieces(mins(s.start), mins(s.end), sorted(busy.get(wid, [])))
            longest = max(range(len(pieces)), key=lambda i: pieces[i][1] - pieces[i][0], default=None)
            for i, (a, b) in enumerate(pieces):
                brk = s.unpaid_break_minutes if i == longest and b - a > s.unpaid_break_minutes else 0
                sid = s.ref if len(pieces) == 1 else f"{s.ref}#{i + 1}"
                plan_shifts.append(PlanShift(sid, w.ref, start=a, end=b, home=home, unpaid_break=brk, commute=True))

    seen = seen_counts({v.person_id for v in facts.visits.values()}, day)
    plan_visits: list[PlanVisit] = []
    mapped: dict[str, Visit] = {}
    fixed: dict[str, list[int]] = {}
    not_planned: dict[int, str] = {}
    for vid, v in sorted(facts.visits.items(), key=lambda kv: (kv[1].planned_start, kv[1].ref)):
        if local_day(v.planned_start) != day or v.status in GONE:
            if vid in own_ids and v.status == Visit.Status.HOSPITAL:
                not_planned[vid] = "the person is in hospital"
            continue
        stay = kept.get(vid, [])
        held = [w for w in stay if w in day_shifts and inside_shift(w, v)]  # kept and in the problem
        elsewhere = len(stay) - len(held)  # kept, but outside the problem (other teams, outside shifts)
        is_own = vid in own_ids
        open_ = v.status == Visit.Status.SCHEDULED or mode == "scratch"
        if is_own and open_:
            parts = v.carers_required - elsewhere
        else:
            parts = len(held)  # only occupies our workers' time
        if parts <= 0:
            if stay:
                fixed[v.ref] = stay
            continue
        minutes = max(1, mins(v.planned_end) - mins(v.planned_start))
        start = mins(v.planned_start)
        if stay or (mode != "scratch" and (vid in attended or v.status != Visit.Status.SCHEDULED)):
            lo = hi = start
        elif v.slot is not None:
            a, b = window(v)
            lo, hi = mins(a), mins(b)
        else:  # no care plan slot: the default window either side of the planned start
            lo, hi = start - WINDOW_MINUTES, start + WINDOW_MINUTES
        lo = max(lo, 0) if hi >= 0 else lo
        skills = frozenset(v.slot.skills) if v.slot is not None and is_own else frozenset()
        p = place("person", v.person_id, v.person.home_lat, v.person.home_lon)
        plan_visits.append(
            PlanVisit(
                v.ref,
                p,
                lo,
                hi,
                tuple(Part(minutes, skills) for _ in range(parts)),
                seen={by_pk[w].ref: n for (pid, w), n in seen.items() if pid == v.person_id and w in by_pk},
                pinned=tuple(by_pk[w].ref for w in held),
            )
        )
        if is_own:
            mapped[v.ref] = v
        elif stay:
            fixed[v.ref] = stay
    problem = Problem(
        workers=plan_workers,
        shifts=tuple(plan_shifts),
        visits=tuple(plan_visits),
        travel=BoardTravel(places),
        settings=settings or Settings(),
    )
    return DayProblem(
        team=team,
        day=day,
        mode=mode,
        problem=problem,
        midnight=midnight,
        visits=mapped,
        workers={w.ref: w for w in workers},
        kept=kept,
        fixed=fixed,
        not_planned=not_planned,
    )


def empty_solution(dp: DayProblem, reason: str) -> Solution:
    from rota.planner import Unassigned

    return Solution(routes={}, unassigned=[Unassigned(v.id, reason) for v in dp.problem.visits])

"""The board's figures for a team's day, as it is or as a plan would leave it: travel (measure 14's
legs between consecutive visits of one shift), new person-care worker pairs (not seen in 4 weeks),
visits still needing a care worker, warnings (the board's rules), paid hours and efficiency.

The plan is laid over the rules' facts in memory (rota.checks.Facts), so "after" is worked out by the
same rules as the board shows once the plan is applied."""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from rota.board import day_visits, team_workers
from rota.checks import ROW_CODES, Facts, leg_minutes, local_day, person_label
from rota.models import Shift, Visit
from rota.planning.build import seen_counts
from workforce.models import Team, Worker

ON_BOARD_GONE = (Visit.Status.CANCELLED_BY_PERSON, Visit.Status.CANCELLED_BY_PROVIDER)


@dataclass
class DayFigures:
    travel_minutes: int
    contact_minutes: int
    paid_minutes: int
    unassigned: int
    warnings: int
    new_pairs: int
    assigned: dict[int, list[int]]  # the team's visits -> worker pks
    starts: dict[int, datetime]
    refs: dict[int, str]
    people: dict[int, str]
    worker_refs: dict[int, str]
    worker_names: dict[int, str]
    snapshot: dict  # what "Apply" checks is unchanged (rota.planning.proposals)

    def summary(self) -> dict:
        paid = self.paid_minutes
        return {
            "travel_minutes": self.travel_minutes,
            "new_pairs": self.new_pairs,
            "unassigned": self.unassigned,
            "warnings": self.warnings,
            "contact_minutes": self.contact_minutes,
            "paid_minutes": paid,
            "paid_hours": str((Decimal(paid) / 60).quantize(Decimal("0.01"))),
            "efficiency_percent": None if not paid else int(round(100 * self.contact_minutes / paid)),
        }


def _overlay(facts: Facts, plan: dict[int, tuple[list[int], datetime]]) -> None:
    """Put the plan's care workers and starts into the facts (in memory only)."""
    for vid, (workers, start) in plan.items():
        v = facts.visits[vid]
        if start != v.planned_start:
            moved = copy.copy(v)
            moved.planned_end = start + (v.planned_end - v.planned_start)
            moved.planned_start = start
            facts.visits[vid] = moved
        facts.assigned[vid] = list(workers)
    facts.planned = defaultdict(list)
    for vid, wids in facts.assigned.items():
        for w in wids:
            if w in facts.workers:
                facts.planned[w].append(facts.visits[vid])
    for w in facts.planned:
        facts.planned[w].sort(key=lambda v: (v.planned_start, v.pk))
    facts._days = {}


def snapshot_of(facts: Facts, own: list[int], shifts: dict[int, list[Shift]]) -> dict:
    """The day as the plan saw it: each visit's status, times and care workers; each shift."""
    return {
        "visits": {
            facts.visits[vid].ref: [
                facts.visits[vid].status,
                facts.visits[vid].planned_start.isoformat(),
                facts.visits[vid].planned_end.isoformat(),
                sorted(facts.assigned.get(vid, [])),
            ]
            for vid in own
        },
        "shifts": sorted(
            [s.ref, s.start.isoformat(), s.end.isoformat(), s.unpaid_break_minutes, s.kind]
            for ss in shifts.values()
            for s in ss
        ),
        "absent": sorted(facts.absent),
    }


def day_figures(team: Team, day: date, *, plan: dict[int, tuple[list[int], datetime]] | None = None) -> DayFigures:
    workers = team_workers(team, day)
    own_visits = [v for v in day_visits(team, day) if local_day(v.planned_start) == day]
    facts = Facts(workers=workers, day=day, visits=own_visits, met=set())
    own = [v.pk for v in own_visits]
    day_shifts = {w.pk: [s for s in facts.shifts.get(w.pk, []) if local_day(s.start) == day] for w in workers}
    snapshot = snapshot_of(facts, own, day_shifts)
    if plan:
        _overlay(facts, plan)
    on_board = [facts.visits[vid] for vid in own if facts.visits[vid].status != Visit.Status.HOSPITAL]
    board_ids = {v.pk for v in on_board}
    travel = contact = paid = warnings = 0
    by_pk = {w.pk: w for w in workers}
    for w in workers:
        shifts = day_shifts[w.pk]
        paid += sum(int((s.end - s.start).total_seconds() // 60) - s.unpaid_break_minutes for s in shifts)
        mine = [v for v in facts.day_list(w.pk, day) if v.pk in board_ids]
        prev = None
        for v in mine:
            if prev is not None and _run_of(shifts, prev) == _run_of(shifts, v):
                pa, pb = prev.person, v.person
                travel += leg_minutes(pa.home_lat, pa.home_lon, pb.home_lat, pb.home_lon, w.travel_mode) or 0
            contact += int((v.planned_end - v.planned_start).total_seconds() // 60)
            prev = v
    unassigned = 0
    on_rows: set[tuple[int, str, str]] = set()  # (worker, code, message): the week's and shifts', once each
    for v in on_board:
        found = {}
        for wid in facts.assigned.get(v.pk, []):
            if wid in by_pk:
                for f in facts.findings(v, by_pk[wid], adding=False):
                    if f.code in ROW_CODES:
                        on_rows.add((wid, f.code, f.message))
                    elif f.kind != "info":
                        found.setdefault((f.code, f.message), f)
        warnings += len(found)
        if v.status == Visit.Status.SCHEDULED and len(facts.assigned.get(v.pk, [])) < v.carers_required:
            unassigned += 1
    warnings += len(on_rows)
    seen = seen_counts({v.person_id for v in on_board}, day)
    pairs = {(v.person_id, w) for v in on_board for w in facts.assigned.get(v.pk, [])}
    new_pairs = sum(1 for p in pairs if not seen.get(p))
    names = {w.pk: w.ref for w in workers}
    full = {w.pk: w.name or w.ref for w in workers}
    others = {w for vid in own for w in facts.assigned.get(vid, [])} - set(names)
    for w in Worker.objects.filter(pk__in=others):
        names[w.pk], full[w.pk] = w.ref, w.name or w.ref
    return DayFigures(
        travel_minutes=travel,
        contact_minutes=contact,
        paid_minutes=paid,
        unassigned=unassigned,
        warnings=warnings,
        new_pairs=new_pairs,
        assigned={vid: list(facts.assigned.get(vid, [])) for vid in own},
        starts={vid: facts.visits[vid].planned_start for vid in own},
        refs={vid: facts.visits[vid].ref for vid in own},
        people={vid: person_label(facts.visits[vid].person) for vid in own},
        worker_refs=names,
        worker_names=full,
        snapshot=snapshot,
    )


def _run_of(shifts: list[Shift], v: Visit) -> int | None:
    for s in shifts:
        if s.start <= v.planned_start < s.end:
            return s.pk
    return None

"""An independent check of a plan against the problem's hard rules.

Written from the rules, not from the solver: it shares nothing with model.py or schedule.py but the
dataclasses, so a bug in how the solver models a rule shows up here as a fault.
"""

from __future__ import annotations

from dataclasses import dataclass

from rota.planner.problem import Problem, Solution

# The kinds of fault, one per hard rule.
KINDS = (
    "unknown",  # a stop names a visit, part or shift the problem does not have
    "window",  # a start outside its visit's window (late only where the visit allows it)
    "shift",  # leaving home before the shift starts or getting back after it ends (commuting: the first
    # visit starting before the shift or the last ending after it)
    "break",  # no single idle gap as long as the shift's unpaid break
    "skill",  # a worker without a skill the part needs (but for the worker pinned on that part)
    "overlap",  # two stops of one worker closer than the first's minutes plus the travel between them
    "sync",  # a two-carer visit's parts not together (or outside their time gap)
    "same_worker",  # one worker on two parts of a visit
    "duplicate",  # a part done twice, or a visit both planned and unassigned
    "missing",  # a visit neither wholly planned nor listed as unassigned
    "pinned",  # a pinned worker not on the visit
    "capacity",  # a route's demand over its shift's capacity
)


@dataclass(frozen=True)
class Fault:
    kind: str
    visit: str = ""
    shift: str = ""
    detail: str = ""


def validate(problem: Problem, solution: Solution) -> list[Fault]:
    faults: list[Fault] = []
    visits = problem.visit_by_id()
    shifts = problem.shift_by_id()
    done: dict[str, dict[int, tuple[str, int]]] = {}  # visit -> part -> (worker, start)

    for shift_id, stops in solution.routes.items():
        shift = shifts.get(shift_id)
        if shift is None:
            faults.append(Fault("unknown", shift=shift_id, detail="no such shift"))
            continue
        worker = problem.workers[shift.worker]
        travel = problem.travel.matrix(worker.mode)
        place, free_from, first = shift.home, shift.start, True
        idle = []
        load = 0
        for stop in stops:
            v = visits.get(stop.visit)
            if v is None or not 0 <= stop.part < v.carers:
                faults.append(Fault("unknown", stop.visit, shift_id, f"part {stop.part}"))
                continue
            part = v.parts[stop.part]
            load += v.demand
            if stop.start < v.earliest or (stop.start > v.latest and not v.late_allowed):
                faults.append(Fault("window", v.id, shift_id, f"starts {stop.start}, window {v.earliest}-{v.latest}"))
            if not part.skills <= worker.skills and v.pinned[stop.part : stop.part + 1] != (worker.id,):
                faults.append(Fault("skill", v.id, shift_id, f"needs {sorted(part.skills - worker.skills)}"))
            arrive = free_from + (0 if first and shift.commute else int(travel[place, v.place]))
            if arrive > stop.start:
                kind = "shift" if first else "overlap"
                faults.append(Fault(kind, v.id, shift_id, f"can arrive {arrive}, starts {stop.start}"))
            idle.append(stop.start - arrive)
            if stop.part in done.setdefault(v.id, {}):
                faults.append(Fault("duplicate", v.id, shift_id, f"part {stop.part} twice"))
            done[v.id][stop.part] = (worker.id, stop.start)
            place, free_from, first = v.place, stop.start + part.minutes, False
        back = free_from + (0 if shift.commute else int(travel[place, shift.finish_place]))
        if back > shift.end:
            faults.append(Fault("shift", shift=shift_id, detail=f"back at {back}, shift ends {shift.end}"))
        idle.append(shift.end - back)
        if shift.unpaid_break > 0 and max(idle) < shift.unpaid_break:
            faults.append(Fault("break", shift=shift_id, detail=f"longest gap {max(idle)} < {shift.unpaid_break}"))
        if shift.capacity is not None and load > shift.capacity:
            faults.append(Fault("capacity", shift=shift_id, detail=f"load {load} > {shift.capacity}"))

    unassigned = [u.visit for u in solution.unassigned]
    for visit_id in set(unassigned):
        if unassigned.count(visit_id) > 1 or visit_id in done:
            faults.append(Fault("duplicate", visit_id, detail="unassigned twice, or both planned and unassigned"))
    for v in problem.visits:
        got = done.get(v.id, {})
        if v.id in unassigned and not got:
            continue
        if len(got) < v.carers:
            faults.append(Fault("missing", v.id, detail=f"{len(got)} of {v.carers} parts planned"))
            continue
        workers = [got[k][0] for k in range(v.carers)]
        starts = [got[k][1] for k in range(v.carers)]
        if len(set(workers)) < len(workers):
            faults.append(Fault("same_worker", v.id, detail=f"{workers}"))
        if v.carers > 1:
            lo, hi = v.gap
            if any(not lo <= t - starts[0] <= hi for t in starts[1:]):
                faults.append(Fault("sync", v.id, detail=f"starts {starts}, gap {lo}-{hi}"))
        for pinned in v.pinned:
            if pinned not in workers:
                faults.append(Fault("pinned", v.id, detail=f"{pinned} pinned, {workers} planned"))
    return faults

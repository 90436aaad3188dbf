"""Our Problem as PyVRP ProblemData, built from numpy matrices.

How each rule maps (docs/planner.md has the long form):
- a shift is a vehicle: starts and ends at the worker's home, leaves no earlier than its start, is back by its
  end (a commuting shift: its first visit starts no earlier than its start, its last ends by its end; the
  journeys from and to home cost but take no time), and its span is at most the shift's length less the
  unpaid break (so the break fits in its idle time);
- each part of a visit is a client with its own location (so a cost can be put on the arc into it);
- skills and pinned workers are hard: arcs into a part a shift may not do cost more than leaving it out;
- continuity and balance are a cost on the arcs into each part, per shift (one routing profile per distinct
  set of such costs), travel time is the profile's duration matrix (the worker's mode);
- every part is optional with a prize far above any route's cost, so an impossible visit comes back
  unplanned instead of making the whole plan infeasible;
- a two-carer visit's parts are clients with the same pinned start (window of width 0): no one worker can
  do both, so they get two different workers at one minute; a time gap pins the first and gives the second
  the gap's window. Which start to pin is searched by solve.py;
- a late-allowed visit (HHCRSP) is a group of copies with lateness bands as windows, the copy with more
  lateness collecting a smaller prize, so PyVRP sees the lateness cost, in steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from pyvrp import Client, ClientGroup, Depot, Location, ProblemData, VehicleType
from pyvrp.constants import MAX_VALUE

from rota.planner.problem import Problem, Shift, Visit

PRIZE = 10**9  # per part: leaving a part out costs more than any plan's travel or shifts
# A part the coordinator pinned (a kept assignment) is worth more than any number of open parts: a plan
# never gives one up to fit others in its time.
KEPT_PRIZE = 1000 * PRIZE
FORBIDDEN = MAX_VALUE  # arc cost into a part this shift may not do (skills, pins)
OPEN = 2**40  # an open window's end, well below PyVRP's overflow guards


@dataclass(frozen=True)
class Copy:
    """One PyVRP client: a part of a visit, in one lateness band."""

    visit: Visit
    part: int
    lo: int  # window for the start, in ticks
    hi: int
    penalty: int  # lateness cost this band stands for, in cost units


@dataclass
class Built:
    data: ProblemData
    copies: list[Copy]
    vehicle_shifts: list[list[Shift]]  # per vehicle type, the shifts it stands for


def part_windows(
    visit: Visit, part: int, pins: Mapping[str, int], late_bands: tuple[int, ...], late_cost: float, scale: int
) -> list[tuple[int, int, int]]:
    """The (lo, hi, penalty) windows a part may start in, given the pinned starts of two-carer visits."""
    if visit.carers > 1 and visit.id in pins:
        t = pins[visit.id]
        if part == 0 or visit.gap == (0, 0):
            return [(t, t, 0)]
        lo, hi = t + visit.gap[0], t + visit.gap[1]
        if not visit.late_allowed:
            return [(max(lo, visit.earliest), min(hi, visit.latest), 0)]
        bands = _bands(max(lo, visit.earliest), visit.latest, late_bands, late_cost, scale)
        return [(max(a, lo), min(b, hi), pen) for a, b, pen in bands if max(a, lo) <= min(b, hi)]
    if not visit.late_allowed:
        return [(visit.earliest, visit.latest, 0)]
    return _bands(visit.earliest, visit.latest, late_bands, late_cost, scale)


def _bands(
    lo: int, latest: int, late_bands: tuple[int, ...], late_cost: float, scale: int
) -> list[tuple[int, int, int]]:
    """On time, then one copy per band of lateness [a, b) after the window's end (the last band open).

    A band's penalty is the lateness at its middle (one and a half times its start for the open band): a
    step version of the linear cost, which PyVRP cannot see otherwise."""
    out = [(lo, latest, 0)] if lo <= latest else []
    edges: list[int | None] = [*late_bands, None]
    for a, b in zip(edges[:-1], edges[1:], strict=False):
        assert a is not None
        start = max(lo, latest + a)
        end = OPEN if b is None else latest + b
        if start > end:
            continue
        late_from = start - latest
        mid = 1.5 * late_from if b is None else (late_from + b) / 2
        out.append((start, end, round(late_cost * mid * scale)))
    return out


def kept(visit: Visit, part: int) -> bool:
    """This part has a worker the coordinator pinned (planned and kept)."""
    return part < len(visit.pinned)


def may_do(problem: Problem, shift: Shift, visit: Visit, part: int) -> bool:
    worker = problem.workers[shift.worker]
    if kept(visit, part):
        # Pinned workers take parts in order, as the coordinator planned them, skills or not: the board only
        # warns about a missing skill, and a kept visit left out would free its time for other visits.
        return visit.pinned[part] == worker.id
    if not visit.parts[part].skills <= worker.skills:
        return False
    return worker.id not in visit.pinned  # the other parts: anyone qualified not pinned on this visit


def assignment_cost(problem: Problem, shift: Shift, visit: Visit, part: int) -> int:
    """Continuity and balance, in cost units, of this shift doing this part."""
    s = problem.settings
    worker = problem.workers[shift.worker]
    cost = 0.0
    if visit.seen and worker.id not in visit.seen:
        cost += s.continuity_cost
    if worker.contracted_hours > 0:
        cost += s.balance_cost * visit.parts[part].minutes * worker.hours_worked / worker.contracted_hours
    return round(cost * s.cost_scale)


def build(problem: Problem, pins: Mapping[str, int], required: bool = False) -> Built:
    """required: every part must be planned (no prizes), for trials where a left-out part means failure."""
    late_cost, late_bands, scale = problem.settings.late_cost, problem.settings.late_bands, problem.settings.cost_scale
    copies = [
        Copy(v, k, lo, hi, pen)
        for v in problem.visits
        for k in range(v.carers)
        for lo, hi, pen in part_windows(v, k, pins, late_bands, late_cost, scale)
        if lo <= hi
    ]
    depot_places = sorted({s.home for s in problem.shifts} | {s.finish_place for s in problem.shifts})
    depot_index = {p: i for i, p in enumerate(depot_places)}
    places = np.array(depot_places + [c.visit.place for c in copies], dtype=np.int64)
    n_dep = len(depot_places)
    locations = [Location(x=float(p), y=0.0) for p in places]
    depots = [Depot(location=i) for i in range(n_dep)]

    groups: list[ClientGroup] = []
    clients: list[Client] = []
    group_of: dict[tuple[str, int], int] = {}
    counts: dict[tuple[str, int], int] = {}
    for c in copies:
        counts[(c.visit.id, c.part)] = counts.get((c.visit.id, c.part), 0) + 1
    for i, c in enumerate(copies):
        key = (c.visit.id, c.part)
        group = None
        if counts[key] > 1:
            if key not in group_of:
                group_of[key] = len(groups)
                groups.append(ClientGroup(required=required))
            group = group_of[key]
            groups[group].add_client(i)
        clients.append(
            Client(
                location=n_dep + i,
                delivery=[c.visit.demand] if _has_loads(problem) else [],
                service_duration=c.visit.parts[c.part].minutes,
                tw_early=c.lo,
                tw_late=c.hi,
                prize=(KEPT_PRIZE if kept(c.visit, c.part) else PRIZE) - c.penalty,
                required=required and counts[(c.visit.id, c.part)] == 1,
                group=group,
                name=f"{c.visit.id}/{c.part}",
            )
        )

    # One profile per distinct (mode, arc costs into each copy); shifts alike in every respect share a
    # vehicle type, which lets PyVRP treat Solomon's identical vehicles as one fleet.
    profiles: dict[tuple, int] = {}
    distances: list[np.ndarray] = []
    durations: list[np.ndarray] = []
    vtypes: dict[tuple, list[Shift]] = {}
    base_by_mode: dict[str, np.ndarray] = {}
    for shift in problem.shifts:
        mode = problem.workers[shift.worker].mode
        if mode not in base_by_mode:
            base_by_mode[mode] = problem.travel.matrix(mode)[np.ix_(places, places)]
        extra = np.zeros(len(places), dtype=np.int64)
        for i, c in enumerate(copies):
            extra[n_dep + i] = (
                assignment_cost(problem, shift, c.visit, c.part) if may_do(problem, shift, c.visit, c.part) else -1
            )
        key = (mode, shift.commute, extra.tobytes())
        if key not in profiles:
            base = base_by_mode[mode]
            dist = base * scale + np.maximum(extra, 0)[None, :]
            dist[:, extra < 0] = FORBIDDEN
            np.fill_diagonal(dist, 0)
            profiles[key] = len(distances)
            distances.append(dist)
            if shift.commute:  # the journeys from and to home cost, but take none of the shift's time
                base = base.copy()
                base[:n_dep, :] = 0
                base[:, :n_dep] = 0
            durations.append(base)
        vkey = (
            depot_index[shift.home],
            depot_index[shift.finish_place],
            shift.start,
            shift.end,
            shift.unpaid_break,
            shift.capacity,
            profiles[key],
        )
        vtypes.setdefault(vkey, []).append(shift)

    vehicle_types = []
    for (start_dep, end_dep, start, end, brk, cap, profile), shifts in vtypes.items():
        vehicle_types.append(
            VehicleType(
                num_available=len(shifts),
                capacity=[cap if cap is not None else OPEN] if _has_loads(problem) else [],
                start_depot=start_dep,
                end_depot=end_dep,
                tw_early=start,
                tw_late=end,
                shift_duration=max(0, end - start - brk),
                fixed_cost=problem.settings.shift_cost * scale,
                profile=profile,
                name=shifts[0].id,
            )
        )
    data = ProblemData(locations, clients, depots, vehicle_types, distances, durations, groups)
    return Built(data, copies, list(vtypes.values()))


def _has_loads(problem: Problem) -> bool:
    return any(s.capacity is not None for s in problem.shifts) or any(v.demand for v in problem.visits)

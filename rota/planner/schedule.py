"""Start times along one shift's route, and what a plan costs. PyVRP gives the order; we give the minutes.

PyVRP's own schedule follows the lateness bands' windows (it would wait for a band to open); the true
windows here let a late-allowed visit start as soon as its worker arrives, and put the unpaid break in
one piece where the route has room for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from rota.planner.model import OPEN, assignment_cost
from rota.planner.problem import Problem, Shift, Solution, Visit


def true_window(visit: Visit, part: int, pins: Mapping[str, int]) -> tuple[int, int]:
    hi = OPEN if visit.late_allowed else visit.latest
    if visit.carers > 1 and visit.id in pins:
        t = pins[visit.id]
        if part == 0 or visit.gap == (0, 0):
            return t, t
        return max(visit.earliest, t + visit.gap[0]), min(hi, t + visit.gap[1])
    return visit.earliest, hi


def route_starts(
    shift: Shift, stops: Sequence[tuple[Visit, int]], pins: Mapping[str, int], travel: np.ndarray
) -> list[int] | None:
    """Earliest start of each stop, then moved so the unpaid break fits in one gap; None when impossible."""
    if not stops:
        return []
    windows = [true_window(v, k, pins) for v, k in stops]
    places = [shift.home] + [v.place for v, _ in stops] + [shift.finish_place]
    legs = [int(travel[a, b]) for a, b in zip(places[:-1], places[1:], strict=True)]
    if shift.commute:  # the journeys from and to home are outside the shift's time
        legs[0] = legs[-1] = 0
    mins = [v.parts[k].minutes for v, k in stops]
    early: list[int] = []
    t = shift.start
    for i, (lo, hi) in enumerate(windows):
        start = max(t + legs[i], lo)
        if start > hi:
            return None
        early.append(start)
        t = start + mins[i]
    if t + legs[-1] > shift.end:
        return None
    if shift.unpaid_break <= 0:
        return early
    # Latest starts that keep every later stop on time (and a late-allowed stop no later than it had to be).
    n = len(stops)
    late = [0] * n
    limit = shift.end - legs[-1]
    for i in range(n - 1, -1, -1):
        lo, hi = windows[i]
        cap = max(early[i], stops[i][0].latest) if stops[i][0].late_allowed else hi
        late[i] = min(cap, limit - mins[i])
        limit = late[i] - legs[i]
    # Gap before stop i (i == n: after the last, at home): the earliest prefix meets the latest suffix there.
    best_gap, best_i = -1, 0
    for i in range(n + 1):
        before = shift.start if i == 0 else early[i - 1] + mins[i - 1]
        after = late[i] - legs[i] if i < n else shift.end - legs[-1]
        if after - before > best_gap:
            best_gap, best_i = after - before, i
    if best_gap < shift.unpaid_break:
        return None
    return early[:best_i] + late[best_i:]


def plan_cost(problem: Problem, solution: Solution) -> float:
    """The objective after 'every visit assigned': travel + continuity + balance + shifts used + lateness."""
    s = problem.settings
    visits = problem.visit_by_id()
    shifts = problem.shift_by_id()
    total = 0.0
    worst_late = 0
    for shift_id, stops in solution.routes.items():
        if not stops:
            continue
        shift = shifts[shift_id]
        travel = problem.travel.matrix(problem.workers[shift.worker].mode)
        places = [shift.home] + [visits[x.visit].place for x in stops] + [shift.finish_place]
        total += sum(int(travel[a, b]) for a, b in zip(places[:-1], places[1:], strict=True))
        total += s.shift_cost
        for stop in stops:
            v = visits[stop.visit]
            total += assignment_cost(problem, shift, v, stop.part) / s.cost_scale
            late = max(0, stop.start - v.latest)
            total += s.late_cost * late
            worst_late = max(worst_late, late)
    return total + s.max_late_cost * worst_late

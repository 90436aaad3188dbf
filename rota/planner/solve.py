"""Solve a Problem: PyVRP for the routing, our own local search on top for synchronisation and lateness.

PyVRP has no synchronisation. A two-carer visit is two clients with one pinned start (model.py), so any
plan PyVRP returns is synchronised; what is left is choosing the starts:
1. a relaxed solve, each part on its own window, says roughly when each part can be reached;
2. each two-carer visit is pinned where both parts could be (the later arrival, inside its window);
3. rounds of: PyVRP re-solves with those pins (warm started from the plan so far), then the pins are
   tuned with the routes held fixed (many cheap tries, each re-timing only the two routes involved), and
   a pin is occasionally moved at random; the best plan seen is kept (PYVRP_SHARE of the time);
4. improve.py's local search takes the best plan and times the whole plan exactly on every move, so
   starts float to wherever both workers can be, and lateness counts minute by minute.
Without two-carer or late-allowed visits it is PyVRP alone (with a fleet reduction and restarts when shifts
are interchangeable and cost something to use, as Solomon's vehicles). Every plan passes validate.py.
"""

from __future__ import annotations

import math
import random
import time
import warnings
from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pyvrp
from pyvrp import Route
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.IteratedLocalSearch import IteratedLocalSearchCallbacks, IteratedLocalSearchParams
from pyvrp.PenaltyManager import PenaltyParams
from pyvrp.search import NeighbourhoodParams
from pyvrp.solve import SolveParams
from pyvrp.stop import FirstFeasible, MaxRuntime, MultipleCriteria

from rota.planner.improve import Improver
from rota.planner.model import PRIZE, build, kept, may_do
from rota.planner.problem import Problem, Solution, Stop, Unassigned, Visit
from rota.planner.schedule import plan_cost, route_starts
from rota.planner.validate import Fault, validate

# Fleet reduction (fewer_shifts): a first plan in FIRST_SHARE of the time, reductions until REDUCE_SHARE,
# each at most ATTEMPT_SHARE (a fleet that cannot be had should not eat the time for polishing the one found).
FIRST_SHARE, REDUCE_SHARE, ATTEMPT_SHARE = 0.15, 0.85, 0.65
# A try at one shift fewer is given up once GRACE_SHARE of its time has gone and no plan it has seen came
# within one visit's worth of lateness (or one visit's load) of keeping every rule: such a fleet is far out.
GRACE_SHARE, GRACE_ITERATIONS = 0.25, 200
# Polishing restarts: a run stops when its best has not improved for STALL_SHARE of its time (at least
# STALL_LEAST of the whole); a fresh start needs at least RESTART_SHARE of the whole left.
STALL_SHARE, STALL_LEAST, RESTART_SHARE = 0.5, 0.1, 0.1
PYVRP_SHARE = 0.35  # of the time, for PyVRP's pinned rounds when visits need synchronising or can be late
Raw = dict[str, list[tuple[Visit, int]]]  # shift id -> (visit, part) in PyVRP's order


class _Penalties(PenaltyParams):
    """PyVRP's usual starting penalties, but allowed to rise until lateness (time warp) costs more than
    leaving a part out: otherwise PyVRP may hand back a late plan rather than one with a part unplanned."""

    def midpoint_penalties(self, data):  # type: ignore[no-untyped-def]
        start = PenaltyParams().midpoint_penalties(data)
        return start[0], start[1], start[2]


class _Watch(IteratedLocalSearchCallbacks):
    """Follows a PyVRP run (as its callbacks) and is also one of its stopping criteria."""

    def __init__(self) -> None:
        self.started = self.improved = time.monotonic()

    def on_start(self, ils) -> None:  # type: ignore[no-untyped-def]
        self.started = self.improved = time.monotonic()

    def on_best(self, best) -> None:  # type: ignore[no-untyped-def]
        self.improved = time.monotonic()

    def __call__(self, best_cost: int) -> bool:
        return False


class _FarOut(_Watch):
    """A try at fewer shifts: stop once the grace time and iterations have passed and no plan seen so far
    came within `lateness` ticks of lateness and `load` units of overload (both one visit's worth) of keeping
    every rule. A fleet that close may still be had with more time; one further out almost never is, and its
    time is better spent polishing the fleet in hand."""

    def __init__(self, seconds: float, lateness: float, load: float):
        super().__init__()
        self.grace = seconds * GRACE_SHARE
        self.lateness, self.load = max(1.0, lateness), max(1.0, load)
        self.iterations = 0
        self.closest = math.inf

    def on_iteration(self, current, candidate, best, cost_evaluator) -> None:  # type: ignore[no-untyped-def]
        self.iterations += 1
        off = candidate.time_warp() / self.lateness + sum(candidate.excess_load()) / self.load
        self.closest = min(self.closest, off)

    def __call__(self, best_cost: int) -> bool:
        return (
            self.closest > 1 and self.iterations >= GRACE_ITERATIONS and time.monotonic() - self.started >= self.grace
        )


class _Stalled(_Watch):
    """A polishing run: stop when the best plan has not improved for STALL_SHARE of the run so far (and at
    least `least` seconds). PyVRP's search settles in one basin within seconds; a fresh start does better
    with what is left than more of the same (RC202: no gain after 7 of 20 seconds)."""

    def __init__(self, least: float):
        super().__init__()
        self.least = least

    def __call__(self, best_cost: int) -> bool:
        now = time.monotonic()
        return now - self.improved >= max(self.least, STALL_SHARE * (now - self.started))


def _params(built_copies: int, parts: int, watch: _Watch | None = None) -> SolveParams:
    # PyVRP's granular neighbourhood is the nearest 50 clients; copies of one part (lateness bands) share a
    # place, so the nearest 50 would be a handful of patients. Widen it by the copies per part.
    per_part = max(1.0, built_copies / max(parts, 1))
    neighbours = NeighbourhoodParams(num_neighbours=max(1, min(built_copies - 1, round(50 * per_part))))
    ils = IteratedLocalSearchParams(callbacks=watch) if watch else IteratedLocalSearchParams()
    return SolveParams(ils=ils, penalty=_Penalties(max_penalty=PRIZE), neighbourhood=neighbours)


def solve(problem: Problem, *, time_limit: float = 10.0, seed: int = 0) -> Solution:
    """The best plan found within time_limit seconds; impossible visits come back unassigned with why."""
    deadline = time.monotonic() + time_limit
    unassigned = [Unassigned(v.id, why) for v in problem.visits if (why := impossible(problem, v))]
    skip = {u.visit for u in unassigned}
    todo = Problem(
        problem.workers,
        problem.shifts,
        tuple(v for v in problem.visits if v.id not in skip),
        problem.travel,
        problem.settings,
    )
    search = _Search(todo, random.Random(seed), seed)
    if any(v.carers > 1 or v.late_allowed for v in todo.visits):
        best = search.synchronised(deadline)
    elif problem.settings.shift_cost > 0 and _interchangeable(todo):
        best = search.fewer_shifts(deadline)
    else:
        raw, _ = search.pyvrp({}, max(0.05, deadline - time.monotonic()), search.kept_routes())
        best = search.materialise(raw, {})
    best.unassigned = unassigned + best.unassigned
    faults = validate(problem, best)
    if faults:  # a bug, not a plan: say so loudly rather than hand the board a broken rota
        raise InvalidPlan(faults)
    return best


class InvalidPlan(Exception):
    """The solver's plan broke a hard rule (a bug in the planner): the faults say which."""

    def __init__(self, faults: list[Fault]):
        super().__init__(f"planner produced an invalid plan: {faults[:5]}")
        self.faults = faults


def impossible(problem: Problem, visit: Visit) -> str:
    """Why no plan could hold this visit, from the problem alone ('' when some plan might)."""
    shifts = problem.shifts
    for k, part in enumerate(visit.parts):
        pinned = k < len(visit.pinned)
        if not pinned and not any(part.skills <= problem.workers[s.worker].skills for s in shifts):
            return "no worker on shift has the skills"
        if not any(may_do(problem, s, visit, k) for s in shifts):
            return "pinned worker has no shift"
    latest = visit.latest if not visit.late_allowed else max(s.end for s in shifts) if shifts else visit.latest
    fits = {
        s.worker
        for s in shifts
        if s.start <= latest and max(s.start, visit.earliest) + max(p.minutes for p in visit.parts) <= s.end
    }
    if len(fits) < visit.carers:
        return "no shift covers the visit's window" if not fits else "not enough workers on shift at that time"
    return ""


class _Search:
    def __init__(self, problem: Problem, rng: random.Random, seed: int):
        self.problem = problem
        self.rng = rng
        self.seed = seed
        self.travel = {m: problem.travel.matrix(m) for m in {w.mode for w in problem.workers.values()}}
        self.shifts = problem.shift_by_id()

    def pyvrp(
        self,
        pins: Mapping[str, int],
        seconds: float,
        warm: Raw | None,
        required: bool = False,
        first_feasible: bool = False,
        watch: _Watch | None = None,
    ) -> tuple[Raw, bool]:
        """PyVRP's plan, and whether PyVRP found it feasible. required: every part must be planned (no
        prizes: PyVRP's own search for full plans is better than its prize-collecting one). watch: also
        stop when it says so."""
        built = build(self.problem, pins, required)
        init = None
        if warm is not None:
            first_copy: dict[tuple[str, int], int] = {}
            for i, c in enumerate(built.copies):
                first_copy.setdefault((c.visit.id, c.part), i)
            routes = []
            for vt, shifts in enumerate(built.vehicle_shifts):
                for shift in shifts:
                    clients = [first_copy[(v.id, k)] for v, k in warm.get(shift.id, []) if (v.id, k) in first_copy]
                    if clients:
                        routes.append(Route(built.data, clients, vt))
            init = pyvrp.Solution(built.data, routes)
        self.seed += 1
        with warnings.catch_warnings():
            # PyVRP warns when a penalty maxes out; with every part optional that only means some part
            # cannot be placed, which materialise() reports as unassigned.
            warnings.simplefilter("ignore", PenaltyBoundWarning)
            stops = [FirstFeasible(), MaxRuntime(seconds)] if first_feasible else [MaxRuntime(seconds)]
            res = pyvrp.solve(
                built.data,
                MultipleCriteria([*stops, watch]) if watch else MultipleCriteria(stops),
                seed=self.seed,
                collect_stats=False,
                display=False,
                initial_solution=init,
                params=_params(len(built.copies), sum(v.carers for v in self.problem.visits), watch),
            )
        raw: Raw = {}
        used = [0] * len(built.vehicle_shifts)
        for route in res.best.routes():
            vt = route.vehicle_type()
            shift = built.vehicle_shifts[vt][used[vt]]
            used[vt] += 1
            raw[shift.id] = [(built.copies[a.idx].visit, built.copies[a.idx].part) for a in route if a.is_client()]
        return raw, res.best.is_feasible()

    def kept_routes(self) -> Raw | None:
        """PyVRP's first plan: each kept part (a pinned worker's) in its worker's shift, in time order, so the
        search starts from the board as the coordinator left it and, kept parts being worth more than any
        open ones, works the open visits around them."""
        routes: Raw = {}
        for v in sorted(self.problem.visits, key=lambda v: v.earliest):
            for k, wid in enumerate(v.pinned):
                shifts = [s for s in self.problem.shifts if s.worker == wid]
                inside = [s for s in shifts if s.start <= v.earliest and v.earliest + v.parts[k].minutes <= s.end]
                if inside or shifts:
                    routes.setdefault((inside or shifts)[0].id, []).append((v, k))
        return routes or None

    def times(self, shift_id: str, stops: list[tuple[Visit, int]], pins: Mapping[str, int]) -> list[int] | None:
        shift = self.shifts[shift_id]
        return route_starts(shift, stops, pins, self.travel[self.problem.workers[shift.worker].mode])

    def materialise(self, raw: Raw, pins: Mapping[str, int]) -> Solution:
        """Time every route, dropping stops a route cannot keep, then visits missing a part."""
        timed: dict[str, list[Stop]] = {}
        for shift_id, stops in raw.items():
            stops = list(stops)
            starts = self.times(shift_id, stops, pins)
            while starts is None:  # PyVRP handed back a late route: drop stops until it keeps time
                stops = _drop_one(stops, lambda s, sid=shift_id: self.times(sid, s, pins) is not None)
                starts = self.times(shift_id, stops, pins)
            timed[shift_id] = [Stop(v.id, k, t) for (v, k), t in zip(stops, starts, strict=True)]
        parts: dict[str, int] = {}
        for stops in timed.values():
            for stop in stops:
                parts[stop.visit] = parts.get(stop.visit, 0) + 1
        visits = self.problem.visit_by_id()
        partial = {vid for vid, n in parts.items() if n < visits[vid].carers}
        routes = {sid: [x for x in stops if x.visit not in partial] for sid, stops in timed.items()}
        routes = {sid: stops for sid, stops in routes.items() if stops}
        unassigned = [
            Unassigned(
                v.id,
                "no second worker free at the same start"
                if v.id in partial and v.carers > 1
                else "no room in any shift",
            )
            for v in self.problem.visits
            if parts.get(v.id, 0) < v.carers
        ]
        return Solution(routes, unassigned)

    def fewer_shifts(self, deadline: float) -> Solution:
        """Interchangeable shifts that cost something to use (Solomon's vehicles): solve, then try with one
        shift fewer, warm started without the shortest route and every part required (so PyVRP's penalties
        steer it to a full plan, and it stops at the first), while that works and the reduction time lasts (a
        try far from any full plan is given up early: _FarOut); then polish the smallest fleet for the rest
        of the time, restarting PyVRP from scratch each time it stalls (_Stalled) and keeping the best plan."""
        began = time.monotonic()
        total = max(0.1, deadline - began)
        raw, _ = self.pyvrp({}, total * FIRST_SHARE, None, required=True)
        best = self.materialise(raw, {})
        search: _Search = self
        reduce_until = began + total * REDUCE_SHARE
        fewest = _fewest_shifts(search.problem)
        lateness, load = _one_visit(search.problem)
        while not best.unassigned and time.monotonic() < reduce_until and len(best.routes) > fewest:
            shifts = search.problem.shifts[: len(best.routes) - 1]
            smaller = _Search(replace(search.problem, shifts=shifts), self.rng, self.seed + 7)
            kept = sorted(raw.values(), key=len)[1:]
            warm = {s.id: stops for s, stops in zip(shifts, kept, strict=True)}
            seconds = min(reduce_until - time.monotonic(), total * ATTEMPT_SHARE)
            far_out = _FarOut(seconds, lateness, load)
            trial_raw, feasible = smaller.pyvrp({}, seconds, warm, required=True, first_feasible=True, watch=far_out)
            trial = smaller.materialise(trial_raw, {})
            if not feasible or trial.unassigned:
                break
            search, raw, best = smaller, trial_raw, trial
        # Polish: from the plan in hand until it stalls, then from fresh starts while there is time for one,
        # keeping the best plan; once there is not, the rest of the time goes on the best plan again.
        used = [stops for stops in raw.values() if stops]
        if not best.unassigned and len(used) < len(search.problem.shifts):
            # Fresh starts get only the fleet in hand: with every shift open, PyVRP's first plans use more of
            # them than it can empty again in a few seconds (RC203: four routes where three will do).
            shifts = search.problem.shifts[: len(used)]
            search = _Search(replace(search.problem, shifts=shifts), self.rng, self.seed + 11)
            raw = {s.id: stops for s, stops in zip(shifts, used, strict=True)}
        first = True
        while (left := deadline - time.monotonic()) > 0.05:
            last = left < total * RESTART_SHARE
            start = raw if first or last else None
            watch = None if last else _Stalled(total * STALL_LEAST)
            final_raw, _ = search.pyvrp({}, left, start, required=not best.unassigned, watch=watch)
            final = search.materialise(final_raw, {})
            if search.score(final) <= search.score(best):
                best, raw = final, final_raw
            first = False
        return best

    def score(self, solution: Solution) -> tuple[int, int, float]:
        """Kept visits left out first (never worth trading), then any visit left out, then the cost."""
        visits = self.problem.visit_by_id()
        kept_out = sum(1 for u in solution.unassigned if visits[u.visit].pinned)
        return kept_out, len(solution.unassigned), plan_cost(self.problem, solution)

    def synchronised(self, deadline: float) -> Solution:
        """PyVRP with pinned starts for part of the time, then the exact local search for the rest."""
        total = max(0.1, deadline - time.monotonic())
        plan = self.pinned_rounds(time.monotonic() + total * PYVRP_SHARE)
        return Improver(self.problem, self.rng).run(plan, deadline - time.monotonic())

    def pinned_rounds(self, deadline: float) -> Solution:
        total = max(0.1, deadline - time.monotonic())
        relaxed, _ = self.pyvrp({}, total * 0.2, self.kept_routes())
        pins = self.pins_from(relaxed)
        raw = relaxed
        best: tuple[tuple[int, float], Solution, dict[str, int], Raw] | None = None
        while True:
            left = deadline - time.monotonic()
            if best is not None and left < 0.05:
                break
            raw, _ = self.pyvrp(pins, max(0.05, min(left, total * 0.1)), raw)
            pins = self.tune(raw, pins)
            sol = self.materialise(raw, pins)
            key = self.score(sol)
            if best is None or key < best[0]:
                best = (key, sol, dict(pins), raw)
            else:  # start the next round from the best plan, with one pin moved
                pins, raw = dict(best[2]), best[3]
            self.shake(pins)
        assert best is not None
        return best[1]

    def pins_from(self, raw: Raw) -> dict[str, int]:
        """Pin each two-carer visit where both parts, timed on their own, could be."""
        starts: dict[str, dict[int, int]] = {}
        for shift_id, stops in raw.items():
            times = self.times(shift_id, stops, {})
            if times is None:
                continue
            for (v, k), t in zip(stops, times, strict=True):
                starts.setdefault(v.id, {})[k] = t
        pins = {}
        for v in self.problem.visits:
            if v.carers > 1:
                got = starts.get(v.id, {})
                t = max(got.values()) if v.gap == (0, 0) and got else got.get(0, v.earliest)
                pins[v.id] = self.clip(v, t)
        return pins

    def clip(self, v: Visit, t: int) -> int:
        return max(v.earliest, t) if v.late_allowed else min(max(v.earliest, t), v.latest)

    def tune(self, raw: Raw, pins: dict[str, int]) -> dict[str, int]:
        """Move each pin along a grid over its window while the routes stay as they are; keep improvements."""
        pins = dict(pins)
        where: dict[str, list[str]] = {}
        for shift_id, stops in raw.items():
            for v, _ in stops:
                where.setdefault(v.id, []).append(shift_id)
        for v in self.problem.visits:
            if v.carers < 2 or len(set(where.get(v.id, []))) < v.carers:
                continue
            shifts = sorted(set(where[v.id]))
            here = {sid: raw[sid] for sid in shifts}
            current = self._local_cost(here, pins)
            width = max(1, v.latest - v.earliest)
            for step in range(-24, 25):
                t = self.clip(v, pins[v.id] + step * width // 24)
                trial = {**pins, v.id: t}
                cost = self._local_cost(here, trial)
                if cost < current:
                    current, pins = cost, trial
        return pins

    def _local_cost(self, routes: Raw, pins: Mapping[str, int]) -> float:
        sol = Solution({})
        for shift_id, stops in routes.items():
            starts = self.times(shift_id, stops, pins)
            if starts is None:
                return float("inf")
            sol.routes[shift_id] = [Stop(v.id, k, t) for (v, k), t in zip(stops, starts, strict=True)]
        return plan_cost(self.problem, sol)

    def shake(self, pins: dict[str, int]) -> None:
        doubles = [v for v in self.problem.visits if v.carers > 1]
        if not doubles:
            return
        v = self.rng.choice(doubles)
        width = max(1, v.latest - v.earliest)
        pins[v.id] = self.clip(v, pins[v.id] + self.rng.choice((-1, 1)) * self.rng.randint(1, 4) * width // 8)


def _visit_work(problem: Problem) -> list[float]:
    """Per visit, for interchangeable shifts: its minutes plus its cheapest way in (the least time it takes)."""
    shift = problem.shifts[0]
    travel = problem.travel.matrix(problem.workers[shift.worker].mode)
    places = [shift.home] + [v.place for v in problem.visits]
    into = travel[np.ix_(places, places)].astype(float)
    np.fill_diagonal(into, np.inf)
    return [into[:, k + 1].min() + sum(p.minutes for p in v.parts) for k, v in enumerate(problem.visits)]


def _fewest_shifts(problem: Problem) -> int:
    """A lower bound on the shifts any full plan uses, for interchangeable shifts: every part needs its
    minutes plus at least its cheapest way in, and every shift holds at most its length (and its capacity)."""
    shift = problem.shifts[0]
    bound = math.ceil(sum(_visit_work(problem)) / max(1, shift.end - shift.start - shift.unpaid_break))
    if shift.capacity:
        bound = max(bound, math.ceil(sum(v.demand for v in problem.visits) / shift.capacity))
    return max(1, bound)


def _one_visit(problem: Problem) -> tuple[float, float]:
    """A typical visit's time (its minutes plus its cheapest way in) and load, for interchangeable shifts."""
    n = max(1, len(problem.visits))
    return sum(_visit_work(problem)) / n, sum(v.demand for v in problem.visits) / n


def _interchangeable(problem: Problem) -> bool:
    """All shifts alike but for their names, and their workers too (so any route can go to any shift)."""
    keys = {(s.start, s.end, s.home, s.finish_place, s.unpaid_break, s.capacity, s.commute) for s in problem.shifts}
    workers = {(w.skills, w.mode, w.hours_worked, w.contracted_hours) for w in problem.workers.values()}
    return len(keys) == 1 and len(workers) == 1 and not any(v.pinned or v.seen for v in problem.visits)


def _drop_one(stops: list[tuple[Visit, int]], keeps_time) -> list[tuple[Visit, int]]:
    """The route less one stop, so that it keeps time: an open stop if one will do, a kept one last."""
    for i in sorted(range(len(stops)), key=lambda i: kept(*stops[i])):
        trial = stops[:i] + stops[i + 1 :]
        if keeps_time(trial):
            return trial
    last = max((i for i in range(len(stops)) if not kept(*stops[i])), default=len(stops) - 1)
    return stops[:last] + stops[last + 1 :]

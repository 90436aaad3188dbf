"""Solomon (1987) VRPTW instances as our Problem, and our Solution back as Solomon routes and objective.

One Solomon unit of time or distance is TICKS ticks. Travel ticks are rounded up, so a plan that keeps
time on the ticks keeps time on the exact Euclidean distances too; the objective is recomputed from the
routes in double precision, as the best-known table does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rota.planner.problem import Part, Problem, Settings, Shift, Solution, Visit, Worker
from rota.planner.travel import MatrixRule

TICKS = 1000
# Using one more vehicle must cost more than any saving in distance: 100 customers never need 10^4 units.
VEHICLE_COST = 10_000 * TICKS


@dataclass(frozen=True)
class Instance:
    name: str
    vehicles: int
    capacity: int
    xy: np.ndarray  # row 0 the depot, then customers 1..n
    demand: list[int]
    ready: list[int]
    due: list[int]
    service: list[int]

    def distance(self) -> np.ndarray:
        diff = self.xy[:, None, :] - self.xy[None, :, :]
        return np.sqrt((diff**2).sum(axis=2))


def read(path: Path) -> Instance:
    lines = [ln.split() for ln in path.read_text().splitlines() if ln.strip()]
    name = lines[0][0]
    vehicles, capacity = (int(x) for x in lines[next(i for i, ln in enumerate(lines) if ln[0] == "NUMBER") + 1])
    rows = [ln for ln in lines if len(ln) == 7 and all(_is_number(x) for x in ln)]
    xy = np.array([[float(r[1]), float(r[2])] for r in rows])
    return Instance(
        name,
        vehicles,
        capacity,
        xy,
        [int(float(r[3])) for r in rows],
        [int(float(r[4])) for r in rows],
        [int(float(r[5])) for r in rows],
        [int(float(r[6])) for r in rows],
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_problem(inst: Instance) -> Problem:
    ticks = np.ceil(inst.distance() * TICKS - 1e-9).astype(np.int64)
    workers = {f"v{k}": Worker(f"v{k}", mode="car") for k in range(1, inst.vehicles + 1)}
    shifts = tuple(
        Shift(f"v{k}", f"v{k}", inst.ready[0] * TICKS, inst.due[0] * TICKS, home=0, capacity=inst.capacity)
        for k in range(1, inst.vehicles + 1)
    )
    visits = tuple(
        Visit(
            str(c),
            c,
            inst.ready[c] * TICKS,
            inst.due[c] * TICKS,
            (Part(inst.service[c] * TICKS),),
            demand=inst.demand[c],
        )
        for c in range(1, len(inst.demand))
    )
    settings = Settings(continuity_cost=0, balance_cost=0, shift_cost=VEHICLE_COST, cost_scale=1)
    return Problem(workers, shifts, visits, MatrixRule(ticks), settings)


def routes_of(solution: Solution) -> list[list[int]]:
    """Customer numbers per used vehicle, in visiting order (the depot left out)."""
    return [[int(s.visit) for s in stops] for _, stops in sorted(solution.routes.items()) if stops]


def check(inst: Instance, routes: list[list[int]]) -> tuple[int, float, list[str]]:
    """Vehicles, exact distance, and what is wrong (capacity, windows, coverage), from the routes alone."""
    d = inst.distance()
    problems = []
    seen = [c for r in routes for c in r]
    if sorted(seen) != list(range(1, len(inst.demand))):
        problems.append("customers not each visited once")
    if len(routes) > inst.vehicles:
        problems.append(f"{len(routes)} routes > {inst.vehicles} vehicles")
    total = 0.0
    for r in routes:
        if sum(inst.demand[c] for c in r) > inst.capacity:
            problems.append(f"route {r[:3]}... over capacity")
        t, at = float(inst.ready[0]), 0
        for c in r:
            t = max(t + d[at, c], inst.ready[c])
            if t > inst.due[c] + 1e-9:
                problems.append(f"customer {c} starts {t:.3f} > due {inst.due[c]}")
            total += d[at, c]
            t += inst.service[c]
            at = c
        total += d[at, 0]
        if t + d[at, 0] > inst.due[0] + 1e-9:
            problems.append(f"route ending at {at} back after the depot closes")
    return len(routes), total, problems


def gap(vehicles: int, distance: float, best_vehicles: int, best_distance: float) -> float:
    """Per cent: the distance gap, plus each vehicle over the best-known counted as one average best route
    (best distance / best vehicles), so a plan cannot look good by spending vehicles to save distance."""
    extra = (vehicles - best_vehicles) * best_distance / best_vehicles
    return 100 * (distance + extra - best_distance) / best_distance


def isclose(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=0, abs_tol=0.005)

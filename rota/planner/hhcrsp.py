"""Mankowska, Meisel & Bierwirth (2014) HHCRSP instances as our Problem, and plans back in their terms.

Their problem maps onto ours directly: carers are workers with skills (the services they are qualified
for) on one open shift from the depot; a patient is a visit with one part per required service; a patient
with two services needs two different carers, together (mind = maxd = 0) or the second service (the one
with the higher number) mind..maxd after the first; lateness is allowed (late_allowed) and costed as their
objective costs it: (travel + total tardiness + max tardiness) / 3, with travel time equal to distance.
Times are scaled by TICKS and travel ticks rounded up, so plans keep time on the exact distances.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rota.planner.problem import Part, Problem, Settings, Shift, Solution, Visit, Worker
from rota.planner.travel import MatrixRule

TICKS = 1000
DAY_END = 10**6 * TICKS  # carers have no end of day in these instances
LATE_BANDS = tuple(b * TICKS for b in (0, 15, 60))


@dataclass(frozen=True)
class Instance:
    name: str
    carers: int
    services: int
    needs: np.ndarray  # node x service, 0/1; nodes 0 and last are the depot
    qualified: np.ndarray  # carer x service, 0/1
    distance: np.ndarray
    minutes: np.ndarray  # node x service
    mind: list[int]
    maxd: list[int]
    earliest: list[int]
    latest: list[int]

    @property
    def patients(self) -> range:
        return range(1, len(self.earliest) - 1)

    def services_of(self, patient: int) -> list[int]:
        """0-based services the patient needs, in order (the first is the one a time gap counts from)."""
        return [s for s in range(self.services) if self.needs[patient, s]]


def read(path: Path) -> Instance:
    sections: dict[str, list[list[str]]] = {}
    current = ""
    for line in path.read_text().splitlines():
        words = line.split()
        if not words:
            continue
        if len(words) == 1 and words[0][0].isalpha():
            current = words[0]
            sections[current] = []
        else:
            sections[current].append(words)
    nodes = int(sections["nbNodes"][0][0])
    carers = int(sections["nbVehi"][0][0])
    services = int(sections["nbServi"][0][0])
    p = np.array(sections["p"], dtype=float).reshape(nodes, carers, services)
    # The files repeat the times per carer; like Kummer et al.'s reader, take the first carer's (they agree
    # in the instances we checked).
    flat = (
        [int(float(x)) for row in sections["mind"] for x in row],
        [int(float(x)) for row in sections["maxd"] for x in row],
    )
    return Instance(
        name=path.stem,
        carers=carers,
        services=services,
        needs=np.array(sections["r"], dtype=int),
        qualified=np.array(sections["a"], dtype=int),
        distance=np.array(sections["d"], dtype=float),
        minutes=p[:, 0, :],
        mind=flat[0],
        maxd=flat[1],
        earliest=[int(float(x)) for row in sections["e"] for x in row],
        latest=[int(float(x)) for row in sections["l"] for x in row],
    )


def to_problem(inst: Instance) -> Problem:
    ticks = np.ceil(inst.distance * TICKS - 1e-9).astype(np.int64)
    workers = {}
    for c in range(inst.carers):
        skills = frozenset(f"s{s + 1}" for s in range(inst.services) if inst.qualified[c, s])
        workers[f"c{c + 1}"] = Worker(f"c{c + 1}", skills=skills, mode="car")
    depot_end = len(inst.earliest) - 1
    shifts = tuple(Shift(w, w, 0, DAY_END, home=0, end_home=depot_end) for w in workers)
    visits = []
    for i in inst.patients:
        parts = tuple(Part(round(inst.minutes[i, s] * TICKS), frozenset({f"s{s + 1}"})) for s in inst.services_of(i))
        # As in Kummer et al.'s reader: mind = 0 means together, whatever maxd says.
        gap = (inst.mind[i] * TICKS, inst.maxd[i] * TICKS) if len(parts) > 1 and inst.mind[i] > 0 else (0, 0)
        visits.append(
            Visit(str(i), i, inst.earliest[i] * TICKS, inst.latest[i] * TICKS, parts, gap=gap, late_allowed=True)
        )
    settings = Settings(
        continuity_cost=0, balance_cost=0, late_cost=1.0, max_late_cost=1.0, late_bands=LATE_BANDS, cost_scale=1
    )
    return Problem(workers, shifts, tuple(visits), MatrixRule(ticks), settings)


def routes_of(inst: Instance, problem: Problem, solution: Solution) -> list[list[dict]]:
    """Per carer in the instance's order: {"patient", "service" (1-based, as the file's columns), "start"}."""
    visits = problem.visit_by_id()
    out = []
    for c in range(inst.carers):
        stops = solution.routes.get(f"c{c + 1}", [])
        out.append(
            [
                {
                    "patient": int(s.visit),
                    "service": inst.services_of(int(s.visit))[s.part] + 1,
                    "start": s.start / TICKS,
                }
                for s in stops
                if s.visit in visits
            ]
        )
    return out


def check(inst: Instance, routes: list[list[dict]]) -> tuple[float, float, float, list[str]]:
    """Travel, total and max tardiness, and what is wrong, from the routes in the benchmark's own terms."""
    d = inst.distance
    depot_end = len(inst.earliest) - 1
    problems = []
    starts: dict[tuple[int, int], tuple[int, float]] = {}
    travel = 0.0
    for c, route in enumerate(routes):
        at, free = 0, 0.0
        for stop in route:
            i, s, t = stop["patient"], stop["service"] - 1, stop["start"]
            if not inst.qualified[c, s]:
                problems.append(f"carer {c + 1} not qualified for service {s + 1}")
            if not inst.needs[i, s] or (i, s) in starts:
                problems.append(f"patient {i} service {s + 1} not needed or done twice")
            if t + 1e-9 < max(free + d[at, i], inst.earliest[i]):
                problems.append(f"patient {i} service {s + 1} starts {t} before it can")
            starts[(i, s)] = (c, t)
            travel += d[at, i]
            at, free = i, t + inst.minutes[i, s]
        travel += d[at, depot_end]
    tardiness = []
    for i in inst.patients:
        need = inst.services_of(i)
        if any((i, s) not in starts for s in need):
            problems.append(f"patient {i} not fully served")
            continue
        tardiness += [max(0.0, starts[(i, s)][1] - inst.latest[i]) for s in need]
        if len(need) == 2:
            (c1, t1), (c2, t2) = starts[(i, need[0])], starts[(i, need[1])]
            if c1 == c2:
                problems.append(f"patient {i} double service by one carer")
            if not inst.mind[i] - 1e-9 <= t2 - t1 <= inst.maxd[i] + 1e-9:
                problems.append(f"patient {i} services {t2 - t1:.3f} apart, not {inst.mind[i]}..{inst.maxd[i]}")
    return travel, sum(tardiness), max(tardiness, default=0.0), problems


def objective(travel: float, total_tardiness: float, max_tardiness: float) -> float:
    return (travel + total_tardiness + max_tardiness) / 3

"""A local search on top of PyVRP's plan, for what PyVRP cannot see: synchronised starts and lateness.

PyVRP plans two-carer visits at pinned starts and sees lateness only in steps (model.py). This search
moves parts between and within shifts (relocate, swap) and times the whole plan exactly on every move:
starts are the least fixed point of "after the worker can arrive, inside the window, together with (or at
the time gap from) the other part", found by repeated passes, which also detects two workers waiting on
each other. Simulated annealing accepts some worse plans early on, cooling with the clock.
Breaks are checked on the earliest timing (an idle gap as long as the break): stricter than schedule.py.
"""

from __future__ import annotations

import math
import random
import time

from rota.planner.model import assignment_cost, may_do
from rota.planner.problem import Problem, Solution, Stop

INF = float("inf")


class Improver:
    def __init__(self, problem: Problem, rng: random.Random):
        self.p = problem
        self.rng = rng
        s = problem.settings
        self.shifts = list(problem.shifts)
        self.items = [(v, k) for v in problem.visits for k in range(v.carers)]
        index = {(v.id, k): i for i, (v, k) in enumerate(self.items)}
        self.index = index
        self.place = [v.place for v, _ in self.items]
        self.minutes = [v.parts[k].minutes for v, k in self.items]
        self.lo = [v.earliest for v, _ in self.items]
        self.hi = [INF if v.late_allowed else v.latest for v, _ in self.items]
        self.latest = [v.latest for v, _ in self.items]
        self.demand = [v.demand for v, _ in self.items]
        # Sync links: partner item and the gap (start of this minus start of the first part) bounds.
        self.first = [index[(v.id, 0)] if k > 0 else -1 for v, k in self.items]
        self.others = [[index[(v.id, j)] for j in range(1, v.carers)] if k == 0 else [] for v, k in self.items]
        self.gap = [v.gap for v, _ in self.items]
        self.allowed = [[r for r, sh in enumerate(self.shifts) if may_do(problem, sh, v, k)] for v, k in self.items]
        self.travel = [problem.travel.matrix(problem.workers[sh.worker].mode) for sh in self.shifts]
        self.cost_in = [
            [assignment_cost(problem, sh, v, k) / s.cost_scale for v, k in self.items] for sh in self.shifts
        ]
        self.worker = [sh.worker for sh in self.shifts]
        # Each pass settles at least one more link of a chain of synchronised parts.
        self.passes = len(self.shifts) + sum(1 for f in self.first if f >= 0) + 2

    def routes_from(self, solution: Solution) -> list[list[int]]:
        by_id = {sh.id: r for r, sh in enumerate(self.shifts)}
        routes: list[list[int]] = [[] for _ in self.shifts]
        for shift_id, stops in solution.routes.items():
            routes[by_id[shift_id]] = [self.index[(x.visit, x.part)] for x in stops]
        return routes

    def timing(self, routes: list[list[int]]) -> tuple[float, list[float]]:
        """(cost, starts) of the plan; cost is INF when it breaks a hard rule."""
        n = len(self.items)
        start = [-INF] * n
        owner = [-1] * n
        for r, route in enumerate(routes):
            for i in route:
                owner[i] = r
        for _ in range(self.passes):
            changed = False
            for r, route in enumerate(routes):
                sh = self.shifts[r]
                m = self.travel[r]
                t, at = sh.start, sh.home
                for i in route:
                    s = max(t + m[at, self.place[i]], self.lo[i])
                    f = self.first[i]
                    if f >= 0:
                        g0 = self.gap[i][0]
                        s = max(s, start[f] + g0)
                    for o in self.others[i]:
                        s = max(s, start[o] - self.gap[o][1])
                    if s > start[i]:
                        start[i] = s
                        changed = True
                    t, at = start[i] + self.minutes[i], self.place[i]
            if not changed:
                break
        else:
            return INF, start  # still moving: workers waiting on each other
        return self._cost(routes, start, owner), start

    def _cost(self, routes: list[list[int]], start: list[float], owner: list[int]) -> float:
        s = self.p.settings
        total, worst = 0.0, 0.0
        for r, route in enumerate(routes):
            if not route:
                continue
            sh = self.shifts[r]
            m = self.travel[r]
            t, at, load, idle = sh.start, sh.home, 0, 0.0
            total += s.shift_cost
            for i in route:
                leg = m[at, self.place[i]]
                if start[i] > self.hi[i]:
                    return INF
                idle = max(idle, start[i] - t - leg)
                total += leg + self.cost_in[r][i]
                late = start[i] - self.latest[i]
                if late > 0:
                    total += s.late_cost * late
                    worst = max(worst, late)
                load += self.demand[i]
                t, at = start[i] + self.minutes[i], self.place[i]
            back = t + m[at, sh.finish_place]
            total += m[at, sh.finish_place]
            if back > sh.end or (sh.capacity is not None and load > sh.capacity):
                return INF
            if sh.unpaid_break and max(idle, sh.end - back) < sh.unpaid_break:
                return INF
        for i, f in enumerate(self.first):
            if f >= 0 and (owner[i] >= 0 or owner[f] >= 0):
                if owner[i] < 0 or owner[f] < 0 or self.worker[owner[i]] == self.worker[owner[f]]:
                    return INF
                if start[i] - start[f] > self.gap[i][1]:
                    return INF
        return total + s.max_late_cost * worst

    def run(self, solution: Solution, seconds: float) -> Solution:
        routes = self.routes_from(solution)
        cost, _ = self.timing(routes)
        if cost == INF or seconds <= 0:
            return solution  # the earliest timing breaks a rule schedule.py could keep: leave PyVRP's plan
        planned = [i for route in routes for i in route]
        best_routes, best = [list(r) for r in routes], cost
        deadline = time.monotonic() + seconds
        t0 = max(1.0, cost * 0.002)
        t_end = t0 * 0.005
        began = time.monotonic()
        step = 0
        temp = t0
        while True:
            step += 1
            if step % 64 == 0:
                now = time.monotonic()
                if now >= deadline:
                    break
                temp = t0 * (t_end / t0) ** ((now - began) / seconds)
            trial = self.neighbour(routes, planned)
            if trial is None:
                continue
            c, _ = self.timing(trial)
            if c < cost or (c < INF and self.rng.random() < math.exp((cost - c) / temp)):
                routes, cost = trial, c
                if c < best - 1e-9:
                    best_routes, best = [list(r) for r in trial], c
        return self.solution(best_routes, solution)

    def neighbour(self, routes: list[list[int]], planned: list[int]) -> list[list[int]] | None:
        rng = self.rng
        i = rng.choice(planned)
        ri = next(r for r, route in enumerate(routes) if i in route)
        trial = [list(r) for r in routes]
        if rng.random() < 0.7:  # relocate i anywhere a qualified shift could take it
            rj = rng.choice(self.allowed[i])
            trial[ri].remove(i)
            trial[rj].insert(rng.randint(0, len(trial[rj])), i)
            return trial
        j = rng.choice(planned)  # swap i and j
        rj = next(r for r, route in enumerate(routes) if j in route)
        if i == j or (ri != rj and (rj not in self.allowed[i] or ri not in self.allowed[j])):
            return None
        a, b = trial[ri].index(i), trial[rj].index(j)
        trial[ri][a], trial[rj][b] = j, i
        return trial

    def solution(self, routes: list[list[int]], before: Solution) -> Solution:
        _, start = self.timing(routes)
        out = {}
        for r, route in enumerate(routes):
            if route:
                v_k = [self.items[i] for i in route]
                out[self.shifts[r].id] = [Stop(v.id, k, int(start[i])) for (v, k), i in zip(v_k, route, strict=True)]
        return Solution(out, list(before.unassigned))

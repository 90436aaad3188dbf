"""A local search on top of PyVRP's plan, for what PyVRP cannot see: synchronised starts and lateness.

PyVRP plans two-carer visits at pinned starts and sees lateness only in steps (model.py). This search
moves parts between and within shifts (relocate, or-opt, 2-opt, swap) and times the whole plan exactly on every move:
starts are the least fixed point of "after the worker can arrive, inside the window, together with (or at
the time gap from) the other part", found by repeated passes, which also detects two workers waiting on
each other. Simulated annealing accepts some worse plans early on, cooling with the clock.
A shift's unpaid break is an item of its route, moved like a part but never out of its shift: the timing
gives it its minutes where it sits, so the break stays in one piece whatever the double-ups do.
"""

from __future__ import annotations

import math
import random
import time

from rota.planner.model import assignment_cost, may_do
from rota.planner.problem import Problem, Solution, Stop

INF = float("inf")
NEAR = 10  # neighbours per part for the "beside a neighbour" move
UNPLANNED = 1e12  # cost of a visit left out: more than any plan's travel and lateness, so inserting one pays
T_START, T_END = 0.05, 0.001  # annealing temperature: share of the plan's cost at first, then share of that
CYCLES = (0.5, 0.5)  # shares of the time; each cycle starts at half the temperature of the one before


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
        self.together = [v.carers > 1 and v.gap == (0, 0) for v, _ in self.items]
        self.allowed = [[r for r, sh in enumerate(self.shifts) if may_do(problem, sh, v, k)] for v, k in self.items]
        # Travel as plain lists (numpy scalar indexing is slow in this loop): between items per mode, and
        # from each shift's home to each item and from each item to the shift's end place.
        places = list(self.place)
        modes = sorted({problem.workers[sh.worker].mode for sh in self.shifts})
        full = {m: problem.travel.matrix(m) for m in modes}
        self.parts = len(self.items)
        # Each shift's unpaid break is an item of its own route, moved like a part: it takes its minutes where
        # it sits, with no travel into it (the journey goes on after it), so the timing keeps it in one piece.
        self.break_of: list[int] = [-1] * len(self.shifts)
        for r, sh in enumerate(self.shifts):
            if sh.unpaid_break > 0:
                self.break_of[r] = len(self.place)
                self.place.append(-1)
                self.minutes.append(sh.unpaid_break)
                self.lo.append(sh.start)
                self.hi.append(sh.end)
                self.latest.append(sh.end)
                self.demand.append(0)
                self.first.append(-1)
                self.others.append([])
                self.gap.append((0, 0))
                self.together.append(False)
                self.allowed.append([r])
        n_all = len(self.place)
        self.is_break = [i >= self.parts for i in range(n_all)]
        pad = [0] * (n_all - len(places))

        def padded(rows: list[list[int]]) -> list[list[int]]:  # no travel into or out of a break item
            return [row + pad for row in rows] + [[0] * n_all for _ in pad]

        between = {m: padded(full[m][places][:, places].tolist()) for m in modes}
        self.mode_of = [problem.workers[sh.worker].mode for sh in self.shifts]
        self.legs = [between[m] for m in self.mode_of]
        # The legs from home and back cost as travel; they take shift time unless the shift commutes.
        self.out_cost = [
            full[m][sh.home, places].tolist() + pad for m, sh in zip(self.mode_of, self.shifts, strict=True)
        ]
        self.back_cost = [
            full[m][places, sh.finish_place].tolist() + pad for m, sh in zip(self.mode_of, self.shifts, strict=True)
        ]
        nowhere = [0] * n_all
        self.out_leg = [nowhere if sh.commute else c for sh, c in zip(self.shifts, self.out_cost, strict=True)]
        self.back_leg = [nowhere if sh.commute else c for sh, c in zip(self.shifts, self.back_cost, strict=True)]
        # The items nearest each item, for moves that put a part beside a neighbour.
        first_mode = between[modes[0]] if modes else []
        self.near = [
            sorted((j for j in range(len(places)) if j != i), key=lambda j, i=i: first_mode[i][j])[:NEAR]
            for i in range(len(places))
        ]
        self.cost_in = [
            [assignment_cost(problem, sh, v, k) / s.cost_scale for v, k in self.items] + pad for sh in self.shifts
        ]
        self.worker = [sh.worker for sh in self.shifts]
        # A kept visit left out (pinned workers) costs more than any number of open ones.
        self.left_out = {v.id: UNPLANNED * (1000 if v.pinned else 1) for v in problem.visits}
        # Each pass settles at least one more link of a chain of synchronised parts.
        self.passes = sum(1 for v, k in self.items if k > 0 and v.gap != (0, 0)) + 2

    def routes_from(self, solution: Solution) -> list[list[int]]:
        by_id = {sh.id: r for r, sh in enumerate(self.shifts)}
        routes: list[list[int]] = [[] for _ in self.shifts]
        starts: list[list[int]] = [[] for _ in self.shifts]
        for shift_id, stops in solution.routes.items():
            routes[by_id[shift_id]] = [self.index[(x.visit, x.part)] for x in stops]
            starts[by_id[shift_id]] = [x.start for x in stops]
        for r, b in enumerate(self.break_of):
            if b >= 0:
                routes[r].insert(self._break_gap(r, routes[r], starts[r]), b)
        return routes

    def _break_gap(self, r: int, route: list[int], starts: list[int]) -> int:
        """Where the break goes in a timed route: the first idle gap as long as it, else the longest."""
        sh, legs = self.shifts[r], self.legs[r]
        gaps = []
        free, prev = sh.start, -1
        for i, t in zip(route, starts, strict=True):
            gaps.append(t - free - (legs[prev][i] if prev >= 0 else self.out_leg[r][i]))
            free, prev = t + self.minutes[i], i
        gaps.append(sh.end - free - (self.back_leg[r][prev] if prev >= 0 else 0))
        fits = [k for k, g in enumerate(gaps) if g >= sh.unpaid_break]
        return fits[0] if fits else max(range(len(gaps)), key=gaps.__getitem__)

    def timing(self, routes: list[list[int]]) -> tuple[float, list[float]]:
        """(cost, starts) of the plan; cost is INF when it breaks a hard rule.

        Starts are the least fixed point of the rules, found by walking all routes forward together: a part
        starts when its worker can be there (and not before its window); the parts of a double-up start
        together once each is next on its worker's route; a part after a time gap waits for the first part.
        When a gap comes out too wide, the first part's earliest start is raised and the walk redone. No
        route able to move on means workers waiting on each other (INF)."""
        n = len(self.place)
        owner = [-1] * n
        for r, route in enumerate(routes):
            for i in route:
                owner[i] = r
        raised: dict[int, float] = {}
        for _ in range(self.passes):
            start = [-INF] * n
            pos = [0] * len(routes)
            free = [sh.start for sh in self.shifts]
            prev = [-1] * len(routes)
            redo = False
            # Routes to walk on, and who waits for what: a second part for its first part's start, a first
            # part of a double-up for the other part to be next on its route.
            stack = list(range(len(routes)))
            waiting: dict[int, list[int]] = {}
            held: list[tuple[int, int]] = []  # first parts of time-gap visits waiting for their second
            released: set[int] = set()  # ... let go alone, because nothing else could move
            preset: set[int] = set()  # second parts timed together with their first
            while stack or held:
                if not stack:
                    i, r = held.pop()
                    if start[i] == -INF:
                        released.add(i)
                        stack.append(r)
                    continue
                r = stack.pop()
                route, legs, out = routes[r], self.legs[r], self.out_leg[r]
                while pos[r] < len(route):
                    i = route[pos[r]]
                    s = free[r] + (legs[prev[r]][i] if prev[r] >= 0 else out[i])
                    if self.lo[i] > s:
                        s = self.lo[i]
                    if i in raised and raised[i] > s:
                        s = raised[i]
                    f = self.first[i]
                    if f >= 0:
                        if start[f] == -INF:
                            waiting.setdefault(f, []).append(r)
                            break
                        if self.together[i] or i in preset:
                            s = start[i]  # set with the first part, which waited for this one
                        else:
                            if start[f] + self.gap[i][0] > s:
                                s = start[f] + self.gap[i][0]
                            if s - start[f] > self.gap[i][1]:
                                raised[f] = s - self.gap[i][1]
                                if raised[f] > self.hi[f]:
                                    return INF, start
                                redo = True
                    elif self.together[i]:
                        both = self._together(i, s, routes, owner, pos, prev, free, raised)
                        if both is None:
                            for o in self.others[i]:
                                waiting.setdefault(o, []).append(r)
                            break
                        s = both
                        for o in self.others[i]:
                            start[o] = s
                    elif self.others[i] and i not in released:
                        # A time gap: wait until the second part is next on its route too, and time both at
                        # once (the first as early as the gap's maximum allows), so no walk is redone.
                        o = self.others[i][0]
                        ro = owner[o]
                        if ro < 0 or pos[ro] >= len(routes[ro]) or routes[ro][pos[ro]] != o:
                            held.append((i, r))
                            waiting.setdefault(o, []).append(r)
                            break
                        po = prev[ro]
                        second = max(
                            free[ro] + (self.legs[ro][po][o] if po >= 0 else self.out_leg[ro][o]),
                            self.lo[o],
                            raised.get(o, -INF),
                            s + self.gap[o][0],
                        )
                        if second - s > self.gap[o][1]:
                            s = second - self.gap[o][1]
                        start[o] = second
                        preset.add(o)
                    start[i] = s
                    free[r] = s + self.minutes[i]
                    if not self.is_break[i]:
                        prev[r] = i
                    pos[r] += 1
                    stack.extend(waiting.pop(i, ()))  # waited for i to start
                    if pos[r] < len(route):
                        stack.extend(waiting.pop(route[pos[r]], ()))  # waited for the next part to be next
            if any(pos[r] < len(route) for r, route in enumerate(routes)):
                return INF, start  # workers waiting on each other
            if not redo:
                return self._cost(routes, start, owner), start
        return INF, start  # the gaps never settled

    def _together(self, i, s, routes, owner, pos, prev, free, raised) -> float | None:  # type: ignore[no-untyped-def]
        """The common start of a double-up whose first part i is next on its route and could start at s,
        or None while another part is not yet next on its worker's route."""
        for o in self.others[i]:
            ro = owner[o]
            if ro < 0 or pos[ro] >= len(routes[ro]) or routes[ro][pos[ro]] != o:
                return None
            po = prev[ro]
            s = max(
                s,
                free[ro] + (self.legs[ro][po][o] if po >= 0 else self.out_leg[ro][o]),
                self.lo[o],
                raised.get(o, -INF),
            )
        return s

    def _cost(self, routes: list[list[int]], start: list[float], owner: list[int]) -> float:
        s = self.p.settings
        total, worst = 0.0, 0.0
        for r, route in enumerate(routes):
            if len(route) <= (self.break_of[r] >= 0):
                continue  # unused: nothing in it but its break
            sh = self.shifts[r]
            legs = self.legs[r]
            t, prev, load = sh.start, -1, 0
            for i in route:
                if start[i] > self.hi[i]:
                    return INF
                t = start[i] + self.minutes[i]
                if self.is_break[i]:
                    continue
                total += (legs[prev][i] if prev >= 0 else self.out_cost[r][i]) + self.cost_in[r][i]
                late = start[i] - self.latest[i]
                if late > 0:
                    total += s.late_cost * late
                    worst = max(worst, late)
                load += self.demand[i]
                prev = i
            total += s.shift_cost + self.back_cost[r][prev]
            if t + self.back_leg[r][prev] > sh.end or (sh.capacity is not None and load > sh.capacity):
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
        known = {v.id for v in self.p.visits}
        pool = [u.visit for u in solution.unassigned if u.visit in known]
        cost = self.cost(routes, pool)
        if cost == INF or seconds <= 0:
            return solution  # the earliest timing breaks a rule schedule.py could keep: leave PyVRP's plan
        state = (routes, pool, cost)
        # Annealing runs in cycles, each from the best plan so far and starting cooler: a hot first run
        # escapes where PyVRP left the plan, the cooler ones polish (small problems liked the former, larger
        # ones the latter; cycles serve both).
        began = time.monotonic()
        for k, share in enumerate(CYCLES):
            left = began + seconds - time.monotonic()
            length = left if k == len(CYCLES) - 1 else seconds * share
            state = self.anneal(*state, length, T_START / (2**k))
        routes, pool, _ = state
        return self.solution(routes, [u for u in solution.unassigned if u.visit not in known or u.visit in pool])

    def anneal(
        self, routes: list[list[int]], pool: list[str], cost: float, seconds: float, share: float
    ) -> tuple[list[list[int]], list[str], float]:
        """Simulated annealing from this plan for so many seconds; the best plan seen."""
        best_routes, best_pool, best = [list(r) for r in routes], list(pool), cost
        began = time.monotonic()
        deadline = began + max(0.0, seconds)
        t0 = max(1.0, (cost - sum(self.left_out[vid] for vid in pool)) * share)
        t_end = t0 * T_END
        step = 0
        temp = t0
        while True:
            step += 1
            if step % 64 == 0:
                now = time.monotonic()
                if now >= deadline:
                    break
                temp = t0 * (t_end / t0) ** ((now - began) / max(seconds, 1e-9))
            if pool and self.rng.random() < 0.3:
                trial, trial_pool = self.insert(routes, pool), [x for x in pool if x != pool[-1]]
            else:
                trial, trial_pool = self.neighbour(routes), pool
            if trial is None:
                continue
            c = self.cost(trial, trial_pool)
            if c < cost or (c < INF and self.rng.random() < math.exp((cost - c) / temp)):
                routes, pool, cost = trial, trial_pool, c
                if c < best - 1e-9:
                    best_routes, best_pool, best = [list(r) for r in trial], list(trial_pool), c
            elif pool and trial_pool is not pool:
                self.rng.shuffle(pool)  # try another left-out visit next time
        return best_routes, best_pool, best

    def cost(self, routes: list[list[int]], pool: list[str]) -> float:
        return self.timing(routes)[0] + sum(self.left_out[vid] for vid in pool)

    def insert(self, routes: list[list[int]], pool: list[str]) -> list[list[int]] | None:
        """Every part of the last left-out visit, each somewhere a qualified shift could take it."""
        v = next(x for x in self.p.visits if x.id == pool[-1])
        trial = [list(r) for r in routes]
        for k in range(v.carers):
            i = self.index[(v.id, k)]
            if not self.allowed[i]:
                return None
            r = self.rng.choice(self.allowed[i])
            trial[r].insert(self.rng.randint(0, len(trial[r])), i)
        return trial

    def neighbour(self, routes: list[list[int]]) -> list[list[int]] | None:
        rng = self.rng
        planned = [i for route in routes for i in route]
        if not planned:
            return None
        i = rng.choice(planned)
        ri = next(r for r, route in enumerate(routes) if i in route)
        trial = [list(r) for r in routes]
        if self.is_break[i]:  # a break moves within its own shift
            trial[ri].remove(i)
            trial[ri].insert(rng.randint(0, len(trial[ri])), i)
            return trial
        move = rng.random()
        if move < 0.3:  # relocate i beside one of its nearest parts, when that shift could take it
            j = rng.choice(self.near[i])
            rj = next((r for r, route in enumerate(routes) if j in route), -1)
            if rj < 0 or rj not in self.allowed[i]:
                return None
            trial[ri].remove(i)
            trial[rj].insert(trial[rj].index(j) + rng.randint(0, 1), i)
            return trial
        if move < 0.5:  # relocate i anywhere a qualified shift could take it
            rj = rng.choice(self.allowed[i])
            trial[ri].remove(i)
            trial[rj].insert(rng.randint(0, len(trial[rj])), i)
            return trial
        if move < 0.65:  # move i and the next one or two together beside a neighbour (or-opt)
            a = trial[ri].index(i)
            block = trial[ri][a : a + rng.randint(2, 3)]
            j = rng.choice(self.near[i])
            rj = next((r for r, route in enumerate(routes) if j in route), -1)
            if rj < 0 or j in block or any(rj not in self.allowed[b] for b in block):
                return None
            del trial[ri][a : a + len(block)]
            at = trial[rj].index(j) + rng.randint(0, 1)
            trial[rj][at:at] = block
            return trial
        if move < 0.75:  # reverse a stretch of i's route (2-opt)
            a = trial[ri].index(i)
            b = rng.randrange(len(trial[ri]))
            a, b = min(a, b), max(a, b)
            if b - a < 1:
                return None
            trial[ri][a : b + 1] = trial[ri][a : b + 1][::-1]
            return trial
        j = rng.choice(planned)  # swap i and j
        rj = next(r for r, route in enumerate(routes) if j in route)
        if i == j or (ri != rj and (rj not in self.allowed[i] or ri not in self.allowed[j])):
            return None
        a, b = trial[ri].index(i), trial[rj].index(j)
        trial[ri][a], trial[rj][b] = j, i
        return trial

    def solution(self, routes: list[list[int]], unassigned: list) -> Solution:
        _, start = self.timing(routes)
        out = {}
        for r, route in enumerate(routes):
            parts = [self.items[i] + (int(start[i]),) for i in route if not self.is_break[i]]
            if parts:
                out[self.shifts[r].id] = [Stop(v.id, k, t) for v, k, t in parts]
        return Solution(out, unassigned)

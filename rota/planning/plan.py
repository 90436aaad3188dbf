"""Plan a team's day(s): build the problem from the database, solve it, check the plan with the
planner's independent validator, and describe it (plan.json, before and after figures, the moves)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from rota.planner import InvalidPlan, Problem, Settings, Solution, Stop, solve, validate
from rota.planning.build import DayProblem, build_day, empty_solution
from rota.planning.figures import day_figures
from workforce.models import Team


@dataclass
class DayPlan:
    """A day's plan in the database's terms."""

    team: Team
    day: date
    mode: str
    # visit pk -> (worker pks in order, start): every visit of the team's day the plan covers
    visits: dict[int, tuple[list[int], datetime]]
    refs: dict[int, str]  # visit pk -> ref
    worker_refs: dict[int, str]
    unassigned: list[tuple[int, str]]  # (visit pk, reason)
    seconds: float
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    moves: list[dict] = field(default_factory=list)
    base: dict = field(default_factory=dict)


def plan_day(team: Team, day: date, *, mode: str, time_limit: float, seed: int = 0, settings=None) -> DayPlan:
    started = time.monotonic()
    dp = build_day(team, day, mode=mode, settings=settings or Settings())
    if not dp.problem.visits:
        solution = empty_solution(dp, "")
    elif not dp.problem.shifts:
        solution = empty_solution(dp, "no care worker of the team has a care shift that day")
    else:
        solution = solve(dp.problem, time_limit=time_limit, seed=seed)
        settle(dp.problem, solution, {v.ref: dp.minute(v.planned_start) for v in dp.visits.values()})
    faults = validate(dp.problem, solution)  # solve() validates too: never use a plan the validator refuses
    if faults:
        raise InvalidPlan(faults)
    return _in_db_terms(dp, solution, time.monotonic() - started)


def settle(problem: Problem, solution: Solution, preferred: dict[str, int], *, step: int = 5, passes: int = 3) -> None:
    """Move each visit back towards its planned (care plan) start, as far as the plan allows.

    The solver's starts are the earliest that keep every rule, which would move most visits to the start of
    their window for nothing: a coordinator expects the care plan's time unless the round needs another.
    Each visit (latest first, then earliest first, then latest first again) tries its planned start, then steps of `step` minutes back towards the
    solver's start; the first the validator accepts is kept. The routes and their order do not change."""
    where: dict[str, list[tuple[str, int]]] = {}
    for sid, stops in solution.routes.items():
        for i, stop in enumerate(stops):
            where.setdefault(stop.visit, []).append((sid, i))
    visits = problem.visit_by_id()

    def set_start(vid: str, start: int) -> None:
        for sid, i in where[vid]:
            old = solution.routes[sid][i]
            solution.routes[sid][i] = Stop(old.visit, old.part, start)

    for n in range(passes):
        order = sorted(
            where, key=lambda vid: solution.routes[where[vid][0][0]][where[vid][0][1]].start, reverse=n % 2 == 0
        )
        for vid in order:
            v = visits[vid]
            current = solution.routes[where[vid][0][0]][where[vid][0][1]].start
            want = min(max(preferred.get(vid, current), v.earliest), v.latest)
            if want == current:
                continue
            direction = 1 if current > want else -1
            tries = list(range(want, current, direction * step))
            for start in tries:
                set_start(vid, start)
                if not validate(problem, solution):
                    break
            else:
                set_start(vid, current)


def _in_db_terms(dp: DayProblem, solution, seconds: float) -> DayPlan:
    by_ref = {w.ref: w for w in dp.workers.values()}
    assigned = solution.assignments(dp.problem)
    out: dict[int, tuple[list[int], datetime]] = {}
    for ref, v in dp.visits.items():
        stay = list(dp.kept.get(v.pk, []))
        a = assigned.get(ref)
        if a is not None:
            workers = stay + [by_ref[r].pk for r in a.workers if by_ref[r].pk not in stay]
            out[v.pk] = (workers, dp.at(a.start))
        else:
            out[v.pk] = (stay, v.planned_start)
    reasons = {u.visit: u.reason for u in solution.unassigned}
    unassigned = [(dp.visits[r].pk, reasons[r]) for r in dp.visits if r in reasons]
    plan = DayPlan(
        team=dp.team,
        day=dp.day,
        mode=dp.mode,
        visits=out,
        refs={v.pk: v.ref for v in dp.visits.values()},
        worker_refs={},
        unassigned=unassigned,
        seconds=seconds,
    )
    before = day_figures(dp.team, dp.day)
    after = day_figures(dp.team, dp.day, plan=out)
    plan.before, plan.after = before.summary(), after.summary()
    plan.worker_refs = before.worker_refs | after.worker_refs
    plan.base = before.snapshot
    plan.moves = _moves(before, out, before.worker_names | after.worker_names)
    return plan


def _moves(before, out, names) -> list[dict]:
    """Visits whose care workers or start change, in time order."""
    moves = []
    for vid, (workers, start) in sorted(out.items(), key=lambda kv: kv[1][1]):
        was = before.assigned.get(vid, [])
        old_start = before.starts[vid]
        if sorted(was) == sorted(workers) and old_start == start:
            continue
        moves.append(
            {
                "visit": before.refs[vid],
                "person": before.people[vid],
                "from": [names.get(w, "") for w in was],
                "to": [names.get(w, "") for w in workers],
                "was": f"{timezone.localtime(old_start):%H:%M}",
                "now": f"{timezone.localtime(start):%H:%M}",
            }
        )
    return moves


def plan_json(plans: list[DayPlan]) -> dict:
    """The command's plan.json (docs/planner.md): exactly these keys."""
    assignments, unassigned = [], []
    for p in plans:
        for vid, (workers, start) in sorted(p.visits.items(), key=lambda kv: (kv[1][1], p.refs[kv[0]])):
            if workers:
                assignments.append(
                    {
                        "visit": p.refs[vid],
                        "workers": [p.worker_refs[w] for w in workers],
                        "start": f"{timezone.localtime(start):%Y-%m-%dT%H:%M}",
                    }
                )
        for vid, reason in p.unassigned:
            unassigned.append({"visit": p.refs[vid], "reason": reason})
    return {
        "assignments": assignments,
        "unassigned": unassigned,
        "travel_minutes": sum(p.after["travel_minutes"] for p in plans),
        "continuity": {"new_pairs": sum(p.after["new_pairs"] for p in plans)},
        "seconds": round(sum(p.seconds for p in plans), 1),
    }


def plan_days(team: Team, first: date, days: int, *, mode: str, time_limit: float, seed: int = 0) -> list[DayPlan]:
    return [plan_day(team, first + timedelta(days=i), mode=mode, time_limit=time_limit, seed=seed) for i in range(days)]

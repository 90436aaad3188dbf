"""Writing a plan to the board: through the board's own services (rota.assignments), all or nothing.

A plan is applied only to the day it was made from: when a visit's care workers, status or time, a
care worker's shift or an absence has changed since, nothing is written and the changes are named
(`Stale`). The rules still apply to every assignment written; a refusal undoes the whole plan."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rota import assignments
from rota.models import Visit
from rota.plan_models import Assignment
from rota.planning.figures import day_figures
from rota.planning.plan import DayPlan
from workforce.models import Team, Worker


class NotApplied(Exception):
    """Nothing was written: `problems` say why, in words."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


def day_plan_data(plan: DayPlan) -> dict:
    """What a stored proposal keeps of a day's plan, by refs (JSON)."""
    refs = plan.worker_refs
    return {
        "team": plan.team.ref,
        "day": plan.day.isoformat(),
        "visits": {
            plan.refs[vid]: {"workers": [refs[w] for w in workers], "start": start.isoformat()}
            for vid, (workers, start) in plan.visits.items()
        },
        "base": plan.base,
    }


def _stale(team: Team, day: date, base: dict) -> list[str]:
    now = day_figures(team, day).snapshot
    problems = []
    for ref, was in base["visits"].items():
        is_ = now["visits"].get(ref)
        if is_ != was:
            start = timezone.localtime(datetime.fromisoformat(was[1]))
            problems.append(f"The {start:%H:%M} visit ({ref}) has changed or been taken off the board.")
    if set(now["visits"]) - set(base["visits"]):
        problems.append("New visits have been added to the day.")
    if now["shifts"] != base["shifts"]:
        problems.append("Care workers' shifts that day have changed.")
    if now["absent"] != base["absent"]:
        problems.append("An absence has been recorded or changed for that day.")
    return problems


@transaction.atomic
def plan_apply(*, actor=None, provider_id: int, days: list[dict]) -> int:
    """Write the plan of each day (day_plan_data's shape). Returns how many assignments were added.
    Raises NotApplied (nothing written) when the board changed since or a rule refuses."""
    written = 0
    for data in days:
        team = Team.objects.get(provider_id=provider_id, ref=data["team"])
        day = date.fromisoformat(data["day"])
        problems = _stale(team, day, data["base"])
        if problems:
            raise NotApplied(
                [f"The board for {team.name}, {day:%A %-d %B}, has changed since this plan was made:", *problems]
            )
        written += _apply_day(actor, provider_id, data["visits"])
    return written


def _apply_day(actor, provider_id: int, visits: dict) -> int:
    refs = {w for v in visits.values() for w in v["workers"]}
    workers = {w.ref: w for w in Worker.objects.filter(provider_id=provider_id, ref__in=refs)}
    rows = {
        v.ref: v
        for v in Visit.objects.filter(provider_id=provider_id, ref__in=list(visits)).select_related("person", "slot")
    }
    current = {}
    for a in Assignment.objects.filter(visit__in=rows.values()).select_related("worker", "visit"):
        current.setdefault(a.visit.ref, []).append(a)
    todo = []
    # Take off first (a visit that moves loses its care workers for the moment, so that moving it never
    # clashes with where the others were), then move, then plan: nothing in between is visible.
    for ref, want in visits.items():
        v = rows[ref]
        start = datetime.fromisoformat(want["start"])
        moves = start != v.planned_start
        have = current.get(ref, [])
        for a in have:
            if a.worker.ref not in want["workers"] or moves:
                assignments.assignment_remove(actor=actor, assignment=a)
        keep = {a.worker.ref for a in have if not moves and a.worker.ref in want["workers"]}
        todo.append((v, start, moves, [w for w in want["workers"] if w not in keep]))
    problems = []
    for v, start, moves, _ in todo:
        if moves:
            try:
                assignments.visit_reschedule(
                    actor=actor,
                    visit=v,
                    start=start,
                    minutes=int((v.planned_end - v.planned_start).total_seconds() // 60),
                )
            except ValidationError as exc:
                problems.extend(f"{v.ref}: {m}" for m in exc.messages)
            v.refresh_from_db()
    added = 0
    for v, _, _, new in todo:
        for ref in new:
            try:
                assignments.assignment_add(actor=actor, visit=v, worker=workers[ref])
                added += 1
            except assignments.Refused as exc:
                problems.extend(f"{v.ref}, {workers[ref].name or ref}: {f.message}" for f in exc.findings)
    if problems:
        raise NotApplied(["A rule refused part of the plan, so none of it was applied:", *problems])
    return added

"""`python manage.py bench planner --set solomon|hhcrsp|demo`: the public benchmarks are rota.planner.bench's;
`--set demo` is here (it needs the demo data, this top layer).

`--set demo`: the pilot demo (`seed_demo --scale pilot --weeks 8 --seed 1`, ending 2026-W47) in a database of
its own, `homecare_bench_planner` (seeded once and reused; `--fresh` rebuilds it). Its busiest week (most
visits not cancelled) is re-planned from scratch, team by team and day by day, through the same builder and
solver as the board (rota/planning/, mode `scratch`: nothing kept, every visit not cancelled or in hospital
planned in its window on the same shifts), and compared with the demo's own rota (who attended each visit,
at the time planned). Per team and day it prints visits, unassigned, warnings, travel minutes and new
person-care worker pairs (not seen in the 4 weeks before the day), before -> after; then the week's totals
and travel minutes per contact hour. The last line is exactly
`demo travel -N.N% per contact hour, new pairs A vs B, unassigned U, hard rules broken H over K team-days`.
Nothing is written: the plans are compared in memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import timedelta

from django.conf import settings

from demo.bench.scratch import database_url, migrated_database
from rota.planner import bench as public

NAME = "homecare_bench_planner"


def add_arguments(parser) -> None:
    import argparse

    public.add_arguments(parser)
    parser.add_argument("--fresh", action="store_true", help="--set demo: drop and rebuild the bench database")
    parser.add_argument("--child", choices=["measure"], help=argparse.SUPPRESS)


def run(stdout, *, bench_set: str, fresh: bool = False, child: str | None = None, **opts) -> None:
    if bench_set != "demo":
        public.run(stdout, bench_set=bench_set, **opts)
        return
    time_limit = opts.get("time_limit") or 30.0
    if child == "measure":
        for line in measure(time_limit=time_limit, seed=opts.get("seed", 0)):
            stdout.write(line)
        return
    url = database_url(NAME)
    _prepare(stdout, url, fresh=fresh)
    env = {**os.environ, "DATABASE_URL": url}
    cmd = [sys.executable, str(settings.BASE_DIR / "manage.py"), "bench", "planner", "--set", "demo"]
    cmd += ["--child", "measure", "--time-limit", str(time_limit), "--seed", str(opts.get("seed", 0))]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        stdout.write(line.rstrip("\n"))
    if proc.wait():
        raise SystemExit(proc.returncode)


def _prepare(stdout, url: str, *, fresh: bool) -> None:
    visits = migrated_database(NAME, fresh=fresh, count_sql="SELECT count(*) FROM rota_visit")
    env = {**os.environ, "DATABASE_URL": url}
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    if visits:
        stdout.write(f"{NAME}: reusing {visits:,} visits")
        return
    stdout.write(f"{NAME}: seeding the pilot demo (seed_demo --scale pilot --weeks 8 --seed 1) ...")
    t = time.perf_counter()
    subprocess.run([*manage, "seed_demo", "--scale", "pilot", "--weeks", "8", "--seed", "1"], env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    stdout.write(f"{NAME}: seeded in {time.perf_counter() - t:.0f} s")


def _busiest_monday():
    from django.db.models import Count
    from django.db.models.functions import TruncWeek

    from rota.models import Visit
    from rota.planning.build import GONE

    row = (
        Visit.objects.exclude(status__in=GONE)
        .filter(attendances__isnull=False)
        .annotate(week=TruncWeek("planned_start"))
        .values("week")
        .annotate(n=Count("id", distinct=True))
        .order_by("-n", "week")
        .first()
    )
    return row["week"].date(), row["n"]


def measure(*, time_limit: float, seed: int):
    from rota.planning.plan import plan_day
    from workforce.models import Team

    monday, n = _busiest_monday()
    yield f"busiest week: {monday:%G-W%V} (Monday {monday}), {n:,} attended visits; {time_limit:g} s per team-day"
    yield "team day       visits  unassigned  warnings  travel min       new pairs   contact h"
    tot = {"travel0": 0, "travel1": 0, "contact0": 0, "contact1": 0, "pairs0": 0, "pairs1": 0}
    unassigned = broken = days = 0
    started = time.perf_counter()
    for team in Team.objects.order_by("provider__ref", "ref"):
        for i in range(7):
            day = monday + timedelta(days=i)
            plan = plan_day(team, day, mode="scratch", time_limit=time_limit, seed=seed)
            b, a = plan.before, plan.after
            if not plan.visits:
                continue
            days += 1
            unassigned += len(plan.unassigned)
            # The validator passed (plan_day refuses otherwise); the board's refusals are checked again here.
            broken += _refusals(plan)
            tot["travel0"] += b["travel_minutes"]
            tot["travel1"] += a["travel_minutes"]
            tot["contact0"] += b["contact_minutes"]
            tot["contact1"] += a["contact_minutes"]
            tot["pairs0"] += b["new_pairs"]
            tot["pairs1"] += a["new_pairs"]
            yield (
                f"{team.ref:<8} {day:%a %d}  {len(plan.visits):>5}  {len(plan.unassigned):>10}  "
                f"{b['warnings']:>3} -> {a['warnings']:<3} {b['travel_minutes']:>5} -> {a['travel_minutes']:<5}  "
                f"{b['new_pairs']:>4} -> {a['new_pairs']:<4}  {b['contact_minutes'] / 60:>6.1f} -> {a['contact_minutes'] / 60:.1f}"
            )
    per0 = tot["travel0"] / (tot["contact0"] / 60) if tot["contact0"] else 0.0
    per1 = tot["travel1"] / (tot["contact1"] / 60) if tot["contact1"] else 0.0
    change = 100 * (per1 - per0) / per0 if per0 else 0.0
    yield (
        f"week: travel {tot['travel0']:,} -> {tot['travel1']:,} min; contact {tot['contact0'] / 60:,.1f} -> "
        f"{tot['contact1'] / 60:,.1f} h; travel per contact hour {per0:.2f} -> {per1:.2f} min ({change:+.1f}%, "
        f"target -30%); new pairs {tot['pairs0']} -> {tot['pairs1']}; {time.perf_counter() - started:.0f} s"
    )
    yield json.dumps(
        {"travel_per_contact_hour": [round(per0, 2), round(per1, 2)], "new_pairs": [tot["pairs0"], tot["pairs1"]]}
    )
    yield (
        f"demo travel {change:+.1f}% per contact hour, new pairs {tot['pairs1']} vs {tot['pairs0']}, "
        f"unassigned {unassigned}, hard rules broken {broken} over {days} team-days"
    )


def _refusals(plan) -> int:
    """Overlaps in the plan as the board's rules see them: one care worker on two visits at once."""
    from collections import defaultdict

    from rota.models import Visit

    minutes = dict((v.pk, v.planned_end - v.planned_start) for v in Visit.objects.filter(pk__in=list(plan.visits)))
    by_worker = defaultdict(list)
    for vid, (workers, start) in plan.visits.items():
        for w in workers:
            by_worker[w].append((start, start + minutes[vid]))
    clashes = 0
    for spans in by_worker.values():
        spans.sort()
        clashes += sum(1 for a, b in zip(spans, spans[1:], strict=False) if b[0] < a[1])
    return clashes

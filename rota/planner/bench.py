"""`python manage.py bench planner --set solomon|hhcrsp|demo`: the planner on public benchmarks.

Each instance goes through the board's path: reader -> Problem -> solve() (which validates) -> the
benchmark's own format, checked again there from the routes alone. Gaps (docs/planner.md):
- Solomon, hierarchical (vehicles, then distance): 100 x (D + (V - V*) x D*/V* - D*) / D*, D the exact
  Euclidean distance, V the vehicles, starred the best-known: the distance gap, with each vehicle over the
  best-known charged as one average best-known route. Vehicle differences are also printed on their own.
- HHCRSP: 100 x (f - f*) / f*, f = (travel + total tardiness + max tardiness) / 3.
An instance whose plan fails its check (or leaves a visit out) is reported and left out of the mean.
The last line is exactly `mean gap N.NN% over K instances`.
"""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from rota.planner import hhcrsp, solomon
from rota.planner.solve import solve

HHCRSP_FAMILIES = {"A": 10, "B": 25, "C": 50, "D": 75, "E": 100, "F": 200, "G": 300}


def add_arguments(parser) -> None:
    parser.add_argument("--set", dest="bench_set", choices=["solomon", "hhcrsp", "demo"], required=True)
    parser.add_argument(
        "--instances",
        nargs="*",
        default=None,
        help="names (R101, A1) or families (R1, RC2, A, B); default: Solomon all 56, HHCRSP A-C",
    )
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per instance (default 30)")
    parser.add_argument("--benchmarks-dir", default=None, help="default: <repo>/../shared/benchmarks")
    parser.add_argument("--solutions", default=None, help="write each instance's solution as DIR/<instance>.json")
    parser.add_argument("--seed", type=int, default=0)


def run(
    stdout,
    *,
    bench_set: str,
    instances: list[str] | None = None,
    time_limit: float = 30.0,
    benchmarks_dir: str | None = None,
    solutions: str | None = None,
    seed: int = 0,
    **_: object,
) -> None:
    root = Path(benchmarks_dir) if benchmarks_dir else Path(settings.BASE_DIR).parent / "shared" / "benchmarks"
    if bench_set == "demo":
        raise CommandError("--set demo is not available yet: it needs the rota board's screens (issue 18, part 3)")
    if not root.is_dir():
        raise CommandError(f"benchmarks directory {root} not found: pass --benchmarks-dir")
    out = Path(solutions) if solutions else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    runner = _solomon if bench_set == "solomon" else _hhcrsp
    gaps = runner(stdout, root, instances, time_limit, out, seed)
    mean = sum(gaps) / len(gaps) if gaps else 0.0
    stdout.write(f"mean gap {mean:.2f}% over {len(gaps)} instances")


def _tidy(gap: float) -> float:
    """Round-off below the printed precision is no gap (and no '-0.00%')."""
    return 0.0 if abs(gap) < 0.005 else gap


def _pick(available: list[str], wanted: list[str] | None, default: list[str]) -> list[str]:
    if not wanted:
        return default
    chosen = [n for n in available if any(n == w or (n.rstrip("0123456789") == w) for w in wanted)]
    if not chosen:
        raise CommandError(f"no instance matches {wanted}")
    return chosen


def _solomon(stdout, root: Path, wanted, time_limit, out, seed) -> list[float]:
    folder = root / "solomon"
    with open(folder / "solomon100_bks_hierarchical.csv") as fh:
        best = {row["instance"]: (int(row["vehicles"]), float(row["distance"])) for row in csv.DictReader(fh)}
    names = _pick(sorted(best), wanted, sorted(best))
    stdout.write(
        f"Solomon 100, {time_limit:g} s each; gap = distance gap + (vehicles - best) x best distance / "
        "best vehicles, over best distance"
    )
    stdout.write(f"{'instance':9} {'veh':>4} {'distance':>9} {'best':>12} {'gap':>7}  check")
    gaps, extra_vehicles, failed = [], 0, []
    for name in names:
        inst = solomon.read(folder / "instances" / f"{name}.txt")
        started = time.monotonic()
        sol = solve(solomon.to_problem(inst), time_limit=time_limit, seed=seed)
        routes = solomon.routes_of(sol)
        vehicles, distance, problems = solomon.check(inst, routes)
        bv, bd = best[name]
        g = _tidy(solomon.gap(vehicles, distance, bv, bd))
        if sol.unassigned or problems:
            failed.append(name)
        else:
            gaps.append(g)
            extra_vehicles += vehicles - bv
        status = "ok" if not (sol.unassigned or problems) else f"FAILED {len(sol.unassigned)} unassigned {problems[:2]}"
        stdout.write(
            f"{name:9} {vehicles:4d} {distance:9.2f} {bv:4d} {bd:7.2f} {g:6.2f}%  {status} "
            f"({time.monotonic() - started:.0f} s)"
        )
        if out:
            (out / f"{name}.json").write_text(json.dumps({"routes": routes}))
    stdout.write(f"vehicles over best-known: {extra_vehicles:+d} in total; failed: {failed or 'none'}")
    return gaps


def _hhcrsp(stdout, root: Path, wanted, time_limit, out, seed) -> list[float]:
    folder = root / "hhcrsp" / "mankowska2014"
    with open(folder / "mankowska2014_bks.csv") as fh:
        rows = {row["id"]: row for row in csv.DictReader(fh)}
    order = [f"{f}{i}" for f in HHCRSP_FAMILIES for i in range(1, 11)]
    known = [n for n in order if n in rows]
    names = _pick(known, wanted, [n for n in known if n[0] in "ABC"])
    stdout.write(
        f"Mankowska HHCRSP, {time_limit:g} s each; f = (travel + total tardiness + max tardiness) / 3, "
        "gap = (f - best) / best"
    )
    stdout.write(f"{'id':4} {'f':>8} {'travel':>8} {'tard':>7} {'max':>6} {'best':>8} {'gap':>7}  check")
    gaps, failed = [], []
    for name in names:
        inst = hhcrsp.read(folder / "instances" / rows[name]["file"])
        problem = hhcrsp.to_problem(inst)
        started = time.monotonic()
        sol = solve(problem, time_limit=time_limit, seed=seed)
        routes = hhcrsp.routes_of(inst, problem, sol)
        travel, tardiness, worst, problems = hhcrsp.check(inst, routes)
        f = hhcrsp.objective(travel, tardiness, worst)
        bks = float(rows[name]["best_known"])
        g = _tidy(100 * (f - bks) / bks)
        if sol.unassigned or problems:
            failed.append(name)
        else:
            gaps.append(g)
        status = "ok" if not (sol.unassigned or problems) else f"FAILED {len(sol.unassigned)} unassigned {problems[:2]}"
        stdout.write(
            f"{name:4} {f:8.2f} {travel:8.2f} {tardiness:7.2f} {worst:6.2f} {bks:8.2f} {g:6.2f}%  {status} "
            f"({time.monotonic() - started:.0f} s)"
        )
        if out:
            (out / f"{name}.json").write_text(json.dumps({"routes": routes}))
    for family in sorted({n[0] for n in names}):
        fam = [g for n, g in zip([n for n in names if n not in failed], gaps, strict=True) if n[0] == family]
        if fam:
            stdout.write(f"set {family}: mean gap {sum(fam) / len(fam):.2f}% over {len(fam)}, worst {max(fam):.2f}%")
    stdout.write(f"failed: {failed or 'none'}")
    return gaps

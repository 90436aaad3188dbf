"""Tiny Solomon and HHCRSP instances (tests/data/planner/, so no ../shared is needed) through reader, solver,
validator, the benchmark's own check and the `--solutions` JSON; expected values worked out by hand."""

from __future__ import annotations

import io
import json
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from django.core.management.base import CommandError, OutputWrapper

from rota.planner import bench, hhcrsp, solomon
from rota.planner.solve import solve
from rota.planner.validate import validate

DATA = Path(__file__).resolve().parents[2] / "data" / "planner"
OPTIMA = ([[3, 1, 2]], [[2, 1, 3]], [[1, 2, 3]], [[3, 2, 1]])


def test_a_solomon_instance_round_trips():
    # Depot (0,0); customers 1 (3,4), 2 (6,8), 3 (-3,-4): one vehicle does it; 0-3-1-2-0 drives
    # 5 + 10 + 5 + 10 = 30 and 0-1-2-3-0 drives 5 + 5 + 15 + 5 = 30 (and both reversed); 0-1-3-2-0 drives 40.
    inst = solomon.read(DATA / "TINY3.txt")
    assert (inst.vehicles, inst.capacity, inst.demand) == (3, 200, [0, 10, 10, 10])
    problem = solomon.to_problem(inst)
    sol = solve(problem, time_limit=0.5)
    assert validate(problem, sol) == []
    routes = solomon.routes_of(sol)
    assert routes in OPTIMA
    vehicles, distance, problems = solomon.check(inst, routes)
    assert (vehicles, problems) == (1, [])
    assert distance == pytest.approx(30.0)


def test_solomon_uses_the_fewest_vehicles_and_answers_on_time():
    # Depot (0,0). Customers 1 (10,0) and 2 (-10,0) must start by 12 and take 5: 20 apart, so no vehicle does
    # both (1 done at 15, 2 reached at 35). Customers 3 (0,10) and 4 (0,-10) start in 30..40: 20 apart, so no
    # vehicle does both either (3 done at 35, 4 reached at 55). From 1 or 2, 3 or 4 is 14.14 away (done by 15,
    # there by 29.14): two vehicles, each 10 + 14.14 + 10, 68.28 in all; one vehicle fewer is far out of reach.
    xy = np.array([[0, 0], [10, 0], [-10, 0], [0, 10], [0, -10]], dtype=float)
    inst = solomon.Instance(
        "FOUR", 4, 200, xy, [0, 10, 10, 10, 10], [0, 10, 10, 30, 30], [200, 12, 12, 40, 40], [0, 5, 5, 5, 5]
    )
    started = time.monotonic()
    sol = solve(solomon.to_problem(inst), time_limit=1.0)
    assert time.monotonic() - started < 1.5
    vehicles, distance, problems = solomon.check(inst, solomon.routes_of(sol))
    assert (vehicles, problems) == (2, [])
    assert distance == pytest.approx(40 + 2 * 200**0.5)


def test_the_solomon_gap_charges_an_extra_vehicle_one_average_route():
    # Best 10 vehicles, 1000: one more vehicle at 990 is 990 + 100 - 1000 = +9%.
    assert solomon.gap(11, 990.0, 10, 1000.0) == pytest.approx(9.0)
    assert solomon.gap(10, 1010.0, 10, 1000.0) == pytest.approx(1.0)


def test_an_hhcrsp_instance_round_trips():
    # Patient 1 (0,10) needs service 1; patient 2 (10,0) needs services 1 and 2 together. Only carer 1 can do
    # service 2. Every plan drives 20 (one carer to patient 2 and back) + 10 + 14.142136 + 10 (the other,
    # both patients): 54.142136, with no lateness, so f = 54.142136 / 3.
    inst = hhcrsp.read(DATA / "tiny_hhcrsp.txt")
    problem = hhcrsp.to_problem(inst)
    assert [v.carers for v in problem.visits] == [1, 2]
    sol = solve(problem, time_limit=0.5)
    assert validate(problem, sol) == []
    routes = hhcrsp.routes_of(inst, problem, sol)
    travel, tardiness, worst, problems = hhcrsp.check(inst, routes)
    assert problems == []
    assert (tardiness, worst) == (0, 0)
    assert hhcrsp.objective(travel, tardiness, worst) == pytest.approx(54.142136 / 3, abs=1e-4)
    starts = {(s["patient"], s["service"]): s["start"] for route in routes for s in route}
    assert starts[(2, 1)] == starts[(2, 2)]


@pytest.fixture
def bench_dir(tmp_path):
    root = tmp_path / "benchmarks"
    (root / "solomon" / "instances").mkdir(parents=True)
    shutil.copy(DATA / "TINY3.txt", root / "solomon" / "instances" / "TINY3.txt")
    (root / "solomon" / "solomon100_bks_hierarchical.csv").write_text("instance,vehicles,distance\nTINY3,1,30.0\n")
    folder = root / "hhcrsp" / "mankowska2014"
    (folder / "instances").mkdir(parents=True)
    shutil.copy(DATA / "tiny_hhcrsp.txt", folder / "instances" / "tiny_hhcrsp.txt")
    (folder / "mankowska2014_bks.csv").write_text("id,file,best_known\nA1,tiny_hhcrsp.txt,18.047379\n")
    return root


def run_bench(**opts) -> list[str]:
    out = io.StringIO()
    bench.run(OutputWrapper(out), time_limit=0.5, **opts)
    return out.getvalue().splitlines()


def test_bench_solomon_prints_the_gap_and_writes_solutions(bench_dir, tmp_path):
    lines = run_bench(bench_set="solomon", benchmarks_dir=str(bench_dir), solutions=str(tmp_path / "sol"))
    assert lines[-1] == "mean gap 0.00% over 1 instances"
    assert json.loads((tmp_path / "sol" / "TINY3.json").read_text())["routes"] in OPTIMA


def test_bench_hhcrsp_prints_the_gap_and_writes_solutions(bench_dir, tmp_path):
    lines = run_bench(bench_set="hhcrsp", benchmarks_dir=str(bench_dir), solutions=str(tmp_path / "sol"))
    assert lines[-1] == "mean gap 0.00% over 1 instances"
    routes = json.loads((tmp_path / "sol" / "A1.json").read_text())["routes"]
    assert len(routes) == 2
    assert sorted((s["patient"], s["service"]) for route in routes for s in route) == [(1, 1), (2, 1), (2, 2)]


def test_bench_says_clearly_what_is_missing(tmp_path):
    with pytest.raises(CommandError, match="not found"):
        run_bench(bench_set="solomon", benchmarks_dir=str(tmp_path / "nowhere"))
    with pytest.raises(CommandError, match="not available yet"):
        run_bench(bench_set="demo", benchmarks_dir=str(tmp_path))

"""`python manage.py bench import --scale city --weeks 4 [--seed S] [--file F]`: visits imported per
second and peak memory. The bundle comes from the demo generator (commissioning.demo); the import
runs in a child process against a scratch database, so its peak RSS is the importer's own."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings

# A scratch database of its own (BENCH_IMPORT_DB names another, for runs side by side).
SCRATCH_DB = os.environ.get("BENCH_IMPORT_DB", "homecare_bench_import")

_CHILD = r"""
import json, os, resource, sys, time
import django
django.setup()
from commissioning.bundle.importer import import_bundle
t = time.perf_counter()
timings = {}
counts = import_bundle(sys.argv[1], timings=timings)
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "counts": counts, "timings": timings,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "helper_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def add_arguments(parser) -> None:
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--file", help="import this bundle instead of generating one")
    parser.add_argument("--keep", action="store_true", help="keep the generated file and scratch database")


def _scratch_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{SCRATCH_DB}"


def _recreate_scratch() -> None:
    import psycopg

    db = settings.DATABASES["default"]
    with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB}")
        conn.execute(f"CREATE DATABASE {SCRATCH_DB}")


def _child_env() -> dict:
    env = dict(os.environ, DATABASE_URL=_scratch_url())
    env.setdefault("DJANGO_SETTINGS_MODULE", os.environ.get("DJANGO_SETTINGS_MODULE", "homecare.settings.local"))
    return env


def run(stdout, *, scale: str = "city", weeks: int = 4, seed: int = 1, file: str | None = None, keep=False, **_):
    import json

    manage = str(Path(settings.BASE_DIR) / "manage.py") if hasattr(settings, "BASE_DIR") else "manage.py"
    path = file
    if path is None:
        from commissioning.demo.generator import generate_bundle

        path = str(Path(tempfile.gettempdir()) / f"bench-{scale}-{weeks}w-{seed}.json")
        t = time.perf_counter()
        generate_bundle(path, scale=scale, weeks=weeks, seed=seed)
        stdout.write(f"generated {path} ({os.path.getsize(path) / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")
    _recreate_scratch()
    env = _child_env()
    subprocess.run([sys.executable, manage, "migrate", "-v0"], env=env, check=True)
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, path], env=env, check=True, capture_output=True, text=True
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    visits = result["counts"]["visits"]["created"]
    attendances = result["counts"]["attendances"]["created"]
    shifts = result["counts"]["shifts"]["created"]
    secs = result["seconds"]
    stdout.write(f"imported {visits:,} visits, {attendances:,} attendances, {shifts:,} shifts in {secs:.1f} s")
    stdout.write(f"visits per second: {visits / secs:,.0f}  (target 20,000)")
    stdout.write(f"peak memory of the importing process: {result['maxrss_mb']:.0f} MB")
    if result.get("helper_maxrss_mb"):
        stdout.write(f"peak memory of its helper process: {result['helper_maxrss_mb']:.0f} MB")
    stdout.write("seconds per stage:")
    for name, seconds in result["timings"].items():
        stdout.write(f"  {seconds:6.2f} s  {name}")
    if not keep:
        if file is None:
            os.unlink(path)
        import psycopg

        db = settings.DATABASES["default"]
        with psycopg.connect(
            host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB}")

"""`python manage.py seed_demo --scale pilot|city --weeks N --seed S [--end-week 2026-W47]`

Generates a demo bundle (demo) and loads it through the bundle import, the same bulk
path a provider's own data takes. Same arguments, same data: see docs/demo-data.md.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.generator import DEFAULT_END_WEEK, generate_bundle
from demo.safety import refuse_in_production
from homecare.lib.dates import iso_week, parse_iso_week


class Command(BaseCommand):
    help = "Generate deterministic demo data (pilot area or whole city) and import it."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["pilot", "city"], default="pilot")
        parser.add_argument("--weeks", type=int, default=8)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--end-week",
            default=DEFAULT_END_WEEK,
            help=f"last ISO week of the data (default {DEFAULT_END_WEEK}); 'last' = the last complete week "
            "before today (then the data depends on the date)",
        )
        parser.add_argument("--out", help="keep the generated bundle at this path")
        parser.add_argument("--no-import", action="store_true", help="only write the bundle (needs --out)")

    def handle(self, *, scale, weeks, seed, end_week, out, no_import, **_):
        refuse_in_production("seed_demo")
        if weeks < 1:
            raise CommandError("--weeks must be at least 1")
        if end_week == "last":
            end_week = iso_week(timezone.localdate() - timedelta(days=7))
        try:
            parse_iso_week(end_week)
        except ValueError as exc:
            raise CommandError(str(exc))
        if no_import and not out:
            raise CommandError("--no-import needs --out")
        path = out or os.path.join(tempfile.mkdtemp(prefix="seed-demo-"), f"demo-{scale}-{weeks}w-{seed}.json")
        try:
            summary = generate_bundle(path, scale=scale, weeks=weeks, seed=seed, end_week=end_week)
            visits = summary.counts["visits"]
            self.stdout.write(
                f"Generated {scale} demo, {summary.start} to {summary.end}: {visits} visits, "
                f"{summary.counts['workers']} care workers, {summary.counts['people']} people "
                f"({os.path.getsize(path) / 1e6:.1f} MB) in {summary.seconds:.1f} s"
            )
            if no_import:
                return
            self._import(path)
        finally:
            if not out:
                _remove(path)
        self._demo_users()

    def _import(self, path: str) -> None:
        from homecare.lib.db import maintenance_alias
        from interchange.importer import BundleInvalid, import_bundle

        t = time.monotonic()
        try:
            counts = import_bundle(path, using=maintenance_alias())
        except BundleInvalid as exc:
            for err in exc.errors[:50]:
                self.stderr.write(f"{err['path']}: {err['message']}")
            raise CommandError(f"the generated bundle was rejected ({len(exc.errors)} errors)")
        created = sum(c.get("created", 0) for c in counts.values() if isinstance(c, dict))
        self.stdout.write(f"Imported {created} new rows in {time.monotonic() - t:.1f} s")

    def _demo_users(self) -> None:
        from demo.logins import demo_users_ensure

        demo_users_ensure()
        self.stdout.write("Demo users ready (see `manage.py demo_logins`).")


def _remove(path: str) -> None:
    try:
        os.remove(path)
        os.rmdir(os.path.dirname(path))
    except OSError:
        pass

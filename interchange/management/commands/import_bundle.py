"""python manage.py import_bundle FILE: import a data bundle; on any error list them all and write nothing."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from homecare.lib.db import maintenance_alias
from interchange.importer import BundleInvalid, import_bundle


class Command(BaseCommand):
    help = "Import a data bundle (docs/bundle.md). All or nothing; prints counts per list."

    def add_arguments(self, parser):
        parser.add_argument("file", help="bundle file, or - for standard input")
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")

    def handle(self, *args, file: str, **opts):
        source = sys.stdin.buffer if file == "-" else file
        try:
            # As the maintenance role where this process has one: a first load may then skip per-row
            # triggers and build the rota's indexes after the rows (docs/bundle.md).
            counts = import_bundle(source, using=maintenance_alias())
        except BundleInvalid as exc:
            for err in exc.errors:
                self.stderr.write(f"{err['path']}: {err['message']}")
            raise CommandError(f"bundle rejected: {len(exc.errors)} error(s); nothing was written") from None
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        if opts["json"]:
            self.stdout.write(json.dumps(counts, indent=2))
            return
        self.stdout.write(f"{'list':<22}{'created':>10}{'updated':>10}{'unchanged':>11}")
        for name, c in counts.items():
            self.stdout.write(f"{name:<22}{c['created']:>10}{c['updated']:>10}{c['unchanged']:>11}")

"""`python manage.py rota_generate --provider REF --week 2026-W50`: the week's visits from the care plans.

Idempotent (run it twice, nothing changes the second time); see rota/generate.py for what it never
touches. `--weeks N` generates N weeks from --week on; without --provider, every provider."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from commissioning.models import Organisation
from homecare.lib.dates import iso_week, parse_iso_week
from rota.generate import rota_generate


class Command(BaseCommand):
    help = "Make a week's visits from the care plans (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--provider", help="provider ref (default: every provider)")
        parser.add_argument("--week", required=True, help="ISO week, e.g. 2026-W50")
        parser.add_argument("--weeks", type=int, default=1, help="how many weeks from --week (default 1)")

    def handle(self, *, provider, week, weeks, **_):
        try:
            monday = parse_iso_week(week)
        except ValueError as exc:
            raise CommandError(str(exc))
        providers = Organisation.objects.filter(kind=Organisation.Kind.PROVIDER).order_by("ref")
        if provider:
            providers = providers.filter(ref=provider)
            if not providers.exists():
                raise CommandError(f"unknown provider {provider!r}")
        for org in providers:
            for i in range(max(1, weeks)):
                start = monday + timedelta(weeks=i)
                result = rota_generate(provider=org, week=start)
                self.stdout.write(f"{org.ref} {iso_week(start)}: {result}")

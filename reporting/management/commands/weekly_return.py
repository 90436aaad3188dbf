"""`python manage.py weekly_return --provider P1 --contract C-P1 --week 2025-W37 --format json|csv`

Prints the latest version of the return (computing a draft through the service if none exists yet;
`--recompute` recomputes first, which follows the versioning rules). The JSON is exactly
"The return as data", the same as the API's."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from commissioning.models import Contract
from homecare.lib.dates import parse_iso_week
from reporting.models.returns import WeeklyReturn
from reporting.returns import outputs
from reporting.returns.services import weekly_return_compute


class Command(BaseCommand):
    help = "Print a weekly monitoring return as JSON or CSV, computing a draft if none exists."

    def add_arguments(self, parser):
        parser.add_argument("--provider", required=True, help="provider organisation ref, e.g. P1")
        parser.add_argument("--contract", required=True, help="contract ref, e.g. C-P1")
        parser.add_argument("--week", required=True, help="ISO week, e.g. 2025-W37")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--recompute", action="store_true", help="recompute from the current data first")

    def handle(self, *args, provider, contract, week, format, recompute, **opts):
        try:
            week_start = parse_iso_week(week)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        c = Contract.objects.filter(provider__kind="provider", provider__ref=provider, ref=contract).first()
        if c is None:
            raise CommandError(f"no contract {contract!r} of provider {provider!r}")
        wr = WeeklyReturn.objects.filter(contract=c, week_start=week_start).order_by("-version").first()
        if wr is None or recompute:
            wr = weekly_return_compute(contract_id=c.pk, week_start=week_start)
        if format == "csv":
            self.stdout.write(outputs.return_csv(wr), ending="")
        else:
            self.stdout.write(json.dumps(outputs.return_json(wr), indent=1))

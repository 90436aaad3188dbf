"""python manage.py export_bundle --provider REF [--from DATE --to DATE] > FILE"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from commissioning.models import Organisation
from interchange.exporter import export_bundle


class Command(BaseCommand):
    help = "Write a provider's data as a bundle to standard output (dated records filtered by --from/--to)."

    def add_arguments(self, parser):
        parser.add_argument("--provider", required=True, help="provider ref")
        parser.add_argument("--from", dest="date_from", type=date.fromisoformat, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", type=date.fromisoformat, help="last day, YYYY-MM-DD")

    def handle(self, *args, provider: str, date_from, date_to, **opts):
        org = Organisation.objects.filter(kind="provider", ref=provider).first()
        if org is None:
            raise CommandError(f"no provider {provider!r}")
        for piece in export_bundle(provider_id=org.pk, date_from=date_from, date_to=date_to):
            self.stdout.write(piece, ending="")

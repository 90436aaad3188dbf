"""`python manage.py pay_run --provider REF --period-start YYYY-MM-DD [--period-end YYYY-MM-DD]`:
print a provider's block-pay run as CSV for payroll software (default: four weeks)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError

from commissioning.models import Organisation
from reporting.money.pay import PAY_PERIOD_DAYS, pay_run, pay_run_csv


class Command(BaseCommand):
    help = "Print a provider's pay run (CSV)."

    def add_arguments(self, parser):
        parser.add_argument("--provider", required=True, help="provider ref")
        parser.add_argument("--period-start", required=True, type=date.fromisoformat)
        parser.add_argument("--period-end", type=date.fromisoformat)

    def handle(self, *args, provider, period_start, period_end, **opts):
        org = Organisation.objects.filter(kind="provider", ref=provider).first()
        if org is None:
            raise CommandError(f"no provider {provider!r}")
        end = period_end or period_start + timedelta(days=PAY_PERIOD_DAYS - 1)
        self.stdout.write(pay_run_csv(pay_run(provider_id=org.pk, first_day=period_start, last_day=end)), ending="")

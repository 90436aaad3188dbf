"""`python manage.py demo_reports [--weeks 4]`: after the demo data is loaded, compute the last few
weekly returns and the invoices of the settlement periods the data covers, for every provider, and
sign off / issue all but the newest, so every role finds something on its pages (commissioners see only
submitted returns and issued invoices). Runs synchronously through the same services as the buttons.

Dates (docs/demo-data.md): each return is signed off on the Tuesday after its week at 10:00 (on time
against the default due day, the Wednesday), each invoice issued on the last day of its period at
17:00 (London), whatever day the command runs: the demo tells the same story every time."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.management.base import BaseCommand
from django.db.models import Max, Min

from commissioning.models import Contract, Role, User
from demo.safety import refuse_in_production
from homecare.lib.dates import LONDON
from reporting.money.periods import period_containing
from reporting.money.services import invoice_compute_draft, invoice_issue
from reporting.returns.services import weekly_return_compute, weekly_return_submit
from rota.models import Visit

LONDON_DATE = "planned_start__date"
SIGNED_OFF_AT = (timedelta(days=8), time(10, 0))  # after the week's Monday: the Tuesday after, 10:00
ISSUED_AT = time(17, 0)  # on the period's last day


def _at(day, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=LONDON)


class Command(BaseCommand):
    help = "Compute and sign off demo returns and invoices from the visit data already loaded."

    def add_arguments(self, parser):
        parser.add_argument("--weeks", type=int, default=4, help="how many of the latest complete weeks")

    def handle(self, *args, weeks: int, **opts):
        refuse_in_production("demo_reports")
        for contract in Contract.objects.select_related("provider").order_by("provider__ref", "ref"):
            # The data's span: visits planned ahead from the care plans (still scheduled, or `hospital`
            # during a stay that runs on) are not data yet.
            span = (
                Visit.objects.filter(person__contract=contract)
                .exclude(status__in=(Visit.Status.SCHEDULED, Visit.Status.HOSPITAL))
                .aggregate(first=Min(LONDON_DATE), last=Max(LONDON_DATE))
            )
            if span["last"] is None:
                continue
            manager = (
                User.objects.filter(organisation=contract.provider, roles__contains=[Role.PROVIDER_MANAGER])
                .order_by("pk")
                .first()
            )
            self._returns(contract, span["last"], weeks, manager)
            self._invoices(contract, span["first"], span["last"], manager)

    def _returns(self, contract, last_day, weeks, manager):
        # The latest week whose Sunday the data reaches, then the weeks before it.
        newest = last_day - timedelta(days=(last_day.isoweekday() % 7))  # that Sunday (or last_day if Sunday)
        newest_monday = newest - timedelta(days=6)
        mondays = [newest_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
        mondays = [m for m in mondays if m >= contract.start]
        for i, monday in enumerate(mondays):
            wr = weekly_return_compute(contract_id=contract.pk, week_start=monday)
            if manager and i < len(mondays) - 1 and wr.status == "draft":
                days, clock = SIGNED_OFF_AT
                weekly_return_submit(weekly_return_id=wr.pk, actor=manager, at=_at(monday + days, clock))
        self.stdout.write(f"{contract.ref}: returns for {len(mondays)} weeks")

    def _invoices(self, contract, first_day, last_day, manager):
        start, end = period_containing(contract, max(first_day, contract.start))
        periods = []
        while end <= last_day:
            if start >= first_day:
                periods.append(start)
            start, end = period_containing(contract, end + timedelta(days=1))
        for lot in contract.lots.order_by("number"):
            for i, period_start in enumerate(periods):
                invoice = invoice_compute_draft(lot_id=lot.pk, period_start=period_start)
                if manager and i < len(periods) - 1 and invoice.status == "draft":
                    invoice_issue(invoice_id=invoice.pk, actor=manager, at=_at(invoice.period_end, ISSUED_AT))
        self.stdout.write(f"{contract.ref}: invoices for {len(periods)} periods per lot")

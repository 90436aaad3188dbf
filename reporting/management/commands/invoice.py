"""`python manage.py invoice --contract REF --lot N --period-start YYYY-MM-DD --format json|csv|detail-csv`:
print a lot's invoice for a settlement period, computing a draft first if none exists."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from commissioning.models import Lot
from homecare.api_errors import DomainError
from reporting.models.money import Invoice
from reporting.money.outputs import detail_csv, invoice_json, lines_csv
from reporting.money.services import invoice_compute_draft


class Command(BaseCommand):
    help = "Print a lot's invoice for a settlement period (computing a draft if none exists)."

    def add_arguments(self, parser):
        parser.add_argument("--contract", required=True, help="contract ref")
        parser.add_argument("--provider", help="provider ref, when two providers use the same contract ref")
        parser.add_argument("--lot", type=int, required=True)
        parser.add_argument("--period-start", required=True, type=date.fromisoformat)
        parser.add_argument("--format", choices=["json", "csv", "detail-csv"], default="json")
        parser.add_argument("--recompute", action="store_true", help="recompute the draft even if one exists")

    def handle(self, *args, contract, provider, lot, period_start, format, recompute, **opts):
        lots = Lot.objects.filter(contract__ref=contract, number=lot)
        if provider:
            lots = lots.filter(provider__ref=provider)
        found = list(lots[:2])
        if len(found) != 1:
            raise CommandError(
                f"{len(found) or 'no'} lot {lot} of contract {contract!r}" + (" (give --provider)" if found else "")
            )
        existing = Invoice.objects.filter(lot=found[0], period_start=period_start, kind=Invoice.Kind.INVOICE).order_by(
            "status"  # "draft" < "issued": an issued invoice wins below
        )
        invoice = next((i for i in existing if i.status == Invoice.Status.ISSUED), None) or (
            None if recompute else next(iter(existing), None)
        )
        if invoice is None:
            try:
                invoice = invoice_compute_draft(lot_id=found[0].pk, period_start=period_start)
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
        render = {"json": invoice_json, "csv": lines_csv, "detail-csv": detail_csv}[format]
        self.stdout.write(render(invoice), ending="" if format != "json" else "\n")

"""Expectations for invoices, block pay and the income-versus-cost pages, and the invoices API.

Who: provider managers and coordinators read their provider's invoices (drafts too); managers
compute, issue and credit. Commissioner officers read issued invoices addressed to them (fx.council:
lot 1). Block pay is for the provider's managers; the finance page for provider managers and
commissioner officers (who see it only where the provider shares it). Another organisation's
invoice is a 404. API tokens act for their organisation (read only)."""

from __future__ import annotations

from datetime import date

from reporting.money.services import invoice_compute_draft, invoice_issue, invoice_store_pdf
from tests.matrix._personas import OTHER_ORGS, OTHER_PROVIDER, TOKENS

PERIOD = date(2025, 8, 4)
READERS = frozenset({"provider_manager", "coordinator", "commissioner_officer"})
MANAGER = frozenset({"provider_manager"})


def _draft(fx):
    return invoice_compute_draft(lot_id=fx.contract.lots.get(number=1).pk, period_start=PERIOD)


def _issued(fx):
    invoice = invoice_issue(invoice_id=_draft(fx).pk, actor=fx.users["provider_manager"])
    invoice_store_pdf(invoice_id=invoice.pk, content=b"%PDF-1.4\n%matrix\n")
    return invoice


def _pk_issued(fx) -> dict:
    return {"pk": _issued(fx).pk}


def _pk_draft(fx) -> dict:
    return {"pk": _draft(fx).pk}


def _compute_data(fx) -> dict:
    return {"lot": fx.contract.lots.get(number=1).pk, "period_start": "2025-08-04"}


EXPECTATIONS: dict = {
    # Lists: each organisation sees its own rows, so other organisations' readers are allowed.
    "reporting:invoice_list": {"allowed": READERS | OTHER_ORGS},
    # Another provider's manager names a lot it cannot see: 404 (refused); commissioners: 403.
    "reporting:invoice_compute": {"allowed": MANAGER, "method": "post", "data": _compute_data, "ok": {302}},
    "reporting:invoice_detail": {"allowed": READERS, "kwargs": _pk_issued},
    # A draft: commissioners do not see drafts (404), coordinators may not issue (403).
    "reporting:invoice_issue": {"allowed": MANAGER, "method": "post", "kwargs": _pk_draft, "ok": {302}},
    "reporting:invoice_credit_note": [
        {"allowed": MANAGER, "kwargs": _pk_issued},
        # A credit above what the invoice bills: the form comes back (400) with its error, which
        # proves the permission check let the manager through.
        {
            "allowed": MANAGER,
            "method": "post",
            "kwargs": _pk_issued,
            "data": {"amount": "999999.00", "reason": "x"},
            "ok": {400},
        },
    ],
    "reporting:invoice_json": {"allowed": READERS, "kwargs": _pk_issued},
    "reporting:invoice_lines_csv": {"allowed": READERS, "kwargs": _pk_issued},
    "reporting:invoice_detail_csv": {"allowed": READERS, "kwargs": _pk_issued},
    "reporting:invoice_pdf": {"allowed": READERS, "kwargs": _pk_issued},
    # Block pay: each provider's manager sees its own workers only (P2's manager sees P2's).
    "reporting:pay_run": {"allowed": MANAGER | {OTHER_PROVIDER}},
    "reporting:pay_run_csv": {"allowed": MANAGER | {OTHER_PROVIDER}},
    "reporting:pay_shifts_csv": {"allowed": MANAGER | {OTHER_PROVIDER}},
    # Finance: commissioners get the page, with figures only where a provider shares them.
    "reporting:finance": {"allowed": {"provider_manager", "commissioner_officer"} | OTHER_ORGS},
    "reporting:finance_share": {
        "allowed": MANAGER | {OTHER_PROVIDER},
        "method": "post",
        "data": {"share": "yes"},
        "ok": {302},
    },
    # API (read only)
    "invoices-api-list": {"allowed": READERS | OTHER_ORGS | TOKENS},
    "invoices-api-detail": {"allowed": READERS | TOKENS, "kwargs": _pk_issued},
    "invoices-api-lines-csv": {"allowed": READERS | TOKENS, "kwargs": _pk_issued},
    "invoices-api-detail-csv": {"allowed": READERS | TOKENS, "kwargs": _pk_issued},
    "invoices-api-pdf": {"allowed": READERS | TOKENS, "kwargs": _pk_issued},
}

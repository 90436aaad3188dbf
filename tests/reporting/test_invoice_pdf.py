"""The invoice PDF a finance office pays from, read back as text (pdftotext): both parties' names and
addresses, the number and the invoice's date, the payment terms and the due date, the period, the
lines in words, the VAT position and the provider's bank details; a credit note with its reason and
no due date; a draft that says so once. Pages also saved as PNG (pdftoppm) to be looked at."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path
from unittest import mock

import pytest

from homecare.lib.dates import LONDON
from reporting.models.money import Invoice
from reporting.money.services import credit_note_issue, invoice_compute_draft, invoice_issue
from reporting.money.tasks import render_invoice_pdf
from tests.reporting.money_factories import make_person, make_visit, make_worker

SCREENS = Path(__file__).resolve().parents[2] / ".run" / "screens"
PERIOD = date(2025, 8, 4)  # the contract starts on 7 July 2025: four-weekly periods from then
ISSUED = datetime(2025, 9, 2, 10, 30, tzinfo=LONDON)  # a Tuesday, two days after the period


@pytest.fixture
def parties(contract):
    provider, council = contract.provider, contract.lots.get(number=1).commissioner
    provider.address, provider.postcode = "Unit 3, Lock Keeper's Yard\nHolbeck\nLeeds", "LS11 9QD"
    provider.bank_account_name, provider.bank_sort_code, provider.bank_account_number = (
        "Provider One Ltd",
        "00-00-00",
        "00000001",
    )
    provider.save()
    council.address, council.postcode = "Merrion House\n110 Merrion Centre\nLeeds", "LS2 8BB"
    council.save()
    contract.payment_terms_days = 14
    contract.save()
    return contract


@pytest.fixture
def billed(parties):
    """Lot 1: one hour on 5 August at £26.22 and a missed visit on the 6th."""
    parties.lots.filter(number=1).update(billing_basis="planned")
    worker = make_worker(parties.provider)
    person = make_person(parties)
    make_visit(person, "2025-08-05T09:00", minutes=60, attend=[(worker, "09:00", "10:00")], ref="V1")
    make_visit(person, "2025-08-06T09:00", minutes=60, status="missed", ref="V2")
    return parties.lots.get(number=1)


def pdf_text(invoice: Invoice, name: str, settings) -> str:
    assert render_invoice_pdf(invoice.pk) is True
    invoice.refresh_from_db()
    path = Path(settings.MEDIA_ROOT) / invoice.pdf.name
    SCREENS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", str(path), str(SCREENS / name)], check=True)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def squeeze(text: str) -> str:
    """The text with runs of spaces made one, so a label and its value read as one phrase."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return settings


def issue(lot, manager) -> Invoice:
    draft = invoice_compute_draft(lot_id=lot.pk, period_start=PERIOD)
    with mock.patch("reporting.money.services.timezone.now", return_value=ISSUED):
        return invoice_issue(invoice_id=draft.pk, actor=manager)


def test_the_invoice_pdf_names_both_parties_the_dates_the_terms_and_the_vat(billed, manager, media):
    text = squeeze(pdf_text(issue(billed, manager), "invoice-pdf", media))
    # who from and who to, with their addresses
    for line in ("Provider One", "Unit 3, Lock Keeper's Yard", "Holbeck", "LS11 9QD"):
        assert line in text
    for line in ("City Council", "Merrion House", "110 Merrion Centre", "LS2 8BB"):
        assert line in text
    # the number, its date, the contract's 14-day terms and the day it is due (2 + 14 = 16 September)
    assert "Invoice number P1-000001" in text
    assert "Invoice date 2 September 2025" in text
    assert "Payment terms 14 days" in text
    assert "Due date 16 September 2025" in text
    assert "Period: 4 August 2025 to 31 August 2025" in text
    assert "Contract C-P1, lot 1" in text
    # the line in words and money as people write it: 1 hour at £26.22
    assert "Care hours 1.00 £26.22 £26.22" in text
    assert "Total due £26.22" in text
    assert "VAT: exempt (care services)" in text
    # where to pay, quoting the number
    assert "please pay £26.22 by 16 September 2025, quoting P1-000001" in text
    assert "Account name Provider One Ltd" in text
    assert "Sort code 00-00-00" in text and "Account number 00000001" in text
    # the missed visit is listed, in words
    assert "V2 (missed)" in text
    assert "draft" not in text.lower() and "care_" not in text


def test_issuing_keeps_the_date_terms_and_due_date_in_the_invoice(billed, manager):
    invoice = issue(billed, manager)
    assert (invoice.data["issue_date"], invoice.data["payment_terms_days"], invoice.data["due_date"]) == (
        "2025-09-02",
        14,
        "2025-09-16",
    )
    # the contract's terms changing later does not move an issued invoice's due date
    billed.contract.payment_terms_days = 60
    billed.contract.save()
    page = Invoice.objects.get(pk=invoice.pk)
    assert page.data["due_date"] == "2025-09-16"


def test_a_credit_note_pdf_gives_the_invoice_it_credits_and_the_reason_and_no_due_date(billed, manager, media):
    invoice = issue(billed, manager)
    with mock.patch("reporting.money.services.timezone.now", return_value=ISSUED.replace(day=9)):
        note = credit_note_issue(invoice_id=invoice.pk, amount="10.00", reason="visit V1 was cut short", actor=manager)
    text = squeeze(pdf_text(note, "credit-note-pdf", media))
    assert "Credit note" in text and "Credit note number P1-000002" in text
    assert "Credit note date 9 September 2025" in text
    assert "Credits invoice P1-000001" in text
    assert "Reason: visit V1 was cut short" in text
    assert "Total credited −£10.00" in text
    assert "VAT: exempt (care services)" in text
    assert "Due date" not in text and "How to pay" not in text


def test_a_draft_invoice_pdf_says_draft_once_and_has_no_number_yet(billed, media):
    draft = invoice_compute_draft(lot_id=billed.pk, period_start=PERIOD)
    text = squeeze(pdf_text(draft, "draft-invoice-pdf", media))
    assert text.lower().count("draft") == 1 and "Draft invoice" in text
    assert "Invoice number Given when issued" in text
    assert "Due date 14 days after issue" in text
    assert "Total due £26.22" in text and "VAT: exempt (care services)" in text


def test_without_addresses_or_bank_details_the_invoice_still_reads(contract, manager, media):
    contract.lots.filter(number=1).update(billing_basis="planned")
    worker = make_worker(contract.provider)
    make_visit(make_person(contract), "2025-08-05T09:00", attend=[(worker, "09:00", "10:00")], ref="V1")
    text = squeeze(pdf_text(issue(contract.lots.get(number=1), manager), "invoice-pdf-bare", media))
    assert "Provider One" in text and "City Council" in text
    assert "Due date 2 October 2025" in text  # the default 30 days: 28 to the end of September, then 2
    assert "Bank details: ask Provider One." in text and "Sort code" not in text

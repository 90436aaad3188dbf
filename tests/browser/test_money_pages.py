"""The money pages as a provider manager and a commissioner officer use them: invoices (list, a draft,
an issued one, a credit note with a mistake in it), the pay run and income against cost. Each reads
in words (line kinds, money as £1,234.56, dates as people write them, no field names) and passes axe
at desktop and phone widths."""

from __future__ import annotations

import re
from datetime import date

import pytest

from reporting.money.services import invoice_compute_draft, invoice_issue
from tests.browser.conftest import log_in, screenshot, serious_violations
from tests.conftest import PASSWORD, make_user
from tests.reporting.money_factories import make_person, make_shift, make_visit, make_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP, PHONE = {"width": 1100, "height": 900}, {"width": 390, "height": 844}
FIELD_NAME = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\bTrue\b|\bFalse\b|\bNone\b")
PERIOD = date(2025, 8, 4)


@pytest.fixture
def invoices(contract, manager):
    """Lot 1: an hour of care on 5 August (£26.22), a late cancellation and a missed visit; issued.
    Lot 2: a draft. A care shift for the pay run."""
    contract.lots.update(billing_basis="planned", late_cancel_hours=24, late_cancel_share="1.0")
    worker = make_worker(contract.provider, ref="W1", name="Ada Carer")
    one, two = make_person(contract, lot=1), make_person(contract, lot=2)
    make_visit(one, "2025-08-05T09:00", attend=[(worker, "09:00", "10:00")], ref="V1")
    make_visit(one, "2025-08-06T09:00", status="cancelled_by_person", cancelled_at="2025-08-06T08:00", ref="V2")
    make_visit(one, "2025-08-07T09:00", status="missed", ref="V3")
    make_visit(two, "2025-08-05T11:00", attend=[(worker, "11:00", "12:00")], ref="V4")
    make_shift(worker, "2025-08-05T08:30", "2025-08-05T12:30")
    lot1, lot2 = contract.lots.get(number=1), contract.lots.get(number=2)
    issued = invoice_issue(invoice_id=invoice_compute_draft(lot_id=lot1.pk, period_start=PERIOD).pk, actor=manager)
    draft = invoice_compute_draft(lot_id=lot2.pk, period_start=PERIOD)
    return issued, draft


def check(page, name: str) -> str:
    text = page.locator("main").inner_text()
    assert FIELD_NAME.findall(text) == [], name
    screenshot(page, name)
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert serious_violations(page) == [], f"{name} at {size['width']} px"
    page.set_viewport_size(DESKTOP)
    return text


def test_a_provider_manager_reads_invoices_pay_and_cost_in_words(live_server, page, invoices, manager):
    issued, draft = invoices
    log_in(page, live_server, manager.email, PASSWORD)
    url = live_server.url

    page.goto(f"{url}/reporting/invoices/")
    text = check(page, "invoice-list")
    assert "Mon 4 Aug 2025 to Sun 31 Aug 2025" in text and "P1-000001" in text
    assert "£" + issued.data["total"] in text  # £52.44: an hour and a late cancellation at £26.22
    assert "Invoices cover Mon 4 Aug 2025 to Sun 31 Aug 2025" in text
    assert "The next one to invoice starts on Mon 1 Sep 2025" in text

    page.goto(f"{url}/reporting/invoices/{issued.pk}/")
    text = check(page, "invoice-issued")
    assert "Care hours" in text and "Late cancellation" in text and "£26.22" in text
    assert "Exempt (care services)" in text
    page.get_by_text("Visits not billed in full (1)").click()
    assert page.get_by_role("cell", name="Missed").is_visible()

    page.goto(f"{url}/reporting/invoices/{draft.pk}/")
    text = check(page, "invoice-draft")
    assert page.get_by_role("heading", level=1).inner_text() == "Draft invoice"
    assert text.count("Draft") == 1 and "Given when it is issued" in text

    page.goto(f"{url}/reporting/invoices/{issued.pk}/credit-note/")
    page.get_by_role("button", name="Issue credit note").click()
    assert "Say why" in page.locator("#reason-error").inner_text()  # beside the field it is about
    page.get_by_label("Amount to credit").fill("100")
    page.get_by_label("Reason").fill("visit V1 was cut short")
    page.get_by_role("button", name="Issue credit note").click()
    text = check(page, "credit-note-error")
    assert "There is a problem" in text
    assert "More than the £52.44 left on P1-000001" in page.locator(".nhsuk-error-message").inner_text()

    page.goto(f"{url}/reporting/pay/?period_start=2025-08-04")
    text = check(page, "pay-run")
    assert "Block pay: Mon 4 Aug 2025 to Sun 31 Aug 2025" in text and "W1 Ada Carer" in text
    assert "£48.00" in text  # 4 paid hours at £12.00

    page.goto(f"{url}/reporting/finance/?date=2025-08-20")
    text = check(page, "finance")
    assert "Mon 4 Aug 2025 to Sun 31 Aug 2025" in text and "£" in text


def test_a_commissioner_officer_reads_the_invoice_addressed_to_them(live_server, page, invoices, council):
    issued, _ = invoices
    officer = make_user(council, "commissioner_officer")
    log_in(page, live_server, officer.email, PASSWORD)
    page.goto(f"{live_server.url}/reporting/invoices/")
    text = check(page, "officer-invoice-list")
    assert "P1-000001" in text and "Draft" not in page.locator("tbody").inner_text()
    page.get_by_role("link", name="P1-000001").click()
    text = check(page, "officer-invoice")
    assert "City Council" in text and "Due" in text and "(30 days)" in text

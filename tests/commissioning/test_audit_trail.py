"""The audit trail: each change that matters is kept with who made it (a user, the API token's prefix
or the command) and when, and an organisation admin reads their own organisation's trail in words on
/commissioning/audit/ (another organisation's changes never appear there)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from commissioning.api.authentication import hash_key
from commissioning.models import ApiToken, Role
from outcomes.models import Credit
from reporting.money.services import invoice_compute_draft
from tests.commissioning.test_tokens import with_totp
from tests.conftest import make_user
from tests.interchange.test_bundle_api import bundle as base_bundle
from tests.reporting.money_factories import make_person, make_visit, make_worker
from tests.reporting.test_return_outputs import stored_return
from workforce.models import Worker

TRAIL = "/commissioning/audit/"


def trail_rows(client) -> list[str]:
    """The trail page's rows as text, one string per change."""
    import re

    html = client.get(TRAIL).content.decode()
    body = html.split('id="audit-trail"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr class="nhsuk-table__row">(.*?)</tr>', body, re.S)
    rows = [re.sub(r'<span class="nhsuk-table-responsive__heading"[^>]*>[^<]*</span>', "", r) for r in rows]
    text = [re.sub(r"<[^>]+>", " ", r) for r in rows]
    return [" ".join(t.replace("&gt;", ">").replace("&#x27;", "'").split()) for t in text]


def has_row(rows: list[str], *parts: str) -> bool:
    """Some row holds every part. (The tests run in one transaction, so every event has the same
    time and the order between tables is not the order of the changes.)"""
    return any(all(p in r for p in parts) for r in rows)


def write_token(org) -> str:
    key = f"audit-{org.ref}-key"
    ApiToken.objects.create(organisation=org, name="ecm", prefix=key[:12], key_hash=hash_key(key), scope="write")
    return key


def test_a_role_change_by_the_platform_admin_is_kept_with_who_and_what(admin_client, admin_user, provider, manager):
    coordinator = make_user(provider, Role.COORDINATOR, email="cora@p1.example")
    url = reverse("admin:commissioning_user_change", args=[coordinator.pk])
    form = {
        "email": coordinator.email,
        "name": "Cora",
        "organisation": provider.pk,
        "roles": "coordinator,provider_manager",
        "is_org_admin": "on",
        "is_active": "on",
        "is_superuser": "on",
    }
    assert admin_client.post(url, form).status_code == 302
    event = coordinator.events.order_by("-pgh_id").first()
    assert event.pgh_context.metadata["user"] == admin_user.pk
    assert (event.roles, event.is_org_admin, event.is_superuser) == (["coordinator", "provider_manager"], True, True)
    manager_client = admin_client.__class__()
    manager_client.force_login(manager)
    rows = trail_rows(manager_client)
    when = f"{timezone.localtime(event.pgh_created_at):%-d %b %Y %H:%M}"
    assert has_row(
        rows,
        f"{when} {admin_user.email} User cora@p1.example changed",
        "Roles: Coordinator → Coordinator, Provider manager",
        "Is org admin: no → yes",
        "Superuser status: no → yes",
    ), rows


def test_issuing_and_revoking_a_token_are_kept(client, manager):
    with_totp(client, manager)
    client.post(reverse("commissioning:token-issue"), {"name": "nightly", "scope": "write", "expires": "31/12/2030"})
    token = ApiToken.objects.get()
    client.post(reverse("commissioning:token-revoke", args=[token.pk]))
    labels = list(token.events.order_by("pgh_id").values_list("pgh_label", "revoked", "pgh_context__metadata__user"))
    assert [(label, revoked is not None, user) for label, revoked, user in labels] == [
        ("insert", False, manager.pk),
        ("update", True, manager.pk),
    ]
    rows = trail_rows(client)
    when = f"{timezone.localtime(token.revoked):%-d %b %Y %H:%M}"
    assert has_row(rows, f"{when} {manager.email} Api token nightly changed", f"Revoked: {when}"), rows
    assert has_row(rows, f"{manager.email} Api token nightly created", "Scope: Read and write", "Expires: 31 Dec 2030")


def test_finance_sharing_and_the_on_cost_factor_are_kept(client, admin_client, admin_user, manager, provider):
    client.force_login(manager)
    client.post(reverse("reporting:finance_share"), {"share": "yes"})
    url = reverse("admin:commissioning_organisation_change", args=[provider.pk])
    admin_client.post(
        url,
        {
            "kind": "provider",
            "ref": "P1",
            "name": "Provider One",
            "on_cost_factor": "1.300",
            "shares_finance_with_commissioners": "on",
        },
    )
    provider.refresh_from_db()
    assert provider.on_cost_factor == Decimal("1.300")
    rows = trail_rows(client)
    assert has_row(rows, f"{admin_user.email} Organisation P1 changed On cost factor: 1.25 → 1.3"), rows
    assert has_row(rows, f"{manager.email} Organisation P1 changed Shares finance with commissioners: no → yes"), rows


def test_api_writes_are_kept_with_the_tokens_prefix(client, provider, contract, manager):
    """A bundle re-import through the API changes a visit's status, a worker's pay and adds a credit."""
    worker = make_worker(provider, ref="W1", pay_rate="12.50", contract_type="salaried")
    visit = make_visit(make_person(contract, ref="Q1"), "2025-09-08T09:00", status="scheduled", ref="V1")
    key = write_token(provider)
    bundle = base_bundle()
    bundle["workers"][0]["pay_rate"] = "12.60"
    bundle["visits"] = [
        {
            "ref": "V1",
            "person": "Q1",
            "planned_start": "2025-09-08T09:00",
            "planned_end": "2025-09-08T10:00",
            "status": "missed",
        }
    ]
    bundle["credits"] = [{"ref": "CR1", "provider": "P1", "contract": "C-P1", "lot": 1, "date": "2025-09-08",
                          "amount": "15.50", "reason": "Missed visit"}]  # fmt: skip
    response = client.post(
        "/api/v1/bundles/import", bundle, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert response.status_code == 200, response.json()
    prefix = key[:12]
    visit_event = visit.events.get(pgh_label="status")
    assert (visit_event.status, visit_event.pgh_context.metadata["token"]) == ("missed", prefix)
    assert worker.events.get(pgh_label="pay").pay_rate == Decimal("12.60")
    assert Credit.objects.get(ref="CR1").events.get().pgh_context.metadata["token"] == prefix
    client.force_login(manager)
    rows = trail_rows(client)
    who = f"API token {prefix}…"
    assert has_row(rows, f"{who} Visit V1 status changed Status: Scheduled → Missed"), rows
    assert has_row(rows, f"{who} Worker W1 pay changed Pay rate: 12.5 → 12.6"), rows
    assert has_row(rows, f"{who} Credit CR1 created", "Amount: 15.5", "Reason: Missed visit"), rows


def test_a_sign_off_an_issue_and_a_credit_note_are_kept(client, contract, manager):
    client.force_login(manager)
    draft = stored_return(contract, week_start=date(2025, 9, 8))
    client.post(reverse("reporting:return_sign_off", args=[draft.pk]))
    worker = make_worker(contract.provider)
    make_visit(make_person(contract), "2025-08-05T09:00", attend=[(worker, "09:00", "10:00")])
    invoice = invoice_compute_draft(lot_id=contract.lots.get(number=1).pk, period_start=date(2025, 8, 4))
    client.post(reverse("reporting:invoice_issue", args=[invoice.pk]))
    client.post(reverse("reporting:invoice_credit_note", args=[invoice.pk]), {"amount": "1.00", "reason": "Late visit"})
    assert draft.events.get().pgh_label == "signed_off"
    labels = sorted(e.pgh_label for e in invoice.events.all())
    assert labels == ["issued"]
    rows = trail_rows(client)
    assert has_row(rows, f"{manager.email} Invoice P1-000002 issued (credit note)", "Total: -1"), rows
    assert has_row(
        rows, f"{manager.email} Invoice P1-000001 issued", "Status: Issued", "Issued by: provider_manager@p1.example"
    ), rows
    assert has_row(rows, f"{manager.email} Weekly return 2025-W37 version 1 signed off", "Status: Submitted"), rows


def test_commands_are_named_as_who(provider, manager, client):
    call_command(
        "issue_token", "--organisation=P1", "--name=from the server", stdout=io.StringIO(), stderr=io.StringIO()
    )
    client.force_login(manager)
    assert has_row(trail_rows(client), "command issue_token Api token from the server created")


def test_only_an_org_admin_reads_the_trail_and_only_their_own(
    client, provider, other_provider, manager, coordinator, officer
):
    other_admin = make_user(other_provider, Role.PROVIDER_MANAGER, email="boss@p2.example", is_org_admin=True)
    client.force_login(other_admin)
    client.post(reverse("reporting:finance_share"), {"share": "yes"})
    assert other_provider.events.filter(pgh_label="update").exists()
    client.force_login(coordinator)
    assert client.get(TRAIL).status_code == 403
    client.force_login(manager)
    text = " ".join(trail_rows(client))
    assert "Organisation P1 created" in text
    assert "P2" not in text and "boss@p2.example" not in text
    client.force_login(officer)
    text = " ".join(trail_rows(client))  # the council's own row and users only
    assert "Organisation LCC created" in text and officer.email in text
    assert manager.email not in text and "Organisation P1" not in text


def test_the_trail_is_paginated(client, provider, manager):
    for n in range(55):
        make_worker(provider, ref=f"W{n}")
    Worker.objects.update(pay_rate=Decimal("13.00"))
    client.force_login(manager)
    first = client.get(TRAIL)
    # 55 pay changes, the manager's account and the provider's own row.
    assert first.context["page_obj"].paginator.count == 57
    assert len(first.context["entries"]) == 50
    assert b"Page 2 of 2" in first.content
    assert len(client.get(TRAIL + "?page=2").context["entries"]) == 7

"""The application's database role (the suite runs as it, like the web server and the worker: see
tests/conftest.py) cannot switch off the rules that freeze a submitted return, an issued invoice and
the invoice's detail rows: not by raw SQL, not by the admin, not by importing the provider's bundle
again with changed visits, not by an ECM correction. The data behind them may change; they do not.

Scenario: contract C-P1, lot 1 billed on actual time (26.22/h). Visit V1 on Tuesday 9 September 2025,
09:00-10:00, attended by W1 09:00-10:00 (ECM id E1). Week 2025-W37 (8-14 September) is signed off;
the four-weekly period from 1 September is issued: 1 hour, 26.22."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, connections, transaction

from commissioning.models import Organisation, User
from interchange.exporter import export_bundle
from interchange.importer import import_bundle
from reporting.models.money import Invoice, InvoiceDetail
from reporting.models.returns import WeeklyReturn
from reporting.money.services import invoice_compute_draft, invoice_issue
from reporting.returns.services import weekly_return_compute, weekly_return_submit
from rota.models import Attendance
from tests.reporting.money_factories import make_person, make_visit, make_worker
from tests.rota.test_ecm import token_client

WEEK = date(2025, 9, 8)
PERIOD = date(2025, 9, 1)
FROZEN_TABLES = ("reporting_weeklyreturn", "reporting_invoice", "reporting_invoicedetail")

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen(contract, manager):
    lot = contract.lots.get(number=1)
    lot.billing_basis = "actual"
    lot.save()
    worker = make_worker(contract.provider, ref="W1")
    visit = make_visit(
        make_person(contract, ref="Q1"), "2025-09-09T09:00", attend=[(worker, "09:00", "10:00")], ref="V1"
    )
    Attendance.objects.filter(visit=visit).update(external_id="E1")
    draft = weekly_return_compute(contract_id=contract.pk, week_start=WEEK)
    weekly_return = weekly_return_submit(weekly_return_id=draft.pk, actor=manager)
    invoice = invoice_issue(invoice_id=invoice_compute_draft(lot_id=lot.pk, period_start=PERIOD).pk, actor=manager)
    assert invoice.total == Decimal("26.22")
    return {"return": weekly_return.pk, "invoice": invoice.pk, "lot": lot.pk}


def _state(frozen) -> tuple:
    """Everything that must never change, as stored."""
    wr = WeeklyReturn.objects.get(pk=frozen["return"])
    invoice = Invoice.objects.get(pk=frozen["invoice"])
    details = list(
        InvoiceDetail.objects.filter(invoice=invoice).order_by("pk").values_list("pk", "line_kind", "minutes", "amount")
    )
    return (wr.status, wr.version, wr.figures), (invoice.status, invoice.number, invoice.total, invoice.data), details


def _refused(sql: str, params=None) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_application_connects_as_a_role_that_owns_nothing_and_is_not_a_superuser():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication "
            "FROM pg_roles WHERE rolname = current_user"
        )
        assert cursor.fetchone() == ("homecare_app", False, False, False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) "
            "AND relpersistence <> 't'"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
        assert cursor.fetchone()[0] is False
    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
        connection.cursor().execute("SET LOCAL session_replication_role = replica")


def test_raw_sql_as_the_application_cannot_switch_the_rules_off(frozen):
    before = _state(frozen)
    invoice, wr = frozen["invoice"], frozen["return"]
    # Replica mode would skip every trigger; only the owner may disable one; TRUNCATE fires none.
    _refused("SET LOCAL session_replication_role = replica")
    _refused("ALTER TABLE reporting_invoice DISABLE TRIGGER USER")
    _refused("ALTER TABLE reporting_weeklyreturn DISABLE TRIGGER ALL")
    _refused("TRUNCATE reporting_invoicedetail")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'reporting_invoice'::regclass AND NOT tgisinternal"
        )
        for (name,) in cursor.fetchall():
            _refused(f'DROP TRIGGER "{name}" ON reporting_invoice')
    _refused("UPDATE reporting_invoice SET total = 0 WHERE id = %s", [invoice])
    _refused("UPDATE reporting_invoicedetail SET amount = 0 WHERE invoice_id = %s", [invoice])
    _refused("DELETE FROM reporting_weeklyreturn WHERE id = %s", [wr])
    # django-pgtrigger skips a trigger whose name is in the setting pgtrigger.ignore, which any role
    # may set: on these tables that setting is refused.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT '{' || string_agg(tgname, ',') || '}' FROM pg_trigger WHERE tgname LIKE 'pgtrigger_%%' "
            "AND tgrelid = ANY(%s::regclass[])",
            [list(FROZEN_TABLES)],
        )
        names = cursor.fetchone()[0]
    assert "pgtrigger_submitted_return_is_immutable" in names and "issued_invoice_detail_no_update" in names
    for statement, params in (
        ("UPDATE reporting_invoice SET total = 0 WHERE id = %s", [invoice]),
        ("DELETE FROM reporting_invoicedetail WHERE invoice_id = %s", [invoice]),
        ("UPDATE reporting_weeklyreturn SET status = 'draft' WHERE id = %s", [wr]),
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", [names])
            cursor.execute(statement, params)
    assert _state(frozen) == before


def test_the_admin_cannot_change_an_issued_invoices_detail_row(frozen, client):
    before = _state(frozen)
    detail = InvoiceDetail.objects.filter(invoice_id=frozen["invoice"]).first()
    client.force_login(User.objects.create_superuser(email="root@platform.example", password="x" * 12))
    url = f"/admin/reporting/invoicedetail/{detail.pk}/"
    with pytest.raises(DatabaseError):
        client.post(f"{url}delete/", {"post": "yes"})
    assert _state(frozen) == before


def test_importing_the_providers_bundle_again_with_changed_visits_leaves_them_as_they_were(frozen):
    before = _state(frozen)
    provider = Organisation.objects.get(ref="P1")
    bundle = json.loads("".join(export_bundle(provider_id=provider.pk)))
    (attendance,) = next(v for v in bundle["visits"] if v["ref"] == "V1")["attendances"]
    assert attendance["check_out"] == "2025-09-09T10:00"
    attendance["check_out"] = "2025-09-09T10:30"
    changed = json.dumps(bundle)
    counts = import_bundle(io.BytesIO(changed.encode()))
    assert counts["attendances"]["updated"] == 1
    assert Attendance.objects.get(external_id="E1").check_out.minute == 30  # the visit did change
    assert _state(frozen) == before


def test_an_ecm_correction_leaves_them_as_they_were(frozen, provider):
    before = _state(frozen)
    record = {"external_id": "E1", "visit": "V1", "worker": "W1", "check_in": "2025-09-09T09:00",
              "check_out": "2025-09-09T10:30", "method": "manual", "exception_code": None}  # fmt: skip
    response = token_client(provider).post("/api/v1/ecm/attendances", {"attendances": [record]}, format="json")
    assert response.status_code == 200, response.json()
    assert Attendance.objects.get(external_id="E1").check_out.minute == 30
    assert _state(frozen) == before


@pytest.mark.django_db(databases=["default", "maintenance"])
def test_the_maintenance_role_alone_may_switch_them_off():
    """What the application's role may not do, the owner (migrations, the command line) can: the
    refusals above come from the role, not from a table nobody may touch."""
    with connections["maintenance"].cursor() as cursor:
        cursor.execute(
            "SELECT current_user <> 'homecare_app', has_parameter_privilege('session_replication_role', 'SET')"
        )
        assert cursor.fetchone() == (True, True)

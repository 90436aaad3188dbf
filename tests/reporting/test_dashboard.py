"""The commissioners' dashboard: RAG bands worked out by hand, return statuses against the due day,
who sees which rows (commissioners: their lots, submitted returns; providers: their own, drafts
included), the page, its CSV/XLSX exports and the API with the same numbers, and a query count that
does not grow with the number of providers."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from commissioning.models import Contract, Organisation, Role
from commissioning.services import api_token_issue
from homecare.lib.dates import LONDON
from reporting.dashboard import rules, selectors
from tests.conftest import PASSWORD, make_contract, make_user
from tests.reporting.dashboard_builders import figures, stored

pytestmark = pytest.mark.django_db

W47 = date(2026, 11, 16)
W46 = date(2026, 11, 9)
AFTER_DUE = datetime(2026, 12, 1, 12, 0, tzinfo=LONDON)


# RAG bands: green met, amber at most 5 points short, red further, grey no data (exact ratios).
@pytest.mark.parametrize(
    ("num", "den", "target", "expected"),
    [
        (98, 100, "98.0", "green"),  # exactly the target
        (100, 100, "98.0", "green"),
        (9795, 10000, "98.0", "amber"),  # prints as 98.0% but is 0.05 short: not met
        (93, 100, "98.0", "amber"),  # exactly 5 points short
        (929, 1000, "98.0", "red"),  # 5.1 short
        (0, 10, "98.0", "red"),
        (0, 0, "98.0", "grey"),
        (None, None, "98.0", "grey"),
        (3, 4, "75.0", "green"),
        (7, 10, "75.0", "amber"),
        (69, 100, "75.0", "red"),
    ],
)
def test_rag_bands(num, den, target, expected):
    assert rules.rag(num, den, target) == expected


def test_a_return_is_on_time_up_to_the_end_of_the_wednesday_after_the_week_and_late_after():
    # Week 47 ends Sunday 22 November; due by the end of Wednesday 25 November (London).
    end = rules.due_end(W47, 3)
    assert end == datetime(2026, 11, 26, 0, 0, tzinfo=LONDON)
    wed_late = datetime(2026, 11, 25, 23, 59, 59, tzinfo=LONDON)
    thu = datetime(2026, 11, 26, 0, 0, tzinfo=LONDON)
    assert rules.return_status(wed_late, week_start=W47, return_due_days=3, now=AFTER_DUE) == "on_time"
    assert rules.return_status(thu, week_start=W47, return_due_days=3, now=AFTER_DUE) == "late"
    assert rules.return_status(None, week_start=W47, return_due_days=3, now=thu) == "missing"
    assert rules.return_status(None, week_start=W47, return_due_days=3, now=wed_late) == "not_due"
    # A contract that wants it by the Monday after the week: Tuesday morning is late.
    assert (
        rules.return_status(
            datetime(2026, 11, 24, 9, 0, tzinfo=LONDON), week_start=W47, return_due_days=1, now=AFTER_DUE
        )
        == "late"
    )


@pytest.fixture
def p1_returns(contract):
    """P1's week 47, submitted Thursday (late): lot 1 KPI 7 = 360 of 378 (95.2%, amber), lot 2 = 40 of 50
    (80.0%, red); week 46 submitted on time with lot 1 KPI 7 = 98 of 100."""
    stored(contract, W46, figures({1: {7: (98, 100)}, 2: {7: (10, 10)}}))
    return stored(
        contract,
        W47,
        figures(
            {1: {7: (360, 378), 1: (1, 1), 5: (19, 24)}, 2: {7: (40, 50)}},
            measures={
                "5": {
                    "people_supported": 30,
                    "by_lot": {"lot1": {"people_supported": 24}, "lot2": {"people_supported": 6}},
                },
                "10": {
                    "care_plan_hours": "260.17",
                    "by_lot": {"lot1": {"care_plan_hours": "230.00"}, "lot2": {"care_plan_hours": "30.17"}},
                },
                "6": {
                    "hours_outside_home": "9.50",
                    "delivered_hours": "250.25",
                    "by_lot": {"lot1": {"delivered_hours": "221.00"}, "lot2": {"delivered_hours": "29.25"}},
                },
                "14": {"travel_minutes_per_care_hour": "8.7"},
                "16": {"sickness_percent": "0.4"},
                "17": {"rolling_12_month_percent": "3.7"},
            },
        ),
        submitted_at=datetime(2026, 11, 26, 9, 30, tzinfo=LONDON),
    )


def test_a_commissioner_sees_its_own_lots_with_the_submitted_figures(officer, contract, other_contract, p1_returns):
    rows = selectors.dashboard_rows(actor=officer, week_start=W47, now=AFTER_DUE)
    # The council commissions lot 1 of both contracts (lot 2 is the trust's).
    assert [(r.provider.ref, r.contract.ref, r.lot.number) for r in rows] == [("P1", "C-P1", 1), ("P2", "C-P2", 1)]
    p1, p2 = rows
    k7 = p1.kpis[7]
    assert (k7.numerator, k7.denominator, k7.percent, k7.target, k7.rag) == (360, 378, "95.2", "98.0", "amber")
    assert p1.kpis[1].rag == "green" and p1.kpis[5].rag == "red" and p1.kpis[2].rag == "grey"
    assert p1.return_status == "late" and p1.return_id == p1_returns.pk
    assert k7.trend[-2:] == ["98.0", "95.2"] and k7.trend[0] is None  # 12 weeks, oldest first
    assert p1.measures == {
        "people_supported": 24,
        "care_plan_hours": "230.00",
        "delivered_hours": "221.00",
        "travel_minutes_per_care_hour": "8.7",
        "sickness_percent": "0.4",
        "rolling_12_month_turnover": "3.7",
    }
    # P2 submitted nothing: missing, every KPI grey, the contract's default targets shown.
    assert p2.return_status == "missing" and {k.rag for k in p2.kpis.values()} == {"grey"}
    assert p2.kpis[7].target == "98.0"


def test_the_trust_sees_lot_2_only(trust, contract, p1_returns):
    officer = make_user(trust, Role.COMMISSIONER_OFFICER)
    rows = selectors.dashboard_rows(actor=officer, week_start=W47, now=AFTER_DUE)
    assert [(r.contract.ref, r.lot.number) for r in rows] == [("C-P1", 2)]
    assert (rows[0].kpis[7].numerator, rows[0].kpis[7].denominator, rows[0].kpis[7].rag) == (40, 50, "red")


def test_commissioners_never_see_a_draft_but_the_provider_does(officer, manager, contract):
    stored(contract, W47, figures({1: {7: (10, 10)}}), status="draft")
    council_row = selectors.dashboard_rows(actor=officer, week_start=W47, now=AFTER_DUE)[0]
    assert (
        council_row.return_status == "missing" and council_row.return_id is None and council_row.kpis[7].rag == "grey"
    )
    own = selectors.dashboard_rows(actor=manager, week_start=W47, now=AFTER_DUE)
    assert [(r.lot.number, r.state, r.return_status) for r in own] == [(1, "draft", "missing"), (2, "draft", "missing")]
    assert own[0].kpis[7].rag == "green"


def test_a_second_version_keeps_the_first_submission_time(officer, contract):
    stored(contract, W47, figures({1: {7: (9, 10)}}), submitted_at=datetime(2026, 11, 24, 9, 0, tzinfo=LONDON))
    stored(
        contract, W47, figures({1: {7: (10, 10)}}), version=2, submitted_at=datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)
    )
    row = selectors.dashboard_rows(actor=officer, week_start=W47, now=AFTER_DUE)[0]
    assert (row.version, row.return_status, row.kpis[7].rag) == (2, "on_time", "green")


def test_a_provider_never_sees_another_providers_row_and_an_outsider_sees_none(
    other_provider_user, outsider_officer, contract, other_contract, p1_returns
):
    rows = selectors.dashboard_rows(actor=other_provider_user, week_start=W47, now=AFTER_DUE)
    assert {r.provider.ref for r in rows} == {"P2"}
    assert selectors.dashboard_rows(actor=outsider_officer, week_start=W47) == []


def test_contracts_not_running_in_the_week_have_no_row(officer, contract, other_contract):
    Contract.objects.filter(pk=other_contract.pk).update(end=date(2026, 11, 15))
    assert [r.contract.ref for r in selectors.dashboard_rows(actor=officer, week_start=W47)] == ["C-P1"]


def test_the_page_shows_the_rag_words_and_links_each_cell_to_the_records(client, officer, contract, p1_returns):
    client.login(email=officer.email, password=PASSWORD)
    page = client.get("/reporting/dashboard/?week=2026-W47")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-kpi="7" data-rag="amber"' in html and "Within 5 points" in html and "360 of 378" in html
    assert f"/reporting/returns/{p1_returns.pk}/records/kpis.7/" in html
    assert f"/reporting/returns/{p1_returns.pk}/records/measures.5/" in html
    assert f'/reporting/returns/{p1_returns.pk}/"' in html  # the status cell opens the return
    assert 'data-return-status="late"' in html and "Submitted late" in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert ' style="' not in html and "<style" not in html


def test_a_bad_week_is_explained_beside_the_field(client, officer, contract):
    client.login(email=officer.email, password=PASSWORD)
    page = client.get("/reporting/dashboard/?week=2026-W99")
    assert page.status_code == 400
    assert 'id="week-error"' in page.content.decode() and "Enter a week like 2026-W47." in page.content.decode()


def test_csv_and_xlsx_hold_the_same_numbers_as_the_api(client, officer, contract, other_contract, p1_returns):
    client.login(email=officer.email, password=PASSWORD)
    text = client.get("/reporting/dashboard/?week=2026-W47&format=csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["provider"], r["lot"]) for r in rows] == [("P1", "1"), ("P2", "1")]
    p1 = rows[0]
    assert (p1["kpi7_numerator"], p1["kpi7_denominator"], p1["kpi7_percent"], p1["kpi7_target"], p1["kpi7_rag"]) == (
        "360",
        "378",
        "95.2",
        "98.0",
        "amber",
    )
    assert p1["return_status"] == "late" and p1["people_supported"] == "24" and p1["care_plan_hours"] == "230.00"
    response = client.get("/reporting/dashboard/?week=2026-W47&format=xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="dashboard-2026-W47.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    table = list(sheet.iter_rows(values_only=True))
    head = list(table[0])
    x1 = dict(zip(head, table[1], strict=True))
    assert (x1["kpi7_numerator"], x1["kpi7_denominator"], x1["kpi7_rag"]) == (360, 378, "amber")
    assert Decimal(str(x1["kpi7_percent"])) == Decimal("95.2") and x1["return_status"] == "late"
    _, key = api_token_issue(actor=officer, name="bi")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    doc = api.get("/api/v1/dashboard/?week=2026-W47").json()
    assert doc["week"] == "2026-W47"
    first = doc["rows"][0]
    assert (first["provider"], first["contract"], first["lot"], first["return_status"]) == ("P1", "C-P1", 1, "late")
    assert first["kpis"]["7"] == {
        "numerator": 360,
        "denominator": 378,
        "percent": "95.2",
        "target": "98.0",
        "rag": "amber",
    }
    assert api.get("/api/v1/dashboard/?week=next-week").json() == {
        "errors": [{"path": "week", "message": "Enter a week like 2026-W47."}]
    }


def _providers(prefix: str, n: int, council, trust, neighbourhood):
    for i in range(n):
        p = Organisation.objects.create(kind="provider", ref=f"{prefix}{i}", name=f"Provider {prefix}{i}")
        c = make_contract(p, neighbourhood, council, trust, ref=f"C-{prefix}{i}")
        for w in (W46, W47):
            stored(c, w, figures({1: {7: (9, 10)}, 2: {7: (10, 10)}}))


def test_the_query_count_does_not_grow_with_the_number_of_providers(client, officer, council, trust, neighbourhood):
    client.login(email=officer.email, password=PASSWORD)
    _providers("Q", 2, council, trust, neighbourhood)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/reporting/dashboard/?week=2026-W47").status_code == 200
    _providers("R", 6, council, trust, neighbourhood)
    with CaptureQueriesContext(connection) as large:
        page = client.get("/reporting/dashboard/?week=2026-W47")
    assert page.content.decode().count('data-kpi="7"') == 8
    assert len(large) == len(small)

"""Trends: a KPI or measure per provider over weeks with the target line, the capacity chart with each
contract's guaranteed volume, charts drawn as SVG with a table of the same numbers, bad filters
explained beside their fields, and the same query count for 2 or 8 providers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissioning.models import Lot, Organisation
from reporting.dashboard import trends
from tests.conftest import PASSWORD, make_contract
from tests.reporting.dashboard_builders import figures, stored

pytestmark = pytest.mark.django_db
W45, W46, W47 = date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)


def m10(total: str, lot1: str, lot2: str) -> dict:
    return {
        "10": {
            "care_plan_hours": total,
            "by_lot": {"lot1": {"care_plan_hours": lot1}, "lot2": {"care_plan_hours": lot2}},
        }
    }


@pytest.fixture
def weeks(contract, other_contract):
    stored(contract, W45, figures({1: {7: (97, 100)}, 2: {7: (5, 5)}}, measures=m10("100.00", "80.00", "20.00")))
    stored(contract, W47, figures({1: {7: (99, 100)}, 2: {7: (5, 5)}}, measures=m10("110.00", "86.00", "24.00")))
    stored(other_contract, W46, figures({1: {7: (90, 100)}}, measures=m10("300.00", "300.00", "0.00")))
    Lot.objects.filter(contract__in=[contract, other_contract], number=1).update(guaranteed_share=Decimal("0.80"))


def test_a_kpi_per_provider_with_the_target_for_the_lots_the_council_commissions(officer, weeks):
    t = trends.trend(actor=officer, figure=trends.FIGURES["kpi:7"], first=W45, last=W47)
    assert t.week_labels == ["2026-W45", "2026-W46", "2026-W47"]
    assert [(s.provider, s.values) for s in t.series] == [
        ("P1", ["97.0", None, "99.0"]),  # lot 1 only: the council does not commission lot 2
        ("P2", [None, "90.0", None]),
    ]
    assert t.common_targets == ["98.0", "98.0", "98.0"]


def test_the_capacity_chart_has_each_contracts_guaranteed_volume(client, officer, weeks):
    t = trends.trend(actor=officer, figure=trends.FIGURES["measure:10"], first=W45, last=W47)
    p1 = t.series[0]
    # Lot 1: 90 expected hours a week x 0.80 guaranteed = 72 hours a week.
    assert (p1.values, p1.guaranteed, p1.expected) == (["80.00", None, "86.00"], "72.00", "90.00")
    client.login(email=officer.email, password=PASSWORD)
    html = client.get("/reporting/trends/?figure=measure:10&from=2026-W45&to=2026-W47").content.decode()
    assert html.count('data-testid="capacity-chart"') == 2 and "Guaranteed 72" in html
    assert "72.00 hours a week (of 90.00 expected)" in html


def test_the_page_draws_svg_with_a_table_and_no_inline_style(client, manager, weeks):
    client.login(email=manager.email, password=PASSWORD)
    response = client.get("/reporting/trends/?figure=kpi:7&from=2026-W45&to=2026-W47")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<svg class="homecare-chart"' in html and 'role="img"' in html and "Target 98" in html
    # The provider sees its contract whole: both lots, 102 of 105 (97.1) and 104 of 105 (99.0).
    assert 'data-testid="trend-table"' in html and ">97.1</a>" in html and ">99.0</a>" in html
    assert " style=" not in html and "<style" not in html and "<script>" not in html


def test_bad_filters_are_named_beside_their_fields(client, officer, weeks):
    client.login(email=officer.email, password=PASSWORD)
    response = client.get("/reporting/trends/?figure=kpi:9&from=2026-W47&to=2026-W45&lot=3&provider=ZZ")
    html = response.content.decode()
    assert response.status_code == 400
    for field in ("figure", "from", "lot", "provider"):
        assert f'id="{field}-error"' in html, field
    assert "The first week must not be after the last." in html


def test_the_query_count_does_not_grow_with_providers_or_weeks(client, officer, council, trust, neighbourhood):
    client.login(email=officer.email, password=PASSWORD)

    def add(prefix, n, weeks):
        for i in range(n):
            p = Organisation.objects.create(kind="provider", ref=f"{prefix}{i}", name=f"Provider {prefix}{i}")
            c = make_contract(p, neighbourhood, council, trust, ref=f"C-{prefix}{i}")
            for k in range(weeks):
                stored(c, W47 - timedelta(weeks=k), figures({1: {7: (9, 10)}}))

    add("A", 2, 2)
    with CaptureQueriesContext(connection) as small:
        client.get("/reporting/trends/?figure=kpi:7&to=2026-W47")
    add("B", 6, 8)
    with CaptureQueriesContext(connection) as large:
        client.get("/reporting/trends/?figure=kpi:7&to=2026-W47")
    assert len(large) == len(small)

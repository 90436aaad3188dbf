"""The number of SQL queries for a return does not depend on the data's size, and the records
behind each figure are there for the manager to check."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homecare.lib.dates import parse_iso_week
from outcomes.models import Event
from reporting.returns.compute import compute_return_figures, figure_records
from reporting.returns.figures.records import available
from tests.reporting.records_relations import records_mismatches
from tests.reporting.return_builders import Scenario, t

pytestmark = pytest.mark.django_db


def grow(s: Scenario, people: int) -> None:
    """People with packages, a referral, a week of delivered visits in shifts, and absences."""
    worker = s.worker()
    for i in range(people):
        p = s.person(lat=53.8 + i / 1000, lon=-1.55)
        pk = s.package(p, hours="7.00")
        s.change(pk, "2025-09-10", "8.00")
        s.review(pk, due="2025-09-01")
        s.referral(p, "2025-09-08 09:00", agreed="2025-09-08 12:00")
        s.assessment(p, "2025-08-01")
        s.stay(p, "2025-09-12 10:00", "2025-09-13 10:00")
    s.absence(worker, "2025-09-01", "2025-09-03")
    for day in range(8, 15):
        s.shift(worker, f"2025-09-{day:02d} 06:00", f"2025-09-{day:02d} 22:00")
        for i, p in enumerate(p for p in s.contract.people.all()):
            start = t(f"2025-09-{day:02d} 07:00") + timedelta(minutes=20 * i)
            s.visit(p, start.strftime("%Y-%m-%d %H:%M"), 15, attend=[(worker, start, start + timedelta(minutes=15))])


def count_queries(contract) -> int:
    with CaptureQueriesContext(connection) as ctx:
        compute_return_figures(contract_id=contract.pk, week_start=parse_iso_week("2025-W37"))
    return len(ctx.captured_queries)


def test_a_return_takes_the_same_handful_of_queries_for_small_and_larger_data(contract, other_contract):
    small, large = Scenario(contract), Scenario(other_contract)
    grow(small, 1)
    grow(large, 12)  # 12 people, 84 visits, 12 referrals ...
    n_small, n_large = count_queries(contract), count_queries(other_contract)
    assert n_small == n_large
    assert n_small <= 6  # the contract, then one statement per group of figures


def test_the_records_behind_every_kpi_and_measure(contract):
    s = Scenario(contract)
    grow(s, 2)
    week = parse_iso_week("2025-W37")
    wanted = {f"kpi:{n}" for n in range(1, 8)} | {f"measure:{n}" for n in range(1, 30)}
    assert wanted == available()
    for figure in sorted(wanted):  # every one runs
        assert isinstance(
            figure_records(contract_id=contract.pk, week_start=parse_iso_week("2025-W37"), figure=figure), list
        )
    figures = compute_return_figures(contract_id=contract.pk, week_start=week)
    visits = figure_records(contract_id=contract.pk, week_start=week, figure="kpi:7")
    # Every visit behind KPI 7 is listed, and the delivered ones are its numerator.
    assert len(visits) == figures["kpis"]["7"]["denominator"] == 14
    assert sum(r["met"] for r in visits if r["counted"]) == figures["kpis"]["7"]["numerator"]
    changes = figure_records(contract_id=contract.pk, week_start=week, figure="measure:3")
    assert [(r["event"], r["by"], str(r["net_hours"])) for r in changes] == [("change", "provider", "1.00")] * 2
    with CaptureQueriesContext(connection) as ctx:
        figure_records(contract_id=contract.pk, week_start=week, figure="measure:9")
    assert len(ctx.captured_queries) == 2
    with pytest.raises(KeyError):
        figure_records(contract_id=contract.pk, week_start=week, figure="measure:99")


def test_the_records_behind_the_event_measures_add_up_to_them(contract):
    """The worked example has no community development, pressure relieved or service gap events:
    two of each kind in the 13 weeks ending 2025-W37 (from Monday 16 June 2025), one the day before."""
    kinds = {
        "13": "case_study",
        "22": "complaint",
        "23": "incident",
        "25": "community_development",
        "27": "hospital_admission_avoided",
        "28": "pressure_relieved",
        "29": "service_gap",
    }
    for kind in kinds.values():
        for n, day in enumerate(("2025-06-15", "2025-06-16", "2025-09-14")):
            Event.objects.create(
                provider=contract.provider, ref=f"EV-{kind}-{n}", date=day, kind=kind, title=f"{kind} {n}"
            )
    week = parse_iso_week("2025-W37")
    figures = compute_return_figures(contract_id=contract.pk, week_start=week)
    for number, kind in kinds.items():
        rows = figure_records(contract_id=contract.pk, week_start=week, figure=f"measure:{number}")
        assert [r["event"] for r in rows] == [f"EV-{kind}-1", f"EV-{kind}-2"]
        assert records_mismatches(f"measure:{number}", rows, figures, week) == []

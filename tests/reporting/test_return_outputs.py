"""The return's outputs: the JSON shape, the flat CSV, the HTML page and the PDF (rendered for real)."""

from __future__ import annotations

import copy
import csv
import importlib.util
import io
import json
import subprocess
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from reporting.models.returns import WeeklyReturn
from reporting.returns import outputs
from reporting.returns.services import weekly_return_render_pdf
from tests.conftest import PASSWORD
from tests.examples import EXAMPLES

WEEK = date(2025, 9, 8)  # 2025-W37

# Figures as the compute stores them (the spec's shape without version/status), small and readable.
FIGURES = {
    "provider": "P1",
    "contract": "C-P1",
    "week": "2025-W37",
    "kpis": {
        "1": {"numerator": 19, "denominator": 20, "percent": "95.0", "target": "95.0", "met": True},
        "5": {"numerator": 19, "denominator": 24, "percent": "79.2", "target": "95.0", "met": False},
        "7": {"numerator": 0, "denominator": 0, "percent": None, "target": "98.0", "met": None},
    },
    "measures": {
        "1": {
            "due": True,
            "lot1": {"packages_started": 3, "packages_ended": 1},
            "lot2": {"packages_started": 0, "packages_ended": 0},
        },
        "5": {"due": True, "people_supported": 208},
        "9": {
            "due": True,
            "cases": [{"referral": "R017", "days": "2.3"}, {"referral": "R018", "days": "1.0"}],
            "median_days": "1.7",
            "mean_days": "1.7",
        },
        "16": {"due": False, "sickness_days": None, "sickness_percent": None},
    },
}


def stored_return(contract, *, week_start=WEEK, status="draft", version=1, figures=None, **extra) -> WeeklyReturn:
    """A return row as the service would have stored it (for tests of outputs, API and immutability)."""
    from homecare.lib.dates import iso_week

    figures = copy.deepcopy(figures or FIGURES)
    figures.update(provider=contract.provider.ref, contract=contract.ref, week=iso_week(week_start))
    return WeeklyReturn.objects.create(
        provider=contract.provider,
        contract=contract,
        week=iso_week(week_start),
        week_start=week_start,
        version=version,
        status=status,
        figures=figures,
        **extra,
    )


def test_json_is_the_spec_shape_with_version_and_status(contract):
    wr = stored_return(contract, version=2, status="submitted")
    data = outputs.return_json(wr)
    assert list(data)[:5] == ["provider", "contract", "week", "version", "status"]
    assert data["provider"] == "P1" and data["contract"] == "C-P1" and data["week"] == "2025-W37"
    assert data["version"] == 2 and data["status"] == "submitted"
    assert data["kpis"]["7"] == {"numerator": 0, "denominator": 0, "percent": None, "target": "98.0", "met": None}
    assert data["measures"]["1"]["lot1"] == {"packages_started": 3, "packages_ended": 1}


def test_csv_has_one_row_per_figure_with_the_lot_in_its_own_column(contract):
    wr = stored_return(contract)
    rows = list(csv.reader(io.StringIO(outputs.return_csv(wr))))
    assert rows[0] == ["figure", "lot", "value"]
    assert rows[1:6] == [
        ["provider", "", "P1"],
        ["contract", "", "C-P1"],
        ["week", "", "2025-W37"],
        ["version", "", "1"],
        ["status", "", "draft"],
    ]
    body = {(f, lot): v for f, lot, v in rows[6:]}
    assert body[("kpis.1.percent", "")] == "95.0"
    assert body[("kpis.7.percent", "")] == ""  # no data is empty, never 0
    assert body[("kpis.7.met", "")] == ""
    assert body[("kpis.5.met", "")] == "false"
    assert body[("measures.1.packages_started", "1")] == "3"
    assert body[("measures.1.packages_started", "2")] == "0"
    assert body[("measures.5.people_supported", "")] == "208"
    assert body[("measures.9.cases[R017].days", "")] == "2.3"
    assert body[("measures.9.cases[R018].days", "")] == "1.0"
    assert body[("measures.16.due", "")] == "false"
    # measures in numeric order: 9 before 16
    figures = [f for f, _, _ in rows[6:]]
    assert figures.index("measures.9.median_days") < figures.index("measures.16.sickness_days")


@pytest.fixture
def manager_client(client, manager):
    client.login(email=manager.email, password=PASSWORD)
    return client


def test_the_page_shows_kpi_targets_met_not_met_and_no_data(manager_client, contract):
    wr = stored_return(contract)
    html = manager_client.get(reverse("reporting:return_detail", args=[wr.pk])).content.decode()
    assert "Scheduled visits completed" in html
    assert 'nhsuk-tag--green">Met' in html  # KPI 1: 95.0 against 95.0
    assert 'nhsuk-tag--red">Not met' in html  # KPI 5
    assert "no data" in html  # KPI 7, empty denominator
    assert "Measures not due this week" in html and "16. Staff sickness absence" in html
    # each figure links to the records behind it
    assert reverse("reporting:return_records", args=[wr.pk, "measures.1.lot1.packages_started"]) in html
    assert "Sign off this return" in html


def test_the_list_page_filters_by_status(manager_client, contract):
    stored_return(contract, status="submitted")
    stored_return(contract, week_start=date(2025, 9, 15))
    html = manager_client.get(reverse("reporting:return_list"), {"status": "draft"}).content.decode()
    assert ">2025-W38</a>" in html and ">2025-W37</a>" not in html


def test_the_list_pages_through_every_return_and_keeps_the_filters(manager_client, contract):
    from datetime import timedelta

    # 53 weekly drafts (a year and a week) and one submitted return: 50 on the first page, 3 on the
    # second, newest first; the filter stays on the page links.
    for n in range(53):
        stored_return(contract, week_start=WEEK - timedelta(weeks=n))
    stored_return(contract, week_start=WEEK, version=2, status="submitted")
    url = reverse("reporting:return_list")
    first = manager_client.get(url, {"status": "draft"}).content.decode()
    assert first.count('class="nhsuk-tag nhsuk-tag--yellow">Draft') == 50
    assert "Submitted</strong>" not in first
    assert ">2025-W37<" in first and "Page 2 of 2" in first
    assert "?status=draft&amp;page=2" in first
    second = manager_client.get(url, {"status": "draft", "page": 2}).content.decode()
    assert second.count('class="nhsuk-tag nhsuk-tag--yellow">Draft') == 3
    assert ">2024-W37<" in second  # the oldest: 52 weeks before 2025-W37
    assert "Page 1 of 2" in second and "?status=draft&amp;page=1" in second


def test_the_pdf_is_rendered_once_and_shows_the_kpis(contract, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    wr = stored_return(contract)
    assert weekly_return_render_pdf(weekly_return_id=wr.pk) is True
    assert weekly_return_render_pdf(weekly_return_id=wr.pk) is False  # already stored: kept
    wr.refresh_from_db()
    text = subprocess.run(["pdftotext", wr.pdf.path, "-"], capture_output=True, text=True, check=True).stdout
    assert "Scheduled visits completed" in text
    assert "Not met" in text and "DRAFT" in text
    assert "Packages started and ended" in text


def test_the_pdf_page_serves_the_stored_file_or_says_it_is_being_prepared(manager_client, contract, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    wr = stored_return(contract)
    pending = manager_client.get(reverse("reporting:return_pdf", args=[wr.pk]))
    assert pending.status_code == 404 and b"being prepared" in pending.content
    weekly_return_render_pdf(weekly_return_id=wr.pk)
    response = manager_client.get(reverse("reporting:return_pdf", args=[wr.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_command_prints_the_stored_return_as_json_and_csv(contract):
    stored_return(contract)
    out = io.StringIO()
    call_command("weekly_return", "--provider", "P1", "--contract", "C-P1", "--week", "2025-W37", stdout=out)
    data = json.loads(out.getvalue())
    assert data["version"] == 1 and data["status"] == "draft" and data["kpis"]["1"]["percent"] == "95.0"
    out = io.StringIO()
    call_command(
        "weekly_return", "--provider", "P1", "--contract", "C-P1", "--week", "2025-W37", "--format", "csv", stdout=out
    )
    assert "measures.1.packages_started,1,3" in out.getvalue().splitlines()


def test_the_command_prints_json_that_matches_the_worked_example(db):
    """The case command of the examples (computing a draft, as none exists) prints what compare.py accepts."""
    from interchange.importer import import_bundle

    spec = importlib.util.spec_from_file_location("example_compare", EXAMPLES / "compare.py")
    compare = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(compare)
    import_bundle(EXAMPLES / "example-area.json")
    cases = json.loads((EXAMPLES / "expected/example-area--cases.json").read_text())
    case = next(c for c in cases if c["expected"] == "example-area--return--P1--2025-W37.json")
    out = io.StringIO()
    call_command(*case["args"], stdout=out)
    actual = json.loads(out.getvalue())
    expected = json.loads((EXAMPLES / "expected" / case["expected"]).read_text())
    wrong = [
        ".".join(path)
        for path, want in compare.leaves(expected)
        if not compare.same(want, compare.get(actual, path)) and want != compare.get(actual, path)
    ]
    assert wrong == []
    assert (actual["version"], actual["status"]) == (1, "draft")
    assert WeeklyReturn.objects.filter(contract__ref="C-P1", week="2025-W37").count() == 1


def test_sign_off_asks_for_confirmation_then_submits(manager_client, contract):
    wr = stored_return(contract)
    page = manager_client.get(reverse("reporting:return_sign_off", args=[wr.pk])).content.decode()
    assert "This cannot be undone" in page and "Yes, sign off version 1" in page
    response = manager_client.post(reverse("reporting:return_sign_off", args=[wr.pk]), follow=True)
    wr.refresh_from_db()
    assert wr.status == "submitted"
    assert "Version 1 of the return for 2025-W37 is submitted." in response.content.decode()
    assert "Sign off this return" not in response.content.decode()


def test_recompute_button_queues_a_run_and_shows_its_progress(manager_client, contract):
    from reporting.models.returns import ReturnRun

    wr = stored_return(contract)
    response = manager_client.post(reverse("reporting:return_recompute", args=[wr.pk]))
    run = ReturnRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reporting:return_run", args=[run.pk])
    page = manager_client.get(response["Location"]).content.decode()
    assert reverse("reporting:return_run_status", args=[run.pk]) in page and "Waiting to start" in page
    status = manager_client.get(reverse("reporting:return_run_status", args=[run.pk])).json()
    assert status == {
        "id": run.pk,
        "state": "queued",
        "state_label": "Waiting to start",
        "progress": 0,
        "message": "",
        "return_url": None,
    }


def test_version_history_shows_what_changed(manager_client, contract):
    stored_return(contract, status="submitted")
    v2 = stored_return(contract, version=2, changes=[{"figure": "kpis.7.percent", "old": None, "new": "97.5"}])
    html = manager_client.get(reverse("reporting:return_detail", args=[v2.pk])).content.decode()
    assert "Changed since version 1" in html
    assert "KPI 7: percent: no data → 97.5%" in html  # in words, not "kpis.7.percent"

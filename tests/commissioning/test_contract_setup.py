"""Contract set-up as a commissioner officer does it: a contract with its first lot, a partner's lot,
rate changes and KPI targets from a date (which the weekly return then uses), neighbourhoods; every
bad input named beside its field with nothing saved; the audit trail; providers read only."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from commissioning.models import Contract, KpiTarget, Lot, LotRate, Neighbourhood, Role
from homecare.lib.dates import LONDON
from reporting.dashboard import selectors as dashboard
from tests.conftest import PASSWORD, make_user
from tests.reporting.dashboard_builders import figures, stored
from tests.reporting.return_builders import Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, officer):
    client.login(email=officer.email, password=PASSWORD)
    return client


def contract_post(neighbourhood, provider, **over):
    data = {
        # The council holds no contract with P1 yet: P1 is named by its reference, not picked from a list.
        "contract-provider_ref": provider.ref,
        "contract-ref": "C-NEW",
        "contract-neighbourhood": str(neighbourhood.pk),
        "contract-model": "prime_provider",
        "contract-start": "2027-01-04",
        "contract-end": "2028-07-02",
        "contract-settlement": "four_weekly",
        "contract-return_due_days": "3",
        "contract-expected_value": "4200000.00",
        "lot-number": "1",
        "lot-name": "Social care",
        "lot-hourly_rate": "26.22",
        "lot-expected_weekly_hours": "3300",
        "lot-guaranteed_share": "0.80",
        "lot-billing_basis": "planned",
        "lot-rounding_minutes": "15",
        "lot-hospital_retainer_share": "0.50",
        "lot-hospital_retainer_days": "7",
    }
    data.update(over)
    return data


def test_an_officer_sets_up_a_contract_with_its_first_lot_and_rate(
    officer_client, officer, neighbourhood, provider, council
):
    response = officer_client.post("/commissioning/contracts/new/", contract_post(neighbourhood, provider))
    contract = Contract.objects.get(ref="C-NEW")
    assert response.status_code == 302 and response["Location"] == f"/commissioning/contracts/{contract.pk}/"
    assert (contract.provider, contract.return_due_days, contract.expected_value) == (
        provider,
        3,
        Decimal("4200000.00"),
    )
    lot = Lot.objects.get(contract=contract)
    assert (lot.number, lot.commissioner, lot.expected_weekly_hours, lot.guaranteed_share) == (
        1,
        council,
        Decimal("3300.00"),
        Decimal("0.8000"),
    )
    assert list(LotRate.objects.filter(lot=lot).values_list("effective_from", "hourly_rate")) == [
        (date(2027, 1, 4), Decimal("26.22"))
    ]
    page = officer_client.get(f"/commissioning/contracts/{contract.pk}/").content.decode()
    assert "£26.22 from 4 January 2027" in page and "(the Wednesday after the week)" in page
    assert "98.0% (default)" in page  # KPI 7's Leeds minimum until the contract sets its own
    # The audit trail names who set it up.
    assert page.count(officer.email) >= 3  # contract, lot and rate inserted by the officer


def test_every_bad_input_is_named_beside_its_field_and_nothing_is_saved(
    officer_client, neighbourhood, provider, contract
):
    bad = contract_post(
        neighbourhood,
        provider,
        **{
            "contract-ref": "C-P1",  # P1 already has one
            "contract-end": "2026-12-31",  # before the start
            "lot-guaranteed_share": "1.5",
            "lot-short_visit_minutes": "30",  # without its rate
            "lot-bank_holiday_multiplier": "0.5",
        },
    )
    response = officer_client.post("/commissioning/contracts/new/", bad)
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert 'id="id_lot-guaranteed_share-error"' in html and "less than or equal to 1" in html
    assert 'id="id_lot-bank_holiday_multiplier-error"' in html
    assert Contract.objects.filter(ref="C-NEW").count() == 0
    # The form's own checks pass; the services' then name the rest, still beside their fields.
    bad.update({"lot-guaranteed_share": "0.80", "lot-bank_holiday_multiplier": "1.5"})
    html = officer_client.post("/commissioning/contracts/new/", bad).content.decode()
    assert 'id="id_contract-end-error"' in html and "The end cannot be before the start." in html
    assert 'id="id_contract-ref-error"' in html and "already has a contract with this reference" in html
    assert 'id="id_lot-short_visit_rate-error"' in html
    assert Contract.objects.count() == 1 and Lot.objects.count() == 2


def test_rate_changes_start_after_the_contract_start_once_per_date(officer_client, contract):
    lot = contract.lots.get(number=1)
    url = f"/commissioning/lots/{lot.pk}/rates/new/"
    html = officer_client.post(url, {"effective_from": "2025-07-07", "hourly_rate": "27.00"}).content.decode()
    assert "A rate change starts after the contract&#x27;s start (7 July 2025)." in html
    assert officer_client.post(url, {"effective_from": "2026-04-06", "hourly_rate": "27.00"}).status_code == 302
    html = officer_client.post(url, {"effective_from": "2026-04-06", "hourly_rate": "27.50"}).content.decode()
    assert "The lot already has a rate from this date." in html
    assert list(lot.rates.order_by("effective_from").values_list("hourly_rate", flat=True)) == [
        Decimal("26.22"),
        Decimal("27.00"),
    ]


def test_the_trust_changes_its_own_lot_only(client, trust, contract):
    trust_officer = make_user(trust, Role.COMMISSIONER_OFFICER)
    client.login(email=trust_officer.email, password=PASSWORD)
    lot1, lot2 = contract.lots.get(number=1), contract.lots.get(number=2)
    data = {"name": "Delegated healthcare", "billing_basis": "actual", "rounding_minutes": "1"}
    assert client.post(f"/commissioning/lots/{lot2.pk}/edit/", data).status_code == 302
    assert Lot.objects.get(pk=lot2.pk).billing_basis == "actual"
    assert client.post(f"/commissioning/lots/{lot1.pk}/edit/", data).status_code == 404  # the council's lot
    assert Lot.objects.get(pk=lot1.pk).billing_basis == "planned"


def test_kpi_targets_from_a_date_are_the_ones_the_return_uses(officer_client, contract):
    response = officer_client.post(
        f"/commissioning/contracts/{contract.pk}/targets/",
        {
            "effective_from": "2025-09-15",
            **{f"kpi{n}": v for n, v in zip(range(1, 8), ["95", "80", "80", "98", "95", "75", "90"], strict=True)},
        },
    )
    assert response.status_code == 302
    assert list(KpiTarget.objects.values_list("kpi", "target", "effective_from")) == [
        (7, Decimal("90.0"), date(2025, 9, 15))
    ]
    s = Scenario(contract)
    p = s.person()
    s.package(p, start="2025-01-01")
    w = s.worker()
    # Ten visits in each week, nine delivered: 90.0%.
    for week_monday in ("2025-09-08", "2025-09-15"):
        for i in range(10):
            day = f"{week_monday[:8]}{int(week_monday[8:]) + i % 5:02d}"
            attend = [(w, f"{day} {8 + i // 5:02d}:00", f"{day} {8 + i // 5:02d}:30")] if i else []
            s.visit(p, f"{day} {8 + i // 5:02d}:00", attend=attend, status="completed" if i else "missed")
    before, after = s.figures("2025-W37")["kpis"]["7"], s.figures("2025-W38")["kpis"]["7"]
    assert (before["target"], before["percent"], before["met"]) == ("98.0", "90.0", False)
    assert (after["target"], after["percent"], after["met"]) == ("90.0", "90.0", True)
    assert after["by_lot"]["lot1"]["target"] == "90.0"


def test_the_return_due_day_is_the_contracts(officer_client, officer, contract):
    # Submitted on the Tuesday after the week: on time by default, late once the contract says Monday.
    stored(
        contract,
        date(2026, 11, 16),
        figures({1: {7: (1, 1)}}),
        submitted_at=datetime(2026, 11, 24, 9, 0, tzinfo=LONDON),
    )
    after = datetime(2026, 12, 1, tzinfo=LONDON)
    assert (
        dashboard.dashboard_rows(actor=officer, week_start=date(2026, 11, 16), now=after)[0].return_status == "on_time"
    )
    data = {
        "neighbourhood": str(contract.neighbourhood_id),
        "model": "prime_provider",
        "start": "2025-07-07",
        "settlement": "four_weekly",
        "return_due_days": "1",
    }
    assert officer_client.post(f"/commissioning/contracts/{contract.pk}/edit/", data).status_code == 302
    assert dashboard.dashboard_rows(actor=officer, week_start=date(2026, 11, 16), now=after)[0].return_status == "late"


def test_a_started_contract_keeps_its_start(officer_client, contract):
    data = {
        "neighbourhood": str(contract.neighbourhood_id),
        "model": "prime_provider",
        "start": "2025-08-04",
        "settlement": "four_weekly",
        "return_due_days": "3",
    }
    html = officer_client.post(f"/commissioning/contracts/{contract.pk}/edit/", data).content.decode()
    assert "its start date can no longer change" in html
    assert Contract.objects.get(pk=contract.pk).start == date(2025, 7, 7)


def test_providers_read_their_contracts_and_change_nothing(client, manager, contract, other_contract):
    client.login(email=manager.email, password=PASSWORD)
    page = client.get("/commissioning/contracts/").content.decode()
    assert "C-P1" in page and "C-P2" not in page and "Set up a contract" not in page
    detail = client.get(f"/commissioning/contracts/{contract.pk}/").content.decode()
    assert "Change the contract" not in detail and "Lot 1" in detail
    assert client.get(f"/commissioning/contracts/{contract.pk}/edit/").status_code == 403
    assert client.get(f"/commissioning/contracts/{other_contract.pk}/").status_code == 404


def test_neighbourhoods_need_wards_and_real_lsoa_codes(officer_client, officer):
    html = officer_client.post(
        "/commissioning/neighbourhoods/new/",
        {"ref": "AREA2", "name": "Area 2", "wards": "", "lsoas": "E01011339\nnot-a-code"},
    ).content.decode()
    assert 'id="id_wards-error"' in html
    data = {"ref": "AREA2", "name": "Area 2", "wards": "Kirkstall\nHeadingley", "lsoas": "E01011339\nnot-a-code"}
    html = officer_client.post("/commissioning/neighbourhoods/new/", data).content.decode()
    assert "Not LSOA codes (E01 or W01 and six digits): not-a-code." in html
    data["lsoas"] = "E01011339"
    assert officer_client.post("/commissioning/neighbourhoods/new/", data).status_code == 302
    hood = Neighbourhood.objects.get(ref="AREA2")
    assert (hood.wards, hood.lsoas, hood.commissioner) == (
        ["Kirkstall", "Headingley"],
        ["E01011339"],
        officer.organisation,
    )


def test_a_provider_is_picked_from_the_councils_own_or_named_by_reference(
    officer_client, neighbourhood, provider, other_provider, contract
):
    page = officer_client.get("/commissioning/contracts/new/").content.decode()
    # The council holds a contract with P1 only: P2 is not listed (it would be named by its reference).
    assert "Provider One" in page and "Provider Two" not in page
    html = officer_client.post(
        "/commissioning/contracts/new/", contract_post(neighbourhood, provider, **{"contract-provider_ref": "NOPE"})
    ).content.decode()
    assert 'id="id_contract-provider_ref-error"' in html and "No provider has the reference NOPE." in html

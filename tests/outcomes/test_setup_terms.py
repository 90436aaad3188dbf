"""The lot's limits for trusted assessors and the contract's review interval are set where a
commissioner officer sets up the contract, and what they set is what the workflow uses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from commissioning.models import Contract, Lot
from outcomes.models import Review
from outcomes.services import package_change_log, review_complete
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
TODAY = date(2025, 9, 10)


def test_an_officer_sets_the_limits_and_the_interval_and_the_workflow_follows(client, officer, contract, pk1, assessor):
    client.login(email=officer.email, password=PASSWORD)
    lot1 = contract.lots.get(number=1)
    data = {"name": "Social care", "billing_basis": "planned", "assessor_limit_hours": "2", "assessor_limit_share": ""}
    assert client.post(f"/commissioning/lots/{lot1.pk}/edit/", data).status_code == 302
    lot1 = Lot.objects.get(pk=lot1.pk)
    assert (lot1.assessor_limit_hours, lot1.assessor_limit_share) == (D("2.00"), None)
    edit = {
        "neighbourhood": str(contract.neighbourhood_id),
        "model": "prime_provider",
        "start": "2025-07-07",
        "settlement": "four_weekly",
        "return_due_days": "3",
        "review_interval_days": "91",
    }
    assert client.post(f"/commissioning/contracts/{contract.pk}/edit/", edit).status_code == 302
    assert Contract.objects.get(pk=contract.pk).review_interval_days == 91
    page = client.get(f"/commissioning/contracts/{contract.pk}/").content.decode()
    assert "Every 91 days" in page and "Apply at once up to 2.00 hours a week; bigger ones wait for approval" in page

    # 12 -> 10 is within the 2 hours (the share limit is gone): it applies at once.
    args = dict(effective=TODAY, reason="other", consent_by="person", consent_date=TODAY, today=TODAY)
    assert package_change_log(actor=assessor, package=pk1, new_weekly_hours=D("10"), **args).status == "applied"
    review = Review.objects.create(provider=pk1.provider, ref="R1", package=pk1, kind="provider", due=TODAY)
    review_complete(
        actor=assessor, review=review, completed=TODAY, scores=None, opted_out=True, progress=True, today=TODAY
    )
    assert Review.objects.get(completed__isnull=True).due == date(2025, 12, 10)  # 10 Sep + 91 days

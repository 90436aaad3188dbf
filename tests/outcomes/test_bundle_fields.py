"""The workflow's optional bundle fields round-trip: a change waiting for prior approval, its consent
date, the lot's limits and the contract's review interval come back as they went out."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal as D

import pytest

from commissioning.models import Contract, Lot
from interchange.exporter import export_bundle
from interchange.importer import import_bundle
from outcomes.models import PackageChange

pytestmark = pytest.mark.django_db


def test_a_waiting_change_and_the_lot_terms_round_trip(provider, pk1, limits):
    limits.review_interval_days = 91
    limits.save()
    PackageChange.objects.create(
        provider=provider, ref="CH1", package=pk1, effective=date(2025, 9, 8), new_weekly_hours=D("6"),
        by="provider", reason="enablement", consent_by="advocate", consent_date=date(2025, 9, 5),
        prior_approval=True, submitted_for_approval=date(2025, 9, 5), note="Kept in the platform",
    )  # fmt: skip
    bundle = json.loads("".join(export_bundle(provider_id=provider.pk)))
    (change,) = bundle["package_changes"]
    assert (change["prior_approval"], change["consent_date"], "note" in change) == (True, "2025-09-05", False)
    lot1 = bundle["contracts"][0]["lots"][0]
    assert (D(lot1["assessor_limit_hours"]), D(lot1["assessor_limit_share"])) == (D("3"), D("0.25"))
    assert bundle["contracts"][0]["review_interval_days"] == 91

    # Imported again (from the command line: a provider may not rewrite its contract's terms) with
    # the flag, a limit and the interval changed: the import writes them.
    change["prior_approval"] = False
    lot1["assessor_limit_hours"] = "4.50"
    bundle["contracts"][0]["review_interval_days"] = 120
    import_bundle(io.BytesIO(json.dumps(bundle).encode()), actor=None)
    stored = PackageChange.objects.get(ref="CH1")
    assert (stored.prior_approval, stored.consent_date, stored.note) == (
        False,
        date(2025, 9, 5),
        "Kept in the platform",
    )
    assert Lot.objects.get(contract=limits, number=1).assessor_limit_hours == D("4.50")
    assert Contract.objects.get(pk=limits.pk).review_interval_days == 120


def test_a_bundle_without_the_new_fields_keeps_the_formats_meaning(provider, pk1, limits, manager):
    bundle = json.loads("".join(export_bundle(provider_id=provider.pk)))
    bundle["package_changes"] = [
        {"ref": "CH9", "package": "PK1", "effective": "2025-09-08", "new_weekly_hours": "10", "by": "provider",
         "reason": "other", "decision": "pending"}
    ]  # fmt: skip
    for contract in bundle["contracts"]:
        contract.pop("review_interval_days")
    import_bundle(io.BytesIO(json.dumps(bundle).encode()), actor=manager)
    assert PackageChange.objects.get(ref="CH9").status == "applied"
    assert Contract.objects.get(pk=limits.pk).review_interval_days == 122

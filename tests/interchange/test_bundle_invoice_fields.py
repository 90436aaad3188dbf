"""The bundle's optional invoice fields: addresses and bank details on organisations, payment terms on
contracts. They import, export, default, and a later bundle that leaves them out keeps them."""

from __future__ import annotations

import json

import pytest

from commissioning.models import Contract, Organisation
from interchange.exporter import export_bundle
from interchange.importer import BundleInvalid, import_bundle
from tests.interchange.test_bundle_import import _bytes, _tiny

pytestmark = pytest.mark.django_db

ADDRESS = "Unit 3, Lock Keeper's Yard\nHolbeck\nLeeds"


def _with_invoice_fields() -> dict:
    bundle = _tiny()
    bundle["commissioners"][0].update(address="Merrion House\nLeeds", postcode="LS2 8BB")
    bundle["providers"][0].update(
        address=ADDRESS,
        postcode="LS11 9QD",
        bank_account_name="One Ltd",
        bank_sort_code="00-00-00",
        bank_account_number="00000001",
    )
    bundle["contracts"][0]["payment_terms_days"] = 14
    return bundle


def test_addresses_bank_details_and_terms_import_and_export():
    import_bundle(_bytes(_with_invoice_fields()))
    provider = Organisation.objects.get(kind="provider", ref="P1")
    assert provider.address_lines == ["Unit 3, Lock Keeper's Yard", "Holbeck", "Leeds", "LS11 9QD"]
    assert (provider.bank_account_name, provider.bank_sort_code, provider.bank_account_number) == (
        "One Ltd",
        "00-00-00",
        "00000001",
    )
    assert Organisation.objects.get(kind="commissioner").address_lines == ["Merrion House", "Leeds", "LS2 8BB"]
    assert Contract.objects.get(ref="C").payment_terms_days == 14
    exported = json.loads("".join(export_bundle(provider_id=provider.pk)))
    assert exported["providers"][0]["bank_sort_code"] == "00-00-00"
    assert exported["providers"][0]["address"] == ADDRESS
    assert exported["commissioners"][0]["postcode"] == "LS2 8BB"
    assert exported["contracts"][0]["payment_terms_days"] == 14


def test_a_bundle_without_them_keeps_what_is_stored_and_terms_default_to_30_days():
    import_bundle(_bytes(_with_invoice_fields()))
    import_bundle(_bytes(_tiny()))  # next month's data, sent without addresses, bank details or terms
    provider = Organisation.objects.get(kind="provider", ref="P1")
    assert provider.postcode == "LS11 9QD" and provider.bank_account_number == "00000001"
    assert Organisation.objects.get(kind="commissioner").postcode == "LS2 8BB"
    assert Contract.objects.get(ref="C").payment_terms_days == 30  # terms are the contract's, sent each time


def test_text_the_database_cannot_hold_is_a_listed_error():
    bundle = _with_invoice_fields()
    bundle["providers"][0]["address"] = "Unit 3\x00"
    bundle["contracts"][0]["payment_terms_days"] = 400
    with pytest.raises(BundleInvalid) as caught:
        import_bundle(_bytes(bundle))
    errors = {e["path"]: e["message"] for e in caught.value.errors}
    assert errors["providers[0].address"] == "holds a NUL character, which cannot be stored"
    assert errors["contracts[0].payment_terms_days"] == "400 is greater than the maximum of 365"
    assert not Organisation.objects.exists()

from __future__ import annotations

import pytest
from django.http import Http404

from commissioning.models import Contract, Lot
from commissioning.tenancy import get_for_user, scope_for
from tests.conftest import make_user


def test_a_provider_sees_only_its_own_contracts(contract, other_contract, manager):
    assert list(scope_for(manager, Contract.objects.all())) == [contract]


def test_a_provider_gets_404_for_another_providers_contract(contract, other_contract, manager):
    with pytest.raises(Http404):
        get_for_user(manager, Contract, ref="C-P2")


def test_a_commissioner_sees_contracts_it_commissions_and_no_others(
    contract, other_contract, officer, outsider_officer
):
    assert set(scope_for(officer, Contract.objects.all())) == {contract, other_contract}
    assert list(scope_for(outsider_officer, Contract.objects.all())) == []


def test_a_user_without_an_organisation_sees_nothing(contract, db):
    nobody = make_user(None, email="nobody@example.org")
    assert list(scope_for(nobody, Lot.objects.all())) == []

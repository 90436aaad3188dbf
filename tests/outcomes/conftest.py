"""People, packages and the users of the trusted assessor's workflow.

The scenario: provider P1 holds contract C-P1; lot 1 is commissioned by the council, lot 2 by the NHS
trust. Lot 1 lets trusted assessors change a package by up to 3 hours a week and 25% of the hours
before without prior approval. Ann (Q1) has package PK1 on lot 1 with 12 hours a week since
7 July 2025; Bob (Q2) has package PK2 on lot 2 with 10 hours a week."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from commissioning.models import Lot, Role
from outcomes.models import Package, Person
from tests.conftest import make_user

START = date(2025, 7, 7)


@pytest.fixture
def limits(contract):
    Lot.objects.filter(contract=contract, number=1).update(
        assessor_limit_hours=Decimal("3"), assessor_limit_share=Decimal("0.25")
    )
    return contract


@pytest.fixture
def ann(provider, limits):
    return Person.objects.create(provider=provider, ref="Q1", contract=limits, lot=1, name="Ann Example")


@pytest.fixture
def pk1(ann):
    return Package.objects.create(
        provider=ann.provider, ref="PK1", person=ann, lot=1, start=START, planned_weekly_hours=Decimal("12")
    )


@pytest.fixture
def bob(provider, limits):
    return Person.objects.create(provider=provider, ref="Q2", contract=limits, lot=2, name="Bob Example")


@pytest.fixture
def pk2(bob):
    return Package.objects.create(
        provider=bob.provider, ref="PK2", person=bob, lot=2, start=START, planned_weekly_hours=Decimal("10")
    )


@pytest.fixture
def assessor(provider):
    return make_user(provider, Role.TRUSTED_ASSESSOR)


@pytest.fixture
def social_worker(council):
    return make_user(council, Role.SOCIAL_WORKER)


@pytest.fixture
def trust_social_worker(trust):
    return make_user(trust, Role.SOCIAL_WORKER)


@pytest.fixture
def other_assessor(other_provider):
    return make_user(other_provider, Role.TRUSTED_ASSESSOR, email="assessor@p2.example")

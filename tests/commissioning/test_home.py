"""The home page shows each of the user's roles' panels (registered by the apps, commissioning/panels.py),
in the order of their roles, and no placeholder."""

from __future__ import annotations

import pytest

from commissioning.models import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_a_user_with_two_roles_sees_both_roles_panels(client, provider, contract):
    user = make_user(provider, Role.PROVIDER_MANAGER, Role.COORDINATOR, email="both@p1.example")
    client.force_login(user)
    page = client.get("/").content.decode()
    for key in ("week-return", "invoices-to-issue", "staffing", "today-board", "call-monitoring"):
        assert f'data-testid="panel-{key}"' in page
    # A heading per role, in the order of the user's roles; the assessor's panels are not theirs.
    assert page.index(">Provider manager</h2>") < page.index(">Coordinator</h2>")
    assert 'data-testid="panel-assessor-reviews"' not in page and "Coming to this page" not in page


def test_one_role_one_set_of_panels(client, officer, contract):
    client.force_login(officer)
    page = client.get("/").content.decode()
    assert 'data-testid="panel-commissioner-attention"' in page
    assert 'data-testid="panel-week-return"' not in page and 'data-testid="panel-approval-queue"' not in page

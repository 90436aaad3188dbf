"""The Django admin: staff only, through allauth's login, rows scoped to the user's organisation,
read-only except for superusers; every model of every app is registered."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from commissioning.models import Contract, Role
from tests.conftest import make_user

APPS = ("commissioning", "workforce", "outcomes", "rota", "reporting")


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_every_model_of_every_app_is_in_the_admin():
    missing = [
        f"{m._meta.app_label}.{m.__name__}"
        for label in APPS
        for m in apps.get_app_config(label).get_models()
        if not admin.site.is_registered(m)
    ]
    assert missing == []


def test_anonymous_admin_login_goes_through_allauth(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_user_without_staff_status_is_refused(client, manager):
    client.force_login(manager)
    assert client.get(reverse("admin:login")).status_code == 403
    response = client.get(reverse("admin:index"))
    assert response.status_code in (302, 403)
    assert client.get(changelist(Contract)).status_code in (302, 403)


def test_staff_of_a_provider_see_only_their_contracts_and_cannot_change_them(
    client, provider, contract, other_contract
):
    staff = make_user(provider, Role.PROVIDER_MANAGER, email="staff@p1.example", is_staff=True)
    client.force_login(staff)
    listing = client.get(changelist(Contract)).content.decode()
    assert "C-P1" in listing and "C-P2" not in listing
    change_url = reverse("admin:commissioning_contract_change", args=[contract.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and b'name="_save"' not in page.content  # a read-only view
    assert client.post(change_url, {"ref": "HACKED"}).status_code == 403
    assert client.get(reverse("admin:commissioning_contract_add")).status_code == 403
    other = reverse("admin:commissioning_contract_change", args=[other_contract.pk])
    # Another provider's contract does not exist for them: 404, as on every other page.
    assert client.get(other).status_code == 404
    contract.refresh_from_db()
    assert contract.ref == "C-P1"


@pytest.mark.parametrize("label", APPS)
def test_a_superuser_can_open_every_changelist(admin_client, label, contract):
    for model in apps.get_app_config(label).get_models():
        response = admin_client.get(changelist(model))
        assert response.status_code == 200, f"{model.__name__}: {response.status_code}"


def test_a_superuser_can_edit(admin_client, contract):
    page = admin_client.get(reverse("admin:commissioning_contract_change", args=[contract.pk]))
    assert b'name="_save"' in page.content

"""`manage.py create_user`: a new installation's first admin of each organisation, with a password
from HOMECARE_PASSWORD (or typed twice), who can then log in."""

from __future__ import annotations

import io

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from commissioning.models import Organisation, User

GOOD_PASSWORD = "a long enough pass phrase 42"


def create(*args, password=GOOD_PASSWORD, monkeypatch=None):
    out = io.StringIO()
    call_command("create_user", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_providers_first_admin_who_can_log_in(client, provider, monkeypatch):
    monkeypatch.setenv("HOMECARE_PASSWORD", GOOD_PASSWORD)
    out = create("--email=Manager@P1.example", "--organisation=P1", "--role=provider_manager", "--org-admin")
    user = User.objects.get(email="manager@p1.example")
    assert (user.organisation, user.roles, user.is_org_admin, user.is_staff) == (
        provider,
        ["provider_manager"],
        True,
        False,
    )
    assert out.strip() == "Created manager@p1.example: Provider manager of Provider One (organisation admin)."
    assert EmailAddress.objects.get(user=user).verified
    response = client.post("/accounts/login/", {"login": "manager@p1.example", "password": GOOD_PASSWORD})
    assert response.status_code == 302 and client.get("/").status_code == 200


def test_it_takes_several_roles(council, monkeypatch):
    monkeypatch.setenv("HOMECARE_PASSWORD", GOOD_PASSWORD)
    create("--email=o@lcc.example", "--organisation=LCC", "--role=commissioner_officer", "--role=social_worker")
    assert User.objects.get(email="o@lcc.example").roles == ["commissioner_officer", "social_worker"]


def test_it_refuses_a_role_of_the_other_kind_a_weak_password_or_a_taken_address(provider, manager, monkeypatch):
    monkeypatch.setenv("HOMECARE_PASSWORD", GOOD_PASSWORD)
    with pytest.raises(CommandError, match="Not a role of a provider: commissioner_officer"):
        create("--email=x@p1.example", "--organisation=P1", "--role=commissioner_officer")
    with pytest.raises(CommandError, match="already exists"):
        create(f"--email={manager.email}", "--organisation=P1", "--role=coordinator")
    monkeypatch.setenv("HOMECARE_PASSWORD", "short")
    with pytest.raises(CommandError, match="too short"):
        create("--email=y@p1.example", "--organisation=P1", "--role=coordinator")
    assert not User.objects.filter(email__in=["x@p1.example", "y@p1.example"]).exists()


def test_a_ref_shared_by_a_provider_and_a_commissioner_needs_its_kind(provider, monkeypatch):
    monkeypatch.setenv("HOMECARE_PASSWORD", GOOD_PASSWORD)
    Organisation.objects.create(kind="commissioner", ref="P1", name="Also P1")
    with pytest.raises(CommandError, match="say provider:P1 or commissioner:P1"):
        create("--email=z@p1.example", "--organisation=P1", "--role=coordinator")
    create("--email=z@p1.example", "--organisation=provider:P1", "--role=coordinator")
    assert User.objects.get(email="z@p1.example").organisation == provider


def test_without_the_variable_it_asks_twice(provider, monkeypatch):
    monkeypatch.delenv("HOMECARE_PASSWORD", raising=False)
    answers = iter([GOOD_PASSWORD, GOOD_PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    with pytest.raises(CommandError, match="The two passwords differ"):
        create("--email=w@p1.example", "--organisation=P1", "--role=coordinator")
    answers = iter([GOOD_PASSWORD, GOOD_PASSWORD])
    create("--email=w@p1.example", "--organisation=P1", "--role=coordinator")
    assert User.objects.get(email="w@p1.example").check_password(GOOD_PASSWORD)

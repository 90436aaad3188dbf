"""`manage.py demo_logins`: one verified demo login per role (every provider, every commissioner), the demo care worker linked to a worker, and a table a newcomer can copy from."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from commissioning.models import Organisation, User
from workforce.models import Worker


def test_demo_logins_creates_one_user_per_role_and_prints_them(client, db):
    Organisation.objects.create(kind="provider", ref="P2", name="Second Care")
    first = Organisation.objects.create(kind="provider", ref="P1", name="First Care")
    Organisation.objects.create(kind="commissioner", ref="LCC", name="City Council")
    Organisation.objects.create(kind="commissioner", ref="NHS", name="Community Trust")
    worker = Worker.objects.create(
        provider=first, ref="W1", started=date(2025, 1, 6), contract_type="salaried", pay_rate=Decimal("12.60")
    )
    out = StringIO()
    call_command("demo_logins", "--url", "http://127.0.0.1:8000/", stdout=out)
    text = out.getvalue()

    emails = {
        "manager@p1.example": (["provider_manager"], True),
        "coordinator@p1.example": (["coordinator"], False),
        "assessor@p1.example": (["trusted_assessor"], False),
        "carer@p1.example": (["care_worker"], False),
        "manager@p2.example": (["provider_manager"], True),
        "coordinator@p2.example": (["coordinator"], False),
        "assessor@p2.example": (["trusted_assessor"], False),
        "carer@p2.example": (["care_worker"], False),
        "officer@lcc.example": (["commissioner_officer"], True),
        "social-worker@lcc.example": (["social_worker"], False),
        "officer@nhs.example": (["commissioner_officer"], True),
        "social-worker@nhs.example": (["social_worker"], False),
    }
    assert {u.email: (u.roles, u.is_org_admin) for u in User.objects.all()} == emails
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == 12
    assert "http://127.0.0.1:8000/" in text
    assert "carer@p1.example" in text and "Care worker" in text and "First Care" in text
    assert "manager@p2.example" in text and "Second Care" in text
    assert "homecare-demo-2026" in text
    worker.refresh_from_db()
    assert worker.user.email == "carer@p1.example"
    assert client.login(email="officer@nhs.example", password="homecare-demo-2026")


def test_running_it_again_changes_nothing(db):
    Organisation.objects.create(kind="provider", ref="P1", name="First Care")
    call_command("demo_logins", stdout=StringIO())
    call_command("demo_logins", stdout=StringIO())
    assert User.objects.count() == 4
    assert EmailAddress.objects.count() == 4


def test_an_existing_users_password_is_never_reset(client, db):
    first = Organisation.objects.create(kind="provider", ref="P1", name="First Care")
    call_command("demo_logins", stdout=StringIO())
    manager = User.objects.get(email="manager@p1.example")
    manager.set_password("a password of their own 99")
    manager.roles = ["provider_manager", "coordinator"]
    manager.save()
    call_command("demo_logins", stdout=StringIO())
    manager.refresh_from_db()
    assert manager.check_password("a password of their own 99")
    assert manager.roles == ["provider_manager", "coordinator"] and manager.organisation == first
    assert not client.login(email="manager@p1.example", password="homecare-demo-2026")


@pytest.mark.parametrize(
    "command, args",
    [("seed_demo", ["--weeks", "1"]), ("demo_logins", []), ("demo_reports", [])],
)
def test_the_demo_commands_refuse_production_settings(db, settings, command, args):
    Organisation.objects.create(kind="provider", ref="P1", name="First Care")
    settings.HOMECARE_PRODUCTION = True
    with pytest.raises(CommandError, match=f"{command} refuses to run under production settings"):
        call_command(command, *args, stdout=StringIO())
    assert not User.objects.exists()

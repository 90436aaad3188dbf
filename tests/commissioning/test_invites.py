"""An organisation admin invites colleagues of their own organisation, with roles of its kind; the
invitee sets a password from the emailed link and logs in; deactivated users cannot log in."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from commissioning.models import Role, User
from commissioning.services import user_deactivate, user_invite
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-long-new-password-2026"


def invite(client, **data):
    return client.post(reverse("commissioning:user-invite"), data)


def test_an_invitee_sets_a_password_from_the_email_and_logs_in(client, manager, django_capture_on_commit_callbacks):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, name="Nia Jones", email="Nia@P1.example", roles=["coordinator", "care_worker"])
    assert response.status_code == 302
    nia = User.objects.get(email="nia@p1.example")
    assert (nia.organisation, sorted(nia.roles), nia.is_org_admin) == (
        manager.organisation,
        ["care_worker", "coordinator"],
        False,
    )
    assert not nia.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["nia@p1.example"]
    assert "Provider One" in message.subject
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", message.body).group(1)

    client.logout()
    # allauth moves the key from the URL into the session, then shows the set-password form.
    step = client.get(link)
    set_password_url = step["Location"]
    response = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    client.post(reverse("account_login"), {"login": "nia@p1.example", "password": NEW_PASSWORD})
    home = client.get("/")
    assert home.status_code == 200
    assert b"Coordinator" in home.content
    # The link works once.
    assert client.get(link).status_code in (200, 302)
    assert b"invalid" in client.get(link, follow=True).content.lower()


def test_a_provider_admin_cannot_give_commissioner_roles(client, manager):
    client.force_login(manager)
    response = invite(client, name="X", email="x@p1.example", roles=["social_worker"])
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert not User.objects.filter(email="x@p1.example").exists()


def test_the_service_refuses_roles_of_the_other_kind(officer):
    with pytest.raises(ValidationError) as exc:
        user_invite(actor=officer, email="y@lcc.example", name="Y", roles=[Role.COORDINATOR], base_url="http://x/")
    assert "roles" in exc.value.message_dict


def test_a_commissioner_admin_invites_a_social_worker_into_their_council(officer):
    user = user_invite(
        actor=officer, email="sw@lcc.example", name="S", roles=[Role.SOCIAL_WORKER], base_url="http://x/"
    )
    assert (user.organisation, user.roles) == (officer.organisation, ["social_worker"])


def test_an_existing_email_cannot_be_invited_twice(client, manager, coordinator):
    client.force_login(manager)
    response = invite(client, name="Again", email=coordinator.email.upper(), roles=["coordinator"])
    assert b"already exists" in response.content
    assert User.objects.filter(email__iexact=coordinator.email).count() == 1


def test_only_org_admins_may_invite(coordinator):
    with pytest.raises(PermissionDenied):
        user_invite(actor=coordinator, email="z@p1.example", name="Z", roles=[Role.CARE_WORKER], base_url="http://x/")


def test_a_deactivated_user_can_no_longer_log_in(client, manager, coordinator):
    client.force_login(manager)
    response = client.post(reverse("commissioning:user-deactivate", args=[coordinator.pk]))
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert not coordinator.is_active
    client.logout()
    client.post(reverse("account_login"), {"login": coordinator.email, "password": PASSWORD})
    assert client.get("/").status_code == 302


def test_an_admin_cannot_deactivate_themselves_or_another_organisations_user(manager, other_provider_user):
    with pytest.raises(ValidationError):
        user_deactivate(actor=manager, user=manager)
    with pytest.raises(PermissionDenied):
        user_deactivate(actor=manager, user=other_provider_user)


def test_the_user_list_shows_only_the_admins_organisation(client, manager, coordinator, other_provider_user):
    client.force_login(manager)
    content = client.get(reverse("commissioning:user-list")).content.decode()
    assert coordinator.email in content
    assert other_provider_user.email not in content


def test_a_commissioner_admin_gets_404_deactivating_a_providers_user(client, officer, coordinator):
    client.force_login(officer)
    assert client.post(reverse("commissioning:user-deactivate", args=[coordinator.pk])).status_code == 404
    coordinator.refresh_from_db()
    assert coordinator.is_active


def test_an_invitee_is_not_asked_to_verify_their_email_again(
    client, manager, settings, django_capture_on_commit_callbacks
):
    # Production makes verification mandatory; the set-password link already proved the mailbox.
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, name="Sam Lee", email="sam@p1.example", roles=["coordinator"])
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    client.logout()
    set_password_url = client.get(link)["Location"]
    client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    mail.outbox.clear()
    client.post(reverse("account_login"), {"login": "sam@p1.example", "password": NEW_PASSWORD})
    assert client.get("/").status_code == 200
    assert not [m for m in mail.outbox if "confirm" in m.subject.lower() or "verif" in m.subject.lower()]


def test_a_care_workers_invitation_asks_which_care_worker_they_are(client, manager, provider):
    from datetime import date
    from decimal import Decimal

    from workforce.models import Worker

    sam = Worker.objects.create(
        provider=provider, ref="W-SAM", name="Sam Carter", started=date(2025, 1, 6), contract_type="zero_hours",
        pay_rate=Decimal("13.45"),
    )  # fmt: skip
    client.force_login(manager)
    page = client.get(reverse("commissioning:user-invite")).content.decode()
    assert "Care worker record" in page and "Sam Carter (W-SAM)" in page
    # A care worker without their record: the error is beside the field, nobody is invited.
    response = invite(client, name="Sam Carter", email="sam@p1.example", roles=["care_worker"])
    assert response.status_code == 200 and "Choose the care worker this login belongs to." in response.content.decode()
    assert not User.objects.filter(email="sam@p1.example").exists()
    assert (
        invite(client, name="Sam Carter", email="sam@p1.example", roles=["care_worker"], worker="W-SAM").status_code
        == 302
    )
    sam.refresh_from_db()
    assert sam.user.email == "sam@p1.example"
    # Linked workers are no longer offered; a coordinator is not linked to a care worker record.
    assert "W-SAM" not in client.get(reverse("commissioning:user-invite")).content.decode()


def test_another_providers_worker_cannot_be_linked(manager, other_provider):
    from datetime import date
    from decimal import Decimal

    from workforce.models import Worker

    Worker.objects.create(
        provider=other_provider,
        ref="W-P2",
        started=date(2025, 1, 6),
        contract_type="zero_hours",
        pay_rate=Decimal("13"),
    )
    with pytest.raises(ValidationError) as exc:
        user_invite(
            actor=manager, email="x@p1.example", name="X", roles=["care_worker"], base_url="http://x/", worker="W-P2"
        )
    assert "No care worker W-P2 in Provider One." in str(exc.value)
    assert not User.objects.filter(email="x@p1.example").exists()

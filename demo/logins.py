"""The demo logins: one per role, for every provider and every commissioner."""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Count, Q

from commissioning.models import Organisation, Role, User
from homecare.lib.dates import local_midnight
from rota.models import Publication
from workforce.models import Worker

DEMO_PASSWORD = "homecare-demo-2026"
# Short names make the demo logins easy to type: <short>@<org ref>.example
DEMO_ROLE_EMAIL = {
    Role.PROVIDER_MANAGER: "manager",
    Role.COORDINATOR: "coordinator",
    Role.TRUSTED_ASSESSOR: "assessor",
    Role.CARE_WORKER: "carer",
    Role.COMMISSIONER_OFFICER: "officer",
    Role.SOCIAL_WORKER: "social-worker",
}


def _demo_user(organisation: Organisation, role: Role, *, is_org_admin: bool) -> User:
    """The demo login for a role, created with the demo password if it does not exist. An existing
    user with that address is left exactly as it is: its password is never reset (whoever changed it
    meant it), nor its roles."""
    email = f"{DEMO_ROLE_EMAIL[role]}@{organisation.ref.lower()}.example"
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user
    user = User(
        email=email,
        name=f"Demo {role.label.lower()} ({organisation.ref})",
        organisation=organisation,
        roles=[role.value],
        is_org_admin=is_org_admin,
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@transaction.atomic
def demo_users_ensure() -> list[User]:
    """One demo login per role: for every provider and every commissioner (by ref).
    Safe to run on every start: it creates only the logins that are missing."""
    users: list[User] = []
    for provider in Organisation.objects.filter(kind=Organisation.Kind.PROVIDER).order_by("ref"):
        for role in (Role.PROVIDER_MANAGER, Role.COORDINATOR, Role.TRUSTED_ASSESSOR, Role.CARE_WORKER):
            users.append(_demo_user(provider, role, is_org_admin=role == Role.PROVIDER_MANAGER))
        carer = users[-1]
        # The demo care worker sees a real worker's rota: link the worker without a login who is planned
        # on most visits of the latest published week (the first by ref when nothing is planned).
        if not Worker.objects.filter(user=carer).exists():
            latest = (
                Publication.objects.filter(provider=provider).order_by("-week").values_list("week", flat=True).first()
            )
            workers = Worker.objects.filter(provider=provider, user__isnull=True)
            if latest is not None:
                lo, hi = local_midnight(latest), local_midnight(latest + timedelta(days=7))
                workers = workers.annotate(
                    planned=Count(
                        "assignments",
                        filter=Q(assignments__visit__planned_start__gte=lo, assignments__visit__planned_start__lt=hi),
                    )
                ).order_by("-planned", "ref")
            worker = workers.order_by(*(["-planned", "ref"] if latest is not None else ["ref"])).first()
            if worker is not None:
                worker.user = carer
                worker.save(update_fields=["user"])
    for commissioner in Organisation.objects.filter(kind=Organisation.Kind.COMMISSIONER).order_by("ref"):
        for role in (Role.COMMISSIONER_OFFICER, Role.SOCIAL_WORKER):
            users.append(_demo_user(commissioner, role, is_org_admin=role == Role.COMMISSIONER_OFFICER))
    return users

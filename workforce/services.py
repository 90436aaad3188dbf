"""Writes of the workforce app."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from commissioning.models import Role
from workforce.models import Worker


def worker_choices(organisation) -> list[tuple[str, str]]:
    """The organisation's care workers still employed who have no login yet, by name."""
    if organisation is None or not organisation.is_provider:
        return []
    today = timezone.localdate()
    workers = (
        Worker.objects.filter(provider=organisation, user__isnull=True)
        .filter(Q(left__isnull=True) | Q(left__gte=today))
        .order_by("name", "ref")
    )
    return [(w.ref, f"{w.name} ({w.ref})" if w.name else w.ref) for w in workers]


@transaction.atomic
def worker_user_link(*, user, worker_ref: str) -> Worker:
    """Tie a care worker's login to their worker record (one of their own provider's)."""
    if not user.has_role(Role.CARE_WORKER):
        raise ValidationError({"worker": "Only a care worker's login is linked to a care worker record."})
    worker = Worker.objects.select_for_update().filter(provider_id=user.organisation_id, ref=worker_ref).first()
    if worker is None:
        raise ValidationError({"worker": f"No care worker {worker_ref} in {user.organisation}."})
    if worker.user_id not in (None, user.pk):
        raise ValidationError({"worker": f"{worker.name or worker.ref} already has a login."})
    worker.user = user
    worker.full_clean()
    worker.save(update_fields=["user"])
    return worker

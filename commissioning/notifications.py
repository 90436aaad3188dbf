"""Notifications: in the app (a count in the header, a list) and by email (console locally, SMTP in
production). Any app raises them through `notify`; users and their organisations live here, so the
recipients are chosen here too (`users_of`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from commissioning.models import Notification, Organisation, User


def users_of(organisation: Organisation | int | None, *roles: str) -> QuerySet[User]:
    """Active users of an organisation with any of `roles`."""
    if organisation is None:
        return User.objects.none()
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return User.objects.filter(organisation_id=org_id, is_active=True, roles__overlap=list(roles))


@transaction.atomic
def notify(
    *, users: Iterable[User], kind: str, subject: str, body: str = "", url: str = "", key: str = ""
) -> list[Notification]:
    """One notification per user (duplicates in `users` count once). With a `key`, a user who
    already has that key's notification gets no second one: a daily job may raise it every day.
    Emails go once the transaction commits (a rolled-back decision sends nothing)."""
    made: list[Notification] = []
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        note = Notification(user=user, kind=kind, subject=subject[:200], body=body, url=url, key=key)
        note.full_clean(validate_unique=False, validate_constraints=False)
        if key:
            try:
                with transaction.atomic():  # a savepoint: the duplicate alone is skipped
                    note.save()
            except IntegrityError:
                continue
        else:
            note.save()
        made.append(note)
    if made:
        from commissioning.tasks import send_notification_emails

        ids = [n.pk for n in made]
        # By the worker, after commit: a slow mail server never holds up the request.
        transaction.on_commit(lambda: send_notification_emails.delay(ids))
    return made


def notifications_email(*, notification_ids: list[int]) -> int:
    """Email each notification not yet emailed to its user; marks them emailed. Returns how many."""
    sent = 0
    base = settings.HOMECARE_BASE_URL.rstrip("/")
    for note in Notification.objects.filter(pk__in=notification_ids, emailed__isnull=True).select_related("user"):
        link = f"\n\n{base}{note.url}" if note.url else ""
        send_mail(note.subject, f"{note.body}{link}".strip(), settings.DEFAULT_FROM_EMAIL, [note.user.email])
        Notification.objects.filter(pk=note.pk).update(emailed=timezone.now())
        sent += 1
    return sent


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "pk", None):
        return 0
    return Notification.objects.filter(user_id=user.pk, read__isnull=True).count()


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=user.pk).order_by("-created", "-pk")


@transaction.atomic
def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones, or those of `ids`)."""
    qs = Notification.objects.filter(user_id=user.pk, read__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read=timezone.now())

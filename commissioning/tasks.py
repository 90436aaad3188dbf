"""Tasks of this app. `organisation_count` proves the worker reads the same database as the web
process (system check page)."""

from __future__ import annotations

from celery import shared_task

from commissioning.models import Organisation


@shared_task
def organisation_count() -> int:
    return Organisation.objects.count()


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_notification_emails(notification_ids: list[int]) -> int:
    """Email notifications not yet emailed (safe to run twice: each is marked once sent)."""
    from commissioning.notifications import notifications_email

    return notifications_email(notification_ids=notification_ids)

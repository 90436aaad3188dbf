"""The daily jobs and the notification emails through a real Celery worker on a real Redis; and the
email itself (subject, body, link) with Django's test mailbox."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from commissioning.models import Notification
from commissioning.notifications import notifications_email, notify
from outcomes.models import Package, PackageChange, Review
from outcomes.tasks import notify_reviews_due, submit_due_changes

TODAY = timezone.localdate()


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_daily_jobs_run_on_the_worker_and_their_notices_are_emailed(
    celery_worker_process, pk1, assessor, social_worker
):
    Package.objects.filter(pk=pk1.pk).update(start=TODAY - timedelta(days=100))
    change = PackageChange.objects.create(
        provider=pk1.provider, ref="CH1", package=pk1, effective=TODAY - timedelta(days=28), new_weekly_hours=D("10"),
        by="provider", reason="other", consent_by="person",
    )  # fmt: skip
    Review.objects.create(provider=pk1.provider, ref="R1", package=pk1, kind="provider", due=TODAY + timedelta(days=7))
    assert submit_due_changes.delay().get(timeout=30) == 1
    assert submit_due_changes.delay().get(timeout=30) == 0  # safe to run twice
    change.refresh_from_db()
    assert (change.status, change.submitted_for_approval) == ("submitted", TODAY)
    assert notify_reviews_due.delay().get(timeout=30) == 1
    assert notify_reviews_due.delay().get(timeout=30) == 0
    # Each notice was emailed by the worker once its transaction committed.
    notes = Notification.objects.filter(user__in=[social_worker, assessor])
    assert sorted(notes.values_list("kind", flat=True)) == ["change_submitted", "review_due"]
    assert wait_for(lambda: not Notification.objects.filter(emailed__isnull=True).exists()), (
        celery_worker_process.output()
    )


@pytest.mark.django_db
@override_settings(HOMECARE_BASE_URL="https://homecare.example.org/")
def test_a_notification_email_says_what_happened_and_links_to_it(assessor):
    note = notify(
        users=[assessor, assessor],
        kind="x",
        subject="Change approved: Q1",
        body="It applies.",
        url="/outcomes/people/Q1/",
    )
    assert len(note) == 1  # a user named twice is told once
    assert notifications_email(notification_ids=[note[0].pk]) == 1
    assert notifications_email(notification_ids=[note[0].pk]) == 0  # never twice
    (message,) = mail.outbox
    assert (message.subject, message.to) == ("Change approved: Q1", [assessor.email])
    assert message.body == "It applies.\n\nhttps://homecare.example.org/outcomes/people/Q1/"


@pytest.mark.django_db
def test_a_keyed_notice_is_raised_once_per_user(assessor):
    assert len(notify(users=[assessor], kind="review_due", subject="Review due", key="review-due:1:2025-09-17")) == 1
    assert notify(users=[assessor], kind="review_due", subject="Review due", key="review-due:1:2025-09-17") == []
    assert Notification.objects.count() == 1

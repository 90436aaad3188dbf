"""Tasks of this app. `organisation_count` proves the worker reads the same database as the web
process (system check page)."""

from __future__ import annotations

from celery import shared_task

from commissioning.models import Organisation


@shared_task
def organisation_count() -> int:
    return Organisation.objects.count()

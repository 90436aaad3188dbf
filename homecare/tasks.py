"""Platform tasks. `ping` proves a web -> Redis -> worker -> Redis round trip (system check page);
`organisation_count` proves the worker reads the same database as the web process."""

from __future__ import annotations

from celery import shared_task


@shared_task
def ping() -> str:
    return "pong"


@shared_task
def organisation_count() -> int:
    from commissioning.models import Organisation

    return Organisation.objects.count()

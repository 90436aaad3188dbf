"""Celery shell for the bundle: take an id, call one service.

Safe to run twice (a job already done or failed is left alone; the import is all or nothing, so one
killed half-way wrote nothing and acks_late hands it to another worker). Only transient database
errors are retried, with exponential backoff."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

__all__ = ["import_uploaded_bundle"]


@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=5, retry_backoff_max=300, retry_jitter=True, max_retries=6,
    acks_late=True,
)  # fmt: skip
def import_uploaded_bundle(import_id: int) -> str | None:
    from interchange.services import bundle_import_run

    return bundle_import_run(import_id=import_id)

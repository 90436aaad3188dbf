"""Platform tasks. `ping` proves a web -> Redis -> worker -> Redis round trip (system check page)."""

from __future__ import annotations

from celery import shared_task


@shared_task
def ping() -> str:
    return "pong"

"""Thin Celery shells over the outcomes services (beat runs them daily: outcomes/apps.py)."""

from __future__ import annotations

from celery import shared_task

from outcomes import services


@shared_task
def submit_due_changes() -> int:
    """Submit provider changes in force for four weeks to the social work team. Safe to run twice."""
    return len(services.package_changes_submit_due())


@shared_task
def notify_reviews_due() -> int:
    """Notify assessors of reviews due in 7 days or overdue (once each). Safe to run twice."""
    return services.reviews_notify_due()

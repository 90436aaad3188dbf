"""Register the beat schedule in the database (django-celery-beat). Idempotent: run it on every start."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from homecare import schedule

# (name, task, minute, hour, day_of_week). Times are Europe/London: beat follows the clock changes.
SCHEDULE = [
    ("Weekly returns: last week's drafts", "reporting.returns.tasks.compute_last_week_drafts", "0", "3", "1"),
    ("Invoices: drafts for periods that ended", "reporting.money.tasks.compute_period_end_drafts", "0", "4", "*"),
]
TIMEZONE = "Europe/London"


class Command(BaseCommand):
    help = (
        "Create or update the periodic tasks (weekly return drafts on Monday 03:00, invoice drafts daily 04:00, "
        "and those other apps register, e.g. package changes submitted after four weeks)."
    )

    @transaction.atomic
    def handle(self, *args, **opts):
        # This app's own entries, then those other apps registered (homecare.schedule).
        registered = [(e.name, e.task, e.minute, e.hour, e.day_of_week) for e in schedule.entries()]
        for name, task, minute, hour, day_of_week in SCHEDULE + registered:
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=minute,
                hour=hour,
                day_of_week=day_of_week,
                day_of_month="*",
                month_of_year="*",
                timezone=TIMEZONE,
            )
            _, created = PeriodicTask.objects.update_or_create(
                name=name, defaults={"task": task, "crontab": crontab, "interval": None, "enabled": True}
            )
            self.stdout.write(f"{'created' if created else 'updated'}: {name} -> {task}")

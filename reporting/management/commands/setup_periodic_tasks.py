"""Register the beat schedule in the database (django-celery-beat). Idempotent: run it on every start."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from outcomes.schedule import PERIODIC_TASKS as OUTCOMES_TASKS
from rota.schedule import PERIODIC_TASKS as ROTA_TASKS

# (name, task, minute, hour, day_of_week). Times are Europe/London: beat follows the clock changes.
SCHEDULE = [
    ("Weekly returns: last week's drafts", "reporting.returns.tasks.compute_last_week_drafts", "0", "3", "1"),
    ("Invoices: drafts for periods that ended", "reporting.money.tasks.compute_period_end_drafts", "0", "4", "*"),
    *ROTA_TASKS,
    *OUTCOMES_TASKS,
]
TIMEZONE = "Europe/London"


class Command(BaseCommand):
    help = (
        "Create or update the periodic tasks (weekly return drafts on Monday 03:00, invoice drafts daily 04:00, "
        "visits from care plans two weeks ahead nightly 02:30, "
        "package changes submitted after four weeks daily 06:00, review notices daily 06:15)."
    )

    @transaction.atomic
    def handle(self, *args, **opts):
        for name, task, minute, hour, day_of_week in SCHEDULE:
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

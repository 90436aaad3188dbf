"""Celery discovers `<app>.tasks`; reporting's tasks live beside their services."""

from reporting.money.tasks import *  # noqa: F403
from reporting.returns.tasks import *  # noqa: F403

"""Periodic tasks by registration: an app registers its beat entries (from its AppConfig.ready) and
`manage.py setup_periodic_tasks` writes them to django-celery-beat. The config package knows the
tasks only by name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    name: str  # shown in the admin; the key the command updates by
    task: str  # dotted task name
    minute: str
    hour: str
    day_of_week: str = "*"


_ENTRIES: dict[str, Entry] = {}


def register(name: str, task: str, *, minute: str, hour: str, day_of_week: str = "*") -> None:
    _ENTRIES[name] = Entry(name, task, minute, hour, day_of_week)


def entries() -> list[Entry]:
    return list(_ENTRIES.values())

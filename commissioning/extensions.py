"""Hooks by which an app above commissioning extends its user pages and commands: registered from the
app's AppConfig.ready, never imported from here (the layers: docs/architecture.md).

- The worker link: a care worker's login belongs to one worker record of their provider
  (workforce.Worker.user). Commissioning's invite form and `create_user --worker` ask which, through the
  two functions workforce registers: the choices for an organisation, and the link itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkerLink:
    # (ref, label) of the organisation's care workers who have no login yet, for the invite form.
    choices: Callable[[object], list[tuple[str, str]]]
    # link(user=..., worker_ref=...): ties the user to that worker record; raises ValidationError.
    link: Callable[..., None]


_worker_link: WorkerLink | None = None


def register_worker_link(*, choices: Callable, link: Callable) -> None:
    global _worker_link
    _worker_link = WorkerLink(choices=choices, link=link)


def worker_link() -> WorkerLink | None:
    return _worker_link

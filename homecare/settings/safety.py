"""Refuse settings that are only safe on a developer's machine when the site answers to a real host.

Local settings (DEBUG on, or the known development key) are fine for `make run` on 127.0.0.1; the
same settings behind a public host name would show tracebacks to anyone and sign sessions with a key
printed in this repository. Every settings module that can serve a site calls `refuse_unsafe`, so
`manage.py`, Celery and gunicorn all stop before doing anything."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

KNOWN_DEVELOPMENT_KEY = "insecure-local-key-change-me"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", "testserver"})


def is_local_host(host: str) -> bool:
    host = host.strip().lower().lstrip(".")
    return host in LOCAL_HOSTS or host.endswith(".localhost")


def refuse_unsafe(*, debug: bool, secret_key: str, allowed_hosts: list[str]) -> None:
    public = [h for h in allowed_hosts if not is_local_host(h)]
    if not public:
        return
    problems = []
    if debug:
        problems.append("DEBUG is on")
    if secret_key == KNOWN_DEVELOPMENT_KEY:
        problems.append("the secret key is the development one from the repository")
    if problems:
        raise ImproperlyConfigured(
            f"Refusing to start: DJANGO_ALLOWED_HOSTS names {', '.join(public)} but {' and '.join(problems)}. "
            "Use homecare.settings.production with DJANGO_SECRET_KEY set (docs/deploy.md), "
            "or keep DJANGO_ALLOWED_HOSTS to 127.0.0.1 and localhost."
        )

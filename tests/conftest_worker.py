"""`celery_worker_process`: a real `celery -A homecare worker` subprocess on a real Redis and on the
test database, for tests marked `worker` (use with `@pytest.mark.django_db(transaction=True)` so the
worker sees committed rows).

The worker is a separate process, so it gets its configuration from the environment:
REDIS_URL (db 5 of the project Redis, or $CELERY_TEST_REDIS_URL) and DATABASE_URL naming the test
database pytest-django created. In this process the Celery app is switched from eager mode to that
broker for the duration of the test and switched back afterwards.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("CELERY_TEST_REDIS_URL", "redis://127.0.0.1:63799/5")
READY_TIMEOUT_SECONDS = 30


@dataclass
class WorkerProcess:
    process: subprocess.Popen
    redis_url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@pytest.fixture(scope="session")
def celery_worker_session(django_db_setup, django_db_blocker, tmp_path_factory):
    """One worker for the whole session (it takes seconds to start); it exits before the test
    database is dropped because this fixture depends on django_db_setup."""
    import redis

    with django_db_blocker.unblock():
        database_url = _database_url()
    redis.Redis.from_url(REDIS_URL).flushdb()  # db 5 belongs to the tests: start from empty queues
    log = tmp_path_factory.mktemp("celery") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "homecare.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "REDIS_URL": REDIS_URL,
        "DATABASE_URL": database_url,
    }
    celery = str(Path(sys.executable).with_name("celery"))
    cmd = [celery, "-A", "homecare", "worker", "-l", "info", "--pool", "solo", "--without-mingle",
           "--without-gossip", "--without-heartbeat", "--logfile", str(log)]  # fmt: skip
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    worker = WorkerProcess(process=process, redis_url=REDIS_URL, log=log)
    try:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while "ready." not in worker.output():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Celery worker did not start:\n{worker.output()}")
            time.sleep(0.1)
        yield worker
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def celery_worker_process(transactional_db, celery_worker_session):
    """The session's real worker, with this process's Celery app sending to it for this test."""
    from homecare.celery import app

    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=REDIS_URL, result_backend=REDIS_URL)
    _reset_connections(app)
    try:
        yield celery_worker_session
    finally:
        app.conf.update(saved)
        _reset_connections(app)


def _reset_connections(app) -> None:
    """Forget the app's broker pool and result backend so the next send uses the new URLs
    (what Celery itself does after a fork; kombu keeps one pool per broker URL)."""
    app._pool = None
    if "amqp" in app.__dict__:
        app.__dict__["amqp"]._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)

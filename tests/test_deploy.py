"""Deployment: production settings pass `check --deploy` with no warnings given the documented
environment, refuse to start without a secret key, and docker-compose.yml validates offline."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import compose

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_BIN = Path(compose.__file__).parent / "docker-compose"


def production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HOMECARE_"))}
    env.update(DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS="homecare.example.org", **extra)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "manage.py", *args, "--settings=homecare.settings.production"]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_with_production_settings_prints_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Set the DJANGO_SECRET_KEY environment variable" in result.stderr


def test_production_requires_mfa_unless_told_otherwise():
    code = "from django.conf import settings; print(settings.HOMECARE_REQUIRE_MFA, settings.DEBUG)"
    result = manage("shell", "-c", code, env=production_env())
    assert result.stdout.split()[-2:] == ["True", "False"], result.stderr


def test_the_compose_file_is_valid_offline():
    result = subprocess.run(
        [str(COMPOSE_BIN), "-f", "docker-compose.yml", "config", "--services"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == {"db", "redis", "migrate", "web", "worker", "beat"}

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
    env.update(
        {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": "homecare.example.org", **extra}
    )
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
    assert set(result.stdout.split()) == {"db", "redis", "migrate", "web", "worker", "beat", "proxy"}


def compose_config() -> dict:
    import json

    result = subprocess.run(
        [str(COMPOSE_BIN), "-f", "docker-compose.yml", "config", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["services"]


def test_only_the_proxy_is_published_and_only_web_trusts_its_header():
    services = compose_config()
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert {p["target"] for p in services["proxy"]["ports"]} == {80, 443}
    assert services["web"]["environment"]["HOMECARE_BEHIND_PROXY"] == "true"
    for name in ("worker", "beat", "migrate"):
        assert "HOMECARE_BEHIND_PROXY" not in services[name]["environment"], name
    assert any(v["target"] == "/etc/caddy/Caddyfile" for v in services["proxy"]["volumes"])
    assert "reverse_proxy web:8000" in (ROOT / "deploy" / "Caddyfile").read_text()


def test_forwarded_proto_is_trusted_only_behind_the_proxy():
    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    alone = manage("shell", "-c", code, env=production_env())
    assert alone.stdout.split()[-1] == "None", alone.stderr
    behind = manage("shell", "-c", code, env=production_env(HOMECARE_BEHIND_PROXY="true"))
    assert behind.stdout.strip().endswith("('HTTP_X_FORWARDED_PROTO', 'https')"), behind.stderr


def local_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HOMECARE_"))}
    env.update(DJANGO_SETTINGS_MODULE="homecare.settings.local", **extra)
    return env


def test_manage_py_refuses_local_settings_on_a_public_host():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=local_env(DJANGO_ALLOWED_HOSTS="127.0.0.1,homecare.example.org"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "manage.py: Refusing to start: DJANGO_ALLOWED_HOSTS names homecare.example.org but DEBUG is on and the "
        "secret key is the development one from the repository. Use homecare.settings.production with "
        "DJANGO_SECRET_KEY set (docs/deploy.md), or keep DJANGO_ALLOWED_HOSTS to 127.0.0.1 and localhost."
    )
    # Either one is enough to refuse: a real key with DEBUG on ...
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=local_env(DJANGO_ALLOWED_HOSTS="homecare.example.org", DJANGO_SECRET_KEY=secrets.token_urlsafe(50)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and "DEBUG is on" in result.stderr and "development one" not in result.stderr
    # ... and on local hosts the development settings are fine.
    ok = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=local_env(), capture_output=True, text=True, timeout=120
    )
    assert ok.returncode == 0, ok.stderr


def test_production_refuses_the_development_key():
    result = manage("check", env=production_env(DJANGO_SECRET_KEY="insecure-local-key-change-me"))
    assert result.returncode == 1
    assert "the secret key is the development one" in result.stderr and "DEBUG is on" not in result.stderr


def test_celery_refuses_local_settings_on_a_public_host():
    celery = Path(sys.executable).parent / "celery"
    result = subprocess.run(
        [str(celery), "-A", "homecare", "report"],
        cwd=ROOT,
        env=local_env(DJANGO_ALLOWED_HOSTS="homecare.example.org"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Refusing to start: DJANGO_ALLOWED_HOSTS names homecare.example.org" in result.stderr

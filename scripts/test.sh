#!/usr/bin/env bash
# `make test`: the whole suite on real PostgreSQL, with a real Redis for the Celery worker tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=homecare.settings.test
exec .venv/bin/pytest "$@"

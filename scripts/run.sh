#!/usr/bin/env bash
# `make run`: the web server, a Celery worker and Celery beat together, on the private PostgreSQL and
# Redis. Ctrl-C stops all three; `make stop` also stops the database and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-homecare.settings.local}
PY=.venv/bin/python
# Migrations as the maintenance role (the tables' owner); everything else as the application's.
$PY manage.py migrate --database maintenance --noinput -v0
$PY manage.py setup_periodic_tasks
if [ "$($PY manage.py shell --no-imports -c 'from commissioning.models import Organisation; print(Organisation.objects.exists())')" = "False" ]; then
  echo "Empty database: loading the pilot demo area (seed_demo --scale pilot --weeks ${DEMO_WEEKS:-8} --seed 1)..."
  $PY manage.py seed_demo --scale pilot --weeks "${DEMO_WEEKS:-8}" --seed 1
  echo "Computing the demo's latest returns and invoices (signing off / issuing all but the newest)..."
  $PY manage.py demo_reports
fi
$PY manage.py collectstatic --noinput -v0
mkdir -p .run
pids=()
cleanup() {
  trap - INT TERM EXIT
  for p in "${pids[@]}"; do kill -- -"$p" 2>/dev/null || true; done
  rm -f .run/web.pid .run/worker.pid .run/beat.pid
  echo; echo "Stopped web, worker and beat."
}
trap cleanup INT TERM EXIT
setsid .venv/bin/celery -A homecare worker -l warning -c 2 >.run/worker.log 2>&1 & pids+=($!); echo $! > .run/worker.pid
setsid .venv/bin/celery -A homecare beat -l warning --scheduler django_celery_beat.schedulers:DatabaseScheduler \
  >.run/beat.log 2>&1 & pids+=($!); echo $! > .run/beat.pid
setsid $PY manage.py runserver 127.0.0.1:${PORT:-8000} & pids+=($!); echo $! > .run/web.pid
sleep 2
$PY manage.py demo_logins --url "http://127.0.0.1:${PORT:-8000}/"
echo "Worker and beat logs: .run/worker.log, .run/beat.log. Ctrl-C stops everything."
wait

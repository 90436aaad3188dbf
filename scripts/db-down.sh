#!/usr/bin/env bash
set -uo pipefail
cd "$(dirname "$0")/.."
[ -f .pg-dir ] || exit 0
DIR=$(cat .pg-dir)
B=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
[ -f "$DIR/data/postmaster.pid" ] && runuser -u postgres -- "$B/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null && echo "PostgreSQL stopped"
exit 0

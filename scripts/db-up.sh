#!/usr/bin/env bash
# Start a private, throwaway PostgreSQL cluster on 127.0.0.1:${PGPORT:-54329} (trust auth, no fsync).
# Idempotent: does nothing when it is already running. Installs PostgreSQL via apt when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PGPORT:-54329}
if ! ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
B=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DIR=${PGDIR:-$PWD/.pg}
# The postgres user must traverse the path and the socket path is limited to 107 bytes.
if ! runuser -u postgres -- test -x "$(dirname "$DIR")" 2>/dev/null || [ ${#DIR} -gt 90 ]; then
  DIR=/tmp/homecare-pg-$(echo "$PWD" | md5sum | cut -c1-8)
fi
mkdir -p "$DIR" && chown postgres: "$DIR"
if [ ! -f "$DIR/data/PG_VERSION" ]; then
  runuser -u postgres -- "$B/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
# Sized for a city's bundle import (docs/bundle.md, Performance): its staging tables, the rota
# tables it writes and their indexes fit in shared buffers (the default 128 MB made a city month's
# import 40% slower), and its WAL does not force a checkpoint halfway. docker-compose.yml's db
# service uses the same values.
TUNING="-c shared_buffers=1GB -c max_wal_size=8GB"
if ! "$B/pg_isready" -h 127.0.0.1 -p "$PORT" -U postgres -q; then
  runuser -u postgres -- "$B/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 start -o \
    "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 $TUNING" >/dev/null
fi
"$B/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='homecare'" | grep -q 1 \
  || "$B/createdb" -h 127.0.0.1 -p "$PORT" -U postgres homecare
# The application's role (web, worker): not a superuser, owns nothing (docs/deploy.md). Migrations
# and the command line's bulk loads run as postgres, the maintenance role here.
"$B/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d homecare -q -v ON_ERROR_STOP=1 -f scripts/db-init/10-app-role.sql >/dev/null
echo "$DIR" > .pg-dir
echo "PostgreSQL on 127.0.0.1:$PORT (data in $DIR)"

#!/usr/bin/env bash
# Start a private Redis on 127.0.0.1:${REDIS_PORT:-63799} with no persistence. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${REDIS_PORT:-63799}
if ! command -v redis-server >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
fi
mkdir -p .run
if ! redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1; then
  redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$PWD/.run/redis.pid" --logfile "$PWD/.run/redis.log" --dir "$PWD/.run"
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
echo "Redis on 127.0.0.1:$PORT"

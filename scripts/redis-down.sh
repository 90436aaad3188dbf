#!/usr/bin/env bash
set -uo pipefail
cd "$(dirname "$0")/.."
[ -f .run/redis.pid ] && kill "$(cat .run/redis.pid)" 2>/dev/null && echo "Redis stopped"
rm -f .run/redis.pid
exit 0

#!/usr/bin/env bash
set -uo pipefail
cd "$(dirname "$0")/.."
for n in web worker beat; do
  [ -f .run/$n.pid ] && kill -- -"$(cat .run/$n.pid)" 2>/dev/null && echo "$n stopped"
  rm -f .run/$n.pid
done
scripts/redis-down.sh
scripts/db-down.sh

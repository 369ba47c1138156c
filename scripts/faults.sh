#!/usr/bin/env bash
# `npm run test:faults`: the fault suite (test/faults, issue 13). It kills and restarts workers, the API, Redis and
# PostgreSQL in the middle of real work and checks every number against a recount from the database afterwards.
#
# Because it restarts them, it runs its own PostgreSQL and Redis (AOF on), with their data in .data/faults and on
# ports of their own (scripts/services.sh --data), and stops them at the end: never the servers `npm test`, the
# demo or anyone else uses. It installs and builds like `npm test`, runs the scenarios one file at a time, prints
# each fault's time to recovery and writes them to .data/faults-results.json. Extra arguments go to jest, e.g.
# `npm run test:faults -- test/faults/redis-restart.spec.ts`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"

say() { printf 'faults: %s\n' "$*" >&2; }

export FAULTS_DATA="$ROOT/.data/faults" FAULTS_PG_PORT=54339 FAULTS_REDIS_PORT=63809
own=(--data "$FAULTS_DATA" --pg-port "$FAULTS_PG_PORT" --redis-port "$FAULTS_REDIS_PORT")
mkdir -p "$FAULTS_DATA"
# One run at a time on this clone: a second one would restart the servers under the first.
exec 8>"$FAULTS_DATA/.run-lock"
if command -v flock >/dev/null && ! flock -n 8; then
  say "waiting for the fault suite already running here"
  flock -w 1200 8
fi
export FAULTS_STARTED_AT=$(date +%s%3N)  # the results give the suite's time, install and build included

bash scripts/install.sh

trap 'bash scripts/services.sh stop "${own[@]}" || true' EXIT
services=$(bash scripts/services.sh env --database postgres "${own[@]}") || exit 1  # it has said what is missing
eval "$services"
export FAULTS_DATABASE_URL="$DATABASE_URL" FAULTS_REDIS_URL="$REDIS_URL"
unset DATABASE_URL REDIS_URL
# Nobody else uses these servers: what an earlier run left in Redis goes (each test file recreates its database).
redis-cli -u "$FAULTS_REDIS_URL" flushall >/dev/null
rm -f "$FAULTS_DATA/recoveries.jsonl"

npx nest build
# fd 8 (the run lock) is not passed on: a process left behind must not keep the next run waiting.
npx jest -c jest.faults.config.js "$@" 8>&-

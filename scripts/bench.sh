#!/usr/bin/env bash
# `npm run bench`: the benchmark of docs/design.md "Performance" on this machine. Finds or starts PostgreSQL and
# Redis (scripts/services.sh), builds, then runs dist/bench/main.js, which for each scenario resets its own
# database (handin_bench) and Redis keys (handin-bench:*), never the demo's or the tests', and starts the API
# and worker processes it measures. Options go to the bench, e.g. `npm run bench -- --rows 200000`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"

bash scripts/install.sh
services=$(bash scripts/services.sh env --database handin_bench) || exit 1  # it has said what is missing
eval "$services"

echo "bench: building" >&2
npx nest build

exec node dist/bench/main.js "$@"

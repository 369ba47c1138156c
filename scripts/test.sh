#!/usr/bin/env bash
# `npm test`: installs dependencies if needed, finds or starts PostgreSQL and Redis (scripts/services.sh),
# builds (one test runs the compiled worker as a separate process), then runs unit, integration and
# end-to-end tests. Extra arguments go to jest, e.g. `npm test -- --selectProjects unit`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"

bash scripts/install.sh

# Tests create and drop their own databases on this server (handin_test_*), never the demo's; runs may overlap.
services=$(bash scripts/services.sh env --database handin_test) || exit 1  # it has said what is missing
eval "$services"
export TEST_DATABASE_URL="$DATABASE_URL" TEST_REDIS_URL="$REDIS_URL"
unset DATABASE_URL REDIS_URL

npx nest build

mkdir -p .data
status=0
results=".data/jest-results-$$.json"  # per run: two runs may overlap
npx jest --json --outputFile="$results" "$@" || status=$?
# One plain closing line that any CI log reader understands.
node -e '
  const r = require(process.argv[1]);
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' "$ROOT/$results" 2>/dev/null || true
rm -f "$results"
exit $status

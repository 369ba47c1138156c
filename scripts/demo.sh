#!/usr/bin/env bash
# `npm run demo`: a realistic day of action on this machine, from scratch every time.
# Finds or starts PostgreSQL and Redis, (re)creates the demo database, imports demo/campaign.json,
# creates a user per role (with a web password), starts the API with its workers, uploads the sample section
# exports and a paper tally, and prints the URL with an e-mail and password (and an API token) per role.
# Ctrl-C stops it.
#   --smoke   stop once everything is loaded and /health/ready answers (used by CI)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
SMOKE=false
[ "${1:-}" = "--smoke" ] && SMOKE=true

say() { printf 'demo: %s\n' "$*" >&2; }

bash scripts/install.sh
services=$(bash scripts/services.sh env --database handin_demo) || exit 1  # it has said what is missing
eval "$services"

mkdir -p .data
[ -s .data/demo-secret ] || node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))' > .data/demo-secret
export REDIS_PREFIX=handin-demo
export STORAGE_DIR="$ROOT/.data/demo-store"
export HANDIN_HMAC_SECRET=$(cat .data/demo-secret)
export PORT=${PORT:-3000}
export LOG_LEVEL=${LOG_LEVEL:-warn}
URL="http://127.0.0.1:$PORT"
export PUBLIC_URL="$URL"

say "building"
npx nest build

say "resetting the demo database and Redis keys"
psql -q "$DATABASE_URL" -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >/dev/null
node -e '
  const Redis = require("ioredis");
  const r = new Redis(process.env.REDIS_URL);
  (async () => {
    let cursor = "0";
    do {
      const [next, keys] = await r.scan(cursor, "MATCH", process.env.REDIS_PREFIX + ":*", "COUNT", 1000);
      if (keys.length) await r.del(...keys);
      cursor = next;
    } while (cursor !== "0");
    await r.quit();
  })();'
rm -rf "$STORAGE_DIR"

node dist/src/database/migrate.js >&2
node dist/src/cli.js campaign:import demo/campaign.json >&2
# Demo passwords only: this database is reset on every run and the API listens on 127.0.0.1.
token() { node dist/src/cli.js users:create "$@" | tail -n 1; }
ADMIN=$(token --email lead@demo.handin --role admin --password demo-lead-2017)
NL=$(token --email coordinator-nl@demo.handin --role coordinator --section NL --password demo-nl-2017)
TW=$(token --email coordinator-tw@demo.handin --role coordinator --section TW --password demo-tw-2017)
HAGUE=$(token --email activist-hague@demo.handin --role activist --delivery-point HAGUE --password demo-hague-2017)

node dist/src/main.js &
API=$!
trap 'kill $API 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fs "$URL/health/ready" >/dev/null 2>&1 && break
  kill -0 $API 2>/dev/null || { say "the API did not start (see the messages above)"; exit 1; }
  sleep 0.5
done

say "uploading the sample section exports"
node dist/src/demo/sample-batches.js .data/demo-batches > .data/demo-batches.json
node -e '
  const batches = require("./.data/demo-batches.json");
  for (const b of batches) console.log(b.section + "\t" + b.file);' |
while IFS=$'\t' read -r section file; do
  curl -fsS -H "Authorization: Bearer $ADMIN" -F "file=@$file" "$URL/api/campaigns/chechnya-2017/sections/$section/batches" >/dev/null
done
curl -fsS -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d "$(node -p 'JSON.stringify({kind: "tally", ...require("./dist/src/demo/sample-batches.js").SAMPLE_TALLY, section: undefined})')" \
  "$URL/api/campaigns/chechnya-2017/sections/$(node -p 'require("./dist/src/demo/sample-batches.js").SAMPLE_TALLY.section')/batches" >/dev/null

say "waiting for the batches to be counted"
for _ in $(seq 1 120); do
  pending=$(curl -fs -H "Authorization: Bearer $ADMIN" "$URL/api/campaigns/chechnya-2017/totals" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const t=JSON.parse(s);console.log(t.online>0?0:1)})')
  [ "$pending" = 0 ] && sleep 2 && break
  sleep 0.5
done
curl -fs "$URL/health/ready" >/dev/null || { say "the service is not ready"; exit 1; }

say "generating the hand-in packs"
curl -fsS -X POST -H "Authorization: Bearer $ADMIN" "$URL/api/campaigns/chechnya-2017/packs" >/dev/null
for _ in $(seq 1 120); do
  curl -fs -H "Authorization: Bearer $HAGUE" "$URL/api/campaigns/chechnya-2017/delivery-points/HAGUE/pack" | grep -q '"status":"done"' && break
  sleep 0.5
done

cat <<MSG

Handin is running at $URL with the sample day of action "chechnya-2017" loaded.
Open it in a browser and sign in:

  campaign lead (admin)          lead@demo.handin             demo-lead-2017
  coordinator, section NL        coordinator-nl@demo.handin   demo-nl-2017
  coordinator, section TW        coordinator-tw@demo.handin   demo-tw-2017
  activist, The Hague embassy    activist-hague@demo.handin   demo-hague-2017

For scripts, the API takes the same people's tokens:
  live totals (campaign lead):  curl -H "Authorization: Bearer $ADMIN" $URL/api/campaigns/chechnya-2017/totals
  public counter (anyone):      curl $URL/public/campaigns/chechnya-2017/counter
  The Hague's pack (activist):  curl -OJ -H "Authorization: Bearer $HAGUE" $URL/api/campaigns/chechnya-2017/delivery-points/HAGUE/pack.pdf
  all packs (campaign lead):    curl -OJ -H "Authorization: Bearer $ADMIN" $URL/api/campaigns/chechnya-2017/packs.zip

API tokens (send as "Authorization: Bearer <token>"):
  campaign lead (admin)          $ADMIN
  coordinator, section NL        $NL
  coordinator, section TW        $TW
  activist, The Hague embassy    $HAGUE

$(curl -fs "$URL/public/campaigns/chechnya-2017/counter")
MSG

if $SMOKE; then
  say "smoke run finished: /health/ready answered"
  exit 0
fi
say "press Ctrl-C to stop"
wait $API

#!/usr/bin/env bash
# Finds or starts the PostgreSQL and Redis that Handin needs, without Docker.
#
#   eval "$(bash scripts/services.sh env [--database NAME])"   # exports DATABASE_URL and REDIS_URL
#   bash scripts/services.sh stop [postgres|redis]              # stops the private servers, if running
#
# Both take --data DIR --pg-port N --redis-port N for a pair of private servers of the caller's own, with
# their data in DIR, on those ports: then only steps 3 and 4 below apply (never DATABASE_URL, REDIS_URL or
# the local servers), so a caller may stop and restart them at will (the fault suite, scripts/faults.sh).
#
# The order (docs/design.md, "Running it") is decided separately for PostgreSQL and for Redis:
#   1. DATABASE_URL / REDIS_URL from the environment, if reachable. With --database, DATABASE_URL's
#      server is kept but database NAME is used.
#   2. The local servers: 127.0.0.1:5432 (user postgres, trust auth) and 127.0.0.1:6379.
#      HANDIN_SKIP_LOCAL=1 skips this step, so the private servers can be tested on a machine
#      whose shared local servers must not be touched.
#   3. Private servers started from the machine's binaries, with their data in <project>/.data
#      (PostgreSQL on 127.0.0.1:54329, Redis on 127.0.0.1:63799), reused when already running.
#   4. Binaries missing: installed with apt-get when we are root, otherwise a message that says
#      what to install.
# The database NAME (default "handin" on the local and private servers) is created if missing.
#
# stdout is eval'ed by the caller, so it carries only the two export lines; every message goes to
# stderr, prefixed "services:".
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
DATA="$ROOT/.data"
PRIVATE_PG_PORT=54329
PRIVATE_REDIS_PORT=63799
DEFAULT_DATABASE=handin
OWN_SERVERS=''   # set by --data

# Keep the caller's stdout on fd 3 for the export lines; anything a tool prints (apt-get, initdb,
# pg_ctl) then lands on stderr and cannot corrupt what the caller evals.
exec 3>&1 1>&2

# libpq gives up on a server that does not answer after this many seconds (psql, createdb).
export PGCONNECT_TIMEOUT=3

say() { printf 'services: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

usage() {
  cat >&2 <<'EOF'
usage: eval "$(bash scripts/services.sh env [--database NAME] [--data DIR --pg-port N --redis-port N])"
       bash scripts/services.sh stop [postgres|redis] [--data DIR --pg-port N --redis-port N]
EOF
}

# ---------------------------------------------------------------------------------------------
# URLs

# Hides the password when a URL is printed.
redact() { sed -E 's#(://[^:/@]*):[^@/]*@#\1:***@#' <<<"$1"; }

# with_database "postgres://u:p@h:1/old?sslmode=require" new -> "postgres://u:p@h:1/new?sslmode=require"
with_database() {
  local url=$1 name=$2 query='' authority
  if [[ $url == *\?* ]]; then query="?${url#*\?}"; url=${url%%\?*}; fi
  authority=${url#*://}
  authority=${authority%%/*}
  printf '%s://%s/%s%s' "${url%%://*}" "$authority" "$name" "$query"
}

# The database named in a URL's path, or nothing.
database_of() {
  local rest=${1%%\?*}
  rest=${rest#*://}
  if [[ $rest == */* ]]; then printf '%s' "${rest#*/}"; fi
}

# Single-quotes a value for the caller's eval (URLs carry ? and & and may carry odd passwords).
quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# ---------------------------------------------------------------------------------------------
# Probes. Each one is bounded by a few seconds, so a dead URL costs little before falling through.

REASON=''   # why the last probe failed, for the message that follows it

pg_query() { psql -w -X -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>/dev/null; }

# Succeeds if the server in URL answers, lets us in, and has (or now has) URL's database.
pg_usable() {
  local url=$1 name maint
  if ! pg_isready -q -t 2 -d "$url" >/dev/null 2>&1; then REASON='not answering'; return 1; fi
  if pg_query "$url" 'select 1' >/dev/null; then return 0; fi
  # Perhaps only the database is missing: create it through the maintenance database.
  name=$(database_of "$url")
  maint=$(with_database "$url" postgres)
  if [[ -z $name ]] || ! pg_query "$maint" 'select 1' >/dev/null; then
    REASON='answering but refused our login'; return 1
  fi
  if [[ -z $(pg_query "$maint" "select 1 from pg_database where datname = '$name'") ]]; then
    say "creating database $name on $(redact "$maint")"
    # Two calls racing may both try; the loser's error is harmless, the check below decides.
    createdb -w --maintenance-db="$maint" "$name" 2>/dev/null || true
  fi
  if pg_query "$url" 'select 1' >/dev/null; then return 0; fi
  REASON="answering but database $name cannot be used or created"
  return 1
}

# redis-cli has no connect timeout of its own; an error reply (NOAUTH, LOADING) is not PONG.
redis_usable() {
  if [[ $(timeout 3 redis-cli --no-auth-warning -u "$1" ping 2>/dev/null) == PONG ]]; then return 0; fi
  REASON='not answering PING'
  return 1
}

# ---------------------------------------------------------------------------------------------
# Installing what is missing

APT_UPDATED=0

# install_or_die "what is missing" VARIABLE-that-avoids-it-or-empty debian-package...
install_or_die() {
  local what=$1 variable=$2 alternative=''; shift 2
  if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null; then
    if [[ -n $variable ]]; then alternative=", or set $variable to a server you already run"; fi
    die "$what not found. Install the package $* (Debian/Ubuntu: sudo apt-get install $*)$alternative."
  fi
  say "$what not found; installing $* with apt-get"
  if [[ $APT_UPDATED == 0 ]]; then apt-get update -q; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

# Debian ships the server tools outside PATH (/usr/lib/postgresql/<version>/bin). Prefer the
# version that created an existing private cluster (a newer one cannot open it), then the newest.
PG_BIN=''
find_pg_bin() {
  local dir candidates=() installed=()
  if [[ -f ${PG_HOME:-}/data/PG_VERSION ]]; then
    candidates+=("/usr/lib/postgresql/$(<"$PG_HOME/data/PG_VERSION")/bin")
  fi
  mapfile -t installed < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV)
  candidates+=("${installed[@]}")
  if command -v pg_ctl >/dev/null; then
    candidates+=("$(dirname "$(readlink -f "$(command -v pg_ctl)")")")
  fi
  for dir in "${candidates[@]}"; do
    if [[ -x $dir/initdb && -x $dir/pg_ctl && -x $dir/postgres ]]; then PG_BIN=$dir; return 0; fi
  done
  return 1
}

# ---------------------------------------------------------------------------------------------
# Private servers

# Serialises concurrent calls, so two test runs cannot both initdb or start the same server.
lock_data() {
  [[ -n ${DATA_LOCKED:-} ]] && return 0
  # Readable by all: as root, the PostgreSQL user must be able to reach .data/postgres.
  [[ -d $DATA ]] || mkdir -m 755 "$DATA"
  if command -v flock >/dev/null; then
    exec 9>"$DATA/.lock"
    flock -w 120 9 || die "another services.sh call holds $DATA/.lock"
  fi
  DATA_LOCKED=1
}

# PostgreSQL refuses to run as root, so as root the server runs as an unprivileged user. That user
# must be able to reach the data folder; a clone under /root (mode 700) is not reachable, and then
# the cluster lives in /var/tmp instead, named after the project path so each clone has its own (or
# after the --data folder, so that it has its own too).
PG_USER=''
PG_HOME=''
fallback_home() { printf '/var/tmp/handin-postgres-%s' "$(printf '%s' "$1" | cksum | cut -d' ' -f1)"; }
PG_FALLBACK_HOME=$(fallback_home "$ROOT")

# Sets PG_HOME and PG_USER for an existing cluster; fails if there is none.
find_pg_cluster() {
  local home
  for home in "$DATA/postgres" "$PG_FALLBACK_HOME"; do
    if [[ -f $home/data/PG_VERSION ]]; then
      PG_HOME=$home
      PG_USER=$(stat -c %U "$home/data")
      return 0
    fi
  done
  return 1
}

# Sets PG_HOME and PG_USER for a cluster about to be created.
choose_pg_home() {
  if [[ $EUID -ne 0 ]]; then PG_USER=$(id -un); PG_HOME=$DATA/postgres; return 0; fi
  PG_USER=postgres
  if ! id -u "$PG_USER" >/dev/null 2>&1; then
    PG_USER=handin-pg
    if ! id -u "$PG_USER" >/dev/null 2>&1; then
      say "creating system user $PG_USER to run the private PostgreSQL"
      useradd --system --user-group --no-create-home --home-dir /nonexistent \
              --shell /usr/sbin/nologin "$PG_USER"
    fi
  fi
  if runuser -u "$PG_USER" -- test -x "$DATA"; then
    PG_HOME=$DATA/postgres
  else
    say "user $PG_USER cannot reach $DATA; keeping the private PostgreSQL in $PG_FALLBACK_HOME"
    PG_HOME=$PG_FALLBACK_HOME
  fi
}

# Runs a command as the cluster's owner, from /, since that user may not be able to read the
# caller's working directory.
as_pg() {
  if [[ $(id -un) == "$PG_USER" ]]; then (cd / && "$@"); else (cd / && runuser -u "$PG_USER" -- "$@"); fi
}

# Runs a command that leaves a server behind, with only stdin, stdout and stderr passed on. The
# server would otherwise inherit the caller's $(...) pipe on fd 3 (the caller then waits forever for
# end of output), the lock on fd 9 (the next call then waits for it), or a CI runner's log pipe.
detached() (
  local fd
  for fd in /proc/self/fd/*; do
    fd=${fd##*/}
    if ((fd > 2)); then eval "exec $fd>&-"; fi
  done
  "$@"
)

pg_running() { as_pg "$PG_BIN/pg_ctl" -D "$PG_HOME/data" status >/dev/null 2>&1; }

init_private_postgres() {
  local locale=C locales
  # C.UTF-8 (as on the local server) so lower()/upper() handle non-ASCII names and e-mails.
  locales=$(locale -a 2>/dev/null || true)
  if grep -qix 'c\.utf-\?8' <<<"$locales"; then locale=C.UTF-8; fi
  mkdir -p "$PG_HOME"
  chown "$PG_USER:" "$PG_HOME"
  chmod 700 "$PG_HOME"
  say "creating a private PostgreSQL cluster in $PG_HOME/data"
  # Trust auth is safe here only because the server listens on 127.0.0.1 and a private socket.
  if ! as_pg "$PG_BIN/initdb" -D "$PG_HOME/data" -U postgres --auth=trust -E UTF8 \
         --locale="$locale" >"$PG_HOME/initdb.log" 2>&1; then
    tail -n 20 "$PG_HOME/initdb.log" >&2
    die "initdb failed; log: $PG_HOME/initdb.log"
  fi
  echo "include_if_exists = 'handin.conf'" | as_pg tee -a "$PG_HOME/data/postgresql.conf" >/dev/null
}

# Rewritten before every start, so a moved clone gets a socket folder that exists. The socket
# lives in our folder rather than /var/run/postgresql, which may be missing or belong to the
# machine's own server; a path too long for a Unix socket (107 bytes) means TCP only.
write_private_pg_conf() {
  local run=$PG_HOME/run sockets
  as_pg mkdir -p "$run"
  sockets=$run
  if (( ${#run} + ${#PRIVATE_PG_PORT} + 10 > 107 )); then sockets=''; fi
  as_pg tee "$PG_HOME/data/handin.conf" >/dev/null <<EOF
# Written by scripts/services.sh before each start; change that script instead.
listen_addresses = '127.0.0.1'
port = $PRIVATE_PG_PORT
unix_socket_directories = '$sockets'
EOF
}

start_private_postgres() {
  local name=$1 url="postgres://postgres@127.0.0.1:$PRIVATE_PG_PORT/$1"
  lock_data
  find_pg_cluster || choose_pg_home
  find_pg_bin || die "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found"
  if pg_running; then
    say "reusing the private PostgreSQL on 127.0.0.1:$PRIVATE_PG_PORT ($PG_HOME/data)"
  else
    [[ -f $PG_HOME/data/PG_VERSION ]] || init_private_postgres
    write_private_pg_conf
    say "starting a private PostgreSQL on 127.0.0.1:$PRIVATE_PG_PORT ($PG_HOME/data)"
    if ! detached as_pg "$PG_BIN/pg_ctl" -D "$PG_HOME/data" -l "$PG_HOME/postgres.log" -w -t 60 start >/dev/null; then
      tail -n 20 "$PG_HOME/postgres.log" >&2 || true
      die "the private PostgreSQL did not start (port $PRIVATE_PG_PORT taken?); log: $PG_HOME/postgres.log"
    fi
  fi
  pg_usable "$url" || die "the private PostgreSQL on 127.0.0.1:$PRIVATE_PG_PORT is $REASON"
  DB_URL=$url
}

REDIS_DIR=$DATA/redis
PRIVATE_REDIS_URL="redis://127.0.0.1:$PRIVATE_REDIS_PORT"

# The folder a Redis on our port keeps its data in: ours, or another project's.
private_redis_dir() {
  timeout 3 redis-cli -p "$PRIVATE_REDIS_PORT" config get dir 2>/dev/null | sed -n 2p
}

start_private_redis() {
  local i
  lock_data
  if redis_usable "$PRIVATE_REDIS_URL"; then
    [[ $(private_redis_dir) == "$REDIS_DIR" ]] ||
      die "127.0.0.1:$PRIVATE_REDIS_PORT is taken by another Redis (data in $(private_redis_dir)); stop it or set REDIS_URL"
    say "reusing the private Redis on 127.0.0.1:$PRIVATE_REDIS_PORT ($REDIS_DIR)"
    REDIS_OUT=$PRIVATE_REDIS_URL
    return 0
  fi
  mkdir -p "$REDIS_DIR"
  say "starting a private Redis on 127.0.0.1:$PRIVATE_REDIS_PORT ($REDIS_DIR)"
  # AOF so queued jobs survive a crash; noeviction because BullMQ loses jobs if keys are evicted.
  detached redis-server --daemonize yes --bind 127.0.0.1 --port "$PRIVATE_REDIS_PORT" \
    --dir "$REDIS_DIR" --appendonly yes --maxmemory-policy noeviction \
    --logfile "$REDIS_DIR/redis.log" --pidfile "$REDIS_DIR/redis.pid" >/dev/null
  # It answers LOADING while it replays the AOF, so wait for a real PONG.
  for ((i = 0; i < 60; i++)); do
    if redis_usable "$PRIVATE_REDIS_URL"; then REDIS_OUT=$PRIVATE_REDIS_URL; return 0; fi
    sleep 0.5
  done
  tail -n 20 "$REDIS_DIR/redis.log" >&2 || true
  die "the private Redis did not start; log: $REDIS_DIR/redis.log"
}

# ---------------------------------------------------------------------------------------------
# Choosing

DB_URL=''
REDIS_OUT=''

# Step 2 is skipped on request, and for a caller with servers of its own (--data).
skip_local() { [[ ${HANDIN_SKIP_LOCAL:-} == 1 || -n $OWN_SERVERS ]]; }

choose_postgres() {
  local name=$1 url local_url
  if ! command -v psql >/dev/null || ! command -v pg_isready >/dev/null || ! command -v createdb >/dev/null; then
    install_or_die "PostgreSQL client (psql, pg_isready, createdb)" '' postgresql-client
  fi

  if [[ -n ${DATABASE_URL:-} && -z $OWN_SERVERS ]]; then
    url=$DATABASE_URL
    if [[ -n $name ]]; then url=$(with_database "$url" "$name"); fi
    if pg_usable "$url"; then DB_URL=$url; say "PostgreSQL: DATABASE_URL $(redact "$url")"; return 0; fi
    say "DATABASE_URL $(redact "$url") is $REASON; trying the next option"
  fi

  name=${name:-$DEFAULT_DATABASE}
  local_url="postgres://postgres@127.0.0.1:5432/$name"
  if skip_local; then
    say "HANDIN_SKIP_LOCAL=1 or --data: not using the local PostgreSQL"
  elif pg_usable "$local_url"; then
    DB_URL=$local_url; say "PostgreSQL: local server, $local_url"; return 0
  else
    say "local PostgreSQL on 127.0.0.1:5432 is $REASON; using a private one"
  fi

  find_pg_cluster || true
  if ! find_pg_bin; then
    install_or_die "PostgreSQL server (initdb, pg_ctl, postgres)" DATABASE_URL postgresql
    # Debian's package may have started its own cluster on 5432. If it lets us in, use it now:
    # the next call would find it at step 2, and both calls must pick the same server.
    if ! skip_local && pg_usable "$local_url"; then
      DB_URL=$local_url; say "PostgreSQL: local server, $local_url"; return 0
    fi
  fi
  start_private_postgres "$name"
  say "PostgreSQL: private server, $DB_URL"
}

choose_redis() {
  local local_url=redis://127.0.0.1:6379
  if ! command -v redis-cli >/dev/null; then
    install_or_die "Redis client (redis-cli)" '' redis-tools
  fi

  if [[ -n ${REDIS_URL:-} && -z $OWN_SERVERS ]]; then
    if redis_usable "$REDIS_URL"; then REDIS_OUT=$REDIS_URL; say "Redis: REDIS_URL $(redact "$REDIS_URL")"; return 0; fi
    say "REDIS_URL $(redact "$REDIS_URL") is $REASON; trying the next option"
  fi

  if skip_local; then
    say "HANDIN_SKIP_LOCAL=1 or --data: not using the local Redis"
  elif redis_usable "$local_url"; then
    REDIS_OUT=$local_url; say "Redis: local server, $local_url"; return 0
  else
    say "local Redis on 127.0.0.1:6379 is $REASON; using a private one"
  fi

  if ! command -v redis-server >/dev/null; then
    install_or_die "Redis server (redis-server)" REDIS_URL redis-server
    # As for PostgreSQL: Debian starts its own Redis on 6379; use it if the next call would.
    if ! skip_local && redis_usable "$local_url"; then
      REDIS_OUT=$local_url; say "Redis: local server, $local_url"; return 0
    fi
  fi
  start_private_redis
  say "Redis: private server, $REDIS_OUT"
}

# ---------------------------------------------------------------------------------------------
# Commands

cmd_env() {
  local name=''
  while (($#)); do
    case $1 in
      --database) [[ $# -ge 2 ]] || { usage; exit 2; }; name=$2; shift 2 ;;
      --database=*) name=${1#*=}; shift ;;
      *) usage; exit 2 ;;
    esac
  done
  # The name goes into URLs and a SQL literal unquoted, so keep it plain.
  if [[ -n $name && ! $name =~ ^[A-Za-z_][A-Za-z0-9_-]{0,62}$ ]]; then
    die "--database '$name': use letters, digits, _ and - only, starting with a letter or _"
  fi

  choose_postgres "$name"
  choose_redis
  printf 'export DATABASE_URL=%s\nexport REDIS_URL=%s\n' "$(quote "$DB_URL")" "$(quote "$REDIS_OUT")" >&3
}


cmd_stop() {
  local which=${1:-both} i
  [[ $# -le 1 && $which =~ ^(postgres|redis|both)$ ]] || { usage; exit 2; }
  lock_data
  if [[ $which != redis ]]; then
    if find_pg_cluster && find_pg_bin && pg_running; then
      say "stopping the private PostgreSQL ($PG_HOME/data)"
      as_pg "$PG_BIN/pg_ctl" -D "$PG_HOME/data" -m fast -w stop >/dev/null
    else
      say "the private PostgreSQL is not running"
    fi
  fi

  [[ $which != postgres ]] || return 0
  if redis_usable "$PRIVATE_REDIS_URL" && [[ $(private_redis_dir) == "$REDIS_DIR" ]]; then
    say "stopping the private Redis ($REDIS_DIR)"
    timeout 10 redis-cli -p "$PRIVATE_REDIS_PORT" shutdown >/dev/null 2>&1 || true
    for ((i = 0; i < 40; i++)); do
      redis_usable "$PRIVATE_REDIS_URL" || return 0
      sleep 0.25
    done
    die "the private Redis on 127.0.0.1:$PRIVATE_REDIS_PORT did not stop"
  else
    say "the private Redis is not running"
  fi
}

# --data DIR --pg-port N --redis-port N: the caller's own private servers, in DIR, on those ports.
own_servers() {
  local data=$1 pg_port=$2 redis_port=$3
  [[ -n $data && $pg_port =~ ^[0-9]+$ && $redis_port =~ ^[0-9]+$ ]] ||
    die "--data, --pg-port and --redis-port go together: a folder and two port numbers"
  mkdir -p "$data"
  DATA=$(cd "$data" && pwd -P)  # as Redis reports its folder, for the check that a Redis on our port is ours
  PRIVATE_PG_PORT=$pg_port
  PRIVATE_REDIS_PORT=$redis_port
  PG_FALLBACK_HOME=$(fallback_home "$DATA")
  REDIS_DIR=$DATA/redis
  PRIVATE_REDIS_URL="redis://127.0.0.1:$PRIVATE_REDIS_PORT"
  OWN_SERVERS=1
}

command=${1:-}
(($#)) && shift
args=()
data='' pg_port='' redis_port=''
while (($#)); do
  case $1 in
    --data|--pg-port|--redis-port)
      [[ $# -ge 2 ]] || { usage; exit 2; }
      case $1 in --data) data=$2 ;; --pg-port) pg_port=$2 ;; --redis-port) redis_port=$2 ;; esac
      shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [[ -n $data$pg_port$redis_port ]]; then own_servers "$data" "$pg_port" "$redis_port"; fi

case $command in
  env) cmd_env "${args[@]}" ;;
  stop) cmd_stop "${args[@]}" ;;
  -h|--help|help) usage ;;
  *) usage; exit 2 ;;
esac

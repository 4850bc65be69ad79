#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL cluster for the store tests.
#   scripts/pg-throwaway.sh start DIR [PORT]   prints the DSN for CHOKEPOINT_TEST_POSTGRES
#   scripts/pg-throwaway.sh stop DIR
# It needs Debian's postgresql package. As root it runs the server as the
# postgres user. The cluster trusts local connections only: it is for tests,
# it listens on 127.0.0.1 and its socket lives inside DIR.
set -euo pipefail
cmd=${1:?start or stop}; dir=${2:?cluster directory}; port=${3:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "pg-throwaway: no PostgreSQL server found (apt-get install -y postgresql)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case $cmd in
start)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-instructions >"$dir/initdb.log"
  fi
  # Default durability settings, so that timings taken on it are honest.
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  ;;
stop)
  as_pg "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null
  ;;
*) echo "pg-throwaway: unknown command $cmd" >&2; exit 2 ;;
esac

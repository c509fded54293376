#!/usr/bin/env bash
# bench/write_path.sh — writes while the public page is read.
# For SQLite and for PostgreSQL (a database created on 127.0.0.1:5432, dropped at the end):
# ratify in release on a fresh database with ~300 SYNTHETIC events, then for ${SECS:-10} s
# 16 concurrent writers (bench/driver/src/writer.rs) post SYNTHETIC events through the API while
# `wrk -t2 -c64` reads `/`. Prints writes/s, errors, and freshness: the time from a 201 until
# /api/v1/status (through the same response cache as `/`) shows the write. Target: p99 ≤ 1 s.
# Requires: Rust (cargo), curl, python3, wrk (Debian), PostgreSQL reachable at
# ${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres} with psql for the second part.
# Exits non-zero only if it cannot run; a missed target is printed, not failed.
source "$(dirname "$0")/lib.sh"
need wrk wrk; need curl curl
build
SECS=${SECS:-10}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
echo "# write_path — $(date -u +%FT%TZ) — $(machine); 16 writers + wrk -t2 -c64 on / for ${SECS}s"

run_on() { # run_on LABEL DATABASE_URL
  RATIFY_DATABASE_URL="$2" RATIFY_LOG=warn "$BIN" migrate >/dev/null
  local tok; tok=$(token "$2")
  start_ratify "$2"
  "$WRITER" fill "$BASE" "$tok" 300 >/dev/null
  wrk -t2 -c64 -d"$((SECS + 1))s" --latency "$BASE/" >"$WORK/wrk-$1.txt" 2>&1 &
  local wrk_pid=$!
  echo -n "$1: "
  "$WRITER" write "$BASE" "$tok" 16 "$SECS"
  wait "$wrk_pid"
  echo "$1: readers on / meanwhile: $(grep -E 'Requests/sec' "$WORK/wrk-$1.txt" | tr -s ' '), p99 $(grep -E '^ +99%' "$WORK/wrk-$1.txt" | tr -s ' '), $(grep -cE 'Non-2xx|Socket errors' "$WORK/wrk-$1.txt") error lines"
  grep -E 'Non-2xx|Socket errors' "$WORK/wrk-$1.txt" | sed "s/^/$1: wrk: /" || true
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true; unset 'PIDS[-1]'
}

run_on sqlite "$WORK/w.sqlite3"
if command -v psql >/dev/null && psql "$PG_ADMIN_URL" -qc 'select 1' >/dev/null 2>&1; then
  PGDB="ratify_bench_$$"
  psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $PGDB" >/dev/null
  trap 'psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1; cleanup' EXIT
  run_on postgres "${PG_ADMIN_URL%/*}/$PGDB"
else
  echo "postgres: skipped — no PostgreSQL at $PG_ADMIN_URL (or no psql)"
fi

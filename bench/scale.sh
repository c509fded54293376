#!/usr/bin/env bash
# bench/scale.sh — ratify at national scale, on SYNTHETIC data only (nothing here is real).
# A national instance: 311 parties = 290 municipalities + 21 regions, and 10k / 100k / 1M events.
# 1. The rules engine in memory (bench/driver/src/scale.rs): the status (`ratification::evaluate`)
#    and the as-of status for every day of a year (`adoption_history`; and 365 separate evaluates).
# 2. `/` rendered uncached through HTTP by the release binary on SQLite: the 50 seeded parties plus
#    261 SYNTHETIC ones ("Syntetisk kommun/region N", not on the map, which is drawn for the real
#    county), N generated events inserted straight into the database (sqlite3). Each request has a
#    new `?datum=`, so each is a cache miss on the log loaded once (the first request, timed apart):
#    evaluate + history chart + render.
# Targets (at 100k): status < 5 ms, render < 20 ms, the year < 1 s.
# Requires: Rust (cargo), curl, python3, sqlite3 (Debian; installed with apt if missing).
# Usage: bench/scale.sh [EVENTS ...]. Exits non-zero only if it cannot run.
source "$(dirname "$0")/lib.sh"
need sqlite3 sqlite3; need curl curl
SIZES=("$@"); [ ${#SIZES[@]} -eq 0 ] && SIZES=(10000 100000 1000000)
build # the service and bench/driver (PROFILE=debug only tries the script; its figures mean nothing)
echo "# scale — $(date -u +%FT%TZ) — $(machine)"
echo "## 1. rules engine in memory (median of repeated runs)"
"$ROOT/target/$PROFILE/scale" "${SIZES[@]}"
echo "## 2. / uncached over HTTP, 50 real + 261 SYNTHETIC parties, N SYNTHETIC events ($PROFILE binary, SQLite)"
for n in "${SIZES[@]}"; do
  DB="$WORK/scale-$n.sqlite3"
  RATIFY_DATABASE_URL="$DB" RATIFY_LOG=warn "$BIN" migrate >/dev/null
  sqlite3 "$DB" <<SQL
WITH RECURSIVE s(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM s WHERE j < 261)
INSERT INTO parties (code, name, kind, subregion, population, population_year)
SELECT printf('S%03d', j), printf('Syntetisk %s %d', CASE WHEN j <= 20 THEN 'region' ELSE 'kommun' END, j),
  CASE WHEN j <= 20 THEN 'region' ELSE 'municipality' END, CASE WHEN j <= 20 THEN NULL ELSE 'Syntetisk' END,
  1000 + (j * 7919) % 500000, 2025
FROM s;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $n - 1),
  p AS (SELECT code, row_number() OVER (ORDER BY code) - 1 AS k FROM parties)
INSERT INTO events (agreement_id, party_code, status, body, decided_on, note, recorded_by, recorded_at)
SELECT (SELECT id FROM agreements LIMIT 1), p.code,
  CASE i % 4 WHEN 0 THEN 'in_preparation' WHEN 1 THEN 'proposed' WHEN 2 THEN 'adopted' ELSE 'referred_back' END,
  CASE WHEN i % 4 >= 2 THEN (CASE WHEN p.code = '14' OR p.code <= 'S020' AND p.code LIKE 'S%' THEN 'RF' ELSE 'KF' END) END,
  CASE WHEN i % 4 >= 2 THEN date('2025-01-01', '+' || ((i * 7) % 690) || ' days') END,
  'syntetisk benchmarkhändelse', 'syntetisk',
  datetime('2025-01-01', '+' || ((i * 7) % 690) || ' days', '+' || (i % 86000) || ' seconds')
FROM n JOIN p ON p.k = n.i % 311;
SQL
  start_ratify "$DB"
  # The first request loads the log and prepares it (what the first reader after a write pays);
  # every later date is a new key on the same snapshot: evaluate + history chart + render.
  first=$(curl -fs -o /dev/null -w "%{time_total}" "$BASE/")
  for d in $(seq 0 10); do
    curl -fs -o /dev/null -w "%{time_total}\n" "$BASE/?datum=$(date -d "2026-06-01 + $d days" +%F)"
  done | python3 -c "import sys; v=sorted(float(x)*1000 for x in sys.stdin); print(f'{$n:>9} events: / uncached median {v[len(v)//2]:.1f} ms, max {v[-1]:.1f} ms; first after start (load + prepare + render) {float(\"$first\")*1000:.0f} ms')"
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true; unset 'PIDS[-1]'
done

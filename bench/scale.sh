#!/usr/bin/env bash
# bench/scale.sh — ratify at national scale, on SYNTHETIC data only (nothing here is real).
# 1. The rules engine in memory (bench/driver/src/scale.rs): one agreement of 311 parties
#    (290 municipalities + 21 regions) with N events: the status (`ratification::evaluate`) and
#    the as-of status for every day of a year (`adoption_history`; and 365 separate evaluates).
# 2. Many agreements on one instance, through HTTP, release binary on SQLite: the registry's 311
#    parties (seeded), 21 county agreements (`ratify agreement add` with a five-line file each:
#    `county = "XX"`), one national agreement of all 310 bodies (311 less Region Gotland, which is
#    municipality 0980), and SYNTHETIC agreements over a county's
#    parties ("syntetiskt-K") until there are about N/10 000 agreements; N generated events
#    inserted straight into the database (sqlite3), spread evenly over every (agreement, party)
#    pair. For the national agreement (the largest) and Skåne's (34 parties): the status
#    (/api/v1/agreements/{slug}/status, a new `as_of` each time: a cache miss on the held log),
#    the uncached render of /avtal/{slug} (a new `?datum=` each time), the first request after
#    start, and the first request after a write to that agreement (POST an event, then GET).
# Targets at 1M: status < 5 ms, render < 20 ms, the year < 1 s, first after a write < 20 ms.
# Requires: Rust (cargo), curl, python3, sqlite3 (Debian; installed with apt if missing).
# Usage: bench/scale.sh [EVENTS ...]. Exits non-zero only if it cannot run.
source "$(dirname "$0")/lib.sh"
need sqlite3 sqlite3; need curl curl
SIZES=("$@"); [ ${#SIZES[@]} -eq 0 ] && SIZES=(10000 100000 1000000)
build # the service and bench/driver (PROFILE=debug only tries the script; its figures mean nothing)
echo "# scale — $(date -u +%FT%TZ) — $(machine)"
echo "## 1. rules engine in memory (median of repeated runs)"
"$ROOT/target/$PROFILE/scale" "${SIZES[@]}"
echo "## 2. many agreements over HTTP: 311 registry parties, 21 county + 1 national + SYNTHETIC agreements, N SYNTHETIC events ($PROFILE binary, SQLite)"
COUNTIES=$(cut -d, -f4 "$ROOT/assets/registry.csv" | tail -n +2 | sort -u)
median() { python3 -c "import sys; v=sorted(float(x)*1000 for x in sys.stdin); print(f'median {v[len(v)//2]:.1f} ms, max {v[-1]:.1f} ms')"; }
add_agreement() { # add_agreement DB SLUG TOML-BODY
  printf 'slug = "%s"\ntitle = "Syntetiskt benchmarkavtal %s"\nstarts_on = 2028-01-01\n%s\n' "$2" "$2" "$3" >"$WORK/a.toml"
  RATIFY_DATABASE_URL="$1" RATIFY_LOG=warn "$BIN" agreement add "$WORK/a.toml" >/dev/null
}
for n in "${SIZES[@]}"; do
  DB="$WORK/scale-$n.sqlite3"
  RATIFY_DATABASE_URL="$DB" RATIFY_LOG=warn "$BIN" migrate >/dev/null
  for c in $COUNTIES; do add_agreement "$DB" "lan-$c" "county = \"$c\""; done
  all=$(cut -d, -f1 "$ROOT/assets/registry.csv" | tail -n +2 | grep -vx 09 | sed 's/.*/"&"/' | paste -sd,)
  add_agreement "$DB" nationellt "parties = [$all]
region_required = false"
  extra=$(( n / 10000 - 22 )); k=0
  while [ "$k" -lt "$extra" ]; do
    c=$(echo "$COUNTIES" | sed -n "$(( k % 21 + 1 ))p"); add_agreement "$DB" "syntetiskt-$k" "county = \"$c\""; k=$((k + 1))
  done
  sqlite3 "$DB" <<SQL
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $n - 1),
  m AS (SELECT agreement_id, party_code, row_number() OVER (ORDER BY agreement_id, party_code) - 1 AS k
        FROM agreement_parties WHERE agreement_id <> (SELECT id FROM agreements WHERE slug = 'hos-2027')),
  c AS (SELECT count(*) AS total FROM m)
INSERT INTO events (agreement_id, party_code, status, body, decided_on, note, recorded_by, recorded_at)
SELECT m.agreement_id, m.party_code,
  CASE i % 4 WHEN 0 THEN 'in_preparation' WHEN 1 THEN 'proposed' WHEN 2 THEN 'adopted' ELSE 'referred_back' END,
  CASE WHEN i % 4 >= 2 THEN (CASE WHEN length(m.party_code) = 2 THEN 'RF' ELSE 'KF' END) END,
  CASE WHEN i % 4 >= 2 THEN date('2025-01-01', '+' || ((i * 7) % 690) || ' days') END,
  'syntetisk benchmarkhändelse', 'syntetisk',
  datetime('2025-01-01', '+' || ((i * 7) % 690) || ' days', '+' || (i % 86000) || ' seconds')
FROM n JOIN m ON m.k = n.i % (SELECT total FROM c);
SQL
  agreements=$(sqlite3 "$DB" "SELECT count(*) FROM agreements")
  TOKEN=$(token "$DB")
  start_ratify "$DB"
  for slug in nationellt lan-12; do
    events=$(sqlite3 "$DB" "SELECT count(*) FROM events JOIN agreements a ON a.id = agreement_id WHERE a.slug = '$slug'")
    echo "- $n events in $agreements agreements; $slug holds $events:"
    first=$(curl -fs -o /dev/null -w "%{time_total}" "$BASE/avtal/$slug")
    echo "  first /avtal/$slug after start (load + prepare + render): $(echo "$first" | median)"
    for d in $(seq 1 11); do
      curl -fs -o /dev/null -w "%{time_total}\n" "$BASE/api/v1/agreements/$slug/status?as_of=$(date -d "2026-06-01 + $d days" +%F)"
    done | { printf '  status uncached: '; median; }
    for d in $(seq 1 11); do
      curl -fs -o /dev/null -w "%{time_total}\n" "$BASE/avtal/$slug?datum=$(date -d "2026-07-01 + $d days" +%F)"
    done | { printf '  /avtal/%s uncached: ' "$slug"; median; }
    code=$(sqlite3 "$DB" "SELECT party_code FROM agreement_parties ap JOIN agreements a ON a.id = ap.agreement_id WHERE a.slug = '$slug' AND length(party_code) = 4 LIMIT 1")
    for r in $(seq 1 7); do
      curl -fs -o /dev/null -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        -d '{"status": "in_preparation", "note": "syntetisk benchmarkhändelse"}' \
        "$BASE/api/v1/agreements/$slug/parties/$code/events"
      curl -fs -o /dev/null -w "%{time_total}\n" "$BASE/avtal/$slug"
    done | { printf '  first /avtal/%s after a write to it: ' "$slug"; median; }
  done
  loads=$(curl -fs "$BASE/metrics" | grep '^ratify_snapshot_loads_total' | tr '\n' ' ')
  echo "  $loads"
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true; unset 'PIDS[-1]'
done

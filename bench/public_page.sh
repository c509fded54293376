#!/usr/bin/env bash
# bench/public_page.sh — the public page against nginx configured as it runs in production.
# Builds ratify in release, starts it WITH ITS DEFAULT SETTINGS (log level info included) on a fresh
# SQLite database filled with a SYNTHETIC history (bench/driver/src/writer.rs posts ~600 made-up
# events for the 50 parties through the write API; not real decisions), fetches `/`,
# /api/v1/status and /data/status.csv once to files, precompresses them as ratify does (gzip -9;
# Debian's nginx has no brotli module, so nginx serves gzip where ratify serves br), and serves them
# with nginx as production does: sendfile on; tcp_nopush on; gzip_static on; a buffered access log.
# wrk runs against both with the same threads and connections (-t2 -c64 -d10s --latency), twice:
# a client that accepts no compression, and a browser (Accept-Encoding: gzip, deflate, br).
# Prints req/s, p50, p99, bytes per response and ratify ÷ nginx. Also: the time to render `/`
# uncached (20 distinct `?datum=` dates, each a cache miss). Targets: ratio ≥ 0.8, p99 ≤ 5 ms.
# Requires: Rust (cargo), curl, python3, gzip, wrk and nginx-light (Debian; installed if missing).
# Exits non-zero only if it cannot run; a missed target is printed, not failed.
source "$(dirname "$0")/lib.sh"
need wrk wrk; need nginx nginx-light; need curl curl
build
DB="$WORK/ratify.sqlite3"
RATIFY_DATABASE_URL="$DB" RATIFY_LOG=warn "$BIN" migrate >/dev/null
TOKEN=$(token "$DB")
RATIFY_BENCH_LOG=info start_ratify "$DB"
"$WRITER" fill "$BASE" "$TOKEN" 600 >/dev/null

mkdir -p -m 755 "$WORK/www/api/v1" "$WORK/www/data" "$WORK/nginx"
curl -fs "$BASE/" -o "$WORK/www/index.html"
curl -fs "$BASE/api/v1/status" -o "$WORK/www/api/v1/status"
curl -fs "$BASE/data/status.csv" -o "$WORK/www/data/status.csv"
for f in index.html api/v1/status data/status.csv; do gzip -9 -k -n "$WORK/www/$f"; done
chmod -R a+rX "$WORK/www"
NPORT=$(free_port)
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  # As production (Debian's nginx.conf and deploy/nginx): sendfile, tcp_nopush, precompressed
  # files, and an access log, buffered, since ratify logs every request too.
  sendfile on;
  tcp_nopush on;
  gzip_static on;
  access_log $WORK/nginx/access.log combined buffer=64k flush=1s;
  client_body_temp_path $WORK/nginx; proxy_temp_path $WORK/nginx; fastcgi_temp_path $WORK/nginx;
  uwsgi_temp_path $WORK/nginx; scgi_temp_path $WORK/nginx;
  keepalive_requests 100000;
  server { listen 127.0.0.1:$NPORT; root $WORK/www; index index.html; default_type text/html; }
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
PIDS+=($!)
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$NPORT/" >/dev/null 2>&1 && break; sleep 0.1; done
NGINX="http://127.0.0.1:$NPORT"
# Before timing: both answer 200 with the same bytes, plain and (decoded) compressed.
for p in "/" "/api/v1/status" "/data/status.csv"; do
  np="$p"; [ "$p" = "/" ] && np="/index.html"
  curl -fs "$BASE$p" -o "$WORK/r.plain"; curl -fs "$NGINX$np" -o "$WORK/n.plain"
  curl -fs --compressed -H "Accept-Encoding: gzip" "$BASE$p" -o "$WORK/r.gz"
  curl -fs --compressed -H "Accept-Encoding: gzip" "$NGINX$np" -o "$WORK/n.gz"
  for f in r.plain n.plain r.gz n.gz; do cmp -s "$WORK/$f" "$WORK/r.plain" || { echo "$p: $f differs from ratify's body" >&2; exit 1; }; done
  [ "$(curl -fs -o /dev/null -w '%{http_code}' -H "Accept-Encoding: gzip" "$NGINX$np")" = 200 ] || { echo "$p: nginx not 200" >&2; exit 1; }
  curl -fsI -H "Accept-Encoding: gzip" "$NGINX$np" | grep -qi '^content-encoding: gzip' || { echo "$p: nginx did not serve the .gz file" >&2; exit 1; }
done

echo "# public_page — $(date -u +%FT%TZ) — $(machine)"
echo "# SYNTHETIC data: $(curl -fs "$BASE/api/v1/events" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') generated events; wrk -t2 -c64 -d${DURATION:-10s} --latency"
BROWSER="Accept-Encoding: gzip, deflate, br"
printf "%-18s %-8s %-7s %10s %9s %9s %8s %6s %5s\n" path client server "req/s" "p50 ms" "p99 ms" "B/resp" non2xx sockerr
for client in plain browser; do
  hdr=""; [ "$client" = browser ] && hdr="$BROWSER"
  for p in "/" "/api/v1/status" "/data/status.csv"; do
    np="$p"; [ "$p" = "/" ] && np="/index.html"
    read -r r_rps r_p50 r_p99 r_err r_sock r_bytes < <(wrk_run "$BASE$p" "$hdr")
    read -r n_rps n_p50 n_p99 n_err n_sock n_bytes < <(wrk_run "$NGINX$np" "$hdr")
    printf "%-18s %-8s %-7s %10s %9s %9s %8s %6s %5s\n" "$p" "$client" ratify "$r_rps" "$r_p50" "$r_p99" "$r_bytes" "$r_err" "$r_sock"
    printf "%-18s %-8s %-7s %10s %9s %9s %8s %6s %5s\n" "$p" "$client" nginx "$n_rps" "$n_p50" "$n_p99" "$n_bytes" "$n_err" "$n_sock"
    python3 -c "r=$r_rps/$n_rps; print(f'{\"$p\":<18} {\"$client\":<8} ratio ratify/nginx = {r:.2f} (target >= 0.8: {\"met\" if r>=0.8 else \"MISSED\"}); ratify p99 {$r_p99} ms (target <= 5: {\"met\" if $r_p99<=5 else \"MISSED\"})')"
  done
done
echo "# / uncached (each ?datum= a cache miss: evaluate + chart + render on the snapshot shared since the last write), 20 dates:"
for d in $(seq -w 1 20); do curl -s -o /dev/null -w "%{time_total}\n" "$BASE/?datum=2026-10-$d"; done |
  python3 -c 'import sys; v=sorted(float(x)*1000 for x in sys.stdin); print(f"  median {v[len(v)//2]:.2f} ms, max {v[-1]:.2f} ms (target < 20 ms)")'

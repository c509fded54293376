# Shared helpers for the bench scripts (sourced). Loopback only; everything started is stopped on exit.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# PROFILE=debug runs the scripts against a debug build (to try the scripts; figures are meaningless).
PROFILE="${PROFILE:-release}"
# RATIFY_BENCH_BIN: time another build of ratify (e.g. the previous commit's) with the same script.
BIN="${RATIFY_BENCH_BIN:-$ROOT/target/$PROFILE/ratify}"
# The drivers (bench/driver: the API writer, the scale driver) are a workspace member built in the
# same profile; `cargo build --release -p ratify-bench` reuses the service's release build.
WRITER="${RATIFY_BENCH_WRITER:-$ROOT/target/$PROFILE/bench_writer}"
WORK="$(mktemp -d /tmp/ratify-bench.XXXXXX)"
chmod 755 "$WORK" # nginx's workers (nobody/www-data) read the files served from here
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

need() { # need CMD DEBIAN_PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "installing $2 (apt)" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q "$2" >/dev/null; else sudo apt-get install -y -q "$2" >/dev/null; fi
}

build() { # SKIP_BUILD=1: use the binaries already built
  [ -n "${SKIP_BUILD:-}" ] && return 0
  local flag=--release; [ "$PROFILE" = debug ] && flag=
  (cd "$ROOT" && cargo build --quiet $flag --bin ratify && cargo build --quiet $flag -p ratify-bench)
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_ratify DATABASE_URL → sets BASE; logs to $WORK/ratify.log
start_ratify() {
  local port; port=$(free_port)
  # RATIFY_BENCH_LOG: the log level the service runs with (public_page.sh uses the default, info).
  RATIFY_DATABASE_URL="$1" RATIFY_BIND="127.0.0.1:$port" RATIFY_LOG="${RATIFY_BENCH_LOG:-warn}" RATIFY_REPORT_ENABLED=false \
    "$BIN" serve >"$WORK/ratify.out" 2>"$WORK/ratify.log" &
  PIDS+=($!)
  BASE="http://127.0.0.1:$port"
  for _ in $(seq 100); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "ratify did not start: $(cat "$WORK/ratify.log")" >&2; exit 1
}

token() { RATIFY_DATABASE_URL="$1" RATIFY_LOG=warn "$BIN" token create --name "bench-$RANDOM$RANDOM" 2>/dev/null; }

machine() { echo "nproc $(nproc), $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(uname -r)"; }

# wrk_run URL [HEADER] → prints "req/s p50 p99 non2xx sockerr bytes-per-response" (latency in ms)
wrk_run() {
  local args=(-t2 -c64 -d"${DURATION:-10s}" --latency)
  [ -n "${2:-}" ] && args+=(-H "$2")
  wrk "${args[@]}" "$1" >"$WORK/wrk.txt" 2>&1 || { cat "$WORK/wrk.txt" >&2; return 1; }
  cat "$WORK/wrk.txt" >>"$WORK/wrk-all.txt"
  python3 - "$WORK/wrk.txt" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)", v)
    if not m: sys.exit(f"cannot read wrk's output:\n{t}")
    n, u = m.groups(); n = float(n)
    return {"us": n / 1000, "ms": n, "s": n * 1000, "m": n * 60000}[u]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", t, re.M).group(1)); p99 = ms(re.search(r"^\s+99%\s+(\S+)", t, re.M).group(1))
errs = re.search(r"Non-2xx or 3xx responses: (\d+)", t); sock = re.search(r"Socket errors: (.*)", t)
done = re.search(r"(\d+) requests in [^,]+, ([\d.]+)([KMG]?B) read", t)
n, size, unit = int(done.group(1)), float(done.group(2)), done.group(3)
per = size * {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}[unit] / max(n, 1)
print(f"{rps:.0f} {p50:.2f} {p99:.2f} {errs.group(1) if errs else 0} {'yes' if sock else 'no'} {per:.0f}")
PY
}

#!/usr/bin/env bash
# Makes the README's screenshots from a demo instance: docs/screenshots/public-1280.png,
# public-360.png (the public status page), party-1280.png, party-360.png (a party page: Essunga,
# whose meeting is planned after the start), report-1280.png, report-360.png (this week's report
# to SRO, saved with `ratify report send`, which sends nothing without recipients) and
# admin-overview.png (the staff overview, logged in as the editor `ratify demo` prints). Needs
# Debian's chromium and chromium-driver, curl and python3.
#
#   docs/screenshots.sh            # uses target/debug/ratify (built with `cargo build` if absent)
#   RATIFY_BIN=path docs/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${RATIFY_BIN:-target/debug/ratify}
[ -x "$bin" ] || cargo build --bin ratify
out=docs/screenshots
mkdir -p "$out"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

db="$work/demo.sqlite3"
password=$("$bin" demo --database "$db" | sed -n 's/^Lösenord (visas bara nu): //p')
[ -n "$password" ] || { echo "screenshots.sh: ratify demo printed no password" >&2; exit 1; }
env -u RATIFY_REPORT_WEBHOOKS -u RATIFY_REPORT_EMAILS RATIFY_DATABASE_URL="$db" RATIFY_LOG=warn "$bin" report send >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RATIFY_DATABASE_URL="$db" RATIFY_REPORT_ENABLED=false RATIFY_LOG=warn "$bin" serve --bind "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
pids+=($!)
driver_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
chromedriver --port="$driver_port" >"$work/driver.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && curl -fs "http://127.0.0.1:$driver_port/status" >/dev/null && break
  sleep 0.2
done

# The browser, through the WebDriver protocol (standard library only).
BASE="http://127.0.0.1:$port" DRIVER="http://127.0.0.1:$driver_port" USERNAME=demo-redaktor PASSWORD="$password" \
OUT="$out" python3 - <<'PY'
import base64, json, os, re, urllib.request

driver, base, out = os.environ["DRIVER"], os.environ["BASE"], os.environ["OUT"]

def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(driver + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        return json.load(resp)["value"]

caps = {"browserName": "chrome", "goog:chromeOptions": {
    "binary": "/usr/bin/chromium",
    "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--lang=sv-SE"]}}
sid = call("POST", "/session", {"capabilities": {"alwaysMatch": caps}})["sessionId"]
s = f"/session/{sid}"

def shot(path, width, height, name):
    call("POST", s + "/window/rect", {"width": width, "height": height})
    call("POST", s + "/url", {"url": base + path})
    png = base64.b64decode(call("GET", s + "/screenshot"))
    with open(os.path.join(out, name), "wb") as f:
        f.write(png)
    print(f"{name}: {len(png) // 1024} KiB")

def element(css):
    found = call("POST", s + "/element", {"using": "css selector", "value": css})
    return next(iter(found.values()))  # the W3C key, or the legacy "ELEMENT"

try:
    shot("/", 1280, 1300, "public-1280.png")
    shot("/", 360, 1400, "public-360.png")
    shot("/parter/1445", 1280, 1300, "party-1280.png")
    shot("/parter/1445", 360, 1600, "party-360.png")
    with urllib.request.urlopen(base + "/rapporter") as resp:
        week = re.search(r'href="(/rapporter/\d{4}-W\d{2})"', resp.read().decode()).group(1)
    shot(week, 1280, 1300, "report-1280.png")
    shot(week, 360, 1600, "report-360.png")
    call("POST", s + "/url", {"url": base + "/admin/logga-in"})
    call("POST", s + f"/element/{element('#username')}/value", {"text": os.environ["USERNAME"]})
    call("POST", s + f"/element/{element('#password')}/value", {"text": os.environ["PASSWORD"]})
    call("POST", s + f"/element/{element('form button[type=submit]')}/click", {})
    shot("/admin", 1280, 1000, "admin-overview.png")
finally:
    call("DELETE", s)
PY

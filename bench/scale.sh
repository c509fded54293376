#!/usr/bin/env bash
# bench/scale.sh — the rules engine at national scale, on a SYNTHETIC instance (311 parties =
# 290 municipalities + 21 regions; 10k, 100k and 1M generated events; nothing real).
# Measures: the status (`ratification::evaluate`), the as-of status for every day of a year
# (`adoption_history`, and 365 separate evaluates). Targets: status < 5 ms, year < 1 s (at 100k).
# Requires: Rust (cargo). Installs nothing. Usage: bench/scale.sh [EVENTS ...]
# Exits non-zero only if it cannot run; a missed target is printed, not failed.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "# scale — $(date -u +%FT%TZ) — nproc $(nproc), $(free -g | awk '/Mem:/{print $2}') GiB"
cargo run --quiet --release --example bench_scale -- "$@"

#!/usr/bin/env bash
# What collecting the fleet analytics facts (kernel, uptime, live patches,
# CPU vulnerabilities, virtualization, pending updates from the apt lists,
# processes on replaced libraries) adds to a local scan's wall time.
#
#   bench/facts_overhead.sh [BUILD_DIR]     (default: build)
#
# Three runs of the same full-profile local scan, none stored:
#   without the facts (--no-fleet-facts),
#   with them and a warm apt-list cache (the steady state: the lists are
#   parsed again only when apt changes them),
#   with them and no cache (a host's first scan: every list parsed).
set -euo pipefail
build=${1:-build}
cli=$build/cli/fleetaudit
[[ -x $cli ]] || { echo "build $cli first" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "needs hyperfine" >&2; exit 1; }
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
export FLEETAUDIT_CONTENT=${FLEETAUDIT_CONTENT:-$(cd "$(dirname "$0")/.." && pwd)}
"$cli" scan --no-db -o /dev/null --cache-dir "$cache" >/dev/null 2>&1 || true   # warm the cache
hyperfine -N -w 3 -r "${RUNS:-30}" -i \
  -n "no fleet facts" "$cli scan --no-db -o /dev/null --no-fleet-facts" \
  -n "fleet facts, warm cache" "$cli scan --no-db -o /dev/null --cache-dir $cache" \
  -n "fleet facts, no cache" "$cli scan --no-db -o /dev/null --cache-dir none"

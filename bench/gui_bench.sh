#!/usr/bin/env bash
# The dashboard on a large fleet: a synthetic store of 10,000 hosts (300
# checks each, host profiles, two scans), then
#   * first paint of the overview with data, from process start: hyperfine
#     runs `fleetaudit-gui --bench-first-paint`, which exits right after that
#     paint (the wall time includes exec, Qt start-up and the store reads);
#     the binary also prints the same moment measured from main();
#   * a filter keystroke on the host table: `fleetaudit-gui --bench` types
#     queries into the filter box one character at a time (then erases
#     them), each keystroke timed from setting the text to the table
#     repainted, and prints median, p95 and max.
#
#   bench/gui_bench.sh [BUILD_DIR] [HOSTS]     (defaults: build, 10000)
#
# Offscreen (no display needed) on a 1280x800 screen.
set -euo pipefail
build=${1:-build}
hosts=${2:-10000}
here=$(cd "$(dirname "$0")" && pwd)
gui=$build/gui/fleetaudit-gui
make_store=$build/bench/fleetaudit_make_store
for b in "$gui" "$make_store"; do [[ -x $b ]] || { echo "build $b first" >&2; exit 1; }; done
command -v hyperfine >/dev/null || { echo "needs hyperfine" >&2; exit 1; }
export QT_QPA_PLATFORM="offscreen:configfile=$here/../tests/gui/offscreen-1280x800.json"
export FLEETAUDIT_CONTENT=${FLEETAUDIT_CONTENT:-$(cd "$here/.." && pwd)}
db=$build/bench-gui/fleet-$hosts.db
if [[ ! -s $db ]]; then
  mkdir -p "$(dirname "$db")"
  echo "writing a store of $hosts hosts to $db ..." >&2
  "$make_store" --db "$db" --hosts "$hosts" --checks 300 --scans 2 >&2
fi
echo "## first paint of the overview (process start to painted, exit after)"
hyperfine -N -w 2 -r "${RUNS:-10}" "$gui --db $db --bench-first-paint"
echo "## timings from main() and filter keystrokes (JSON lines, ${ROUNDS:-3} runs)"
for ((i = 0; i < ${ROUNDS:-3}; i++)); do
  "$gui" --db "$db" --bench 2>/dev/null
done

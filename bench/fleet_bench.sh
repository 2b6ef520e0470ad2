#!/usr/bin/env bash
# Fleet scan throughput and memory against the bare-SSH bound, in one run.
#
#   bench/fleet_bench.sh [--hosts N] [--parallel P] [--runs R] [--agent] [--build DIR]
#
# Starts N loopback sshd hosts (tests/fleet/fleet.sh --bench N), then, R times
# each and alternating: the bare-SSH bound (the same connections: connect,
# host key, authentication, exec `true`) and a full fleetaudit scan of every
# host (collect, evaluate 310 entries, store in SQLite). Reports hosts/s of
# both (best run), the ratio, and the scan's peak memory per host in flight
# beyond the memory of scanning a single host. With --agent the hosts carry
# fleetaudit and collect in place (the agent path); otherwise the shell path.
set -euo pipefail
cd "$(dirname "$0")/.."

hosts=200 parallel=16 runs=3 agent=0 build=build
while (($#)); do
	case $1 in
		--hosts) hosts=$2; shift 2 ;;
		--parallel) parallel=$2; shift 2 ;;
		--runs) runs=$2; shift 2 ;;
		--agent) agent=1; shift ;;
		--build) build=$2; shift 2 ;;
		*) echo "usage: $0 [--hosts N] [--parallel P] [--runs R] [--agent] [--build DIR]" >&2; exit 2 ;;
	esac
done
fa=$build/cli/fleetaudit bound=$build/bench/fleetaudit_ssh_bound
for b in "$fa" "$bound" "$build/tests/fleetaudit-fixture" "$build/cli/fleetaudit-agent"; do
	[[ -x $b ]] || { echo "fleet_bench: $b missing (cmake --build $build)" >&2; exit 1; }
done
command -v /usr/bin/time > /dev/null || { echo "fleet_bench: GNU time missing (apt install time)" >&2; exit 1; }
command -v sqlite3 > /dev/null || { echo "fleet_bench: sqlite3 missing (apt install sqlite3)" >&2; exit 1; }

dir=$(mktemp -d /tmp/fleetaudit-fleet-bench.XXXXXX)
trap 'tests/fleet/fleet.sh stop "$dir" > /dev/null 2>&1 || true; rm -rf "$dir"' EXIT
start_args=(--bench "$hosts")
((agent)) && start_args+=(--agent "$build/cli/fleetaudit-agent")
FLEETAUDIT_FIXTURE=$build/tests/fleetaudit-fixture tests/fleet/fleet.sh start "$dir" "${start_args[@]}" 2>&1 | tail -1

scan() { # $1 parallel, $2 limit (optional) -> "seconds kilobytes"
	rm -f "$dir"/fa.db*
	local extra=()
	[[ -n ${2:-} ]] && extra=(--limit "$2")
	# The fleet table, as an operator runs it; every result goes to the store.
	/usr/bin/time -f '%e %M' -o "$dir/time" "$fa" scan --inventory "$dir/inventory.yaml" --known-hosts "$dir/known_hosts" \
		--ssh-config '' --parallel "$1" --db "$dir/fa.db" --output "$dir/out.txt" "${extra[@]}" \
		> /dev/null 2> "$dir/scan.err" || [[ $? == 2 ]] || { cat "$dir/scan.err" >&2; exit 1; }
	local ok
	ok=$(sqlite3 "$dir/fa.db" "SELECT count(*) FROM hosts WHERE state = 'ok' AND pass + fail > 0")
	local want=$hosts
	[[ -n ${2:-} ]] && want=1
	((ok == want)) || { echo "fleet_bench: only $ok of $want hosts scanned ok" >&2; exit 1; }
	tail -n 1 "$dir/time"  # GNU time may first say the exit status
}

best_bound=0 best_scan=0
for ((r = 1; r <= runs; r++)); do
	b=$("$bound" "$dir/inventory.yaml" "$dir/known_hosts" "$parallel")
	b_rate=${b##*hosts_per_second=}; b_rate=${b_rate%% *}
	read -r s_secs s_kb < <(scan "$parallel")
	s_rate=$(awk -v h="$hosts" -v s="$s_secs" 'BEGIN { printf "%.1f", h / s }')
	echo "run $r: bare SSH $b_rate hosts/s, fleetaudit scan $s_rate hosts/s (${s_secs}s, peak ${s_kb} KB)"
	best_bound=$(awk -v a="$best_bound" -v b="$b_rate" 'BEGIN { print (b > a) ? b : a }')
	best_scan=$(awk -v a="$best_scan" -v b="$s_rate" 'BEGIN { print (b > a) ? b : a }')
	peak_kb=$s_kb
done
first=$(awk -F'\t' 'NR == 1 { print $1 }' "$dir/expected.tsv")
read -r _ base_kb < <(scan 1 "$first")
per_host=$(awk -v p="$peak_kb" -v b="$base_kb" -v n="$parallel" 'BEGIN { printf "%.2f", (p - b) / 1024 / n }')
ratio=$(awk -v s="$best_scan" -v b="$best_bound" 'BEGIN { printf "%.0f", 100 * s / b }')
echo
echo "hosts: $hosts  parallel: $parallel  path: $( ((agent)) && echo agent || echo shell )"
echo "bare-SSH bound:   $best_bound hosts/s"
echo "fleetaudit scan:  $best_scan hosts/s  ($ratio% of the bound; goal >= 80%)"
echo "memory: peak $((peak_kb / 1024)) MB, one host $((base_kb / 1024)) MB -> $per_host MB per host in flight (goal <= 2 MB)"

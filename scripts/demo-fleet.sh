#!/usr/bin/env bash
# See a fleet scan: start the test fleet (about 40 real sshd "hosts" on
# 127.0.0.1, some of them hostile), scan it over SSH, show the results, stop it.
#
#   scripts/demo-fleet.sh [--keep] [--build DIR]
#
# Run as root on Debian 12 after scripts/install-deps.sh. --keep leaves the
# fleet running (and prints how to stop it). Nothing listens beyond loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

KEEP=0 BUILD=build
while (($#)); do
	case $1 in
		--keep) KEEP=1; shift ;;
		--build) BUILD=$2; shift 2 ;;
		-h|--help) sed -n '2,8p' "$0"; exit 0 ;;
		*) echo "demo-fleet.sh: unknown argument '$1' (try --help)" >&2; exit 1 ;;
	esac
done
[[ $(id -u) == 0 ]] || { echo "demo-fleet.sh: run as root (the fleet starts sshd, chroots and test accounts)" >&2; exit 1; }

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "building fleetaudit, its agent and the fixture tool ($BUILD)"
[[ -f $BUILD/CMakeCache.txt ]] || cmake --preset default >/dev/null
cmake --build "$BUILD" --target fleetaudit-cli fleetaudit-agent fleetaudit-fixture

FLEET=$(mktemp -d /tmp/fleetaudit-demo.XXXXXX)
DB=$FLEET/demo.db
stop() { tests/fleet/fleet.sh stop "$FLEET" || true; rm -rf -- "$FLEET"; }
((KEEP)) || trap stop EXIT

say "starting the test fleet in $FLEET"
FLEETAUDIT_FIXTURE=$BUILD/tests/fleetaudit-fixture tests/fleet/fleet.sh start "$FLEET" --agent "$BUILD/cli/fleetaudit-agent"
echo
echo "Inventory: $FLEET/inventory.yaml (groups web, db, hypervisors, containers, k8s, edge, mgmt, agents, hostile, sudo)"
echo "Hostile hosts: one hangs after login, one prints garbage, one streams zeros forever, two cut the"
echo "stream mid-way, one refuses our key, one changed its host key, one has none recorded, one is down;"
echo "one has a name and file names made of shell commands."

FA=("$BUILD/cli/fleetaudit")
export FLEETAUDIT_CONTENT=$PWD
COMMON=(--inventory "$FLEET/inventory.yaml" --known-hosts "$FLEET/known_hosts" --ssh-config '' --db "$DB"
	--parallel 16 --host-timeout 10)

say "fleetaudit scan --inventory $FLEET/inventory.yaml --parallel 16"
"${FA[@]}" scan "${COMMON[@]}" || true   # exit 2: findings and unreachable hosts, as expected here

say "one host in detail: web-02's failures (fleetaudit scan --limit web-02 --problems-only)"
"${FA[@]}" scan "${COMMON[@]}" --limit web-02 --details --problems-only --no-db 2>/dev/null | sed -n '1,25p' || true
echo "  ..."

say "the store: fleetaudit history --db $DB"
"${FA[@]}" history --db "$DB"

say "did any hostile name run? (canaries)"
n=0
while read -r c; do [[ -e $c ]] && { echo "  RAN: $c"; n=$((n + 1)); }; done <"$FLEET/canaries.txt"
((n == 0)) && echo "  no: none of the $(wc -l <"$FLEET/canaries.txt") canary files exists"

if ((KEEP)); then
	say "the fleet keeps running"
	echo "  scan again:  ${FA[*]} scan ${COMMON[*]}"
	echo "  one host:    ssh -F $FLEET/ssh_config web-01"
	echo "  stop it:     tests/fleet/fleet.sh stop $FLEET"
fi

#!/usr/bin/env bash
# fleetaudit test fleet: many real OpenSSH sshd "hosts" on loopback.
#
#   tests/fleet/fleet.sh start DIR [--bench N] [--agent BINARY] [--base-port P]
#   tests/fleet/fleet.sh stop DIR
#
# See tests/fleet/README.md. Everything listens on 127.0.0.1 only.
set -euo pipefail
umask 022
export LC_ALL=C

readonly SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
readonly SSHD=/usr/sbin/sshd
readonly BUSYBOX=/bin/busybox
readonly FLEET_USER=fa-fleet
readonly FLEET_GECOS='fleetaudit test fleet (tests/fleet/fleet.sh)'
# the sudo hosts: unprivileged logins on this machine itself (no chroot);
# one may run exactly '/bin/sh -s' as root without a password, the other
# would be asked for one (its account has none, so sudo -n must refuse)
readonly SUDO_USER_OK=fa-fleet-sudo
readonly SUDO_USER_PW=fa-fleet-sudopw
readonly SUDOERS_FILE=/etc/sudoers.d/fleetaudit-test-fleet
readonly SHARED_PER_SSHD=12     # normal fleet: hosts per shared-key sshd (limit is 16 sockets)
readonly BENCH_PER_SSHD=16      # bench: the maximum
readonly GARBAGE_BYTES=65536
readonly CUT_BYTES=20000

die()  { echo "fleet.sh: error: $*" >&2; exit 1; }
warn() { echo "fleet.sh: warning: $*" >&2; }
note() { [[ ${QUIET:-0} == 1 ]] || echo "fleet.sh: $*" >&2; }
now()  { date +%s.%N; }

usage() {
	cat >&2 <<'EOF'
usage: fleet.sh start DIR [--bench N] [--agent BINARY] [--base-port P]
       fleet.sh stop DIR
EOF
	exit 2
}

# ---------------------------------------------------------------- helpers

# DIR must be usable verbatim in sshd_config (no quoting, no % tokens).
abs_dir() {
	local d=$1
	mkdir -p -- "$d"
	d=$(cd -- "$d" && pwd -P)
	[[ $d =~ ^/[A-Za-z0-9._/+-]*$ ]] || die "DIR '$d' must contain only [A-Za-z0-9._/+-] (it is written into sshd_config)"
	printf '%s\n' "$d"
}

state_get() { # key -> value from DIR/state ("key<TAB>value" lines; parsed, never sourced)
	local key=$1 k v
	[[ -f $DIR/state ]] || return 0
	while IFS=$'\t' read -r k v; do
		[[ $k == "$key" ]] && { printf '%s\n' "$v"; return 0; }
	done <"$DIR/state"
	return 0
}
state_set() { printf '%s\t%s\n' "$1" "$2" >>"$DIR/state"; }

# YAML scalar: plain when obviously safe, else a double-quoted string.
yq() {
	local s=$1
	if [[ $s =~ ^[A-Za-z0-9/][A-Za-z0-9_./-]*$ && ! $s =~ ^(true|false|yes|no|on|off|null|y|n)$ ]]; then
		printf '%s' "$s"
	else
		s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\t'/\\t}; s=${s//$'\n'/\\n}
		printf '"%s"' "$s"
	fi
}
ylist() { # a,b,c -> [a, b, c]
	local IFS=, out="" x
	for x in $1; do out+="${out:+, }$(yq "$x")"; done
	printf '[%s]' "$out"
}

pubkey_of() { local t b _; read -r t b _ <"$1.pub"; printf '%s %s' "$t" "$b"; }

# Is PID one of our sshd listeners for this DIR? (guards against PID reuse)
is_our_sshd() {
	local pid=$1 exe cmd
	[[ $pid =~ ^[0-9]+$ && -d /proc/$pid ]] || return 1
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
	[[ $exe == "$SSHD" ]] || return 1
	cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
	[[ $cmd == *" $DIR/sshd/"*".conf "* ]]
}

live_pids() { # our sshd pids still alive
	local p
	[[ -f $DIR/pids ]] || return 0
	while read -r p; do is_our_sshd "$p" && echo "$p"; done <"$DIR/pids"
	return 0
}

# ------------------------------------------------------------------- stop

descendants_of() { # pids -> all descendant pids (from /proc/*/stat)
	local -A kids=()
	local f line rest pid c
	local -a fs
	for f in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null <"$f" || continue   # not $(<f): a vanished file kills the shell under set -e
		pid=${line%% *}; rest=${line##*) }
		read -r -a fs <<<"$rest"
		kids[${fs[1]}]+=" $pid"
	done 2>/dev/null
	local -a queue=("$@") out=()
	while ((${#queue[@]})); do
		local p=${queue[0]}; queue=("${queue[@]:1}")
		for c in ${kids[$p]:-}; do out+=("$c"); queue+=("$c"); done
	done
	((${#out[@]})) && printf '%s\n' "${out[@]}"
	return 0
}

chrooted_in() { # prefixes... -> pids whose root directory is below one of them
	local r d pfx
	while IFS=$'\t' read -r r d; do
		for pfx in "$@"; do
			[[ -n $pfx && ( $r == "$pfx" || $r == "$pfx"/* ) ]] && { echo "${d#/proc/}"; break; }
		done
	done < <(find /proc/[0-9]*/root -maxdepth 0 -printf '%l\t%h\n' 2>/dev/null)
	return 0
}

proc_alive() { # pid: running (a zombie counts as gone: our parent may reap late)
	local st
	read -r st 2>/dev/null <"/proc/$1/stat" || return 1
	st=${st##*) }
	[[ ${st:0:1} != Z && ${st:0:1} != X ]]
}

kill_and_wait() { # pids...
	(($#)) || return 0
	local p i alive
	kill -TERM "$@" 2>/dev/null || true
	for ((i = 0; i < 30; i++)); do
		alive=()
		for p in "$@"; do proc_alive "$p" && alive+=("$p"); done
		((${#alive[@]})) || return 0
		sleep 0.1
	done
	kill -KILL "${alive[@]}" 2>/dev/null || true
	sleep 0.1
}

other_live_fleets() { # is any other fleet (other DIR) still running?
	local d odir p cmd
	for d in /var/tmp/fleetaudit-fleet-*; do
		[[ -d $d && ! -L $d && $d != "${RD:-}" ]] || continue
		odir=$(cat "$d/.fleet-dir" 2>/dev/null) || continue
		[[ -f $odir/pids ]] || continue
		while read -r p; do
			[[ $p =~ ^[0-9]+$ && -d /proc/$p ]] || continue
			cmd=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) || continue
			[[ $cmd == *" $odir/sshd/"* ]] && return 0
		done <"$odir/pids"
	done
	return 1
}

do_stop() {
	local RD LINK pids=() sess=() jail=() n_killed
	RD=$(state_get rootdir); LINK=$(state_get link)
	if [[ ! -f $DIR/state && ! -f $DIR/pids ]]; then
		note "nothing to stop in $DIR"
		return 0
	fi
	mapfile -t pids < <(live_pids)
	# Listeners first (no new sessions), then their sessions, then anything
	# still running inside our chroots (e.g. the hang host's orphaned sleep).
	if ((${#pids[@]})); then
		mapfile -t sess < <(descendants_of "${pids[@]}")
		kill_and_wait "${pids[@]}"
	fi
	((${#sess[@]})) && kill_and_wait "${sess[@]}"
	if [[ $RD == /var/tmp/fleetaudit-fleet-* ]]; then
		mapfile -t jail < <(chrooted_in "$RD" "$LINK")
		kill_and_wait "${jail[@]}"
	fi
	n_killed=$((${#pids[@]} + ${#sess[@]} + ${#jail[@]}))

	if [[ -n $LINK && -L $LINK && $LINK == /run/fleetaudit-fleet-* ]]; then rm -f -- "$LINK"; fi
	if [[ -n $RD && $RD =~ ^/var/tmp/fleetaudit-fleet-[A-Za-z0-9]+$ && -d $RD && ! -L $RD ]]; then
		rm -rf --one-file-system -- "$RD"
	fi

	# The accounts: remove them when a fleet created them (our GECOS marker)
	# and no other fleet is still running. A pre-existing account is left alone.
	local user_msg="" u others=0
	RD=$RD other_live_fleets && others=1
	for u in "$FLEET_USER" "$SUDO_USER_OK" "$SUDO_USER_PW"; do
		if ! getent passwd "$u" >/dev/null; then
			[[ $u == "$FLEET_USER" ]] && user_msg+="account $u absent; "
		elif [[ $(getent passwd "$u" | cut -d: -f5) != "$FLEET_GECOS" ]]; then
			user_msg+="account $u pre-existed: kept; "
		elif ((others)); then
			user_msg+="account $u kept: another fleet is running; "
		else
			# -f: userdel otherwise refuses because UID 0 "is used by" every root process
			userdel -f "$u" >/dev/null 2>&1 || userdel -f "$u"
			user_msg+="account $u removed; "
		fi
	done
	if ((!others)) && [[ -f $SUDOERS_FILE ]] && grep -q '^# fleetaudit test fleet' "$SUDOERS_FILE"; then
		rm -f -- "$SUDOERS_FILE"
	fi
	user_msg=${user_msg%; }

	rm -f -- "$DIR/pids" "$DIR/state"
	note "stopped: $n_killed process(es) ended, roots ${RD:-none} removed, $user_msg"
}

# ------------------------------------------------------------------ hosts

# Host table (parallel arrays). KIND decides behaviour; INST the sshd.
H_NAME=() H_KIND=() H_FIX=() H_EXP=() H_TAGS=() H_INST=() H_PORT=() H_ROOT=() H_VARS=()
add_host() { # name kind fixture expected tags inst [extra-vars]
	H_NAME+=("$1"); H_KIND+=("$2"); H_FIX+=("$3"); H_EXP+=("$4"); H_TAGS+=("$5"); H_INST+=("$6")
	H_VARS+=("${7:-}"); H_PORT+=(""); H_ROOT+=("")
}

GROUP_NAMES=() GROUP_LINES=()
add_group() { GROUP_NAMES+=("$1"); GROUP_LINES+=("$2"); }

readonly EVIL_NAME='evil;$(touch /tmp/fa-pwned-name)'

define_normal_fleet() {
	#        name        kind     fixture                 expected tags                        sshd
	add_host web-01      normal   ssh-pass                ok  edge                             shared
	add_host web-02      normal   ssh-fail                ok  edge                             shared
	add_host web-03      normal   banners-pass            ok  edge                             shared
	add_host web-04      normal   logging-pass            ok  ""                               shared
	add_host db-01       normal   accounts-pass           ok  ""                               shared
	add_host db-02       normal   accounts-fail           ok  ""                               shared
	add_host db-03       normal   permissions-pass        ok  ""                               shared
	add_host db-04       normal   permissions-fail        ok  ""                               shared
	add_host hv-01       normal   fleet-hv-current        ok  hypervisor                       shared
	add_host hv-02       normal   fleet-hypervisor-stale  ok  hypervisor                       shared
	add_host hv-03       normal   fleet-hv-livepatched    ok  hypervisor                       shared
	add_host hv-04       normal   fleet-hv-current        ok  hypervisor                       shared
	add_host ctr-01      normal   fleet-ctr-current       ok  container-host                   shared
	add_host ctr-02      normal   fleet-ctr-stale         ok  container-host                   shared
	add_host ctr-03      normal   fleet-ctr-current       ok  container-host                   shared
	add_host ctr-04      normal   fs-fail                 ok  container-host                   shared
	add_host k8s-01      normal   network-pass            ok  k8s-node,container-host          shared
	add_host k8s-02      normal   network-fail            ok  k8s-node,container-host          shared
	add_host k8s-03      normal   sudo-pass               ok  k8s-node                         shared
	add_host k8s-04      normal   sudo-fail               ok  k8s-node                         shared
	add_host edge-01     normal   firewall-nftables-pass  ok  edge                             shared
	add_host edge-02     normal   pam-pass                ok  edge                             shared
	add_host edge-03     normal   pam-fail                ok  edge                             shared
	add_host mgmt-01     normal   time-pass               ok  ""                               shared
	# served by their own sshd with their own host key (correct in known_hosts)
	add_host mgmt-02     normal   cron-pass               ok  ""                               solo
	add_host mgmt-03     normal   audit-fail              ok  hypervisor                       solo
	if [[ -n $AGENT ]]; then
		add_host agent-01 agent   debian12-base           ok  k8s-node              shared "fleetaudit_agent: /usr/local/bin/fleetaudit"
		add_host agent-02 agent   kernel-pass             ok  hypervisor            shared "fleetaudit_agent: /usr/local/bin/fleetaudit"
	fi
	# hostile hosts
	add_host hang-after-auth  hang        debian12-base  timeout           "" shared
	add_host garbage          garbage     debian12-base  collection-error  "" shared
	add_host flood            flood       debian12-base  collection-error  "" shared
	add_host cut-mid-stream   cut         ssh-pass       partial           "" shared
	add_host drop-mid-stream  drop        ssh-pass       partial           "" shared
	add_host refuses-key      refuses     debian12-base  auth-failed       "" shared
	add_host key-changed      normal      debian12-base  host-key-changed  "" keychanged
	add_host key-unknown      normal      debian12-base  host-key-unknown  "" keyunknown
	add_host unreachable      unreachable -              unreachable       "" none
	# this machine itself, through sudo -n (no chroot; see SUDO_USER_*)
	add_host sudo-nopasswd    sudo        -              ok                "" shared "fleetaudit_sudo: true"
	add_host sudo-prompts     sudopw      -              collection-error  "" shared "ansible_become: yes"
	add_host "$EVIL_NAME"     evil        ssh-pass       ok  edge                             shared

	add_group web         "    members: [web-01, web-02, web-03, web-04]
    tags: [frontend]
    vars: {tier: frontend}"
	add_group db          "    members: [db-01, db-02, db-03, db-04]
    tags: [stateful]
    vars: {tier: database}"
	add_group hypervisors "    members: [hv-01, hv-02, hv-03, hv-04]
    tags: [hypervisor]
    vars: {tier: virtualization}"
	add_group containers  "    members: [ctr-01, ctr-02, ctr-03, ctr-04]
    tags: [container-host]
    vars: {tier: containers}"
	add_group k8s         "    members: [k8s-01, k8s-02, k8s-03, k8s-04]
    tags: [k8s-node]
    vars: {tier: kubernetes, cluster: fleet-k8s}"
	add_group edge        "    members: [edge-01, edge-02, edge-03, $(yq "$EVIL_NAME")]
    tags: [edge]
    vars: {tier: edge}"
	add_group mgmt        "    members: [mgmt-01, mgmt-02, mgmt-03]
    vars: {tier: management}"
	[[ -n $AGENT ]] && add_group agents "    members: [agent-01, agent-02]
    vars: {tier: agent}"
	add_group hostile     "    members: [hang-after-auth, garbage, flood, cut-mid-stream, drop-mid-stream, refuses-key, key-changed, key-unknown, unreachable]
    tags: [hostile]"
	add_group sudo        "    members: [sudo-nopasswd, sudo-prompts]"
	add_group production  "    children: [web, db, hypervisors, containers, k8s, edge]
    vars: {env: production}"
	add_group normal      "    children: [production, mgmt$([[ -n $AGENT ]] && echo ", agents")]"
}

readonly BENCH_FIXTURES=(ssh-pass kernel-fail accounts-pass services-fail)
readonly BENCH_TAGS=(hypervisor container-host k8s-node edge)

define_bench_fleet() {
	local i name width=${#BENCH}
	((width < 3)) && width=3
	local rack members=""
	for ((i = 1; i <= BENCH; i++)); do
		printf -v name 'bench-%0*d' "$width" "$i"
		add_host "$name" bench "${BENCH_FIXTURES[(i - 1) % 4]}" ok "${BENCH_TAGS[(i - 1) % 4]}" shared \
			"${AGENT:+fleetaudit_agent: /usr/local/bin/fleetaudit}"
		members+="${members:+, }$name"
		if ((i % BENCH_PER_SSHD == 0 || i == BENCH)); then
			printf -v rack 'rack-%02d' $(((i - 1) / BENCH_PER_SSHD + 1))
			add_group "$rack" "    members: [$members]
    vars: {rack: $rack}"
			members=""
		fi
	done
}

# ------------------------------------------------------------------ ports

pick_base_port() { # count [base] -> first port of a block of free ports (or check the given one)
	local count=$1 want=${2:-} p base run=0
	local -A used=()
	while read -r p; do used[$p]=1; done < <(ss -Htan exclude time-wait 2>/dev/null | awk '{n=split($4,a,":"); print a[n]}')
	if [[ -n $want ]]; then
		for ((p = want; p < want + count; p++)); do
			[[ -z ${used[$p]:-} ]] || die "--base-port $want: port $p (of $want-$((want + count - 1))) is in use"
		done
		echo "$want"; return 0
	fi
	for ((p = 22000; p < 32700; p++)); do
		if [[ -n ${used[$p]:-} ]]; then run=0; continue; fi
		((run == 0)) && base=$p
		((++run == count)) && { echo "$base"; return 0; }
	done
	die "no block of $count free TCP ports in 22000-32700"
}

# ------------------------------------------------------------------ roots

make_bin_template() { # busybox + one symlink per applet, built once
	local t=$1 a
	mkdir -p "$t/bin"
	# a private copy, hard-linked into every root below (one copy on disk:
	# fast to create and to delete; never a link to the system's busybox)
	cp "$BUSYBOX" "$t/bin/busybox"
	chmod 0755 "$t/bin/busybox"
	(
		cd "$t/bin"
		for a in $("$BUSYBOX" --list); do
			[[ $a == busybox || $a == */* ]] && continue
			ln -s busybox "$a"
		done
	)
}

materialize_root() { # fixture root-path
	local fix=$1 root=$2
	"$FIXTURE_TOOL" "$fix" "$root" >/dev/null || die "fixture tool failed for '$fix' ($FIXTURE_TOOL $fix $root)"
	chown root:root "$root"
	chmod 0755 "$root"
	[[ -L $root/bin ]] && die "fixture $fix: /bin is a symlink; not supported"
	mkdir -p "$root/bin" "$root/dev" "$root/tmp"
	# never overwrite what the fixture put there
	cp -al --no-clobber "$BIN_TEMPLATE/bin/." "$root/bin/"
	[[ -e $root/dev/null ]]    || mknod -m 0666 "$root/dev/null" c 1 3
	[[ -e $root/dev/zero ]]    || mknod -m 0666 "$root/dev/zero" c 1 5
	[[ -e $root/dev/urandom ]] || mknod -m 0666 "$root/dev/urandom" c 1 9
	chmod 1777 "$root/tmp"
}

stage_agent() { # the binary + its ldd closure at the same absolute paths, in $RD/.agent
	local st=$RD/.agent try lib out
	for try in 1 2 3; do
		rm -rf "$st"
		mkdir -p "$st/usr/local/bin"
		cp -L "$AGENT" "$st/usr/local/bin/fleetaudit"
		chmod 0755 "$st/usr/local/bin/fleetaudit"
		for lib in "${AGENT_LIBS[@]}"; do
			mkdir -p "$st$(dirname "$lib")"
			cp -L "$lib" "$st$lib"
		done
		# it must run there (a concurrent rebuild can leave a half-written library)
		if out=$(chroot "$st" /usr/local/bin/fleetaudit --version 2>&1); then
			note "agent staged: $out (${#AGENT_LIBS[@]} libraries)"
			return 0
		fi
		warn "agent does not run from its copy (try $try): $out"
		sleep 2
		resolve_agent_libs
	done
	die "--agent $AGENT: the copied binary does not run in a chroot (being rebuilt?)"
}

install_agent() { # root: hard-link the staged agent tree into it
	cp -al --no-clobber "$RD/.agent/." "$1/"
	[[ -x $1/usr/local/bin/fleetaudit ]] || die "agent not installed in $1"
}

resolve_agent_libs() {
	local line
	AGENT_LIBS=()
	[[ -x $AGENT && -f $AGENT ]] || die "--agent $AGENT: not an executable file"
	if ! ldd "$AGENT" >/dev/null 2>&1; then
		# a static binary (fleetaudit-agent) needs no libraries
		[[ $(LC_ALL=C ldd "$AGENT" 2>&1 || true) == *"not a dynamic executable"* ]] && return 0
		die "--agent $AGENT: ldd failed (not a dynamic ELF?)"
	fi
	while read -r line; do
		[[ $line == *"not found"* ]] && die "--agent $AGENT: missing library: $line"
		if [[ $line =~ =\>\ (/[^ ]+)\ \( ]]; then AGENT_LIBS+=("${BASH_REMATCH[1]}")
		elif [[ $line =~ ^(/[^ ]+)\ \( ]]; then AGENT_LIBS+=("${BASH_REMATCH[1]}")
		fi
	done < <(ldd "$AGENT")
}

# Hostile file names for the evil host. Payloads avoid '/', which cannot occur
# in a file name: $(printf \\57tmp\\57x) evaluates to /tmp/x in any POSIX sh.
CANARY_NAMES=(name file quote tick newline semi pipe amp)
populate_evil_root() {
	local root=$1 body
	body='# fleetaudit test fleet: hostile FILE NAME. This file must be collected, never executed.'
	mkdir -p "$root/etc/sudoers.d" "$root/etc/ssh/sshd_config.d" "$root/etc/modprobe.d" "$root/etc/sysctl.d" \
		"$root/etc/audit/rules.d" "$root/etc/security/limits.d" "$root/etc/profile.d"
	# ${IFS} instead of spaces: the payloads survive word splitting too
	local -a files=(
		'/etc/sudoers.d/$(touch${IFS}$(printf${IFS}\\57tmp\\57fa-pwned-file))'
		"/etc/ssh/sshd_config.d/a'b;touch\${IFS}\$(printf\${IFS}\\\\57tmp\\\\57fa-pwned-quote);'.conf"
		'/etc/modprobe.d/x`touch${IFS}$(printf${IFS}\\\\57tmp\\\\57fa-pwned-tick)`.conf'
		$'/etc/sysctl.d/nl\n$(touch${IFS}$(printf${IFS}\\\\57tmp\\\\57fa-pwned-newline)).conf'
		'/etc/audit/rules.d/;touch${IFS}$(printf${IFS}\\57tmp\\57fa-pwned-semi);.rules'
		'/etc/security/limits.d/-n|touch${IFS}$(printf${IFS}\\57tmp\\57fa-pwned-pipe)|.conf'
		'/etc/profile.d/&touch${IFS}$(printf${IFS}\\57tmp\\57fa-pwned-amp)&.sh'
		'/etc/modprobe.d/two words * [glob].conf'
		$'/etc/sysctl.d/latin1-\xe9\xff.conf'
		'/etc/sysctl.d/--help.conf'
	)
	local f
	for f in "${files[@]}"; do
		printf '%s\n' "$body" >"$root$f"
		if [[ $f == /etc/sudoers.d/* ]]; then chmod 0440 "$root$f"; else chmod 0644 "$root$f"; fi
	done
}

# ------------------------------------------------------------------ sudo

setup_sudo_accounts() {
	local u sudoers
	for u in "$SUDO_USER_OK" "$SUDO_USER_PW"; do
		if ! getent passwd "$u" >/dev/null; then
			useradd -M -d / -s /bin/sh -p '*' -c "$FLEET_GECOS" "$u"
		elif [[ $(getent passwd "$u" | cut -d: -f5) != "$FLEET_GECOS" ]]; then
			die "account $u exists and is not ours; the sudo hosts need it"
		fi
	done
	sudoers=$(mktemp)
	{
		echo "# fleetaudit test fleet (tests/fleet/fleet.sh): removed by 'fleet.sh stop'"
		echo "$SUDO_USER_OK ALL=(root) NOPASSWD: /bin/sh -s"
		echo "$SUDO_USER_PW ALL=(root) /bin/sh -s"
	} >"$sudoers"
	chmod 0440 "$sudoers"
	if ! visudo -q -c -f "$sudoers" >/dev/null; then rm -f -- "$sudoers"; die "visudo rejects the test fleet's sudoers"; fi
	mv -f -- "$sudoers" "$SUDOERS_FILE"
	chown root:root "$SUDOERS_FILE"
}

# ------------------------------------------------------------------ start

do_start() {
	local t0 t1
	t0=$(now)
	[[ $(id -u) == 0 ]] || die "must run as root (sshd, chroot, useradd, mknod)"
	local x
	for x in "$SSHD" "$BUSYBOX" /usr/bin/ssh-keygen /usr/bin/ssh-keyscan; do
		[[ -x $x ]] || die "missing $x (install openssh-server openssh-client busybox-static)"
	done
	if [[ -z $BENCH ]]; then
		[[ -x /usr/bin/sudo && -x /usr/sbin/visudo ]] || die "missing sudo (install sudo): the fleet has sudo hosts"
	fi
	command -v ss >/dev/null || die "missing ss (iproute2)"
	command -v useradd >/dev/null || die "missing useradd"
	FIXTURE_TOOL=${FLEETAUDIT_FIXTURE:-$REPO/build-dev/tests/fleetaudit-fixture}
	[[ -x $FIXTURE_TOOL ]] || die "fixture tool '$FIXTURE_TOOL' not found: build it (tests/fleetaudit-fixture) or set FLEETAUDIT_FIXTURE"
	if [[ -n $AGENT ]]; then
		AGENT=$(readlink -f -- "$AGENT")
		resolve_agent_libs
	fi

	if (($(live_pids | wc -l))); then die "a fleet is already running in $DIR: run 'fleet.sh stop $DIR' first"; fi
	if [[ -f $DIR/state || -f $DIR/pids ]]; then QUIET=1 do_stop; fi

	# From here on a failure tears down whatever was started.
	START_OK=0
	exec 8>&2   # the trap may fire inside a 2>/dev/null redirection
	trap 'rc=$?; if [[ $START_OK != 1 ]]; then echo "fleet.sh: start failed (rc=$rc); cleaning up" >&8; do_stop 2>&8 || true; fi' EXIT
	trap 'exit 130' INT TERM

	rm -rf -- "$DIR/keys" "$DIR/sshd" "$DIR/logs"
	rm -f -- "$DIR"/{client_ed25519,client_ed25519.pub,authorized_keys,known_hosts,inventory.yaml,expected.tsv,canaries.txt,pids,ssh_config,summary.txt,garbage.sha256}
	mkdir -p "$DIR/keys" "$DIR/sshd" "$DIR/logs" /run/sshd
	: >"$DIR/state"
	: >"$DIR/pids"

	# stale canaries would make every later check fail
	local c
	for c in "${CANARY_NAMES[@]}"; do
		if [[ -e /tmp/fa-pwned-$c ]]; then
			warn "stale canary /tmp/fa-pwned-$c exists (a previous collector run executed a hostile name!); removing it"
			rm -f -- "/tmp/fa-pwned-$c"
		fi
	done

	# chroot storage. /var/tmp itself is 1777, which sshd rejects as a chroot
	# path component, so sshd reaches the roots through a root-owned symlink
	# in /run: /run/fleetaudit-fleet-ID -> /var/tmp/fleetaudit-fleet-ID.
	RD=$(mktemp -d /var/tmp/fleetaudit-fleet-XXXXXXXX)
	chmod 0755 "$RD"
	local id=${RD##*-}
	LINK=/run/fleetaudit-fleet-$id
	state_set rootdir "$RD"
	[[ -e $LINK || -L $LINK ]] && die "$LINK already exists"
	ln -s "$RD" "$LINK"
	state_set link "$LINK"
	state_set mode "$([[ -n $BENCH ]] && echo "bench $BENCH" || echo normal)"
	printf '%s\n' "$DIR" >"$RD/.fleet-dir"
	mkdir -p "$RD/roots" "$RD/void"

	# the login account
	if getent passwd "$FLEET_USER" >/dev/null; then
		note "reusing existing account $FLEET_USER ($(getent passwd "$FLEET_USER" | cut -d: -f3,7))"
		[[ $(getent passwd "$FLEET_USER" | cut -d: -f3) == 0 ]] || warn "$FLEET_USER is not UID 0: collection will not read every file"
	else
		useradd -o -u 0 -g 0 -M -d / -s /bin/sh -p '*' -c "$FLEET_GECOS" "$FLEET_USER" 2>/dev/null \
			|| useradd -o -u 0 -g 0 -M -d / -s /bin/sh -p '*' -c "$FLEET_GECOS" "$FLEET_USER"
	fi
	# useradd's default "!" marks the account locked, and sshd (UsePAM no) refuses locked accounts
	if [[ $(getent shadow "$FLEET_USER" | cut -d: -f2) == '!'* ]]; then
		if [[ $(getent passwd "$FLEET_USER" | cut -d: -f5) == "$FLEET_GECOS" ]]; then usermod -p '*' "$FLEET_USER"
		else warn "$FLEET_USER is locked in /etc/shadow; sshd will refuse it"; fi
	fi

	[[ -z $BENCH ]] && setup_sudo_accounts

	# keys
	kg() { ssh-keygen -q -t ed25519 -N '' -C "$2" -f "$1" </dev/null >/dev/null; }
	kg "$DIR/client_ed25519" "fa-fleet-client"
	cp "$DIR/client_ed25519.pub" "$DIR/authorized_keys"
	# sshd reads authorized keys as the logging-in user: the sudo accounts are
	# unprivileged and DIR may be private (mktemp -d), so serve a copy from RD
	install -m 0644 "$DIR/authorized_keys" "$RD/authorized_keys"
	kg "$DIR/keys/host-shared" "fleet-shared-hostkey"
	if [[ -z $BENCH ]]; then
		kg "$DIR/keys/host-solo" "fleet-solo-hostkey"
		kg "$DIR/keys/host-keychanged" "fleet-key-changed-served"
		kg "$DIR/keys/host-keychanged-decoy" "fleet-key-changed-recorded"
		kg "$DIR/keys/host-keyunknown" "fleet-key-unknown-served"
	fi

	# hosts and ports
	if [[ -n $BENCH ]]; then define_bench_fleet; else define_normal_fleet; fi
	local n=${#H_NAME[@]} i base
	base=$(pick_base_port "$n" "$BASE_PORT")
	for ((i = 0; i < n; i++)); do H_PORT[i]=$((base + i)); done

	# sshd instances: shared-key hosts in chunks, others by name
	local per=$SHARED_PER_SSHD; [[ -n $BENCH ]] && per=$BENCH_PER_SSHD
	local -a INST_NAMES=() ; local -A INST_KEY=() INST_PORTS=()
	local k=0 inst
	for ((i = 0; i < n; i++)); do
		case ${H_INST[i]} in
			none) continue ;;
			shared) printf -v inst 'shared-%02d' $((k / per + 1)); k=$((k + 1)); INST_KEY[$inst]=host-shared ;;
			solo) inst=solo; INST_KEY[$inst]=host-solo ;;
			keychanged) inst="key-changed"; INST_KEY[$inst]=host-keychanged ;;
			keyunknown) inst="key-unknown"; INST_KEY[$inst]=host-keyunknown ;;
		esac
		H_INST[i]=$inst
		[[ -n ${INST_PORTS[$inst]:-} ]] || INST_NAMES+=("$inst")
		INST_PORTS[$inst]+="${INST_PORTS[$inst]:+ }$i"
	done

	# chroot roots
	BIN_TEMPLATE=$RD/.bin-template
	make_bin_template "$BIN_TEMPLATE"
	[[ -n $AGENT ]] && stage_agent
	local slug
	if [[ -n $BENCH ]]; then
		local f
		for f in "${BENCH_FIXTURES[@]}"; do
			materialize_root "$f" "$RD/roots/bench-$f"
			echo "shared:$f" >"$RD/roots/bench-$f/.fleet-host"
			[[ -n $AGENT ]] && install_agent "$RD/roots/bench-$f"
		done
		for ((i = 0; i < n; i++)); do H_ROOT[i]=bench-${H_FIX[i]}; done
	else
		for ((i = 0; i < n; i++)); do
			case ${H_KIND[i]} in unreachable|sudo|sudopw) continue ;; esac
			slug=${H_NAME[i]}; [[ ${H_KIND[i]} == evil ]] && slug=evil-metachar
			H_ROOT[i]=$slug
			materialize_root "${H_FIX[i]}" "$RD/roots/$slug"
			case ${H_KIND[i]} in
				agent) install_agent "$RD/roots/$slug" ;;
				garbage)
					head -c "$GARBAGE_BYTES" /dev/urandom >"$RD/roots/$slug/garbage.bin"
					sha256sum <"$RD/roots/$slug/garbage.bin" | cut -d' ' -f1 >"$DIR/garbage.sha256" ;;
				cut|drop)
					# make sure any real collection produces well over CUT_BYTES: pad
					# files every plan reads with comment lines (meaning unchanged)
					local pf
					for pf in etc/ssh/sshd_config etc/login.defs; do
						[[ -f $RD/roots/$slug/$pf ]] || continue
						for ((x = 0; x < 400; x++)); do
							echo "# fleetaudit test fleet: padding so the collector's output passes $CUT_BYTES bytes ($x)"
						done >>"$RD/roots/$slug/$pf"
					done ;;
				evil) populate_evil_root "$RD/roots/$slug" ;;
			esac
			printf '%s\n' "${H_NAME[i]}" >"$RD/roots/$slug/.fleet-host"
		done
	fi
	rm -rf "$BIN_TEMPLATE" "$RD/.agent"

	# sshd configs
	local cfg p fc
	for inst in "${INST_NAMES[@]}"; do
		cfg=$DIR/sshd/$inst.conf
		{
			echo "# fleetaudit test fleet: sshd instance '$inst' (generated by tests/fleet/fleet.sh)"
			for i in ${INST_PORTS[$inst]}; do echo "ListenAddress 127.0.0.1:${H_PORT[i]}"; done
			cat <<EOF
AddressFamily inet
HostKey $DIR/keys/${INST_KEY[$inst]}
PidFile $DIR/sshd/$inst.pid
LogLevel $([[ -n $BENCH ]] && echo INFO || echo VERBOSE)
StrictModes no
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
# $FLEET_USER is UID 0: key-only root login, and nobody else
PermitRootLogin prohibit-password
AllowUsers $FLEET_USER
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
HostbasedAuthentication no
AuthorizedKeysFile $RD/authorized_keys
PermitUserEnvironment no
# local forwards to loopback only: the ProxyJump test hops through one host
AllowTcpForwarding local
PermitOpen 127.0.0.1:*
AllowAgentForwarding no
AllowStreamLocalForwarding no
X11Forwarding no
PermitTunnel no
MaxStartups 400:30:800
MaxSessions 10
MaxAuthTries 6
LoginGraceTime 30
Subsystem sftp internal-sftp
# safety net: a port without a Match block lands in an empty root (no shell)
ChrootDirectory $LINK/void
EOF
			for i in ${INST_PORTS[$inst]}; do
				echo
				echo "# host: ${H_NAME[i]//$'\n'/ } (${H_KIND[i]}, expected ${H_EXP[i]})"
				echo "Match LocalPort ${H_PORT[i]}"
				case ${H_KIND[i]} in
					# AllowUsers in a Match block adds to the global list: deny
					# the UID 0 account here explicitly (no chroot on these ports)
					sudo)   echo "	ChrootDirectory none"; echo "	AllowUsers $SUDO_USER_OK"; echo "	DenyUsers $FLEET_USER" ;;
					sudopw) echo "	ChrootDirectory none"; echo "	AllowUsers $SUDO_USER_PW"; echo "	DenyUsers $FLEET_USER" ;;
					*)      echo "	ChrootDirectory $LINK/roots/${H_ROOT[i]}" ;;
				esac
				case ${H_KIND[i]} in
					hang)    echo "	ForceCommand /bin/sleep 3600" ;;
					garbage) echo "	ForceCommand /bin/cat /garbage.bin" ;;
					flood)   echo "	ForceCommand /bin/cat /dev/zero" ;;
					cut)     # the script arrives on stdin (or as the exec command): run it, cut after $CUT_BYTES bytes
						echo "	ForceCommand /bin/sh -c 'if [ -n \"\$SSH_ORIGINAL_COMMAND\" ]; then eval \"\$SSH_ORIGINAL_COMMAND\"; else /bin/sh; fi | /bin/head -c $CUT_BYTES'" ;;
					drop)    # same, then the connection is torn down (no exit status, no channel close):
						# sshd runs ForceCommand via 'sh -c', whose parent is the session's sshd
						echo "	ForceCommand (if [ -n \"\$SSH_ORIGINAL_COMMAND\" ]; then eval \"\$SSH_ORIGINAL_COMMAND\"; else /bin/sh; fi | /bin/head -c $CUT_BYTES); /bin/sleep 1; /bin/kill -9 \$PPID" ;;
					refuses) echo "	AuthorizedKeysFile /nonexistent" ;;
				esac
			done
		} >"$cfg"
		"$SSHD" -t -f "$cfg" || die "sshd rejects $cfg"
	done

	# outputs
	write_outputs

	# launch
	local pid
	for inst in "${INST_NAMES[@]}"; do
		# setsid: own session, so the caller's terminal or process group does
		# not take the daemons down; it execs sshd directly, so $! is sshd.
		setsid "$SSHD" -D -f "$DIR/sshd/$inst.conf" -E "$DIR/logs/sshd-$inst.log" </dev/null >/dev/null 2>&1 &
		pid=$!
		echo "$pid" >>"$DIR/pids"
		INST_PID[$inst]=$pid
	done

	wait_ready
	t1=$(now)

	local nsshd=${#INST_NAMES[@]} summary
	if [[ -n $BENCH ]]; then
		summary=$(printf 'fleet up: bench %d hosts on 127.0.0.1:%d-%d, %d sshd, %d roots, in %.2fs; DIR=%s' \
			"$n" "$base" $((base + n - 1)) "$nsshd" 4 "$(awk "BEGIN{print $t1 - $t0}")" "$DIR")
	else
		local nok=0; for ((i = 0; i < n; i++)); do [[ ${H_EXP[i]} == ok ]] && nok=$((nok + 1)); done
		summary=$(printf 'fleet up: %d hosts (%d expected ok, %d hostile) on 127.0.0.1:%d-%d, %d sshd, in %.2fs; DIR=%s' \
			"$n" "$nok" $((n - nok)) "$base" $((base + n - 1)) "$nsshd" "$(awk "BEGIN{print $t1 - $t0}")" "$DIR")
	fi
	echo "$summary" >"$DIR/summary.txt"
	START_OK=1
	trap - EXIT INT TERM
	echo "$summary"
}

declare -A INST_PID=()

wait_ready() {
	local deadline i inst port pid ok line lp lpid
	deadline=$(($(date +%s%N) + 10000000000))
	while :; do
		local -A owner=()
		while read -r lp lpid; do owner[$lp]=$lpid; done < <(
			ss -Hltnp 2>/dev/null | awk '{n=split($4,a,":"); if (match($0,/pid=[0-9]+/)) print a[n], substr($0,RSTART+4,RLENGTH-4)}')
		ok=1
		for inst in "${!INST_PID[@]}"; do
			pid=${INST_PID[$inst]}
			if ! proc_alive "$pid"; then
				die "sshd '$inst' exited; log $DIR/logs/sshd-$inst.log: $(tail -n 5 "$DIR/logs/sshd-$inst.log" 2>/dev/null | tr '\n' ' ')"
			fi
		done
		for ((i = 0; i < ${#H_NAME[@]}; i++)); do
			port=${H_PORT[i]}
			if [[ ${H_KIND[i]} == unreachable ]]; then
				[[ -n ${owner[$port]:-} ]] && die "port $port (reserved as 'unreachable') is taken by pid ${owner[$port]}"
				continue
			fi
			pid=${INST_PID[${H_INST[i]}]}
			if [[ -z ${owner[$port]:-} ]]; then ok=0
			elif [[ ${owner[$port]} != "$pid" ]]; then die "port $port is owned by pid ${owner[$port]}, not our sshd $pid (port collision)"
			fi
		done
		((ok)) && break
		(($(date +%s%N) > deadline)) && die "sshd not listening on every port after 10 s (see $DIR/logs/)"
		sleep 0.05
	done
	# and each instance speaks SSH with the expected host key
	local first want got
	for inst in "${!INST_PID[@]}"; do
		for ((i = 0; i < ${#H_NAME[@]}; i++)); do [[ ${H_INST[i]} == "$inst" ]] && { first=${H_PORT[i]}; break; }; done
		want=$(pubkey_of "$DIR/keys/${INST_KEY[$inst]}")
		got=""
		while :; do
			got=$(ssh-keyscan -T 2 -t ed25519 -p "$first" 127.0.0.1 2>/dev/null | awk '{print $2" "$3}') || true
			[[ -n $got ]] && break
			(($(date +%s%N) > deadline)) && die "ssh-keyscan of sshd '$inst' (port $first) got nothing"
			sleep 0.1
		done
		[[ $got == "$want" ]] || die "sshd '$inst' on port $first presents an unexpected host key"
	done
}

write_outputs() {
	local n=${#H_NAME[@]} i key tags vars
	# known_hosts: every host but key-unknown; key-changed gets the decoy key
	for ((i = 0; i < n; i++)); do
		case ${H_KIND[i]}:${H_INST[i]} in
			unreachable:*) key=$(pubkey_of "$DIR/keys/host-shared") ;;
			*:key-unknown) continue ;;
			*:key-changed) key=$(pubkey_of "$DIR/keys/host-keychanged-decoy") ;;
			*) key=$(pubkey_of "$DIR/keys/${INST_KEY[${H_INST[i]}]}") ;;
		esac
		echo "[127.0.0.1]:${H_PORT[i]} $key"
	done >"$DIR/known_hosts"

	for ((i = 0; i < n; i++)); do
		printf '%s\t%s\t%s\t%s\n' "${H_NAME[i]}" "${H_EXP[i]}" "${H_PORT[i]}" "${H_FIX[i]}"
	done >"$DIR/expected.tsv"

	{
		echo "# fleetaudit test fleet inventory (generated by tests/fleet/fleet.sh)."
		echo "# Host keys: $DIR/known_hosts. Expected states: $DIR/expected.tsv."
		echo "defaults:"
		echo "  user: $FLEET_USER"
		echo "  identity_file: $DIR/client_ed25519"
		echo "groups:"
		for ((i = 0; i < ${#GROUP_NAMES[@]}; i++)); do
			echo "  $(yq "${GROUP_NAMES[i]}"):"
			echo "${GROUP_LINES[i]}"
		done
		echo "hosts:"
		for ((i = 0; i < n; i++)); do
			echo "  $(yq "${H_NAME[i]}"):"
			echo "    address: 127.0.0.1"
			echo "    port: ${H_PORT[i]}"
			case ${H_KIND[i]} in
				sudo)   echo "    user: $SUDO_USER_OK" ;;
				sudopw) echo "    user: $SUDO_USER_PW" ;;
			esac
			[[ -n ${H_TAGS[i]} ]] && echo "    tags: $(ylist "${H_TAGS[i]}")"
			vars="fixture: $(yq "${H_FIX[i]}"), expected: $(yq "${H_EXP[i]}")"
			[[ -n ${H_VARS[i]} ]] && vars+=", ${H_VARS[i]}"
			echo "    vars: {$vars}"
		done
	} >"$DIR/inventory.yaml"

	# canaries: on the real machine, and inside every chroot
	{
		local c r
		for c in "${CANARY_NAMES[@]}"; do echo "/tmp/fa-pwned-$c"; done
		for r in "$RD"/roots/*/; do
			for c in "${CANARY_NAMES[@]}"; do echo "${r%/}/tmp/fa-pwned-$c"; done
		done
	} >"$DIR/canaries.txt"

	# convenience: ssh -F DIR/ssh_config web-01
	{
		echo "# ssh -F $DIR/ssh_config HOST  (fleetaudit test fleet)"
		for ((i = 0; i < n; i++)); do
			local alias=${H_NAME[i]}; [[ ${H_KIND[i]} == evil ]] && alias=evil
			echo "Host $alias"
			echo "  Port ${H_PORT[i]}"
			case ${H_KIND[i]} in
				sudo)   echo "  User $SUDO_USER_OK" ;;
				sudopw) echo "  User $SUDO_USER_PW" ;;
			esac
		done
		cat <<EOF
Host *
  HostName 127.0.0.1
  User $FLEET_USER
  IdentityFile $DIR/client_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $DIR/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  ConnectTimeout 5
EOF
	} >"$DIR/ssh_config"
}

# ------------------------------------------------------------------- main

(($# >= 2)) || usage
CMD=$1; shift
if [[ $CMD == stop && ! -d $1 ]]; then echo "fleet.sh: nothing to stop in $1 (no such directory)" >&2; exit 0; fi
DIR=$(abs_dir "$1"); shift
BENCH="" AGENT="" BASE_PORT=${FLEET_BASE_PORT:-}
while (($#)); do
	case $1 in
		--bench) (($# >= 2)) || usage; BENCH=$2; shift 2
			[[ $BENCH =~ ^[1-9][0-9]*$ ]] && ((BENCH <= 4000)) || die "--bench N: 1..4000" ;;
		--agent) (($# >= 2)) || usage; AGENT=$2; shift 2 ;;
		--base-port) (($# >= 2)) || usage; BASE_PORT=$2; shift 2 ;;
		*) usage ;;
	esac
done
[[ -z $BASE_PORT || ( $BASE_PORT =~ ^[0-9]+$ && BASE_PORT -ge 1024 && BASE_PORT -le 60000 ) ]] || die "--base-port: 1024..60000"

exec 9>>"$DIR/.lock"
flock -w 30 9 || die "another fleet.sh holds $DIR/.lock"

case $CMD in
	start) do_start ;;
	stop)  [[ -z $BENCH && -z $AGENT ]] || usage; do_stop ;;
	*) usage ;;
esac

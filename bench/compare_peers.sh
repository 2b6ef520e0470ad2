#!/usr/bin/env bash
# bench/compare_peers.sh - time `fleetaudit scan` against OpenSCAP and Lynis on this host.
#
# For each tool, prints wall time, peak RSS and the number of checks really run, then the
# peer/fleetaudit ratios. The goal is for fleetaudit to be at least 100x faster than both peers.
# See bench/README.md ("Peer comparison") for what is measured and the caveats.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/compare_peers.sh [options]

Times, on this machine:
  fleetaudit       fleetaudit scan --profile cis-debian-12 (hyperfine mean over --fa-runs runs)
  openscap         oscap xccdf eval, the SSG datastream/profile that evaluates the most rules
                   here (default: ssg-ubuntu2204-ds.xml, CIS Level 2 Server)
  openscap-debian  oscap xccdf eval, Debian's own SSG content (ssg-debian11-ds.xml,
                   ANSSI NT28 High, the largest Debian profile)
  lynis            lynis audit system --quick

Options:
  --runs N              runs of each peer tool (default 1; mean wall, max peak RSS reported)
  --fa-runs N           hyperfine runs of fleetaudit (default 20, plus 2 warm-up runs)
  --json FILE           also write the results as JSON to FILE
  --skip-fleetaudit     do not run fleetaudit (peers only; no ratios)
  --skip-openscap       skip both OpenSCAP rows
  --skip-openscap-debian  skip only the Debian-native OpenSCAP row
  --skip-lynis          skip Lynis
  --oscap-ds FILE       datastream for the main OpenSCAP row
  --oscap-profile ID    XCCDF profile for the main OpenSCAP row (full id or short name)
  --no-cpe-override     run the SSG content with its own platform check only (on Debian 12
                        every rule is then "notapplicable"; see bench/README.md)
  --keep-tmp            keep the temporary directory (results XML, Lynis log/report)
  -h, --help            this help

Environment:
  FLEETAUDIT     fleetaudit binary (default: <repo>/build/cli/fleetaudit)
  FA_PROFILE     fleetaudit profile (default: cis-debian-12)
  FA_CONTENT     if set, passed as `fleetaudit scan --content DIR` (dir holding checks/, benchmarks-cis/)
  SSG_DIR        SSG content directory (default: /usr/share/xml/scap/ssg/content)
  PEER_TIMEOUT   seconds before a peer run is killed (default: 3600)
EOF
}

die() { printf 'compare_peers: error: %s\n' "$*" >&2; exit 1; }
warn() { printf 'compare_peers: warning: %s\n' "$*" >&2; }
log() { printf '==> %s\n' "$*" >&2; }

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)

FLEETAUDIT=${FLEETAUDIT:-$REPO_ROOT/build/cli/fleetaudit}
FA_PROFILE=${FA_PROFILE:-cis-debian-12}
FA_CONTENT=${FA_CONTENT:-}
SSG_DIR=${SSG_DIR:-/usr/share/xml/scap/ssg/content}
PEER_TIMEOUT=${PEER_TIMEOUT:-3600}

OSCAP_DS=$SSG_DIR/ssg-ubuntu2204-ds.xml
OSCAP_PROFILE=cis_level2_server
OSCAP_DEB_DS=$SSG_DIR/ssg-debian11-ds.xml
OSCAP_DEB_PROFILE=anssi_np_nt28_high

RUNS=1
FA_RUNS=20
JSON_OUT=""
SKIP_FA=0 SKIP_OSCAP=0 SKIP_OSCAP_DEB=0 SKIP_LYNIS=0
CPE_OVERRIDE=1
KEEP_TMP=0

is_uint() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }

# shellcheck disable=SC2015  # "A && B || die" is intended
while (($#)); do
  case $1 in
    --runs) (($# >= 2)) && is_uint "$2" || die "--runs needs a positive integer"; RUNS=$2; shift 2 ;;
    --fa-runs) (($# >= 2)) && is_uint "$2" || die "--fa-runs needs a positive integer"; FA_RUNS=$2; shift 2 ;;
    --json) (($# >= 2)) || die "--json needs a file name"; JSON_OUT=$2; shift 2 ;;
    --skip-fleetaudit) SKIP_FA=1; shift ;;
    --skip-openscap) SKIP_OSCAP=1; SKIP_OSCAP_DEB=1; shift ;;
    --skip-openscap-debian) SKIP_OSCAP_DEB=1; shift ;;
    --skip-lynis) SKIP_LYNIS=1; shift ;;
    --oscap-ds) (($# >= 2)) || die "--oscap-ds needs a file"; OSCAP_DS=$2; shift 2 ;;
    --oscap-profile) (($# >= 2)) || die "--oscap-profile needs a profile id"; OSCAP_PROFILE=$2; shift 2 ;;
    --no-cpe-override) CPE_OVERRIDE=0; shift ;;
    --keep-tmp) KEEP_TMP=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done
is_uint "$PEER_TIMEOUT" || die "PEER_TIMEOUT must be a positive integer (seconds)"

# ---------------------------------------------------------------------------------------------
# Prerequisites
# ---------------------------------------------------------------------------------------------
need() {  # need <command> <debian package>
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install it with: apt-get install -y $2"
}
need jq jq
need timeout coreutils
[[ -x /usr/bin/time ]] || die "GNU time (/usr/bin/time) not found; install it with: apt-get install -y time"
/usr/bin/time -f '%M' true >/dev/null 2>&1 || die "/usr/bin/time is not GNU time; install it with: apt-get install -y time"
if ((!SKIP_FA)); then
  need hyperfine hyperfine
  [[ -x $FLEETAUDIT ]] || die "fleetaudit binary not found or not executable: $FLEETAUDIT
  build it first (cmake --preset <preset> && cmake --build build), set FLEETAUDIT=/path/to/fleetaudit,
  or pass --skip-fleetaudit to time the peers only"
fi
if ((!SKIP_OSCAP || !SKIP_OSCAP_DEB)); then
  need oscap openscap-scanner
fi
if ((!SKIP_OSCAP)); then
  [[ -r $OSCAP_DS ]] || die "SCAP datastream not found: $OSCAP_DS (apt-get install -y ssg-debderived ssg-debian)"
fi
if ((!SKIP_OSCAP_DEB)); then
  [[ -r $OSCAP_DEB_DS ]] || die "SCAP datastream not found: $OSCAP_DEB_DS (apt-get install -y ssg-debian)"
fi
LYNIS=""
if ((!SKIP_LYNIS)); then
  LYNIS=$(command -v lynis 2>/dev/null || true)
  if [[ -z $LYNIS && -x /usr/sbin/lynis ]]; then LYNIS=/usr/sbin/lynis; fi
  [[ -n $LYNIS ]] || die "'lynis' not found; install it with: apt-get install -y lynis"
fi
if ((EUID != 0)); then
  warn "not running as root: OpenSCAP and Lynis skip or fail many root-only checks, so their numbers are not comparable"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/compare_peers.XXXXXX")
cleanup() {
  if ((KEEP_TMP)); then log "kept temporary files in $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Host facts
# ---------------------------------------------------------------------------------------------
OS_ID="" OS_VERSION_ID="" OS_PRETTY=""
# shellcheck disable=SC1091
if [[ -r /etc/os-release ]]; then
  OS_ID=$(. /etc/os-release && printf '%s' "${ID:-}")
  OS_VERSION_ID=$(. /etc/os-release && printf '%s' "${VERSION_ID:-}")
  OS_PRETTY=$(. /etc/os-release && printf '%s' "${PRETTY_NAME:-}")
fi
KERNEL=$(uname -r)
CPU_MODEL=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
NCPU=$(nproc 2>/dev/null || echo "?")
LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")  # at start: other load skews timings
IN_CONTAINER=no
if [[ -e /.dockerenv || -e /run/.containerenv ]] || grep -qsw container /proc/1/environ; then IN_CONTAINER=yes; fi

# ---------------------------------------------------------------------------------------------
# Result store
# ---------------------------------------------------------------------------------------------
TOOLS=()
declare -A WALL WALL_SD PEAK_KB CHECKS_RUN CHECKS_TOTAL NOTES NRUNS DETAIL EXTRA_JSON

# timed <label> <stdout file> <stderr file> -- cmd...
# Runs cmd under GNU time; sets T_WALL (s), T_PEAK_KB and T_RC. Never aborts on cmd failure.
timed() {
  local label=$1 out=$2 err=$3 tf
  shift 4
  tf=$TMP/time.$label.txt
  T_RC=0
  /usr/bin/time -o "$tf" -f 'BENCHTIME %e %M' "$@" >"$out" 2>"$err" </dev/null || T_RC=$?
  local line
  line=$(grep '^BENCHTIME ' "$tf" | tail -n1 || true)
  [[ -n $line ]] || die "$label: GNU time produced no measurement (rc=$T_RC); stderr: $(tail -n5 "$err")"
  read -r _ T_WALL T_PEAK_KB <<<"$line"
}

# awk helpers for float arithmetic
fdiv() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "nan"; else printf "%.6g\n", a / b }'; }
ffmt() { awk -v f="$1" -v r="$2" 'BEGIN { if (r == "nan") print "n/a"; else printf f "\n", r }'; }
fmean() { printf '%s\n' "$@" | awk '{ s += $1; n++ } END { printf "%.3f\n", s / n }'; }
fmax() { printf '%s\n' "$@" | awk 'NR == 1 || $1 > m { m = $1 } END { print m }'; }
fsd() { printf '%s\n' "$@" | awk '{ x[NR] = $1; s += $1 } END { m = s / NR; for (i = 1; i <= NR; i++) v += (x[i] - m) ^ 2; printf "%.3f\n", (NR > 1 ? sqrt(v / (NR - 1)) : 0) }'; }

# ---------------------------------------------------------------------------------------------
# fleetaudit
# ---------------------------------------------------------------------------------------------
run_fleetaudit() {
  local db=$TMP/fa.db json=$TMP/fa.json
  local -a cmd=("$FLEETAUDIT" scan --profile "$FA_PROFILE" --db "$db" --format json --output "$json")
  if [[ -n $FA_CONTENT ]]; then cmd+=(--content "$FA_CONTENT"); fi
  log "fleetaudit: ${cmd[*]}"

  # One run under GNU time: validates the exit status, produces the report, measures peak RSS.
  rm -f "$db" "$db-wal" "$db-shm" "$json"
  timed fleetaudit "$TMP/fa.stdout" "$TMP/fa.stderr" -- "${cmd[@]}"
  case $T_RC in
    0 | 2) ;;  # 2 = scan completed and found failures: normal
    *) die "fleetaudit exited with status $T_RC (1 = error); stderr:
$(tail -n20 "$TMP/fa.stderr")" ;;
  esac
  [[ -s $json ]] || die "fleetaudit did not write its JSON report to $json"
  jq -e '.hosts[0].results | type == "array"' "$json" >/dev/null 2>&1 ||
    die "fleetaudit report $json has no .hosts[0].results array"
  local peak_kb=$T_PEAK_KB gt_wall=$T_WALL
  local counts
  counts=$(jq -r '.hosts[0].results
      | [length, (map(select(.result != "not-applicable" and .result != "manual")) | length),
         (group_by(.result) | map("\(.[0].result)=\(length)") | join(" "))] | @tsv' "$json")
  local total run breakdown
  IFS=$'\t' read -r total run breakdown <<<"$counts"

  # Wall time: hyperfine mean, a fresh database for every run (same as the GNU time run).
  local q_db q_wal q_shm qcmd=""
  printf -v q_db '%q' "$db"; printf -v q_wal '%q' "$db-wal"; printf -v q_shm '%q' "$db-shm"
  local a q
  for a in "${cmd[@]}"; do printf -v q '%q' "$a"; qcmd+="${qcmd:+ }$q"; done
  log "fleetaudit: hyperfine, 2 warm-up + $FA_RUNS timed runs"
  hyperfine -N --ignore-failure --warmup 2 --runs "$FA_RUNS" --style basic \
    --prepare "rm -f $q_db $q_wal $q_shm" --export-json "$TMP/hyperfine.json" "$qcmd" \
    >"$TMP/hyperfine.log" 2>&1 || die "hyperfine failed: $(tail -n10 "$TMP/hyperfine.log")"
  local mean sd
  mean=$(jq -r '.results[0].mean' "$TMP/hyperfine.json")
  sd=$(jq -r '.results[0].stddev // 0' "$TMP/hyperfine.json")
  # Non-zero exit codes other than 2 during the hyperfine runs would mean the timing is bogus.
  if jq -e '.results[0].exit_codes // [] | map(select(. != 0 and . != 2)) | length > 0' \
    "$TMP/hyperfine.json" >/dev/null; then
    die "fleetaudit failed during the hyperfine runs (exit codes: $(jq -c '.results[0].exit_codes' "$TMP/hyperfine.json"))"
  fi

  TOOLS+=(fleetaudit)
  WALL[fleetaudit]=$mean
  WALL_SD[fleetaudit]=$sd
  PEAK_KB[fleetaudit]=$peak_kb
  CHECKS_RUN[fleetaudit]=$run
  CHECKS_TOTAL[fleetaudit]=$total
  NRUNS[fleetaudit]=$FA_RUNS
  NOTES[fleetaudit]="profile $FA_PROFILE"
  DETAIL[fleetaudit]="results: $breakdown; exit status $T_RC; GNU time single run ${gt_wall}s"
  EXTRA_JSON[fleetaudit]=$(jq -cn --arg p "$FA_PROFILE" --arg b "$breakdown" --argjson rc "$T_RC" \
    --arg bin "$FLEETAUDIT" --argjson gt "$gt_wall" \
    '{binary: $bin, profile: $p, exit_status: $rc, gnu_time_wall_s: $gt,
      results: ($b | split(" ") | map(select(length > 0) | split("=") | {(.[0]): (.[1] | tonumber)}) | add // {})}')
}

# ---------------------------------------------------------------------------------------------
# OpenSCAP
# ---------------------------------------------------------------------------------------------
# write_cpe_override <dir> <datastream>
# The SSG benchmarks declare an OS platform (e.g. cpe:/o:debian:debian_linux:11) whose OVAL check
# (/etc/debian_version =~ ^11) is false on Debian 12, which makes every rule "notapplicable".
# `oscap --cpe` accepts an extra CPE dictionary: we map the benchmark's OS CPE names to an OVAL
# check that is true only on this host's Debian release. Neither the SSG content nor the rules'
# own checks are modified; rule-level platforms (#machine, package present, ...) still apply.
write_cpe_override() {
  local dir=$1 ds=$2 cpe
  mkdir -p "$dir"
  local -a cpes
  mapfile -t cpes < <(grep -o 'platform idref="cpe:/o:[^"]*"' "$ds" | cut -d'"' -f2 | sort -u)
  ((${#cpes[@]})) || return 1
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<cpe-list xmlns="http://cpe.mitre.org/dictionary/2.0">'
    for cpe in "${cpes[@]}"; do
      echo "  <cpe-item name=\"$cpe\">"
      echo "    <title xml:lang=\"en-us\">$cpe, applied to Debian $OS_VERSION_ID by compare_peers.sh</title>"
      echo '    <check system="http://oval.mitre.org/XMLSchema/oval-definitions-5" href="cpe-override-oval.xml">oval:fleetaudit.bench:def:1</check>'
      echo '  </cpe-item>'
    done
    echo '</cpe-list>'
  } >"$dir/cpe-override.xml"
  cat >"$dir/cpe-override-oval.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
    xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
    xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent">
  <generator>
    <oval:product_name>fleetaudit bench/compare_peers.sh</oval:product_name>
    <oval:schema_version>5.11.2</oval:schema_version>
    <oval:timestamp>2024-01-01T00:00:00</oval:timestamp>
  </generator>
  <definitions>
    <definition class="inventory" id="oval:fleetaudit.bench:def:1" version="1">
      <metadata>
        <title>Debian ${OS_VERSION_ID}</title>
        <description>/etc/debian_version is ${OS_VERSION_ID}.x</description>
      </metadata>
      <criteria>
        <criterion test_ref="oval:fleetaudit.bench:tst:1" comment="Debian ${OS_VERSION_ID} is installed"/>
      </criteria>
    </definition>
  </definitions>
  <tests>
    <ind:textfilecontent54_test id="oval:fleetaudit.bench:tst:1" version="1" check="all"
        check_existence="at_least_one_exists" comment="Debian ${OS_VERSION_ID} is installed">
      <ind:object object_ref="oval:fleetaudit.bench:obj:1"/>
    </ind:textfilecontent54_test>
  </tests>
  <objects>
    <ind:textfilecontent54_object id="oval:fleetaudit.bench:obj:1" version="1">
      <ind:filepath>/etc/debian_version</ind:filepath>
      <ind:pattern operation="pattern match">^${OS_VERSION_ID}\.[0-9]+\$</ind:pattern>
      <ind:instance datatype="int">1</ind:instance>
    </ind:textfilecontent54_object>
  </objects>
</oval_definitions>
EOF
  printf '%s\n' "${cpes[@]}" >"$dir/cpes.txt"
}

# run_oscap <label> <datastream> <profile>
run_oscap() {
  local label=$1 ds=$2 profile=$3
  [[ $profile == xccdf_* ]] || profile=xccdf_org.ssgproject.content_profile_$profile
  oscap info --profiles "$ds" 2>/dev/null | cut -d: -f1 | grep -qxF "$profile" ||
    die "$label: profile $profile not in $ds; available: $(oscap info --profiles "$ds" 2>/dev/null | cut -d: -f1 | sed 's/.*_profile_//' | tr '\n' ' ')"

  local dir=$TMP/$label
  mkdir -p "$dir"
  local -a cpe_args=()
  local override="none"
  if ((CPE_OVERRIDE)); then
    if [[ $OS_ID == debian && $OS_VERSION_ID =~ ^[0-9]+$ ]]; then
      if write_cpe_override "$dir" "$ds"; then
        cpe_args=(--cpe "$dir/cpe-override.xml")
        override="$(paste -sd, "$dir/cpes.txt") -> Debian $OS_VERSION_ID"
      else
        warn "$label: no OS platform CPE found in $ds; running without CPE override"
      fi
    else
      warn "$label: host is not Debian with a numeric VERSION_ID; running without CPE override"
    fi
  fi

  local -a walls=() peaks=()
  local i rc=0
  local -a cmd=(oscap xccdf eval "${cpe_args[@]}" --profile "$profile" --results "$dir/results.xml" "$ds")
  for ((i = 1; i <= RUNS; i++)); do
    log "$label: run $i/$RUNS: ${cmd[*]}"
    rm -f "$dir/results.xml"
    # cd: the override dictionary refers to its OVAL file by a relative href.
    timed "$label" "$dir/stdout" "$dir/stderr" -- \
      env -C "$dir" timeout "$PEER_TIMEOUT" "${cmd[@]}"
    rc=$T_RC
    case $rc in
      0 | 2) ;;  # 2 = some rules failed: normal
      124) die "$label: timed out after ${PEER_TIMEOUT}s" ;;
      *) die "$label: oscap exited with status $rc; stderr:
$(tail -n20 "$dir/stderr")" ;;
    esac
    [[ -s $dir/results.xml ]] || die "$label: oscap wrote no results file"
    walls+=("$T_WALL"); peaks+=("$T_PEAK_KB")
  done

  # Count <rule-result> by <result> (namespace prefix tolerated).
  local -A n=()
  local r
  while read -r r; do n[$r]=$((${n[$r]:-0} + 1)); done < <(
    grep -o '<\([A-Za-z0-9_-]*:\)\{0,1\}result>[a-z]*</' "$dir/results.xml" | sed 's/.*>\([a-z]*\)<\//\1/')
  local total=0 evaluated=0 selected breakdown="" k
  for k in pass fail error unknown informational fixed notchecked notapplicable notselected; do
    total=$((total + ${n[$k]:-0}))
    case $k in pass | fail | error | unknown | informational | fixed) evaluated=$((evaluated + ${n[$k]:-0})) ;; esac
    if ((${n[$k]:-0})); then breakdown+="${breakdown:+ }$k=${n[$k]}"; fi
  done
  selected=$((total - ${n[notselected]:-0}))
  ((total > 0)) || die "$label: no <rule-result> elements in $dir/results.xml"
  ((evaluated > 0)) || warn "$label: no rule was evaluated (all notapplicable/notchecked) - timing is not meaningful"

  TOOLS+=("$label")
  WALL[$label]=$(fmean "${walls[@]}")
  WALL_SD[$label]=$(fsd "${walls[@]}")
  PEAK_KB[$label]=$(fmax "${peaks[@]}")
  CHECKS_RUN[$label]=$evaluated
  CHECKS_TOTAL[$label]=$selected
  NRUNS[$label]=$RUNS
  NOTES[$label]="$(basename "$ds") ${profile#xccdf_org.ssgproject.content_profile_}"
  DETAIL[$label]="rule-results: $total total ($breakdown); evaluated = pass+fail+error+unknown+informational+fixed = $evaluated of $selected selected; CPE override: $override"
  EXTRA_JSON[$label]=$(jq -cn --arg ds "$ds" --arg p "$profile" --arg o "$override" --arg b "$breakdown" \
    --argjson t "$total" --argjson s "$selected" --argjson rc "$rc" \
    '{datastream: $ds, profile: $p, cpe_override: $o, exit_status: $rc, rule_results_total: $t,
      rules_selected: $s,
      results: ($b | split(" ") | map(select(length > 0) | split("=") | {(.[0]): (.[1] | tonumber)}) | add // {})}')
}

# ---------------------------------------------------------------------------------------------
# Lynis
# ---------------------------------------------------------------------------------------------
run_lynis() {
  local dir=$TMP/lynis
  mkdir -p "$dir"
  # Extra profile (added after /etc/lynis/default.prf): no network, no system changes.
  #   refresh-repositories=no : PKGS-7392 would otherwise run `apt-get update` (network, minutes)
  #   skip-upgrade-test=yes   : no DNS lookup of the latest Lynis version
  #   upload=no               : never upload the report
  printf '%s\n' 'refresh-repositories=no' 'skip-upgrade-test=yes' 'upload=no' >"$dir/bench.prf"
  chmod 600 "$dir/bench.prf"
  local -a walls=() peaks=()
  local i
  for ((i = 1; i <= RUNS; i++)); do
    rm -f "$dir/lynis.log" "$dir/report.dat"
    local -a cmd=("$LYNIS" audit system --quick --no-colors --profile "$dir/bench.prf"
      --logfile "$dir/lynis.log" --report-file "$dir/report.dat")
    log "lynis: run $i/$RUNS: ${cmd[*]}"
    timed lynis "$dir/stdout" "$dir/stderr" -- timeout "$PEER_TIMEOUT" "${cmd[@]}"
    case $T_RC in
      0) ;;
      124) die "lynis: timed out after ${PEER_TIMEOUT}s" ;;
      *) die "lynis exited with status $T_RC; stderr:
$(tail -n20 "$dir/stderr")" ;;
    esac
    [[ -s $dir/report.dat ]] || die "lynis wrote no report file"
    walls+=("$T_WALL"); peaks+=("$T_PEAK_KB")
  done

  count_ids() { grep "^$1=" "$dir/report.dat" | tail -n1 | cut -d= -f2- | tr '|' '\n' | grep -c . || true; }
  local executed skipped source="report tests_executed"
  executed=$(count_ids tests_executed)
  skipped=$(count_ids tests_skipped)
  if ((executed == 0)); then
    executed=$(grep -c 'Performing test ID' "$dir/lynis.log" || true)
    source="log 'Performing test ID' lines"
  fi
  local done_n warnings suggestions hi version
  done_n=$(grep '^lynis_tests_done=' "$dir/report.dat" | tail -n1 | cut -d= -f2 || true)
  warnings=$(grep -c '^warning\[\]=' "$dir/report.dat" || true)
  suggestions=$(grep -c '^suggestion\[\]=' "$dir/report.dat" || true)
  hi=$(grep '^hardening_index=' "$dir/report.dat" | tail -n1 | cut -d= -f2 || true)
  version=$(grep '^lynis_version=' "$dir/report.dat" | tail -n1 | cut -d= -f2 || true)

  TOOLS+=(lynis)
  WALL[lynis]=$(fmean "${walls[@]}")
  WALL_SD[lynis]=$(fsd "${walls[@]}")
  PEAK_KB[lynis]=$(fmax "${peaks[@]}")
  CHECKS_RUN[lynis]=$executed
  CHECKS_TOTAL[lynis]=$((executed + skipped))
  NRUNS[lynis]=$RUNS
  NOTES[lynis]="--quick"
  DETAIL[lynis]="tests executed $executed (from $source), skipped $skipped, lynis_tests_done=${done_n:-?}; warnings $warnings, suggestions $suggestions, hardening index ${hi:-?}"
  EXTRA_JSON[lynis]=$(jq -cn --arg v "$version" --argjson s "$skipped" --argjson w "$warnings" \
    --argjson g "$suggestions" --arg hi "$hi" --arg src "$source" \
    '{version: $v, tests_skipped: $s, warnings: $w, suggestions: $g,
      hardening_index: ($hi | tonumber? // null), checks_run_source: $src}')
}

# ---------------------------------------------------------------------------------------------
# Run
# ---------------------------------------------------------------------------------------------
((SKIP_FA)) || run_fleetaudit
((SKIP_OSCAP)) || run_oscap openscap "$OSCAP_DS" "$OSCAP_PROFILE"
((SKIP_OSCAP_DEB)) || run_oscap openscap-debian "$OSCAP_DEB_DS" "$OSCAP_DEB_PROFILE"
((SKIP_LYNIS)) || run_lynis
((${#TOOLS[@]})) || die "nothing to run (everything skipped)"

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
ver() { "$@" 2>/dev/null | head -n1 || true; }
V_OSCAP=$( ((SKIP_OSCAP && SKIP_OSCAP_DEB)) || ver oscap --version | awk '{print $NF}')
V_SSG=$(dpkg-query -W -f '${Version}' ssg-debian 2>/dev/null || true)
V_LYNIS=$( ((SKIP_LYNIS)) || ver "$LYNIS" show version)
V_FA=$( ((SKIP_FA)) || ver "$FLEETAUDIT" --version)

echo
echo "host: ${OS_PRETTY:-unknown OS}, kernel $KERNEL, ${NCPU} CPU(s)${CPU_MODEL:+ ($CPU_MODEL)}, container: $IN_CONTAINER, user: $(id -un), load average at start: $LOADAVG"
echo "versions: fleetaudit ${V_FA:-n/a}; oscap ${V_OSCAP:-n/a} (ssg-debian ${V_SSG:-n/a}); lynis ${V_LYNIS:-n/a}"
echo
printf '%-16s %9s %9s %11s %13s  %s\n' tool wall_s peak_MB checks_run checks_total notes
for t in "${TOOLS[@]}"; do
  printf '%-16s %9s %9.1f %11s %13s  %s\n' "$t" \
    "$(awk -v v="${WALL[$t]}" 'BEGIN { printf (v < 1 ? "%.4f" : v < 100 ? "%.2f" : "%.1f"), v }')" \
    "$(awk -v k="${PEAK_KB[$t]}" 'BEGIN { printf "%.1f", k / 1024 }')" \
    "${CHECKS_RUN[$t]}" "${CHECKS_TOTAL[$t]}" "${NOTES[$t]}"
done
echo
for t in "${TOOLS[@]}"; do
  sd=""
  if ((${NRUNS[$t]} > 1)); then sd=", wall stddev $(awk -v v="${WALL_SD[$t]}" 'BEGIN { printf "%.3g", v }')s"; fi
  echo "$t: ${NRUNS[$t]} run(s)$sd; ${DETAIL[$t]}"
done

RATIOS_JSON="[]"
if [[ -n ${WALL[fleetaudit]:-} ]]; then
  echo
  fa_wall=${WALL[fleetaudit]} fa_peak=${PEAK_KB[fleetaudit]} fa_run=${CHECKS_RUN[fleetaudit]}
  for t in "${TOOLS[@]}"; do
    if [[ $t == fleetaudit ]]; then continue; fi
    rw=$(fdiv "${WALL[$t]}" "$fa_wall")
    rm_=$(fdiv "${PEAK_KB[$t]}" "$fa_peak")
    # time per check run, peer / fleetaudit
    rpc=nan
    if ((${CHECKS_RUN[$t]} > 0 && fa_run > 0)); then
      rpc=$(fdiv "$(fdiv "${WALL[$t]}" "${CHECKS_RUN[$t]}")" "$(fdiv "$fa_wall" "$fa_run")")
    fi
    goal=$(awk -v r="$rw" 'BEGIN { print (r != "nan" && r + 0 >= 100) ? "met" : "NOT met" }')
    printf 'ratio %s/fleetaudit: wall %sx, peak memory %sx, wall per check run %sx  (goal >=100x faster: %s)\n' \
      "$t" "$(ffmt %.0f "$rw")" "$(ffmt %.1f "$rm_")" "$(ffmt %.0f "$rpc")" "$goal"
    RATIOS_JSON=$(jq -c --arg t "$t" --arg w "$rw" --arg m "$rm_" --arg p "$rpc" --arg g "$goal" \
      '. + [{peer: $t, wall: ($w | tonumber? // null), peak_memory: ($m | tonumber? // null),
             wall_per_check_run: ($p | tonumber? // null), goal_100x_met: ($g == "met")}]' <<<"$RATIOS_JSON")
  done
fi

if [[ -n $JSON_OUT ]]; then
  rows="[]"
  for t in "${TOOLS[@]}"; do
    rows=$(jq -c --arg t "$t" --argjson w "${WALL[$t]}" --argjson sd "${WALL_SD[$t]}" \
      --argjson kb "${PEAK_KB[$t]}" --argjson run "${CHECKS_RUN[$t]}" --argjson tot "${CHECKS_TOTAL[$t]}" \
      --argjson n "${NRUNS[$t]}" --arg notes "${NOTES[$t]}" --arg d "${DETAIL[$t]}" \
      --argjson x "${EXTRA_JSON[$t]}" \
      '. + [{tool: $t, wall_s: $w, wall_stddev_s: $sd, runs: $n, peak_kb: $kb,
             peak_mb: (($kb / 1024 * 10 | round) / 10), checks_run: $run, checks_total: $tot,
             notes: $notes, detail: $d} + $x]' <<<"$rows")
  done
  jq -n --argjson tools "$rows" --argjson ratios "$RATIOS_JSON" \
    --arg os "$OS_PRETTY" --arg kernel "$KERNEL" --arg cpu "$CPU_MODEL" --arg ncpu "$NCPU" \
    --arg container "$IN_CONTAINER" --arg user "$(id -un)" --arg load "$LOADAVG" --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --arg vfa "$V_FA" --arg vos "$V_OSCAP" --arg vssg "$V_SSG" --arg vly "$V_LYNIS" \
    '{date: $date,
      host: {os: $os, kernel: $kernel, cpu: $cpu, cpus: ($ncpu | tonumber? // $ncpu),
             container: ($container == "yes"), user: $user, loadavg_at_start: $load},
      versions: {fleetaudit: $vfa, oscap: $vos, ssg_debian: $vssg, lynis: $vly},
      tools: $tools, ratios: $ratios}' >"$JSON_OUT"
  log "wrote $JSON_OUT"
fi

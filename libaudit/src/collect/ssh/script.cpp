#include "collect/ssh/script.hpp"

#include <cctype>
#include <random>

#include "content/rule.hpp"
#include "collect/probes.hpp"
#include "fleet/container_roots.hpp"
#include "fleetaudit/snapshot.hpp"

namespace fleetaudit::remote {

std::string sh_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  out += '\'';
  return out;
}

std::string sh_glob(std::string_view p) {
  std::string out, literal;
  auto flush = [&] {
    if (!literal.empty()) out += sh_quote(literal);
    literal.clear();
  };
  for (std::size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '*' || c == '?') {
      flush();
      out += c;
      continue;
    }
    if (c == '[') {
      std::size_t close = p.find(']', i + 2);  // a ']' right after '[' or '[!' is a member
      if (close == std::string_view::npos) {
        literal += c;
        continue;
      }
      flush();
      out += '[';
      std::size_t j = i + 1;
      if (p[j] == '!' || p[j] == '^') {
        out += '!';
        ++j;
      }
      for (; j < close; ++j) {
        char m = p[j];
        bool plain = std::isalnum(static_cast<unsigned char>(m)) || (m == '-' && j > i + 1 && j + 1 < close);
        out += plain ? std::string(1, m) : sh_quote(std::string_view(&p[j], 1));
      }
      out += ']';
      i = close;
      continue;
    }
    literal += c;
  }
  flush();
  return out.empty() ? "''" : out;
}

std::string random_boundary() {
  std::random_device rd;
  static const char* hex = "0123456789abcdef";
  std::string b = "FA";
  for (int i = 0; i < 8; ++i) {
    unsigned v = rd();
    for (int k = 0; k < 4; ++k) {
      b += hex[v & 15];
      v >>= 4;
    }
  }
  return b;
}

namespace {

// Functions the generated code calls. Host-provided names live only in
// "$variables"; forks are batched (one stat, one cat) because a fork costs
// more than a file read.
constexpr const char* kPrelude = R"SH(
if [ -c /dev/null ] && [ -w /dev/null ]; then FA_NULL=1; else FA_NULL=; fi
fa_quiet() {
  if [ -n "$FA_NULL" ]; then "$@" 2>/dev/null; else "$@"; fi
}
fa_meta() {
  [ $# -gt 0 ] || return 0
  printf '%s N %s\n' "$B" "$#"
  for fa_p in "$@"; do
    fa_t=; fa_l=0
    if [ -L "$fa_p" ]; then fa_l=1; fa_t=$(fa_quiet readlink -- "$fa_p") || fa_t=; fi
    if [ -e "$fa_p" ]; then fa_s=e
    elif [ -d "${fa_p%/*}/" ] && ! [ -x "${fa_p%/*}/" ]; then fa_s=x
    else fa_s=n; fi
    printf '%s%s%s\0%s\0' "$fa_s" "$fa_l" "$fa_p" "$fa_t"
  done
  printf '%s T\n' "$B"
  fa_quiet stat -L -c '%f %u %g %s %Y' -- "$@"
  printf '%s U\n' "$B"
}
fa_bulk() {
  [ $# -gt 0 ] || return 0
  printf '%s K %s\n' "$B" "$#"
  for fa_p in "$@"; do printf '%s\0' "$fa_p"; done
  printf '%s k\n' "$B"
  fa_quiet stat -L -c '%s' -- "$@"
  printf '%s k\n' "$B"
  fa_quiet cat -- "$@"
  printf '%s k\n' "$B"
  fa_quiet stat -L -c '%s' -- "$@"
  printf '%s Y\n' "$B"
}
fa_small() {
  [ -f "$1" ] || return 0
  if [ -r "$1" ]; then
    printf '%s C 1\n%s\0' "$B" "$1"
    fa_x=
    while IFS= read -r fa_x; do printf '%s\n' "$fa_x"; done < "$1"
    [ -n "$fa_x" ] && printf '%s' "$fa_x"
    printf '\n%s E 0\n' "$B"
  else
    printf '%s C 0\n%s\0' "$B" "$1"
  fi
}
fa_noread() {
  [ -f "$1" ] && ! [ -r "$1" ] && printf '%s C 0\n%s\0' "$B" "$1"
  return 0
}
fa_d() {
  [ -d "$1" ] || return 0
  if [ -r "$1" ] && [ -x "$1" ]; then
    printf '%s L 1\n%s\0' "$B" "$1"
    for fa_f in "$1"/* "$1"/.[!.]* "$1"/..?*; do
      [ -e "$fa_f" ] || [ -L "$fa_f" ] || continue
      printf '%s\0' "${fa_f##*/}"
    done
    printf '\0'
  else
    printf '%s L 0\n%s\0' "$B" "$1"
  fi
}
fa_probe_maps() {
  printf '%s R @deleted-maps\n' "$B"
  for fa_d in /proc/[0-9]*; do
    [ -r "$fa_d/maps" ] || continue
    fa_c=; fa_g=
    [ -r "$fa_d/comm" ] && { IFS= read -r fa_c || :; } < "$fa_d/comm"
    [ -r "$fa_d/cgroup" ] && { IFS= read -r fa_g || :; } < "$fa_d/cgroup"
    while IFS= read -r fa_l; do
      case $fa_l in *' (deleted)') printf '%s\t%s\t%s\t%s\n' "${fa_d#/proc/}" "$fa_c" "$fa_g" "$fa_l" ;; esac
    done < "$fa_d/maps"
  done
  printf '\n%s E 0\n' "$B"
}
fa_probe_cpu() {
  printf '%s R @cpu-flags\n' "$B"
  if [ -r /proc/cpuinfo ]; then
    while IFS= read -r fa_l; do
      case $fa_l in flags*|Features*) printf '%s\n' "$fa_l"; break ;; esac
    done < /proc/cpuinfo
  fi
  printf '\n%s E 0\n' "$B"
}
fa_probe_apt() {
  printf '%s R @apt-candidates\n' "$B"
  if [ ! -f /var/lib/dpkg/status ]; then
    printf '#\tno dpkg database (/var/lib/dpkg/status)\n'
  else
    fa_n=0
    for fa_f in /var/lib/apt/lists/*_Packages /var/lib/apt/lists/*_Packages.gz /var/lib/apt/lists/*_Packages.lz4 /var/lib/apt/lists/*_Packages.xz; do
      [ -f "$fa_f" ] || continue
      fa_n=$((fa_n + 1))
      case ${fa_f##*/} in *-security_*|*_security_*|security.debian.org*|security.ubuntu.com*) fa_s=S ;; *) fa_s=- ;; esac
      case $fa_f in *.lz4) fa_z=lz4cat ;; *.gz) fa_z=zcat ;; *.xz) fa_z=xzcat ;; *) fa_z=cat ;; esac
      # captured, not sent to /dev/null: a /dev/null that may not exist would be created
      fa_ok=$(command -v "$fa_z") || fa_ok=
      if [ -z "$fa_ok" ]; then
        printf '#\t%s: %s is not available on the host\n' "$fa_f" "$fa_z"
        continue
      fi
      fa_quiet "$fa_z" "$fa_f" | awk -v s="$fa_s" '
        FNR == NR { if ($1 == "Package:") p = $2
                    else if ($1 == "Status:" && $4 ~ /^(installed|half-configured|unpacked|half-installed|triggers-awaited|triggers-pending)$/) i[p] = 1
                    next }
        $1 == "Package:" { p = $2; w = (p in i); next }
        $1 == "Version:" && w { print p "\t" $2 "\t" s; w = 0 }' /var/lib/dpkg/status -
    done
    [ "$fa_n" -gt 0 ] || printf '#\tno apt lists in /var/lib/apt/lists (apt-get update has not run)\n'
  fi
  printf '\n%s E 0\n' "$B"
}
fa_probe_dnf() {
  printf '%s R @dnf-candidates\n' "$B"
  fa_n=0
  for fa_f in /var/cache/dnf/*/repodata/*-primary.xml /var/cache/dnf/*/repodata/*-primary.xml.gz /var/cache/dnf/*/repodata/*-primary.xml.xz /var/cache/dnf/*/repodata/*-updateinfo.xml /var/cache/dnf/*/repodata/*-updateinfo.xml.gz /var/cache/dnf/*/repodata/*-updateinfo.xml.xz; do
    [ -f "$fa_f" ] || continue
    fa_n=$((fa_n + 1))
    case $fa_f in *-updateinfo.xml*) fa_u=1 ;; *) fa_u=0 ;; esac
    case $fa_f in *.gz) fa_z=zcat ;; *.xz) fa_z=xzcat ;; *) fa_z=cat ;; esac
    fa_ok=$(command -v "$fa_z") || fa_ok=
    if [ -z "$fa_ok" ]; then
      printf '#\t%s: %s is not available on the host\n' "$fa_f" "$fa_z"
      continue
    fi
    fa_quiet "$fa_z" "$fa_f" | awk -v u="$fa_u" '
      function attr(k,   p, i, r) { p = " " k "=\""; i = index($0, p); if (i == 0) return ""
                                    r = substr($0, i + length(p)); i = index(r, "\""); return i ? substr(r, 1, i - 1) : "" }
      function text(t,   i, r) { i = index($0, "<" t ">"); r = substr($0, i + length(t) + 2)
                                 i = index(r, "</" t ">"); return i ? substr(r, 1, i - 1) : r }
      function evr(e, v, r) { return (e == "" || e == "0" ? "" : e ":") v "-" r }
      u == 1 && index($0, "<update ") { s = index($0, "type=\"security\"") > 0; next }
      u == 1 && s && index($0, "<package ") { if (attr("arch") != "src" && attr("name") != "")
                                                print attr("name") "\t" evr(attr("epoch"), attr("version"), attr("release")) "\tS"; next }
      u == 1 { next }
      index($0, "<name>") { n = text("name"); next }
      index($0, "<arch>") { a = text("arch"); next }
      index($0, "<version ") { if (n != "" && a != "src") print n "\t" evr(attr("epoch"), attr("ver"), attr("rel")) "\t-"; n = "" }'
  done
  [ "$fa_n" -gt 0 ] || printf '#\tno dnf repository cache in /var/cache/dnf (dnf makecache has not run)\n'
  printf '\n%s E 0\n' "$B"
}
# Containers: the local collector's follow-up round reads the one copy of
# each container file a container sees; here each layer stack (a layer's
# lower chain, an overlay mount) gets its topmost regular copy, stopping at
# a whiteout or a link (the link's target is another name of the list).
fa_ctr_pick() {
  for fa_cr in etc/os-release usr/lib/os-release var/lib/dpkg/status lib/apk/db/installed var/lib/rpm/rpmdb.sqlite usr/lib/sysimage/rpm/rpmdb.sqlite; do
    for fa_cl in "$@"; do
      fa_cp=$fa_cl/$fa_cr
      if [ -L "$fa_cp" ] || [ -c "$fa_cp" ] || [ -e "${fa_cp%/*}/.wh.${fa_cp##*/}" ]; then break; fi
      [ -f "$fa_cp" ] || continue
      case $FA_CTR_SEEN in *"
$fa_cp
"*) ;; *) FA_CTR_SEEN="$FA_CTR_SEEN$fa_cp
"; if [ -r "$fa_cp" ]; then fa_bulk "$fa_cp"; else fa_noread "$fa_cp"; fi ;; esac
      break
    done
  done
}
fa_ctr_chains() { # $1: a storage's layer directory (DIR/<id>/diff, DIR/<id>/lower with DIR/l/<short> links)
  fa_cb=$1
  for fa_cd in "$fa_cb"/*/lower; do
    [ -f "$fa_cd" ] || continue
    fa_cx=
    { IFS= read -r fa_cx || :; } < "$fa_cd"
    set -f; fa_cs=$IFS; IFS=:
    set -- ${fa_cx}
    IFS=$fa_cs; set +f
    fa_cc=$#
    for fa_ce in "$@"; do
      fa_ct=$(fa_quiet readlink -- "$fa_cb/$fa_ce") || fa_ct=
      case $fa_ct in
        '') ;;
        /*) set -- "$@" "$fa_ct" ;;
        *) # "../<layer>/diff" from DIR/l: the same spelling as the collector's (DIR/<layer>/diff)
           fa_cdir=$fa_cb/${fa_ce%/*}
           while :; do
             case $fa_ct in ../*) fa_ct=${fa_ct#../}; fa_cdir=${fa_cdir%/*} ;; ./*) fa_ct=${fa_ct#./} ;; *) break ;; esac
           done
           set -- "$@" "$fa_cdir/$fa_ct" ;;
      esac
    done
    shift "$fa_cc"
    fa_ctr_pick "${fa_cd%/lower}/diff" "$@"
  done
}
fa_ctr_mounts() { # overlay mounts: upperdir, then lowerdir's layers
  [ -r /proc/mounts ] || return 0
  while read -r fa_cm1 fa_cm2 fa_cm3 fa_cm4 fa_cm5; do
    [ "$fa_cm3" = overlay ] || continue
    fa_cu=; fa_cw=
    set -f; fa_cs=$IFS; IFS=,
    for fa_co in $fa_cm4; do
      case $fa_co in upperdir=*) fa_cu=${fa_co#upperdir=} ;; lowerdir=*) fa_cw=${fa_co#lowerdir=} ;; esac
    done
    IFS=:
    set -- $fa_cw
    IFS=$fa_cs; set +f
    [ -n "$fa_cu" ] && set -- "$fa_cu" "$@"
    fa_ctr_pick "$@"
  done < /proc/mounts
}
fa_one() {
  fa_meta "$1"
  if [ -f "$1" ] && [ -r "$1" ]; then fa_bulk "$1"; else fa_noread "$1"; fi
}
fa_inc() {
  local fa_file fa_depth fa_line fa_arg fa_g fa_first
  fa_file=$1; fa_depth=$2
  [ "$fa_depth" -lt 4 ] || return 0
  [ -f "$fa_file" ] && [ -r "$fa_file" ] || return 0
  while IFS= read -r fa_line || [ -n "$fa_line" ]; do
    set -f
    set -- $fa_line
    set +f
    case ${1:-} in
      [Ii][Nn][Cc][Ll][Uu][Dd][Ee]) shift ;;
      [Ii][Nn][Cc][Ll][Uu][Dd][Ee]=*) fa_first=${1#*=}; shift; set -- "$fa_first" "$@" ;;
      *) continue ;;
    esac
    for fa_arg in "$@"; do
      case $fa_arg in /*) ;; *) fa_arg=/etc/ssh/$fa_arg ;; esac
      case $fa_arg in
        *[*?[]*)
          printf '%s G\n%s\0' "$B" "$fa_arg"
          for fa_g in $fa_arg; do [ -e "$fa_g" ] || [ -L "$fa_g" ] || continue; printf '%s\0' "$fa_g"; done
          printf '\0'
          for fa_g in $fa_arg; do
            [ -e "$fa_g" ] || [ -L "$fa_g" ] || continue
            fa_one "$fa_g"; fa_inc "$fa_g" $((fa_depth + 1))
          done ;;
        *) fa_one "$fa_arg"; fa_inc "$fa_arg" $((fa_depth + 1)) ;;
      esac
    done
  done < "$fa_file"
}
)SH";

bool shell_reads(std::string_view path) {
  // Kernel files report no (or a fake) size: the shell reads them itself,
  // as text. UEFI variables are binary and efivarfs reports their true
  // size: they go with ordinary files (cat, cut apart by size).
  if (path.starts_with("/sys/firmware/efi/efivars/")) return false;
  return path.starts_with("/proc/") || path.starts_with("/sys/");
}

}  // namespace

std::string make_script(const Plan& plan, const ScriptOptions& opt) {
  std::string s;
  s.reserve(16384 + plan.items.size() * 160);
  s += "LC_ALL=C\nexport LC_ALL\numask 077\n";
  s += "B=" + sh_quote(opt.boundary) + "\n";
  s += "FA_LIMIT=" + std::to_string(opt.max_file_bytes + 1) + "\n";
  s += "printf '%s S 2\\n' \"$B\"\n";
  if (!opt.agent_path.empty()) {
    // The agent path: the same plan, collected by fleetaudit on the host. The
    // plan goes as one quoted argument (a here-document costs the shell a
    // pipe and a process).
    s += "if [ -x " + sh_quote(opt.agent_path) + " ] && [ ! -d " + sh_quote(opt.agent_path) + " ]; then\n";
    s += "  printf '%s A\\n' \"$B\"\n";
    s += "  exec " + sh_quote(opt.agent_path) + " collect --out - --encoding binary --max-file-bytes " + std::to_string(opt.max_file_bytes) +
         " --plan-json " + sh_quote(to_json(plan)) + "\nfi\n";
  }
  s += kPrelude;

  // 1. Every literal path in one command (appending one by one copies the
  //    list each time), then each glob once: its matches are recorded (G)
  //    and join the list. 2. One stat for the whole list.
  s += "set --";
  std::size_t on_line = 0;
  for (const auto& [item, flags] : plan.items) {
    if (is_glob(item) || hostfs::is_probe(item)) continue;
    if (++on_line % 16 == 0) s += " \\\n ";
    s += " " + sh_quote(item);
  }
  s += "\n";
  for (const auto& [item, flags] : plan.items) {
    if (!is_glob(item)) continue;
    s += "printf '%s G\\n%s\\0' \"$B\" " + sh_quote(item) + "\n";
    s += "for f in " + sh_glob(item) + "; do [ -e \"$f\" ] || [ -L \"$f\" ] || continue; printf '%s\\0' \"$f\"; set -- \"$@\" \"$f\"; done\n";
    s += "printf '\\0'\n";
  }
  s += "fa_meta \"$@\"\n";
  // 3. Directory listings.
  for (const auto& [item, flags] : plan.items) {
    if (!(flags & kPlanList)) continue;
    if (is_glob(item)) s += "for f in " + sh_glob(item) + "; do fa_d \"$f\"; done\n";
    else s += "fa_d " + sh_quote(item) + "\n";
  }
  // 4. Content: ordinary files in one cat, cut apart by their sizes;
  //    kernel files read by the shell; unreadable files reported.
  s += "set --\n";
  for (const auto& [item, flags] : plan.items) {
    if (!(flags & kPlanContent) || shell_reads(item) || hostfs::is_probe(item)) continue;
    if (is_glob(item)) {
      s += "for f in " + sh_glob(item) + "; do if [ -f \"$f\" ] && [ -r \"$f\" ]; then set -- \"$@\" \"$f\"; else fa_noread \"$f\"; fi; done\n";
    } else {
      std::string q = sh_quote(item);
      s += "if [ -f " + q + " ] && [ -r " + q + " ]; then set -- \"$@\" " + q + "; else fa_noread " + q + "; fi\n";
    }
  }
  s += "fa_bulk \"$@\"\n";
  for (const auto& [item, flags] : plan.items) {
    if (!(flags & kPlanContent) || !shell_reads(item)) continue;
    if (is_glob(item)) s += "for f in " + sh_glob(item) + "; do fa_small \"$f\"; done\n";
    else s += "fa_small " + sh_quote(item) + "\n";
  }
  // 4b. Containers' own files, the copy each layer stack sees (the local
  //     collector's follow-up round, container_roots.hpp).
  if (plan.items.count(detail::container_plan_marker())) {
    s += "FA_CTR_SEEN='\n'\n";
    for (const auto& dir : detail::container_layer_dirs()) s += "fa_ctr_chains " + sh_quote(dir) + "\n";
    s += "fa_ctr_mounts\n";
  }
  // 5. sshd_config Include lines name files no plan could know: follow them
  //    here, in the same round trip (the local collector's followup_plan).
  auto sshd = plan.items.find(detail::paths::kSshdConfig);
  if (sshd != plan.items.end() && (sshd->second & kPlanContent)) {
    s += "fa_inc " + sh_quote(detail::paths::kSshdConfig) + " 0\n";
    s += "for f in " + sh_glob(detail::paths::kSshdDropins) + "; do [ -f \"$f\" ] && fa_inc \"$f\" 0; done\n";
  }
  // 6. Probes: raw lines gathered here, made canonical by the parser with
  //    the local collector's own function (collect/probes.hpp).
  for (const auto& [item, flags] : plan.items) {
    if (!hostfs::is_probe(item)) continue;
    if (item == "@deleted-maps") s += "fa_probe_maps\n";
    else if (item == "@cpu-flags") s += "fa_probe_cpu\n";
    else if (item == "@apt-candidates") s += "fa_probe_apt\n";
    else if (item == "@dnf-candidates") s += "fa_probe_dnf\n";
  }
  s += "printf '%s Z\\n' \"$B\"\n";
  return s;
}

std::string ScriptCache::script(std::string_view boundary, const std::string& agent_path) const {
  const Parts* parts = nullptr;
  {
    std::lock_guard lock(mu_);
    auto it = by_agent_.find(agent_path);
    if (it == by_agent_.end()) {
      // A placeholder of the boundary's alphabet that the script cannot
      // otherwise contain: it is split out at its one occurrence.
      ScriptOptions opt;
      opt.boundary = random_boundary() + random_boundary();
      opt.max_file_bytes = max_file_bytes_;
      opt.agent_path = agent_path;
      std::string whole = make_script(plan_, opt);
      std::string quoted = sh_quote(opt.boundary);
      std::size_t at = whole.find(quoted);
      Parts p;
      p.head = whole.substr(0, at);
      p.tail = whole.substr(at + quoted.size());
      it = by_agent_.emplace(agent_path, std::move(p)).first;
    }
    parts = &it->second;  // std::map: stable while the cache lives
  }
  std::string quoted = sh_quote(boundary);
  std::string out;
  out.reserve(parts->head.size() + quoted.size() + parts->tail.size());
  out += parts->head;
  out += quoted;
  out += parts->tail;
  return out;
}

}  // namespace fleetaudit::remote

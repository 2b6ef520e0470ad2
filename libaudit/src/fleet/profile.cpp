// A host's profile for fleet analytics (fleetaudit/fleet.hpp), from its
// snapshot. Pure: no I/O, "now" is the collection time.

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "content/rule.hpp"
#include "eval/facts.hpp"
#include "fleet/containers.hpp"
#include "fleetaudit/fleet.hpp"
#include "fleetaudit/version_compare.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace fleetaudit {

namespace {

constexpr const char* kLivepatch = "/sys/kernel/livepatch/*/enabled";  // also in facts_plan.cpp
constexpr const char* kVulns = "/sys/devices/system/cpu/vulnerabilities/*";

std::string text_of(HostFacts::Cache& c, std::string_view path) {
  const FileFact* f = c.file(path);
  if (!f || !f->has_content) return {};
  return std::string(util::trim(f->content));
}

bool exists(HostFacts::Cache& c, std::string_view path) {
  const FileFact* f = c.file(path);
  return f && f->exists();
}

// The first of these packages the host has: its version.
std::string package_version(const parse::PackageDatabase& db, std::initializer_list<const char*> names, std::string* which = nullptr) {
  for (const char* n : names) {
    const parse::Package* p = db.find(n);
    if (p && p->present) {
      if (which) *which = n;
      return p->version;
    }
  }
  return {};
}

int compare_versions(const parse::PackageDatabase& db, std::string_view a, std::string_view b) {
  return db.format == parse::PackageFormat::rpm ? compare_rpm_versions(a, b) : compare_debian_versions(a, b);
}

// "6.1.0-25-amd64": releases compare well enough in dpkg order (numbers by value).
bool release_newer(std::string_view a, std::string_view b) { return compare_debian_versions(a, b) > 0; }

// "Debian 6.1.106-3 (2024-08-26)" or "Thu Aug 29 ..." -> YYYY-MM-DD when a date is in parentheses.
std::string build_date(std::string_view version) {
  std::size_t open = version.rfind('(');
  while (open != std::string_view::npos) {
    std::string_view in = version.substr(open + 1, 10);
    bool ok = in.size() == 10 && in[4] == '-' && in[7] == '-';
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) ok = ok && in.size() == 10 && in[i] >= '0' && in[i] <= '9';
    if (ok) return std::string(in);
    if (open == 0) break;
    open = version.rfind('(', open - 1);
  }
  return {};
}

std::string container_of(std::string_view cgroup) {
  // A 64-hex-digit run: docker-<id>.scope, /docker/<id>, cri-containerd-<id>.scope, libpod-<id>.scope
  std::size_t run = 0;
  for (std::size_t i = 0; i < cgroup.size(); ++i) {
    char c = cgroup[i];
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    run = hex ? run + 1 : 0;
    if (run == 64 && (i + 1 == cgroup.size() || !std::isxdigit(static_cast<unsigned char>(cgroup[i + 1]))))
      return std::string(cgroup.substr(i + 1 - 64, 12));
  }
  return {};
}

void add_risk(HostProfile& h, std::string factor, int points, std::string why) {
  if (points <= 0) return;
  h.risk_contributions.push_back({std::move(factor), points, std::move(why)});
}

}  // namespace

HostProfile profile_host(const Snapshot& snap, const RiskOptions& opt) {
  HostFacts facts(snap);
  return profile_host(facts, opt);
}

HostProfile profile_host(const HostFacts& facts, const RiskOptions& opt) {
  const Snapshot& snap = facts.snapshot();
  HostProfile h;
  h.host = snap.host;
  h.tags = snap.tags;
  h.collected_at = snap.collected_at;
  HostFacts::Cache& c = facts.cache();

  // --- operating system and kernel
  const auto& os = c.os_release();
  if (os.available) {
    auto get = [&](const char* k) {
      auto it = os.value.find(k);
      return it == os.value.end() ? std::string() : it->second;
    };
    h.os_id = get("ID");
    h.os_version = get("VERSION_ID");
    h.os_name = get("PRETTY_NAME");
    if (!h.os_id.empty()) h.components["os"] = h.os_id + (h.os_version.empty() ? "" : " " + h.os_version);
  }
  h.kernel_release = text_of(c, "/proc/sys/kernel/osrelease");
  std::string version = text_of(c, "/proc/version");
  if (h.kernel_release.empty() && version.starts_with("Linux version ")) {
    auto words = util::split_ws(version);
    if (words.size() > 2) h.kernel_release = std::string(words[2]);
  }
  if (auto hash = version.find(" #"); hash != std::string::npos) h.kernel_build = version.substr(hash + 1);
  h.kernel_build_date = build_date(version);
  if (!h.kernel_release.empty()) h.components["kernel"] = h.kernel_release;

  const auto& pk = c.packages();
  std::set<std::string> kernels;
  if (pk.available) {
    const auto& db = pk.value;
    for (const auto& p : db.packages) {
      if (!p.present) continue;
      if (db.format == parse::PackageFormat::dpkg && p.name.starts_with("linux-image-")) {
        std::string rel = p.name.substr(12);
        if (rel.ends_with("-unsigned")) rel.resize(rel.size() - 9);
        if (!rel.empty() && rel[0] >= '0' && rel[0] <= '9') kernels.insert(rel);  // not the meta package linux-image-amd64
      } else if (db.format == parse::PackageFormat::rpm && (p.name == "kernel-core" || p.name == "kernel")) {
        std::string v = p.version;
        if (auto colon = v.find(':'); colon != std::string::npos) v = v.substr(colon + 1);
        kernels.insert(v + (p.arch.empty() ? "" : "." + p.arch));
      }
    }
    auto comp = [&](const char* name, std::initializer_list<const char*> pkgs) {
      std::string v = package_version(db, pkgs);
      if (!v.empty()) h.components[name] = v;
    };
    comp("qemu", {"qemu-system-x86", "qemu-kvm", "qemu-system-x86-core", "qemu-system-arm", "qemu-system-misc"});
    comp("libvirt", {"libvirt-daemon", "libvirt-daemon-system", "libvirt-daemon-kvm"});
    comp("docker", {"docker-ce", "docker.io", "moby-engine", "docker"});
    comp("containerd", {"containerd.io", "containerd"});
    comp("runc", {"runc"});
    comp("crun", {"crun"});
    comp("kata", {"kata-containers", "kata-runtime"});
    comp("glibc", {"libc6", "glibc"});
    comp("openssl", {"libssl3", "openssl-libs", "libssl3t64", "libssl1.1", "openssl"});
    comp("openssh", {"openssh-server", "openssh-client", "openssh"});
    for (const auto& p : db.packages) {
      if (p.present && p.name.starts_with("xen-hypervisor-")) {
        h.components["xen"] = p.version;
        break;
      }
    }
  }
  if (const FileFact* boot = c.file("/boot"); boot && boot->has_entries) {
    for (const auto& e : boot->entries)
      if (e.starts_with("vmlinuz-")) kernels.insert(e.substr(8));
  }
  h.installed_kernels.assign(kernels.begin(), kernels.end());
  std::sort(h.installed_kernels.begin(), h.installed_kernels.end(), [](const std::string& a, const std::string& b) { return release_newer(a, b); });
  if (!h.kernel_release.empty() && !h.installed_kernels.empty() && h.installed_kernels.front() != h.kernel_release &&
      release_newer(h.installed_kernels.front(), h.kernel_release))
    h.kernel_outdated = true;

  // --- uptime, reboot, live patches, CPU
  if (std::string up = text_of(c, "/proc/uptime"); !up.empty()) {
    char* end = nullptr;
    double secs = std::strtod(up.c_str(), &end);
    if (end != up.c_str() && secs >= 0) h.uptime_days = secs / 86400.0;
  }
  h.reboot_required = exists(c, "/var/run/reboot-required") || exists(c, "/run/reboot-required");
  for (const char* f : {"/var/run/reboot-required.pkgs", "/run/reboot-required.pkgs"}) {
    const std::string pkgs = text_of(c, f);
    for (auto l : util::split(pkgs, '\n')) {
      std::string s(util::trim(l));
      if (!s.empty() && std::find(h.reboot_packages.begin(), h.reboot_packages.end(), s) == h.reboot_packages.end())
        h.reboot_packages.push_back(s);
    }
  }
  if (const auto* lp = c.glob(kLivepatch)) {
    for (const auto& path : *lp) {
      if (text_of(c, path) != "1") continue;
      std::string dir = path.substr(0, path.rfind('/'));
      std::string name = dir.substr(dir.rfind('/') + 1);
      // A patch still in transition has not reached every task yet: some
      // still run the unpatched code.
      if (text_of(c, dir + "/transition") == "1") h.livepatches_in_transition.push_back(name);
      else h.livepatches.push_back(name);
    }
  }
  h.livepatch_active = !h.livepatches.empty();
  if (const auto* vs = c.glob(kVulns)) {
    for (const auto& path : *vs) {
      std::string status = text_of(c, path);
      if (!status.empty()) h.cpu_vulnerabilities[path.substr(path.rfind('/') + 1)] = status;
    }
  }
  h.smt = text_of(c, "/sys/devices/system/cpu/smt/control");

  // --- virtualization role
  std::string flags = text_of(c, "@cpu-flags");
  const bool hv_flag = (" " + flags + " ").find(" hypervisor ") != std::string::npos;
  std::string vendor = text_of(c, "/sys/class/dmi/id/sys_vendor"), product = text_of(c, "/sys/class/dmi/id/product_name");
  std::string container_kind = text_of(c, "/run/systemd/container");
  std::string pid1 = text_of(c, "/proc/1/cgroup");
  std::string xen_caps = text_of(c, "/proc/xen/capabilities");
  static const std::vector<std::string> kGuestVendors{"QEMU", "VMware", "innotek", "Xen", "Amazon EC2", "Google", "Microsoft Corporation",
                                                      "Red Hat", "Parallels", "Bochs", "DigitalOcean", "Hetzner", "OpenStack", "Nutanix"};
  bool dmi_guest = std::any_of(kGuestVendors.begin(), kGuestVendors.end(),
                               [&](const std::string& v) { return vendor.starts_with(v) || product.find("Virtual Machine") != std::string::npos; });
  if (exists(c, "/.dockerenv") || exists(c, "/run/.containerenv") || !container_kind.empty() ||
      pid1.find("/docker/") != std::string::npos || pid1.find("kubepods") != std::string::npos || pid1.find("/lxc/") != std::string::npos) {
    h.virtualization = "container";
    h.virtualization_detail = exists(c, "/.dockerenv")          ? "/.dockerenv"
                              : exists(c, "/run/.containerenv") ? "/run/.containerenv"
                              : !container_kind.empty()         ? "/run/systemd/container: " + container_kind
                                                                : "/proc/1/cgroup: " + pid1.substr(0, 80);
  } else if (xen_caps.find("control_d") != std::string::npos) {
    h.virtualization = "hypervisor";
    h.virtualization_detail = "Xen dom0 (/proc/xen/capabilities)";
  } else if (exists(c, "/dev/kvm") && (h.components.count("qemu") || h.components.count("libvirt"))) {
    h.virtualization = "hypervisor";
    h.virtualization_detail = "/dev/kvm with " + std::string(h.components.count("qemu") ? "QEMU " + h.components["qemu"] : "libvirt " + h.components["libvirt"]);
    if (hv_flag || dmi_guest) h.virtualization_detail += " (nested in a virtual machine)";
  } else if (hv_flag || dmi_guest || !text_of(c, "/sys/hypervisor/type").empty()) {
    h.virtualization = "guest";
    h.virtualization_detail = !vendor.empty() ? "DMI: " + vendor + (product.empty() ? "" : " " + product)
                              : hv_flag      ? "CPU flag 'hypervisor'"
                                             : "/sys/hypervisor/type: " + text_of(c, "/sys/hypervisor/type");
  } else if (!flags.empty() || !vendor.empty()) {
    h.virtualization = "bare-metal";
    h.virtualization_detail = vendor.empty() ? "no hypervisor CPU flag" : "DMI: " + vendor + (product.empty() ? "" : " " + product);
  } else {
    h.virtualization = "unknown";
  }

  // --- patch level
  const std::string collected = snap.collected_at;
  auto epoch_of = [](const std::string& iso) -> std::optional<long long> { return util::parse_utc(iso); };
  // apt lists on dpkg hosts, dnf's repository cache on rpm hosts: the same
  // candidate lines (collect/probes.hpp).
  const bool rpm = pk.available && pk.value.format == parse::PackageFormat::rpm;
  const FileFact* apt = c.file(rpm ? "@dnf-candidates" : "@apt-candidates");
  if (!pk.available) {
    h.updates_note = "no package database";
  } else if (!apt || !apt->has_content) {
    h.updates_note = rpm ? "the dnf repository cache was not collected" : "apt lists were not collected";
  } else {
    h.updates_known = true;
    for (auto line : util::split(apt->content, '\n')) {
      if (line.empty()) continue;
      if (line.starts_with("#\t")) {
        std::string note(line.substr(2));
        h.updates_note += (h.updates_note.empty() ? "" : "; ") + note;
        if (note.starts_with("no ")) h.updates_known = false;
        continue;
      }
      auto f = util::split(line, '\t');
      if (f.size() != 3) continue;
      const parse::Package* p = pk.value.find(f[0]);
      if (!p || !p->present || p->version.empty()) continue;
      if (compare_versions(pk.value, f[1], p->version) <= 0) continue;
      PendingUpdate u{std::string(f[0]), p->version, std::string(f[1]), false};
      u.security = f[2] != "-" && compare_versions(pk.value, f[2], p->version) > 0;
      h.pending_security += u.security;
      h.pending.push_back(std::move(u));
    }
  }
  if (pk.available) {
    const FileFact* db = c.file(pk.value.format == parse::PackageFormat::rpm ? "/var/lib/rpm/rpmdb.sqlite" : detail::paths::kDpkgStatus);
    auto now = epoch_of(collected);
    if (db && db->mtime > 0 && now) h.days_since_package_change = std::max<long long>(0, (*now - db->mtime) / 86400);
  }

  // --- containers: their own userspace and images
  {
    long long change = 0;
    if (pk.available) {
      const FileFact* db = c.file(pk.value.format == parse::PackageFormat::rpm ? "/var/lib/rpm/rpmdb.sqlite" : detail::paths::kDpkgStatus);
      if (db) change = db->mtime;
    }
    detail::profile_containers(snap, h, pk.available ? &pk.value : nullptr, change);
  }

  // --- stale libraries
  if (const FileFact* maps = c.file("@deleted-maps"); maps && maps->has_content) {
    for (auto line : util::split(maps->content, '\n')) {
      auto f = util::split(line, '\t');
      if (f.size() != 4) continue;
      h.stale.push_back({std::string(f[0]), std::string(f[1]), container_of(f[2]), std::string(f[3])});
    }
  }

  // --- uptime risk
  if (h.uptime_days && *h.uptime_days > opt.uptime_days) {
    int extra = static_cast<int>((*h.uptime_days - opt.uptime_days) / 30);
    char buf[96];
    std::snprintf(buf, sizeof buf, "up %.0f days (threshold %d)", *h.uptime_days, opt.uptime_days);
    add_risk(h, "uptime", std::min(20, 10 + extra), buf);
  }
  if (h.kernel_outdated)
    add_risk(h, "kernel-outdated", 20, "running " + h.kernel_release + " while " + h.installed_kernels.front() + " is installed");
  bool kernel_pending = h.kernel_outdated || std::any_of(h.pending.begin(), h.pending.end(), [](const PendingUpdate& u) {
                          return u.package.starts_with("linux-image-") || u.package == "kernel-core" || u.package == "kernel";
                        });
  if (kernel_pending && !h.livepatch_active)
    add_risk(h, "no-livepatch", 10,
             h.livepatches_in_transition.empty()
                 ? "a kernel update is pending and no live patch is active"
                 : "a kernel update is pending and the live patch " + util::join(h.livepatches_in_transition, ", ") +
                       " is still in transition");
  if (h.reboot_required)
    add_risk(h, "reboot-required", 15,
             "the host asks for a reboot" + (h.reboot_packages.empty() ? std::string() : " (for " + util::join(h.reboot_packages, ", ") + ")"));
  std::vector<std::string> vulnerable;
  for (const auto& [name, status] : h.cpu_vulnerabilities)
    if (status.starts_with("Vulnerable")) vulnerable.push_back(name);
  if (!vulnerable.empty())
    add_risk(h, "cpu-vulnerable", std::min<int>(15, 5 * static_cast<int>(vulnerable.size())), "the kernel reports the CPU vulnerable to " + util::join(vulnerable, ", "));
  bool multi_tenant = std::any_of(h.tags.begin(), h.tags.end(), [](const std::string& t) { return t == "hypervisor" || t == "container-host"; });
  if (multi_tenant && h.smt == "on") add_risk(h, "smt-multi-tenant", 10, "SMT is on while the host runs other tenants' workloads");
  if (!h.stale.empty()) {
    std::set<std::string> pids;
    for (const auto& s : h.stale) pids.insert(s.pid);
    add_risk(h, "stale-libraries", std::min<int>(15, 5 + static_cast<int>(pids.size())),
             std::to_string(pids.size()) + " process(es) still map " + std::to_string(h.stale.size()) + " replaced file(s)");
  }
  if (h.pending_security > 0) {
    int points = std::min(15, 5 + h.pending_security);
    std::string why = std::to_string(h.pending_security) + " security update(s) pending";
    if (h.days_since_package_change && *h.days_since_package_change > opt.security_update_age_days) {
      points += 5;
      why += ", no package change for " + std::to_string(*h.days_since_package_change) + " days";
    }
    add_risk(h, "security-updates", points, why);
  }
  for (const auto& r : h.risk_contributions) h.risk += r.points;
  h.risk = std::min(h.risk, 100);
  return h;
}

FleetAnalysis analyze_fleet(std::vector<HostProfile> hosts) {
  FleetAnalysis a;
  a.hosts = std::move(hosts);
  std::map<std::pair<std::string, std::string>, Uniformity> u;  // (group, component)
  double risk_sum = 0;
  for (const auto& h : a.hosts) {
    std::vector<std::string> groups{"fleet"};
    for (const auto& t : h.tags) groups.push_back(t);
    for (const auto& [comp, ver] : h.components) {
      for (const auto& g : groups) {
        auto& x = u[{g, comp}];
        x.group = g;
        x.component = comp;
        x.hosts[ver].push_back(h.host);
      }
    }
    a.hosts_with_pending += !h.pending.empty();
    a.hosts_with_security += h.pending_security > 0;
    a.pending_total += static_cast<int>(h.pending.size());
    a.security_total += h.pending_security;
    a.hosts_reboot_required += h.reboot_required;
    a.hosts_kernel_outdated += h.kernel_outdated;
    a.hosts_with_stale += !h.stale.empty();
    risk_sum += h.risk;
  }
  a.mean_risk = a.hosts.empty() ? 0 : risk_sum / static_cast<double>(a.hosts.size());
  detail::analyze_containers(a);
  for (auto& [key, x] : u) {
    std::size_t best = 0, total = 0;
    for (const auto& [ver, hs] : x.hosts) {
      total += hs.size();
      if (hs.size() > best || (hs.size() == best && ver > x.majority)) {
        best = hs.size();
        x.majority = ver;
      }
    }
    for (const auto& [ver, hs] : x.hosts)
      if (ver != x.majority) x.drifting.insert(x.drifting.end(), hs.begin(), hs.end());
    std::sort(x.drifting.begin(), x.drifting.end());
    x.score = total ? 100.0 * static_cast<double>(best) / static_cast<double>(total) : 100.0;
    a.uniformity.push_back(std::move(x));
  }
  // fleet first, then groups; components in a fixed, readable order
  static const std::vector<std::string> kOrder{"os", "kernel", "qemu", "libvirt", "xen", "docker", "containerd", "runc", "crun", "kata",
                                               "glibc", "openssl", "openssh"};
  auto rank = [&](const std::string& c) { return std::find(kOrder.begin(), kOrder.end(), c) - kOrder.begin(); };
  std::stable_sort(a.uniformity.begin(), a.uniformity.end(), [&](const Uniformity& x, const Uniformity& y) {
    if ((x.group == "fleet") != (y.group == "fleet")) return x.group == "fleet";
    if (x.group != y.group) return x.group < y.group;
    return rank(x.component) < rank(y.component);
  });
  return a;
}

std::string to_json(const HostProfile& h) {
  nlohmann::json j;
  j["host"] = h.host;
  j["tags"] = h.tags;
  j["collected_at"] = h.collected_at;
  j["os"] = {{"id", h.os_id}, {"version", h.os_version}, {"name", h.os_name}};
  j["kernel"] = {{"release", h.kernel_release}, {"build", h.kernel_build}, {"build_date", h.kernel_build_date},
                 {"installed", h.installed_kernels}, {"outdated", h.kernel_outdated}};
  j["uptime_days"] = h.uptime_days ? nlohmann::json(*h.uptime_days) : nlohmann::json();
  j["reboot"] = {{"required", h.reboot_required}, {"packages", h.reboot_packages}};
  j["livepatch"] = {{"active", h.livepatch_active}, {"patches", h.livepatches}, {"in_transition", h.livepatches_in_transition}};
  j["cpu"] = {{"vulnerabilities", h.cpu_vulnerabilities}, {"smt", h.smt}};
  j["virtualization"] = {{"role", h.virtualization}, {"detail", h.virtualization_detail}};
  j["components"] = h.components;
  nlohmann::json pend = nlohmann::json::array();
  for (const auto& p : h.pending)
    pend.push_back({{"package", p.package}, {"installed", p.installed}, {"candidate", p.candidate}, {"security", p.security}});
  j["updates"] = {{"known", h.updates_known}, {"note", h.updates_note}, {"pending", pend}, {"security", h.pending_security},
                  {"days_since_package_change", h.days_since_package_change ? nlohmann::json(*h.days_since_package_change) : nlohmann::json()}};
  nlohmann::json stale = nlohmann::json::array();
  for (const auto& s : h.stale) stale.push_back({{"pid", s.pid}, {"command", s.command}, {"container", s.container}, {"path", s.path}});
  j["stale"] = stale;
  nlohmann::json risk = nlohmann::json::array();
  for (const auto& r : h.risk_contributions) risk.push_back({{"factor", r.factor}, {"points", r.points}, {"why", r.why}});
  j["risk"] = {{"score", h.risk}, {"contributions", risk}};
  j["containers"] = detail::containers_to_json(h);
  j["container_problems"] = h.container_problems;
  nlohmann::json sets = nlohmann::json::object();
  for (const auto& [key, set] : h.package_sets) {
    auto rel = h.package_set_release.find(key);
    sets[key] = {{"release", rel == h.package_set_release.end() ? std::string() : rel->second}, {"packages", set}};
  }
  j["package_sets"] = std::move(sets);
  return j.dump();
}

Expected<HostProfile> host_profile_from_json(std::string_view text) {
  try {
    nlohmann::json j = nlohmann::json::parse(text);
    HostProfile h;
    h.host = j.value("host", "");
    h.tags = j.value("tags", std::vector<std::string>{});
    h.collected_at = j.value("collected_at", "");
    const auto& os = j.at("os");
    h.os_id = os.value("id", "");
    h.os_version = os.value("version", "");
    h.os_name = os.value("name", "");
    const auto& k = j.at("kernel");
    h.kernel_release = k.value("release", "");
    h.kernel_build = k.value("build", "");
    h.kernel_build_date = k.value("build_date", "");
    h.installed_kernels = k.value("installed", std::vector<std::string>{});
    h.kernel_outdated = k.value("outdated", false);
    if (j.contains("uptime_days") && j["uptime_days"].is_number()) h.uptime_days = j["uptime_days"].get<double>();
    h.reboot_required = j.at("reboot").value("required", false);
    h.reboot_packages = j.at("reboot").value("packages", std::vector<std::string>{});
    h.livepatch_active = j.at("livepatch").value("active", false);
    h.livepatches = j.at("livepatch").value("patches", std::vector<std::string>{});
    h.livepatches_in_transition = j.at("livepatch").value("in_transition", std::vector<std::string>{});
    h.cpu_vulnerabilities = j.at("cpu").value("vulnerabilities", std::map<std::string, std::string>{});
    h.smt = j.at("cpu").value("smt", "");
    h.virtualization = j.at("virtualization").value("role", "");
    h.virtualization_detail = j.at("virtualization").value("detail", "");
    h.components = j.value("components", std::map<std::string, std::string>{});
    const auto& up = j.at("updates");
    h.updates_known = up.value("known", false);
    h.updates_note = up.value("note", "");
    h.pending_security = up.value("security", 0);
    for (const auto& p : up.at("pending"))
      h.pending.push_back({p.value("package", ""), p.value("installed", ""), p.value("candidate", ""), p.value("security", false)});
    if (up.contains("days_since_package_change") && up["days_since_package_change"].is_number())
      h.days_since_package_change = up["days_since_package_change"].get<long long>();
    for (const auto& s : j.at("stale"))
      h.stale.push_back({s.value("pid", ""), s.value("command", ""), s.value("container", ""), s.value("path", "")});
    h.risk = j.at("risk").value("score", 0);
    for (const auto& r : j.at("risk").at("contributions"))
      h.risk_contributions.push_back({r.value("factor", ""), r.value("points", 0), r.value("why", "")});
    detail::containers_from_json(j, h);
    return h;
  } catch (const nlohmann::json::exception& e) {
    return std::unexpected(Error{std::string("host profile JSON: ") + e.what()});
  }
}

}  // namespace fleetaudit

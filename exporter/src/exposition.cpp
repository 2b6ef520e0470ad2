#include "exposition.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

namespace fleetaudit::exporter {

namespace {

void append_escaped(std::string& out, std::string_view s, bool quote) {
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '"':
        if (quote) {
          out += "\\\"";
          break;
        }
        [[fallthrough]];
      default: out += c;
    }
  }
}

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// Components by the info family that names them.
enum class ComponentKind { hypervisor, runtime, library, other };
ComponentKind component_kind(std::string_view c) {
  static const std::set<std::string_view> hypervisors{"qemu", "libvirt", "xen", "kvm", "hyper-v", "vmware"};
  static const std::set<std::string_view> runtimes{"docker", "containerd", "runc", "crun", "kata", "podman", "cri-o", "gvisor"};
  if (c == "os" || c == "kernel") return ComponentKind::other;
  if (hypervisors.count(c)) return ComponentKind::hypervisor;
  if (runtimes.count(c)) return ComponentKind::runtime;
  return ComponentKind::library;
}

std::string_view result_label(ResultKind r) { return to_string(r); }

constexpr ResultKind kResults[] = {ResultKind::pass, ResultKind::fail, ResultKind::error,
                                   ResultKind::not_applicable, ResultKind::manual, ResultKind::waived};
constexpr Severity kSeverities[] = {Severity::info, Severity::low, Severity::medium, Severity::high, Severity::critical};

int result_count(const Summary& s, ResultKind r) {
  switch (r) {
    case ResultKind::pass: return s.pass;
    case ResultKind::fail: return s.fail;
    case ResultKind::error: return s.error;
    case ResultKind::not_applicable: return s.not_applicable;
    case ResultKind::manual: return s.manual;
    case ResultKind::waived: return s.waived;
  }
  return 0;
}

struct Family {
  const char* name;
  const char* type;
  const char* help;
};

// The one list of fleet families: rendering, docs and tests use it.
constexpr Family kHostCompliance{"fleetaudit_host_compliance_ratio", "gauge",
  "Severity-weighted compliance score of the host's newest scan: weighted passes over passes, failures and errors (0 to 1)"};
constexpr Family kHostResults{"fleetaudit_host_results", "gauge", "Results of the host's newest scan by result"};
constexpr Family kHostFailures{"fleetaudit_host_failures", "gauge", "Failing results of the host's newest scan by check severity"};
constexpr Family kHostState{"fleetaudit_host_collection_state", "gauge",
  "Collection state of the host's newest scan (ok, partial, unreachable, auth-failed, host-key-unknown, host-key-changed, timeout, collection-error, cancelled): one series per host, 1, labelled with the current state"};
constexpr Family kHostLastScan{"fleetaudit_host_last_scan_timestamp_seconds", "gauge", "When the host's newest results were collected (Unix time)"};
constexpr Family kHostScanDuration{"fleetaudit_host_scan_duration_seconds", "gauge",
  "Duration of the scan the host's newest results come from (absent while that scan runs)"};
constexpr Family kHostUptime{"fleetaudit_host_uptime_seconds", "gauge", "Host uptime when it was scanned"};
constexpr Family kHostRisk{"fleetaudit_host_uptime_risk_score", "gauge",
  "Patch and uptime risk score of the host, 0 (none) to 100: long uptime without reboot, outdated kernel, pending security updates, stale libraries"};
constexpr Family kHostRiskPoints{"fleetaudit_host_uptime_risk_points", "gauge", "Points each factor adds to the host's uptime risk score"};
constexpr Family kHostUpdatesKnown{"fleetaudit_host_updates_known", "gauge", "1 when the host's package lists told which updates are pending"};
constexpr Family kHostPending{"fleetaudit_host_pending_updates", "gauge", "Packages with a newer version in the host's own package lists"};
constexpr Family kHostSecurity{"fleetaudit_host_pending_security_updates", "gauge", "Pending updates that come from a security archive"};
constexpr Family kHostReboot{"fleetaudit_host_reboot_required", "gauge", "1 when the host asks for a reboot (reboot-required flag)"};
constexpr Family kHostLivepatch{"fleetaudit_host_livepatch_active", "gauge", "1 when a kernel live patch is enabled on the host"};
constexpr Family kHostKernelOutdated{"fleetaudit_host_kernel_outdated", "gauge", "1 when a newer kernel is installed than the one running"};
constexpr Family kHostStale{"fleetaudit_host_stale_library_processes", "gauge", "Processes still mapping a library replaced on disk"};
constexpr Family kHostContainers{"fleetaudit_host_containers", "gauge",
  "Containers found on the host by runtime (docker, podman, containerd); none: no series"};
constexpr Family kHostContainersRunning{"fleetaudit_host_containers_running", "gauge", "Containers of the host that are running"};
constexpr Family kHostContainersOutdated{"fleetaudit_host_containers_outdated", "gauge",
  "Containers of the host whose image tag now names another image: they need recreating"};
constexpr Family kHostContainersBehind{"fleetaudit_host_containers_behind", "gauge",
  "Containers of the host with at least one package behind the host's lists or the fleet's newest of the same release"};
constexpr Family kHostContainersBehindSecurity{"fleetaudit_host_containers_behind_security", "gauge",
  "Containers of the host missing a security update that the host's own lists offer"};
constexpr Family kHostContainersUnreadable{"fleetaudit_host_containers_unreadable", "gauge",
  "Containers of the host whose layers, package database or configuration could not be read"};
constexpr Family kImageIds{"fleetaudit_image_ids", "gauge",
  "Distinct image IDs one image reference runs as across the fleet (more than 1: drift)"};
constexpr Family kImageContainers{"fleetaudit_image_containers", "gauge", "Containers running each image ID of an image reference"};
constexpr Family kImageOutdated{"fleetaudit_image_containers_outdated", "gauge",
  "Containers of an image reference whose tag has moved on to another image"};
constexpr Family kHostKernelInfo{"fleetaudit_host_kernel_info", "gauge", "Running kernel of the host (value 1)"};
constexpr Family kHostOsInfo{"fleetaudit_host_os_info", "gauge", "Operating system of the host from os-release (value 1)"};
constexpr Family kHostVirtInfo{"fleetaudit_host_virtualization_info", "gauge", "What the host is: hypervisor, guest, container, bare-metal or unknown (value 1)"};
constexpr Family kHostHypervisorInfo{"fleetaudit_host_hypervisor_info", "gauge", "Hypervisor components installed on the host with their versions (value 1)"};
constexpr Family kHostRuntimeInfo{"fleetaudit_host_container_runtime_info", "gauge", "Container runtimes installed on the host with their versions (value 1)"};
constexpr Family kHostLibraryInfo{"fleetaudit_host_library_info", "gauge", "Key libraries and daemons of the host with their versions (value 1)"};
constexpr Family kHostRoleInfo{"fleetaudit_host_role_info", "gauge", "Role tags of the host (value 1): join on host to group by role"};
constexpr Family kHostCheck{"fleetaudit_host_check_result", "gauge",
  "Result of one check on one host, 1 for the current result (only with --collector.host-checks)"};
constexpr Family kCheckFailing{"fleetaudit_check_failing_hosts", "gauge", "Hosts where the check fails (on the host or one of its containers or workloads)"};
constexpr Family kCheckResults{"fleetaudit_check_results", "gauge", "Results of the check over every host and subject by result"};
constexpr Family kComponentVersions{"fleetaudit_component_versions", "gauge", "Distinct versions of a component in a group (fleet or a role tag)"};
constexpr Family kComponentHosts{"fleetaudit_component_version_hosts", "gauge", "Hosts of a group running each version of a component"};
constexpr Family kComponentUniformity{"fleetaudit_component_uniformity_ratio", "gauge", "Share of a group's hosts on the majority version of a component (0 to 1)"};
constexpr Family kComponentDrifting{"fleetaudit_component_drifting_hosts", "gauge", "Hosts of a group not on the majority version of a component"};
constexpr Family kFleetHosts{"fleetaudit_fleet_hosts", "gauge", "Hosts exported: the newest result of each host in the store"};
constexpr Family kFleetTooOld{"fleetaudit_fleet_hosts_expired", "gauge", "Hosts left out because their newest scan is older than --store.max-age"};
constexpr Family kLastScanTime{"fleetaudit_last_scan_timestamp_seconds", "gauge", "When the newest scan in the store started (Unix time)"};
constexpr Family kLastScanDuration{"fleetaudit_last_scan_duration_seconds", "gauge", "Duration of the newest scan in the store (0 while it runs)"};
constexpr Family kLastScanHosts{"fleetaudit_last_scan_hosts", "gauge", "Hosts stored by the newest scan"};
constexpr Family kLastScanComplete{"fleetaudit_last_scan_complete", "gauge", "1 when the newest scan in the store completed, 0 while it runs or when it was cut short"};

constexpr const Family* kAllFamilies[] = {
    &kHostCompliance, &kHostResults, &kHostFailures, &kHostState, &kHostLastScan, &kHostScanDuration, &kHostUptime,
    &kHostRisk, &kHostRiskPoints, &kHostUpdatesKnown, &kHostPending, &kHostSecurity, &kHostReboot, &kHostLivepatch,
    &kHostKernelOutdated, &kHostStale, &kHostContainers, &kHostContainersRunning, &kHostContainersOutdated, &kHostContainersBehind,
    &kHostContainersBehindSecurity, &kHostContainersUnreadable, &kHostKernelInfo, &kHostOsInfo, &kHostVirtInfo, &kHostHypervisorInfo,
    &kHostRuntimeInfo, &kHostLibraryInfo, &kHostRoleInfo, &kHostCheck, &kCheckFailing, &kCheckResults,
    &kComponentVersions, &kComponentHosts, &kComponentUniformity, &kComponentDrifting, &kImageIds, &kImageContainers,
    &kImageOutdated, &kFleetHosts, &kFleetTooOld,
    &kLastScanTime, &kLastScanDuration, &kLastScanHosts, &kLastScanComplete};

class FleetRenderer {
 public:
  FleetRenderer(const FleetView& view, TextWriter& w) : view_(view), w_(w) {}

  // One family over every host that has a value for it.
  template <class Fn>
  void per_host(const Family& f, Fn&& fn) {
    w_.family(f.name, f.type, f.help);
    for (const auto& h : view_.hosts) fn(h, view_.profile_of(h));
  }
  void sample(const Family& f, TextWriter::Labels labels, double v) { w_.sample(f.name, labels, v); }

 private:
  const FleetView& view_;
  TextWriter& w_;
};

}  // namespace

void TextWriter::family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  append_escaped(out_, help, false);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void TextWriter::sample(std::string_view name, Labels labels, double value) {
  out_ += name;
  if (labels.size() > 0) {
    out_ += '{';
    bool first = true;
    for (const auto& [k, v] : labels) {
      if (!first) out_ += ',';
      first = false;
      out_ += k;
      out_ += "=\"";
      append_escaped(out_, v, true);
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
  append_number(out_, value);
  out_ += '\n';
}

std::vector<std::string> fleet_family_names() {
  std::vector<std::string> out;
  for (const Family* f : kAllFamilies) out.emplace_back(f->name);
  return out;
}

std::string render_fleet(const FleetView& view, const ExpositionOptions& options) {
  TextWriter w;
  // About 2.5 kB per host: one allocation for the whole text.
  w.text().reserve(view.hosts.size() * 2600 + view.checks.size() * 600 + 64 * 1024);
  FleetRenderer r(view, w);

  r.per_host(kHostCompliance, [&](const ViewHost& h, const HostProfile*) {
    r.sample(kHostCompliance, {{"host", h.summary.name}}, h.summary.summary.score / 100.0);
  });
  r.per_host(kHostResults, [&](const ViewHost& h, const HostProfile*) {
    for (ResultKind k : kResults)
      r.sample(kHostResults, {{"host", h.summary.name}, {"result", result_label(k)}}, result_count(h.summary.summary, k));
  });
  r.per_host(kHostFailures, [&](const ViewHost& h, const HostProfile*) {
    for (Severity s : kSeverities)
      r.sample(kHostFailures, {{"host", h.summary.name}, {"severity", to_string(s)}},
               h.summary.summary.fail_by_severity[static_cast<int>(s)]);
  });
  r.per_host(kHostState, [&](const ViewHost& h, const HostProfile*) {
    r.sample(kHostState, {{"host", h.summary.name}, {"state", h.summary.state}}, 1);
  });
  r.per_host(kHostLastScan, [&](const ViewHost& h, const HostProfile*) {
    if (auto t = parse_utc_seconds(h.summary.collected_at)) r.sample(kHostLastScan, {{"host", h.summary.name}}, *t);
  });
  r.per_host(kHostScanDuration, [&](const ViewHost& h, const HostProfile*) {
    if (h.scan_duration_seconds > 0) r.sample(kHostScanDuration, {{"host", h.summary.name}}, h.scan_duration_seconds);
  });
  r.per_host(kHostUptime, [&](const ViewHost& h, const HostProfile* p) {
    if (p && p->uptime_days) r.sample(kHostUptime, {{"host", h.summary.name}}, std::round(*p->uptime_days * 86400.0));
  });
  r.per_host(kHostRisk, [&](const ViewHost& h, const HostProfile* p) {
    if (p) r.sample(kHostRisk, {{"host", h.summary.name}}, p->risk);
  });
  r.per_host(kHostRiskPoints, [&](const ViewHost& h, const HostProfile* p) {
    if (!p) return;
    std::vector<const RiskContribution*> c;
    for (const auto& x : p->risk_contributions) c.push_back(&x);
    std::sort(c.begin(), c.end(), [](auto* a, auto* b) { return a->factor < b->factor; });
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (i > 0 && c[i]->factor == c[i - 1]->factor) continue;  // one series per factor
      r.sample(kHostRiskPoints, {{"host", h.summary.name}, {"factor", c[i]->factor}}, c[i]->points);
    }
  });
  r.per_host(kHostUpdatesKnown, [&](const ViewHost& h, const HostProfile* p) {
    if (p) r.sample(kHostUpdatesKnown, {{"host", h.summary.name}}, p->updates_known ? 1 : 0);
  });
  r.per_host(kHostPending, [&](const ViewHost& h, const HostProfile* p) {
    if (p && p->updates_known) r.sample(kHostPending, {{"host", h.summary.name}}, static_cast<double>(p->pending.size()));
  });
  r.per_host(kHostSecurity, [&](const ViewHost& h, const HostProfile* p) {
    if (p && p->updates_known) r.sample(kHostSecurity, {{"host", h.summary.name}}, p->pending_security);
  });
  r.per_host(kHostReboot, [&](const ViewHost& h, const HostProfile* p) {
    if (p) r.sample(kHostReboot, {{"host", h.summary.name}}, p->reboot_required ? 1 : 0);
  });
  r.per_host(kHostLivepatch, [&](const ViewHost& h, const HostProfile* p) {
    if (p) r.sample(kHostLivepatch, {{"host", h.summary.name}}, p->livepatch_active ? 1 : 0);
  });
  r.per_host(kHostKernelOutdated, [&](const ViewHost& h, const HostProfile* p) {
    if (p) r.sample(kHostKernelOutdated, {{"host", h.summary.name}}, p->kernel_outdated ? 1 : 0);
  });
  r.per_host(kHostStale, [&](const ViewHost& h, const HostProfile* p) {
    if (p) r.sample(kHostStale, {{"host", h.summary.name}}, static_cast<double>(p->stale.size()));
  });
  // Containers: counts per host, never per container or package (bounded).
  std::vector<ContainerCounts> counts(view.hosts.size());
  for (std::size_t i = 0; i < view.hosts.size(); ++i)
    if (const HostProfile* p = view.profile_of(view.hosts[i])) counts[i] = count_containers(*p);
  auto counted = [&](const ViewHost& h) -> const ContainerCounts& { return counts[static_cast<std::size_t>(&h - view.hosts.data())]; };
  r.per_host(kHostContainers, [&](const ViewHost& h, const HostProfile* p) {
    if (!p) return;
    for (const auto& [runtime, n] : counted(h).by_runtime) r.sample(kHostContainers, {{"host", h.summary.name}, {"runtime", runtime}}, n);
  });
  auto per_count = [&](const Family& f, int ContainerCounts::*field) {
    r.per_host(f, [&](const ViewHost& h, const HostProfile* p) {
      if (p) r.sample(f, {{"host", h.summary.name}}, counted(h).*field);
    });
  };
  per_count(kHostContainersRunning, &ContainerCounts::running);
  per_count(kHostContainersOutdated, &ContainerCounts::outdated);
  per_count(kHostContainersBehind, &ContainerCounts::behind);
  per_count(kHostContainersBehindSecurity, &ContainerCounts::behind_security);
  per_count(kHostContainersUnreadable, &ContainerCounts::unreadable);
  r.per_host(kHostKernelInfo, [&](const ViewHost& h, const HostProfile* p) {
    if (p && !p->kernel_release.empty())
      r.sample(kHostKernelInfo, {{"host", h.summary.name}, {"release", p->kernel_release}, {"build_date", p->kernel_build_date}}, 1);
  });
  r.per_host(kHostOsInfo, [&](const ViewHost& h, const HostProfile* p) {
    if (p && (!p->os_id.empty() || !p->os_name.empty()))
      r.sample(kHostOsInfo, {{"host", h.summary.name}, {"id", p->os_id}, {"version", p->os_version}, {"name", p->os_name}}, 1);
  });
  r.per_host(kHostVirtInfo, [&](const ViewHost& h, const HostProfile* p) {
    if (p) r.sample(kHostVirtInfo, {{"host", h.summary.name}, {"role", p->virtualization.empty() ? "unknown" : p->virtualization}}, 1);
  });
  auto components = [&](const Family& f, ComponentKind kind, std::string_view label) {
    r.per_host(f, [&](const ViewHost& h, const HostProfile* p) {
      if (!p) return;
      for (const auto& [c, v] : p->components)  // a std::map: sorted
        if (component_kind(c) == kind) r.sample(f, {{"host", h.summary.name}, {label, c}, {"version", v}}, 1);
    });
  };
  components(kHostHypervisorInfo, ComponentKind::hypervisor, "hypervisor");
  components(kHostRuntimeInfo, ComponentKind::runtime, "runtime");
  components(kHostLibraryInfo, ComponentKind::library, "component");
  r.per_host(kHostRoleInfo, [&](const ViewHost& h, const HostProfile*) {
    std::vector<std::string_view> tags(h.summary.tags.begin(), h.summary.tags.end());
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    for (auto t : tags) r.sample(kHostRoleInfo, {{"host", h.summary.name}, {"role", t}}, 1);
  });
  if (options.host_checks) {
    r.per_host(kHostCheck, [&](const ViewHost& h, const HostProfile*) {
      for (const auto& [check, result] : h.results)
        r.sample(kHostCheck, {{"host", h.summary.name}, {"check", check}, {"result", result_label(result)}}, 1);
    });
  }

  w.family(kCheckFailing.name, kCheckFailing.type, kCheckFailing.help);
  for (const auto& c : view.checks)
    w.sample(kCheckFailing.name, {{"check", c.check_id}, {"severity", to_string(c.severity)}}, c.hosts_failing);
  w.family(kCheckResults.name, kCheckResults.type, kCheckResults.help);
  for (const auto& c : view.checks)
    for (ResultKind k : kResults)
      w.sample(kCheckResults.name, {{"check", c.check_id}, {"result", result_label(k)}}, c.results[static_cast<int>(k)]);

  // Uniformity: the analysis lists (group, component) pairs in map order.
  std::vector<const Uniformity*> u;
  for (const auto& x : view.analysis.uniformity) u.push_back(&x);
  std::sort(u.begin(), u.end(), [](auto* a, auto* b) { return std::tie(a->group, a->component) < std::tie(b->group, b->component); });
  w.family(kComponentVersions.name, kComponentVersions.type, kComponentVersions.help);
  for (auto* x : u)
    w.sample(kComponentVersions.name, {{"group", x->group}, {"component", x->component}}, static_cast<double>(x->hosts.size()));
  w.family(kComponentHosts.name, kComponentHosts.type, kComponentHosts.help);
  for (auto* x : u)
    for (const auto& [version, hosts] : x->hosts)
      w.sample(kComponentHosts.name, {{"group", x->group}, {"component", x->component}, {"version", version}},
               static_cast<double>(hosts.size()));
  w.family(kComponentUniformity.name, kComponentUniformity.type, kComponentUniformity.help);
  for (auto* x : u) w.sample(kComponentUniformity.name, {{"group", x->group}, {"component", x->component}}, x->score / 100.0);
  w.family(kComponentDrifting.name, kComponentDrifting.type, kComponentDrifting.help);
  for (auto* x : u)
    w.sample(kComponentDrifting.name, {{"group", x->group}, {"component", x->component}}, static_cast<double>(x->drifting.size()));

  // Images across the fleet: per reference and image id (bounded by what runs).
  w.family(kImageIds.name, kImageIds.type, kImageIds.help);
  for (const auto& im : view.analysis.images) w.sample(kImageIds.name, {{"image", im.reference}}, static_cast<double>(im.hosts.size()));
  w.family(kImageContainers.name, kImageContainers.type, kImageContainers.help);
  for (const auto& im : view.analysis.images)
    for (const auto& [id, n] : im.containers) w.sample(kImageContainers.name, {{"image", im.reference}, {"image_id", id}}, n);
  w.family(kImageOutdated.name, kImageOutdated.type, kImageOutdated.help);
  for (const auto& im : view.analysis.images) w.sample(kImageOutdated.name, {{"image", im.reference}}, im.outdated);

  w.family(kFleetHosts.name, kFleetHosts.type, kFleetHosts.help);
  w.sample(kFleetHosts.name, {}, static_cast<double>(view.hosts.size()));
  w.family(kFleetTooOld.name, kFleetTooOld.type, kFleetTooOld.help);
  w.sample(kFleetTooOld.name, {}, view.hosts_too_old);
  if (view.newest_scan) {
    const ScanRecord& s = *view.newest_scan;
    w.family(kLastScanTime.name, kLastScanTime.type, kLastScanTime.help);
    if (auto t = parse_utc_seconds(s.info.started_at)) w.sample(kLastScanTime.name, {}, *t);
    w.family(kLastScanDuration.name, kLastScanDuration.type, kLastScanDuration.help);
    w.sample(kLastScanDuration.name, {}, s.info.duration_seconds);
    w.family(kLastScanHosts.name, kLastScanHosts.type, kLastScanHosts.help);
    w.sample(kLastScanHosts.name, {}, s.hosts);
    w.family(kLastScanComplete.name, kLastScanComplete.type, kLastScanComplete.help);
    w.sample(kLastScanComplete.name, {}, s.status == "complete" ? 1 : 0);
  }
  return std::move(w.text());
}

}  // namespace fleetaudit::exporter

#pragma once
/// \file
/// Fleet analytics: what each host runs (kernel, hypervisor, container
/// runtimes, key libraries), its patch level and uptime risk, and how
/// uniform the fleet is. Everything is worked out from the same snapshots
/// the checks use: `fleet_facts_plan()` is added to every scan's plan, and
/// `profile_host()` is a pure function of a snapshot.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fleetaudit/expected.hpp"
#include "fleetaudit/plan.hpp"
#include "fleetaudit/snapshot.hpp"

namespace fleetaudit {

/// The facts fleet analytics needs from a host: kernel, uptime, reboot
/// flags, live patches, CPU vulnerabilities and SMT, virtualization, the
/// package database and apt lists (through the @apt-candidates probe), and
/// processes mapping deleted files (@deleted-maps).
Plan fleet_facts_plan();

/// A package with a newer version in the host's own apt lists.
struct PendingUpdate {
  std::string package;
  std::string installed;
  std::string candidate;
  bool security = false;  ///< the newer version is in a security archive
};

/// A process that still maps a file replaced on disk (a library upgraded
/// under it): it runs the old code until restarted.
struct StaleMapping {
  std::string pid;
  std::string command;
  std::string container;  ///< container id from its cgroup, empty on the host
  std::string path;
};

/// One named reason in a host's uptime risk score.
struct RiskContribution {
  std::string factor;  ///< "uptime", "kernel-outdated", "no-livepatch", "reboot-required", "cpu-vulnerable", "smt-multi-tenant", "stale-libraries", "security-updates"
  int points = 0;
  std::string why;     ///< what was seen, in a sentence
};

/// A package in a container older than a version seen elsewhere.
struct PackageLag {
  std::string package;
  std::string installed;
  std::string newest;
  std::string where;       ///< where the newer version was seen: "apt lists of the host", "host web-2", "web-2: nginx (3f2a9c4b1d0e)"
  bool security = false;   ///< the newer version is in a security archive (host apt lists only)
  bool library = false;    ///< a shared library package (lib*, *-libs, glibc, musl, openssl, zlib ...)
  bool key_library = false;///< the C library, OpenSSL or zlib: loaded by nearly every program
};

/// A container on a host, from the runtime's files and the container's own
/// root file system (its layers), without the engine running.
struct ContainerProfile {
  std::string runtime;          ///< docker, podman, containerd
  std::string id;               ///< full id (containerd: NAMESPACE/ID)
  std::string name;             ///< its name ("web"; Kubernetes: POD/CONTAINER)
  std::string image;            ///< the image reference it was created from, as given ("nginx:1.25"); empty when unknown
  std::string image_id;         ///< the image it runs (hex id); empty when unknown
  std::string image_current_id; ///< what `image` resolves to in the host's image store now; empty when unknown
  bool image_outdated = false;  ///< needs recreating: its tag now names another image
  std::string image_created;    ///< the image configuration's `created` (UTC, ISO 8601)
  std::string image_current_created;  ///< `created` of the image the tag names now, when that is another image
  std::optional<long long> image_age_days;  ///< at collection
  std::string state;            ///< running, exited, created, paused, restarting, dead, unknown
  std::string started_at;       ///< when it was last started (UTC, ISO 8601), when the runtime records it
  /// It was started before the host's package database last changed (a
  /// runtime or library update on the host does not reach it until restarted).
  bool started_before_host_change = false;
  std::string os_id, os_version, os_name;  ///< the container's own os-release
  std::string package_format;   ///< dpkg, rpm, apk; empty when it has no package database
  std::string package_db;       ///< the copy of the database read (a host path in a layer)
  int packages = 0;             ///< installed packages
  std::string package_set;      ///< key into HostProfile::package_sets
  int layers = 0;               ///< layers of its root file system
  std::vector<std::string> problems;  ///< what could not be read, and why
  /// Against the host's apt lists, when the container's distribution and
  /// release are the host's (packages the host also has); "host_lists" says
  /// whether that comparison was made.
  bool host_lists = false;
  int behind_host_total = 0;     ///< packages behind the host's lists
  int behind_host_security = 0;  ///< of them, with a security update
  /// The worst offenders, at most kWorstOffenders: key libraries, other
  /// libraries, security updates first, then by name.
  std::vector<PackageLag> behind_host;
  /// Against the newest version of each package seen anywhere in the fleet
  /// (hosts and containers) on the same distribution release: filled by
  /// analyze_fleet(), empty in a single host's profile. The worst
  /// offenders as above; behind_fleet_total counts them all.
  int behind_fleet_total = 0;
  std::vector<PackageLag> behind_fleet;

  /// How many packages behind_host and behind_fleet list at most.
  static constexpr std::size_t kWorstOffenders = 10;
};

/// Knobs of the risk score (documented in the README).
struct RiskOptions {
  int uptime_days = 30;                 ///< uptime beyond this adds points
  int security_update_age_days = 14;    ///< pending security updates older than this (by the package database's age) weigh more
};

struct HostProfile {
  std::string host;
  std::vector<std::string> tags;
  std::string collected_at;

  std::string os_id, os_version, os_name;  ///< os-release ID, VERSION_ID, PRETTY_NAME
  std::string kernel_release;              ///< running kernel (uname -r)
  std::string kernel_build;                ///< its build string from /proc/version ("#1 SMP ... Debian 6.1.106-3 (2024-08-26)")
  std::string kernel_build_date;           ///< YYYY-MM-DD from the build string, when it has one
  std::vector<std::string> installed_kernels;  ///< releases installed (newest first)
  bool kernel_outdated = false;            ///< a newer kernel is installed than the one running
  std::optional<double> uptime_days;
  bool reboot_required = false;
  std::vector<std::string> reboot_packages;
  bool livepatch_active = false;
  std::vector<std::string> livepatches;    ///< enabled patch modules that reached every task
  std::vector<std::string> livepatches_in_transition;  ///< enabled, still being applied (not counted as active)
  std::map<std::string, std::string> cpu_vulnerabilities;  ///< name -> status text ("Vulnerable: ...", "Mitigation: ...", "Not affected")
  std::string smt;                         ///< "on", "off", "forceoff", "notsupported", "notimplemented", "" unknown
  std::string virtualization;              ///< "hypervisor", "guest", "container", "bare-metal", "unknown"
  std::string virtualization_detail;       ///< how it was told ("/dev/kvm with qemu-system-x86 8.2", "DMI: QEMU ...", "/.dockerenv")
  /// Component -> version: os, kernel, qemu, libvirt, xen, docker, containerd,
  /// runc, crun, kata, glibc, openssl, openssh. Only what the host has.
  std::map<std::string, std::string> components;

  bool updates_known = false;              ///< the apt lists answered
  std::string updates_note;                ///< why not, or what was missing
  std::vector<PendingUpdate> pending;
  int pending_security = 0;
  std::optional<long long> days_since_package_change;

  std::vector<StaleMapping> stale;

  int risk = 0;                            ///< 0 (none) .. 100
  std::vector<RiskContribution> risk_contributions;

  std::vector<ContainerProfile> containers;  ///< sorted by runtime, name, id
  /// Runtime files that could not be read ("PATH: not valid JSON"): the
  /// containers they describe may be missing above.
  std::vector<std::string> container_problems;
  /// Installed packages (name -> version) of the host ("host") and of each
  /// distinct container package database (by a digest of it): containers of
  /// one image share a set. Each set is keyed "FORMAT OS-ID OS-VERSION" in
  /// package_set_release.
  std::map<std::string, std::map<std::string, std::string>> package_sets;
  std::map<std::string, std::string> package_set_release;
};

/// Works out a host's profile from its snapshot. Pure: "now" is the
/// snapshot's collection time.
HostProfile profile_host(const Snapshot& snapshot, const RiskOptions& options = {});
class HostFacts;
/// The same from facts already parsed for evaluation (the package database,
/// os-release ... are parsed once for both).
HostProfile profile_host(const HostFacts& facts, const RiskOptions& options = {});

/// How many distinct versions of one component a group of hosts runs.
struct Uniformity {
  std::string component;
  std::string group;                                      ///< "fleet" or a role tag
  std::map<std::string, std::vector<std::string>> hosts;  ///< version -> hosts
  std::string majority;                                   ///< the most common version (ties: the highest in text order)
  std::vector<std::string> drifting;                      ///< hosts not on the majority version
  double score = 100;                                     ///< share of hosts on the majority version, in percent
};

/// One image reference as it runs across the fleet.
struct ImageUsage {
  std::string reference;  ///< as containers name it ("nginx:1.25")
  std::map<std::string, std::vector<std::string>> hosts;  ///< image id (12 hex digits) -> hosts running it, sorted
  std::map<std::string, int> containers;                    ///< image id -> containers running it
  std::map<std::string, std::vector<std::string>> releases; ///< base os release ("debian 12") -> hosts
  int outdated = 0;                                         ///< containers whose tag has moved on
};

struct FleetAnalysis {
  std::vector<HostProfile> hosts;
  /// Per component, for the fleet and for each role group. Besides the
  /// host components: "image:REFERENCE" (image ids one reference runs as)
  /// and "image-os:REFERENCE" (base os releases of its containers).
  std::vector<Uniformity> uniformity;
  std::vector<ImageUsage> images;  ///< by reference
  int containers_total = 0, containers_running = 0, containers_outdated = 0, containers_behind = 0;
  int hosts_with_pending = 0, hosts_with_security = 0, pending_total = 0, security_total = 0;
  int hosts_reboot_required = 0, hosts_kernel_outdated = 0, hosts_with_stale = 0;
  double mean_risk = 0;
};

/// Uniformity per component for the whole fleet and each role group, and
/// the fleet's patch totals. Pure.
FleetAnalysis analyze_fleet(std::vector<HostProfile> hosts);

/// A host's containers counted, for bounded metrics (the exporter, the
/// dashboard's host detail): never per package.
struct ContainerCounts {
  int total = 0;
  int running = 0;
  int outdated = 0;          ///< their tag now names another image
  int behind = 0;            ///< behind the host's lists or the fleet in at least one package
  int behind_security = 0;   ///< missing a security update of the host's lists
  int unreadable = 0;        ///< with a problem (layers, database or configuration not read)
  std::map<std::string, int> by_runtime;  ///< docker, podman, containerd
  std::map<std::string, int> by_image;    ///< image reference as given -> containers
};
ContainerCounts count_containers(const HostProfile& host);

/// JSON for a profile and back (the store keeps one per host).
std::string to_json(const HostProfile& profile);
Expected<HostProfile> host_profile_from_json(std::string_view json);

}  // namespace fleetaudit

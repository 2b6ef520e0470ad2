#pragma once
/// \file
/// The one orchestration of a scan: targets -> plans -> collectors in a bounded
/// pool -> evaluation -> store. The command line, the exporter and the
/// dashboard all call run_scan(), so a scan behaves the same from each.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fleetaudit/collect.hpp"
#include "fleetaudit/content.hpp"
#include "fleetaudit/evaluate.hpp"
#include "fleetaudit/waivers.hpp"
#include "fleetaudit/expected.hpp"
#include "fleetaudit/inventory.hpp"
#include "fleetaudit/snapshot.hpp"

namespace fleetaudit {

/// A host to scan.
struct Target {
  enum class Kind {
    local,     ///< the machine fleetaudit runs on
    root_dir,  ///< a mounted image or chroot, read under `root`
    snapshot,  ///< a stored or saved snapshot, re-evaluated without the host
    ssh,       ///< a host of an inventory, over SSH (`host`)
    manifests  ///< Kubernetes manifests in files and directories (`manifests`): no host
  };
  Kind kind = Kind::local;
  std::string name;            ///< empty: derived by the collector
  std::filesystem::path root;  ///< for root_dir
  std::optional<Snapshot> snapshot;  ///< for snapshot
  std::optional<InventoryHost> host;  ///< for ssh
  /// For manifests: files, directories (walked for *.yaml, *.yml, *.json)
  /// or "-" (standard input). See collect_manifests().
  std::vector<std::filesystem::path> manifests;
  /// Role tags (hypervisor, container-host, k8s-node, edge ...) for checks
  /// that apply by role. An inventory host's own tags are used when empty.
  std::vector<std::string> tags;
};

/// What the scan was, for reports and the store.
struct ScanInfo {
  std::int64_t id = 0;          ///< store id; 0 when not stored
  std::string started_at;       ///< UTC ISO 8601
  std::string finished_at;
  double duration_seconds = 0;
  std::string profile;          ///< profile id, empty for all checks
  std::string profile_title;
  std::string profile_version;
  int level = 0;
  std::string tool_version;
  std::size_t checks_selected = 0;
};

/// One SSH target per host, in the order given (an inventory's selection).
std::vector<Target> ssh_targets(const std::vector<const InventoryHost*>& hosts);

struct ScanReport {
  ScanInfo scan;
  std::vector<HostReport> hosts;      ///< in target order
  std::vector<Snapshot> snapshots;    ///< parallel to hosts
  Summary summary;                    ///< over every host
  /// Expired waivers and waivers that waived nothing (empty without waivers).
  std::vector<std::string> waiver_notes;
};

/// Progress of a running scan, reported after each host.
struct ScanProgress {
  std::size_t done = 0;
  std::size_t total = 0;
  std::size_t failed = 0;   ///< hosts whose collection failed
  std::string last_host;
  std::string last_state;  ///< that host's collection state
};

struct ScanRequest {
  std::vector<Target> targets;
  std::string profile;       ///< empty: every check, no profile
  int level = 0;             ///< 0: every level of the profile
  CollectOptions collect;    ///< limits; root and host name come from each target
  SshOptions ssh;            ///< for ssh targets
  unsigned parallel = 0;     ///< worker threads; 0: min(targets, hardware threads)
  std::optional<std::filesystem::path> store;  ///< save the scan here when set
  /// Keep snapshots in the returned report (they are always stored). A fleet
  /// scan that stores as it goes can drop them to keep memory flat.
  bool keep_snapshots = true;
  /// Keep every host's results in the returned report. With a store, a
  /// caller that only needs the per-host summaries can let them go as each
  /// host is stored: memory then stays flat whatever the fleet's size.
  bool keep_results = true;
  Policy policy;              ///< site policy lists for rules that name them
  WaiverSet waivers;          ///< accepted failures (fleetaudit/waivers.hpp)
  RiskOptions risk;           ///< knobs of the uptime risk score
  bool fleet_facts = true;    ///< also collect what fleet analytics needs (kernel, updates, stale libraries ...)
  std::function<void(const ScanProgress&)> on_progress;  ///< called from worker threads, serialized
  const std::atomic<bool>* cancel = nullptr;   ///< set to stop: remaining hosts are skipped
};

/// Runs a scan. Fails only for problems with the request itself (unknown
/// profile, store cannot be opened or written); a host that fails is a
/// HostReport with a non-ok state, never an error of the scan. With several
/// targets and a store, each host is stored as soon as it completes.
Expected<ScanReport> run_scan(const ContentSet& content, const ScanRequest& request);

/// UTC now as ISO 8601 ("2026-11-21T22:08:05Z").
std::string utc_now_iso8601();

}  // namespace fleetaudit

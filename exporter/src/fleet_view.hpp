#pragma once
// What the exporter serves: the latest stored result of every host, read
// from a store through the library's summary reads.

#include <fleetaudit/fleetaudit.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fleetaudit::exporter {

/// One host as of the newest scan that has it.
struct ViewHost {
  HostSummary summary;
  /// Index of its profile in FleetView::analysis.hosts, -1 when that scan
  /// collected no fleet facts for it.
  int profile = -1;
  double scan_duration_seconds = 0;    ///< of the scan the host comes from (0 while it runs)
  /// With ViewOptions::host_checks: (check id, result) per host-level result.
  std::vector<std::pair<std::string, ResultKind>> results;
};

/// One check over every exported host.
struct ViewCheck {
  std::string check_id;
  Severity severity = Severity::medium;
  int results[6] = {0, 0, 0, 0, 0, 0};  ///< indexed by ResultKind
  int hosts_failing = 0;
};

struct FleetView {
  std::vector<ViewHost> hosts;    ///< sorted by name
  std::vector<ViewCheck> checks;  ///< sorted by check id
  FleetAnalysis analysis;         ///< the profiles and their uniformity
  const HostProfile* profile_of(const ViewHost& h) const {
    return h.profile < 0 ? nullptr : &analysis.hosts[static_cast<std::size_t>(h.profile)];
  }
  std::optional<ScanRecord> newest_scan;
  int scans_read = 0;             ///< scans that contributed at least one host
  int hosts_too_old = 0;          ///< hosts left out by ViewOptions::max_age
};

struct ViewOptions {
  /// Hosts whose newest scan started longer ago than this are left out
  /// (decommissioned hosts stop being exported). Zero: no limit.
  std::chrono::seconds max_age{0};
  /// Also read each host's results (host x check series).
  bool host_checks = false;
  /// "Now", for max_age (tests set it).
  std::optional<std::chrono::system_clock::time_point> now;
};

/// Reads the newest result of every host from `store`. Scans are read newest
/// first; a host is taken from the first scan that has it.
Expected<FleetView> read_fleet_view(const Store& store, const ViewOptions& options = {});

/// A cheap fingerprint of the store's recent scans (ids, status, stored
/// hosts): when it changes, the view must be read again.
Expected<std::string> store_fingerprint(const Store& store);

/// Seconds since the epoch for an ISO 8601 UTC time ("2026-11-21T22:08:05Z"); none when malformed.
std::optional<double> parse_utc_seconds(std::string_view iso);

}  // namespace fleetaudit::exporter

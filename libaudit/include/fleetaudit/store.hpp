#pragma once
/// \file
/// The scan store: a SQLite file (WAL) holding scans, hosts, snapshots and
/// results, with a versioned schema migrated on open.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "fleetaudit/expected.hpp"
#include "fleetaudit/scan.hpp"

namespace fleetaudit {

/// One row of the scan history.
struct ScanRecord {
  ScanInfo info;
  int hosts = 0;
  int hosts_failed = 0;  ///< hosts whose state is not ok
  Summary summary;
  /// complete; incomplete (still running, or the scanning process died: the
  /// hosts that finished are stored); cancelled.
  std::string status;
};

/// One host of a stored scan without its results: what summary views (the
/// exporter, the dashboard's host table) read for thousands of hosts.
struct HostSummary {
  std::int64_t host_id = 0;
  std::int64_t scan_id = 0;
  std::string name;
  std::string state;         ///< ok, partial, collection-error ...
  std::string state_detail;
  std::string collector;
  std::string collected_at;
  std::vector<std::string> tags;  ///< role tags
  Summary summary;                ///< counts, failures by severity, score
  std::optional<int> risk;        ///< uptime risk (0-100) when a profile was stored
};

/// One check of a stored scan with its results counted over every host and
/// subject.
struct CheckSummary {
  std::string check_id;
  std::string section;
  std::string title;
  Severity severity = Severity::medium;
  int pass = 0, fail = 0, error = 0, not_applicable = 0, manual = 0, waived = 0;
  int hosts_failing = 0;  ///< distinct hosts with at least one failure
};

/// Failures and results counted per host and section group (the first
/// `depth` numbers of the section: "5" or "5.2"), for heat maps.
struct SectionCell {
  std::int64_t host_id = 0;
  std::string section;
  int fail = 0;     ///< failing results
  int counted = 0;  ///< pass + fail + error (what the score counts)
};

/// A host's score in one past scan.
struct HostScorePoint {
  std::int64_t scan_id = 0;
  std::string started_at;
  std::string state;
  double score = 0;
  int fail = 0;
  std::optional<int> risk;
};

/// A handle on one store file. Movable, not copyable; one handle per thread.
/// Several processes may open the same file: writes are serialized by SQLite.
class Store {
 public:
  enum class Mode { read_write, read_only };

  /// Opens (creating and migrating when read_write) the store at `path`.
  static Expected<Store> open(const std::filesystem::path& path, Mode mode = Mode::read_write);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  /// Saves a whole scan in one transaction; sets nothing on failure. Returns the scan id.
  Expected<std::int64_t> save(const ScanReport& report);

  /// A fleet scan saved as it runs: the scan row first (status incomplete),
  /// then each host in its own transaction as it completes, then the totals.
  /// A process that dies in between leaves an incomplete scan with every
  /// finished host.
  Expected<std::int64_t> begin_scan(const ScanInfo& info);
  Expected<void> add_host(std::int64_t scan_id, std::size_t position, const HostReport& host, const Snapshot* snapshot);
  Expected<void> finish_scan(std::int64_t scan_id, const ScanReport& report, bool complete = true);
  /// Past scans, newest first.
  Expected<std::vector<ScanRecord>> history(int limit = 100) const;
  /// A stored scan with its hosts and results (CheckResult::check is null).
  Expected<ScanReport> load(std::int64_t scan_id, bool with_snapshots = false) const;

  /// The host profiles of a scan (fleet analytics), without results or
  /// snapshots: cheap for large fleets.
  Expected<std::vector<HostProfile>> profiles(std::int64_t scan_id) const;

  /// The newest scan (the newest complete one when `complete_only`); none in
  /// an empty store.
  Expected<std::optional<ScanRecord>> latest_scan(bool complete_only = false) const;
  /// One scan's history row.
  Expected<ScanRecord> scan(std::int64_t scan_id) const;
  /// The hosts of a scan in scan order, without results.
  Expected<std::vector<HostSummary>> hosts(std::int64_t scan_id) const;
  /// Every check of a scan with its results counted (one SQL pass).
  Expected<std::vector<CheckSummary>> checks(std::int64_t scan_id) const;
  /// Names of the hosts where `check_id` failed in a scan (scan order).
  Expected<std::vector<std::string>> failing_hosts(std::int64_t scan_id, std::string_view check_id) const;
  /// Results counted per host and section group.
  Expected<std::vector<SectionCell>> section_matrix(std::int64_t scan_id, int depth = 1) const;
  /// One host of a scan with its results (and profile; snapshot on request).
  Expected<HostReport> load_host(std::int64_t scan_id, std::string_view host, Snapshot* snapshot = nullptr) const;
  /// A host's score over past scans, newest first.
  Expected<std::vector<HostScorePoint>> host_history(std::string_view host, int limit = 100) const;

  /// Deletes the scans older than the newest `keep` with their hosts,
  /// results and snapshots, except scans that still hold some host's newest
  /// result (a host scanned once long ago stays). Returns how many scans
  /// went. The file keeps its size; SQLite reuses the freed pages.
  Expected<int> prune(int keep);

  /// Schema version of the open file.
  int schema_version() const;
  /// Schema version this library writes.
  static int current_schema_version() noexcept;

 private:
  struct Impl;
  friend struct StoreWriter;
  friend struct StoreHostReader;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// $XDG_DATA_HOME/fleetaudit/fleetaudit.db, else ~/.local/share/fleetaudit/fleetaudit.db.
std::filesystem::path default_store_path();

}  // namespace fleetaudit

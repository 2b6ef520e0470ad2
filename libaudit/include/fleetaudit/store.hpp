#pragma once
/// \file
/// The scan store: a SQLite file (WAL) holding scans, hosts, snapshots and
/// results, with a versioned schema migrated on open.

#include <cstdint>
#include <filesystem>
#include <memory>
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

  /// Schema version of the open file.
  int schema_version() const;
  /// Schema version this library writes.
  static int current_schema_version() noexcept;

 private:
  struct Impl;
  friend struct StoreWriter;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// $XDG_DATA_HOME/fleetaudit/fleetaudit.db, else ~/.local/share/fleetaudit/fleetaudit.db.
std::filesystem::path default_store_path();

}  // namespace fleetaudit

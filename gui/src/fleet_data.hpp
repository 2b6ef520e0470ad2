#pragma once
// What the dashboard shows of one stored scan, read off the GUI thread in two
// stages: the first (scan row, hosts, history) paints the overview and the
// host table; the second (checks, heat map cells, host profiles and the fleet
// analysis) fills the heavier views. Plain values: built in a worker, moved
// to the GUI thread, never shared while being written.

#include <QString>
#include <QStringList>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fleetaudit/fleet.hpp"
#include "fleetaudit/store.hpp"

namespace fleetaudit::gui {

/// One row of the host table, with the strings the filter looks at prepared
/// once (a keystroke on 10,000 hosts must not convert anything).
struct HostRow {
  HostSummary summary;
  QString name;
  QString role;   ///< known role tags (hypervisor, container-host, k8s-node, edge), comma-separated
  QString group;  ///< the other tags, comma-separated
  QString state;
  QString kernel;                    ///< running kernel, from the host profile
  std::optional<double> uptime_days;
  std::optional<int> risk;
  QString haystack;                  ///< lower-case name, group, role, state and kernel for text search
  int worst_severity = -1;           ///< highest severity with a failure (Severity as int), -1 none
};

/// Builds the row of a host (kernel and uptime from its profile when there is one).
HostRow make_host_row(HostSummary summary, const HostProfile* profile);
/// Fills kernel, uptime and risk from a profile and refreshes the haystack.
void apply_profile(HostRow& row, const HostProfile& profile);

struct FleetStage1 {
  std::filesystem::path db;
  std::optional<ScanRecord> scan;  ///< none: the store holds no scan yet
  std::vector<ScanRecord> history; ///< newest first
  std::vector<HostRow> hosts;      ///< scan order
};

struct FleetStage2 {
  std::int64_t scan_id = 0;
  std::vector<CheckSummary> checks;
  std::vector<SectionCell> cells;    ///< per host and section group (two levels: "5.2")
  std::vector<std::string> sections; ///< section groups in natural order
  /// Profiles, uniformity, patch totals: shared with the views that show
  /// them (10,000 profiles are not copied on the GUI thread).
  std::shared_ptr<const FleetAnalysis> analysis = std::make_shared<const FleetAnalysis>();
  std::vector<std::size_t> risk_order;  ///< rank_by_risk(analysis->hosts), worked out in the worker
};

/// Reads the first stage from the store at `db` (opened read-only in the
/// calling thread). `scan_id` 0: the newest scan.
Expected<FleetStage1> load_stage1(const std::filesystem::path& db, std::int64_t scan_id = 0);
/// The parts of the second stage: each is read on its own (in parallel
/// workers) and shown as it arrives.
enum class Stage2Part { checks, cells, analysis };
inline constexpr Stage2Part kStage2Parts[] = {Stage2Part::checks, Stage2Part::cells, Stage2Part::analysis};
/// Reads one part of the second stage of a scan (the other parts stay empty).
Expected<FleetStage2> load_stage2(const std::filesystem::path& db, std::int64_t scan_id, Stage2Part part);

/// Section groups ("1", "2", "10", "5.2") in the order a reader expects
/// (numerically, part by part).
bool section_less(const std::string& a, const std::string& b);

/// One host compared between two scans.
struct HostDiff {
  QString name;
  std::optional<double> score_before, score_after;
  int fail_before = 0, fail_after = 0;
  QString state_before, state_after;
};

/// One check compared between two scans (hosts failing).
struct CheckDiff {
  QString check_id, title;
  int failing_before = 0, failing_after = 0;
};

struct ScanDiff {
  ScanRecord before, after;
  std::vector<HostDiff> hosts;   ///< hosts whose score, failures or state changed, or that came or went
  std::vector<CheckDiff> checks; ///< checks whose failing host count changed
};

/// Compares two scans of a store: what changed from `before` to `after`.
Expected<ScanDiff> diff_scans(const std::filesystem::path& db, std::int64_t before, std::int64_t after);
/// The same over already loaded rows (pure; what diff_scans() uses).
ScanDiff diff_rows(const std::vector<HostSummary>& before, const std::vector<HostSummary>& after,
                   const std::vector<CheckSummary>& checks_before, const std::vector<CheckSummary>& checks_after);

}  // namespace fleetaudit::gui

#pragma once
/// \file
/// What changed between two scans: per host, the checks that newly fail,
/// the ones fixed, and the component versions that moved (kernel, OpenSSL,
/// QEMU ...). Pure functions of stored reports; the CLI streams a fleet's
/// diff host by host so memory stays flat.

#include <optional>
#include <string>
#include <vector>

#include "fleetaudit/evaluate.hpp"
#include "fleetaudit/store.hpp"

namespace fleetaudit {

struct VersionChange {
  std::string component;  ///< "kernel", "openssl" ...
  std::string before;     ///< empty: the component was not there
  std::string after;      ///< empty: it is gone
};

/// One host between scan A (before) and scan B (after).
struct HostDiff {
  std::string host;
  bool in_before = false, in_after = false;
  std::string state_before, state_after;
  double score_before = 0, score_after = 0;
  std::optional<int> risk_before, risk_after;
  /// Results that fail in B and did not in A (a pass, an error, no result,
  /// a waiver that expired ...): B's result, with its evidence.
  std::vector<CheckResult> new_failures;
  /// Results that failed in A and pass (or no longer apply) in B: A's result.
  std::vector<CheckResult> fixed;
  /// Failed in A, waived in B.
  std::vector<CheckResult> newly_waived;
  int still_failing = 0;
  std::vector<VersionChange> versions;
  bool changed() const {
    return in_before != in_after || !new_failures.empty() || !fixed.empty() || !newly_waived.empty() || !versions.empty() ||
           state_before != state_after;
  }
};

/// Compares one host's reports (either may be null: the host is new, or
/// gone). Results match by check id and subject.
HostDiff diff_host(const HostReport* before, const HostReport* after);

struct ScanDiff {
  ScanRecord before, after;
  std::vector<HostDiff> hosts;  ///< every host of either scan, in B's order then A's leftovers
  int new_failures = 0, fixed = 0, newly_waived = 0, hosts_added = 0, hosts_removed = 0, hosts_changed = 0,
      version_changes = 0;
};

/// Adds a host's diff to the totals (and keeps it when `keep_unchanged` or it changed).
void add_host_diff(ScanDiff& diff, HostDiff host, bool keep_unchanged = false);

/// Both scans read from a store, host by host.
Expected<ScanDiff> diff_stored_scans(const Store& store, std::int64_t before, std::int64_t after, bool keep_unchanged = false);

std::string format_diff_table(const ScanDiff& diff, bool color = false);
std::string format_diff_json(const ScanDiff& diff);

}  // namespace fleetaudit

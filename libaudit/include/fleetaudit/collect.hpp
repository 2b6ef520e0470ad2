#pragma once
/// \file
/// Collectors turn a Plan into a Snapshot. collect/ and store/ are the only
/// parts of the library that touch hosts and disks.

#include <cstdint>
#include <filesystem>
#include <string>

#include "fleetaudit/plan.hpp"
#include "fleetaudit/snapshot.hpp"

namespace fleetaudit {

struct CollectOptions {
  /// Read every path under this directory ("/" for the running machine). Under
  /// another root, symbolic links resolve inside it, as in a chroot: an image's
  /// absolute link never reaches the auditing machine's files.
  std::filesystem::path root = "/";
  std::string host_name;                              ///< empty: derived (hostname, or the root's /etc/hostname)
  std::uint64_t max_file_bytes = 32ull << 20;         ///< content beyond this is cut and marked truncated
  std::uint64_t max_total_bytes = 512ull << 20;       ///< content budget for the whole host
  int max_followup_rounds = 4;                        ///< rounds of followup_plan() (Include chains)
};

/// Collects a plan from the local machine or a root directory. Never throws
/// for a host problem: unreadable paths become FileFact errors, and problems
/// with the whole collection go to Snapshot::errors.
Snapshot collect(const Plan& plan, const CollectOptions& options);

}  // namespace fleetaudit

#pragma once
// A store for the dashboard's tests, made the way a real one is: fixture
// host trees scanned through the library (run_scan on root directories),
// saved into a real SQLite file as three scans a week apart.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "fleetaudit/content.hpp"

namespace fleetaudit::testing {

struct GuiFixtureStore {
  std::filesystem::path db;
  std::vector<std::int64_t> scans;        ///< oldest first
  std::vector<std::string> latest_hosts;  ///< host names of the newest scan
};

/// Builds the store under `dir` (roots materialized there too).
GuiFixtureStore make_gui_fixture_store(const std::filesystem::path& dir, const ContentSet& content);

/// A store of one scan (profile nist-800-190, fleet facts on) of one
/// container host, "ctr-01" (the fixture containers-mixed), under `dir`;
/// returns the scan id.
std::int64_t make_container_host_store(const std::filesystem::path& dir, const ContentSet& content);

/// The repository's content, loaded once.
const ContentSet& repository_content();

}  // namespace fleetaudit::testing

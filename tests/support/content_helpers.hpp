#pragma once
// Loading content from YAML text in tests, and building snapshots by hand.

#include <fstream>
#include <string>
#include <vector>

#include "fleetaudit/fleetaudit.hpp"
#include "support/fixture_tree.hpp"

namespace fleetaudit::testing {

/// Writes each text to its own file (checks first) and loads them together.
inline ContentSet::LoadResult load_texts(const std::vector<std::pair<std::string, std::string>>& files) {
  static TempDir dir;  // lives for the test run; files are overwritten per call
  std::vector<std::filesystem::path> paths;
  for (const auto& [name, text] : files) {
    auto p = dir.path() / name;
    std::ofstream(p) << text;
    paths.push_back(p);
  }
  return ContentSet::load_files(paths);
}

/// A snapshot built in memory: files with content, directories, links, globs.
struct SnapshotBuilder {
  Snapshot snap;
  SnapshotBuilder() {
    snap.host = "test";
    snap.collector = "memory";
    snap.collected_at = "2026-11-21T00:00:00Z";
  }
  SnapshotBuilder& file(const std::string& path, const std::string& content, std::uint32_t mode = 0644, std::uint32_t uid = 0,
                        std::uint32_t gid = 0) {
    FileFact f;
    f.path = path;
    f.type = FileType::regular;
    f.mode = mode;
    f.uid = uid;
    f.gid = gid;
    f.size = content.size();
    f.has_content = true;
    f.content = content;
    snap.files[path] = f;
    return *this;
  }
  SnapshotBuilder& dir(const std::string& path, std::uint32_t mode = 0755) {
    FileFact f;
    f.path = path;
    f.type = FileType::directory;
    f.mode = mode;
    snap.files[path] = f;
    return *this;
  }
  SnapshotBuilder& missing(const std::string& path) {
    FileFact f;
    f.path = path;
    snap.files[path] = f;
    return *this;
  }
  SnapshotBuilder& unreadable(const std::string& path) {
    FileFact f;
    f.path = path;
    f.type = FileType::regular;
    f.mode = 0600;
    f.content_error = "permission denied";
    snap.files[path] = f;
    return *this;
  }
  SnapshotBuilder& link(const std::string& path, const std::string& target, FileType target_type = FileType::missing) {
    FileFact f;
    f.path = path;
    f.is_symlink = true;
    f.link_target = target;
    f.type = target_type;
    snap.files[path] = f;
    return *this;
  }
  SnapshotBuilder& glob(const std::string& pattern, std::vector<std::string> matches) {
    snap.globs[pattern] = std::move(matches);
    return *this;
  }
};

}  // namespace fleetaudit::testing

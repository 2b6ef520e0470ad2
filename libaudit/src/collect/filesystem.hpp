#pragma once
// Reads a host's files from this machine: either the machine itself (root
// "/") or a root directory, in which every path - symbolic links included -
// resolves inside the root, as it would in a chroot.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fleetaudit/snapshot.hpp"

namespace fleetaudit::hostfs {

class Filesystem {
 public:
  explicit Filesystem(std::string root);

  /// Metadata of `path` (lstat for is_symlink/link_target, stat for the rest).
  FileFact examine(const std::string& path);
  /// Reads content into `fact` (at most `limit` bytes).
  void read_content(FileFact& fact, std::uint64_t limit);
  /// Lists a directory into `fact`.
  void list(FileFact& fact);
  /// Expands a glob pattern; sorted matches that exist (or are symlinks).
  std::vector<std::string> expand(const std::string& pattern);

  bool chrooted() const noexcept { return chrooted_; }
  const std::string& root() const noexcept { return root_; }

 private:
  struct Resolved {
    std::string real;  // path to use on this machine
    int err = 0;       // errno when resolution failed
  };
  /// Resolves every component inside the root; the last one only when `follow_last`.
  Resolved resolve(const std::string& path, bool follow_last);
  const std::vector<std::string>* entries_of(const std::string& host_dir);

  std::string root_;
  bool chrooted_ = false;
  std::map<std::string, std::optional<std::vector<std::string>>> listing_cache_;
  // (directory, glob component) -> matching child paths: many patterns share
  // their leading components (every unit's "/etc/systemd/system/*.wants/...").
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> component_cache_;
};

/// strerror() with a lower-case first letter, for evidence.
std::string errno_text(int err);

}  // namespace fleetaudit::hostfs

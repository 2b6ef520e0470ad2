#pragma once
// fstab(5) and the kernel mount table (/proc/mounts): the same six fields.

#include <string>
#include <string_view>
#include <vector>

namespace fleetaudit::parse {

struct MountEntry {
  std::string source;
  std::string target;  // mount point, octal escapes (\040) decoded
  std::string fstype;
  std::vector<std::string> options;
  int line = 0;
  bool has_option(std::string_view opt) const;
};

std::vector<MountEntry> parse_mounts(std::string_view text);

/// The entry for a mount point; for stacked mounts the last (topmost) one.
const MountEntry* find_mount(const std::vector<MountEntry>& table, std::string_view target);

}  // namespace fleetaudit::parse

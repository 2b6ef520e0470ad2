#pragma once
// How parsers that follow includes (sshd_config Include, PAM @include) see the
// host's files without doing I/O: the engine implements it over a Snapshot.

#include <string>
#include <string_view>
#include <vector>

namespace fleetaudit::parse {

struct FileText {
  enum class Status { ok, missing, unreadable, not_collected };
  Status status = Status::not_collected;
  std::string_view text;  // valid while the source lives
  std::string reason;     // for unreadable
};

class TextSource {
 public:
  virtual ~TextSource() = default;
  virtual FileText text(std::string_view path) const = 0;
  /// Sorted matches of a glob pattern; `collected` is false when the pattern
  /// was never expanded (the snapshot does not know).
  virtual std::vector<std::string> glob(std::string_view pattern, bool& collected) const = 0;
};

}  // namespace fleetaudit::parse

#pragma once
// Local accounts: /etc/passwd, /etc/shadow, /etc/group.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetaudit::parse {

struct PasswdEntry {
  std::string name, password;  // password field ("x" when shadowed)
  long long uid = -1, gid = -1;
  std::string gecos, home, shell;
  int line = 0;
};

struct ShadowEntry {
  std::string name, hash;
  // Days since 1970-01-01 / day counts; nullopt when the field is empty.
  std::optional<long long> last_change, min_days, max_days, warn_days, inactive_days, expire;
  int line = 0;
  /// The account can log in with a password: the hash is set and not locked ('!' or '*').
  bool has_usable_password() const;
};

struct GroupEntry {
  std::string name, password;
  long long gid = -1;
  std::vector<std::string> members;
  int line = 0;
};

/// Malformed lines are reported in `problems` as "line N: ..." and skipped.
struct PasswdFile {
  std::vector<PasswdEntry> entries;
  std::vector<std::string> problems;
};
struct ShadowFile {
  std::vector<ShadowEntry> entries;
  std::vector<std::string> problems;
};
struct GroupFile {
  std::vector<GroupEntry> entries;
  std::vector<std::string> problems;
};

PasswdFile parse_passwd(std::string_view text);
ShadowFile parse_shadow(std::string_view text);
GroupFile parse_group(std::string_view text);

}  // namespace fleetaudit::parse

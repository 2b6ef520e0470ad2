#pragma once
// The OpenSSH client configuration (~/.ssh/config) as ssh reads it for one
// destination: `Host` blocks with glob and negated patterns, the first value
// obtained wins, case-insensitive keywords, `Keyword value` or
// `Keyword=value`, `Include` (globs, relative to ~/.ssh, recursive). `Match`
// blocks are not evaluated (they can run commands): their lines are skipped
// and a warning says so.
//
// Pure: text comes in through SshConfigFs, so tests give an in-memory tree.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fleetaudit/content.hpp"  // Diagnostic

namespace fleetaudit::detail {

/// One file as the reader sees it.
struct SshFile {
  enum class Status { ok, missing, unreadable };
  Status status = Status::missing;
  std::string text;
  std::string reason;  ///< why it is unreadable
};

/// How the reader reaches files.
struct SshConfigFs {
  std::function<SshFile(const std::string& path)> read;
  /// Sorted paths matching an absolute glob pattern (none: empty).
  std::function<std::vector<std::string>(const std::string& pattern)> glob;
};

/// What the configuration sets for one destination. Unset: not configured.
struct SshHostConfig {
  std::optional<std::string> hostname;  ///< %h and %% already expanded
  std::optional<int> port;
  std::optional<std::string> user;
  std::vector<std::string> identity_files;  ///< in order, as written: ~ and %-tokens are the caller's
  std::optional<std::string> proxy_jump;    ///< the first hop; "" for "none"
};

class SshConfig {
 public:
  SshConfig() = default;  ///< no configuration: resolves nothing

  /// Reads `path` (absolute) and what it includes. A missing file is an empty
  /// configuration; an unreadable one, a bad Port or an include cycle is an
  /// error; a skipped Match block or a dropped ProxyJump hop is a warning.
  static SshConfig load(const std::string& path, const std::string& home, const SshConfigFs& fs,
                        std::vector<Diagnostic>& errors, std::vector<Diagnostic>& warnings);

  /// The same for text already read; `path` names it in diagnostics.
  static SshConfig parse(std::string_view text, const std::string& path, const std::string& home, const SshConfigFs& fs,
                         std::vector<Diagnostic>& errors, std::vector<Diagnostic>& warnings);

  /// What applies to `alias` (the name given to ssh on its command line).
  SshHostConfig resolve(std::string_view alias) const;

  /// Every file read, main file first.
  std::vector<std::string> files() const;

 private:
  struct Line {
    enum class Kind { host, match, include, setting };
    Kind kind = Kind::setting;
    std::string keyword;  // lower-case
    std::vector<std::string> args;
    std::vector<std::size_t> included;  // indices into files_, for Include
  };
  struct File {
    std::string path;
    std::vector<Line> lines;
  };
  class Loader;

  void walk(std::size_t file, const std::string& alias, bool active, SshHostConfig& out) const;

  std::vector<File> files_;
};

/// True when `host` matches an ssh pattern ('*' and '?', case-insensitive).
bool ssh_pattern_match(std::string_view pattern, std::string_view host) noexcept;

/// True when a Host line's patterns select `host`: one positive pattern
/// matches and no negated ("!pattern") one does.
bool ssh_host_matches(const std::vector<std::string>& patterns, std::string_view host);

/// Expands ssh %-tokens from `tokens` ('%' itself is always known); unknown
/// tokens stay as written.
std::string expand_ssh_tokens(std::string_view s, const std::map<char, std::string>& tokens);

/// "~" and "~/x" become `home` and `home`/x; anything else is returned as is.
std::string expand_home(std::string_view path, std::string_view home);

}  // namespace fleetaudit::detail

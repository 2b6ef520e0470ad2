#pragma once
// OpenSSH server configuration as sshd reads it: case-insensitive keywords,
// "Keyword value" or "Keyword=value", the first value obtained wins,
// Include (globs, relative to /etc/ssh, recursive, depth-limited), and Match
// blocks (conditional: kept apart from the global configuration).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parse/text_source.hpp"

namespace fleetaudit::parse {

struct SshdValue {
  std::string value;  // arguments as written, quotes removed
  std::string file;
  int line = 0;
};

struct SshdConfig {
  bool found = false;  // the main file exists
  /// Lower-case keyword -> every global occurrence in reading order; the first
  /// is the effective value (cumulative keywords such as AllowUsers use all).
  std::map<std::string, std::vector<SshdValue>, std::less<>> values;
  /// Keywords set only inside Match blocks (lower-case), for evidence.
  std::map<std::string, std::vector<SshdValue>, std::less<>> match_values;
  std::vector<std::string> files;     // files read, in order
  std::vector<std::string> problems;  // "file:line: ..." (unreadable include ...)
  bool incomplete = false;            // an included file could not be read: results may be wrong
};

SshdConfig parse_sshd_config(const TextSource& source,
                             std::string_view path = "/etc/ssh/sshd_config");

/// Absolute glob patterns named by Include lines in one file's text.
std::vector<std::string> sshd_include_patterns(std::string_view text);

/// The compiled-in default of a keyword (OpenSSH 9.x), lower-case keyword.
std::optional<std::string_view> sshd_default(std::string_view keyword_lower);

/// The algorithm list sshd actually uses for Ciphers / MACs / KexAlgorithms /
/// HostKeyAlgorithms / PubkeyAcceptedAlgorithms given the configured value,
/// applying the "+", "-" and "^" modifiers against the default list.
std::string sshd_effective_list(std::string_view keyword_lower, std::string_view configured);

}  // namespace fleetaudit::parse

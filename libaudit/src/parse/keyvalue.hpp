#pragma once
// Key/value configuration files: login.defs ("KEY value"), os-release
// ("KEY=value" with shell quoting), and generic "key = value" files with
// optional [sections] (journald.conf, pwquality.conf, faillock.conf, auditd.conf).

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace fleetaudit::parse {

struct KeyValue {
  std::string key;
  std::string value;
  std::string section;  // "" outside any [section]
  int line = 0;
};

enum class KvSeparator {
  equals,     // key = value (spaces around '=' allowed)
  whitespace  // key value
};

/// Every assignment in file order. Comment lines start with '#' (or ';' when
/// `semicolon_comments`). Keys keep their case; values are trimmed.
std::vector<KeyValue> parse_key_values(std::string_view text, KvSeparator sep,
                                       bool semicolon_comments = false);

/// os-release: KEY=value with shell-style single/double quotes and escapes.
std::map<std::string, std::string> parse_os_release(std::string_view text);

}  // namespace fleetaudit::parse

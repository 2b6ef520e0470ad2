#pragma once
// The collection script the SSH collector runs on a host: one POSIX sh
// program (dash, busybox ash, bash) built from a plan. Everything the scanner
// puts into it is quoted by sh_quote() (or sh_glob() for patterns); values
// that come from the host (file names) only ever appear as "$variables".
//
// Its output is a framed stream (see frames.hpp): records start with a line
// "<boundary> <type> ...", paths and names are NUL-terminated, file content
// is raw bytes closed by "\n<boundary> E <status>\n". The boundary is random
// per run.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "fleetaudit/plan.hpp"

namespace fleetaudit::remote {

/// The single quoting function: a POSIX sh word that stands for exactly `s`
/// ('it'\''s'). Never returns an unquoted character.
std::string sh_quote(std::string_view s);

/// A glob pattern as sh words: literal runs quoted by sh_quote, '*' and '?'
/// live, bracket expressions live with every member other than letters,
/// digits, a leading '!' and a range '-' quoted. The shell can only glob it.
std::string sh_glob(std::string_view pattern);

struct ScriptOptions {
  std::string boundary;               ///< [A-Za-z0-9]+, random per run
  std::uint64_t max_file_bytes = 32ull << 20;
  std::string agent_path;             ///< run this fleetaudit when present on the host ("" = never)
};

/// A boundary that content cannot guess: "FA" + 32 random hex digits.
std::string random_boundary();

/// The whole script for a plan.
std::string make_script(const Plan& plan, const ScriptOptions& options);

/// Scripts for one plan, made once per agent path and reused for every host
/// with its own boundary (the boundary is one assignment near the top, so a
/// host's script is a copy with that value put in). Thread-safe.
class ScriptCache {
 public:
  ScriptCache(const Plan& plan, std::uint64_t max_file_bytes) : plan_(plan), max_file_bytes_(max_file_bytes) {}
  const Plan& plan() const noexcept { return plan_; }
  std::uint64_t max_file_bytes() const noexcept { return max_file_bytes_; }
  /// make_script(plan, {boundary, max_file_bytes, agent_path}), from the cache.
  std::string script(std::string_view boundary, const std::string& agent_path) const;

 private:
  struct Parts {
    std::string head, tail;  // the script is head + sh_quote(boundary) + tail
  };
  const Plan& plan_;
  std::uint64_t max_file_bytes_;
  mutable std::mutex mu_;
  mutable std::map<std::string, Parts, std::less<>> by_agent_;
};

}  // namespace fleetaudit::remote

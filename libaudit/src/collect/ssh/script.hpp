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

}  // namespace fleetaudit::remote

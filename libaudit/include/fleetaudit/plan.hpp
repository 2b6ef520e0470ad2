#pragma once
/// \file
/// The collection plan: which facts the selected checks need from a host.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fleetaudit/expected.hpp"

namespace fleetaudit {

struct Snapshot;

/// What to gather for one path or glob pattern. Bits combine.
enum PlanFlags : std::uint8_t {
  kPlanStat = 0,     ///< type, owner, group, mode (always gathered)
  kPlanContent = 1,  ///< the file's bytes
  kPlanList = 2      ///< the directory's entry names
};

/// Paths and glob patterns (containing '*', '?' or '[') with what to gather
/// for each. A glob's matches are gathered with the glob's flags.
struct Plan {
  std::map<std::string, std::uint8_t, std::less<>> items;

  void add(std::string_view path, std::uint8_t flags);
  void merge(const Plan& other);
  bool empty() const noexcept { return items.empty(); }
};

/// The plan as JSON ({"format":1,"items":{"/etc/passwd":1,...}}): what the
/// SSH collector hands to a fleetaudit agent on the target.
std::string to_json(const Plan& plan);
/// Parses what to_json(Plan) wrote; the error says what was wrong.
Expected<Plan> plan_from_json(std::string_view json);

/// True when the path holds glob metacharacters.
bool is_glob(std::string_view path) noexcept;

/// Facts that only become known once some are collected (an sshd_config
/// Include naming another file, say): what to collect next, or an empty plan
/// when the snapshot already holds everything it needs. Pure.
Plan followup_plan(const Plan& plan, const Snapshot& snapshot);

}  // namespace fleetaudit

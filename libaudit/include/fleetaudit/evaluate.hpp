#pragma once
/// \file
/// Evaluation: Snapshot x checks -> HostReport. A pure function: no I/O, no
/// clock (the snapshot's collection time stands for "now"), no globals.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fleetaudit/content.hpp"
#include "fleetaudit/fleet.hpp"
#include "fleetaudit/snapshot.hpp"
#include "fleetaudit/types.hpp"

namespace fleetaudit {

/// The result of one check (or manual profile entry) on one host.
struct CheckResult {
  std::string check_id;  ///< empty for a manual entry without a check
  std::string section;   ///< profile section, empty without a profile
  std::string title;
  Severity severity = Severity::info;
  ResultKind result = ResultKind::error;
  std::string evidence;  ///< what was seen and where ("/etc/ssh/sshd_config:32: PermitRootLogin yes")
  const Check* check = nullptr;  ///< the check's content (null for manual entries)
  /// Empty: the host itself. Otherwise what on the host this result is about
  /// ("web-1 (3f2a9c4b1d0e)": a container, a workload's container ...).
  std::string subject;
  /// Position of the check in the selection: a check with subjects has
  /// several results with the same item.
  std::uint32_t item = 0;
};

/// Result counts and the severity-weighted score.
struct Summary {
  int pass = 0, fail = 0, error = 0, not_applicable = 0, manual = 0;
  int waived = 0;  ///< failures accepted by a waiver: not in the score
  int fail_by_severity[5] = {0, 0, 0, 0, 0};  ///< indexed by Severity
  /// 100 x weighted passes / weighted (passes + failures + errors); 100 when nothing counted.
  double score = 100.0;
  int total() const noexcept { return pass + fail + error + not_applicable + manual + waived; }
};

Summary summarize(const std::vector<CheckResult>& results);

/// Everything evaluation says about one host.
struct HostReport {
  std::string host;
  std::string state = "ok";  ///< collection state: ok, partial, collection-error, ...
  std::string state_detail;  ///< why, when not ok
  std::string collector;     ///< how it was collected ("local", "ssh:user@host:22", "agent:...")
  std::string collected_at;  ///< UTC ISO 8601
  std::vector<std::string> tags;     ///< the host's role tags (from its snapshot)
  /// Kernel, patch level, uptime risk, components: set by a scan for every
  /// host that sent facts (fleet.hpp).
  std::optional<HostProfile> profile;
  std::vector<CheckResult> results;  ///< in profile order (or check id order)
  Summary summary;
};

/// Site policy: named lists that content refers to by name (registries
/// images may come from, accounts allowed in the docker group ...). Entries
/// are glob patterns ('*' any run of characters, '?' one). A rule naming a
/// list the site has not set gives `manual`: a person must answer it.
struct Policy {
  std::map<std::string, std::vector<std::string>, std::less<>> lists;
};

/// Parses a policy file: a YAML mapping of list names to lists of strings.
/// `display` names the file in errors ("policy.yaml:3:5: ...").
Expected<Policy> parse_policy(std::string_view yaml_text, std::string_view display);

/// Parsed views of one snapshot (effective sshd configuration, package
/// database, accounts ...), built lazily on first use and kept, so evaluating
/// many checks or selections parses each file once. Not thread-safe: use one
/// HostFacts per thread. The snapshot must outlive it.
class HostFacts {
 public:
  explicit HostFacts(const Snapshot& snapshot, const Policy* policy = nullptr);
  ~HostFacts();
  HostFacts(const HostFacts&) = delete;
  HostFacts& operator=(const HostFacts&) = delete;

  const Snapshot& snapshot() const noexcept;
  const Policy* policy() const noexcept { return policy_; }

  struct Cache;  // private to the library
  Cache& cache() const noexcept { return *cache_; }

 private:
  const Snapshot* snapshot_;
  const Policy* policy_;
  std::unique_ptr<Cache> cache_;
};

/// Evaluates one check against a host's facts.
CheckResult evaluate_check(const HostFacts& facts, const Check& check);

/// Evaluates a selection against prepared facts.
HostReport evaluate(const HostFacts& facts, const Selection& selection);

/// Evaluates a selection against one snapshot. Thread-safe: content and
/// snapshot are only read.
HostReport evaluate(const Snapshot& snapshot, const Selection& selection, const Policy* policy = nullptr);

/// The selection's fleet rules (`rule: {fleet: ...}`: uniformity across
/// hosts) on a fleet analysis: one result per group they cover, the subject
/// naming the group ("fleet", "role hypervisor"), failures listing the
/// versions and the hosts that drift. Pure.
std::vector<CheckResult> evaluate_fleet_rules(const FleetAnalysis& analysis, const Selection& selection);

}  // namespace fleetaudit

#pragma once
/// \file
/// Waivers: a failure the organisation has accepted, for a reason, by an
/// owner, until a date. A waived failure is reported as `waived` with its
/// reason and does not count against the score or the exit code; on the day
/// after its expiry date it fails again. Expired and unused waivers are
/// listed so the file does not rot.
///
/// ```yaml
/// waivers:
///   - check: ssh.server.root-login-disabled   # a check id, or a glob: ssh.server.*
///     hosts: [web-*, group:legacy, tag:edge]  # optional: names (globs), groups, tags; any of
///     subject: "web (*"                       # optional: a subject's display name (glob)
///     reason: the deploy tool logs in as root until it is replaced
///     owner: platform-team@example.com
///     expires: 2027-03-31                     # inclusive
/// ```

#include <string>
#include <string_view>
#include <vector>

#include "fleetaudit/content.hpp"
#include "fleetaudit/evaluate.hpp"
#include "fleetaudit/expected.hpp"

namespace fleetaudit {

struct Waiver {
  std::string check;               ///< check id or glob
  std::vector<std::string> hosts;  ///< empty: every host
  std::string subject;             ///< empty: any subject (and the host itself)
  std::string reason;
  std::string owner;
  std::string expires;             ///< YYYY-MM-DD, inclusive
  SourceLocation where;            ///< file:line of the entry
};

struct WaiverSet {
  std::vector<Waiver> waivers;
};

/// Parses a waiver file. Every problem names file:line:column; a check id
/// (not a glob) that the content does not know is an error too.
Expected<WaiverSet> parse_waivers(std::string_view yaml_text, std::string_view display, const ContentSet* content = nullptr);

/// Who a host is for waiver selectors.
struct WaiverHost {
  std::string name;
  std::vector<std::string> groups;
  std::vector<std::string> tags;
};

/// What happened to the waivers of one scan.
struct WaiverUse {
  std::vector<std::size_t> applied;  ///< how many failures each waiver waived (parallel to WaiverSet::waivers)
  std::vector<bool> expired;         ///< past its date on `today`
};

/// Waives matching failures of one host as of `today` (YYYY-MM-DD: the
/// scan's date, so the answer does not depend on when a report is read) and
/// recomputes the host's summary. `use` accumulates over hosts.
void apply_waivers(HostReport& host, const WaiverHost& who, const WaiverSet& waivers, std::string_view today, WaiverUse& use);

/// Lines for reports: expired waivers, and waivers that waived nothing.
std::vector<std::string> waiver_notes(const WaiverSet& waivers, const WaiverUse& use);

}  // namespace fleetaudit

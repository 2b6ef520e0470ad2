#include "fleetaudit/types.hpp"

#include "fleetaudit/version.hpp"

namespace fleetaudit {

const char* version() noexcept { return FLEETAUDIT_VERSION_STRING; }

std::string_view to_string(Severity s) noexcept {
  switch (s) {
    case Severity::info: return "info";
    case Severity::low: return "low";
    case Severity::medium: return "medium";
    case Severity::high: return "high";
    case Severity::critical: return "critical";
  }
  return "unknown";
}

std::string_view to_string(ResultKind r) noexcept {
  switch (r) {
    case ResultKind::pass: return "pass";
    case ResultKind::fail: return "fail";
    case ResultKind::error: return "error";
    case ResultKind::not_applicable: return "not-applicable";
    case ResultKind::manual: return "manual";
    case ResultKind::waived: return "waived";
  }
  return "unknown";
}

std::optional<Severity> parse_severity(std::string_view s) noexcept {
  for (auto v : {Severity::info, Severity::low, Severity::medium, Severity::high, Severity::critical}) {
    if (to_string(v) == s) return v;
  }
  return std::nullopt;
}

std::optional<ResultKind> parse_result_kind(std::string_view s) noexcept {
  for (auto v : {ResultKind::pass, ResultKind::fail, ResultKind::error, ResultKind::not_applicable, ResultKind::manual,
                 ResultKind::waived}) {
    if (to_string(v) == s) return v;
  }
  return std::nullopt;
}

int severity_weight(Severity s) noexcept { return 1 << static_cast<int>(s); }

}  // namespace fleetaudit

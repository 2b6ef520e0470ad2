#pragma once
/// \file
/// Small vocabulary types shared by every stage: severities and results.

#include <optional>
#include <string_view>

namespace fleetaudit {

/// How much a failing check matters. Ordered: info < low < ... < critical.
enum class Severity { info, low, medium, high, critical };

/// The outcome of one check on one subject.
enum class ResultKind {
  pass,            ///< the rule holds
  fail,            ///< the rule does not hold
  error,           ///< a fact could not be collected or read: never a silent pass
  not_applicable,  ///< the check does not apply to this subject
  manual,          ///< the profile marks this recommendation as needing a person
  waived           ///< a failure accepted by a waiver until its expiry date (see waivers.hpp)
};

std::string_view to_string(Severity s) noexcept;
std::string_view to_string(ResultKind r) noexcept;
std::optional<Severity> parse_severity(std::string_view s) noexcept;
std::optional<ResultKind> parse_result_kind(std::string_view s) noexcept;

/// Weight of a severity in the compliance score (info 1 ... critical 16).
int severity_weight(Severity s) noexcept;

}  // namespace fleetaudit

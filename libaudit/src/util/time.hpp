#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace fleetaudit::util {
/// UTC now, "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_now();
/// "YYYY-MM-DDTHH:MM:SSZ" (or a bare date) -> seconds since 1970, UTC. Pure.
std::optional<long long> parse_utc(std::string_view iso);
/// Monotonic seconds, for durations.
double monotonic_seconds();
}  // namespace fleetaudit::util

#pragma once
#include <string>

namespace fleetaudit::util {
/// UTC now, "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_now();
/// Monotonic seconds, for durations.
double monotonic_seconds();
}  // namespace fleetaudit::util

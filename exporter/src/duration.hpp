#pragma once
// Durations as Prometheus writes them: "30s", "5m", "1h30m", "1d", "1w", "500ms".

#include <fleetaudit/expected.hpp>

#include <chrono>
#include <string_view>

namespace fleetaudit::exporter {

Expected<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace fleetaudit::exporter

#include "duration.hpp"

#include <string>

namespace fleetaudit::exporter {

Expected<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto bad = [&](std::string why) {
    return fail("duration '" + std::string(text) + "': " + why + " (e.g. 30s, 5m, 1h30m, 1d)");
  };
  if (text.empty()) return bad("empty");
  if (text == "0") return std::chrono::milliseconds(0);
  long long total_ms = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    long long n = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + (text[i] - '0');
      if (n > 1'000'000'000LL) return bad("too large");
      ++i;
    }
    if (i == start) return bad("expected a number");
    std::size_t u = i;
    while (i < text.size() && (text[i] < '0' || text[i] > '9')) ++i;
    std::string_view unit = text.substr(u, i - u);
    long long ms;
    if (unit == "ms") ms = 1;
    else if (unit == "s") ms = 1000;
    else if (unit == "m") ms = 60'000;
    else if (unit == "h") ms = 3'600'000;
    else if (unit == "d") ms = 86'400'000;
    else if (unit == "w") ms = 7 * 86'400'000LL;
    else if (unit.empty()) return bad("missing unit");
    else return bad("unknown unit '" + std::string(unit) + "'");
    total_ms += n * ms;
  }
  return std::chrono::milliseconds(total_ms);
}

}  // namespace fleetaudit::exporter

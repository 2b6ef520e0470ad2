#include "util/time.hpp"

#include <chrono>
#include <ctime>

namespace fleetaudit::util {

std::string utc_now() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<long long> parse_utc(std::string_view t) {
  auto num = [&](std::size_t at, std::size_t n) -> std::optional<long long> {
    if (t.size() < at + n) return std::nullopt;
    long long v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return std::nullopt;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  auto y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (!y || !m || !d || t[4] != '-' || t[7] != '-' || *m < 1 || *m > 12 || *d < 1 || *d > 31) return std::nullopt;
  long long hh = 0, mm = 0, ss = 0;
  if (t.size() >= 19 && (t[10] == 'T' || t[10] == ' ')) {
    auto a = num(11, 2), b = num(14, 2), c = num(17, 2);
    if (!a || !b || !c) return std::nullopt;
    hh = *a, mm = *b, ss = *c;
  }
  // days from civil (Howard Hinnant's algorithm)
  long long yy = *y - (*m <= 2);
  long long era = (yy >= 0 ? yy : yy - 399) / 400;
  long long yoe = yy - era * 400;
  long long doy = (153 * (*m + (*m > 2 ? -3 : 9)) + 2) / 5 + *d - 1;
  long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  long long days = era * 146097 + doe - 719468;
  return days * 86400 + hh * 3600 + mm * 60 + ss;
}

double monotonic_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace fleetaudit::util

#include "parse/packages.hpp"

#include <algorithm>

namespace fleetaudit::parse {

const Package* PackageDatabase::find(std::string_view name) const {
  const auto first = std::lower_bound(packages.begin(), packages.end(), name,
                                      [](const Package& p, std::string_view n) { return p.name < n; });
  const Package* fallback = nullptr;
  for (auto it = first; it != packages.end() && it->name == name; ++it) {
    if (it->present) return &*it;
    if (fallback == nullptr) fallback = &*it;
  }
  return fallback;
}

}  // namespace fleetaudit::parse

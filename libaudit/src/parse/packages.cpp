#include "parse/packages.hpp"

#include "fleetaudit/version_compare.hpp"

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

int compare_package_versions(PackageFormat format, std::string_view a, std::string_view b) noexcept {
  switch (format) {
    case PackageFormat::rpm: return compare_rpm_versions(a, b);
    case PackageFormat::apk: return compare_apk_versions(a, b);
    case PackageFormat::dpkg: break;
  }
  return compare_debian_versions(a, b);
}

const char* to_string(PackageFormat format) noexcept {
  switch (format) {
    case PackageFormat::rpm: return "rpm";
    case PackageFormat::apk: return "apk";
    case PackageFormat::dpkg: break;
  }
  return "dpkg";
}

}  // namespace fleetaudit::parse

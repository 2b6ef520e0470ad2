#pragma once
/// \file
/// Package version ordering.

#include <string_view>

namespace fleetaudit {

/// Compares two Debian package versions ([epoch:]upstream[-revision]) exactly
/// as `dpkg --compare-versions` does: <0, 0 or >0.
int compare_debian_versions(std::string_view a, std::string_view b) noexcept;

/// True when `v` is a syntactically valid Debian version.
bool is_valid_debian_version(std::string_view v) noexcept;

}  // namespace fleetaudit

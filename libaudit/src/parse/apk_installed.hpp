#pragma once
// Alpine's installed-package database, lib/apk/db/installed: records
// separated by blank lines, one "X:value" field per line (P: name, V:
// version, A: architecture, o: origin, F:/R: the files ...). Pure.

#include <string_view>

#include "parse/packages.hpp"

namespace fleetaudit::parse {

/// Every record with a P: and V: field, sorted by (name, arch); a record
/// without one is a problem ("line N: ..."), the rest still count.
PackageDatabase parse_apk_installed(std::string_view text);

}  // namespace fleetaudit::parse

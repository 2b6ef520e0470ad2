#pragma once
/// \file
/// Parser for dpkg's package database (/var/lib/dpkg/status). Private to the
/// library: a pure function of text, no I/O.

#include <string_view>

#include "parse/packages.hpp"

namespace fleetaudit::parse {

/// Parses the text of a dpkg status file. Tolerates CRLF line ends, runs of
/// blank lines and a missing final newline; field names match
/// case-insensitively as in every deb822 file. A stanza without a usable
/// Package field makes the result incomplete.
PackageDatabase parse_dpkg_status(std::string_view text);

}  // namespace fleetaudit::parse

#pragma once
/// \file
/// Parser for rpm's package database as RHEL 9 and its rebuilds keep it:
/// /var/lib/rpm/rpmdb.sqlite, an SQLite file whose Packages table holds one
/// rpm header blob per installed package. Private to the library: a pure
/// function of the file's bytes, opened as an in-memory, read-only database;
/// no file is touched.

#include <string_view>

#include "fleetaudit/expected.hpp"
#include "parse/packages.hpp"

namespace fleetaudit::parse {

/// Reads one header blob as rpm stores it in the database (no lead, no
/// magic): the index entry count and the data length (32-bit big-endian),
/// the index entries (tag, type, offset, count), then the data store. The
/// package is present; `line` is left 0. A blob that is truncated, longer
/// than its counts say, or whose entries point outside the data, is an
/// error naming what is wrong; so is one without NAME, VERSION or RELEASE.
Expected<Package> parse_rpm_header(std::string_view blob);

/// Reads every row of the Packages table of an rpmdb.sqlite image. A file
/// that is not an SQLite database, is cut short, or has no Packages table is
/// an error. A row whose header cannot be read is a problem ("record N: …")
/// that makes the database incomplete; the other rows still count. A
/// database in WAL mode is read as of its last checkpoint (the -wal file is
/// not consulted).
Expected<PackageDatabase> parse_rpmdb_sqlite(std::string_view bytes);

}  // namespace fleetaudit::parse

#pragma once
/// \file
/// Parser for dpkg's package database (/var/lib/dpkg/status). Private to the
/// library: a pure function of text, no I/O.

#include <string>
#include <string_view>
#include <vector>

namespace fleetaudit::parse {

/// One stanza of the status file, reduced to the fields audits use.
struct DpkgPackage {
  std::string name;
  std::string arch;     ///< "amd64", "all", …; empty when the stanza has no Architecture
  std::string version;  ///< as written, e.g. "1:2.36-9+deb12u4"; empty when absent
  std::string status;   ///< the Status field as written: "install ok installed"
  std::string source;   ///< Source field without its "(version)" part; empty when absent
  /// The package's files are on disk: its state is installed,
  /// half-configured, unpacked, half-installed, triggers-awaited or
  /// triggers-pending; not config-files or not-installed (and false when
  /// the Status field is missing or malformed).
  bool present = false;
  int line = 0;  ///< 1-based line of the stanza's Package field, for evidence
};

/// A parsed status file. A plain value: safe to share between threads once
/// built.
struct DpkgDatabase {
  std::vector<DpkgPackage> packages;  ///< sorted by (name, arch); file order among equals
  /// Malformed input, in line order, each "line N: …". Parsing never throws:
  /// a bad stanza is reported here and the rest of the file still counts.
  std::vector<std::string> problems;

  /// The first present package called `name` (any architecture); failing
  /// that the first entry called `name`; nullptr when there is none.
  const DpkgPackage* find(std::string_view name) const;
};

/// Parses the text of a dpkg status file. Tolerates CRLF line ends, runs of
/// blank lines and a missing final newline; field names match
/// case-insensitively as in every deb822 file.
DpkgDatabase parse_dpkg_status(std::string_view text);

}  // namespace fleetaudit::parse

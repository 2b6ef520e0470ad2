#pragma once
/// \file
/// The installed-package model the package databases parse into: dpkg's
/// status file (Debian, Ubuntu), rpm's rpmdb.sqlite (RHEL 9 and its
/// rebuilds) and apk's installed database (Alpine). Private to the library.

#include <string>
#include <string_view>
#include <vector>

namespace fleetaudit::parse {

/// Which package manager a database belongs to, and so which version
/// ordering its versions follow.
enum class PackageFormat { dpkg, rpm, apk };

/// One package, reduced to what audits use.
struct Package {
  std::string name;
  std::string arch;  ///< "amd64", "x86_64", "noarch", …; empty when the record has none
  /// The whole version as the package manager writes it, epoch and release
  /// included: dpkg "1:2.36-9+deb12u4", rpm "[EPOCH:]VERSION-RELEASE"
  /// ("2:8.2.2637-20.el9_1"); empty when absent.
  std::string version;
  std::string status;  ///< dpkg's Status field as written ("install ok installed"); empty for rpm
  std::string source;  ///< the source package's name; empty when unknown
  /// The package's files are on disk. dpkg: its state is installed,
  /// half-configured, unpacked, half-installed, triggers-awaited or
  /// triggers-pending (false when the Status field is missing or malformed);
  /// rpm: always, the database only holds installed packages.
  bool present = false;
  /// Where the record is, for evidence: dpkg the 1-based line of its Package
  /// field, rpm its Packages row (hnum).
  long long line = 0;
};

/// A parsed package database. A plain value: safe to share between threads
/// once built.
struct PackageDatabase {
  PackageFormat format = PackageFormat::dpkg;
  /// Sorted by (name, arch); among equals (rpm keeps several kernels, say)
  /// dpkg's in file order, rpm's newest first.
  std::vector<Package> packages;
  /// Malformed input, in database order ("line N: …", "record N: …"). Parsing
  /// never throws: a bad record is reported here and the rest still counts.
  std::vector<std::string> problems;
  /// False when some record could not be read at all, so that a package may
  /// be installed without appearing in `packages`: "not installed" is then
  /// not a safe answer.
  bool complete = true;

  /// The first present package called `name` (any architecture); failing
  /// that the first entry called `name`; nullptr when there is none.
  const Package* find(std::string_view name) const;
};

/// Compares two versions in the ordering of `format`'s package manager.
int compare_package_versions(PackageFormat format, std::string_view a, std::string_view b) noexcept;
/// "dpkg", "rpm", "apk".
const char* to_string(PackageFormat format) noexcept;

}  // namespace fleetaudit::parse

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

/// Compares two rpm version strings (a VERSION, a RELEASE or an epoch, not a
/// whole [epoch:]version-release) exactly as rpm's rpmvercmp(): <0, 0 or >0.
int rpmvercmp(std::string_view a, std::string_view b) noexcept;

/// Compares two rpm versions ([epoch:]version[-release]) as rpm 4.18 orders
/// them (rpmverCmp, Python's rpm.ver): a missing epoch is 0, the parts are
/// compared with rpmvercmp(), and a missing release sorts before any release.
/// The result is -1, 0 or 1.
int compare_rpm_versions(std::string_view a, std::string_view b) noexcept;

/// True when `v` has the shape of the versions rpm packages carry:
/// [digits:]version[-release], version and release non-empty and made of
/// ASCII letters, digits and `.` `_` `+` `~` `^` (as in "8.7p1-34.el9_3.3").
bool is_valid_rpm_version(std::string_view v) noexcept;

/// Compares two Alpine (apk) package versions as apk-tools 2 orders them:
/// dot-separated numbers (a component after a dot with leading zeros sorts
/// as a decimal fraction: 1.01 < 1.1), an optional lower-case letter,
/// suffixes (_alpha < _beta < _pre < _rc < none < _cvs < _svn < _git < _hg
/// < _p, each with an optional number) and a revision -rN. When one version
/// runs out first, it is the older one unless the other continues with a
/// pre-release suffix. The result is -1, 0 or 1. Inputs apk would reject
/// are still ordered, never refused, as apk orders them: the comparison
/// stops at the first character that does not fit, and the version with
/// such a character there is taken as the newer (an unknown suffix as a
/// pre-release: older).
int compare_apk_versions(std::string_view a, std::string_view b) noexcept;

/// True when `v` is a version apk accepts (see compare_apk_versions()).
bool is_valid_apk_version(std::string_view v) noexcept;

}  // namespace fleetaudit

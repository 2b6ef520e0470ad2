#pragma once
// Probes: facts that are not a file's bytes but are worked out from many
// files on the host, too large to ship whole (every process's memory map,
// every apt list). A plan names a probe as an item starting with '@'; the
// snapshot holds its result as a text "file" of that name. The local and
// root collectors (and so the agent) compute them here; the SSH shell path
// has its own POSIX sh version of each (collect/ssh/script.cpp), tested to
// agree.
//
//   @deleted-maps    one line per process and deleted (replaced) file it
//                    still maps: "PID\tCOMM\tCGROUP\tPATH" (CGROUP is the
//                    first line of /proc/PID/cgroup: its container, if any)
//   @cpu-flags       the first "flags" line of /proc/cpuinfo
//   @apt-candidates  for each installed package with a version in the apt
//                    lists: "NAME\tBEST\tBEST_SECURITY" (the highest version
//                    in any list and in a security list; '-' when none)
//   @dnf-candidates  the same for rpm hosts from dnf's repository cache
//                    (/var/cache/dnf/*/repodata: primary.xml for every
//                    package's versions, updateinfo.xml for the ones a
//                    security advisory ships), for every package named
//                    there (the rpm database is binary: the shell path
//                    cannot tell which are installed; the profile does)

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "fleetaudit/snapshot.hpp"

namespace fleetaudit::hostfs {

class Filesystem;

inline bool is_probe(std::string_view item) noexcept { return !item.empty() && item.front() == '@'; }

/// The names of the probes this build knows.
const std::vector<std::string>& probe_names();

/// Runs a probe against `fs` (its root). The result is a regular FileFact
/// named after the probe; a probe that cannot run on this host has a
/// content_error saying why. `cache_dir`: where the apt probe may keep its
/// result between scans (empty: no cache).
FileFact run_probe(Filesystem& fs, const std::string& name, const std::filesystem::path& cache_dir);

/// Every probe is computed in two steps: raw lines gathered on the host
/// (by C++ here, or by the shell path's POSIX sh), then one canonical form
/// made from them by the same function, so both paths agree byte for byte.
///   @deleted-maps raw: "PID\tCOMM\tCGROUP\tMAPS-LINE" per maps line ending " (deleted)"
///   @apt-candidates raw: "NAME\tVERSION\tS|-" per installed package's version in a list
///     (S: a security list), and "#\tPROBLEM" lines
///   @dnf-candidates raw: "NAME\tEVR\t-" per binary package of a primary.xml,
///     "NAME\tEVR\tS" per package of a security advisory, "#\tPROBLEM" lines
///   @cpu-flags raw: the "flags" line of /proc/cpuinfo
std::string canonical_probe(std::string_view name, std::string_view raw);

/// A list file's origin is a security archive (its name says "-security" or
/// "security.debian.org" / "security.ubuntu.com").
bool is_security_list(std::string_view file_name) noexcept;

}  // namespace fleetaudit::hostfs

#pragma once
// Kernel parameters: the persisted configuration as `sysctl --system` and
// systemd-sysctl apply it at boot.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace fleetaudit::parse {

/// The directories drop-ins are read from, highest priority first: a file name
/// in an earlier directory hides the same name in later ones.
const std::vector<std::string>& sysctl_dirs();
/// Read after every drop-in (procps behaviour), so its values win.
inline constexpr std::string_view kSysctlConf = "/etc/sysctl.conf";

struct SysctlSetting {
  std::string value;
  std::string file;
  int line = 0;
  int order = 0;  // position in application order: a later assignment wins
};

/// A file to apply, in order.
struct SysctlFile {
  std::string path;
  std::string_view text;
};

/// Orders drop-ins as the boot does: unique file names (the highest-priority
/// directory's copy) sorted by name, then /etc/sysctl.conf last. `present`
/// holds every candidate path that exists.
std::vector<std::string> sysctl_apply_order(const std::vector<std::string>& present);

/// Applies files in order: the last assignment of a key wins. Keys are
/// normalized to dotted form ("net/ipv4/ip_forward" -> "net.ipv4.ip_forward").
std::map<std::string, SysctlSetting, std::less<>> parse_sysctl(const std::vector<SysctlFile>& files);

/// "net.ipv4.ip_forward" -> "/proc/sys/net/ipv4/ip_forward".
std::string sysctl_proc_path(std::string_view key);
std::string normalize_sysctl_key(std::string_view key);

}  // namespace fleetaudit::parse

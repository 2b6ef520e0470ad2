#include "parse/sysctl.hpp"

#include <algorithm>
#include <set>

#include "util/strings.hpp"

namespace fleetaudit::parse {

const std::vector<std::string>& sysctl_dirs() {
  static const std::vector<std::string> dirs{"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d",
                                             "/usr/lib/sysctl.d", "/lib/sysctl.d"};
  return dirs;
}

std::vector<std::string> sysctl_apply_order(const std::vector<std::string>& present) {
  std::map<std::string, std::string> by_name;  // file name -> chosen path
  for (const auto& dir : sysctl_dirs()) {
    std::string prefix = dir + "/";
    for (const auto& p : present) {
      if (p.size() <= prefix.size() || p.compare(0, prefix.size(), prefix) != 0) continue;
      std::string name = p.substr(prefix.size());
      if (name.find('/') != std::string::npos || !name.ends_with(".conf")) continue;
      by_name.emplace(name, p);  // first (highest priority) directory wins
    }
  }
  std::vector<std::string> order;
  for (auto& [name, path] : by_name) order.push_back(path);
  if (std::find(present.begin(), present.end(), kSysctlConf) != present.end())
    order.emplace_back(kSysctlConf);
  return order;
}

std::string normalize_sysctl_key(std::string_view key) {
  std::string out(util::trim(key));
  // A key written with slashes uses '.' inside names literally; sysctl swaps them.
  if (out.find('/') != std::string::npos) {
    for (char& c : out) {
      if (c == '/') c = '.';
      else if (c == '.') c = '/';
    }
  }
  return out;
}

std::string sysctl_proc_path(std::string_view key) {
  std::string out = "/proc/sys/";
  for (char c : key) out += (c == '.') ? '/' : c;
  return out;
}

std::map<std::string, SysctlSetting, std::less<>> parse_sysctl(const std::vector<SysctlFile>& files) {
  std::map<std::string, SysctlSetting, std::less<>> out;
  int order = 0;
  for (const auto& f : files) {
    for (const auto& [raw, number] : util::split_lines(f.text)) {
      std::string_view line = util::trim(raw);
      if (line.empty() || line.front() == '#' || line.front() == ';') continue;
      if (line.front() == '-') line.remove_prefix(1);  // "-key = v": ignore errors when applying
      std::size_t eq = line.find('=');
      if (eq == std::string_view::npos) continue;
      std::string key = normalize_sysctl_key(line.substr(0, eq));
      if (key.empty()) continue;
      out[key] = {std::string(util::trim(line.substr(eq + 1))), f.path, number, ++order};
    }
  }
  return out;
}

}  // namespace fleetaudit::parse

#pragma once
// modprobe.d configuration: "install MODULE COMMAND" and "blacklist MODULE",
// plus the loaded-module list (/proc/modules).

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace fleetaudit::parse {

/// Directories read by modprobe, highest priority first; a file name in an
/// earlier directory hides the same name in later ones.
const std::vector<std::string>& modprobe_dirs();

struct ModprobeDirective {
  std::string command;  // for install: the command line
  std::string file;
  int line = 0;
};

struct ModprobeConfig {
  std::map<std::string, ModprobeDirective, std::less<>> install;    // module -> first install line
  std::map<std::string, ModprobeDirective, std::less<>> blacklist;  // module -> first blacklist line
};

struct ModprobeFile {
  std::string path;
  std::string_view text;
};

/// Module names are normalized: '-' and '_' are the same to the kernel.
std::string normalize_module(std::string_view name);

/// Chooses the files modprobe reads (see modprobe_dirs) from those present, in order.
std::vector<std::string> modprobe_apply_order(const std::vector<std::string>& present);
ModprobeConfig parse_modprobe(const std::vector<ModprobeFile>& files);

/// Module names in /proc/modules, normalized.
std::set<std::string, std::less<>> parse_proc_modules(std::string_view text);

/// True when an install command makes loading fail or do nothing (/bin/false, /bin/true ...).
bool install_disables(std::string_view command);

}  // namespace fleetaudit::parse

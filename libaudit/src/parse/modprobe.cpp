#include "parse/modprobe.hpp"

#include "util/strings.hpp"

namespace fleetaudit::parse {

const std::vector<std::string>& modprobe_dirs() {
  static const std::vector<std::string> dirs{"/etc/modprobe.d", "/run/modprobe.d",
                                             "/usr/local/lib/modprobe.d", "/usr/lib/modprobe.d",
                                             "/lib/modprobe.d"};
  return dirs;
}

std::string normalize_module(std::string_view name) {
  std::string out(util::trim(name));
  for (char& c : out) {
    if (c == '-') c = '_';
  }
  return out;
}

std::vector<std::string> modprobe_apply_order(const std::vector<std::string>& present) {
  std::map<std::string, std::string> by_name;
  for (const auto& dir : modprobe_dirs()) {
    std::string prefix = dir + "/";
    for (const auto& p : present) {
      if (p.size() <= prefix.size() || p.compare(0, prefix.size(), prefix) != 0) continue;
      std::string name = p.substr(prefix.size());
      if (name.find('/') != std::string::npos || !name.ends_with(".conf")) continue;
      by_name.emplace(name, p);
    }
  }
  std::vector<std::string> order;
  for (auto& [name, path] : by_name) order.push_back(path);
  return order;
}

ModprobeConfig parse_modprobe(const std::vector<ModprobeFile>& files) {
  ModprobeConfig cfg;
  for (const auto& f : files) {
    // Lines ending in '\' continue on the next one.
    std::string joined;
    int start_line = 0;
    for (const auto& [raw, number] : util::split_lines(f.text)) {
      if (joined.empty()) start_line = number;
      std::string_view part = raw;
      bool cont = !part.empty() && part.back() == '\\';
      if (cont) part.remove_suffix(1);
      joined.append(part);
      if (cont) continue;
      std::string_view line = util::trim(joined);
      if (!line.empty() && line.front() != '#') {
        auto words = util::split_ws(line);
        if (words.size() >= 2) {
          std::string module = normalize_module(words[1]);
          if (words[0] == "install" && words.size() >= 3) {
            std::size_t cmd_pos = line.find(words[2], words[0].size() + words[1].size());
            cfg.install.emplace(module, ModprobeDirective{std::string(line.substr(cmd_pos)), f.path, start_line});
          } else if (words[0] == "blacklist") {
            cfg.blacklist.emplace(module, ModprobeDirective{"", f.path, start_line});
          }
        }
      }
      joined.clear();
    }
  }
  return cfg;
}

std::set<std::string, std::less<>> parse_proc_modules(std::string_view text) {
  std::set<std::string, std::less<>> out;
  for (const auto& line : util::split_lines(text)) {
    auto words = util::split_ws(line.text);
    if (!words.empty()) out.insert(normalize_module(words[0]));
  }
  return out;
}

bool install_disables(std::string_view command) {
  auto words = util::split_ws(command);
  if (words.size() != 1) return false;
  std::string_view cmd = words[0];
  return cmd == "/bin/false" || cmd == "/usr/bin/false" || cmd == "/bin/true" || cmd == "/usr/bin/true" ||
         cmd == "false" || cmd == "true";
}

}  // namespace fleetaudit::parse

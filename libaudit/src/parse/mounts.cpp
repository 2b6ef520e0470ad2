#include "parse/mounts.hpp"

#include <algorithm>

#include "util/strings.hpp"

namespace fleetaudit::parse {
namespace {
std::string unescape_octal(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && s.size() - i >= 4 &&
        s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' &&
        s[i + 3] <= '7') {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}
}  // namespace

bool MountEntry::has_option(std::string_view opt) const {
  return std::find(options.begin(), options.end(), opt) != options.end();
}

std::vector<MountEntry> parse_mounts(std::string_view text) {
  std::vector<MountEntry> out;
  for (const auto& [raw, number] : util::split_lines(text)) {
    std::string_view line = util::trim(raw);
    if (line.empty() || line.front() == '#') continue;
    auto f = util::split_ws(line);
    if (f.size() < 2) continue;
    MountEntry e;
    e.source = unescape_octal(f[0]);
    e.target = unescape_octal(f[1]);
    if (e.target.size() > 1 && e.target.back() == '/') e.target.pop_back();
    if (f.size() > 2) e.fstype = std::string(f[2]);
    if (f.size() > 3) {
      for (auto o : util::split(f[3], ',')) {
        if (!o.empty()) e.options.emplace_back(o);
      }
    }
    e.line = number;
    out.push_back(std::move(e));
  }
  return out;
}

const MountEntry* find_mount(const std::vector<MountEntry>& table, std::string_view target) {
  const MountEntry* found = nullptr;
  for (const auto& e : table) {
    if (e.target == target) found = &e;
  }
  return found;
}

}  // namespace fleetaudit::parse

#include "parse/apk_installed.hpp"

#include <algorithm>
#include <string>

namespace fleetaudit::parse {

PackageDatabase parse_apk_installed(std::string_view text) {
  PackageDatabase db;
  db.format = PackageFormat::apk;
  Package cur;
  long long record_line = 0;
  bool in_record = false;
  auto finish = [&] {
    if (!in_record) return;
    if (cur.name.empty() || cur.version.empty()) {
      db.problems.push_back("line " + std::to_string(record_line) + ": record without " + (cur.name.empty() ? "a name (P:)" : "a version (V:)"));
      db.complete = false;
    } else {
      cur.present = true;  // the database lists installed packages only
      db.packages.push_back(std::move(cur));
    }
    cur = Package{};
    in_record = false;
  };
  long long number = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      finish();
      if (end == text.size()) break;
      continue;
    }
    if (!in_record) {
      in_record = true;
      record_line = number;
    }
    if (line.size() < 2 || line[1] != ':') continue;  // not a field: apk ignores it too
    std::string_view value = line.substr(2);
    switch (line[0]) {
      case 'P':
        cur.name = std::string(value);
        cur.line = number;
        break;
      case 'V': cur.version = std::string(value); break;
      case 'A': cur.arch = std::string(value); break;
      case 'o': cur.source = std::string(value); break;
      default: break;
    }
    if (end == text.size()) break;
  }
  finish();
  std::stable_sort(db.packages.begin(), db.packages.end(),
                   [](const Package& a, const Package& b) { return a.name != b.name ? a.name < b.name : a.arch < b.arch; });
  return db;
}

}  // namespace fleetaudit::parse

#include "parse/dpkg_status.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fleetaudit::parse {
namespace {

constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

constexpr char to_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// `lower` must be lower case already; field names are ASCII.
bool equals_ignoring_case(std::string_view s, std::string_view lower) noexcept {
  if (s.size() != lower.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (to_lower(s[i]) != lower[i]) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (is_blank(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_blank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool only_blanks(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), [](char c) { return is_blank(c) || c == '\r'; });
}

enum class Field { package, architecture, version, status, source, count, other };

constexpr std::array<std::string_view, static_cast<std::size_t>(Field::count)> kFieldNames = {
    "Package", "Architecture", "Version", "Status", "Source"};

// Most lines of a status file are fields nobody keeps (Depends,
// Description…), so reject on length before comparing bytes.
Field classify(std::string_view name) noexcept {
  switch (name.size()) {
    case 7:
      if (equals_ignoring_case(name, "package")) return Field::package;
      if (equals_ignoring_case(name, "version")) return Field::version;
      return Field::other;
    case 12:
      return equals_ignoring_case(name, "architecture") ? Field::architecture : Field::other;
    case 6:
      if (equals_ignoring_case(name, "status")) return Field::status;
      if (equals_ignoring_case(name, "source")) return Field::source;
      return Field::other;
    default:
      return Field::other;
  }
}

struct Problem {
  int line;
  std::string message;
};

// The fields of the stanza being read, as views into the input; only a
// complete, acceptable stanza is copied into a Package.
struct Stanza {
  std::array<std::string_view, static_cast<std::size_t>(Field::count)> values{};
  std::array<int, static_cast<std::size_t>(Field::count)> lines{};  // 0: field not seen
  int first_line = 0;                                                 // 0: no stanza open
  bool in_field = false;  // a continuation line may follow

  std::string_view value(Field f) const noexcept { return values[static_cast<std::size_t>(f)]; }
  int line_of(Field f) const noexcept { return lines[static_cast<std::size_t>(f)]; }
};

// dpkg's package states, and whether each leaves the package's files on disk.
struct StateInfo {
  std::string_view name;
  bool present;
};

constexpr std::array<StateInfo, 8> kStates = {{
    {"not-installed", false},
    {"config-files", false},
    {"half-installed", true},
    {"unpacked", true},
    {"half-configured", true},
    {"triggers-awaited", true},
    {"triggers-pending", true},
    {"installed", true},
}};

constexpr std::array<std::string_view, 5> kWants = {"unknown", "install", "hold", "deinstall", "purge"};
constexpr std::array<std::string_view, 2> kFlags = {"ok", "reinstreq"};

template <std::size_t N>
bool one_of(std::string_view word, const std::array<std::string_view, N>& words) noexcept {
  return std::find(words.begin(), words.end(), word) != words.end();
}

// Splits "want flag state" on blanks; false unless there are exactly three
// words.
bool split_status(std::string_view status, std::array<std::string_view, 3>& words) noexcept {
  std::size_t count = 0;
  std::size_t i = 0;
  while (i < status.size()) {
    while (i < status.size() && is_blank(status[i])) ++i;
    if (i == status.size()) break;
    const std::size_t start = i;
    while (i < status.size() && !is_blank(status[i])) ++i;
    if (count == words.size()) return false;
    words[count++] = status.substr(start, i - start);
  }
  return count == words.size();
}

// "glibc (2.36-9)" names the source package and, when it differs from the
// binary's, its version; only the name is kept.
std::string_view source_name(std::string_view source) noexcept {
  const auto end = source.find_first_of(" \t(");
  return trim(source.substr(0, end));
}

class StatusParser {
 public:
  PackageDatabase parse(std::string_view text) {
    // Real stanzas run to several hundred bytes; a rough reservation
    // avoids regrowing a vector of thousands of packages.
    packages_.reserve(text.size() / 512 + 1);
    std::size_t pos = 0;
    int line_number = 0;
    while (pos < text.size()) {
      const auto newline = text.find('\n', pos);
      const auto end = newline == std::string_view::npos ? text.size() : newline;
      std::string_view line = text.substr(pos, end - pos);
      pos = end + 1;
      ++line_number;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      read_line(line, line_number);
    }
    finish_stanza();
    return finish();
  }

 private:
  void read_line(std::string_view line, int number) {
    if (line.empty()) {
      finish_stanza();
      return;
    }
    if (is_blank(line.front())) {
      // A blank-looking line ends a stanza like an empty one would: the
      // lenient reading that every deb822 tool agrees on.
      if (only_blanks(line)) {
        finish_stanza();
        return;
      }
      if (!stanza_.in_field) problem(number, "continuation line without a field");
      return;
    }
    if (stanza_.first_line == 0) stanza_.first_line = number;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      problem(number, "expected 'Field: value', got '" + std::string(line) + "'");
      stanza_.in_field = false;
      return;
    }
    stanza_.in_field = true;
    const Field field = classify(line.substr(0, colon));
    if (field == Field::other) return;
    const auto index = static_cast<std::size_t>(field);
    if (stanza_.lines[index] != 0) {
      problem(number, "duplicate " + std::string(kFieldNames[index]) + " field (first on line " +
                          std::to_string(stanza_.lines[index]) + ")");
      return;
    }
    stanza_.lines[index] = number;
    stanza_.values[index] = trim(line.substr(colon + 1));
  }

  void finish_stanza() {
    if (stanza_.first_line == 0) {
      stanza_ = Stanza{};
      return;
    }
    const Stanza stanza = std::exchange(stanza_, Stanza{});
    const int package_line = stanza.line_of(Field::package);
    if (package_line == 0) {
      problem(stanza.first_line, "stanza without a Package field");
      complete_ = false;
      return;
    }
    const std::string_view name = stanza.value(Field::package);
    if (name.empty()) {
      problem(package_line, "empty Package field");
      complete_ = false;
      return;
    }

    Package package;
    package.name = name;
    package.arch = stanza.value(Field::architecture);
    package.version = stanza.value(Field::version);
    package.status = stanza.value(Field::status);
    package.source = source_name(stanza.value(Field::source));
    package.line = package_line;
    package.present = read_state(stanza, package.name);
    if (package.present && package.version.empty()) {
      problem(package_line, "package '" + package.name + "' is installed but has no Version field");
    }
    packages_.push_back(std::move(package));
  }

  // Whether the Status field says the package's files are on disk; a
  // missing or malformed Status is a problem and counts as absent, so that
  // an audit never takes a broken record for an installed package.
  bool read_state(const Stanza& stanza, const std::string& name) {
    const int line = stanza.line_of(Field::status);
    if (line == 0) {
      problem(stanza.line_of(Field::package), "package '" + name + "' has no Status field");
      return false;
    }
    const std::string_view status = stanza.value(Field::status);
    std::array<std::string_view, 3> words;
    if (!split_status(status, words) || !one_of(words[0], kWants) || !one_of(words[1], kFlags)) {
      problem(line, "malformed Status '" + std::string(status) + "' (expected 'want flag state')");
      return false;
    }
    for (const auto& state : kStates) {
      if (state.name == words[2]) return state.present;
    }
    problem(line, "unknown package state '" + std::string(words[2]) + "'");
    return false;
  }

  PackageDatabase finish() {
    std::stable_sort(packages_.begin(), packages_.end(), [](const Package& a, const Package& b) {
      if (a.name != b.name) return a.name < b.name;
      return a.arch < b.arch;
    });
    for (std::size_t i = 1; i < packages_.size(); ++i) {
      const auto& previous = packages_[i - 1];
      const auto& current = packages_[i];
      if (previous.name == current.name && previous.arch == current.arch) {
        problem(static_cast<int>(current.line), "duplicate package '" + current.name + (current.arch.empty() ? "" : ":") +
                                  current.arch + "' (first on line " + std::to_string(previous.line) + ")");
      }
    }
    // Problems are found stanza by stanza and then after sorting; report
    // them in file order.
    std::stable_sort(problems_.begin(), problems_.end(),
                     [](const Problem& a, const Problem& b) { return a.line < b.line; });

    PackageDatabase db;
    db.format = PackageFormat::dpkg;
    db.complete = complete_;
    db.packages = std::move(packages_);
    db.problems.reserve(problems_.size());
    for (auto& p : problems_) db.problems.push_back("line " + std::to_string(p.line) + ": " + p.message);
    return db;
  }

  void problem(int line, std::string message) { problems_.push_back({line, std::move(message)}); }

  Stanza stanza_;
  std::vector<Package> packages_;
  std::vector<Problem> problems_;
  bool complete_ = true;
};

}  // namespace

PackageDatabase parse_dpkg_status(std::string_view text) {
  StatusParser parser;
  return parser.parse(text);
}

}  // namespace fleetaudit::parse

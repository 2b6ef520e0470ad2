#include "inventory/ansible_ini.hpp"

#include <optional>

#include "inventory/ansible_vars.hpp"
#include "util/strings.hpp"

namespace fleetaudit::detail {
namespace {

enum class SectionKind { hosts, vars, children };

struct Section {
  std::string group;  // "" before any section header: ungrouped hosts
  SectionKind kind = SectionKind::hosts;
  std::string header;  // as written, for messages
};

bool is_comment(std::string_view t) {
  return t.empty() || t.front() == '#' || t.front() == ';';
}

// A value in a :vars section: quotes removed, a trailing " # comment" dropped.
std::string ini_value(std::string_view v) {
  v = util::trim(v);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'')) {
    std::size_t close = v.find(v.front(), 1);
    if (close != std::string_view::npos && is_comment(util::trim(v.substr(close + 1))))
      return std::string(v.substr(1, close - 1));
  }
  for (std::size_t i = 1; i < v.size(); ++i) {
    if (v[i] == '#' && (v[i - 1] == ' ' || v[i - 1] == '\t')) return std::string(util::trim(v.substr(0, i)));
  }
  return std::string(v);
}

// The one colon outside ranges that separates "name:port"; npos when there
// is none, or several (an IPv6 address).
std::size_t port_colon(std::string_view pattern) {
  std::size_t found = std::string_view::npos;
  int depth = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '[') ++depth;
    if (pattern[i] == ']' && depth > 0) --depth;
    if (pattern[i] != ':' || depth > 0) continue;
    if (found != std::string_view::npos) return std::string_view::npos;
    found = i;
  }
  return found + 1 < pattern.size() ? found : std::string_view::npos;
}

class IniReader {
 public:
  IniReader(const std::string& file, RawInventory& out, std::vector<Diagnostic>& errors)
      : file_(file), out_(out), errors_(errors) {}

  IniReadStats read(std::string_view text) {
    for (const auto& [raw, number] : util::split_lines(text)) {
      line_ = number;
      std::string_view t = util::trim(raw);
      if (is_comment(t)) continue;
      std::size_t before = errors_.size();
      if (t.front() == '[') {
        header(t);
      } else if (section_.kind == SectionKind::hosts) {
        host_line(t);
      } else if (section_.kind == SectionKind::vars) {
        vars_line(t);
      } else {
        child_line(t);
      }
      if (errors_.size() == before && (t.front() == '[' || section_.kind == SectionKind::hosts)) ++stats_.good_lines;
    }
    return stats_;
  }

 private:
  SourceLocation here() const { return {file_, line_, 0}; }
  void error(std::string message) { errors_.push_back({here(), std::move(message)}); }

  // Where a section's variables go: the group, or for all/ungrouped the
  // inventory's defaults / settings for hosts in no group.
  HostSettings& settings_of(const std::string& group) {
    if (group == "all") return out_.defaults;
    if (group == "ungrouped" || group.empty()) return out_.ungrouped;
    return ansible_group(out_, group, here()).settings;
  }

  static bool is_implicit(const std::string& group) { return group.empty() || group == "all" || group == "ungrouped"; }

  void header(std::string_view t) {
    std::size_t close = t.find(']');
    if (close == std::string_view::npos || !is_comment(util::trim(t.substr(close + 1)))) {
      error("malformed section header '" + std::string(t) + "': expected [group], [group:vars] or [group:children]");
      section_ = {"", SectionKind::hosts, std::string(t)};
      skipping_ = true;
      return;
    }
    std::string_view inside = t.substr(1, close - 1);
    std::string header(t.substr(0, close + 1));
    std::string_view name = inside, kind;
    if (std::size_t colon = inside.find(':'); colon != std::string_view::npos) {
      name = inside.substr(0, colon);
      kind = inside.substr(colon + 1);
    }
    skipping_ = true;  // until the header proves good, its lines go nowhere
    if (auto bad = check_name("group", name)) {
      error(*bad + " in '" + header + "'");
      return;
    }
    SectionKind k = SectionKind::hosts;
    if (kind == "vars") {
      k = SectionKind::vars;
    } else if (kind == "children") {
      k = SectionKind::children;
    } else if (!kind.empty() && kind != "hosts") {
      error("unknown section type '" + std::string(kind) + "' in '" + header + "': expected vars or children");
      return;
    }
    skipping_ = false;
    section_ = {std::string(name), k, header};
    if (!is_implicit(section_.group)) ansible_group(out_, section_.group, here());
  }

  void host_line(std::string_view t) {
    if (skipping_) return;
    auto words = shell_split(t);
    if (!words) {
      error(words.error().message);
      return;
    }
    std::string pattern = words->front();
    if (pattern.find('=') != std::string::npos) {
      error("expected a host name before '" + pattern + "'");
      return;
    }
    HostSettings line_settings;
    // "name:port", unless the colons belong to an IPv6 address or a range.
    if (std::size_t colon = port_colon(pattern); colon != std::string::npos) {
      std::string port = pattern.substr(colon + 1);
      if (auto bad = apply_ansible_var(line_settings, "ansible_port", port)) {
        error("host '" + pattern + "': port must be a number from 1 to 65535, got '" + port + "'");
        return;
      }
      pattern.resize(colon);
    }
    auto names = expand_host_pattern(pattern);
    if (!names) {
      error("bad host range in '" + pattern + "': " + names.error().message);
      return;
    }
    for (const auto& n : *names) {
      if (auto bad = check_name("host", n)) {
        error(*bad);
        return;
      }
    }
    bool good = true;
    for (std::size_t i = 1; i < words->size(); ++i) {
      const std::string& w = (*words)[i];
      std::size_t eq = w.find('=');
      if (eq == std::string::npos || eq == 0) {
        error("host '" + pattern + "': expected key=value, got '" + w + "'");
        good = false;
        continue;
      }
      if (auto bad = apply_ansible_var(line_settings, w.substr(0, eq), w.substr(eq + 1))) {
        error("host '" + pattern + "': " + *bad);
        good = false;
      }
    }
    if (!good) return;
    for (const auto& n : *names) {
      RawHost* h = out_.find_host(n);
      if (!h) h = &out_.add_host(n, here());
      h->settings.overlay(line_settings);
      if (!is_implicit(section_.group)) ansible_group(out_, section_.group, here()).members.push_back({n, here()});
    }
  }

  void vars_line(std::string_view t) {
    if (skipping_) return;
    std::size_t eq = t.find('=');
    std::string key(util::trim(t.substr(0, eq == std::string_view::npos ? 0 : eq)));
    if (eq == std::string_view::npos || key.empty()) {
      error(section_.header + ": expected key=value, got '" + std::string(t) + "'");
      return;
    }
    if (auto bad = apply_ansible_var(settings_of(section_.group), key, ini_value(t.substr(eq + 1)))) {
      error(section_.header + ": " + *bad);
    }
  }

  void child_line(std::string_view t) {
    if (skipping_) return;
    auto words = util::split_ws(t);
    std::string child(words.front());
    if (words.size() > 1 && !is_comment(words[1])) {
      error(section_.header + ": expected one group name per line, got '" + std::string(t) + "'");
      return;
    }
    if (auto bad = check_name("group", child)) {
      error(section_.header + ": " + *bad);
      return;
    }
    if (child == "all" || (child == "ungrouped" && section_.group != "all")) {
      error(section_.header + ": '" + child + "' cannot be a child group");
      return;
    }
    if (is_implicit(child)) return;
    ansible_group(out_, child, here());
    if (is_implicit(section_.group)) return;  // children of all are top-level groups anyway
    ansible_group(out_, section_.group, here()).children.push_back({child, here()});
  }

  const std::string& file_;
  RawInventory& out_;
  std::vector<Diagnostic>& errors_;
  Section section_;
  bool skipping_ = false;  // after a bad header: its lines are not read
  int line_ = 0;
  IniReadStats stats_;
};

}  // namespace

IniReadStats read_ansible_ini(std::string_view text, const std::string& file, RawInventory& out,
                              std::vector<Diagnostic>& errors) {
  out.order = RawInventory::GroupOrder::by_depth_then_name;
  return IniReader(file, out, errors).read(text);
}

}  // namespace fleetaudit::detail

#include "inventory/ansible_vars.hpp"

#include <algorithm>
#include <cctype>

#include "util/strings.hpp"

namespace fleetaudit::detail {
namespace {

constexpr std::size_t kMaxRangeHosts = 100000;  // a typo like [1:9999999] must not eat the memory

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_letter(std::string_view s) {
  return s.size() == 1 && std::isalpha(static_cast<unsigned char>(s[0]));
}

// The values of one "[beg:end(:step)]" range.
Expected<std::vector<std::string>> expand_range(std::string_view inside) {
  auto parts = util::split(inside, ':');
  if (parts.size() < 2 || parts.size() > 3) return fail("expected [start:end] or [start:end:step]");
  std::string_view beg = parts[0], end = parts[1];
  long long step = 1;
  if (parts.size() == 3) {
    auto s = util::parse_int(parts[2]);
    if (!s || *s < 1) return fail("step '" + std::string(parts[2]) + "' must be a positive number");
    step = *s;
  }
  if (beg.empty()) beg = "0";
  if (end.empty()) return fail("the range has no end");
  std::vector<std::string> out;
  if (all_digits(beg) && all_digits(end)) {
    // Ansible keeps the width of a zero-padded start, and wants the end alike.
    std::size_t width = beg.size() > 1 && beg[0] == '0' ? beg.size() : 0;
    if (width && end.size() != width) return fail("zero-padded start and end must have the same width");
    auto b = util::parse_int(beg), e = util::parse_int(end);
    if (!b || !e) return fail("numbers too large");
    if (*b > *e) return fail("start " + std::string(beg) + " is after end " + std::string(end));
    if ((*e - *b) / step + 1 > static_cast<long long>(kMaxRangeHosts))
      return fail("more than " + std::to_string(kMaxRangeHosts) + " hosts");
    for (long long v = *b; v <= *e; v += step) {
      std::string n = std::to_string(v);
      if (n.size() < width) n.insert(0, width - n.size(), '0');
      out.push_back(std::move(n));
    }
    return out;
  }
  if (is_letter(beg) && is_letter(end)) {
    if (beg[0] > end[0]) return fail("start " + std::string(beg) + " is after end " + std::string(end));
    for (int c = beg[0]; c <= end[0]; c += static_cast<int>(step)) out.emplace_back(1, static_cast<char>(c));
    return out;
  }
  return fail("start and end must both be numbers or both be single letters");
}

std::optional<int> parse_port(std::string_view s) {
  auto v = util::parse_int(util::trim(s));
  if (!v || *v < 1 || *v > 65535) return std::nullopt;
  return static_cast<int>(*v);
}

bool is_any(const std::string& key, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), key) != names.end();
}

}  // namespace

Expected<std::vector<std::string>> shell_split(std::string_view line) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= line.size() || line[i] == '#') break;
    std::string word;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) {
      char c = line[i];
      if (c == '\'' || c == '"') {
        std::size_t j = i + 1;
        bool closed = false;
        for (; j < line.size(); ++j) {
          if (line[j] == c) {
            closed = true;
            break;
          }
          if (c == '"' && line[j] == '\\' && j + 1 < line.size() && (line[j + 1] == '"' || line[j + 1] == '\\')) ++j;
          word += line[j];
        }
        if (!closed) return fail(std::string("unterminated ") + (c == '"' ? "double" : "single") + " quote");
        i = j + 1;
        continue;
      }
      if (c == '\\' && i + 1 < line.size()) {
        word += line[i + 1];
        i += 2;
        continue;
      }
      word += c;
      ++i;
    }
    out.push_back(std::move(word));
  }
  return out;
}

Expected<std::vector<std::string>> expand_host_pattern(std::string_view pattern) {
  std::size_t open = pattern.find('[');
  if (open == std::string_view::npos) return std::vector<std::string>{std::string(pattern)};
  std::size_t close = pattern.find(']', open);
  if (close == std::string_view::npos) return fail("'[' without ']'");
  auto values = expand_range(pattern.substr(open + 1, close - open - 1));
  if (!values) return values;
  auto rest = expand_host_pattern(pattern.substr(close + 1));
  if (!rest) return rest;
  if (values->size() * rest->size() > kMaxRangeHosts)
    return fail("more than " + std::to_string(kMaxRangeHosts) + " hosts");
  std::string_view prefix = pattern.substr(0, open);
  std::vector<std::string> out;
  out.reserve(values->size() * rest->size());
  for (const auto& v : *values) {
    for (const auto& r : *rest) out.push_back(util::concat({prefix, v, r}));
  }
  return out;
}

std::optional<std::string> apply_ansible_var(HostSettings& s, const std::string& key, const std::string& value) {
  if (is_any(key, {"ansible_host", "ansible_ssh_host"})) {
    if (util::trim(value).empty()) return key + " must not be empty";
    s.address = std::string(util::trim(value));
    return std::nullopt;
  }
  if (is_any(key, {"ansible_port", "ansible_ssh_port"})) {
    auto port = parse_port(value);
    if (!port) return key + " must be a number from 1 to 65535, got '" + value + "'";
    s.port = *port;
    return std::nullopt;
  }
  if (is_any(key, {"ansible_user", "ansible_ssh_user"})) {
    if (util::trim(value).empty()) return key + " must not be empty";
    s.user = std::string(util::trim(value));
    return std::nullopt;
  }
  if (is_any(key, {"ansible_ssh_private_key_file", "ansible_private_key_file"})) {
    if (util::trim(value).empty()) return key + " must not be empty";
    s.identity_files = std::vector<std::string>{std::string(util::trim(value))};
    return std::nullopt;
  }
  if (is_any(key, {"ansible_ssh_common_args", "ansible_ssh_extra_args"})) {
    // Only a jump host matters for reaching the host; the rest is ignored.
    if (auto jump = proxy_jump_from_ssh_args(value)) s.proxy_jump = *jump;
    return std::nullopt;
  }
  if (key == "fleetaudit_tags") {
    for (std::string_view t : util::split(value, ',')) {
      t = util::trim(t);
      if (t.empty()) continue;
      if (auto bad = check_tag(t)) return "fleetaudit_tags: " + *bad;
      s.tags.emplace_back(t);
    }
    return std::nullopt;
  }
  s.vars[key] = value;
  return std::nullopt;
}

std::optional<std::string> role_tag_for_group(std::string_view group) {
  std::string dashed(group);
  std::replace(dashed.begin(), dashed.end(), '_', '-');
  for (std::string_view role : kKnownRoles) {
    if (dashed == role) return std::string(role);
  }
  return std::nullopt;
}

RawGroup& ansible_group(RawInventory& inventory, const std::string& name, const SourceLocation& at) {
  if (RawGroup* g = inventory.find_group(name)) return *g;
  RawGroup& g = inventory.group(name, at);
  if (auto tag = role_tag_for_group(name)) g.settings.tags.push_back(*tag);
  return g;
}

std::optional<std::string> proxy_jump_from_ssh_args(std::string_view args) {
  auto words = shell_split(args);
  if (!words) return std::nullopt;
  auto hop = [](std::string_view v) -> std::string {
    if (util::iequals(v, "none")) return {};
    v = v.substr(0, v.find(','));
    if (v.starts_with("ssh://")) v.remove_prefix(6);
    return std::string(v);
  };
  const auto& w = *words;
  for (std::size_t i = 0; i < w.size(); ++i) {
    std::string_view value;
    if (w[i] == "-J" && i + 1 < w.size()) return hop(w[i + 1]);
    if (w[i].starts_with("-J") && w[i].size() > 2) return hop(std::string_view(w[i]).substr(2));
    if (w[i] == "-o" && i + 1 < w.size()) {
      value = w[++i];
    } else if (w[i].starts_with("-o") && w[i].size() > 2) {
      value = std::string_view(w[i]).substr(2);
    } else {
      continue;
    }
    // "-o ProxyJump=host" or "-o 'ProxyJump host'"
    std::size_t sep = value.find_first_of("= \t");
    if (sep == std::string_view::npos || !util::iequals(value.substr(0, sep), "proxyjump")) continue;
    std::string_view rest = util::trim(value.substr(sep));
    if (!rest.empty() && rest.front() == '=') rest = util::trim(rest.substr(1));
    return hop(rest);
  }
  return std::nullopt;
}

}  // namespace fleetaudit::detail

// Reading an inventory: tell the format from the content, read it into the
// shared model, resolve. Also the real environment (home, files) and the
// host selection.

#include "fleetaudit/inventory.hpp"

#include <glob.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <system_error>

#include "content/yaml_doc.hpp"
#include "content/yaml_reader.hpp"
#include "inventory/ansible_ini.hpp"
#include "inventory/ansible_yaml.hpp"
#include "inventory/fleetaudit_yaml.hpp"
#include "inventory/model.hpp"
#include "util/regex.hpp"
#include "util/strings.hpp"

namespace fleetaudit {
namespace detail {
namespace {

SshFile read_text_file(const std::string& path) {
  SshFile f;
  std::error_code ec;
  auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) {
    if (!ec || ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) return f;
    f.status = SshFile::Status::unreadable;
    f.reason = ec.message();
    return f;
  }
  f.status = SshFile::Status::unreadable;
  if (std::filesystem::is_directory(st)) {
    f.reason = "is a directory";
    return f;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    f.reason = std::strerror(errno);
    return f;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    f.reason = "read error";
    return f;
  }
  f.status = SshFile::Status::ok;
  f.text = std::move(ss).str();
  return f;
}

std::vector<std::string> glob_paths(const std::string& pattern) {
  struct Glob {
    glob_t g{};
    ~Glob() { globfree(&g); }
  } g;
  std::vector<std::string> out;
  if (::glob(pattern.c_str(), 0, nullptr, &g.g) != 0) return out;
  for (std::size_t i = 0; i < g.g.gl_pathc; ++i) out.emplace_back(g.g.gl_pathv[i]);
  std::sort(out.begin(), out.end());
  return out;
}

// For text that YAML refused: does its first statement read like YAML
// ("key:", "- item", "---") rather than an INI line ("[web]", "host k=v")?
bool looks_like_yaml_text(std::string_view text) {
  for (const auto& [raw, number] : util::split_lines(text)) {
    std::string_view t = util::trim(raw);
    if (t.empty() || t.front() == '#' || t.front() == ';') continue;
    if (t.starts_with("---") || t == "-" || t.starts_with("- ") || t.front() == '{') return true;
    if (t.front() == '[') return false;
    std::size_t colon = t.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    std::string_view key = t.substr(0, colon);
    if (key.find_first_of(" \t=") != std::string_view::npos) return false;
    return colon + 1 == t.size() || t[colon + 1] == ' ' || t[colon + 1] == '\t';
  }
  return false;
}

void read_yaml_map(const yaml::Node& root, const std::string& display, RawInventory& raw, InventoryLoad& out) {
  YamlContext ctx(display, out.diagnostics);
  // `all` settles it; a fleetaudit `defaults:` holds `vars:` too, so the
  // fleetaudit keys are looked for before Ansible's group shapes.
  if (root["all"].IsDefined()) {
    read_ansible_yaml(root, ctx, raw);
  } else if (looks_like_fleetaudit_yaml(root)) {
    read_fleetaudit_yaml(root, ctx, raw);
  } else if (looks_like_ansible_yaml(root)) {
    read_ansible_yaml(root, ctx, raw);
  } else {
    const yaml::Node& key = root.pairs().front().first;
    std::string msg = "unrecognized inventory: top-level key '" + key.Scalar() +
                      "' is neither fleetaudit's (defaults, groups, hosts) nor Ansible's (all, or groups with "
                      "hosts, children or vars)";
    if (auto s = suggest(key.Scalar(), {"defaults", "groups", "hosts", "all"})) msg += " (did you mean '" + *s + "'?)";
    ctx.error(key, std::move(msg));
  }
}

void read_ini(std::string_view text, const std::string& display, RawInventory& raw, InventoryLoad& out) {
  std::vector<Diagnostic> errors;
  IniReadStats stats = read_ansible_ini(text, display, raw, errors);
  if (!errors.empty() && stats.good_lines == 0) {
    // Nothing read as INI either: say what the text is not, then why.
    Diagnostic first = errors.front();
    first.message =
        "unrecognized inventory: not fleetaudit YAML, Ansible YAML or Ansible INI (as INI: " + first.message + ")";
    out.diagnostics.push_back(std::move(first));
    return;
  }
  out.diagnostics.insert(out.diagnostics.end(), errors.begin(), errors.end());
}

}  // namespace

InventoryEnv InventoryEnv::system() {
  InventoryEnv env;
  const passwd* pw = ::getpwuid(::getuid());
  if (const char* h = std::getenv("HOME"); h && *h) {
    env.home = h;
  } else if (pw && pw->pw_dir) {
    env.home = pw->pw_dir;
  }
  if (const char* u = std::getenv("USER"); u && *u) {
    env.local_user = u;
  } else if (pw && pw->pw_name) {
    env.local_user = pw->pw_name;
  }
  env.fs.read = read_text_file;
  env.fs.glob = glob_paths;
  return env;
}

InventoryLoad parse_inventory_in(std::string_view text, const std::string& display, const InventoryOptions& options,
                                 const InventoryEnv& env) {
  InventoryLoad out;
  out.inventory.file = display;
  RawInventory raw;
  auto doc = yaml::parse(text);
  if (doc && doc->IsMap() && doc->size() > 0) {
    read_yaml_map(*doc, display, raw, out);
  } else if (!doc && looks_like_yaml_text(text)) {
    out.diagnostics.push_back(
        {{display, doc.error().mark.line + 1, doc.error().mark.column + 1}, "malformed YAML: " + doc.error().message});
  } else {
    read_ini(text, display, raw, out);
  }
  resolve_inventory(raw, options, env, out);
  sort_diagnostics(out.diagnostics);
  sort_diagnostics(out.warnings);
  return out;
}

}  // namespace detail

bool InventoryHost::has_tag(std::string_view tag) const {
  return std::binary_search(tags.begin(), tags.end(), tag, std::less<>());
}

InventoryLoad parse_inventory(std::string_view text, const std::string& display, const InventoryOptions& options) {
  return detail::parse_inventory_in(text, display, options, detail::InventoryEnv::system());
}

std::string InventoryLoad::problems() const {
  std::string out = "inventory " + inventory.file.string() + " has " + std::to_string(diagnostics.size()) + " problem(s):";
  for (const auto& d : diagnostics) out += "\n  " + d.str();
  return out;
}

InventoryLoad load_inventory(const std::filesystem::path& file, const InventoryOptions& options) {
  detail::SshFile f = detail::read_text_file(file.string());
  if (f.status != detail::SshFile::Status::ok) {
    InventoryLoad out;
    out.inventory.file = file;
    std::string reason = f.status == detail::SshFile::Status::missing ? "no such file" : f.reason;
    out.diagnostics.push_back({{file.string(), 0, 0}, "cannot read inventory: " + reason});
    return out;
  }
  InventoryLoad out = parse_inventory(f.text, file.string(), options);
  out.inventory.file = file;
  return out;
}

namespace {

enum class Op { add, intersect, exclude };

struct Term {
  Op op = Op::add;
  std::string pattern;
};

bool is_glob(std::string_view p) {
  return p.find_first_of("*?[") != std::string_view::npos;
}

// Ansible's split: commas first; a piece that does not name a host or group
// as a whole (an IPv6 address may hold colons) splits again on colons.
std::vector<Term> parse_limit(std::string_view limit, const Inventory& inv) {
  auto known = [&](std::string_view name) {
    return std::any_of(inv.hosts.begin(), inv.hosts.end(), [&](const InventoryHost& h) { return h.name == name; }) ||
           std::binary_search(inv.groups.begin(), inv.groups.end(), name, std::less<>());
  };
  std::vector<Term> out;
  auto add = [&](std::string_view piece) {
    piece = util::trim(piece);
    if (piece.empty()) return;
    Term t;
    if (piece.front() == '!' || piece.front() == '&') {
      t.op = piece.front() == '!' ? Op::exclude : Op::intersect;
      piece = util::trim(piece.substr(1));
    }
    if (piece.empty()) return;
    t.pattern = std::string(piece);
    out.push_back(std::move(t));
  };
  for (std::string_view piece : util::split(limit, ',')) {
    std::string_view bare = util::trim(piece);
    if (!bare.empty() && (bare.front() == '!' || bare.front() == '&')) bare = util::trim(bare.substr(1));
    if (bare.find(':') == std::string_view::npos || known(bare) || bare.starts_with("~")) {
      add(piece);
      continue;
    }
    for (std::string_view sub : util::split(piece, ':')) add(sub);
  }
  return out;
}

std::vector<char> matching(const Inventory& inv, const std::string& pattern) {
  const std::size_t n = inv.hosts.size();
  std::vector<char> m(n, 0);
  if (pattern == "all" || pattern == "*") return std::vector<char>(n, 1);
  if (pattern == "ungrouped" && !std::binary_search(inv.groups.begin(), inv.groups.end(), pattern)) {
    for (std::size_t i = 0; i < n; ++i) m[i] = inv.hosts[i].groups.empty();
    return m;
  }
  std::function<bool(std::string_view)> match;
  util::Regex re;
  if (pattern.front() == '~') {
    auto compiled = util::Regex::compile("^(?:" + pattern.substr(1) + ")");
    if (!compiled) return m;  // a bad regex matches nothing, like an unknown name
    re = std::move(*compiled);
    match = [&](std::string_view s) { return re.search(s); };
  } else if (is_glob(pattern)) {
    match = [&](std::string_view s) { return util::glob_match(pattern, s); };
  } else {
    match = [&](std::string_view s) { return s == pattern; };
  }
  for (std::size_t i = 0; i < n; ++i) {
    const InventoryHost& h = inv.hosts[i];
    m[i] = match(h.name) || std::any_of(h.groups.begin(), h.groups.end(), match) ||
           std::any_of(h.tags.begin(), h.tags.end(), match);
  }
  return m;
}

}  // namespace

std::vector<const InventoryHost*> Inventory::select(std::string_view limit) const {
  std::vector<Term> terms = parse_limit(limit, *this);
  const std::size_t n = hosts.size();
  bool any_add = std::any_of(terms.begin(), terms.end(), [](const Term& t) { return t.op == Op::add; });
  // Ansible: with only exclusions or intersections, start from every host.
  std::vector<char> selected(n, any_add ? 0 : 1);
  for (const Term& t : terms) {
    if (t.op != Op::add) continue;
    auto m = matching(*this, t.pattern);
    for (std::size_t i = 0; i < n; ++i) selected[i] |= m[i];
  }
  for (Op op : {Op::intersect, Op::exclude}) {
    for (const Term& t : terms) {
      if (t.op != op) continue;
      auto m = matching(*this, t.pattern);
      for (std::size_t i = 0; i < n; ++i) selected[i] = selected[i] && (op == Op::intersect ? m[i] : !m[i]);
    }
  }
  std::vector<const InventoryHost*> out;
  for (std::size_t i = 0; i < n; ++i) {
    if (selected[i]) out.push_back(&hosts[i]);
  }
  return out;
}

}  // namespace fleetaudit

// Loads and validates check content and profiles.

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <atomic>
#include <thread>
#include <tuple>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "content/path_vars.hpp"
#include "content/rule.hpp"
#include "eval/subjects.hpp"
#include "content/yaml_reader.hpp"
#include "fleetaudit/content.hpp"
#include "fleetaudit/version_compare.hpp"
#include "parse/modprobe.hpp"
#include "parse/sysctl.hpp"
#include "util/regex.hpp"
#include "util/strings.hpp"

namespace fleetaudit {

std::string Diagnostic::str() const {
  std::string out = where.file;
  if (where.line > 0) {
    out += ":" + std::to_string(where.line);
    if (where.column > 0) out += ":" + std::to_string(where.column);
  }
  return out + ": " + message;
}

int Profile::max_level() const noexcept {
  int m = 0;
  for (const auto& l : levels) m = std::max(m, l.number);
  return m;
}

using namespace detail;

namespace {

const std::vector<std::string> kRuleKinds{"all",      "any",          "none",      "file",    "file_content",
                                          "sshd_config", "login_defs", "config_value", "sysctl", "modprobe",
                                          "mount",    "pam",          "os_release", "package", "service",
                                          "accounts", "doc", "efivar", "fleet"};

const std::vector<std::string> kAccountProperties{
    "uid0_only_root",       "gid0_only_root_user",  "gid0_only_root_group", "passwords_shadowed",
    "no_empty_passwords",   "unique_uids",          "unique_gids",          "unique_user_names",
    "unique_group_names",   "primary_groups_exist", "shadow_group_empty",   "root_password_set",
    "shadow_field",         "no_future_password_change", "system_accounts_no_login", "named_accounts_locked",
    "group_members"};

const std::vector<std::string> kShadowFields{"min_days", "max_days", "warn_days", "inactive_days"};
const std::vector<std::string> kServiceStates{"absent", "masked", "disabled", "enabled"};
const std::vector<std::string> kFileTypes{"file", "directory", "symlink", "other"};

const std::vector<std::string> kValueOps{"equals",        "not_equals",    "in",            "not_in",
                                         "matches",       "not_matches",   "at_most",       "at_least",
                                         "list_excludes", "list_includes", "fields_at_most", "set"};

bool valid_check_id(std::string_view id) {
  // lower-case dotted segments: "ssh.server.root-login"
  if (id.empty() || id.find('.') == std::string_view::npos) return false;
  for (auto seg : util::split(id, '.')) {
    if (seg.empty() || !(std::islower(static_cast<unsigned char>(seg[0])) || std::isdigit(static_cast<unsigned char>(seg[0]))))
      return false;
    for (char c : seg) {
      if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
        return false;
    }
  }
  return true;
}

bool valid_section(std::string_view s) {
  if (s.empty()) return false;
  for (auto part : util::split(s, '.')) {
    if (part.empty() || !util::parse_int(part)) return false;
  }
  return true;
}

class RuleParser {
 public:
  explicit RuleParser(YamlContext& ctx) : ctx_(ctx) {}

  std::optional<Rule> rule(const yaml::Node& node) {
    if (!node.IsMap() || node.size() != 1) {
      ctx_.error(node, "a rule must be a mapping with exactly one rule kind (one of: " +
                           util::join(kRuleKinds, ", ") + ")");
      return std::nullopt;
    }
    const auto& kv = node.pairs().front();
    if (!kv.first.IsScalar()) {
      ctx_.error(kv.first, "rule kind must be a string");
      return std::nullopt;
    }
    const std::string kind = kv.first.Scalar();
    const yaml::Node& body = kv.second;
    Rule r;
    r.where = ctx_.where(kv.first);
    if (kind == "all" || kind == "any" || kind == "none") {
      Combinator c;
      c.mode = kind == "all" ? Combinator::Mode::all : kind == "any" ? Combinator::Mode::any : Combinator::Mode::none;
      if (!body.IsSequence() || body.size() == 0) {
        ctx_.error(body, "'" + kind + "' takes a non-empty list of rules");
        return std::nullopt;
      }
      bool good = true;
      for (const auto& child : body.items()) {
        auto cr = rule(child);
        if (!cr) good = false; else c.children.push_back(std::move(*cr));
      }
      if (!good) return std::nullopt;
      r.node = std::move(c);
      return r;
    }
    MapReader m(ctx_, body, "'" + kind + "' rule");
    if (!m.ok()) return std::nullopt;
    std::size_t errors_before = ctx_.error_count();
    bool built = true;
    if (kind == "file") r.node = file(m);
    else if (kind == "file_content") r.node = content(m);
    else if (kind == "sshd_config") r.node = sshd(m);
    else if (kind == "login_defs") r.node = login_defs(m);
    else if (kind == "config_value") r.node = config_value(m);
    else if (kind == "sysctl") r.node = sysctl(m);
    else if (kind == "modprobe") r.node = modprobe(m);
    else if (kind == "mount") r.node = mount(m);
    else if (kind == "pam") r.node = pam(m);
    else if (kind == "os_release") r.node = os_release(m);
    else if (kind == "package") r.node = package(m);
    else if (kind == "service") r.node = service(m);
    else if (kind == "accounts") r.node = accounts(m);
    else if (kind == "doc") r.node = doc(m);
    else if (kind == "efivar") r.node = efivar(m);
    else if (kind == "fleet") r.node = fleet(m);
    else {
      std::string msg = "unknown rule kind '" + kind + "'";
      if (auto s = suggest(kind, kRuleKinds)) msg += " (did you mean '" + *s + "'?)";
      ctx_.error(kv.first, msg);
      return std::nullopt;
    }
    m.finish();
    if (!built || ctx_.error_count() != errors_before) return std::nullopt;
    return r;
  }

 private:
  std::string req_string(MapReader& m, std::string_view key) {
    yaml::Node n = m.require(key);
    if (!n.IsDefined()) return {};
    return ctx_.string(n, key).value_or("");
  }
  std::optional<std::string> opt_string(MapReader& m, std::string_view key) {
    yaml::Node n = m.get(key);
    if (!n.IsDefined()) return std::nullopt;
    return ctx_.string(n, key);
  }
  std::vector<std::string> opt_list(MapReader& m, std::string_view key) {
    yaml::Node n = m.get(key);
    if (!n.IsDefined()) return {};
    return ctx_.string_list(n, key).value_or(std::vector<std::string>{});
  }
  bool opt_bool(MapReader& m, std::string_view key, bool def) {
    yaml::Node n = m.get(key);
    if (!n.IsDefined()) return def;
    return ctx_.boolean(n, key).value_or(def);
  }
  void absolute_path(const yaml::Node& at, const std::string& raw) {
    // A path variable ("${docker.data-root}/x") stands for an absolute path.
    if (std::string why = variable_problem(raw); !why.empty()) ctx_.error(at, why);
    const std::string p = with_fallbacks(raw);
    if (p.empty() || p.front() != '/') ctx_.error(at, "path '" + raw + "' must be absolute");
    if (p.find("/../") != std::string::npos || p.ends_with("/..")) ctx_.error(at, "path '" + p + "' must not contain '..'");
  }
  std::vector<std::string> paths(MapReader& m) {
    std::vector<std::string> out;
    yaml::Node one = m.get("path");
    yaml::Node many = m.get("paths");
    if (one.IsDefined() && many.IsDefined()) ctx_.error(many, "give either 'path' or 'paths', not both");
    if (one.IsDefined()) {
      if (auto s = ctx_.string(one, "path")) out.push_back(*s);
      absolute_path(one, out.empty() ? std::string() : out.back());
    } else if (many.IsDefined()) {
      if (auto l = ctx_.string_list(many, "paths")) out = *l;
      for (auto& p : out) absolute_path(many, p);
      if (out.empty()) ctx_.error(many, "'paths' must not be empty");
    } else {
      ctx_.error(m.node(), "rule lacks required key 'path'");
    }
    return out;
  }
  Missing missing(MapReader& m, Missing def) {
    auto s = opt_string(m, "missing");
    if (!s) return def;
    if (*s == "pass") return Missing::pass;
    if (*s == "fail") return Missing::fail;
    if (*s == "error") return Missing::error;
    if (*s == "not-applicable") return Missing::not_applicable;
    ctx_.error(m.get("missing"), "'missing' must be pass, fail, error or not-applicable");
    return def;
  }
  util::Regex regex(const yaml::Node& n, std::string_view what, bool icase = false) {
    auto s = ctx_.string(n, what);
    if (!s) return {};
    auto re = util::Regex::compile(*s, icase);
    if (!re) {
      ctx_.error(n, re.error().message);
      return {};
    }
    return *re;
  }

  ValueTest value_test(MapReader& m, bool required) {
    ValueTest t;
    t.case_sensitive = opt_bool(m, "case_sensitive", false);
    auto add_values = [&](std::string_view key, ValueTest::Op op) {
      yaml::Node n = m.get(key);
      if (!n.IsDefined()) return;
      ValueTest::Constraint c;
      c.op = op;
      if (op == ValueTest::Op::equals || op == ValueTest::Op::not_equals) {
        if (auto s = ctx_.string(n, key)) c.values.push_back(*s);
      } else if (auto l = ctx_.string_list(n, key)) {
        c.values = *l;
      }
      t.constraints.push_back(std::move(c));
    };
    add_values("equals", ValueTest::Op::equals);
    add_values("not_equals", ValueTest::Op::not_equals);
    add_values("in", ValueTest::Op::in);
    add_values("not_in", ValueTest::Op::not_in);
    add_values("list_excludes", ValueTest::Op::list_excludes);
    add_values("list_includes", ValueTest::Op::list_includes);
    for (auto [key, op] : {std::pair{"matches", ValueTest::Op::matches}, std::pair{"not_matches", ValueTest::Op::not_matches}}) {
      yaml::Node n = m.get(key);
      if (!n.IsDefined()) continue;
      ValueTest::Constraint c;
      c.op = op;
      c.regex = regex(n, key, !t.case_sensitive);
      t.constraints.push_back(std::move(c));
    }
    for (auto [key, op] : {std::pair{"at_most", ValueTest::Op::at_most}, std::pair{"at_least", ValueTest::Op::at_least}}) {
      yaml::Node n = m.get(key);
      if (!n.IsDefined()) continue;
      if (auto v = ctx_.integer(n, key)) t.constraints.push_back({op, {}, {*v}, {}});
    }
    if (yaml::Node n = m.get("fields_at_most"); n.IsDefined()) {
      ValueTest::Constraint c;
      c.op = ValueTest::Op::fields_at_most;
      if (!n.IsSequence() || n.size() == 0) {
        ctx_.error(n, "'fields_at_most' must be a list of integers");
      } else {
        for (const auto& item : n.items()) {
          if (auto v = ctx_.integer(item, "fields_at_most item")) c.numbers.push_back(*v);
        }
      }
      t.constraints.push_back(std::move(c));
    }
    if (yaml::Node n = m.get("set"); n.IsDefined()) {
      auto b = ctx_.boolean(n, "set");
      if (b && !*b) ctx_.error(n, "'set: false' is not a test; use 'missing: pass' with an absence rule instead");
      if (b && *b) t.constraints.push_back({ValueTest::Op::is_set, {}, {}, {}});
    }
    const bool any_test_key = std::any_of(kValueOps.begin(), kValueOps.end(), [&](const std::string& k) { return m.has(k); });
    if (required && t.empty() && !any_test_key) {
      ctx_.error(m.node(), "rule has no value test (one of: " + util::join(kValueOps, ", ") + ")");
    }
    return t;
  }

  FileRule file(MapReader& m) {
    FileRule r;
    yaml::Node p = m.require("path");
    if (p.IsDefined()) {
      r.path = ctx_.string(p, "path").value_or("");
      absolute_path(p, r.path);
    }
    r.exists = opt_bool(m, "exists", true);
    if (auto t = opt_string(m, "type")) {
      if (std::find(kFileTypes.begin(), kFileTypes.end(), *t) == kFileTypes.end())
        ctx_.error(m.get("type"), "'type' must be one of: " + util::join(kFileTypes, ", "));
      r.type = *t;
    }
    r.owners = opt_list(m, "owner");
    r.groups = opt_list(m, "group");
    for (auto [key, dst] : {std::pair{"mode_max", &r.mode_max}, std::pair{"mode", &r.mode_exact}}) {
      yaml::Node n = m.get(key);
      if (!n.IsDefined()) continue;
      auto s = ctx_.string(n, key);
      auto v = s ? util::parse_octal_mode(*s) : std::nullopt;
      if (!v) ctx_.error(n, std::string("'") + key + "' must be an octal mode such as 0640");
      *dst = v;
    }
    r.missing = missing(m, Missing::fail);
    if (!r.exists && (r.type || !r.owners.empty() || !r.groups.empty() || r.mode_max || r.mode_exact))
      ctx_.error(m.node(), "'exists: false' cannot be combined with type, owner, group or mode tests");
    return r;
  }

  ContentRule content(MapReader& m) {
    ContentRule r;
    r.paths = paths(m);
    int ops = 0;
    bool icase = opt_bool(m, "case_insensitive", false);
    for (auto [key, op] : {std::pair{"present", ContentRule::Op::present}, std::pair{"absent", ContentRule::Op::absent},
                           std::pair{"every_line", ContentRule::Op::every_line}}) {
      yaml::Node n = m.get(key);
      if (!n.IsDefined()) continue;
      ++ops;
      r.op = op;
      r.regex = regex(n, key, icase);
      const std::string& pat = r.regex.pattern();
      bool anchors_subject = pat.find("\\A") != std::string::npos || pat.find("\\z") != std::string::npos ||
                             pat.find("\\Z") != std::string::npos || pat.find("\\G") != std::string::npos;
      if (r.regex.valid() && !anchors_subject) r.whole_file = util::Regex::deferred(pat, icase, true);
    }
    if (ops != 1) ctx_.error(m.node(), "file_content needs exactly one of: present, absent, every_line");
    if (yaml::Node n = m.get("comment"); n.IsDefined()) r.comment = ctx_.string(n, "comment").value_or("#");
    r.missing = missing(m, r.op == ContentRule::Op::absent ? Missing::pass : Missing::fail);
    return r;
  }

  SshdRule sshd(MapReader& m) {
    SshdRule r;
    r.key = req_string(m, "key");
    r.key_lower = util::to_lower(r.key);
    r.test = value_test(m, true);
    return r;
  }

  LoginDefsRule login_defs(MapReader& m) {
    LoginDefsRule r;
    r.key = req_string(m, "key");
    r.test = value_test(m, true);
    r.default_value = opt_string(m, "default");
    return r;
  }

  ConfigValueRule config_value(MapReader& m) {
    ConfigValueRule r;
    r.paths = paths(m);
    r.key = req_string(m, "key");
    r.section = opt_string(m, "section");
    if (auto s = opt_string(m, "separator")) {
      if (*s == "=") r.separator = parse::KvSeparator::equals;
      else if (*s == "whitespace") r.separator = parse::KvSeparator::whitespace;
      else ctx_.error(m.get("separator"), "'separator' must be '=' or whitespace");
    }
    r.first_wins = opt_bool(m, "first_wins", false);
    r.test = value_test(m, true);
    r.default_value = opt_string(m, "default");
    return r;
  }

  SysctlRule sysctl(MapReader& m) {
    SysctlRule r;
    r.key = req_string(m, "key");
    if (r.key.find_first_of("/ ") != std::string::npos) ctx_.error(m.get("key"), "sysctl key must be dotted (net.ipv4.ip_forward)");
    r.test = value_test(m, true);
    r.proc_path = parse::sysctl_proc_path(r.key);
    if (auto s = opt_string(m, "scope")) {
      if (*s == "both") r.scope = SysctlRule::Scope::both;
      else if (*s == "runtime") r.scope = SysctlRule::Scope::runtime;
      else if (*s == "persistent") r.scope = SysctlRule::Scope::persistent;
      else ctx_.error(m.get("scope"), "'scope' must be both, runtime or persistent");
    }
    return r;
  }

  ModprobeRule modprobe(MapReader& m) {
    ModprobeRule r;
    r.module = parse::normalize_module(req_string(m, "module"));
    if (yaml::Node n = m.get("require"); n.IsDefined()) {
      r.not_loadable = r.blacklisted = r.not_loaded = false;
      for (const auto& s : ctx_.string_list(n, "require").value_or(std::vector<std::string>{})) {
        if (s == "not_loadable") r.not_loadable = true;
        else if (s == "blacklisted") r.blacklisted = true;
        else if (s == "not_loaded") r.not_loaded = true;
        else ctx_.error(n, "'require' items must be not_loadable, blacklisted or not_loaded, not '" + s + "'");
      }
    }
    return r;
  }

  MountRule mount(MapReader& m) {
    MountRule r;
    yaml::Node p = m.require("path");
    if (p.IsDefined()) {
      r.path = ctx_.string(p, "path").value_or("");
      absolute_path(p, r.path);
    }
    r.separate = opt_bool(m, "separate", false);
    r.options = opt_list(m, "options");
    r.options_absent = opt_list(m, "options_absent");
    if (!r.separate && r.options.empty() && r.options_absent.empty())
      ctx_.error(m.node(), "mount rule needs 'separate: true' or options to test");
    return r;
  }

  PamRule pam(MapReader& m) {
    PamRule r;
    yaml::Node p = m.require("path");
    if (p.IsDefined()) {
      r.path = ctx_.string(p, "path").value_or("");
      if (!r.path.starts_with("/etc/pam.d/")) ctx_.error(p, "pam path must be under /etc/pam.d/");
    }
    r.type = opt_string(m, "type").value_or("");
    if (!r.type.empty() && r.type != "auth" && r.type != "account" && r.type != "password" && r.type != "session")
      ctx_.error(m.get("type"), "'type' must be auth, account, password or session");
    r.module = req_string(m, "module");
    r.present = opt_bool(m, "present", true);
    r.args_include = opt_list(m, "args_include");
    r.args_exclude = opt_list(m, "args_exclude");
    r.arg = opt_string(m, "arg").value_or("");
    r.arg_test = value_test(m, !r.arg.empty());
    if (r.arg.empty() && !r.arg_test.empty()) ctx_.error(m.node(), "value tests on a pam rule need 'arg'");
    if (!r.present && (!r.args_include.empty() || !r.args_exclude.empty() || !r.arg.empty()))
      ctx_.error(m.node(), "'present: false' cannot be combined with argument tests");
    return r;
  }

  OsReleaseRule os_release(MapReader& m) {
    OsReleaseRule r;
    r.key = req_string(m, "key");
    r.test = value_test(m, true);
    return r;
  }

  PackageRule package(MapReader& m) {
    PackageRule r;
    yaml::Node one = m.get("name");
    yaml::Node many = m.get("names");
    if (one.IsDefined() == many.IsDefined()) ctx_.error(m.node(), "package rule needs exactly one of 'name', 'names'");
    if (one.IsDefined()) {
      if (auto s = ctx_.string(one, "name")) r.names.push_back(*s);
    } else if (many.IsDefined()) {
      r.names = ctx_.string_list(many, "names").value_or(std::vector<std::string>{});
    }
    r.installed = opt_bool(m, "installed", true);
    if (auto v = opt_string(m, "version")) {
      std::string_view s = util::trim(*v);
      for (std::string_view op : {"<=", ">=", "!=", "<", ">", "="}) {
        if (s.starts_with(op)) {
          r.version_op = std::string(op);
          r.version = std::string(util::trim(s.substr(op.size())));
          break;
        }
      }
      if (r.version_op.empty() || r.version.empty())
        ctx_.error(m.get("version"), "'version' must be an operator and a version, such as '>= 1:9.2p1-2'");
      else if (!is_valid_debian_version(r.version) && !is_valid_rpm_version(r.version))
        ctx_.error(m.get("version"), "'" + r.version + "' is not a valid Debian or rpm package version");
      if (!r.installed) ctx_.error(m.get("version"), "'version' cannot be combined with 'installed: false'");
    }
    return r;
  }

  ServiceRule service(MapReader& m) {
    ServiceRule r;
    yaml::Node one = m.get("unit");
    yaml::Node many = m.get("units");
    if (one.IsDefined() == many.IsDefined()) ctx_.error(m.node(), "service rule needs exactly one of 'unit', 'units'");
    if (one.IsDefined()) {
      if (auto s = ctx_.string(one, "unit")) r.units.push_back(*s);
    } else if (many.IsDefined()) {
      r.units = ctx_.string_list(many, "units").value_or(std::vector<std::string>{});
    }
    for (auto& u : r.units) {
      if (u.find('.') == std::string::npos) u += ".service";
      if (u.find('/') != std::string::npos) ctx_.error(m.node(), "unit name '" + u + "' must not contain '/'");
    }
    yaml::Node st = m.require("state");
    if (st.IsDefined()) {
      r.allowed = ctx_.string_list(st, "state").value_or(std::vector<std::string>{});
      for (const auto& s : r.allowed) {
        if (std::find(kServiceStates.begin(), kServiceStates.end(), s) == kServiceStates.end())
          ctx_.error(st, "unknown service state '" + s + "' (one of: " + util::join(kServiceStates, ", ") + ")");
      }
    }
    return r;
  }

  AccountsRule accounts(MapReader& m) {
    AccountsRule r;
    yaml::Node p = m.require("property");
    if (p.IsDefined()) {
      r.property = ctx_.string(p, "property").value_or("");
      if (std::find(kAccountProperties.begin(), kAccountProperties.end(), r.property) == kAccountProperties.end()) {
        std::string msg = "unknown accounts property '" + r.property + "'";
        if (auto s = suggest(r.property, kAccountProperties)) msg += " (did you mean '" + *s + "'?)";
        ctx_.error(p, msg);
      }
    }
    r.exempt = opt_list(m, "exempt");
    r.names = opt_list(m, "names");
    if (r.property == "named_accounts_locked" && r.names.empty())
      ctx_.error(m.node(), "'named_accounts_locked' needs 'names': the accounts that must not have a usable password");
    if (r.property != "named_accounts_locked" && !r.names.empty())
      ctx_.error(m.get("names"), "'names' only goes with property named_accounts_locked");
    if (r.property == "shadow_field") {
      r.field = req_string(m, "field");
      if (!r.field.empty() && std::find(kShadowFields.begin(), kShadowFields.end(), r.field) == kShadowFields.end())
        ctx_.error(m.get("field"), "'field' must be one of: " + util::join(kShadowFields, ", "));
      r.test = value_test(m, true);
    }
    if (r.property == "group_members") {
      r.group = req_string(m, "group");
      r.allowed = req_string(m, "allowed");
      if (!r.allowed.empty() && !valid_list_name(r.allowed))
        ctx_.error(m.get("allowed"), "'allowed' names a policy list: lower-case letters, digits and '_'");
    } else {
      for (const char* key : {"group", "allowed"})
        if (m.has(key)) ctx_.error(m.get(key), std::string("'") + key + "' belongs to property group_members");
    }
    return r;
  }

  FleetRule fleet(MapReader& m) {
    static const std::vector<std::string> kComponents{"os", "kernel", "qemu", "libvirt", "xen", "docker", "containerd",
                                                      "runc", "crun", "kata", "glibc", "openssl", "openssh",
                                                      "image", "image-os"};
    FleetRule r;
    r.component = req_string(m, "component");
    if (!r.component.empty() && std::find(kComponents.begin(), kComponents.end(), r.component) == kComponents.end())
      ctx_.error(m.get("component"), "'component' must be one of: " + util::join(kComponents, ", "));
    if (yaml::Node n = m.require("max_distinct"); n.IsDefined()) {
      auto v = ctx_.integer(n, "max_distinct");
      if (v && *v < 1) ctx_.error(n, "'max_distinct' must be at least 1");
      if (v) r.max_distinct = static_cast<int>(*v);
    }
    if (auto per = opt_string(m, "per")) {
      if (*per != "role" && *per != "fleet") ctx_.error(m.get("per"), "'per' must be role or fleet");
      r.per_role = *per == "role";
    }
    r.roles = opt_list(m, "roles");
    return r;
  }

  EfiVarRule efivar(MapReader& m) {
    EfiVarRule r;
    r.name = req_string(m, "name");
    bool name_ok = !r.name.empty() && std::all_of(r.name.begin(), r.name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
    if (!r.name.empty() && !name_ok) ctx_.error(m.get("name"), "'name' must be a UEFI variable name such as SecureBoot");
    if (auto g = opt_string(m, "guid")) {
      bool ok = g->size() == 36 && std::all_of(g->begin(), g->end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == '-'; });
      if (!ok) ctx_.error(m.get("guid"), "'guid' must look like 8be4df61-93ca-11d2-aa0d-00e098032b8c");
      r.guid = *g;
    }
    r.test = value_test(m, true);
    return r;
  }

  static bool valid_list_name(const std::string& v) {
    return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
  }

  DocRule doc(MapReader& m) {
    DocRule r;
    if (auto f = opt_string(m, "file")) {
      r.file = *f;
      absolute_path(m.get("file"), r.file);
      if (is_glob(r.file)) ctx_.error(m.get("file"), "'file' must be one file, not a pattern");
      auto fmt = parse::doc_format_for(r.file);
      if (auto given = opt_string(m, "format")) {
        fmt = parse::parse_doc_format(*given);
        if (!fmt) ctx_.error(m.get("format"), "'format' must be json, yaml or toml");
      } else if (!fmt) {
        ctx_.error(m.get("file"), "cannot tell the format of '" + r.file + "' from its name: add 'format: json|yaml|toml'");
      }
      if (fmt) r.format = *fmt;
    } else if (m.has("format")) {
      ctx_.error(m.get("format"), "'format' needs 'file' (a subject's document is already parsed)");
    }
    yaml::Node pn = m.require("path");
    if (pn.IsDefined()) {
      std::vector<std::string> texts;
      if (pn.IsSequence()) texts = ctx_.string_list(pn, "path").value_or(std::vector<std::string>{});
      else if (auto s1 = ctx_.string(pn, "path")) texts.push_back(*s1);
      if (pn.IsSequence() && texts.empty()) ctx_.error(pn, "'path' must not be an empty list");
      for (const auto& t : texts) {
        auto dp = parse::parse_doc_path(t);
        if (!dp) ctx_.error(pn, dp.error().message);
        else r.paths.push_back(std::move(*dp));
      }
    }
    if (auto e = opt_string(m, "each")) {
      if (*e == "all") r.each = DocRule::Each::all;
      else if (*e == "any") r.each = DocRule::Each::any;
      else if (*e == "none") r.each = DocRule::Each::none;
      else ctx_.error(m.get("each"), "'each' must be all, any or none");
    }
    r.absent = opt_bool(m, "absent", false);
    r.default_value = opt_string(m, "default");
    for (auto [key, dst] : {std::pair{"allowed", &r.allowed}, std::pair{"denied", &r.denied}}) {
      if (auto v = opt_string(m, key)) {
        *dst = *v;
        bool ident = !v->empty() && std::all_of(v->begin(), v->end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        });
        if (!ident) ctx_.error(m.get(key), std::string("'") + key + "' names a policy list: lower-case letters, digits and '_'");
      }
    }
    r.test = value_test(m, !r.absent && r.allowed.empty() && r.denied.empty());
    r.missing = missing(m, r.absent ? Missing::pass : Missing::fail);
    if (r.absent && !r.test.empty()) ctx_.error(m.node(), "'absent: true' cannot be combined with a value test");
    if (r.absent && r.default_value) ctx_.error(m.get("default"), "'absent: true' cannot be combined with 'default'");
    return r;
  }

  YamlContext& ctx_;
};

std::optional<std::shared_ptr<const Applicability>> parse_applies(YamlContext& ctx, const yaml::Node& node) {
  MapReader m(ctx, node, "'applies'");
  if (!m.ok()) return std::nullopt;
  auto a = std::make_shared<Applicability>();
  auto list = [&](std::string_view key) {
    yaml::Node n = m.get(key);
    if (!n.IsDefined()) return std::vector<std::string>{};
    return ctx.string_list(n, key).value_or(std::vector<std::string>{});
  };
  a->roles = list("role");
  a->os = list("os");
  a->os_versions = list("os_version");
  a->packages = list("package");
  a->files = list("file");
  for (const auto& f : a->files) {
    if (std::string why = variable_problem(f); !why.empty()) ctx.error(m.get("file"), why);
    std::string p = with_fallbacks(f);
    if (p.empty() || p.front() != '/') ctx.error(m.get("file"), "path '" + f + "' must be absolute");
  }
  a->any_files = list("any_file");
  for (const auto& f : a->any_files) {
    if (f.empty() || f.front() != '/') ctx.error(m.get("any_file"), "path '" + f + "' must be absolute");
    if (is_glob(f)) ctx.error(m.get("any_file"), "'any_file' takes paths, not patterns");
  }
  m.finish();
  return a;
}

std::string read_file(const std::filesystem::path& p, std::string& error) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    error = "cannot open: " + std::string(std::strerror(errno));
    return {};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

struct FileJob {
  std::filesystem::path path;
  std::string display;
  bool profile_hint = false;
  bool hint_known = false;
};

struct ContentLoader {
  static ContentSet::LoadResult load_all(const std::vector<FileJob>& jobs, std::filesystem::path dir,
                                         std::vector<Diagnostic> early);
  ContentSet content;
  std::vector<Diagnostic> diagnostics;
  std::map<std::string, SourceLocation, std::less<>> check_ids;
  std::map<std::string, SourceLocation, std::less<>> profile_ids;

  void load_file(const std::filesystem::path& path, std::string display, bool profile_hint, bool hint_known) {
    std::string err;
    std::string text = read_file(path, err);
    if (!err.empty()) {
      diagnostics.push_back({{display, 0, 0}, err});
      return;
    }
    auto parsed = yaml::parse(text);
    if (!parsed) {
      diagnostics.push_back({{display, parsed.error().mark.line + 1, parsed.error().mark.column + 1},
                             "invalid YAML: " + parsed.error().message});
      return;
    }
    yaml::Node root = std::move(*parsed);
    YamlContext ctx(display, diagnostics);
    if (!root.IsMap()) {
      ctx.error_at(1, 1, "expected a mapping with 'checks' (check file) or 'entries' (profile)");
      return;
    }
    bool is_profile = hint_known ? profile_hint : root["entries"].IsDefined();
    if (is_profile) load_profile(ctx, root);
    else load_checks(ctx, root, path.stem().string());
  }

  static bool uses_subject_document(const Rule& r) {
    if (const auto* d = std::get_if<DocRule>(&r.node)) return d->file.empty();
    if (const auto* c = std::get_if<Combinator>(&r.node))
      return std::any_of(c->children.begin(), c->children.end(), [](const Rule& k) { return uses_subject_document(k); });
    return false;
  }

  std::string subject_kind(YamlContext& ctx, const yaml::Node& n) {
    auto s = ctx.string(n, "subject");
    if (!s) return {};
    if (!find_subject_kind(*s)) {
      std::string msg = "unknown subject kind '" + *s + "' (one of: " + util::join(subject_kind_names(), ", ") + ")";
      ctx.error(n, msg);
      return {};
    }
    return *s;
  }

  void load_checks(YamlContext& ctx, const yaml::Node& root, const std::string& area) {
    MapReader top(ctx, root, "check file");
    std::shared_ptr<const Applicability> file_applies;
    if (yaml::Node a = top.get("applies"); a.IsDefined()) {
      if (auto p = parse_applies(ctx, a)) file_applies = *p;
    }
    std::string file_subject;
    if (yaml::Node n = top.get("subject"); n.IsDefined()) file_subject = subject_kind(ctx, n);
    yaml::Node list = top.require("checks");
    top.finish();
    if (!list.IsDefined()) return;
    if (!list.IsSequence()) {
      ctx.error(list, "'checks' must be a list");
      return;
    }
    for (const auto& node : list.items()) {
      auto c = load_check(ctx, node, area, file_applies, file_subject);
      if (c) content.checks_.push_back(std::move(*c));
    }
  }

  std::optional<Check> load_check(YamlContext& ctx, const yaml::Node& node, const std::string& area,
                                  const std::shared_ptr<const Applicability>& file_applies, const std::string& file_subject) {
    std::size_t before = ctx.error_count();
    MapReader m(ctx, node, "check");
    if (!m.ok()) return std::nullopt;
    Check c;
    c.area = area;
    c.defined_at = ctx.where(node);
    auto str = [&](std::string_view key, std::string& dst) {
      yaml::Node n = m.require(key);
      if (!n.IsDefined()) return;
      if (auto s = ctx.string(n, key)) {
        dst = std::string(util::trim(*s));
        if (dst.empty()) ctx.error(n, "'" + std::string(key) + "' must not be empty");
      }
    };
    str("id", c.id);
    if (!c.id.empty() && !valid_check_id(c.id))
      ctx.error(m.get("id"), "check id '" + c.id + "' must be lower-case dotted words (area.topic.name)");
    str("title", c.title);
    str("rationale", c.rationale);
    str("remediation", c.remediation);
    if (yaml::Node n = m.require("severity"); n.IsDefined()) {
      auto s = ctx.string(n, "severity");
      auto sev = s ? parse_severity(*s) : std::nullopt;
      if (!sev) ctx.error(n, "'severity' must be info, low, medium, high or critical");
      else c.severity = *sev;
    }
    c.subject = file_subject;
    if (yaml::Node n = m.get("subject"); n.IsDefined()) c.subject = subject_kind(ctx, n);
    c.applies = file_applies;
    if (yaml::Node n = m.get("applies"); n.IsDefined()) {
      if (auto a = parse_applies(ctx, n)) {
        // A check's own applicability adds to its file's.
        if (file_applies) {
          auto merged = std::make_shared<Applicability>(**a);
          auto add = [](std::vector<std::string>& dst, const std::vector<std::string>& src) {
            if (dst.empty()) dst = src;
          };
          add(merged->roles, file_applies->roles);
          add(merged->os, file_applies->os);
          add(merged->os_versions, file_applies->os_versions);
          add(merged->packages, file_applies->packages);
          for (const auto& f : file_applies->files) merged->files.push_back(f);
          add(merged->any_files, file_applies->any_files);
          c.applies = merged;
        } else {
          c.applies = *a;
        }
      }
    }
    if (yaml::Node n = m.require("rule"); n.IsDefined()) {
      RuleParser rp(ctx);
      if (auto r = rp.rule(n)) c.rule = std::make_shared<const Rule>(std::move(*r));
    }
    if (yaml::Node n = m.get("refs"); n.IsDefined()) load_refs(ctx, n, c.refs);
    if (c.rule && c.subject.empty() && uses_subject_document(*c.rule))
      ctx.error(m.get("rule"), "a 'doc' rule without 'file' reads a subject's document: give the check a 'subject'");
    m.finish();
    if (!c.id.empty()) {
      auto [it, inserted] = check_ids.emplace(c.id, c.defined_at);
      if (!inserted) {
        ctx.error(m.get("id"), "duplicate check id '" + c.id + "' (first defined at " + it->second.file + ":" +
                                   std::to_string(it->second.line) + ")");
      }
    }
    if (ctx.error_count() != before) return std::nullopt;
    return c;
  }

  void load_refs(YamlContext& ctx, const yaml::Node& node, References& refs) {
    MapReader m(ctx, node, "'refs'");
    if (!m.ok()) return;
    if (yaml::Node cis = m.get("cis"); cis.IsDefined()) {
      MapReader cm(ctx, cis, "'refs.cis'");
      if (cm.ok()) {
        for (const auto& key : cm.keys()) {
          yaml::Node v = cm.get(key);
          auto list = ctx.string_list(v, "cis section");
          if (!list) continue;
          for (const auto& s : *list) {
            if (!valid_section(s)) ctx.error(v, "'" + s + "' is not a section number such as 5.1.20");
          }
          refs.cis[key] = *list;
        }
      }
    }
    if (yaml::Node n = m.get("nist-800-190"); n.IsDefined()) {
      refs.nist_800_190 = ctx.string_list(n, "nist-800-190").value_or(std::vector<std::string>{});
      for (const auto& s : refs.nist_800_190) {
        if (!valid_section(s)) ctx.error(n, "'" + s + "' is not a NIST SP 800-190 section such as 4.4.1");
      }
    }
    m.finish();
  }

  void load_profile(YamlContext& ctx, const yaml::Node& root) {
    MapReader m(ctx, root, "profile");
    Profile p;
    p.defined_at = {ctx.file(), 1, 1};
    auto str = [&](std::string_view key, std::string& dst, bool required) {
      yaml::Node n = required ? m.require(key) : m.get(key);
      if (!n.IsDefined()) return;
      if (auto s = ctx.string(n, key)) dst = *s;
    };
    str("id", p.id, true);
    str("title", p.title, true);
    str("version", p.version, true);
    str("benchmark", p.benchmark, false);
    str("reference", p.reference, false);
    if (!p.reference.empty() && (p.reference.find('/') != std::string::npos || !p.reference.ends_with(".tsv")))
      ctx.error(m.get("reference"), "'reference' must name a .tsv file under benchmarks-cis/reference/");
    if (yaml::Node n = m.get("cites"); n.IsDefined()) {
      p.cites = ctx.string(n, "cites").value_or("cis");
      if (p.cites != "cis" && p.cites != "nist-800-190" && p.cites != "none")
        ctx.error(n, "'cites' must be cis, nist-800-190 or none");
    }
    std::string description;
    str("description", description, false);
    if (p.benchmark.empty()) p.benchmark = p.id;
    if (p.reference.empty()) p.reference = p.id + ".tsv";
    if (yaml::Node lv = m.require("levels"); lv.IsDefined()) {
      if (!lv.IsSequence() || lv.size() == 0) {
        ctx.error(lv, "'levels' must be a non-empty list");
      } else {
        for (const auto& item : lv.items()) {
          MapReader lm(ctx, item, "level");
          if (!lm.ok()) continue;
          ProfileLevel l;
          if (yaml::Node n = lm.require("level"); n.IsDefined()) l.number = static_cast<int>(ctx.integer(n, "level").value_or(1));
          if (yaml::Node n = lm.require("title"); n.IsDefined()) l.title = ctx.string(n, "title").value_or("");
          lm.finish();
          p.levels.push_back(l);
        }
      }
    }
    std::set<std::string> sections;
    if (yaml::Node en = m.require("entries"); en.IsDefined()) {
      if (!en.IsSequence()) {
        ctx.error(en, "'entries' must be a list");
      } else {
        for (const auto& item : en.items()) {
          MapReader em(ctx, item, "profile entry");
          if (!em.ok()) continue;
          ProfileEntry e;
          e.defined_at = ctx.where(item);
          if (yaml::Node n = em.require("section"); n.IsDefined()) {
            e.section = ctx.string(n, "section").value_or("");
            if (!valid_section(e.section)) ctx.error(n, "'" + e.section + "' is not a section number such as 5.1.20");
            else if (!sections.insert(e.section).second) ctx.error(n, "duplicate section '" + e.section + "'");
          }
          yaml::Node chk = em.get("check");
          yaml::Node man = em.get("manual");
          if (chk.IsDefined() == man.IsDefined()) {
            ctx.error(item, "profile entry needs exactly one of 'check' (a check id) or 'manual' (a reason)");
          } else if (chk.IsDefined()) {
            e.check_id = ctx.string(chk, "check").value_or("");
          } else {
            e.manual = ctx.string(man, "manual").value_or("");
            if (util::trim(e.manual).empty()) ctx.error(man, "'manual' must give the reason");
          }
          if (yaml::Node n = em.get("also"); n.IsDefined()) {
            e.also = ctx.string_list(n, "also").value_or(std::vector<std::string>{});
            if (e.check_id.empty()) ctx.error(n, "'also' adds checks to an entry's 'check'; a manual entry has none");
          }
          if (yaml::Node n = em.get("title"); n.IsDefined()) e.title = ctx.string(n, "title").value_or("");
          if (!e.manual.empty() && e.title.empty()) ctx.error(item, "a manual entry needs a 'title'");
          if (yaml::Node n = em.require("level"); n.IsDefined()) {
            e.level = static_cast<int>(ctx.integer(n, "level").value_or(1));
            bool known = std::any_of(p.levels.begin(), p.levels.end(), [&](const ProfileLevel& l) { return l.number == e.level; });
            if (!known) ctx.error(n, "level " + std::to_string(e.level) + " is not one of the profile's levels");
          }
          em.finish();
          p.entries.push_back(std::move(e));
        }
      }
    }
    m.finish();
    if (!p.id.empty()) {
      auto [it, inserted] = profile_ids.emplace(p.id, p.defined_at);
      if (!inserted) ctx.error(root, "duplicate profile id '" + p.id + "' (first defined in " + it->second.file + ")");
    }
    content.profiles_.push_back(std::move(p));
  }

  // Cross-file checks: every profile entry resolves, and a check's refs agree
  // with the profiles that cite it.
  void cross_check() {
    std::sort(content.checks_.begin(), content.checks_.end(), [](const Check& a, const Check& b) { return a.id < b.id; });
    for (const auto& p : content.profiles_) {
      std::set<std::string> cited;
      for (const auto& e : p.entries) {
        if (e.check_id.empty()) continue;
        std::vector<std::string> ids{e.check_id};
        ids.insert(ids.end(), e.also.begin(), e.also.end());
        for (const auto& id : ids) {
          const Check* c = content.find_check(id);
          if (!c) {
            std::string msg = "profile entry " + e.section + " names unknown check '" + id + "'";
            std::vector<std::string> known;
            for (const auto& k : content.checks_) known.push_back(k.id);
            if (auto s = suggest(id, known)) msg += " (did you mean '" + *s + "'?)";
            diagnostics.push_back({e.defined_at, msg});
            continue;
          }
          cited.insert(c->id);
          if (p.cites == "none") continue;
          if (p.cites == "nist-800-190") {
            const auto& n = c->refs.nist_800_190;
            std::string topic = e.section.substr(0, e.section.rfind('.'));
            bool ok = std::find(n.begin(), n.end(), e.section) != n.end() || std::find(n.begin(), n.end(), topic) != n.end();
            if (!ok)
              diagnostics.push_back({e.defined_at, "check '" + c->id + "' is entry " + e.section + " of " + p.id +
                                                       " but its refs.nist-800-190 lists neither " + e.section + " nor " + topic});
            continue;
          }
          auto it = c->refs.cis.find(p.benchmark);
          if (it == c->refs.cis.end() || std::find(it->second.begin(), it->second.end(), e.section) == it->second.end()) {
            diagnostics.push_back({e.defined_at, "check '" + c->id + "' is entry " + e.section + " of " + p.id +
                                                     " but its refs.cis." + p.benchmark + " does not list " + e.section});
          }
        }
      }
      if (p.cites != "cis") continue;
      for (const auto& c : content.checks_) {
        auto it = c.refs.cis.find(p.benchmark);
        if (it == c.refs.cis.end()) continue;
        for (const auto& s : it->second) {
          bool listed = std::any_of(p.entries.begin(), p.entries.end(),
                                    [&](const ProfileEntry& e) {
                                      return e.section == s && (e.check_id == c.id ||
                                                                std::find(e.also.begin(), e.also.end(), c.id) != e.also.end());
                                    });
          if (!listed)
            diagnostics.push_back({c.defined_at, "check '" + c.id + "' cites " + p.benchmark + " " + s + " but profile " +
                                                     p.id + " does not map that section to it"});
        }
      }
    }
    std::sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return std::tie(a.where.file, a.where.line, a.where.column, a.message) <
             std::tie(b.where.file, b.where.line, b.where.column, b.message);
    });
  }
};

namespace {
std::string display_path(const std::filesystem::path& p, const std::filesystem::path& base) {
  std::error_code ec;
  auto rel = std::filesystem::relative(p, base, ec);
  if (ec || rel.empty() || rel.native().starts_with("..")) return p.string();
  return rel.string();
}

std::vector<std::filesystem::path> yaml_files(const std::filesystem::path& dir, bool recursive) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return out;
  auto add = [&](const std::filesystem::directory_entry& e) {
    if (e.is_regular_file() && (e.path().extension() == ".yaml" || e.path().extension() == ".yml")) out.push_back(e.path());
  };
  if (recursive) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) add(e);
  } else {
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) add(e);
  }
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

namespace {
// Files load independently (in parallel: YAML parsing and regex compilation
// dominate start-up), then merge in file order so ids, duplicates and
// diagnostics come out the same on every run.
}  // namespace

ContentSet::LoadResult ContentLoader::load_all(const std::vector<FileJob>& jobs, std::filesystem::path dir,
                                               std::vector<Diagnostic> early) {
  std::vector<ContentLoader> parts(jobs.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < jobs.size();)
      parts[i].load_file(jobs[i].path, jobs[i].display, jobs[i].profile_hint, jobs[i].hint_known);
  };
  unsigned threads = std::min<unsigned>(std::max(1u, std::thread::hardware_concurrency()), 4u);
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, jobs.size()));
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work);
  }
  ContentLoader merged;
  merged.content.dir_ = std::move(dir);
  merged.diagnostics = std::move(early);
  for (auto& part : parts) {
    for (auto& d : part.diagnostics) merged.diagnostics.push_back(std::move(d));
    for (auto& c : part.content.checks_) {
      auto [it, inserted] = merged.check_ids.emplace(c.id, c.defined_at);
      if (!inserted) {
        merged.diagnostics.push_back({c.defined_at, "duplicate check id '" + c.id + "' (first defined at " + it->second.file +
                                                         ":" + std::to_string(it->second.line) + ")"});
        continue;
      }
      merged.content.checks_.push_back(std::move(c));
    }
    for (auto& p : part.content.profiles_) {
      auto [it, inserted] = merged.profile_ids.emplace(p.id, p.defined_at);
      if (!inserted) {
        merged.diagnostics.push_back({p.defined_at, "duplicate profile id '" + p.id + "' (first defined in " + it->second.file + ")"});
        continue;
      }
      merged.content.profiles_.push_back(std::move(p));
    }
  }
  merged.cross_check();
  return {std::move(merged.content), std::move(merged.diagnostics)};
}

ContentSet::LoadResult ContentSet::load(const std::filesystem::path& dir) {
  std::vector<Diagnostic> early;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir / "checks", ec)) early.push_back({{dir.string(), 0, 0}, "no checks/ directory here"});
  std::vector<FileJob> jobs;
  for (const auto& f : yaml_files(dir / "checks", true)) jobs.push_back({f, display_path(f, dir), false, true});
  for (const auto& f : yaml_files(dir / "benchmarks-cis", false)) jobs.push_back({f, display_path(f, dir), true, true});
  return ContentLoader::load_all(jobs, dir, std::move(early));
}

ContentSet::LoadResult ContentSet::load_files(const std::vector<std::filesystem::path>& files) {
  std::vector<FileJob> jobs;
  for (const auto& f : files) jobs.push_back({f, f.string(), false, false});
  return ContentLoader::load_all(jobs, {}, {});
}

const Check* ContentSet::find_check(std::string_view id) const {
  auto it = std::lower_bound(checks_.begin(), checks_.end(), id, [](const Check& c, std::string_view v) { return c.id < v; });
  if (it == checks_.end() || it->id != id) return nullptr;
  return &*it;
}

const Profile* ContentSet::find_profile(std::string_view id) const {
  for (const auto& p : profiles_) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

Expected<Selection> ContentSet::select(std::string_view profile_id, int level) const {
  const Profile* p = find_profile(profile_id);
  if (!p) {
    std::vector<std::string> ids;
    for (const auto& q : profiles_) ids.push_back(q.id);
    std::string msg = "unknown profile '" + std::string(profile_id) + "' (available: " + util::join(ids, ", ") + ")";
    return fail(msg);
  }
  if (level < 0 || level > p->max_level()) {
    return fail("profile " + p->id + " has no level " + std::to_string(level) + " (levels 1-" +
                std::to_string(p->max_level()) + ")");
  }
  Selection sel;
  sel.profile = p;
  sel.level = level == 0 ? p->max_level() : level;
  for (const auto& e : p->entries) {
    if (e.level > sel.level) continue;
    sel.items.push_back({&e, e.check_id.empty() ? nullptr : find_check(e.check_id)});
    for (const auto& id : e.also) sel.items.push_back({&e, find_check(id)});
  }
  return sel;
}

Selection ContentSet::select_all() const {
  Selection sel;
  for (const auto& c : checks_) sel.items.push_back({nullptr, &c});
  return sel;
}

Plan Selection::plan() const {
  Plan p;
  for (const auto& item : items) {
    if (item.check) p.merge(item.check->plan());
  }
  return p;
}

Plan Check::plan() const {
  Plan p;
  if (rule) add_to_plan(*rule, p);
  if (applies) add_to_plan(*applies, p);
  if (!subject.empty())
    if (const SubjectKind* k = find_subject_kind(subject)) k->plan(p);
  return p;
}

std::string Check::describe_rule() const { return rule ? detail::describe(*rule) : std::string(); }

const std::vector<std::string>& detail::rule_kind_names() { return kRuleKinds; }

std::vector<std::filesystem::path> default_content_dirs() {
  std::vector<std::filesystem::path> out;
  if (const char* env = std::getenv("FLEETAUDIT_CONTENT"); env && *env) out.emplace_back(env);
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) out.push_back(exe.parent_path().parent_path() / "share" / "fleetaudit");
  out.emplace_back(FLEETAUDIT_INSTALL_CONTENT_DIR);
  out.emplace_back(FLEETAUDIT_SOURCE_CONTENT_DIR);
  return out;
}

Expected<std::filesystem::path> find_content_dir() {
  auto dirs = default_content_dirs();
  for (const auto& d : dirs) {
    std::error_code ec;
    if (std::filesystem::is_directory(d / "checks", ec)) return d;
  }
  std::vector<std::string> tried;
  for (const auto& d : dirs) tried.push_back(d.string());
  return fail("no check content found (looked in: " + util::join(tried, ", ") +
              "); pass --content DIR or set FLEETAUDIT_CONTENT");
}

Expected<ContentSet> load_content_dir(const std::filesystem::path& dir) {
  std::filesystem::path base = dir;
  if (base.empty()) {
    auto found = find_content_dir();
    if (!found) return std::unexpected(found.error());
    base = *found;
  }
  auto loaded = ContentSet::load(base);
  if (!loaded.ok()) {
    std::string msg = "check content in " + base.string() + " has " + std::to_string(loaded.diagnostics.size()) + " problem(s):";
    for (const auto& d : loaded.diagnostics) msg += "\n  " + d.str();
    return fail(msg);
  }
  return std::move(loaded.content);
}

}  // namespace fleetaudit

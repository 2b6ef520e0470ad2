// What each rule kind needs from a host, and readable rule descriptions.

#include <sstream>

#include "content/path_vars.hpp"
#include "content/rule.hpp"
#include "fleet/container_roots.hpp"
#include "fleetaudit/fleet.hpp"
#include "fleetaudit/plan.hpp"
#include "fleetaudit/snapshot.hpp"
#include "parse/modprobe.hpp"
#include "parse/sshd_config.hpp"
#include "parse/sysctl.hpp"
#include "util/strings.hpp"

namespace fleetaudit {

bool is_glob(std::string_view path) noexcept {
  // A plain loop: find_first_of with a character set costs a memchr per character.
  for (char c : path) {
    if (c == '*' || c == '?' || c == '[') return true;
  }
  return false;
}

void Plan::add(std::string_view path, std::uint8_t flags) {
  auto it = items.find(path);
  if (it == items.end()) items.emplace(std::string(path), flags);
  else it->second |= flags;
}

void Plan::merge(const Plan& other) {
  for (const auto& [path, flags] : other.items) add(path, flags);
}

Plan followup_plan(const Plan& plan, const Snapshot& snapshot) {
  Plan next;
  // sshd_config Include lines name files the first round could not know about.
  for (const auto& [path, fact] : snapshot.files) {
    if (!fact.has_content) continue;
    bool sshd = path == detail::paths::kSshdConfig ||
                util::glob_match(detail::paths::kSshdDropins, path) ||
                (path.starts_with("/etc/ssh/") && plan.items.count(path) == 0);
    if (!sshd) continue;
    for (const auto& pattern : parse::sshd_include_patterns(fact.content)) {
      bool known = is_glob(pattern) ? snapshot.glob(pattern) != nullptr : snapshot.file(pattern) != nullptr;
      if (!known) next.add(pattern, kPlanContent);
    }
  }
  // Paths under a runtime's default that the host's configuration moves
  // (Docker's data root in daemon.json, say): collect them where they are.
  detail::variable_followups(plan, snapshot, next);
  // Each container's own os-release and package database, in the layer
  // that holds the copy it sees.
  detail::container_followups(snapshot, next);
  return next;
}

namespace detail {

const std::vector<std::string>& paths::unit_dirs() {
  static const std::vector<std::string> dirs{"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system",
                                             "/usr/lib/systemd/system", "/lib/systemd/system"};
  return dirs;
}

bool paths::unit_dir_is_admin(std::string_view dir) { return dir.starts_with("/etc/") || dir.starts_with("/run/"); }

namespace {

struct Planner {
  Plan& plan;

  void operator()(const Combinator& c) const {
    for (const auto& child : c.children) add_to_plan(child, plan);
  }
  void operator()(const FileRule& r) const {
    plan_path(r.path, kPlanStat, plan);
    // Owner and group names resolve through the host's own account files.
    if (!r.owners.empty()) plan.add(paths::kPasswd, kPlanContent);
    if (!r.groups.empty()) plan.add(paths::kGroup, kPlanContent);
  }
  void operator()(const ContentRule& r) const {
    for (const auto& p : r.paths) plan_path(p, kPlanContent, plan);
  }
  void operator()(const SshdRule&) const {
    plan.add(paths::kSshdConfig, kPlanContent);
    plan.add(paths::kSshdDropins, kPlanContent);
  }
  void operator()(const LoginDefsRule&) const { plan.add(paths::kLoginDefs, kPlanContent); }
  void operator()(const ConfigValueRule& r) const {
    for (const auto& p : r.paths) plan_path(p, kPlanContent, plan);
  }
  void operator()(const SysctlRule& r) const {
    if (r.scope != SysctlRule::Scope::persistent) {
      plan.add(paths::kProcSys, kPlanStat);
      plan.add(r.proc_path, kPlanContent);
    }
    if (r.scope != SysctlRule::Scope::runtime) {
      for (const auto& d : parse::sysctl_dirs()) plan.add(d + "/*.conf", kPlanContent);
      plan.add(parse::kSysctlConf, kPlanContent);
    }
  }
  void operator()(const ModprobeRule& r) const {
    if (r.not_loadable || r.blacklisted) {
      for (const auto& d : parse::modprobe_dirs()) plan.add(d + "/*.conf", kPlanContent);
    }
    if (r.not_loaded) plan.add(paths::kProcModules, kPlanContent);
  }
  void operator()(const MountRule& r) const {
    plan.add(paths::kProcMounts, kPlanContent);
    plan.add(paths::kFstab, kPlanContent);
    if (has_variables(r.path)) plan_path(r.path, kPlanStat, plan);  // the files that place it
  }
  void operator()(const PamRule& r) const {
    plan.add(paths::kPamDir, kPlanContent);
    plan.add(r.path, kPlanContent);
  }
  void operator()(const OsReleaseRule&) const {
    plan.add(paths::kOsRelease, kPlanContent);
    plan.add(paths::kOsReleaseFallback, kPlanContent);
  }
  void operator()(const PackageRule&) const { add_package_database(plan); }
  void operator()(const ServiceRule& r) const {
    for (const auto& dir : paths::unit_dirs()) {
      if (paths::unit_dir_is_admin(dir)) {
        for (const auto& unit : r.units) plan.add(dir + "/" + unit, kPlanStat);
      } else {
        plan.add(dir, kPlanList);
      }
      plan.add(dir + "/*.wants", kPlanList);
      plan.add(dir + "/*.requires", kPlanList);
    }
  }
  void operator()(const AccountsRule& r) const {
    plan.add(paths::kPasswd, kPlanContent);
    plan.add(paths::kShadow, kPlanContent);
    plan.add(paths::kGroup, kPlanContent);
    if (r.property == "system_accounts_no_login") plan.add(paths::kLoginDefs, kPlanContent);
  }
  void operator()(const DocRule& r) const {
    if (!r.file.empty()) plan_path(r.file, kPlanContent, plan);  // a subject's document comes with its kind's plan
  }
  void operator()(const EfiVarRule& r) const {
    plan.add("/sys/firmware/efi", kPlanStat);
    plan.add(r.path(), kPlanContent);
  }
  void operator()(const FleetRule&) const { plan.merge(fleet_facts_plan()); }
};

std::string quoted_list(const std::vector<std::string>& v) { return "[" + util::join(v, ", ") + "]"; }

struct Describer {
  std::ostringstream& out;
  int indent;

  void line(const std::string& s) const { out << std::string(indent * 2, ' ') << s << '\n'; }

  void operator()(const Combinator& c) const {
    line(c.mode == Combinator::Mode::all ? "all of:" : c.mode == Combinator::Mode::any ? "any of:" : "none of:");
    for (const auto& child : c.children) out << describe(child, indent + 1);
  }
  void operator()(const FileRule& r) const {
    if (!r.exists) return line("file " + r.path + " does not exist");
    std::string s = "file " + r.path;
    if (r.type) s += " is a " + *r.type;
    if (!r.owners.empty()) s += ", owner " + quoted_list(r.owners);
    if (!r.groups.empty()) s += ", group " + quoted_list(r.groups);
    if (r.mode_max) s += ", mode at most " + util::format_mode(*r.mode_max);
    if (r.mode_exact) s += ", mode " + util::format_mode(*r.mode_exact);
    if (r.missing == Missing::pass) s += " (or absent)";
    line(s);
  }
  void operator()(const ContentRule& r) const {
    const char* op = r.op == ContentRule::Op::present ? "has a line matching" : r.op == ContentRule::Op::absent ? "has no line matching" : "has every line matching";
    line("file " + util::join(r.paths, " + ") + " " + op + " /" + r.regex.pattern() + "/");
  }
  void operator()(const SshdRule& r) const { line("sshd_config " + r.key + " " + r.test.describe()); }
  void operator()(const LoginDefsRule& r) const { line("login.defs " + r.key + " " + r.test.describe()); }
  void operator()(const ConfigValueRule& r) const {
    line("config " + util::join(r.paths, " + ") + (r.section ? " [" + *r.section + "]" : std::string()) + " " + r.key + " " + r.test.describe());
  }
  void operator()(const SysctlRule& r) const {
    const char* scope = r.scope == SysctlRule::Scope::both ? "" : r.scope == SysctlRule::Scope::runtime ? " (runtime)" : " (persistent)";
    line("sysctl " + r.key + " " + r.test.describe() + scope);
  }
  void operator()(const ModprobeRule& r) const {
    std::vector<std::string> need;
    if (r.not_loadable) need.emplace_back("not loadable");
    if (r.blacklisted) need.emplace_back("blacklisted");
    if (r.not_loaded) need.emplace_back("not loaded");
    line("kernel module " + r.module + ": " + util::join(need, ", "));
  }
  void operator()(const MountRule& r) const {
    std::string s = "mount " + r.path;
    if (r.separate) s += " is a separate file system";
    if (!r.options.empty()) s += (r.separate ? ", " : " ") + std::string("with ") + util::join(r.options, ",");
    if (!r.options_absent.empty()) s += ", without " + util::join(r.options_absent, ",");
    line(s);
  }
  void operator()(const PamRule& r) const {
    std::string s = "pam " + r.path + ": " + (r.type.empty() ? std::string() : r.type + " ") + r.module;
    if (!r.present) s += " absent";
    if (!r.args_include.empty()) s += " with " + quoted_list(r.args_include);
    if (!r.args_exclude.empty()) s += " without " + quoted_list(r.args_exclude);
    if (!r.arg.empty()) s += ", " + r.arg + " " + r.arg_test.describe();
    line(s);
  }
  void operator()(const OsReleaseRule& r) const { line("os-release " + r.key + " " + r.test.describe()); }
  void operator()(const PackageRule& r) const {
    std::string s = "package " + util::join(r.names, " or ") + (r.installed ? " installed" : " not installed");
    if (!r.version_op.empty()) s += ", version " + r.version_op + " " + r.version;
    line(s);
  }
  void operator()(const ServiceRule& r) const { line("unit " + util::join(r.units, ", ") + " is " + util::join(r.allowed, " or ")); }
  void operator()(const AccountsRule& r) const {
    std::string s = "accounts: " + r.property;
    if (!r.field.empty()) s += " " + r.field + " " + r.test.describe();
    if (!r.exempt.empty()) s += " (except " + util::join(r.exempt, ", ") + ")";
    line(s);
  }
  void operator()(const DocRule& r) const {
    std::vector<std::string> ps;
    for (const auto& p : r.paths) ps.push_back(parse::to_string(p));
    std::string s = (r.file.empty() ? std::string("subject") : r.file) + " " + util::join(ps, " | ");
    if (r.each != DocRule::Each::all) s += r.each == DocRule::Each::any ? " (any element)" : " (no element)";
    if (r.absent) s += " is absent";
    else s += " " + r.test.describe();
    if (r.default_value) s += " (default " + *r.default_value + ")";
    line(s);
  }
  void operator()(const EfiVarRule& r) const { line("UEFI variable " + r.name + " " + r.test.describe()); }
  void operator()(const FleetRule& r) const {
    line("fleet: at most " + std::to_string(r.max_distinct) + " " + r.component + " version(s) " +
         (r.per_role ? "per role group" + (r.roles.empty() ? std::string() : " (" + util::join(r.roles, ", ") + ")") : std::string("in the fleet")));
  }
};

}  // namespace

void add_to_plan(const Rule& rule, Plan& plan) { std::visit(Planner{plan}, rule.node); }

void add_package_database(Plan& plan) {
  plan.add(paths::kDpkgStatus, kPlanContent);
  plan.add(paths::kRpmDb, kPlanContent);
  plan.add(paths::kRpmBerkeleyDb, kPlanStat);
  plan.add(paths::kOsRelease, kPlanContent);
  plan.add(paths::kOsReleaseFallback, kPlanContent);
}

void add_to_plan(const Applicability& a, Plan& plan) {
  if (!a.os.empty() || !a.os_versions.empty()) {
    plan.add(paths::kOsRelease, kPlanContent);
    plan.add(paths::kOsReleaseFallback, kPlanContent);
  }
  if (!a.packages.empty()) add_package_database(plan);
  for (const auto& f : a.files) plan_path(f, kPlanStat, plan);
  for (const auto& f : a.any_files) plan_path(f, kPlanStat, plan);
}

std::string describe(const Rule& rule, int indent) {
  std::ostringstream out;
  std::visit(Describer{out, indent}, rule.node);
  return out.str();
}

}  // namespace detail
}  // namespace fleetaudit

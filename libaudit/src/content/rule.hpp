#pragma once
// The typed rule tree. A closed set of kinds: content describes what to look
// at, never how to run anything on a host.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "fleetaudit/content.hpp"
#include "parse/document.hpp"
#include "parse/keyvalue.hpp"
#include "util/regex.hpp"

namespace fleetaudit::detail {

/// Constraints on one configuration value; all must hold.
struct ValueTest {
  enum class Op {
    equals,          // one value (case-insensitive unless case_sensitive)
    not_equals,
    in,              // one of
    not_in,
    matches,         // regex search
    not_matches,
    at_most,         // numeric (integers, or OpenSSH durations "1m")
    at_least,
    list_excludes,   // comma/space separated list holds none of these (globs allowed)
    list_includes,   // ... holds all of these
    fields_at_most,  // "10:30:60": each ':'-separated field at most the given number
    is_set           // any value at all
  };
  struct Constraint {
    Op op = Op::equals;
    std::vector<std::string> values;
    std::vector<long long> numbers;
    util::Regex regex;
  };
  std::vector<Constraint> constraints;
  bool case_sensitive = false;

  bool empty() const noexcept { return constraints.empty(); }
  /// Empty when `value` satisfies every constraint, else what was expected.
  std::string check(std::string_view value) const;
  std::string describe() const;
};

enum class Missing { fail, pass, error, not_applicable };  // not_applicable: doc rules only

struct Combinator {
  enum class Mode { all, any, none };
  Mode mode = Mode::all;
  std::vector<struct Rule> children;
};

struct FileRule {
  std::string path;  // may be a glob: every match must satisfy
  bool exists = true;
  std::optional<std::string> type;  // file, directory, symlink, other
  std::vector<std::string> owners, groups;  // names or numeric ids; any of
  std::optional<std::uint32_t> mode_max, mode_exact;
  Missing missing = Missing::fail;  // a missing path / a glob with no match
};

struct ContentRule {
  enum class Op { present, absent, every_line };
  std::vector<std::string> paths;  // files or globs
  Op op = Op::present;
  util::Regex regex;
  /// The same pattern in multi-line mode, run once over a whole file: a file
  /// it does not match has no matching line, so its lines need no scan.
  /// Invalid (unused) for patterns whose meaning changes over a whole file.
  util::Regex whole_file;
  std::string comment = "#";  // lines starting with this (after spaces) are skipped; empty: none
  Missing missing = Missing::fail;
};

struct SshdRule {
  std::string key;        // as written in content (for messages)
  std::string key_lower;
  ValueTest test;
};

struct LoginDefsRule {
  std::string key;
  ValueTest test;
  std::optional<std::string> default_value;
};

struct ConfigValueRule {
  std::vector<std::string> paths;  // read in order (globs sorted); later assignments win
  std::string key;
  std::optional<std::string> section;
  parse::KvSeparator separator = parse::KvSeparator::equals;
  bool first_wins = false;
  ValueTest test;
  std::optional<std::string> default_value;
};

struct SysctlRule {
  enum class Scope { both, runtime, persistent };
  std::string key;
  std::string proc_path;  // /proc/sys/... for the key
  ValueTest test;
  Scope scope = Scope::both;
};

struct ModprobeRule {
  std::string module;  // normalized ('-' -> '_')
  bool not_loadable = true, blacklisted = true, not_loaded = true;
};

struct MountRule {
  std::string path;
  bool separate = false;
  std::vector<std::string> options;         // must all be set
  std::vector<std::string> options_absent;  // must all be unset
};

struct PamRule {
  std::string path;    // /etc/pam.d/FILE (a glob: every file)
  std::string type;    // auth/account/password/session; empty: any
  std::string module;  // pam_unix.so
  bool present = true;
  std::vector<std::string> args_include, args_exclude;
  std::string arg;     // with arg_test: "deny" + {at_most: 5}
  ValueTest arg_test;
};

struct OsReleaseRule {
  std::string key;
  ValueTest test;
};

struct PackageRule {
  std::vector<std::string> names;  // any of them
  bool installed = true;
  std::string version_op;          // "", "<", "<=", "=", "!=", ">=", ">"
  std::string version;
};

struct ServiceRule {
  std::vector<std::string> units;  // all of them
  std::vector<std::string> allowed;  // absent, masked, disabled, enabled
};

struct AccountsRule {
  std::string property;  // closed set, see content loader
  std::string field;     // for shadow_field: min_days, max_days, warn_days, inactive_days
  ValueTest test;
  std::vector<std::string> exempt;  // account names left out
  std::vector<std::string> names;   // named_accounts_locked: these, where present, have no usable password
  std::string group;                // for group_members: the group whose members are listed
  std::string allowed;              // for group_members: the policy list members must match
};

/// A value in a structured document: a host file (JSON, YAML, TOML) or, in
/// a check with a `subject`, the subject's own document (a container's
/// configuration, a workload's pod spec ...).
struct DocRule {
  enum class Each { all, any, none };
  std::string file;                          // empty: the subject's document
  parse::DocFormat format = parse::DocFormat::json;
  std::vector<parse::DocPath> paths;         // the first that leads anywhere is used
  Each each = Each::all;                     // how the matches of a [*] path must test
  ValueTest test;
  bool absent = false;                       // the path must lead nowhere
  Missing missing = Missing::fail;           // the path leads nowhere (or the file is missing)
  std::optional<std::string> default_value;  // ... then test this instead
  std::string allowed;                       // a policy list: every value must match one of its patterns
  std::string denied;                        // a policy list: no value may match any of its patterns
};

/// A UEFI variable as the kernel exposes it under /sys/firmware/efi/efivars
/// (4 bytes of attributes, then the data): its first data byte, as a number.
struct EfiVarRule {
  std::string name;  // SecureBoot, SetupMode ...
  std::string guid = "8be4df61-93ca-11d2-aa0d-00e098032b8c";  // the EFI global variable namespace
  ValueTest test;
  std::string path() const { return "/sys/firmware/efi/efivars/" + name + "-" + guid; }
};

/// Uniformity across hosts: evaluated on a fleet analysis, not on one host
/// (one result per group: the fleet, or each role group).
struct FleetRule {
  std::string component;  // os, kernel, qemu, libvirt, xen, docker, containerd, runc, crun, kata, glibc, openssl, openssh;
                          // image (each image reference: its image ids), image-os (each image repository: its containers' os releases)
  int max_distinct = 1;
  bool per_role = true;   // per role group (inventory tags); false: the whole fleet
  std::vector<std::string> roles;  // only these role groups (empty: every role group)
};

struct Rule {
  SourceLocation where;
  std::variant<Combinator, FileRule, ContentRule, SshdRule, LoginDefsRule, ConfigValueRule, SysctlRule,
               ModprobeRule, MountRule, PamRule, OsReleaseRule, PackageRule, ServiceRule, AccountsRule, DocRule,
               EfiVarRule, FleetRule>
      node;
};

struct Applicability {
  std::vector<std::string> roles;        // host role tags (inventory tags), any of
  std::vector<std::string> os;           // os-release ID or ID_LIKE, any of
  std::vector<std::string> os_versions;  // VERSION_ID, any of
  std::vector<std::string> packages;     // any installed
  std::vector<std::string> files;        // all exist
  std::vector<std::string> any_files;    // at least one exists
};

/// Names of the rule kinds, for messages and documentation.
const std::vector<std::string>& rule_kind_names();

/// The facts a rule needs.
void add_to_plan(const Rule& rule, Plan& plan);
/// The package databases, and os-release, which picks between them.
void add_package_database(Plan& plan);
void add_to_plan(const Applicability& applies, Plan& plan);
/// Human-readable rule, one leaf per line, indented by nesting.
std::string describe(const Rule& rule, int indent = 0);

/// Where the facts live: used by the planner and the evaluator alike.
namespace paths {
inline constexpr const char* kOsRelease = "/etc/os-release";
inline constexpr const char* kOsReleaseFallback = "/usr/lib/os-release";
inline constexpr const char* kDpkgStatus = "/var/lib/dpkg/status";
/// rpm's database since RHEL 9 (SQLite); kRpmBerkeleyDb is the Berkeley DB
/// file of older releases, only looked at to say why there is no answer.
inline constexpr const char* kRpmDb = "/var/lib/rpm/rpmdb.sqlite";
inline constexpr const char* kRpmBerkeleyDb = "/var/lib/rpm/Packages";
inline constexpr const char* kSshdConfig = "/etc/ssh/sshd_config";
inline constexpr const char* kSshdDropins = "/etc/ssh/sshd_config.d/*.conf";
inline constexpr const char* kLoginDefs = "/etc/login.defs";
inline constexpr const char* kProcSys = "/proc/sys";
inline constexpr const char* kProcModules = "/proc/modules";
inline constexpr const char* kProcMounts = "/proc/mounts";
inline constexpr const char* kFstab = "/etc/fstab";
inline constexpr const char* kPamDir = "/etc/pam.d/*";
inline constexpr const char* kPasswd = "/etc/passwd";
inline constexpr const char* kShadow = "/etc/shadow";
inline constexpr const char* kGroup = "/etc/group";
/// systemd unit directories, highest priority first.
const std::vector<std::string>& unit_dirs();
/// Where an administrator masks or overrides units: each unit's path there is
/// examined itself (a mask is a link to /dev/null). The other unit
/// directories are listed, and so is every .wants / .requires directory:
/// a handful of listings answer for every unit at once.
bool unit_dir_is_admin(std::string_view dir);
}  // namespace paths

}  // namespace fleetaudit::detail

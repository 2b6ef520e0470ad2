#pragma once
/// \file
/// Check content: checks (checks/*.yaml) and profiles (benchmarks-cis/*.yaml),
/// loaded and validated. Content is immutable once loaded and safe to share
/// between threads; results live elsewhere (evaluate.hpp).

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fleetaudit/expected.hpp"
#include "fleetaudit/plan.hpp"
#include "fleetaudit/types.hpp"

namespace fleetaudit {

namespace detail {
struct Rule;           // the typed rule tree: private to the library
struct Applicability;  // when a check applies: private to the library
}  // namespace detail

/// A place in a content file. Lines and columns count from 1.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

/// One problem found while loading content: `file:line:column: message`.
struct Diagnostic {
  SourceLocation where;
  std::string message;
  std::string str() const;
};

/// Cross references of a check.
struct References {
  std::map<std::string, std::vector<std::string>> cis;  ///< benchmark id -> section numbers
  std::vector<std::string> nist_800_190;                ///< NIST SP 800-190 sections
};

/// One check: what to verify, why, and how to fix it.
struct Check {
  std::string id;  ///< stable, dotted: "ssh.server.root-login-disabled"
  std::string title;
  Severity severity = Severity::medium;
  std::string area;  ///< the checks/ file it came from, without extension ("ssh")
  std::string rationale;
  std::string remediation;
  References refs;
  SourceLocation defined_at;
  std::shared_ptr<const detail::Rule> rule;
  std::shared_ptr<const detail::Applicability> applies;  ///< may be null: always applies
  /// Empty: the check examines the host. Otherwise a subject kind
  /// ("docker-container"): the check is evaluated once per subject.
  std::string subject;

  /// The facts this check needs from a host.
  Plan plan() const;
  /// The rule as readable one-per-line text ("sshd_config PermitRootLogin in [no]").
  std::string describe_rule() const;
};

/// A level of a profile ("1": Level 1 - Server). Higher levels include lower ones.
struct ProfileLevel {
  int number = 1;
  std::string title;
};

/// A profile entry: one benchmark section, answered by a check or left manual.
struct ProfileEntry {
  std::string section;      ///< "5.1.20"
  std::string check_id;     ///< empty when manual
  /// Further checks answering the same recommendation for another kind of
  /// subject (the podman reading of a Docker container recommendation).
  std::vector<std::string> also;
  std::string manual;       ///< why a person must answer it (non-empty: manual)
  std::string title;        ///< for manual entries: what a person must look at
  int level = 1;
  SourceLocation defined_at;
};

/// A benchmark profile: a list of sections pointing at checks. It never copies a check.
struct Profile {
  std::string id;         ///< "cis-debian-12"
  std::string title;
  std::string version;    ///< benchmark version ("1.1.0")
  std::string benchmark;  ///< key in a check's refs.cis (usually == id)
  /// The benchmark's section list (file name under benchmarks-cis/reference/,
  /// first column the section id); default "<id>.tsv".
  std::string reference;
  /// Which references of a check its entries must agree with: "cis" (the
  /// default: refs.cis[benchmark] lists the entry's section), "nist-800-190"
  /// (refs.nist-800-190 lists the entry's section or, for a numbered
  /// sub-entry such as 4.4.3.2, its topic 4.4.3), or "none" (our own profile:
  /// sections are its own numbering).
  std::string cites = "cis";
  std::vector<ProfileLevel> levels;
  std::vector<ProfileEntry> entries;
  SourceLocation defined_at;

  int max_level() const noexcept;
};

/// What one scan evaluates: profile entries with their checks resolved.
struct SelectedCheck {
  const ProfileEntry* entry = nullptr;  ///< null when selected without a profile
  const Check* check = nullptr;         ///< null for manual entries
};

struct Selection {
  const Profile* profile = nullptr;  ///< null: all checks, no profile
  int level = 0;
  std::vector<SelectedCheck> items;

  /// The union of every selected check's plan.
  Plan plan() const;
};

/// All loaded content. Load it once; share it freely (read-only).
class ContentSet {
 public:
  /// Loads `dir/checks/**.yaml` and `dir/benchmarks-cis/*.yaml`. Every problem
  /// found is reported in `diagnostics` (sorted by place); content with
  /// diagnostics must not be used for scanning.
  struct LoadResult;
  static LoadResult load(const std::filesystem::path& dir);
  /// Loads explicit files (checks and profiles told apart by their top-level keys).
  static LoadResult load_files(const std::vector<std::filesystem::path>& files);

  const std::vector<Check>& checks() const noexcept { return checks_; }
  const std::vector<Profile>& profiles() const noexcept { return profiles_; }
  const Check* find_check(std::string_view id) const;
  const Profile* find_profile(std::string_view id) const;

  /// Entries of `profile_id` up to `level` (0: every level). Error if unknown.
  Expected<Selection> select(std::string_view profile_id, int level = 0) const;
  /// Every check, no profile.
  Selection select_all() const;

  /// The directory this content was loaded from (empty for load_files).
  const std::filesystem::path& source_dir() const noexcept { return dir_; }

 private:
  std::vector<Check> checks_;  // sorted by id
  std::vector<Profile> profiles_;
  std::filesystem::path dir_;
  friend struct ContentLoader;
};

struct ContentSet::LoadResult {
  ContentSet content;
  std::vector<Diagnostic> diagnostics;
  bool ok() const noexcept { return diagnostics.empty(); }
};

/// Where to look for content when none is given: $FLEETAUDIT_CONTENT, the
/// install's share/fleetaudit, then the source tree this library was built from.
std::vector<std::filesystem::path> default_content_dirs();
/// The first of default_content_dirs() that holds a checks/ folder.
Expected<std::filesystem::path> find_content_dir();

/// Loads the content in `dir` (empty: find_content_dir()) for a face that
/// needs all of it sound: any problem fails, "check content in DIR has N
/// problem(s):" with one indented line per problem.
Expected<ContentSet> load_content_dir(const std::filesystem::path& dir = {});

}  // namespace fleetaudit

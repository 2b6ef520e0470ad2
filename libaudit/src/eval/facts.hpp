#pragma once
// Parsed views of a snapshot, built on first use and cached for the life of a
// HostFacts. No I/O: everything comes from the snapshot.

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <string>
#include <vector>

#include "content/rule.hpp"
#include "eval/subjects.hpp"
#include "parse/document.hpp"
#include "fleetaudit/evaluate.hpp"
#include "parse/accounts.hpp"
#include "parse/packages.hpp"
#include "parse/keyvalue.hpp"
#include "parse/modprobe.hpp"
#include "parse/mounts.hpp"
#include "parse/pam.hpp"
#include "parse/sshd_config.hpp"
#include "parse/sysctl.hpp"
#include "parse/text_source.hpp"
#include "util/strings.hpp"

namespace fleetaudit {

/// Hash lookups over a snapshot's paths: evaluation looks paths up far more
/// often than it walks them, and long shared prefixes make ordered lookups slow.
class SnapshotIndex {
 public:
  explicit SnapshotIndex(const Snapshot& s);
  const FileFact* file(std::string_view path) const;
  const std::vector<std::string>* glob(std::string_view pattern) const;

 private:
  std::unordered_map<std::string_view, const FileFact*> files_;
  std::unordered_map<std::string_view, const std::vector<std::string>*> globs_;
};

/// A TextSource over a snapshot.
class SnapshotSource final : public parse::TextSource {
 public:
  explicit SnapshotSource(const SnapshotIndex& index) : index_(index) {}
  parse::FileText text(std::string_view path) const override;
  std::vector<std::string> glob(std::string_view pattern, bool& collected) const override;

 private:
  const SnapshotIndex& index_;
};

/// A parsed fact with what went wrong getting it.
template <class T>
struct Parsed {
  T value{};
  bool available = false;  // the fact could be read
  std::string problem;     // why not, or a note ("does not exist")
  std::string file;        // where it came from
};

struct HostFacts::Cache {
  explicit Cache(const Snapshot& s, const Policy* p = nullptr) : snap(s), policy(p), index(s), source(index) {}

  const Snapshot& snap;
  const Policy* policy;
  SnapshotIndex index;
  SnapshotSource source;

  const FileFact* file(std::string_view path) const { return index.file(path); }
  const std::vector<std::string>* glob(std::string_view pattern) const { return index.glob(pattern); }

  const Parsed<std::map<std::string, std::string>>& os_release();
  /// The host's package database: dpkg's or rpm's, whichever the host has
  /// (os-release's ID and ID_LIKE decide when it has both).
  const Parsed<parse::PackageDatabase>& packages();
  const parse::SshdConfig& sshd();
  const Parsed<std::vector<parse::KeyValue>>& login_defs();
  const parse::PamStack& pam(const std::string& path);
  const Parsed<parse::PasswdFile>& passwd();
  const Parsed<parse::ShadowFile>& shadow();
  const Parsed<parse::GroupFile>& group();
  /// Non-blank lines of a file that do not start with `comment` (after blanks), trimmed.
  const std::vector<util::Line>& lines(const std::string& path, std::string_view text, std::string_view comment);
  /// Persisted sysctl settings, and the files they came from.
  const Parsed<std::map<std::string, parse::SysctlSetting, std::less<>>>& sysctl();
  const Parsed<parse::ModprobeConfig>& modprobe();
  const Parsed<std::set<std::string, std::less<>>>& loaded_modules();
  const Parsed<std::vector<parse::MountEntry>>& runtime_mounts();
  const Parsed<std::vector<parse::MountEntry>>& fstab();
  const Parsed<std::vector<parse::KeyValue>>& key_values(const std::string& path, parse::KvSeparator sep);

  /// Who the host says it is (os-release ID, ID_LIKE, VERSION_ID), worked out once.
  struct OsIdentity {
    bool available = false;
    std::string problem;
    std::string id, version;
    std::vector<std::string> ids;  // ID then every ID_LIKE word
  };
  const OsIdentity& os_identity();

  /// A systemd unit's state from its unit files and links, worked out once.
  struct UnitState {
    std::string state;  // absent, masked, enabled, disabled; empty: not collected
    std::string where;  // the file or link that decided it
  };
  const UnitState& unit_state(const std::string& unit);

  /// uid/gid -> name through the host's own files (a root directory's, not ours).
  std::string user_name(std::uint32_t uid);
  std::string group_name(std::uint32_t gid);
  std::optional<std::uint32_t> uid_of(std::string_view name);
  std::optional<std::uint32_t> gid_of(std::string_view name);

  /// Days since 1970-01-01 at collection time.
  std::optional<long long> today();

  /// A content path with its variables ("${docker.data-root}") placed where
  /// this host's configuration puts them; the path itself when it has none.
  const std::string& expand(const std::string& path);
  /// Evidence lines for the variables of `path` the host moved from their defaults.
  std::vector<std::string> moved(const std::string& path);

  /// A host file parsed as a document (JSON, YAML, TOML), once.
  const Parsed<nlohmann::json>& document(const std::string& path, parse::DocFormat format);
  /// The subjects of a kind on this host, built once.
  const SubjectSet& subjects(const SubjectKind& kind);

 private:
  template <class T, class F>
  const Parsed<T>& text_fact(std::optional<Parsed<T>>& slot, std::string_view path, F&& parse);

  std::optional<Parsed<std::map<std::string, std::string>>> os_release_;
  std::optional<Parsed<parse::PackageDatabase>> packages_;
  std::optional<parse::SshdConfig> sshd_;
  std::optional<Parsed<std::vector<parse::KeyValue>>> login_defs_;
  std::map<std::string, parse::PamStack, std::less<>> pam_;
  std::optional<Parsed<parse::PasswdFile>> passwd_;
  std::optional<Parsed<parse::ShadowFile>> shadow_;
  std::optional<Parsed<parse::GroupFile>> group_;
  // Keyed by the address of a file's content in the snapshot: stable, unique
  // per file, and free to look up.
  std::unordered_map<const char*, std::vector<std::pair<std::string, std::vector<util::Line>>>> lines_;
  std::optional<Parsed<std::map<std::string, parse::SysctlSetting, std::less<>>>> sysctl_;
  std::optional<Parsed<parse::ModprobeConfig>> modprobe_;
  std::optional<Parsed<std::set<std::string, std::less<>>>> loaded_modules_;
  std::optional<Parsed<std::vector<parse::MountEntry>>> runtime_mounts_, fstab_;
  std::unordered_map<std::string_view, Parsed<std::vector<parse::KeyValue>>> key_values_eq_, key_values_ws_;
  std::optional<std::optional<long long>> today_;
  std::deque<std::string> owned_keys_;
  std::unordered_map<std::string, UnitState> units_;
  std::optional<OsIdentity> os_identity_;  // keys for paths the snapshot does not hold
  std::map<std::string, Parsed<nlohmann::json>, std::less<>> documents_;
  std::map<std::string_view, SubjectSet> subjects_;
  std::map<std::string, std::string, std::less<>> expanded_;
};

}  // namespace fleetaudit

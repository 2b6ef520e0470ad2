#pragma once
// Variables in content paths: "${docker.data-root}/containers/*/config.v2.json".
//
// Some host paths are not fixed: an administrator may move Docker's data root
// (daemon.json "data-root", or dockerd --data-root), or point the daemon at
// its TLS files anywhere. Content names such a path by a variable; the plan
// collects it at the runtime's default and the files that could move it, the
// collector's follow-up round collects it where the host's configuration
// says, and evaluation reads it there. The set of variables is closed and
// defined here: content cannot invent one.
//
// Pure: everything is read through a TextSource (a snapshot).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fleetaudit/plan.hpp"
#include "parse/document.hpp"

namespace fleetaudit {
struct Snapshot;
namespace parse {
class TextSource;
}
}  // namespace fleetaudit

#include "parse/text_source.hpp"

namespace fleetaudit::detail {

/// A TextSource straight over a snapshot, without an index (the follow-up
/// round, fleet profiles).
class SnapshotText final : public parse::TextSource {
 public:
  explicit SnapshotText(const Snapshot& s) : s_(s) {}
  parse::FileText text(std::string_view path) const override;
  std::vector<std::string> glob(std::string_view pattern, bool& collected) const override;

 private:
  const Snapshot& s_;
};

/// Where a variable's value may be configured: a key in a structured file.
struct VariableDocSource {
  std::string_view file;
  parse::DocFormat format;
  std::string_view path;  // a document path (parse/document.hpp)
};

struct PathVariable {
  std::string_view name;      // "docker.data-root"
  std::string_view fallback;  // the runtime's own default: "/var/lib/docker"
  std::string_view description;
  std::vector<VariableDocSource> docs;        // tried in order; the first that sets it wins
  std::vector<std::string_view> dockerd_flags;  // then these dockerd options, from its unit and defaults files
};

/// Every variable content may use.
const std::vector<PathVariable>& path_variables();
const PathVariable* find_path_variable(std::string_view name);

/// The files that hold dockerd's command line: unit files, drop-ins, defaults
/// files, in the order their settings apply (a later one overrides).
const std::vector<std::string>& dockerd_argument_files();

/// True when the path holds "${".
bool has_variables(std::string_view path) noexcept;
/// What is wrong with the variables of a path (unknown name, unclosed brace),
/// or empty.
std::string variable_problem(std::string_view path);
/// The path with every variable at its default.
std::string with_fallbacks(std::string_view path);

/// Plans `path` (at its defaults) with `flags`, and every file that could
/// move one of its variables (with content).
void plan_path(std::string_view path, std::uint8_t flags, Plan& plan);

/// A variable's value on a host, and where it was found.
struct VariableValue {
  std::string value;
  std::string from;  // "/etc/docker/daemon.json: data-root", "/etc/systemd/system/docker.service.d/x.conf:3: --data-root"; empty: the default
};
VariableValue resolve_variable(const PathVariable& var, const parse::TextSource& source);

/// The path as the host's configuration places it.
std::string expand_variables(std::string_view path, const parse::TextSource& source);
/// One line per variable of the path whose host value is not its default
/// ("docker.data-root = /srv/docker (/etc/docker/daemon.json: data-root)").
std::vector<std::string> moved_variables(std::string_view path, const parse::TextSource& source);

/// For every plan item under a variable's default that the host's
/// configuration (in the snapshot) moves: the same item at its new place.
void variable_followups(const Plan& plan, const Snapshot& snapshot, Plan& next);

/// The value of a dockerd option in command-line text (ExecStart lines,
/// DOCKER_OPTS=...): "--data-root /x", "--data-root=/x", "-g /x". The last
/// occurrence wins; `line` is its 1-based line. Comment lines are skipped.
struct FlagValue {
  std::string value;
  int line = 0;
  std::string flag;
};
std::optional<FlagValue> dockerd_flag_value(std::string_view text, const std::vector<std::string_view>& flags);

}  // namespace fleetaudit::detail

// Variables in content paths. See path_vars.hpp.

#include "content/path_vars.hpp"

#include <algorithm>

#include "fleetaudit/snapshot.hpp"
#include "parse/text_source.hpp"
#include "util/strings.hpp"

namespace fleetaudit::detail {

parse::FileText SnapshotText::text(std::string_view path) const {
    parse::FileText ft;
    const FileFact* f = s_.file(path);
    if (!f) return ft;
    if (f->type == FileType::error || !f->content_error.empty()) {
      ft.status = parse::FileText::Status::unreadable;
      ft.reason = f->type == FileType::error ? f->error : f->content_error;
      return ft;
    }
    if (!f->exists()) {
      ft.status = parse::FileText::Status::missing;
      return ft;
    }
    if (!f->has_content) return ft;
    ft.status = parse::FileText::Status::ok;
    ft.text = f->content;
    return ft;
}

std::vector<std::string> SnapshotText::glob(std::string_view pattern, bool& collected) const {
    const auto* m = s_.glob(pattern);
    collected = m != nullptr;
    return m ? *m : std::vector<std::string>{};
}

namespace {

constexpr std::string_view kDaemonJson = "/etc/docker/daemon.json";

// "${name}" occurrences: [start, end) of each, with the name.
struct VarRef {
  std::size_t start, end;
  std::string_view name;
};

std::vector<VarRef> refs_of(std::string_view path, std::string* problem = nullptr) {
  std::vector<VarRef> out;
  std::size_t i = 0;
  while ((i = path.find("${", i)) != std::string_view::npos) {
    std::size_t close = path.find('}', i + 2);
    if (close == std::string_view::npos) {
      if (problem) *problem = "unclosed '${' in path '" + std::string(path) + "'";
      return out;
    }
    out.push_back({i, close + 1, path.substr(i + 2, close - i - 2)});
    i = close + 1;
  }
  return out;
}

template <class ValueOf>
std::string substitute(std::string_view path, ValueOf&& value_of) {
  std::string out;
  std::size_t at = 0;
  for (const auto& r : refs_of(path)) {
    out.append(path.substr(at, r.start - at));
    if (const PathVariable* v = find_path_variable(r.name)) out += value_of(*v);
    at = r.end;
  }
  out.append(path.substr(at));
  return out;
}

std::string strip_trailing_slashes(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// The files a variable's value may come from.
std::vector<std::string> source_patterns(const PathVariable& v) {
  std::vector<std::string> out;
  for (const auto& d : v.docs) out.emplace_back(d.file);
  if (!v.dockerd_flags.empty())
    for (const auto& f : dockerd_argument_files()) out.push_back(f);
  return out;
}

}  // namespace

const std::vector<PathVariable>& path_variables() {
  using F = parse::DocFormat;
  static const std::vector<PathVariable> vars{
      {"docker.data-root", "/var/lib/docker", "Docker's data root (containers, images, volumes, swarm state)",
       {{kDaemonJson, F::json, "data-root"}, {kDaemonJson, F::json, "graph"}},
       {"--data-root", "-g", "--graph"}},
      {"docker.tlscacert", "/root/.docker/ca.pem", "the CA certificate dockerd trusts for client certificates",
       {{kDaemonJson, F::json, "tlscacert"}},
       {"--tlscacert"}},
      {"docker.tlscert", "/root/.docker/cert.pem", "dockerd's TLS server certificate",
       {{kDaemonJson, F::json, "tlscert"}},
       {"--tlscert"}},
      {"docker.tlskey", "/root/.docker/key.pem", "dockerd's TLS server key",
       {{kDaemonJson, F::json, "tlskey"}},
       {"--tlskey"}},
      {"containers.graphroot", "/var/lib/containers/storage", "containers/storage's root (podman, buildah, CRI-O)",
       {{"/etc/containers/storage.conf", F::toml, "storage.graphroot"}},
       {}},
      {"containerd.root", "/var/lib/containerd", "containerd's root (content store, snapshots)",
       {{"/etc/containerd/config.toml", F::toml, "root"}},
       {}},
      {"containerd.state", "/run/containerd", "containerd's state directory (running tasks and their bundles)",
       {{"/etc/containerd/config.toml", F::toml, "state"}},
       {}},
      {"containerd.image-verifier-dir", "/opt/containerd/image-verifier/bin",
       "the directory of containerd's image verifier plugins (containerd 2), each an executable that judges an image before it is pulled",
       {{"/etc/containerd/config.toml", F::toml, R"(plugins."io.containerd.image-verifier.v1.bindir".bin_dir)"}},
       {}},
  };
  return vars;
}

const PathVariable* find_path_variable(std::string_view name) {
  for (const auto& v : path_variables())
    if (v.name == name) return &v;
  return nullptr;
}

const std::vector<std::string>& dockerd_argument_files() {
  static const std::vector<std::string> files{
      "/etc/default/docker",
      "/etc/sysconfig/docker",
      "/lib/systemd/system/docker.service",
      "/usr/lib/systemd/system/docker.service",
      "/etc/systemd/system/docker.service",
      "/run/systemd/system/docker.service.d/*.conf",
      "/etc/systemd/system/docker.service.d/*.conf",
  };
  return files;
}

bool has_variables(std::string_view path) noexcept { return path.find("${") != std::string_view::npos; }

std::string variable_problem(std::string_view path) {
  std::string problem;
  for (const auto& r : refs_of(path, &problem)) {
    if (find_path_variable(r.name)) continue;
    std::vector<std::string> names;
    for (const auto& v : path_variables()) names.emplace_back(v.name);
    return "unknown path variable '${" + std::string(r.name) + "}' (one of: " + util::join(names, ", ") + ")";
  }
  return problem;
}

std::string with_fallbacks(std::string_view path) {
  if (!has_variables(path)) return std::string(path);
  return substitute(path, [](const PathVariable& v) { return std::string(v.fallback); });
}

void plan_path(std::string_view path, std::uint8_t flags, Plan& plan) {
  if (!has_variables(path)) {
    plan.add(path, flags);
    return;
  }
  plan.add(with_fallbacks(path), flags);
  for (const auto& r : refs_of(path)) {
    if (const PathVariable* v = find_path_variable(r.name))
      for (const auto& p : source_patterns(*v)) plan.add(p, kPlanContent);
  }
}

std::optional<FlagValue> dockerd_flag_value(std::string_view text, const std::vector<std::string_view>& flags) {
  std::optional<FlagValue> found;
  for (const auto& line : util::split_lines(text)) {
    std::string_view t = util::trim(line.text);
    if (t.empty() || t.front() == '#' || t.front() == ';') continue;
    // Quotes only group words here (DOCKER_OPTS="--data-root /x"); a line
    // continued with '\' carries on on the next line, where the scan goes on.
    std::string plain(t);
    for (char& c : plain)
      if (c == '"' || c == '\'' || c == '\\') c = ' ';
    auto words = util::split_ws(plain);
    for (std::size_t i = 0; i < words.size(); ++i) {
      std::string_view w = words[i];
      // "DOCKER_OPTS=--data-root" and "ExecStart=/usr/bin/dockerd": look past an assignment.
      if (!w.starts_with('-')) {
        std::size_t eq = w.find('=');
        if (eq == std::string_view::npos) continue;
        w = w.substr(eq + 1);
      }
      for (const auto& f : flags) {
        if (w == f && i + 1 < words.size() && !words[i + 1].starts_with('-')) {
          found = FlagValue{std::string(words[i + 1]), line.number, std::string(f)};
        } else if (w.size() > f.size() + 1 && w.starts_with(f) && w[f.size()] == '=') {
          found = FlagValue{std::string(w.substr(f.size() + 1)), line.number, std::string(f)};
        }
      }
    }
  }
  return found;
}

VariableValue resolve_variable(const PathVariable& var, const parse::TextSource& source) {
  for (const auto& d : var.docs) {
    parse::FileText ft = source.text(d.file);
    if (ft.status != parse::FileText::Status::ok) continue;
    // Not parse_document: the static agent runs this and links no YAML parser.
    auto doc = d.format == parse::DocFormat::toml ? parse::parse_toml_document(ft.text) : parse::parse_json_document(ft.text);
    auto path = parse::parse_doc_path(d.path);
    if (!doc || !path) continue;
    auto m = parse::resolve(*doc, *path);
    if (m.empty() || !m.front().value->is_string()) continue;
    std::string v = strip_trailing_slashes(m.front().value->get<std::string>());
    if (v.empty() || v.front() != '/') continue;  // relative or empty: the daemon refuses it; keep the default
    return {v, std::string(d.file) + ": " + m.front().where};
  }
  if (var.dockerd_flags.empty()) return {std::string(var.fallback), {}};
  std::optional<FlagValue> last;
  std::string last_file;
  for (const auto& pattern : dockerd_argument_files()) {
    std::vector<std::string> files;
    if (pattern.find('*') != std::string::npos) {
      bool collected = false;
      files = source.glob(pattern, collected);
    } else {
      files.push_back(pattern);
    }
    for (const auto& f : files) {
      parse::FileText ft = source.text(f);
      if (ft.status != parse::FileText::Status::ok) continue;
      if (auto v = dockerd_flag_value(ft.text, var.dockerd_flags)) {
        last = std::move(v);
        last_file = f;
      }
    }
  }
  if (last && last->value.starts_with('/'))
    return {strip_trailing_slashes(last->value), last_file + ":" + std::to_string(last->line) + ": " + last->flag};
  return {std::string(var.fallback), {}};
}

std::string expand_variables(std::string_view path, const parse::TextSource& source) {
  if (!has_variables(path)) return std::string(path);
  return substitute(path, [&](const PathVariable& v) { return resolve_variable(v, source).value; });
}

std::vector<std::string> moved_variables(std::string_view path, const parse::TextSource& source) {
  std::vector<std::string> out;
  for (const auto& r : refs_of(path)) {
    const PathVariable* v = find_path_variable(r.name);
    if (!v) continue;
    VariableValue val = resolve_variable(*v, source);
    if (val.from.empty()) continue;
    std::string line = std::string(v->name) + " = " + val.value + " (" + val.from + ")";
    if (std::find(out.begin(), out.end(), line) == out.end()) out.push_back(std::move(line));
  }
  return out;
}

void variable_followups(const Plan& plan, const Snapshot& snapshot, Plan& next) {
  SnapshotText source(snapshot);
  for (const auto& var : path_variables()) {
    VariableValue val = resolve_variable(var, source);
    if (val.from.empty() || val.value == var.fallback) continue;
    const std::string fallback(var.fallback);
    for (const auto& [item, flags] : plan.items) {
      bool under = item == fallback || (item.starts_with(fallback) && item[fallback.size()] == '/');
      bool already = item == val.value || item.starts_with(val.value + "/");
      if (!under || already) continue;
      std::string moved = val.value + item.substr(fallback.size());
      if (plan.items.count(moved)) continue;
      bool known = is_glob(moved) ? snapshot.glob(moved) != nullptr : snapshot.file(moved) != nullptr;
      if (!known) next.add(moved, flags);
    }
  }
}

}  // namespace fleetaudit::detail

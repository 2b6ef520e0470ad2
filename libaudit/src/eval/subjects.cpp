// The subject kinds. Each has a plan (what to collect) and a builder (the
// subjects and their documents, from the snapshot). Add a kind by writing
// both and registering them in subject_kinds().
//
// Paths start at a path variable (content/path_vars.hpp): Docker's data root
// and containers/storage's root may be moved by the host's configuration;
// the plan collects the defaults and the files that move them, the
// collector's follow-up round the moved places, and the builders read
// wherever the host's configuration says.

#include "eval/subjects.hpp"

#include <algorithm>
#include <map>

#include "content/path_vars.hpp"
#include "eval/facts.hpp"
#include "eval/k8s_subjects.hpp"
#include "fleet/containers.hpp"
#include "parse/document.hpp"
#include "parse/text_source.hpp"

namespace fleetaudit {

namespace {

using nlohmann::json;
using parse::FileText;

constexpr const char* kDockerContainerConfigs = "${docker.data-root}/containers/*/config.v2.json";
constexpr const char* kDockerHostConfigs = "${docker.data-root}/containers/*/hostconfig.json";
// Any graph driver (overlay2, fuse-overlayfs, btrfs, zfs, vfs ...) keeps its own image store.
constexpr const char* kDockerImageConfigs = "${docker.data-root}/image/*/imagedb/content/sha256/*";
constexpr const char* kDockerRepositories = "${docker.data-root}/image/*/repositories.json";
constexpr const char* kPodmanConfigs = "${containers.graphroot}/overlay-containers/*/userdata/config.json";
constexpr const char* kPodmanContainers = "${containers.graphroot}/overlay-containers/containers.json";

std::string short_id(std::string_view id) { return std::string(id.substr(0, 12)); }

std::string base_name(std::string_view path) { return std::string(path.substr(path.rfind('/') + 1)); }

// The matches of a glob, or why there are none to read.
struct Found {
  std::vector<std::string> paths;
  bool collected = false;
  std::string pattern;  // as expanded on this host
};

Found find(std::string_view content_pattern, const parse::TextSource& src) {
  Found f;
  f.pattern = detail::expand_variables(content_pattern, src);
  f.paths = src.glob(f.pattern, f.collected);
  return f;
}

// A JSON file parsed, or the problem with it ("path: reason").
std::optional<json> read_json(const std::string& path, const parse::TextSource& src, std::string& problem) {
  FileText t = src.text(path);
  if (t.status != FileText::Status::ok) {
    problem = path + ": " + (t.status == FileText::Status::missing       ? std::string("does not exist")
                             : t.status == FileText::Status::not_collected ? std::string("was not collected")
                                                                           : (t.reason.empty() ? "not readable" : t.reason));
    return std::nullopt;
  }
  auto doc = parse::parse_document(t.text, parse::DocFormat::json);
  if (!doc) {
    problem = path + ": " + doc.error().message;
    return std::nullopt;
  }
  return std::move(*doc);
}

std::string string_at(const json& doc, std::string_view key) {
  if (!doc.is_object()) return {};
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// ---------------------------------------------------------------- docker images

// image id (hex) -> repository tags and digests, from every driver's repositories.json:
// {"Repositories": {"nginx": {"nginx:1.25": "sha256:<id>", "nginx@sha256:...": "sha256:<id>"}}}
std::map<std::string, std::vector<std::string>> docker_image_names(const parse::TextSource& src) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& path : find(kDockerRepositories, src).paths) {
    std::string problem;
    auto doc = read_json(path, src, problem);
    if (!doc || !doc->is_object() || !doc->contains("Repositories") || !(*doc)["Repositories"].is_object()) continue;
    for (const auto& [repo, refs] : (*doc)["Repositories"].items()) {
      if (!refs.is_object()) continue;
      for (const auto& [ref, id] : refs.items()) {
        if (!id.is_string()) continue;
        std::string hex = id.get<std::string>();
        if (hex.starts_with("sha256:")) hex.erase(0, 7);
        out[hex].push_back(ref);
      }
    }
  }
  for (auto& [id, names] : out) {
    // Tags before digests, each sorted: "nginx:1.25" names an image better than "nginx@sha256:...".
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
      bool da = a.find('@') != std::string::npos, db = b.find('@') != std::string::npos;
      return da != db ? db : a < b;
    });
  }
  return out;
}

void plan_docker_image(Plan& p) {
  detail::plan_path(kDockerImageConfigs, kPlanContent, p);
  detail::plan_path(kDockerRepositories, kPlanContent, p);
}

// An image's document: {"id": the image id (hex), "names": its repository
// tags and digests, "config": the image configuration as the engine stored
// it in imagedb ({"config": {"User", "Healthcheck", "Env", ...}, "history",
// "rootfs", "created", ...})}.
SubjectSet build_docker_image(const Snapshot&, const SnapshotIndex&, const parse::TextSource& src) {
  SubjectSet out;
  Found configs = find(kDockerImageConfigs, src);
  if (!configs.collected) {
    out.available = false;
    out.why = configs.pattern + " was not collected";
    return out;
  }
  auto names = docker_image_names(src);
  for (const auto& path : configs.paths) {
    const std::string id = base_name(path);
    std::string problem;
    auto config = read_json(path, src, problem);
    if (!config) {
      out.problems.push_back(problem);
      continue;
    }
    Subject s;
    s.id = "docker-image:" + id;
    auto it = names.find(id);
    std::vector<std::string> refs = it == names.end() ? std::vector<std::string>{} : it->second;
    s.name = (refs.empty() ? std::string("<untagged>") : refs.front()) + " (" + short_id(id) + ")";
    s.source = path;
    s.doc = json{{"id", id}, {"names", refs}, {"config", std::move(*config)}};
    out.subjects.push_back(std::move(s));
  }
  if (out.subjects.empty() && out.problems.empty()) out.why = "no Docker images in " + configs.pattern;
  return out;
}

// ---------------------------------------------------------------- docker containers

void plan_docker_container(Plan& p) {
  detail::plan_path(kDockerContainerConfigs, kPlanContent, p);
  detail::plan_path(kDockerHostConfigs, kPlanContent, p);
  plan_docker_image(p);  // a container's document carries its image's configuration
}

// Sources of the container's mounts it may write to (MountPoints with RW).
json writable_docker_mounts(const json& config) {
  std::vector<std::string> out;
  if (config.is_object() && config.contains("MountPoints") && config["MountPoints"].is_object()) {
    for (const auto& m : config["MountPoints"]) {
      if (!m.is_object()) continue;
      auto rw = m.find("RW");
      if (rw == m.end() || !rw->is_boolean() || !rw->get<bool>()) continue;
      std::string source = string_at(m, "Source");
      if (!source.empty()) out.push_back(source);  // older engines leave a named volume's source empty
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A container's document:
//   {"id": the container id,
//    "name": its name without the leading '/',
//    "config": config.v2.json exactly as the engine wrote it (State, Config,
//              MountPoints, AppArmorProfile, SeccompProfile, NoNewPrivileges ...),
//    "hostconfig": hostconfig.json exactly as written (Privileged, CapAdd,
//              NetworkMode, PidMode, Memory, PortBindings, SecurityOpt ...),
//              {} when the file is missing,
//    "image": its image's configuration from imagedb (see docker-image),
//              absent when the image is not in the store,
//    "writable_mounts": the host sources of the mounts it may write to
//              (MountPoints entries with RW), sorted}
SubjectSet build_docker_container(const Snapshot&, const SnapshotIndex&, const parse::TextSource& src) {
  SubjectSet out;
  Found configs = find(kDockerContainerConfigs, src);
  if (!configs.collected) {
    out.available = false;
    out.why = configs.pattern + " was not collected";
    return out;
  }
  std::map<std::string, const std::string*> image_files;  // image id -> its imagedb file
  Found images = find(kDockerImageConfigs, src);
  for (const auto& p : images.paths) image_files.emplace(base_name(p), &p);
  for (const auto& path : configs.paths) {
    const std::string dir = path.substr(0, path.rfind('/'));
    const std::string id = base_name(dir);
    std::string problem;
    auto config = read_json(path, src, problem);
    if (!config) {
      out.problems.push_back(problem);
      continue;
    }
    json hostconfig = json::object();
    const std::string hc_path = dir + "/hostconfig.json";
    FileText hc = src.text(hc_path);
    if (hc.status == FileText::Status::ok) {
      auto h = parse::parse_document(hc.text, parse::DocFormat::json);
      if (h) hostconfig = std::move(*h);
      else out.problems.push_back(hc_path + ": " + h.error().message);
    }
    std::string name = string_at(*config, "Name");
    if (name.starts_with('/')) name.erase(0, 1);
    Subject s;
    s.id = "docker:" + id;
    s.name = (name.empty() ? std::string("container") : name) + " (" + short_id(id) + ")";
    s.source = path;
    json writable = writable_docker_mounts(*config);
    s.doc = json{{"id", id}, {"name", name}, {"config", std::move(*config)}, {"hostconfig", std::move(hostconfig)},
                 {"writable_mounts", std::move(writable)}};
    std::string image = string_at(s.doc["config"], "Image");
    if (image.starts_with("sha256:")) image.erase(0, 7);
    if (auto it = image_files.find(image); it != image_files.end()) {
      std::string ignored;
      if (auto img = read_json(*it->second, src, ignored)) s.doc["image"] = std::move(*img);
    }
    out.subjects.push_back(std::move(s));
  }
  if (out.subjects.empty() && out.problems.empty()) out.why = "no Docker containers in " + configs.pattern.substr(0, configs.pattern.find("/*"));
  return out;
}

// ---------------------------------------------------------------- podman

void plan_podman_container(Plan& p) {
  detail::plan_path(kPodmanConfigs, kPlanContent, p);
  detail::plan_path(kPodmanContainers, kPlanContent, p);
}

bool has_option(const json& mount, std::string_view option) {
  auto it = mount.find("options");
  if (it == mount.end() || !it->is_array()) return false;
  return std::any_of(it->begin(), it->end(), [&](const json& o) { return o.is_string() && o.get<std::string>() == option; });
}

// A podman container's document:
//   {"id", "name" (from containers.json),
//    "spec": userdata/config.json, the OCI runtime specification podman
//            handed to the runtime, exactly as written (process.capabilities,
//            process.noNewPrivileges, process.apparmorProfile, root.readonly,
//            mounts, linux.namespaces, linux.resources, linux.seccomp ...),
//    "storage": the container's entry in containers.json (names, image, metadata),
//    "namespaces": the namespace types the container has of its own, sorted:
//            a type missing here is shared with the host,
//    "writable_mounts": the host sources of bind mounts without "ro", sorted}
SubjectSet build_podman_container(const Snapshot&, const SnapshotIndex&, const parse::TextSource& src) {
  SubjectSet out;
  Found configs = find(kPodmanConfigs, src);
  if (!configs.collected) {
    out.available = false;
    out.why = configs.pattern + " was not collected";
    return out;
  }
  std::map<std::string, json> storage;  // id -> containers.json entry
  {
    std::string problem;
    std::string list = detail::expand_variables(kPodmanContainers, src);
    if (src.text(list).status == FileText::Status::ok) {
      auto doc = read_json(list, src, problem);
      if (doc && doc->is_array())
        for (auto& e : *doc)
          if (e.is_object() && e.contains("id") && e["id"].is_string()) storage[e["id"].get<std::string>()] = e;
    }
  }
  for (const auto& path : configs.paths) {
    // .../overlay-containers/<id>/userdata/config.json
    std::string dir = path.substr(0, path.rfind('/'));
    dir = dir.substr(0, dir.rfind('/'));
    const std::string id = base_name(dir);
    std::string problem;
    auto spec = read_json(path, src, problem);
    if (!spec) {
      out.problems.push_back(problem);
      continue;
    }
    json entry = json::object();
    std::string name;
    if (auto it = storage.find(id); it != storage.end()) {
      entry = it->second;
      if (entry.contains("names") && entry["names"].is_array() && !entry["names"].empty() && entry["names"][0].is_string())
        name = entry["names"][0].get<std::string>();
    }
    std::vector<std::string> namespaces, writable;
    if (spec->is_object() && spec->contains("linux") && (*spec)["linux"].is_object()) {
      const json& linux = (*spec)["linux"];
      if (auto ns = linux.find("namespaces"); ns != linux.end() && ns->is_array())
        for (const auto& n : *ns) {
          std::string type = string_at(n, "type");
          // A namespace given by path joins an existing one; "/proc/1/ns/..." is the host's own.
          std::string nspath = string_at(n, "path");
          if (!type.empty() && !nspath.starts_with("/proc/1/")) namespaces.push_back(type);
        }
    }
    if (spec->is_object() && spec->contains("mounts") && (*spec)["mounts"].is_array()) {
      for (const auto& m : (*spec)["mounts"]) {
        if (!m.is_object() || string_at(m, "type") != "bind" || has_option(m, "ro")) continue;
        writable.push_back(string_at(m, "source"));
      }
    }
    std::sort(namespaces.begin(), namespaces.end());
    std::sort(writable.begin(), writable.end());
    Subject s;
    s.id = "podman:" + id;
    s.name = (name.empty() ? std::string("container") : name) + " (" + short_id(id) + ")";
    s.source = path;
    s.doc = json{{"id", id},          {"name", name},           {"spec", std::move(*spec)}, {"storage", std::move(entry)},
                 {"namespaces", namespaces}, {"writable_mounts", writable}};
    out.subjects.push_back(std::move(s));
  }
  if (out.subjects.empty() && out.problems.empty()) out.why = "no podman containers in " + configs.pattern.substr(0, configs.pattern.find("/*"));
  return out;
}

}  // namespace

const std::vector<SubjectKind>& subject_kinds() {
  static const std::vector<SubjectKind> kinds{
      {"docker-container", "a Docker container (config.v2.json and hostconfig.json under the data root)", plan_docker_container,
       build_docker_container},
      {"docker-image", "a Docker image (its configuration in the data root's image store)", plan_docker_image, build_docker_image},
      {"podman-container", "a podman container (its OCI runtime configuration under containers/storage)", plan_podman_container,
       build_podman_container},
      {"container",
       "a container of any runtime (Docker, podman, containerd) as a patch subject: its own os-release and package database "
       "from its layers, its image and whether its tag has moved on",
       detail::plan_container_subjects, detail::build_container_subjects},
      {"k8s-container",
       "a container, init container or ephemeral container of a Kubernetes workload (manifests): the container, its pod "
       "template and its workload",
       k8s::plan, k8s::build_containers, true},
      {"k8s-workload", "a Kubernetes workload with a pod template (manifests): pod-level settings", k8s::plan,
       k8s::build_workloads, true},
      {"k8s-namespace",
       "a Kubernetes namespace seen in manifests, with its labels, NetworkPolicies and Istio PeerAuthentications", k8s::plan,
       k8s::build_namespaces, true},
  };
  return kinds;
}

const SubjectKind* find_subject_kind(std::string_view name) {
  for (const auto& k : subject_kinds())
    if (k.name == name) return &k;
  return nullptr;
}

std::vector<std::string> subject_kind_names() {
  std::vector<std::string> out;
  for (const auto& k : subject_kinds()) out.emplace_back(k.name);
  return out;
}

}  // namespace fleetaudit

// The subject kinds. Each has a plan (what to collect) and a builder (the
// subjects and their documents, from the snapshot). Add a kind by writing
// both and registering them in subject_kinds().

#include "eval/subjects.hpp"

#include "eval/facts.hpp"
#include "eval/k8s_subjects.hpp"
#include "parse/document.hpp"
#include "parse/text_source.hpp"

namespace fleetaudit {

namespace {

using nlohmann::json;
using parse::FileText;

// ---------------------------------------------------------------- docker

constexpr const char* kDockerContainers = "/var/lib/docker/containers";

void plan_docker_container(Plan& p) {
  p.add(std::string(kDockerContainers) + "/*/config.v2.json", kPlanContent);
  p.add(std::string(kDockerContainers) + "/*/hostconfig.json", kPlanContent);
}

// A container's document: {"id", "name", "config": config.v2.json,
// "hostconfig": hostconfig.json} exactly as the engine wrote them.
SubjectSet build_docker_container(const Snapshot&, const SnapshotIndex&, const parse::TextSource& src) {
  SubjectSet out;
  bool collected = false;
  const std::string pattern = std::string(kDockerContainers) + "/*/config.v2.json";
  std::vector<std::string> configs = src.glob(pattern, collected);
  if (!collected) {
    out.available = false;
    out.why = pattern + " was not collected";
    return out;
  }
  for (const auto& path : configs) {
    const std::string dir = path.substr(0, path.rfind('/'));
    const std::string id = dir.substr(dir.rfind('/') + 1);
    FileText cfg = src.text(path);
    if (cfg.status != FileText::Status::ok) {
      out.problems.push_back(path + ": " + (cfg.reason.empty() ? "not readable" : cfg.reason));
      continue;
    }
    auto config = parse::parse_document(cfg.text, parse::DocFormat::json);
    if (!config) {
      out.problems.push_back(path + ": " + config.error().message);
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
    std::string name = config->is_object() && config->contains("Name") && (*config)["Name"].is_string()
                           ? (*config)["Name"].get<std::string>()
                           : std::string();
    if (name.starts_with('/')) name.erase(0, 1);
    Subject s;
    s.id = "docker:" + id;
    s.name = (name.empty() ? std::string("container") : name) + " (" + id.substr(0, 12) + ")";
    s.source = path;
    s.doc = json{{"id", id}, {"name", name}, {"config", std::move(*config)}, {"hostconfig", std::move(hostconfig)}};
    out.subjects.push_back(std::move(s));
  }
  if (out.subjects.empty() && out.problems.empty()) out.why = "no Docker containers in " + std::string(kDockerContainers);
  return out;
}

}  // namespace

const std::vector<SubjectKind>& subject_kinds() {
  static const std::vector<SubjectKind> kinds{
      {"docker-container", "a Docker container (config.v2.json and hostconfig.json under the data root)", plan_docker_container,
       build_docker_container},
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

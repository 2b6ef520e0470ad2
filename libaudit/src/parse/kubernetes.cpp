#include "parse/kubernetes.hpp"

#include <algorithm>
#include <array>

#include "parse/document.hpp"
#include "util/strings.hpp"

namespace fleetaudit::parse {

using nlohmann::json;

namespace {

std::string text_at(const json& o, const char* key) {
  if (!o.is_object()) return {};
  auto it = o.find(key);
  if (it == o.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

const json* at_path(const json& o, std::initializer_list<const char*> keys) {
  const json* cur = &o;
  for (const char* k : keys) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(k);
    if (it == cur->end() || it->is_null()) return nullptr;
    cur = &*it;
  }
  return cur;
}

std::string document_where(std::string_view file, std::size_t document, std::size_t item) {
  std::string w = std::string(file) + " (document " + std::to_string(document);
  if (item) w += ", item " + std::to_string(item);
  return w + ")";
}

// An object, or a List of them (nested Lists opened too).
void take(std::string_view file, std::size_t document, std::size_t item, int line, json value,
          std::vector<K8sObject>& objects, std::vector<std::string>& problems, int depth = 0) {
  const std::string where = document_where(file, document, item);
  if (value.is_null()) return;
  if (!value.is_object()) {
    problems.push_back(where + ": not a mapping, so not a Kubernetes object");
    return;
  }
  std::string kind = text_at(value, "kind");
  if (kind.empty()) return;  // no Kubernetes object (Helm values, plain data)
  auto items = value.find("items");
  if (kind.ends_with("List") && items != value.end() && (items->is_array() || items->is_null())) {
    if (depth > 4) {
      problems.push_back(where + ": Lists nested too deep");
      return;
    }
    if (items->is_null()) return;
    std::size_t n = 0;
    for (auto& element : *items) take(file, document, ++n, line, std::move(element), objects, problems, depth + 1);
    return;
  }
  K8sObject o;
  o.file = std::string(file);
  o.document = document;
  o.item = item;
  o.line = line;
  o.kind = std::move(kind);
  o.api_version = text_at(value, "apiVersion");
  const json* meta = at_path(value, {"metadata"});
  if (meta) {
    o.name = text_at(*meta, "name");
    if (o.name.empty()) o.name = text_at(*meta, "generateName");
    o.ns = text_at(*meta, "namespace");
  }
  if (o.name.empty()) {
    problems.push_back(where + ": " + o.kind + " without metadata.name");
    return;
  }
  o.value = std::move(value);
  objects.push_back(std::move(o));
}

constexpr std::array<std::string_view, 8> kWorkloadKinds{
    "Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"};

}  // namespace

std::string K8sObject::where() const {
  return document_where(file, document, item);
}

void read_manifest(std::string_view file, std::string_view text, std::vector<K8sObject>& objects,
                   std::vector<std::string>& problems) {
  const DocFormat format = file.ends_with(".json") ? DocFormat::json : DocFormat::yaml;
  DocumentStream stream = parse_documents(text, format, true);
  for (auto& d : stream.documents) take(file, d.number, 0, d.line, std::move(d.value), objects, problems);
  if (!stream.error.empty()) problems.push_back(document_where(file, stream.error_document, 0) + ": " + stream.error);
}

bool is_workload_kind(std::string_view kind) noexcept {
  return kind == "PodTemplate" || std::find(kWorkloadKinds.begin(), kWorkloadKinds.end(), kind) != kWorkloadKinds.end();
}

bool is_cluster_scoped_kind(std::string_view kind) noexcept {
  static constexpr std::array<std::string_view, 22> kClusterScoped{"Namespace",
                                                                   "Node",
                                                                   "PersistentVolume",
                                                                   "ClusterRole",
                                                                   "ClusterRoleBinding",
                                                                   "StorageClass",
                                                                   "CustomResourceDefinition",
                                                                   "PriorityClass",
                                                                   "RuntimeClass",
                                                                   "MutatingWebhookConfiguration",
                                                                   "ValidatingWebhookConfiguration",
                                                                   "ValidatingAdmissionPolicy",
                                                                   "ValidatingAdmissionPolicyBinding",
                                                                   "APIService",
                                                                   "PodSecurityPolicy",
                                                                   "IngressClass",
                                                                   "CSIDriver",
                                                                   "CSINode",
                                                                   "VolumeAttachment",
                                                                   "CertificateSigningRequest",
                                                                   "ClusterIssuer",
                                                                   "ComponentStatus"};
  return std::find(kClusterScoped.begin(), kClusterScoped.end(), kind) != kClusterScoped.end();
}

std::optional<PodTemplate> pod_template(const K8sObject& o) {
  const json& v = o.value;
  PodTemplate t;
  if (o.kind == "Pod") {
    t.metadata = at_path(v, {"metadata"});
    t.spec = at_path(v, {"spec"});
  } else if (o.kind == "CronJob") {
    t.metadata = at_path(v, {"spec", "jobTemplate", "spec", "template", "metadata"});
    t.spec = at_path(v, {"spec", "jobTemplate", "spec", "template", "spec"});
  } else if (o.kind == "PodTemplate") {
    t.metadata = at_path(v, {"template", "metadata"});
    t.spec = at_path(v, {"template", "spec"});
  } else if (is_workload_kind(o.kind)) {
    t.metadata = at_path(v, {"spec", "template", "metadata"});
    t.spec = at_path(v, {"spec", "template", "spec"});
  } else {
    return std::nullopt;
  }
  if (!t.spec || !t.spec->is_object()) return std::nullopt;
  if (t.metadata && !t.metadata->is_object()) t.metadata = nullptr;
  return t;
}

std::string ImageRef::full() const {
  std::string s = registry + "/" + repository;
  if (!tag.empty()) s += ":" + tag;
  if (!digest.empty()) s += "@" + digest;
  return s;
}

std::optional<ImageRef> parse_image_ref(std::string_view image) {
  image = util::trim(image);
  if (image.empty() || image.find_first_of(" \t\n") != std::string_view::npos) return std::nullopt;
  ImageRef r;
  std::string_view name = image;
  if (auto at = name.find('@'); at != std::string_view::npos) {
    r.digest = std::string(name.substr(at + 1));
    name = name.substr(0, at);
  }
  // A tag is a ':' after the last '/' (a ':' before it is a registry's port).
  std::size_t slash = name.rfind('/');
  std::size_t colon = name.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    r.tag = std::string(name.substr(colon + 1));
    name = name.substr(0, colon);
  }
  if (name.empty()) return std::nullopt;
  std::size_t first = name.find('/');
  std::string_view head = name.substr(0, first);
  bool has_registry =
      first != std::string_view::npos && (head.find_first_of(".:") != std::string_view::npos || head == "localhost");
  if (has_registry) {
    r.registry = std::string(head);
    r.repository = std::string(name.substr(first + 1));
  } else {
    r.registry = "docker.io";
    r.repository = std::string(name);
  }
  if (r.registry == "index.docker.io" || r.registry == "registry-1.docker.io") r.registry = "docker.io";
  if (r.registry == "docker.io" && r.repository.find('/') == std::string::npos)
    r.repository = "library/" + r.repository;
  if (r.repository.empty()) return std::nullopt;
  return r;
}

}  // namespace fleetaudit::parse

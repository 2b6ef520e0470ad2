#pragma once
// Kubernetes manifests as objects: every document of a file, `List`s
// (kubectl get -o json|yaml) opened into their items, the pod template of each
// workload kind, and container image references. Pure: text in, objects out.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace fleetaudit::parse {

/// One Kubernetes object read from a manifest file.
struct K8sObject {
  std::string file;          ///< the manifest file, as named in the snapshot
  std::size_t document = 0;  ///< 1-based document of the file
  std::size_t item = 0;      ///< 1-based position in a List's items; 0 when not in a List
  int line = 0;              ///< 1-based line where its document starts
  nlohmann::json value;      ///< the object as written
  std::string kind;          ///< "Deployment"
  std::string api_version;   ///< "apps/v1"
  std::string name;          ///< metadata.name (or metadata.generateName)
  std::string ns;            ///< metadata.namespace; empty when not given

  /// Where it came from, for messages: "deploy/web.yaml (document 2)" or
  /// "all.json (document 1, item 14)".
  std::string where() const;
};

/// Reads every object of one manifest file (YAML streams with "---", JSON,
/// Helm output). Kinds ending in "List" with an `items` array are opened
/// into their items, nested lists too. Documents without a `kind` (empty
/// documents, Helm values, plain data) are no Kubernetes objects and are
/// skipped. What cannot be read (a syntax error, a document or item that is
/// not a mapping, an object without a name) goes to `problems` as
/// "FILE (document N): why"; the documents before a syntax error are kept.
/// JSON is told by a ".json" name; anything else is read as YAML, the way
/// Kubernetes' YAML reader resolves plain scalars (`yes` is true).
void read_manifest(std::string_view file, std::string_view text, std::vector<K8sObject>& objects,
                   std::vector<std::string>& problems);

/// A workload's pod template: the pod's metadata and spec inside an object
/// (Pod: the object itself; Deployment, ReplicaSet, StatefulSet, DaemonSet,
/// Job, ReplicationController: spec.template; CronJob:
/// spec.jobTemplate.spec.template; PodTemplate: template).
struct PodTemplate {
  const nlohmann::json* metadata = nullptr;  ///< may be null: no metadata given
  const nlohmann::json* spec = nullptr;      ///< never null
};
/// The pod template of a workload kind, or nothing for other kinds or when
/// the object has no pod spec where its kind keeps one.
std::optional<PodTemplate> pod_template(const K8sObject& object);
/// Whether a kind carries a pod template (the workload kinds above).
bool is_workload_kind(std::string_view kind) noexcept;
/// Kinds that live outside any namespace (Namespace, ClusterRole, Node ...).
bool is_cluster_scoped_kind(std::string_view kind) noexcept;

/// A container image reference, normalized as container engines read it:
/// "nginx:1.25" is docker.io/library/nginx:1.25.
struct ImageRef {
  std::string registry;    ///< "docker.io", "registry.example.com:5000"
  std::string repository;  ///< "library/nginx"
  std::string tag;         ///< empty when none is given
  std::string digest;      ///< "sha256:..." when pinned, else empty
  /// registry/repository[:tag][@digest]
  std::string full() const;
};
/// Empty when `image` is no reference at all (empty, spaces).
std::optional<ImageRef> parse_image_ref(std::string_view image);

}  // namespace fleetaudit::parse

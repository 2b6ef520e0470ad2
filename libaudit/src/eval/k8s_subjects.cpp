// The Kubernetes subject kinds: containers, workloads and namespaces from
// manifests, each with the document its checks read.

#include "eval/k8s_subjects.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "parse/document.hpp"
#include "parse/kubernetes.hpp"
#include "parse/text_source.hpp"
#include "util/strings.hpp"

namespace fleetaudit::k8s {

namespace {

using nlohmann::json;
using parse::FileText;
using parse::K8sObject;

constexpr const char* kNoManifests = "no Kubernetes manifests in this scan (scan --manifests PATH)";

struct Manifests {
  std::vector<K8sObject> objects;
  std::vector<std::string> problems;
};

Manifests read_all(const Snapshot& snap, const parse::TextSource& src) {
  Manifests out;
  for (const auto& file : snap.manifests) {
    FileText ft = src.text(file);
    switch (ft.status) {
      case FileText::Status::ok:
        break;
      case FileText::Status::missing:
        out.problems.push_back(file + ": does not exist");
        continue;
      case FileText::Status::unreadable:
        out.problems.push_back(
            file + ": could not be read: " + (ft.reason.empty() ? std::string("unknown reason") : ft.reason));
        continue;
      case FileText::Status::not_collected:
        out.problems.push_back(file + ": was not collected");
        continue;
    }
    if (const FileFact* f = snap.file(file); f && f->truncated) {
      // Half a manifest could hide the settings that matter: never judged.
      out.problems.push_back(file + ": cut at the size limit after " + std::to_string(f->content.size()) +
                             " bytes, so not evaluated");
      continue;
    }
    parse::read_manifest(file, ft.text, out.objects, out.problems);
  }
  return out;
}

std::string ns_of(const K8sObject& o) {
  return o.ns.empty() ? std::string("default") : o.ns;
}

const json* find(const json& o, std::initializer_list<const char*> keys) {
  const json* cur = &o;
  for (const char* k : keys) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(k);
    if (it == cur->end() || it->is_null()) return nullptr;
    cur = &*it;
  }
  return cur;
}

std::string text(const json* v) {
  return v ? parse::doc_text(*v) : std::string();
}

bool empty_value(const json* v) {
  return !v || v->is_null() || ((v->is_array() || v->is_object()) && v->empty());
}

// What the manifests say about each namespace.
struct NamespaceInfo {
  const K8sObject* declared = nullptr;  // its Namespace object, when given
  std::vector<const K8sObject*> network_policies;
  std::vector<const K8sObject*> peer_authentications;
};

std::map<std::string, NamespaceInfo> namespaces_of(const std::vector<K8sObject>& objects) {
  std::map<std::string, NamespaceInfo> out;
  for (const auto& o : objects) {
    if (o.kind == "Namespace") {
      auto& info = out[o.name];
      if (!info.declared) info.declared = &o;
      continue;
    }
    if (parse::is_cluster_scoped_kind(o.kind)) continue;
    auto& info = out[ns_of(o)];
    if (o.kind == "NetworkPolicy") info.network_policies.push_back(&o);
    if (o.kind == "PeerAuthentication" && o.api_version.starts_with("security.istio.io/"))
      info.peer_authentications.push_back(&o);
  }
  return out;
}

json namespace_labels(const std::map<std::string, NamespaceInfo>& nss, const std::string& ns) {
  auto it = nss.find(ns);
  if (it == nss.end() || !it->second.declared) return nullptr;
  const json* labels = find(it->second.declared->value, {"metadata", "labels"});
  return labels && labels->is_object() ? *labels : json(nullptr);
}

// The part of a workload's document every subject built from it shares.
json workload_base(const K8sObject& o, const parse::PodTemplate& t, const std::map<std::string, NamespaceInfo>& nss) {
  json doc = json::object();
  doc["kind"] = o.kind;
  doc["apiVersion"] = o.api_version;
  doc["name"] = o.name;
  doc["namespace"] = ns_of(o);
  if (const json* m = find(o.value, {"metadata"})) doc["metadata"] = *m;
  json pod = json::object();
  if (t.metadata) pod["metadata"] = *t.metadata;
  pod["spec"] = *t.spec;
  doc["pod"] = std::move(pod);
  if (json labels = namespace_labels(nss, ns_of(o)); !labels.is_null()) doc["namespace_labels"] = std::move(labels);
  return doc;
}

// Several subjects with one name (the same object in two files): each named
// with where it came from, so results stay apart.
void disambiguate(std::vector<Subject>& subjects, const std::vector<std::string>& wheres) {
  std::map<std::string, int> count;
  for (const auto& s : subjects) ++count[s.name];
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    if (count[subjects[i].name] < 2) continue;
    subjects[i].name += " [" + wheres[i] + "]";
    subjects[i].id += "@" + wheres[i];
  }
}

SubjectSet start(const Snapshot& snap, const parse::TextSource& src, Manifests& m) {
  SubjectSet out;
  if (snap.kind != Snapshot::Kind::manifests) {
    out.why = kNoManifests;
    return out;
  }
  m = read_all(snap, src);
  out.problems = m.problems;
  return out;
}

struct ContainerList {
  const char* key;     // pod spec key
  const char* type;    // in the document
  const char* suffix;  // in the subject's name
};
constexpr ContainerList kContainerLists[] = {
    {"containers", "container", ""},
    {"initContainers", "initContainer", " (init)"},
    {"ephemeralContainers", "ephemeralContainer", " (ephemeral)"},
};

// NetworkPolicy: does it select every pod of its namespace and allow nothing
// in `direction` ("Ingress" or "Egress")?
bool denies_all(const json& policy, const char* direction) {
  const json* spec = find(policy, {"spec"});
  if (!spec) return false;
  const json* selector = find(*spec, {"podSelector"});
  bool every_pod = !selector || (selector->is_object() && empty_value(find(*selector, {"matchLabels"})) &&
                                 empty_value(find(*selector, {"matchExpressions"})));
  if (!every_pod) return false;
  const bool ingress = std::string_view(direction) == "Ingress";
  const json* rules = find(*spec, {ingress ? "ingress" : "egress"});
  bool applies;
  if (const json* types = find(*spec, {"policyTypes"}); types && types->is_array()) {
    applies = std::any_of(types->begin(), types->end(),
                          [&](const json& t) { return t.is_string() && t.get<std::string>() == direction; });
  } else {
    // Without policyTypes a policy always governs ingress, and egress when it has egress rules.
    applies = ingress || rules;
  }
  return applies && (!rules || (rules->is_array() && rules->empty()));
}

bool selects_workloads(const json& pa) {
  const json* sel = find(pa, {"spec", "selector"});
  return sel && !empty_value(find(*sel, {"matchLabels"}));
}

std::string peer_mode(const json& pa) {
  std::string mode = text(find(pa, {"spec", "mtls", "mode"}));
  return mode.empty() ? "UNSET" : mode;
}

std::string object_name(const K8sObject& o) {
  return ns_of(o) + "/" + o.kind + "/" + o.name;
}

// The namespace-wide mutual TLS mode Istio applies, where it comes from, and
// the workloads or ports that are exempt from it.
json mtls_of(const std::string& ns, const std::map<std::string, NamespaceInfo>& nss) {
  auto namespace_wide = [&](const std::string& n) -> const K8sObject* {
    auto it = nss.find(n);
    if (it == nss.end()) return nullptr;
    for (const K8sObject* pa : it->second.peer_authentications)
      if (!selects_workloads(pa->value)) return pa;
    return nullptr;
  };
  json m = json::object();
  std::string mode, set_by;
  if (const K8sObject* own = namespace_wide(ns); own && peer_mode(own->value) != "UNSET") {
    mode = peer_mode(own->value);
    set_by = object_name(*own) + (ns == kIstioRootNamespace ? " (mesh-wide)" : "");
  } else if (const K8sObject* mesh = namespace_wide(kIstioRootNamespace); mesh && peer_mode(mesh->value) != "UNSET") {
    mode = peer_mode(mesh->value);
    set_by = object_name(*mesh) + " (mesh-wide)";
  } else {
    mode = "PERMISSIVE";
    set_by = "Istio's default: no PeerAuthentication sets a mode";
  }
  m["mode"] = mode;
  m["set_by"] = set_by;
  m["effective"] = mode + " (set by " + set_by + ")";
  json exceptions = json::array();
  if (auto it = nss.find(ns); it != nss.end()) {
    for (const K8sObject* pa : it->second.peer_authentications) {
      std::string pm = peer_mode(pa->value);
      if (selects_workloads(pa->value) && pm != "UNSET" && pm != "STRICT")
        exceptions.push_back(object_name(*pa) + ": " + pm + " for the pods it selects");
      if (const json* ports = find(pa->value, {"spec", "portLevelMtls"}); ports && ports->is_object()) {
        for (auto p = ports->begin(); p != ports->end(); ++p) {
          std::string port_mode = text(find(*p, {"mode"}));
          if (!port_mode.empty() && port_mode != "UNSET" && port_mode != "STRICT")
            exceptions.push_back(object_name(*pa) + ": " + port_mode + " on port " + p.key());
        }
      }
    }
  }
  if (!exceptions.empty()) m["exceptions"] = std::move(exceptions);
  return m;
}

}  // namespace

void plan(Plan&) {
  // Manifests are read whole by the manifests collector; a host has none to plan.
}

SubjectSet build_containers(const Snapshot& snap, const SnapshotIndex&, const parse::TextSource& src) {
  Manifests m;
  SubjectSet out = start(snap, src, m);
  if (snap.kind != Snapshot::Kind::manifests) return out;
  auto nss = namespaces_of(m.objects);
  std::vector<std::string> wheres;
  for (const auto& o : m.objects) {
    auto t = parse::pod_template(o);
    if (!t) continue;
    json base = workload_base(o, *t, nss);
    for (const auto& list : kContainerLists) {
      const json* items = find(*t->spec, {list.key});
      if (!items) continue;
      if (!items->is_array()) {
        out.problems.push_back(o.where() + ": " + o.kind + " " + o.name + ": " + list.key + " is not a list");
        continue;
      }
      std::size_t n = 0;
      for (const auto& c : *items) {
        ++n;
        std::string cname = c.is_object() ? text(find(c, {"name"})) : std::string();
        if (cname.empty()) {
          out.problems.push_back(o.where() + ": " + o.kind + " " + o.name + ": " + list.key + "[" +
                                 std::to_string(n - 1) + "] has no name");
          continue;
        }
        json doc = base;
        doc["container"] = c;
        doc["container_type"] = list.type;
        if (t->metadata) {
          const std::string key = "container.apparmor.security.beta.kubernetes.io/" + cname;
          if (const json* ann = find(*t->metadata, {"annotations"}); ann && ann->is_object() && ann->contains(key))
            doc["apparmor_annotation"] = (*ann)[key];
        }
        if (auto ref = parse::parse_image_ref(text(find(c, {"image"})))) {
          json r = json::object();
          r["reference"] = ref->full();
          r["registry"] = ref->registry;
          r["repository"] = ref->repository;
          if (!ref->tag.empty()) r["tag"] = ref->tag;
          if (!ref->digest.empty()) r["digest"] = ref->digest;
          doc["image_ref"] = std::move(r);
        }
        Subject s;
        s.name = object_name(o) + "/" + cname + list.suffix;
        s.id = "k8s-container:" + s.name;
        s.source = o.where();
        s.doc = std::move(doc);
        wheres.push_back(o.where());
        out.subjects.push_back(std::move(s));
      }
    }
  }
  disambiguate(out.subjects, wheres);
  if (out.subjects.empty() && out.problems.empty()) out.why = "no workload with containers in the manifests";
  return out;
}

SubjectSet build_workloads(const Snapshot& snap, const SnapshotIndex&, const parse::TextSource& src) {
  Manifests m;
  SubjectSet out = start(snap, src, m);
  if (snap.kind != Snapshot::Kind::manifests) return out;
  auto nss = namespaces_of(m.objects);
  // ServiceAccounts by namespace/name: their automount setting applies to pods that use them.
  std::map<std::string, const K8sObject*> accounts;
  for (const auto& o : m.objects)
    if (o.kind == "ServiceAccount") accounts.emplace(ns_of(o) + "/" + o.name, &o);
  std::vector<std::string> wheres;
  for (const auto& o : m.objects) {
    auto t = parse::pod_template(o);
    if (!t) continue;
    json doc = workload_base(o, *t, nss);
    // Each volume's source type by volume name ("data": "hostPath").
    if (const json* volumes = find(*t->spec, {"volumes"}); volumes && volumes->is_array()) {
      json types = json::object();
      std::size_t n = 0;
      for (const auto& v : *volumes) {
        ++n;
        if (!v.is_object()) continue;
        std::vector<std::string> sources;
        for (auto it = v.begin(); it != v.end(); ++it)
          if (it.key() != "name" && !it->is_null()) sources.push_back(it.key());
        if (sources.empty()) continue;  // no source: Kubernetes makes it an emptyDir
        std::string vname = text(find(v, {"name"}));
        types[vname.empty() ? "#" + std::to_string(n) : vname] = util::join(sources, ",");
      }
      if (!types.empty()) doc["volume_types"] = std::move(types);
    }
    std::string sa = text(find(*t->spec, {"serviceAccountName"}));
    if (sa.empty()) sa = text(find(*t->spec, {"serviceAccount"}));
    if (sa.empty()) sa = "default";
    json account = json::object();
    account["name"] = sa;
    account["id"] = ns_of(o) + "/" + sa;
    if (auto it = accounts.find(ns_of(o) + "/" + sa); it != accounts.end()) {
      account["declared_in"] = it->second->where();
      if (const json* am = find(it->second->value, {"automountServiceAccountToken"}))
        account["automountServiceAccountToken"] = *am;
    }
    doc["service_account"] = std::move(account);
    Subject s;
    s.name = object_name(o);
    s.id = "k8s-workload:" + s.name;
    s.source = o.where();
    s.doc = std::move(doc);
    wheres.push_back(o.where());
    out.subjects.push_back(std::move(s));
  }
  disambiguate(out.subjects, wheres);
  if (out.subjects.empty() && out.problems.empty()) out.why = "no workload in the manifests";
  return out;
}

SubjectSet build_namespaces(const Snapshot& snap, const SnapshotIndex&, const parse::TextSource& src) {
  Manifests m;
  SubjectSet out = start(snap, src, m);
  if (snap.kind != Snapshot::Kind::manifests) return out;
  auto nss = namespaces_of(m.objects);
  for (const auto& [name, info] : nss) {
    json doc = json::object();
    doc["name"] = name;
    doc["declared"] = info.declared != nullptr;
    if (json labels = namespace_labels(nss, name); !labels.is_null()) doc["labels"] = std::move(labels);
    json policies = json::object();
    json deny_in = json::array(), deny_out = json::array();
    for (const K8sObject* np : info.network_policies) {
      const json* spec = find(np->value, {"spec"});
      policies[np->name] = spec ? *spec : json::object();
      if (denies_all(np->value, "Ingress")) deny_in.push_back(np->name);
      if (denies_all(np->value, "Egress")) deny_out.push_back(np->name);
    }
    if (!policies.empty()) doc["network_policies"] = std::move(policies);
    json deny = json::object();
    if (!deny_in.empty()) deny["ingress"] = std::move(deny_in);
    if (!deny_out.empty()) deny["egress"] = std::move(deny_out);
    if (!deny.empty()) doc["default_deny"] = std::move(deny);
    json pas = json::object();
    for (const K8sObject* pa : info.peer_authentications) {
      const json* spec = find(pa->value, {"spec"});
      pas[pa->name] = spec ? *spec : json::object();
    }
    if (!pas.empty()) doc["peer_authentications"] = std::move(pas);
    doc["mtls"] = mtls_of(name, nss);
    Subject s;
    s.name = name;
    s.id = "k8s-namespace:" + name;
    s.source = info.declared ? info.declared->where() : std::string("(objects in it)");
    s.doc = std::move(doc);
    out.subjects.push_back(std::move(s));
  }
  if (out.subjects.empty() && out.problems.empty()) out.why = "no namespaced object in the manifests";
  return out;
}

}  // namespace fleetaudit::k8s

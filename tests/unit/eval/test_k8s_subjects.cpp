// The Kubernetes subject kinds: what each subject's document holds, how
// namespaces, NetworkPolicies and PeerAuthentications are read, and how
// manifests and hosts keep out of each other's checks.

#include <catch2/catch.hpp>

#include "eval/facts.hpp"
#include "eval/subjects.hpp"
#include "support/content_helpers.hpp"

using namespace fleetaudit;
using fleetaudit::testing::load_texts;
using fleetaudit::testing::SnapshotBuilder;
using nlohmann::json;

namespace {

// A manifests snapshot of the given files, in order.
Snapshot manifests(const std::vector<std::pair<std::string, std::string>>& files) {
  SnapshotBuilder b;
  b.snap.kind = Snapshot::Kind::manifests;
  b.snap.collector = "manifests";
  for (const auto& [name, text] : files) {
    b.file(name, text);
    b.snap.manifests.push_back(name);
  }
  return b.snap;
}

SubjectSet build(const char* kind, const Snapshot& snap) {
  const SubjectKind* k = find_subject_kind(kind);
  REQUIRE(k);
  SnapshotIndex index(snap);
  SnapshotSource source(index);
  return k->build(snap, index, source);
}

const Subject& named(const SubjectSet& set, const std::string& name) {
  for (const auto& s : set.subjects)
    if (s.name == name) return s;
  std::string all;
  for (const auto& s : set.subjects) all += "\n  " + s.name;
  FAIL("no subject " << name << "; have:" << all);
  throw std::logic_error("unreachable");
}

std::vector<ContentSet>& kept() {
  static std::vector<ContentSet> keep;
  return keep;
}

const ContentSet& content_of(const std::string& yaml) {
  auto r = load_texts({{"k.yaml", yaml}});
  if (!r.ok()) FAIL("bad test content: " << r.diagnostics.front().str());
  kept().push_back(std::move(r.content));
  return kept().back();
}

const char* kWeb = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: prod, labels: {app: web}}
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/app: localhost/web
    spec:
      serviceAccountName: web
      securityContext: {runAsNonRoot: true}
      initContainers:
        - {name: init, image: "busybox"}
      containers:
        - name: app
          image: registry.example.com:5000/shop/web:1.2@sha256:00ff
      ephemeralContainers:
        - {name: debug, image: "alpine:3"}
      volumes:
        - {name: data, hostPath: {path: /data}}
        - {name: cfg, configMap: {name: cfg}}
        - {name: bare}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: prod}
automountServiceAccountToken: false
---
apiVersion: v1
kind: Namespace
metadata: {name: prod, labels: {fleetaudit.io/untrusted: "true"}}
)";

}  // namespace

TEST_CASE("k8s-container: every container of every list, with its pod and workload", "[k8s][subject]") {
  Snapshot snap = manifests({{"web.yaml", kWeb}});
  SubjectSet set = build("k8s-container", snap);
  CHECK(set.problems.empty());
  REQUIRE(set.subjects.size() == 3);
  CHECK(set.subjects[0].name == "prod/Deployment/web/app");
  CHECK(set.subjects[1].name == "prod/Deployment/web/init (init)");
  CHECK(set.subjects[2].name == "prod/Deployment/web/debug (ephemeral)");
  const json& app = set.subjects[0].doc;
  CHECK(app["kind"] == "Deployment");
  CHECK(app["namespace"] == "prod");
  CHECK(app["container_type"] == "container");
  CHECK(app["container"]["name"] == "app");
  CHECK(app["pod"]["spec"]["securityContext"]["runAsNonRoot"] == "true");
  CHECK(app["metadata"]["labels"]["app"] == "web");
  CHECK(app["apparmor_annotation"] == "localhost/web");
  CHECK(app["namespace_labels"]["fleetaudit.io/untrusted"] == "true");
  CHECK(app["image_ref"]["registry"] == "registry.example.com:5000");
  CHECK(app["image_ref"]["tag"] == "1.2");
  CHECK(app["image_ref"]["digest"] == "sha256:00ff");
  CHECK(set.subjects[1].doc["image_ref"]["reference"] == "docker.io/library/busybox");
  CHECK_FALSE(set.subjects[1].doc["image_ref"].contains("tag"));
  CHECK_FALSE(set.subjects[1].doc.contains("apparmor_annotation"));
  CHECK(set.subjects[2].doc["container_type"] == "ephemeralContainer");
  CHECK(set.subjects[0].source == "web.yaml (document 1)");
}

TEST_CASE("k8s-workload: volume types by name, the service account and its token setting", "[k8s][subject]") {
  Snapshot snap =
      manifests({{"web.yaml", kWeb},
                 {"pod.yaml", "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n"}});
  SubjectSet set = build("k8s-workload", snap);
  REQUIRE(set.subjects.size() == 2);
  const json& web = named(set, "prod/Deployment/web").doc;
  CHECK(web["volume_types"] == json{{"data", "hostPath"}, {"cfg", "configMap"}});  // 'bare' has no source: an emptyDir
  CHECK(web["service_account"]["id"] == "prod/web");
  CHECK(web["service_account"]["automountServiceAccountToken"] == "false");
  CHECK(web["service_account"]["declared_in"] == "web.yaml (document 2)");
  const json& pod = named(set, "default/Pod/p").doc;  // no namespace: the default one
  CHECK(pod["service_account"]["id"] == "default/default");
  CHECK_FALSE(pod["service_account"].contains("automountServiceAccountToken"));
  CHECK_FALSE(pod.contains("volume_types"));
}

TEST_CASE("k8s-namespace: default-deny NetworkPolicies as Kubernetes applies them", "[k8s][subject]") {
  const char* policies = R"(kind: NetworkPolicy
metadata: {name: deny-in, namespace: a}
spec: {podSelector: {}}
---
kind: NetworkPolicy
metadata: {name: deny-both, namespace: b}
spec: {podSelector: {matchLabels: {}}, policyTypes: [Ingress, Egress], ingress: []}
---
kind: NetworkPolicy
metadata: {name: some-pods, namespace: c}
spec: {podSelector: {matchLabels: {app: db}}, policyTypes: [Ingress, Egress]}
---
kind: NetworkPolicy
metadata: {name: allow-all-in, namespace: c}
spec: {podSelector: {}, ingress: [{}]}
---
kind: NetworkPolicy
metadata: {name: egress-rules, namespace: d}
spec: {podSelector: {}, egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}]}
---
kind: ClusterRole
metadata: {name: no-namespace}
)";
  SubjectSet set = build("k8s-namespace", manifests({{"np.yaml", policies}}));
  REQUIRE(set.subjects.size() == 4);  // a, b, c, d: a ClusterRole belongs to none
  const json& a = named(set, "a").doc;
  CHECK(a["default_deny"]["ingress"] == json::array({"deny-in"}));  // no policyTypes: ingress only
  CHECK_FALSE(a["default_deny"].contains("egress"));
  CHECK(a["declared"] == false);
  const json& b = named(set, "b").doc;
  CHECK(b["default_deny"]["ingress"] == json::array({"deny-both"}));
  CHECK(b["default_deny"]["egress"] == json::array({"deny-both"}));
  CHECK_FALSE(named(set, "c").doc.contains("default_deny"));  // some pods only; an empty rule allows all
  CHECK(named(set, "c").doc["network_policies"].size() == 2);
  // without policyTypes a policy always governs ingress: with no ingress
  // rules it denies it all; egress is governed too, but with a rule
  CHECK(named(set, "d").doc["default_deny"] == json{{"ingress", json::array({"egress-rules"})}});
}

TEST_CASE("k8s-namespace: Istio mutual TLS from the namespace, the mesh, or Istio's default", "[k8s][subject]") {
  const char* istio = R"(apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: STRICT}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: legacy}
spec: {mtls: {mode: PERMISSIVE}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: inherit, namespace: shop}
spec: {mtls: {mode: UNSET}}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: old-db, namespace: shop}
spec: {selector: {matchLabels: {app: db}}, mtls: {mode: DISABLE}, portLevelMtls: {"5432": {mode: PERMISSIVE}}}
---
kind: Pod
metadata: {name: p, namespace: plain}
spec: {containers: [{name: c, image: x}]}
)";
  SubjectSet set = build("k8s-namespace", manifests({{"istio.yaml", istio}}));
  CHECK(named(set, "istio-system").doc["mtls"]["effective"] ==
        "STRICT (set by istio-system/PeerAuthentication/default (mesh-wide))");
  CHECK(named(set, "legacy").doc["mtls"]["effective"] == "PERMISSIVE (set by legacy/PeerAuthentication/default)");
  const json& shop = named(set, "shop").doc["mtls"];
  CHECK(shop["mode"] == "STRICT");  // UNSET inherits the mesh
  CHECK(shop["set_by"] == "istio-system/PeerAuthentication/default (mesh-wide)");
  CHECK(shop["exceptions"] == json::array({"shop/PeerAuthentication/old-db: DISABLE for the pods it selects",
                                           "shop/PeerAuthentication/old-db: PERMISSIVE on port 5432"}));
  CHECK(named(set, "plain").doc["mtls"]["mode"] == "STRICT");

  SubjectSet no_mesh =
      build("k8s-namespace", manifests({{"p.yaml", "kind: Pod\nmetadata: {name: p, namespace: x}\n"}}));
  CHECK(named(no_mesh, "x").doc["mtls"]["effective"] ==
        "PERMISSIVE (set by Istio's default: no PeerAuthentication sets a mode)");
}

TEST_CASE("k8s subjects: duplicates are told apart, bad documents are problems", "[k8s][subject]") {
  const char* pod =
      "kind: Pod\nmetadata: {name: p, namespace: ns}\nspec: {containers: [{name: c, image: x}, {image: y}]}\n";
  Snapshot snap = manifests({{"one.yaml", pod}, {"two.yaml", pod}, {"bad.yaml", "kind: Pod\nmetadata: {name: [\n"}});
  SubjectSet set = build("k8s-container", snap);
  REQUIRE(set.subjects.size() == 2);
  CHECK(set.subjects[0].name == "ns/Pod/p/c [one.yaml (document 1)]");
  CHECK(set.subjects[1].name == "ns/Pod/p/c [two.yaml (document 1)]");
  REQUIRE(set.problems.size() == 3);
  CHECK(set.problems[0].starts_with("bad.yaml (document 1): not valid YAML: "));
  CHECK(set.problems[1] == "one.yaml (document 1): Pod p: containers[1] has no name");

  SnapshotBuilder b;
  b.snap.kind = Snapshot::Kind::manifests;
  b.unreadable("locked.yaml");
  b.file("cut.yaml", "kind: Pod\nmetadata: {name: p}\n");
  b.snap.files["cut.yaml"].truncated = true;
  b.snap.manifests = {"locked.yaml", "cut.yaml"};
  SubjectSet broken = build("k8s-workload", b.snap);
  CHECK(broken.subjects.empty());
  REQUIRE(broken.problems.size() == 2);
  CHECK(broken.problems[0] == "locked.yaml: could not be read: permission denied");
  CHECK(broken.problems[1].starts_with("cut.yaml: cut at the size limit"));
}

TEST_CASE("manifests and hosts: each kind of check applies to its own kind of snapshot", "[k8s][eval]") {
  const ContentSet& c = content_of(R"(checks:
  - id: t.k8s.privileged
    title: T
    severity: high
    subject: k8s-container
    rule: {doc: {path: container.securityContext.privileged, in: ['false'], missing: pass}}
    rationale: r
    remediation: m
  - id: t.host.file
    title: T
    severity: low
    applies: {os: [debian]}
    rule: {file: {path: /etc/passwd}}
    rationale: r
    remediation: m
)");
  Snapshot snap = manifests({{"p.yaml",
                              "kind: Pod\nmetadata: {name: p, namespace: ns}\n"
                              "spec: {containers: [{name: c, image: x, securityContext: {privileged: yes}}]}\n"}});
  HostReport rep = evaluate(snap, c.select_all());
  REQUIRE(rep.results.size() == 2);
  CHECK(rep.results[0].check_id == "t.host.file");
  CHECK(rep.results[0].result == ResultKind::not_applicable);
  CHECK(rep.results[0].evidence == "Kubernetes manifests are no host: this check examines hosts");
  CHECK(rep.results[1].result == ResultKind::fail);  // `yes` is true to Kubernetes
  CHECK(rep.results[1].subject == "ns/Pod/p/c");
  CHECK(rep.results[1].evidence ==
        "container.securityContext.privileged = true (expected a value that is one of [false])");

  SnapshotBuilder host;
  HostReport on_host = evaluate(host.snap, c.select_all());
  CHECK(on_host.results[1].result == ResultKind::not_applicable);
  CHECK(on_host.results[1].evidence == "no Kubernetes manifests in this scan (scan --manifests PATH)");
}

// Kubernetes manifests as objects: streams and Lists opened into objects,
// pod templates of every workload kind, image references.

#include <catch2/catch.hpp>

#include "parse/kubernetes.hpp"

using namespace fleetaudit;
namespace p = fleetaudit::parse;

TEST_CASE("manifests: objects from streams and Lists, what is no object is reported, never fatal", "[parse][k8s]") {
  std::vector<p::K8sObject> objects;
  std::vector<std::string> problems;
  p::read_manifest(
      "all.yaml",
      "---\n# Source: chart/templates/a.yaml\napiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x}\n"
      "---\nreplicas: 3\n"  // no kind: plain data, skipped
      "---\napiVersion: v1\nkind: List\nitems:\n"
      "  - {apiVersion: apps/v1, kind: Deployment, metadata: {name: d}}\n"
      "  - {apiVersion: v1, kind: PodList, items: [{kind: Pod, metadata: {name: nested}}]}\n"
      "  - 42\n"
      "---\nkind: Pod\nmetadata: {generateName: gen-}\n"
      "---\nkind: Pod\nmetadata: {namespace: y}\n"
      "---\n[1, 2]\n",
      objects, problems);
  REQUIRE(objects.size() == 4);
  CHECK(objects[0].kind == "Pod");
  CHECK(objects[0].ns == "x");
  CHECK(objects[0].document == 1);
  CHECK(objects[0].where() == "all.yaml (document 1)");
  CHECK(objects[1].name == "d");
  CHECK(objects[1].where() == "all.yaml (document 3, item 1)");
  CHECK(objects[2].name == "nested");
  CHECK(objects[2].item == 1);
  CHECK(objects[3].name == "gen-");
  REQUIRE(problems.size() == 3);
  CHECK(problems[0] == "all.yaml (document 3, item 3): not a mapping, so not a Kubernetes object");
  CHECK(problems[1] == "all.yaml (document 5): Pod without metadata.name");
  CHECK(problems[2] == "all.yaml (document 6): not a mapping, so not a Kubernetes object");

  objects.clear();
  problems.clear();
  p::read_manifest(
      "export.json",
      R"({"kind": "List", "items": [{"kind": "Pod", "metadata": {"name": "p"}, "spec": {"hostPID": true}}]})", objects,
      problems);
  REQUIRE(objects.size() == 1);
  CHECK(problems.empty());
  CHECK(objects[0].value["spec"]["hostPID"] == true);  // JSON keeps its types

  objects.clear();
  p::read_manifest("bad.yaml", "kind: Pod\nmetadata: {name: ok}\n---\nkind: Pod\nmetadata: {name: [\n", objects,
                   problems);
  CHECK(objects.size() == 1);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].starts_with("bad.yaml (document 2): not valid YAML: "));
}

TEST_CASE("pod templates of every workload kind", "[parse][k8s]") {
  auto one = [](const std::string& text) {
    std::vector<p::K8sObject> objects;
    std::vector<std::string> problems;
    p::read_manifest("w.yaml", text, objects, problems);
    REQUIRE(objects.size() == 1);
    return objects[0];
  };
  const std::string tmpl = "template: {metadata: {labels: {app: a}}, spec: {containers: [{name: c}]}}";
  for (const char* kind : {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"}) {
    INFO(kind);
    auto o = one(std::string("kind: ") + kind + "\nmetadata: {name: w}\nspec: {" + tmpl + "}\n");
    auto t = p::pod_template(o);
    REQUIRE(t);
    CHECK((*t->spec)["containers"][0]["name"] == "c");
    REQUIRE(t->metadata);
    CHECK((*t->metadata)["labels"]["app"] == "a");
    CHECK(p::is_workload_kind(kind));
  }
  auto cron = one("kind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: {spec: {" + tmpl + "}}}\n");
  REQUIRE(p::pod_template(cron));
  auto pod = one("kind: Pod\nmetadata: {name: p, annotations: {a: b}}\nspec: {containers: []}\n");
  auto pt = p::pod_template(pod);
  REQUIRE(pt);
  CHECK((*pt->metadata)["annotations"]["a"] == "b");
  CHECK_FALSE(p::pod_template(one("kind: Service\nmetadata: {name: s}\nspec: {ports: []}\n")));
  CHECK_FALSE(p::pod_template(one("kind: Deployment\nmetadata: {name: empty}\nspec: {}\n")));
  CHECK(p::is_cluster_scoped_kind("Namespace"));
  CHECK(p::is_cluster_scoped_kind("ClusterRoleBinding"));
  CHECK_FALSE(p::is_cluster_scoped_kind("NetworkPolicy"));
}

TEST_CASE("image references: registries, Docker Hub names, tags, digests", "[parse][k8s]") {
  auto ref = [](const char* s) {
    auto r = p::parse_image_ref(s);
    REQUIRE(r);
    return *r;
  };
  CHECK(ref("nginx").full() == "docker.io/library/nginx");
  CHECK(ref("nginx:1.25").tag == "1.25");
  CHECK(ref("nginx:1.25").full() == "docker.io/library/nginx:1.25");
  CHECK(ref("bitnami/redis:7").full() == "docker.io/bitnami/redis:7");
  CHECK(ref("docker.io/nginx").full() == "docker.io/library/nginx");
  CHECK(ref("index.docker.io/library/nginx:latest").full() == "docker.io/library/nginx:latest");
  auto local = ref("localhost:5000/team/app");
  CHECK(local.registry == "localhost:5000");
  CHECK(local.repository == "team/app");
  CHECK(local.tag.empty());
  auto pinned = ref("registry.example.com:5000/team/app:2.1@sha256:abcd");
  CHECK(pinned.registry == "registry.example.com:5000");
  CHECK(pinned.tag == "2.1");
  CHECK(pinned.digest == "sha256:abcd");
  CHECK(ref("localhost/app").registry == "localhost");
  CHECK(ref("quay.io/org/app@sha256:ff").tag.empty());
  CHECK_FALSE(p::parse_image_ref(""));
  CHECK_FALSE(p::parse_image_ref("two words"));
  CHECK_FALSE(p::parse_image_ref(":tag"));
}

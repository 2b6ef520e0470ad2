// Structured documents and the `doc` rule: JSON, YAML (streams too) and TOML
// host files, paths with [*], subjects (one result per container), roles.

#include <catch2/catch.hpp>

#include "content/yaml_doc.hpp"
#include "parse/document.hpp"
#include "support/content_helpers.hpp"

using namespace fleetaudit;
using fleetaudit::testing::load_texts;
using fleetaudit::testing::SnapshotBuilder;
namespace p = fleetaudit::parse;

namespace {

std::vector<ContentSet>& kept() {
  static std::vector<ContentSet> keep;  // results point into their content
  return keep;
}

const ContentSet& content_of(const std::string& checks_yaml) {
  auto r = load_texts({{"docs.yaml", checks_yaml}});
  if (!r.ok()) FAIL("bad test content: " << r.diagnostics.front().str());
  kept().push_back(std::move(r.content));
  return kept().back();
}

std::string check_text(const std::string& rule, const std::string& extra = "") {
  return "checks:\n  - id: t.doc.rule\n    title: T\n    severity: high\n    rationale: r\n    remediation: m\n" + extra +
         "    rule: " + rule + "\n";
}

CheckResult run(const std::string& rule, const Snapshot& snap) {
  const ContentSet& c = content_of(check_text(rule));
  HostFacts facts(snap);
  return evaluate_check(facts, c.checks().front());
}

HostReport run_all(const std::string& checks_yaml, const Snapshot& snap) {
  const ContentSet& c = content_of(checks_yaml);
  return evaluate(snap, c.select_all());
}

const char* kDaemon = R"({"icc": false, "live-restore": true, "log-opts": {"max-size": "10m"},
  "default-ulimits": {"nofile": {"Name": "nofile", "Soft": 64000, "Hard": 64000}}, "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"]})";

}  // namespace

TEST_CASE("documents: JSON, YAML and TOML become one tree, errors say where", "[doc][parse]") {
  auto j = p::parse_document(R"({"a": {"b": [1, true, "x"]}})", p::DocFormat::json);
  REQUIRE(j);
  CHECK(p::doc_text((*j)["a"]["b"]) == "1,true,x");
  auto y = p::parse_document("a:\n  b: no\n  c: ~\n  d: [x, 'y']\n", p::DocFormat::yaml);
  REQUIRE(y);
  CHECK((*y)["a"]["b"] == "no");  // YAML 1.1 booleans are not guessed
  CHECK((*y)["a"]["c"].is_null());
  CHECK(p::doc_text((*y)["a"]["d"]) == "x,y");
  auto t = p::parse_document("[plugins.\"io.containerd.grpc.v1.cri\".containerd]\ndefault_runtime_name = \"runc\"\n"
                             "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.kata]\nruntime_type = \"io.containerd.kata.v2\"\n"
                             "privileged_without_host_devices = true\n",
                             p::DocFormat::toml);
  REQUIRE(t);
  auto path = p::parse_doc_path("plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.kata.runtime_type");
  REQUIRE(path);
  auto m = p::resolve(*t, *path);
  REQUIRE(m.size() == 1);
  CHECK(p::doc_text(*m[0].value) == "io.containerd.kata.v2");
  CHECK(m[0].where == "plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.kata.runtime_type");

  CHECK(p::parse_document("{\"a\": ", p::DocFormat::json).error().message.starts_with("not valid JSON: line 1"));
  CHECK(p::parse_document("a: [b\n", p::DocFormat::yaml).error().message.starts_with("not valid YAML: "));
  CHECK(p::parse_document("a = \n", p::DocFormat::toml).error().message.starts_with("not valid TOML: 1:"));
}

TEST_CASE("YAML streams: every document, numbered as a person counts them", "[doc][parse][yaml]") {
  auto s = yaml::parse_stream("a: 1\n---\n---\n# only a comment\n---\nb: &x [1, 2]\nc: *x\n");
  REQUIRE_FALSE(s.error);
  REQUIRE(s.documents.size() == 4);
  CHECK(s.documents[0].number == 1);
  CHECK(s.documents[0].root["a"].Scalar() == "1");
  CHECK(s.documents[1].root.IsNull());  // empty documents count
  CHECK(s.documents[2].root.IsNull());
  CHECK(s.documents[3].number == 4);
  CHECK(s.documents[3].start.line == 4);
  CHECK(s.documents[3].root["c"].size() == 2);  // anchors work within a document

  // anchors belong to their document
  auto scoped = yaml::parse_stream("a: &x 1\n---\nb: *x\n");
  REQUIRE(scoped.error);
  CHECK(scoped.error_document == 2);
  CHECK(scoped.documents.size() == 1);

  // an error keeps what came before and names the document it is in
  auto broken = yaml::parse_stream("a: 1\n---\nb: 2\n---\nc: [1\nd: 4\n");
  REQUIRE(broken.error);
  CHECK(broken.error_document == 3);
  CHECK(broken.documents.size() == 2);
  // ... and parse() still reads only the first document, whatever follows
  auto first = yaml::parse("a: 1\n---\nc: [1\n");
  REQUIRE(first);
  CHECK((*first)["a"].Scalar() == "1");
  CHECK(yaml::parse("").value().IsNull());
  CHECK(yaml::parse_stream("").documents.empty());
}

TEST_CASE("documents: YAML 1.1 scalars read as Kubernetes reads them", "[doc][parse][yaml]") {
  auto d = p::parse_documents(
      "a: yes\nb: Off\nc: y\nd: '0x10'\ne: 0x10\nf: 00\ng: 0o17\nh: 1_000\ni: -012\nj: nginx:1.25\nk: \"yes\"\nl: "
      "08\nm: 0\n"
      "n: True\n",
      p::DocFormat::yaml, true);
  REQUIRE(d.error.empty());
  REQUIRE(d.documents.size() == 1);
  const auto& v = d.documents[0].value;
  CHECK(v["a"] == "true");
  CHECK(v["b"] == "false");
  CHECK(v["c"] == "true");
  CHECK(v["d"] == "0x10");  // quoted: a string
  CHECK(v["e"] == "16");
  CHECK(v["f"] == "0");
  CHECK(v["g"] == "15");
  CHECK(v["h"] == "1000");
  CHECK(v["i"] == "-10");
  CHECK(v["j"] == "nginx:1.25");
  CHECK(v["k"] == "yes");
  CHECK(v["l"] == "08");  // no octal number: left as written
  CHECK(v["m"] == "0");
  CHECK(v["n"] == "true");
  // without the option nothing is guessed
  auto plain = p::parse_documents("a: yes\nb: 0x10\n", p::DocFormat::yaml);
  CHECK(plain.documents[0].value["a"] == "yes");
  CHECK(plain.documents[0].value["b"] == "0x10");
  // JSON holds one document; its errors name document 1
  auto bad = p::parse_documents("{\"a\": ", p::DocFormat::json);
  CHECK(bad.documents.empty());
  CHECK(bad.error_document == 1);
  CHECK(bad.error.starts_with("not valid JSON"));
}

TEST_CASE("document paths: keys, indexes, every element, bad paths are refused", "[doc][parse]") {
  auto doc = nlohmann::json::parse(R"({"spec": {"containers": [{"name": "a", "ports": [{"p": 80}]}, {"name": "b"}]}})");
  auto each = p::parse_doc_path("spec.containers[*].name");
  REQUIRE(each);
  auto m = p::resolve(doc, *each);
  REQUIRE(m.size() == 2);
  CHECK(m[1].where == "spec.containers[1].name");
  CHECK(p::resolve(doc, *p::parse_doc_path("spec.containers[*].ports[*].p")).size() == 1);
  CHECK(p::resolve(doc, *p::parse_doc_path("spec.containers[5].name")).empty());
  CHECK(p::resolve(doc, *p::parse_doc_path("spec.nothing[*].x")).empty());
  CHECK(p::to_string(*each) == "spec.containers[*].name");
  for (const char* bad : {"", "a..b", "a.", "a[x]", "a[", "a\"b\"", ".a", "a.[0]"}) {
    INFO(bad);
    CHECK_FALSE(p::parse_doc_path(bad));
  }
}

TEST_CASE("document paths: [*] over a mapping gives every value, named by its key", "[doc][parse]") {
  auto doc = nlohmann::json::parse(R"({"volume_types": {"data": "hostPath", "cfg": "configMap", "a.b": "nfs"}})");
  auto path = p::parse_doc_path("volume_types[*]");
  REQUIRE(path);
  auto m = p::resolve(doc, *path);
  REQUIRE(m.size() == 3);
  CHECK(m[0].where == "volume_types.\"a.b\"");
  CHECK(m[1].where == "volume_types.cfg");
  CHECK(p::doc_text(*m[2].value) == "hostPath");
}

TEST_CASE("doc rule on a host file: values, lists, defaults, absence, missing files", "[doc][eval]") {
  SnapshotBuilder b;
  b.file("/etc/docker/daemon.json", kDaemon);
  CHECK(run("{doc: {file: /etc/docker/daemon.json, path: icc, equals: 'false'}}", b.snap).result == ResultKind::pass);
  auto r = run("{doc: {file: /etc/docker/daemon.json, path: live-restore, equals: 'false'}}", b.snap);
  CHECK(r.result == ResultKind::fail);
  CHECK(r.evidence == "/etc/docker/daemon.json: live-restore = true (expected a value that equals false)");
  CHECK(run("{doc: {file: /etc/docker/daemon.json, path: default-ulimits.nofile.Hard, at_most: 65536}}", b.snap).result ==
        ResultKind::pass);
  // a list is tested as its elements joined: no TCP socket without TLS
  r = run("{doc: {file: /etc/docker/daemon.json, path: 'hosts[*]', not_matches: '^tcp://', each: all}}", b.snap);
  CHECK(r.result == ResultKind::fail);
  CHECK(r.evidence.find("hosts[1] = tcp://0.0.0.0:2376") != std::string::npos);
  CHECK(run("{doc: {file: /etc/docker/daemon.json, path: 'hosts[*]', matches: '^unix://', each: any}}", b.snap).result ==
        ResultKind::pass);
  CHECK(run("{doc: {file: /etc/docker/daemon.json, path: 'hosts[*]', matches: '^fd://', each: none}}", b.snap).result ==
        ResultKind::pass);
  // absent keys: fail by default, a default value, absent: true
  CHECK(run("{doc: {file: /etc/docker/daemon.json, path: userns-remap, set: true}}", b.snap).result == ResultKind::fail);
  CHECK(run("{doc: {file: /etc/docker/daemon.json, path: no-new-privileges, default: 'false', equals: 'true'}}", b.snap).result ==
        ResultKind::fail);
  CHECK(run("{doc: {file: /etc/docker/daemon.json, path: [log-opts.max-file, log-opts.max-size], set: true}}", b.snap).result ==
        ResultKind::pass);
  CHECK(run("{doc: {file: /etc/docker/daemon.json, path: insecure-registries, absent: true}}", b.snap).result == ResultKind::pass);
  CHECK(run("{doc: {file: /etc/docker/daemon.json, path: icc, absent: true}}", b.snap).result == ResultKind::fail);
  // the file: missing follows 'missing', broken is an error, not collected is an error
  b.missing("/etc/docker/other.json");
  CHECK(run("{doc: {file: /etc/docker/other.json, path: icc, equals: 'false'}}", b.snap).result == ResultKind::fail);
  CHECK(run("{doc: {file: /etc/docker/other.json, path: icc, equals: 'false', missing: pass}}", b.snap).result == ResultKind::pass);
  b.file("/etc/docker/broken.json", "{\"icc\": ");
  r = run("{doc: {file: /etc/docker/broken.json, path: icc, equals: 'false'}}", b.snap);
  CHECK(r.result == ResultKind::error);
  CHECK(r.evidence.starts_with("/etc/docker/broken.json: not valid JSON"));
  CHECK(run("{doc: {file: /etc/never.json, path: icc, equals: 'false'}}", b.snap).result == ResultKind::error);
  // YAML and TOML files by their names
  b.file("/var/lib/kubelet/config.yaml", "authentication:\n  anonymous:\n    enabled: false\nreadOnlyPort: 0\n");
  CHECK(run("{doc: {file: /var/lib/kubelet/config.yaml, path: authentication.anonymous.enabled, equals: 'false'}}", b.snap).result ==
        ResultKind::pass);
  CHECK(run("{doc: {file: /var/lib/kubelet/config.yaml, path: readOnlyPort, equals: '0'}}", b.snap).result == ResultKind::pass);
}

TEST_CASE("doc rule content is checked when loaded", "[doc][content]") {
  auto bad = [](const std::string& rule, const std::string& extra = "") {
    auto r = load_texts({{"d.yaml", check_text(rule, extra)}});
    REQUIRE_FALSE(r.ok());
    return r.diagnostics.front().str();
  };
  CHECK(bad("{doc: {file: /etc/x.json, path: 'a..b', equals: x}}").find("path 'a..b': empty key") != std::string::npos);
  CHECK(bad("{doc: {file: /etc/x.conf, path: a, equals: x}}").find("cannot tell the format") != std::string::npos);
  CHECK(bad("{doc: {file: /etc/x.json, path: a}}").find("rule has no value test") != std::string::npos);
  CHECK(bad("{doc: {path: a, equals: x}}").find("give the check a 'subject'") != std::string::npos);
  CHECK(bad("{doc: {path: a, equals: x}}", "    subject: vm\n").find("unknown subject kind 'vm'") != std::string::npos);
  CHECK(bad("{doc: {file: /etc/x.json, path: a, each: some, equals: x}}").find("'each' must be all, any or none") !=
        std::string::npos);
}

TEST_CASE("subjects: one result per container, named, none is not applicable, unreadable is an error", "[doc][subject]") {
  const std::string checks = check_text("{doc: {path: hostconfig.Privileged, equals: 'false', default: 'false'}}",
                                        "    subject: docker-container\n");
  SnapshotBuilder b;
  b.glob("/var/lib/docker/containers/*/config.v2.json", {});
  b.glob("/var/lib/docker/containers/*/hostconfig.json", {});
  HostReport none = run_all(checks, b.snap);
  REQUIRE(none.results.size() == 1);
  CHECK(none.results[0].result == ResultKind::not_applicable);
  CHECK(none.results[0].evidence == "no Docker containers in /var/lib/docker/containers");

  const std::string a = "/var/lib/docker/containers/aaaaaaaaaaaa1111";
  const std::string z = "/var/lib/docker/containers/zzzzzzzzzzzz2222";
  const std::string x = "/var/lib/docker/containers/xxxxxxxxxxxx3333";
  b.glob("/var/lib/docker/containers/*/config.v2.json", {a + "/config.v2.json", x + "/config.v2.json", z + "/config.v2.json"});
  b.file(a + "/config.v2.json", R"({"Name": "/web", "Config": {"User": ""}})").file(a + "/hostconfig.json", R"({"Privileged": true})");
  b.file(z + "/config.v2.json", R"({"Name": "/db"})").file(z + "/hostconfig.json", R"({"Privileged": false})");
  b.file(x + "/config.v2.json", "{not json");
  HostReport rep = run_all(checks, b.snap);
  REQUIRE(rep.results.size() == 3);
  CHECK(rep.results[0].subject == "web (aaaaaaaaaaaa)");
  CHECK(rep.results[0].result == ResultKind::fail);
  CHECK(rep.results[0].evidence == "hostconfig.Privileged = true (expected a value that equals false)");
  CHECK(rep.results[1].subject == "db (zzzzzzzzzzzz)");
  CHECK(rep.results[1].result == ResultKind::pass);
  CHECK(rep.results[2].result == ResultKind::error);
  CHECK(rep.results[2].subject == x + "/config.v2.json");
  CHECK(rep.summary.fail == 1);
  CHECK(rep.summary.pass == 1);
  CHECK(rep.summary.error == 1);
  for (const auto& r : rep.results) CHECK(r.item == 0);
  // one result per check from the single-check API: the worst, every subject's evidence
  HostFacts facts(b.snap);
  CheckResult agg = evaluate_check(facts, kept().back().checks().front());
  CHECK(agg.result == ResultKind::fail);
  CHECK(agg.evidence.starts_with("[web (aaaaaaaaaaaa)] hostconfig.Privileged = true"));
  // the plan asks for what the kind needs
  Plan plan = kept().back().checks().front().plan();
  CHECK(plan.items.count("/var/lib/docker/containers/*/config.v2.json"));
}

TEST_CASE("roles: a check for k8s-node applies only to hosts with that tag", "[doc][roles]") {
  SnapshotBuilder b;
  b.file("/var/lib/kubelet/config.yaml", "readOnlyPort: 10255\n");
  const std::string checks = check_text("{doc: {file: /var/lib/kubelet/config.yaml, path: readOnlyPort, equals: '0'}}",
                                        "    applies: {role: [k8s-node]}\n");
  HostReport plain = run_all(checks, b.snap);
  CHECK(plain.results[0].result == ResultKind::not_applicable);
  CHECK(plain.results[0].evidence == "host roles are none, check applies to k8s-node");
  b.snap.tags = {"edge", "k8s-node"};
  HostReport node = run_all(checks, b.snap);
  CHECK(node.results[0].result == ResultKind::fail);
  CHECK(node.tags == std::vector<std::string>{"edge", "k8s-node"});
}

TEST_CASE("applicability: any_file holds when one of the files exists", "[doc][applies]") {
  const ContentSet& c = content_of(R"(checks:
  - id: t.any.file
    title: T
    severity: low
    applies: {any_file: [/etc/a.conf, /etc/b.conf]}
    rule: {file: {path: /etc/b.conf, mode_max: "0600", missing: pass}}
    rationale: r
    remediation: m
)");
  SnapshotBuilder b;
  b.missing("/etc/a.conf").missing("/etc/b.conf");
  HostReport none = evaluate(b.snap, c.select_all());
  CHECK(none.results[0].result == ResultKind::not_applicable);
  CHECK(none.results[0].evidence == "none of /etc/a.conf, /etc/b.conf exists");
  b.file("/etc/b.conf", "x", 0644);
  CHECK(evaluate(b.snap, c.select_all()).results[0].result == ResultKind::fail);
  CHECK(c.checks()[0].plan().items.count("/etc/a.conf"));
  CHECK_FALSE(
      load_texts({{"bad.yaml",
                   "checks:\n  - id: t.x.y\n    title: T\n    severity: low\n    applies: {any_file: ['/etc/*.conf']}\n"
                   "    rule: {file: {path: /etc/x}}\n    rationale: r\n    remediation: m\n"}})
          .ok());
}

TEST_CASE("policy lists: allowed and denied patterns, an unset list leaves the check to a person", "[doc][policy]") {
  auto pol = parse_policy("allowed_registries: ['harbor.example.com/*', 'registry.k8s.io/pause:*']\nempty_list: []\n", "p.yaml");
  REQUIRE(pol);
  CHECK(pol->lists.at("allowed_registries").size() == 2);
  CHECK(parse_policy("a: [x]\na: [y]\n", "p.yaml").error().message == "p.yaml:2:1: list 'a' is given twice");
  CHECK(parse_policy("Bad-Name: [x]\n", "p.yaml").error().message.starts_with("p.yaml:1:1: list name 'Bad-Name'"));
  CHECK(parse_policy("- x\n", "p.yaml").error().message.starts_with("p.yaml:1:1: a policy is a mapping"));

  const std::string checks = check_text("{doc: {path: config.Config.Image, allowed: allowed_registries}}",
                                        "    subject: docker-container\n");
  SnapshotBuilder b;
  const std::string a = "/var/lib/docker/containers/aaaaaaaaaaaa1111";
  const std::string z = "/var/lib/docker/containers/zzzzzzzzzzzz2222";
  b.glob("/var/lib/docker/containers/*/config.v2.json", {a + "/config.v2.json", z + "/config.v2.json"});
  b.glob("/var/lib/docker/containers/*/hostconfig.json", {});
  b.file(a + "/config.v2.json", R"({"Name": "/web", "Config": {"Image": "harbor.example.com/team/web:1.4"}})");
  b.file(z + "/config.v2.json", R"({"Name": "/db", "Config": {"Image": "docker.io/library/postgres:16"}})");
  const ContentSet& c = content_of(checks);
  HostReport with = evaluate(b.snap, c.select_all(), &*pol);
  REQUIRE(with.results.size() == 2);
  CHECK(with.results[0].result == ResultKind::pass);
  CHECK(with.results[1].result == ResultKind::fail);
  CHECK(with.results[1].evidence ==
        "config.Config.Image = docker.io/library/postgres:16 (docker.io/library/postgres:16 is not in policy list "
        "'allowed_registries')");
  HostReport without = evaluate(b.snap, c.select_all());
  CHECK(without.results[0].result == ResultKind::manual);
  CHECK(without.results[0].evidence.starts_with("policy list 'allowed_registries' is not set (scan --policy FILE)"));
  // denied: no value may match
  const ContentSet& d = content_of(check_text("{doc: {path: config.Config.Image, denied: empty_list}}", "    subject: docker-container\n"));
  HostReport den = evaluate(b.snap, d.select_all(), &*pol);
  CHECK(den.results[0].result == ResultKind::pass);
}

TEST_CASE("document paths: [*] walks the values of a mapping", "[doc][parse]") {
  auto doc = nlohmann::json::parse(R"({"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "80"}],
                                         "443/tcp": [{"HostIp": "10.0.0.5", "HostPort": "8443"}]},
                                        "MountPoints": {"/data": {"Source": "/srv/data"}, "a.b": {"Source": "/x"}}})");
  auto ports = p::resolve(doc, *p::parse_doc_path("PortBindings[*][*].HostPort"));
  REQUIRE(ports.size() == 2);
  CHECK(ports[0].where == "PortBindings.443/tcp[0].HostPort");  // keys in order
  CHECK(p::doc_text(*ports[1].value) == "80");
  auto mounts = p::resolve(doc, *p::parse_doc_path("MountPoints[*].Source"));
  REQUIRE(mounts.size() == 2);
  CHECK(mounts[1].where == "MountPoints.\"a.b\".Source");
  CHECK(p::resolve(doc, *p::parse_doc_path("PortBindings[*].HostPort")).empty());  // a list has no keys
}

TEST_CASE("docker images: one subject per image in the store, named by its tags", "[doc][subject]") {
  const std::string checks = check_text("{doc: {path: config.config.User, not_matches: '^(?:root|0)?(?::|$)', default: ''}}",
                                        "    subject: docker-image\n");
  const std::string store = "/var/lib/docker/image/overlay2/imagedb/content/sha256/";
  const std::string a(64, 'a'), b(64, 'b');
  SnapshotBuilder s;
  s.glob(store.substr(0, store.find("overlay2")) + "*/imagedb/content/sha256/*", {store + a, store + b});
  s.glob("/var/lib/docker/image/*/repositories.json", {"/var/lib/docker/image/overlay2/repositories.json"});
  s.file("/var/lib/docker/image/overlay2/repositories.json",
         R"({"Repositories": {"app": {"app@sha256:ffff": "sha256:)" + a + R"(", "app:1.0": "sha256:)" + a + R"("}}})");
  s.file(store + a, R"({"config": {"User": "app"}, "history": []})");
  s.file(store + b, R"({"config": {"Env": ["PATH=/bin"]}})");
  HostReport rep = run_all(checks, s.snap);
  REQUIRE(rep.results.size() == 2);
  CHECK(rep.results[0].subject == "app:1.0 (aaaaaaaaaaaa)");  // a tag names it before a digest
  CHECK(rep.results[0].result == ResultKind::pass);
  CHECK(rep.results[1].subject == "<untagged> (bbbbbbbbbbbb)");
  CHECK(rep.results[1].result == ResultKind::fail);
  CHECK(rep.results[1].evidence.starts_with("config.config.User is not set (default )"));
}

TEST_CASE("docker containers: the image's configuration and the writable mounts come with the document", "[doc][subject]") {
  const std::string c = "/var/lib/docker/containers/" + std::string(64, 'c');
  const std::string img(64, 'e');
  SnapshotBuilder s;
  s.glob("/var/lib/docker/containers/*/config.v2.json", {c + "/config.v2.json"});
  s.glob("/var/lib/docker/image/*/imagedb/content/sha256/*", {"/var/lib/docker/image/overlay2/imagedb/content/sha256/" + img});
  s.file("/var/lib/docker/image/overlay2/imagedb/content/sha256/" + img, R"({"config": {"User": "app"}, "history": [{"created_by": "apt-get install -y openssh-server"}]})");
  s.file(c + "/config.v2.json", R"({"Name": "/web", "Image": "sha256:)" + img + R"(", "MountPoints": {
      "/etc/localtime": {"Source": "/etc/localtime", "RW": false}, "/conf": {"Source": "/etc/nginx", "RW": true},
      "/vol": {"Source": "", "RW": true, "Type": "volume"}}})");
  s.file(c + "/hostconfig.json", "{}");
  HostReport rep = run_all(check_text("{doc: {path: 'writable_mounts[*]', each: none, matches: '^/etc(?:/|$)', missing: pass}}",
                                      "    subject: docker-container\n"),
                           s.snap);
  REQUIRE(rep.results.size() == 1);
  CHECK(rep.results[0].result == ResultKind::fail);
  CHECK(rep.results[0].evidence.starts_with("writable_mounts[0] = /etc/nginx"));
  rep = run_all(check_text("{doc: {path: 'image.history[*].created_by', each: none, matches: 'openssh-server', missing: pass}}",
                           "    subject: docker-container\n"),
                s.snap);
  CHECK(rep.results[0].result == ResultKind::fail);
}

TEST_CASE("podman containers: the OCI runtime configuration, named from containers.json", "[doc][subject]") {
  const std::string root = "/var/lib/containers/storage/overlay-containers/";
  const std::string a(64, '1'), b(64, '2');
  SnapshotBuilder s;
  s.glob(root + "*/userdata/config.json", {root + a + "/userdata/config.json", root + b + "/userdata/config.json"});
  s.file(root + "containers.json", R"([{"id": ")" + a + R"(", "names": ["web"]}])");
  s.file(root + a + "/userdata/config.json", R"({"process": {"user": {"uid": 0}}, "linux": {"namespaces": [
      {"type": "pid"}, {"type": "network", "path": "/run/netns/x"}, {"type": "mount"}]},
      "mounts": [{"destination": "/c", "type": "bind", "source": "/etc/app", "options": ["rbind"]},
                 {"destination": "/r", "type": "bind", "source": "/etc/ro", "options": ["ro", "rbind"]},
                 {"destination": "/proc", "type": "proc", "source": "proc"}]})");
  s.file(root + b + "/userdata/config.json", R"({"linux": {"namespaces": [{"type": "network", "path": "/proc/1/ns/net"}]}})");
  HostReport rep = run_all(check_text("{doc: {path: namespaces, list_includes: [network]}}", "    subject: podman-container\n"), s.snap);
  REQUIRE(rep.results.size() == 2);
  CHECK(rep.results[0].subject == "web (111111111111)");
  CHECK(rep.results[0].result == ResultKind::pass);
  CHECK(rep.results[0].evidence == "namespaces = mount,network,pid");
  CHECK(rep.results[1].subject == "container (222222222222)");
  CHECK(rep.results[1].result == ResultKind::fail);  // the host's own network namespace, by path
  rep = run_all(check_text("{doc: {path: 'writable_mounts[*]', each: none, matches: '^/etc', missing: pass}}", "    subject: podman-container\n"),
                s.snap);
  CHECK(rep.results[0].result == ResultKind::fail);
  CHECK(rep.results[0].evidence == "writable_mounts[0] = /etc/app (no element may match: matches /^/etc/)");
  CHECK(rep.results[1].result == ResultKind::pass);
  // a host without podman storage: not applicable
  SnapshotBuilder none;
  none.glob(root + "*/userdata/config.json", {});
  HostReport empty = run_all(check_text("{doc: {path: namespaces, list_includes: [network]}}", "    subject: podman-container\n"), none.snap);
  CHECK(empty.results[0].result == ResultKind::not_applicable);
  CHECK(empty.results[0].evidence == "no podman containers in /var/lib/containers/storage/overlay-containers");
}

TEST_CASE("group members against a policy list, no policy leaves it to a person", "[accounts][policy]") {
  SnapshotBuilder s;
  s.file("/etc/passwd", "root:x:0:0::/root:/bin/bash\nadmin:x:1000:1000::/home/admin:/bin/bash\nci:x:1001:999::/srv/ci:/bin/sh\n");
  s.file("/etc/group", "root:x:0:\ndocker:x:999:admin,eve\nadmin:x:1000:\n");
  s.file("/etc/shadow", "");
  const ContentSet& c = content_of(check_text("{accounts: {property: group_members, group: docker, allowed: docker_users}}"));
  HostReport manual = evaluate(s.snap, c.select_all());
  CHECK(manual.results[0].result == ResultKind::manual);
  CHECK(manual.results[0].evidence.find("/etc/group:2: docker lists eve") != std::string::npos);
  CHECK(manual.results[0].evidence.find("/etc/passwd:3: ci has primary group docker") != std::string::npos);
  auto pol = parse_policy("docker_users: [admin, 'c*']\n", "p.yaml");
  REQUIRE(pol);
  HostReport judged = evaluate(s.snap, c.select_all(), &*pol);
  CHECK(judged.results[0].result == ResultKind::fail);
  CHECK(judged.results[0].evidence == "/etc/group:2: docker lists eve (not in policy list 'docker_users')");
  s.file("/etc/group", "root:x:0:\n");
  CHECK(evaluate(s.snap, c.select_all(), &*pol).results[0].result == ResultKind::pass);
  auto bad = load_texts({{"d.yaml", check_text("{accounts: {property: uid0_only_root, group: docker}}")}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.diagnostics.front().message == "'group' belongs to property group_members");
}

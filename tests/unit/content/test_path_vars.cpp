// Path variables in content ("${docker.data-root}"), dockerd's command line,
// and profile entries answered by more than one check.

#include <catch2/catch.hpp>

#include "content/path_vars.hpp"
#include "support/content_helpers.hpp"

using namespace fleetaudit;
using fleetaudit::testing::load_texts;
using fleetaudit::testing::SnapshotBuilder;
namespace d = fleetaudit::detail;

namespace {

const char* kCheckHead = "checks:\n  - id: t.v.rule\n    title: T\n    severity: high\n    rationale: r\n    remediation: m\n";

std::vector<ContentSet>& kept() {
  static std::vector<ContentSet> keep;
  return keep;
}

const Check& check_of(const std::string& body) {
  auto r = load_texts({{"vars.yaml", std::string(kCheckHead) + body}});
  if (!r.ok()) FAIL("bad test content: " << r.diagnostics.front().str());
  kept().push_back(std::move(r.content));
  return kept().back().checks().front();
}

}  // namespace

TEST_CASE("path variables: defaults, unknown names, the files that move them", "[vars][content]") {
  CHECK(d::with_fallbacks("${docker.data-root}/containers") == "/var/lib/docker/containers");
  CHECK(d::with_fallbacks("/etc/x") == "/etc/x");
  CHECK(d::variable_problem("${docker.data-root}/x").empty());
  CHECK(d::variable_problem("${docker.dataroot}/x").starts_with("unknown path variable '${docker.dataroot}'"));
  CHECK(d::variable_problem("${docker.data-root/x").starts_with("unclosed '${'"));
  auto bad = load_texts({{"v.yaml", std::string(kCheckHead) + "    rule: {file: {path: '${nope}/x', owner: root}}\n"}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.diagnostics.front().str().find("unknown path variable '${nope}'") != std::string::npos);
}

TEST_CASE("dockerd options from unit files and defaults files", "[vars][parse]") {
  std::vector<std::string_view> flags{"--data-root", "-g"};
  auto v = d::dockerd_flag_value("[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// \\\n    --data-root /srv/docker \\\n    --icc=false\n", flags);
  REQUIRE(v);
  CHECK(v->value == "/srv/docker");
  CHECK(v->line == 4);
  v = d::dockerd_flag_value("DOCKER_OPTS=\"-g /data/docker --dns 1.1.1.1\"\n", flags);
  REQUIRE(v);
  CHECK(v->value == "/data/docker");
  CHECK(v->flag == "-g");
  v = d::dockerd_flag_value("ExecStart=/usr/bin/dockerd --data-root=/a\n# ExecStart=/usr/bin/dockerd --data-root=/b\nExecStart=/usr/bin/dockerd --data-root=/c\n", flags);
  REQUIRE(v);
  CHECK(v->value == "/c");  // the last wins; comments do not count
  CHECK_FALSE(d::dockerd_flag_value("ExecStart=/usr/bin/dockerd --data-rooted=/x --g /y\n", flags));
}

TEST_CASE("path variables resolve from daemon.json, else dockerd's options, else the default", "[vars][eval]") {
  const Check& c = check_of("    rule: {mount: {path: '${docker.data-root}', separate: true}}\n");
  SnapshotBuilder b;
  b.file("/proc/mounts", "/dev/vda1 / ext4 rw 0 0\n/dev/vdb1 /srv/docker ext4 rw 0 0\n");
  b.file("/etc/fstab", "");
  for (const auto& f : d::dockerd_argument_files()) {
    if (f.find('*') != std::string::npos) b.glob(f, {});
    else b.missing(f);
  }
  b.missing("/etc/docker/daemon.json");
  {
    HostFacts facts(b.snap);
    auto r = evaluate_check(facts, c);
    CHECK(r.result == ResultKind::fail);
    CHECK(r.evidence == "/var/lib/docker is not a separate file system (not in /proc/mounts)");
  }
  // moved by a drop-in's option
  b.glob("/etc/systemd/system/docker.service.d/*.conf", {"/etc/systemd/system/docker.service.d/root.conf"});
  b.file("/etc/systemd/system/docker.service.d/root.conf", "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --data-root=/srv/docker/\n");
  {
    HostFacts facts(b.snap);
    auto r = evaluate_check(facts, c);
    CHECK(r.result == ResultKind::pass);
    CHECK(r.evidence.find("docker.data-root = /srv/docker (/etc/systemd/system/docker.service.d/root.conf:3: --data-root)") !=
          std::string::npos);
  }
  // daemon.json wins
  b.file("/etc/docker/daemon.json", R"({"data-root": "/data/docker"})");
  {
    HostFacts facts(b.snap);
    auto r = evaluate_check(facts, c);
    CHECK(r.result == ResultKind::fail);
    CHECK(r.evidence.starts_with("/data/docker is not a separate file system"));
    CHECK(r.evidence.find("(/etc/docker/daemon.json: data-root)") != std::string::npos);
  }
  // planned: the mount tables and the files that decide the variable
  Plan p = c.plan();
  CHECK(p.items.count("/proc/mounts"));
  CHECK(p.items.count("/etc/docker/daemon.json"));
  CHECK(p.items.count("/etc/default/docker"));
}

TEST_CASE("follow-up plans move what sits under a default to where the host put it", "[vars][plan]") {
  Plan plan;
  d::plan_path("${docker.data-root}/containers/*/config.v2.json", kPlanContent, plan);
  d::plan_path("${docker.data-root}/aufs", kPlanStat, plan);
  SnapshotBuilder b;
  b.file("/etc/docker/daemon.json", R"({"data-root": "/var/lib/docker/nested"})");
  Plan next = followup_plan(plan, b.snap);
  CHECK(next.items.count("/var/lib/docker/nested/containers/*/config.v2.json"));
  CHECK(next.items.at("/var/lib/docker/nested/aufs") == kPlanStat);
  // a moved root under the default is not moved again
  plan.merge(next);
  b.glob("/var/lib/docker/nested/containers/*/config.v2.json", {});
  b.missing("/var/lib/docker/nested/aufs");
  CHECK(followup_plan(plan, b.snap).empty());
  // a relative data-root is refused by dockerd: the default stays
  SnapshotBuilder r;
  r.file("/etc/docker/daemon.json", R"({"data-root": "docker"})");
  CHECK(followup_plan(plan, r.snap).empty());
}

TEST_CASE("a profile entry may be answered by several checks (also)", "[content][profile]") {
  const std::string checks =
      "checks:\n"
      "  - {id: t.docker.priv, title: D, severity: high, rationale: r, remediation: m, refs: {cis: {b: '5.5'}},"
      " rule: {file: {path: /x, exists: false}}}\n"
      "  - {id: t.podman.priv, title: P, severity: high, rationale: r, remediation: m, refs: {cis: {b: '5.5'}},"
      " rule: {file: {path: /y, exists: false}}}\n";
  const std::string profile =
      "id: b\ntitle: B\nversion: '1'\nlevels: [{level: 1, title: L1}]\n"
      "entries:\n  - {section: '5.5', check: t.docker.priv, also: [t.podman.priv], level: 1}\n";
  auto r = load_texts({{"c.yaml", checks}, {"p.yaml", profile}});
  INFO((r.ok() ? std::string() : r.diagnostics.front().str()));
  REQUIRE(r.ok());
  auto sel = r.content.select("b", 0);
  REQUIRE(sel);
  REQUIRE(sel->items.size() == 2);
  CHECK(sel->items[1].check->id == "t.podman.priv");
  CHECK(sel->items[1].entry->section == "5.5");
  // a check citing the section without being listed is refused, as before
  auto unlisted = load_texts({{"c.yaml", checks}, {"p.yaml", "id: b\ntitle: B\nversion: '1'\nlevels: [{level: 1, title: L1}]\n"
                                                              "entries:\n  - {section: '5.5', check: t.docker.priv, level: 1}\n"}});
  REQUIRE_FALSE(unlisted.ok());
  CHECK(unlisted.diagnostics.front().message.find("'t.podman.priv' cites b 5.5") != std::string::npos);
  auto manual_also = load_texts({{"c.yaml", checks}, {"p.yaml", "id: b\ntitle: B\nversion: '1'\nlevels: [{level: 1, title: L1}]\n"
                                                                 "entries:\n  - {section: '5.5', manual: why, title: t, also: [t.podman.priv], level: 1}\n"}});
  REQUIRE_FALSE(manual_also.ok());
}

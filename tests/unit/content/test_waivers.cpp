// Waivers: parsing with file:line, matching by check, host, group, tag and
// subject, expiry on the scan's date, and the notes for expired and unused ones.

#include <catch2/catch.hpp>

#include "fleetaudit/waivers.hpp"
#include "support/content_helpers.hpp"

using namespace fleetaudit;

namespace {

CheckResult result(const std::string& check, ResultKind k, const std::string& subject = "", Severity s = Severity::high) {
  CheckResult r;
  r.check_id = check;
  r.result = k;
  r.subject = subject;
  r.severity = s;
  r.evidence = "seen";
  return r;
}

HostReport host(const std::string& name) {
  HostReport h;
  h.host = name;
  h.results = {result("ssh.server.root-login-disabled", ResultKind::fail), result("ssh.server.max-auth-tries", ResultKind::fail),
               result("ssh.server.banner", ResultKind::pass),
               result("docker.container.privileged", ResultKind::fail, "web (aaaaaaaaaaaa)"),
               result("docker.container.privileged", ResultKind::fail, "db (bbbbbbbbbbbb)")};
  h.summary = summarize(h.results);
  return h;
}

const char* kFile = R"(waivers:
  - check: ssh.server.root-login-disabled
    hosts: [web-*, group:legacy]
    reason: deploy tool logs in as root until replaced
    owner: platform@example.com
    expires: 2026-12-31
  - check: docker.container.*
    subject: "web (*"
    hosts: tag:edge
    reason: the web container needs raw sockets for now
    owner: web-team
    expires: 2026-11-21
  - check: ssh.server.max-auth-tries
    reason: old
    owner: someone
    expires: 2026-01-01
  - check: ssh.server.banner
    reason: never fails here
    owner: someone
    expires: 2030-01-01
)";

}  // namespace

TEST_CASE("waivers: failures matched by check, host, group, tag and subject are waived until they expire", "[waivers]") {
  auto set = parse_waivers(kFile, "waivers.yaml");
  REQUIRE(set);
  REQUIRE(set->waivers.size() == 4);
  CHECK(set->waivers[0].where.line == 2);
  WaiverUse use;
  HostReport web = host("web-1");
  apply_waivers(web, {"web-1", {"frontend"}, {"edge"}}, *set, "2026-11-21T22:00:00Z", use);
  CHECK(web.results[0].result == ResultKind::waived);
  CHECK(web.results[0].evidence ==
        "seen\nwaived until 2026-12-31 (platform@example.com): deploy tool logs in as root until replaced [waivers.yaml:2]");
  CHECK(web.results[1].result == ResultKind::fail);  // its waiver expired on 2026-01-01
  CHECK(web.results[3].result == ResultKind::waived);  // the expiry day itself still counts
  CHECK(web.results[4].result == ResultKind::fail);  // another subject
  CHECK(web.summary.waived == 2);
  CHECK(web.summary.fail == 2);

  HostReport legacy = host("db-7");
  apply_waivers(legacy, {"db-7", {"legacy"}, {}}, *set, "2026-11-21", use);
  CHECK(legacy.results[0].result == ResultKind::waived);  // by group
  CHECK(legacy.results[3].result == ResultKind::fail);    // not tagged edge
  HostReport other = host("db-8");
  apply_waivers(other, {"db-8", {}, {}}, *set, "2026-11-21", use);
  CHECK(other.summary.waived == 0);

  // a day later the subject waiver has lapsed too
  HostReport later = host("web-1");
  WaiverUse use2;
  apply_waivers(later, {"web-1", {}, {"edge"}}, *set, "2026-11-22", use2);
  CHECK(later.results[3].result == ResultKind::fail);

  auto notes = waiver_notes(*set, use);
  REQUIRE(notes.size() == 2);
  CHECK(notes[0] == "expired waiver waivers.yaml:13: ssh.server.max-auth-tries expired 2026-01-01 (someone)");
  CHECK(notes[1] == "unused waiver waivers.yaml:17: ssh.server.banner waived no failure");
}

TEST_CASE("waivers: every problem in the file is named with its line", "[waivers]") {
  auto bad = parse_waivers("waivers:\n  - check: a.b.c\n    reason: r\n    owner: o\n    expires: 2026-13-01\n"
                           "  - check: a.b.d\n    reasn: typo\n    owner: o\n    expires: 2026-01-01\n",
                           "w.yaml");
  REQUIRE_FALSE(bad);
  const std::string& m = bad.error().message;
  CHECK(m.find("w.yaml:5:14: 'expires' must be a date YYYY-MM-DD, not '2026-13-01'") != std::string::npos);
  CHECK(m.find("w.yaml:7:5: unknown key 'reasn'") != std::string::npos);
  CHECK(m.find("w.yaml:6:5: waiver lacks 'reason'") != std::string::npos);
  CHECK(parse_waivers("- x\n", "w.yaml").error().message.starts_with("w.yaml:1:1: a waiver file is a mapping"));
  CHECK(parse_waivers("waivers: [\n", "w.yaml").error().message.starts_with("w.yaml:"));
  CHECK(parse_waivers("", "w.yaml")->waivers.empty());
  // a check id the content does not know is a typo, named
  auto content = fleetaudit::testing::load_texts(
      {{"c.yaml", "checks:\n  - id: a.b.c\n    title: T\n    severity: low\n    rationale: r\n    remediation: m\n"
                  "    rule: {file: {path: /etc/x}}\n"}});
  REQUIRE(content.ok());
  auto unknown = parse_waivers("waivers:\n  - check: a.b.typo\n    reason: r\n    owner: o\n    expires: 2026-01-01\n", "w.yaml",
                               &content.content);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message == "w.yaml:2:12: no check with id 'a.b.typo'");
  CHECK(parse_waivers("waivers:\n  - check: a.*\n    reason: r\n    owner: o\n    expires: 2026-01-01\n", "w.yaml", &content.content));
}

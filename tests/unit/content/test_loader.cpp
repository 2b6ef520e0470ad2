// The content loader refuses bad content with file:line:column and one reason.

#include <catch2/catch.hpp>

#include "support/content_helpers.hpp"

using namespace fleetaudit;
using fleetaudit::testing::load_texts;

namespace {

const char* kGoodCheck = R"(checks:
  - id: test.area.one
    title: One
    severity: low
    rule:
      file: {path: /etc/passwd, mode_max: "0644"}
    rationale: r
    remediation: m
    refs:
      cis: {bench-x: "1.1"}
)";

std::string first_error(const ContentSet::LoadResult& r) {
  return r.diagnostics.empty() ? std::string("(no error)") : r.diagnostics.front().str();
}

// A two-level profile: 1.1 -> test.area.one, 1.2 -> `second`, 1.3 manual.
std::string bench_x_profile(const std::string& second) {
  return "id: bench-x\ntitle: Bench X\nversion: \"1\"\nlevels: [{level: 1, title: L1}, {level: 2, title: L2}]\nentries:\n"
         "  - {section: \"1.1\", check: test.area.one, level: 1}\n"
         "  - {section: \"1.2\", check: " + second + ", level: 2}\n"
         "  - {section: \"1.3\", manual: \"a person decides\", title: \"Look at it\", level: 1}\n";
}

std::string check_with_rule(const std::string& rule) {
  return "checks:\n  - id: test.area.x\n    title: X\n    severity: low\n    rationale: r\n    remediation: m\n    rule:\n" + rule;
}

}  // namespace

TEST_CASE("good content loads", "[content][loader]") {
  auto r = load_texts({{"a.yaml", kGoodCheck}});
  INFO(first_error(r));
  REQUIRE(r.ok());
  REQUIRE(r.content.checks().size() == 1);
  const Check& c = r.content.checks()[0];
  CHECK(c.id == "test.area.one");
  CHECK(c.area == "a");
  CHECK(c.severity == Severity::low);
  CHECK(c.defined_at.line == 2);
  CHECK(c.refs.cis.at("bench-x") == std::vector<std::string>{"1.1"});
  CHECK(c.describe_rule() == "file /etc/passwd, mode at most 0644\n");
}

TEST_CASE("the loader rejects bad content with file:line:column and a reason", "[content][loader]") {
  struct Case {
    const char* what;
    std::string text;
    std::string expect;  // substring of the first diagnostic
  };
  std::vector<Case> cases{
      {"unknown key", std::string(kGoodCheck) + "    colour: red\n", "a.yaml:11:5: unknown key 'colour' in check"},
      {"misspelt key suggests", check_with_rule("      file: {path: /x, mode_mx: '0600'}\n"),
       "unknown key 'mode_mx' in 'file' rule (did you mean 'mode_max'?)"},
      {"unknown rule kind", check_with_rule("      sshd_confg: {key: X, equals: y}\n"),
       "a.yaml:8:7: unknown rule kind 'sshd_confg' (did you mean 'sshd_config'?)"},
      {"wrong type", check_with_rule("      file: {path: /x, exists: maybe}\n"), "'exists' must be true or false"},
      {"wrong type: number", check_with_rule("      sshd_config: {key: MaxAuthTries, at_most: four}\n"),
       "'at_most' must be an integer"},
      {"bad regex", check_with_rule("      file_content: {path: /x, present: 'a(b'}\n"), "bad regex 'a(b'"},
      {"bad mode", check_with_rule("      file: {path: /x, mode_max: '0999'}\n"), "must be an octal mode"},
      {"relative path", check_with_rule("      file: {path: etc/x}\n"), "must be absolute"},
      {"no value test", check_with_rule("      sysctl: {key: net.ipv4.ip_forward}\n"), "rule has no value test"},
      {"two kinds in one rule", check_with_rule("      file: {path: /x}\n      package: {name: y}\n"),
       "exactly one rule kind"},
      {"empty combinator", check_with_rule("      all: []\n"), "non-empty list of rules"},
      {"bad severity", std::string(kGoodCheck).replace(std::string(kGoodCheck).find("low"), 3, "urgent"),
       "'severity' must be info, low, medium, high or critical"},
      {"missing rationale", "checks:\n  - id: t.a.b\n    title: T\n    severity: low\n    remediation: m\n    rule: {file: {path: /x}}\n",
       "check lacks required key 'rationale'"},
      {"bad id", "checks:\n  - id: Bad_ID\n    title: T\n    severity: low\n    rationale: r\n    remediation: m\n    rule: {file: {path: /x}}\n",
       "must be lower-case dotted words"},
      {"invalid yaml", "checks:\n  - id: [unclosed\n", "invalid YAML"},
      {"bad package version", check_with_rule("      package: {name: x, version: '>= 1.0 2'}\n"), "not a valid Debian or rpm package version"},
      {"bad service state", check_with_rule("      service: {unit: x, state: [stopped]}\n"), "unknown service state 'stopped'"},
      {"bad accounts property", check_with_rule("      accounts: {property: uid0_only_rot}\n"),
       "unknown accounts property 'uid0_only_rot' (did you mean 'uid0_only_root'?)"},
      {"duplicate key", std::string(kGoodCheck) + "    title: Again\n", "duplicate key 'title' in check"},
  };
  for (const auto& c : cases) {
    auto r = load_texts({{"a.yaml", c.text}});
    INFO(c.what << ": got " << first_error(r));
    REQUIRE_FALSE(r.ok());
    CHECK(first_error(r).find(c.expect) != std::string::npos);
    CHECK(first_error(r).starts_with(r.diagnostics.front().where.file));
  }
}

TEST_CASE("every problem is reported, not only the first", "[content][loader]") {
  auto r = load_texts({{"a.yaml", check_with_rule("      file: {path: relative, mode: '9', bogus: 1}\n")}});
  CHECK(r.diagnostics.size() == 3);
}

TEST_CASE("duplicate check ids across files name the first definition", "[content][loader]") {
  auto r = load_texts({{"a.yaml", kGoodCheck}, {"b.yaml", kGoodCheck}});
  REQUIRE_FALSE(r.ok());
  CHECK(first_error(r).find("b.yaml:2:") != std::string::npos);
  CHECK(first_error(r).find("duplicate check id 'test.area.one' (first defined at") != std::string::npos);
}

TEST_CASE("profiles: entries must resolve and agree with the checks' references", "[content][loader]") {
  std::string profile = bench_x_profile("test.area.onee");
  auto r = load_texts({{"a.yaml", kGoodCheck}, {"p.yaml", profile}});
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(first_error(r).find("p.yaml:7:5: profile entry 1.2 names unknown check 'test.area.onee' (did you mean 'test.area.one'?)") !=
        std::string::npos);

  std::string wrong_section = profile;
  wrong_section.replace(wrong_section.find("\"1.1\""), 5, "\"1.4\"");
  auto r2 = load_texts({{"a.yaml", kGoodCheck}, {"p.yaml", wrong_section}});
  bool saw_mismatch = false, saw_unmapped = false;
  for (const auto& d : r2.diagnostics) {
    saw_mismatch |= d.message.find("does not list 1.4") != std::string::npos;
    saw_unmapped |= d.message.find("cites bench-x 1.1 but profile bench-x does not map") != std::string::npos;
  }
  CHECK(saw_mismatch);
  CHECK(saw_unmapped);

  std::string dup = profile + "  - {section: \"1.3\", manual: x, title: y, level: 3}\n";
  auto r3 = load_texts({{"a.yaml", kGoodCheck}, {"p.yaml", dup}});
  std::string all;
  for (const auto& d : r3.diagnostics) all += d.str() + "\n";
  CHECK(all.find("duplicate section '1.3'") != std::string::npos);
  CHECK(all.find("level 3 is not one of the profile's levels") != std::string::npos);
}

TEST_CASE("selection by profile and level", "[content][loader]") {
  std::string check2 = std::string(kGoodCheck).replace(std::string(kGoodCheck).find("one"), 3, "two").replace(
      std::string(kGoodCheck).find("\"1.1\""), 5, "\"1.2\"");
  std::string profile = bench_x_profile("test.area.two");
  auto r = load_texts({{"a.yaml", kGoodCheck}, {"b.yaml", check2}, {"p.yaml", profile}});
  INFO(first_error(r));
  REQUIRE(r.ok());
  auto l1 = r.content.select("bench-x", 1);
  REQUIRE(l1);
  CHECK(l1->items.size() == 2);
  auto all = r.content.select("bench-x");
  REQUIRE(all);
  CHECK(all->items.size() == 3);
  CHECK(all->level == 2);
  auto bad = r.content.select("bench-y");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "unknown profile 'bench-y' (available: bench-x)");
  CHECK_FALSE(r.content.select("bench-x", 3));
}

// The shipped content: it loads cleanly, the profile accounts for every
// benchmark recommendation, and every check is proven on fixture hosts - it
// passes on at least one and fails on at least one.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "fleetaudit/fleetaudit.hpp"
#include "support/fixture_tree.hpp"
#include "util/strings.hpp"

using namespace fleetaudit;
namespace ft = fleetaudit::testing;

namespace {

const ContentSet& shipped() {
  static ContentSet content = [] {
    auto r = ContentSet::load(ft::source_dir());
    if (!r.ok()) {
      std::string all;
      for (const auto& d : r.diagnostics) all += d.str() + "\n";
      FAIL("shipped content has problems:\n" << all);
    }
    return std::move(r.content);
  }();
  return content;
}

struct FixtureResults {
  // check id -> result; a check with subjects: "check id [subject]" -> result
  std::map<std::string, std::string> by_check;
  std::map<std::string, std::set<std::string>> kinds;  // check id -> every result it had on this fixture
  // manifest fixtures: check id -> subject -> result
  std::map<std::string, std::map<std::string, std::string>> by_subject;
};

const std::map<std::string, FixtureResults>& all_fixture_results() {
  static std::map<std::string, FixtureResults> results = [] {
    std::map<std::string, FixtureResults> out;
    const ContentSet& content = shipped();
    Selection sel = content.select_all();
    Plan plan = sel.plan();
    for (const auto& name : ft::fixture_names()) {
      ft::FixtureTree tree(name);
      CollectOptions opt;
      opt.root = tree.root();
      Snapshot snap = collect(plan, opt);
      snap.tags = ft::fixture_tags(name);
      // A fixture may carry the site policy it is audited with (scan --policy).
      std::optional<Policy> policy;
      if (std::string text = ft::fixture_policy(name); !text.empty()) {
        auto p = parse_policy(text, name + " policy");
        if (!p) FAIL("fixture " << name << ": " << p.error().message);
        policy = std::move(*p);
      }
      HostReport rep = evaluate(snap, sel, policy ? &*policy : nullptr);
      for (const auto& r : rep.results) {
        std::string key = r.subject.empty() ? r.check_id : r.check_id + " [" + r.subject + "]";
        out[name].by_check[key] = std::string(to_string(r.result));
        out[name].kinds[r.check_id].insert(std::string(to_string(r.result)));
      }
    }
    return out;
  }();
  return results;
}

// Every directory under tests/fixtures/manifests is one manifests scan,
// evaluated with the site policy next to them; results are kept per subject.
const std::map<std::string, FixtureResults>& all_manifest_results() {
  static std::map<std::string, FixtureResults> results = [] {
    std::map<std::string, FixtureResults> out;
    const ContentSet& content = shipped();
    Selection sel = content.select_all();
    const auto dir = ft::fixtures_dir() / "manifests";
    auto policy = parse_policy(ft::fixture_bytes("manifests/policy.yaml"), "policy.yaml");
    if (!policy) FAIL(policy.error().message);
    for (const auto& name : ft::manifest_fixture_names()) {
      Snapshot snap = collect_manifests({dir / name}, CollectOptions{});
      HostReport rep = evaluate(snap, sel, &*policy);
      for (const auto& r : rep.results) {
        if (r.subject.empty()) continue;  // host checks do not apply to manifests
        // Subjects are named from where they came: drop the fixture directory.
        std::string subject = r.subject;
        const std::string prefix = (dir / name).generic_string() + "/";
        if (auto at = subject.find(prefix); at != std::string::npos) subject.erase(at, prefix.size());
        out[name].by_subject[r.check_id][subject] = std::string(to_string(r.result));
      }
    }
    return out;
  }();
  return results;
}

std::set<std::string> reference_ids(const std::string& tsv) {
  std::set<std::string> ids;
  std::ifstream in(ft::source_dir() / "benchmarks-cis" / "reference" / tsv);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#' || line.starts_with("cis_id")) continue;
    ids.insert(line.substr(0, line.find('\t')));
  }
  return ids;
}

}  // namespace

TEST_CASE("shipped content loads without a single diagnostic", "[content]") {
  const ContentSet& content = shipped();
  CHECK(content.checks().size() >= 80);
  REQUIRE(content.find_profile("cis-debian-12") != nullptr);
}

TEST_CASE("every CIS profile accounts for every recommendation of its benchmark", "[content]") {
  // Profile id, and the number of recommendations its reference list holds.
  const std::vector<std::pair<std::string, std::size_t>> profiles = {
      {"cis-debian-12", 310}, {"cis-rhel-9", 298}, {"cis-ubuntu-22.04", 300}, {"cis-ubuntu-24.04", 312},
      {"cis-kubernetes-node", 25}};
  for (const auto& [id, count] : profiles) {
    INFO(id);
    const Profile* p = shipped().find_profile(id);
    REQUIRE(p != nullptr);
    std::set<std::string> ids = reference_ids(id + ".tsv");
    REQUIRE(ids.size() == count);
    std::set<std::string> sections;
    for (const auto& e : p->entries) sections.insert(e.section);
    std::vector<std::string> missing, extra;
    for (const auto& s : ids)
      if (!sections.count(s)) missing.push_back(s);
    for (const auto& s : sections)
      if (!ids.count(s)) extra.push_back(s);
    INFO("sections missing from the profile: " << util::join(missing, " "));
    INFO("sections not in the benchmark: " << util::join(extra, " "));
    CHECK(missing.empty());
    CHECK(extra.empty());
    CHECK(p->entries.size() == count);
  }
}

TEST_CASE("cis-docker accounts for every recommendation, and checks 95 % of the automated ones", "[content]") {
  const Profile* p = shipped().find_profile("cis-docker");
  REQUIRE(p != nullptr);
  std::set<std::string> ids = reference_ids("cis-docker.tsv");
  REQUIRE(ids.size() == 117);
  std::set<std::string> automated;
  {
    std::ifstream in(ft::source_dir() / "benchmarks-cis" / "reference" / "cis-docker.tsv");
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#' || line.starts_with("cis_id")) continue;
      if (line.find("[automated]") != std::string::npos || line.find("[scored]") != std::string::npos)
        automated.insert(line.substr(0, line.find('\t')));
    }
  }
  REQUIRE(automated.size() == 90);
  std::set<std::string> sections, checked;
  for (const auto& e : p->entries) {
    sections.insert(e.section);
    if (!e.check_id.empty()) checked.insert(e.section);
  }
  std::vector<std::string> missing, extra, automated_manual;
  for (const auto& id : ids)
    if (!sections.count(id)) missing.push_back(id);
  for (const auto& s : sections)
    if (!ids.count(s)) extra.push_back(s);
  for (const auto& s : automated)
    if (!checked.count(s)) automated_manual.push_back(s);
  INFO("sections missing from the profile: " << util::join(missing, " "));
  INFO("sections not in the benchmark: " << util::join(extra, " "));
  INFO("automated sections left manual: " << util::join(automated_manual, " "));
  CHECK(missing.empty());
  CHECK(extra.empty());
  CHECK((automated.size() - automated_manual.size()) * 100 >= automated.size() * 95);
}

TEST_CASE("every check passes on some fixture and fails on another", "[content][fixtures]") {
  const auto& results = all_fixture_results();
  const auto& manifests = all_manifest_results();
  REQUIRE(!results.empty());
  REQUIRE(!manifests.empty());
  std::vector<std::string> unproven;
  for (const auto& c : shipped().checks()) {
    // Fleet rules compare hosts: proven on fleet analyses (tests/unit/fleet), not on one host.
    if (c.describe_rule().starts_with("fleet:")) continue;
    std::vector<std::string> pass, fail;
    for (const auto& [fixture, r] : results) {
      auto it = r.kinds.find(c.id);
      if (it == r.kinds.end()) continue;
      if (it->second.count("pass")) pass.push_back(fixture);
      if (it->second.count("fail")) fail.push_back(fixture);
    }
    // Manifest checks are proven on subjects: a container that passes in one
    // manifest fixture and one that fails in another.
    for (const auto& [fixture, r] : manifests) {
      auto it = r.by_subject.find(c.id);
      if (it == r.by_subject.end()) continue;
      for (const auto& [subject, result] : it->second) {
        if (result == "pass") pass.push_back("manifests/" + fixture + ": " + subject);
        if (result == "fail") fail.push_back("manifests/" + fixture + ": " + subject);
      }
    }
    if (pass.empty() || fail.empty())
      unproven.push_back(c.id + (pass.empty() ? " (never passes)" : "") + (fail.empty() ? " (never fails)" : ""));
  }
  INFO(unproven.size() << " unproven check(s):\n  " << util::join(unproven, "\n  "));
  CHECK(unproven.empty());
}

TEST_CASE("the compliant manifests pass every manifest check, the violating ones fail every one", "[content][fixtures][k8s]") {
  const auto& manifests = all_manifest_results();
  REQUIRE(manifests.count("compliant"));
  REQUIRE(manifests.count("violating"));
  std::vector<std::string> not_passing, never_failing;
  for (const auto& c : shipped().checks()) {
    if (!c.subject.starts_with("k8s-")) continue;
    auto ok = manifests.at("compliant").by_subject.find(c.id);
    if (ok == manifests.at("compliant").by_subject.end() || ok->second.empty()) not_passing.push_back(c.id + " (no subject)");
    else
      for (const auto& [subject, result] : ok->second)
        if (result != "pass") not_passing.push_back(c.id + " [" + subject + "] " + result);
    auto bad = manifests.at("violating").by_subject.find(c.id);
    bool failed = bad != manifests.at("violating").by_subject.end() &&
                  std::any_of(bad->second.begin(), bad->second.end(), [](const auto& kv) { return kv.second == "fail"; });
    if (!failed) never_failing.push_back(c.id);
  }
  INFO("not passing on the compliant manifests:\n  " << util::join(not_passing, "\n  "));
  CHECK(not_passing.empty());
  INFO("never failing on the violating manifests:\n  " << util::join(never_failing, "\n  "));
  CHECK(never_failing.empty());
}

TEST_CASE("k8s-pod-security has every control of the Pod Security Standards", "[content][k8s]") {
  const Profile* p = shipped().find_profile("k8s-pod-security");
  REQUIRE(p != nullptr);
  // The reference lists 12 baseline and 6 restricted controls: sections 1.x
  // and 2.x, level 1 and 2, each a check (none manual).
  int baseline = 0, restricted = 0;
  std::ifstream in(ft::source_dir() / "benchmarks-cis" / "reference" / "pod-security-standards.tsv");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("baseline\t")) ++baseline;
    if (line.starts_with("restricted\t")) ++restricted;
  }
  REQUIRE(baseline == 12);
  REQUIRE(restricted == 6);
  int in_1 = 0, in_2 = 0;
  for (const auto& e : p->entries) {
    INFO(e.section);
    if (e.section.starts_with("1.")) {
      ++in_1;
      CHECK(e.level == 1);
    } else if (e.section.starts_with("2.")) {
      ++in_2;
      CHECK(e.level == 2);
    } else {
      CHECK(e.level == 3);
    }
    CHECK(e.manual.empty());
  }
  CHECK(in_1 == baseline);
  CHECK(in_2 == restricted);
}

TEST_CASE("nist-800-190 maps every risk topic, and lists exactly the checks that cite each", "[content]") {
  const Profile* p = shipped().find_profile("nist-800-190");
  REQUIRE(p != nullptr);
  std::set<std::string> topics = reference_ids("nist-sp-800-190.tsv");
  topics.erase("section");
  REQUIRE(topics.size() == 24);
  std::map<std::string, std::set<std::string>> citing;
  for (const auto& c : shipped().checks())
    for (const auto& t : c.refs.nist_800_190) citing[t].insert(c.id);
  std::set<std::string> seen;
  int mapped = 0;
  for (const auto& e : p->entries) {
    INFO("topic " << e.section);
    CHECK(topics.count(e.section) == 1);
    CHECK(seen.insert(e.section).second);
    if (!e.manual.empty()) {
      CHECK(e.check_id.empty());
      CHECK(citing[e.section].empty());
      continue;
    }
    ++mapped;
    std::set<std::string> listed(e.also.begin(), e.also.end());
    listed.insert(e.check_id);
    CHECK(listed == citing[e.section]);
  }
  CHECK(seen == topics);
  for (const auto& [topic, checks] : citing) {
    INFO("cited topic " << topic);
    CHECK(topics.count(topic) == 1);
  }
  CHECK(mapped >= 22);
}

TEST_CASE("fixture results match their golden files", "[content][fixtures][golden]") {
  const bool update = std::getenv("FLEETAUDIT_UPDATE_GOLDEN") != nullptr;
  for (const auto& [fixture, r] : all_manifest_results()) {
    std::ostringstream now;
    for (const auto& [check, subjects] : r.by_subject)
      for (const auto& [subject, result] : subjects) now << check << " " << result << " " << subject << "\n";
    auto path = ft::fixtures_dir() / "golden" / ("manifests-" + fixture + ".txt");
    if (update) {
      std::ofstream(path) << now.str();
      continue;
    }
    std::ifstream in(path);
    std::ostringstream want;
    want << in.rdbuf();
    INFO("manifest fixture " << fixture << " differs from " << path.string()
                             << " (after an intended content change, regenerate with FLEETAUDIT_UPDATE_GOLDEN=1)");
    CHECK(now.str() == want.str());
  }
  for (const auto& [fixture, r] : all_fixture_results()) {
    std::ostringstream now;
    for (const auto& [check, result] : r.by_check) now << check << " " << result << "\n";
    auto path = ft::fixtures_dir() / "golden" / (fixture + ".txt");
    if (update) {
      std::ofstream(path) << now.str();
      continue;
    }
    std::ifstream in(path);
    std::ostringstream want;
    want << in.rdbuf();
    INFO("fixture " << fixture << " differs from " << path.string()
                    << " (after an intended content change, regenerate with FLEETAUDIT_UPDATE_GOLDEN=1)");
    CHECK(now.str() == want.str());
  }
}

TEST_CASE("no check passes on a host from which nothing arrived", "[content]") {
  // What a collection cut off before its first file leaves: no fact at all.
  Snapshot nothing;
  nothing.host = "cut";
  nothing.collected_at = "2026-11-21T00:00:00Z";
  HostReport rep = evaluate(nothing, shipped().select_all());
  std::vector<std::string> passed;
  for (const auto& r : rep.results)
    if (r.result == ResultKind::pass) passed.push_back(r.check_id);
  INFO("checks that pass without any fact: " << util::join(passed, ", "));
  CHECK(passed.empty());
}

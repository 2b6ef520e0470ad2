// The fleetaudit command end to end.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <fstream>
#include <set>
#include <thread>

#include "support/fixture_tree.hpp"
#include "support/process.hpp"
#include "support/report_readers.hpp"
#include "unit/report/sarif_schema.hpp"

using nlohmann::json;
namespace ft = fleetaudit::testing;

namespace {

ft::ProcessResult fa(std::vector<std::string> args) {
  args.insert(args.begin(), FLEETAUDIT_CLI);
  return ft::run_process(args, {"FLEETAUDIT_CONTENT=" FLEETAUDIT_SOURCE_DIR, "NO_COLOR="});
}

json parse(const ft::ProcessResult& r) {
  INFO("stderr: " << r.err);
  REQUIRE_NOTHROW(json::parse(r.out));
  return json::parse(r.out);
}

const json* result_of(const json& report, const std::string& check) {
  for (const auto& r : report["hosts"][0]["results"])
    if (r["check"] == check) return &r;
  return nullptr;
}

int severity_rank(const std::string& s) {
  static const std::vector<std::string> order{"info", "low", "medium", "high", "critical"};
  return static_cast<int>(std::find(order.begin(), order.end(), s) - order.begin());
}

}  // namespace

TEST_CASE("scan --root: JSON report shape, evidence, references", "[cli]") {
  ft::FixtureTree good("ssh-pass");
  ft::TempDir t;
  auto r = fa({"scan", "--root", good.root().string(), "--db", (t.path() / "fa.db").string(), "--format", "json", "--fail-on", "none"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  json j = parse(r);
  CHECK(j["scan"]["profile"] == "cis-debian-12");
  CHECK(j["scan"]["id"] == 1);
  CHECK(j["scan"]["checks_selected"].get<int>() >= 310);
  REQUIRE(j["hosts"].size() == 1);
  const json& h = j["hosts"][0];
  CHECK(h["state"] == "ok");
  CHECK(h["collector"] == "root:" + good.root().string());
  CHECK(h["score"].is_number());
  std::set<std::string> kinds;
  for (const auto& res : h["results"]) {
    for (const char* key : {"check", "section", "result", "severity", "title", "evidence", "refs"}) REQUIRE(res.contains(key));
    kinds.insert(res["result"].get<std::string>());
  }
  CHECK(kinds.count("manual"));
  const json* root_login = result_of(j, "ssh.server.root-login-disabled");
  REQUIRE(root_login);
  CHECK((*root_login)["result"] == "pass");
  CHECK((*root_login)["section"] == "5.1.20");
  CHECK((*root_login)["refs"]["cis"]["cis-debian-12"] == json::array({"5.1.20"}));
  CHECK((*root_login)["evidence"].get<std::string>().find("PermitRootLogin") != std::string::npos);
}

TEST_CASE("scan exit codes follow --fail-on", "[cli]") {
  ft::FixtureTree bad("ssh-fail");
  auto r = fa({"scan", "--root", bad.root().string(), "--no-db", "--format", "json", "--fail-on", "none"});
  REQUIRE(r.exit_code == 0);
  json j = parse(r);
  const json* root_login = result_of(j, "ssh.server.root-login-disabled");
  REQUIRE(root_login);
  CHECK((*root_login)["result"] == "fail");
  int worst = -1;
  for (const auto& res : j["hosts"][0]["results"])
    if (res["result"] == "fail") worst = std::max(worst, severity_rank(res["severity"]));
  REQUIRE(worst >= 0);
  for (const char* level : {"info", "low", "medium", "high", "critical"}) {
    auto rr = fa({"scan", "--root", bad.root().string(), "--no-db", "--format", "json", "--fail-on", level});
    INFO("--fail-on " << level << ": " << rr.err);
    CHECK(rr.exit_code == (severity_rank(level) <= worst ? 2 : 0));
  }
}

TEST_CASE("table report: sorted, aligned, colour only when asked", "[cli]") {
  ft::FixtureTree bad("ssh-fail");
  auto plain = fa({"scan", "--root", bad.root().string(), "--no-db", "--fail-on", "none"});
  REQUIRE(plain.exit_code == 0);
  CHECK(plain.out.find('\033') == std::string::npos);
  CHECK(plain.out.find("SECTION  ") != std::string::npos);
  CHECK(plain.out.find("Summary: ") != std::string::npos);
  CHECK(plain.out.find("score ") != std::string::npos);
  auto first = plain.out.find("  1.1.1.1 ");
  auto later = plain.out.find("  5.1.20 ");
  REQUIRE(first != std::string::npos);
  REQUIRE(later != std::string::npos);
  CHECK(first < later);
  auto color = fa({"scan", "--root", bad.root().string(), "--no-db", "--fail-on", "none", "--color", "always"});
  CHECK(color.out.find("\033[31;1mFAIL") != std::string::npos);
  auto problems = fa({"scan", "--root", bad.root().string(), "--no-db", "--fail-on", "none", "--problems-only"});
  CHECK(problems.out.find(" PASS ") == std::string::npos);
  CHECK(problems.out.find(" FAIL ") != std::string::npos);
}

TEST_CASE("scan --format junit, sarif, csv and html report what the JSON report says", "[cli][formats]") {
  ft::FixtureTree bad("ssh-fail");
  ft::TempDir t;
  auto scan = [&](const std::string& format, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"scan", "--root", bad.root().string(), "--no-db", "--name", "web-1", "--format", format};
    args.insert(args.end(), extra.begin(), extra.end());
    return fa(args);
  };
  auto plain = scan("json", {"--fail-on", "none"});
  REQUIRE(plain.exit_code == 0);
  json j = parse(plain);
  const json& s = j["summary"];
  const int fail = s["fail"], error = s["error"], waived = s["waived"], na = s["not_applicable"], manual = s["manual"];
  const int total = static_cast<int>(j["hosts"][0]["results"].size());
  REQUIRE(fail > 0);

  // the exit code follows --fail-on whatever the format
  auto junit = scan("junit");
  INFO(junit.err);
  CHECK(junit.exit_code == 2);
  ft::XmlNode x = ft::parse_xml(junit.out);
  CHECK(std::stoi(x.attr("tests")) == total);
  CHECK(std::stoi(x.attr("failures")) == fail);
  CHECK(std::stoi(x.attr("errors")) == error);
  CHECK(std::stoi(x.attr("skipped")) == na + manual + waived);
  REQUIRE(x.find_all("testsuite").size() == 1);
  CHECK(x.find_all("testsuite")[0]->attr("name") == "web-1");

  auto sarif = scan("sarif", {"--fail-on", "none"});
  CHECK(sarif.exit_code == 0);
  json log = parse(sarif);
  auto problems = ft::sarif::validate_sarif(log);
  for (const auto& p : problems) UNSCOPED_INFO(p);
  CHECK(problems.empty());
  CHECK(static_cast<int>(log["runs"][0]["results"].size()) == fail + error + waived);
  CHECK(log["runs"][0]["tool"]["driver"]["name"] == "fleetaudit");
  bool sshd_located = false;
  for (const auto& r : log["runs"][0]["results"]) {
    if (r["ruleId"] != "ssh.server.root-login-disabled") continue;
    const json& loc = r["locations"][0]["physicalLocation"];
    sshd_located = loc["artifactLocation"]["uri"].get<std::string>().starts_with("file:///etc/ssh/sshd_config") &&
                   loc["region"]["startLine"].get<int>() >= 1;
  }
  CHECK(sshd_located);

  auto csv = scan("csv", {"--fail-on", "none"});
  auto rows = ft::read_csv(csv.out);
  REQUIRE(static_cast<int>(rows.size()) == total + 1);
  CHECK(rows[0][0] == "scan_id");
  int csv_fail = 0;
  for (const auto& row : rows) csv_fail += row[7] == "fail";
  CHECK(csv_fail == fail);

  auto out = t.path() / "report.html";
  auto html = scan("html", {"--fail-on", "none", "--output", out.string()});
  CHECK(html.exit_code == 0);
  CHECK(html.err.find("report written to " + out.string()) != std::string::npos);
  std::ifstream in(out, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  ft::XmlNode doc = ft::parse_xml(text);
  CHECK(static_cast<int>(doc.find_class("finding").size()) == fail + error + waived);
  CHECK(doc.find_all("script").size() == 1);

  // evaluate takes the same formats
  std::string snap = (t.path() / "snap.json").string();
  REQUIRE(fa({"collect", "--root", bad.root().string(), "--out", snap}).exit_code == 0);
  auto ev = fa({"evaluate", snap, "--format", "junit", "--fail-on", "none"});
  CHECK(ev.exit_code == 0);
  CHECK(std::stoi(ft::parse_xml(ev.out).attr("failures")) == fail);

  auto unknown = scan("xml");
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("--format") != std::string::npos);
}

TEST_CASE("scans are stored and history lists them newest first", "[cli][store]") {
  ft::FixtureTree good("ssh-pass");
  ft::FixtureTree bad("ssh-fail");
  ft::TempDir t;
  std::string db = (t.path() / "fa.db").string();
  REQUIRE(fa({"scan", "--root", good.root().string(), "--db", db, "--fail-on", "none"}).exit_code == 0);
  REQUIRE(fa({"scan", "--root", bad.root().string(), "--db", db, "--fail-on", "none"}).exit_code == 0);
  auto h = fa({"history", "--db", db, "--format", "json"});
  REQUIRE(h.exit_code == 0);
  json j = parse(h);
  REQUIRE(j.size() == 2);
  CHECK(j[0]["id"] == 2);
  CHECK(j[1]["id"] == 1);
  CHECK(j[0]["profile"] == "cis-debian-12");
  CHECK(j[0]["fail"].get<int>() > j[1]["fail"].get<int>());
  auto table = fa({"history", "--db", db});
  CHECK(table.out.find("SCAN") != std::string::npos);
  auto none = fa({"history", "--db", (t.path() / "missing.db").string()});
  CHECK(none.exit_code == 1);
  CHECK(none.err.find("no store here yet") != std::string::npos);
}

TEST_CASE("collect then evaluate gives the same results as scan", "[cli]") {
  ft::FixtureTree bad("ssh-fail");
  ft::TempDir t;
  std::string snap = (t.path() / "snap.json").string();
  auto c = fa({"collect", "--root", bad.root().string(), "--out", snap});
  INFO(c.err);
  REQUIRE(c.exit_code == 0);
  auto ev = fa({"evaluate", snap, "--format", "json", "--fail-on", "none"});
  auto sc = fa({"scan", "--root", bad.root().string(), "--no-db", "--format", "json", "--fail-on", "none"});
  REQUIRE(ev.exit_code == 0);
  json a = parse(ev), b = parse(sc);
  REQUIRE(a["hosts"][0]["results"].size() == b["hosts"][0]["results"].size());
  for (std::size_t i = 0; i < a["hosts"][0]["results"].size(); ++i) {
    const auto& x = a["hosts"][0]["results"][i];
    const auto& y = b["hosts"][0]["results"][i];
    INFO(x["check"]);
    CHECK(x["check"] == y["check"]);
    CHECK(x["result"] == y["result"]);
    CHECK(x["evidence"] == y["evidence"]);
  }
}

TEST_CASE("output to a pipe, a device or a symbolic link writes through it, never replaces it", "[cli][output]") {
  // Renaming a finished report over its target is right for a regular file
  // and a disaster for /dev/null: these must be written in place.
  ft::FixtureTree good("ssh-pass");
  ft::TempDir t;
  namespace fs = std::filesystem;
  auto fifo = t.path() / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::string got;
  std::thread reader([&] {
    std::ifstream in(fifo, std::ios::binary);
    got.assign(std::istreambuf_iterator<char>(in), {});
  });
  auto r = fa({"collect", "--root", good.root().string(), "--out", fifo.string(), "--encoding", "binary"});
  reader.join();
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(fs::is_fifo(fs::symlink_status(fifo)));
  CHECK(got.starts_with("FASNAP1\n"));
  // and that binary snapshot evaluates like the JSON one
  std::ofstream(t.path() / "snap.bin", std::ios::binary) << got;
  auto ev = fa({"evaluate", (t.path() / "snap.bin").string(), "--format", "json", "--fail-on", "none"});
  INFO(ev.err);
  CHECK(ev.exit_code == 0);
  CHECK(parse(ev)["hosts"][0]["results"].size() > 100);

  std::ofstream(t.path() / "real.json") << "old";
  fs::create_symlink("real.json", t.path() / "link.json");
  r = fa({"scan", "--root", good.root().string(), "--no-db", "--format", "json", "--fail-on", "none", "--output",
          (t.path() / "link.json").string()});
  CHECK(r.exit_code == 0);
  CHECK(fs::is_symlink(fs::symlink_status(t.path() / "link.json")));
  std::ifstream in(t.path() / "real.json");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  CHECK(text.starts_with("{"));
  // a regular file is replaced whole, and no temporary file is left beside it
  r = fa({"scan", "--root", good.root().string(), "--no-db", "--fail-on", "none", "--output", (t.path() / "real.json").string()});
  CHECK(r.exit_code == 0);
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(t.path())) ++entries;
  CHECK(entries == 4);  // pipe, snap.bin, real.json, link.json
  CHECK(fs::is_character_file("/dev/null"));
}

#ifdef FLEETAUDIT_AGENT
TEST_CASE("checks plan feeds fleetaudit-agent, whose binary snapshot evaluates like a scan", "[cli][agent]") {
  ft::FixtureTree bad("ssh-fail");
  ft::TempDir t;
  auto plan = fa({"checks", "plan"});
  REQUIRE(plan.exit_code == 0);
  json p = parse(plan);
  CHECK(p["items"].contains("/etc/ssh/sshd_config"));
  std::ofstream(t.path() / "plan.json") << plan.out;
  auto agent = ft::run_process({FLEETAUDIT_AGENT, "collect", "--plan", (t.path() / "plan.json").string(), "--out", "-", "--encoding",
                                "binary", "--root", bad.root().string()});
  INFO(agent.err);
  REQUIRE(agent.exit_code == 0);
  REQUIRE(agent.out.starts_with("FASNAP1\n"));
  std::ofstream(t.path() / "snap.bin", std::ios::binary) << agent.out;
  auto ev = fa({"evaluate", (t.path() / "snap.bin").string(), "--format", "json", "--fail-on", "none"});
  auto sc = fa({"scan", "--root", bad.root().string(), "--no-db", "--format", "json", "--fail-on", "none"});
  json a = parse(ev), b = parse(sc);
  REQUIRE(a["hosts"][0]["results"].size() == b["hosts"][0]["results"].size());
  for (std::size_t i = 0; i < a["hosts"][0]["results"].size(); ++i) {
    INFO(a["hosts"][0]["results"][i]["check"]);
    CHECK(a["hosts"][0]["results"][i]["result"] == b["hosts"][0]["results"][i]["result"]);
    CHECK(a["hosts"][0]["results"][i]["evidence"] == b["hosts"][0]["results"][i]["evidence"]);
  }
  auto usage = ft::run_process({FLEETAUDIT_AGENT, "collect", "--plan-json", "{}", "--out", "-", "--encoding", "xml"});
  CHECK(usage.exit_code != 0);
}
#endif

TEST_CASE("waivers: waived failures are reported with their reason and leave the exit code alone", "[cli][waivers]") {
  ft::FixtureTree bad("ssh-fail");
  ft::TempDir t;
  auto scan = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args{"scan", "--root", bad.root().string(), "--no-db", "--name", "web-1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return fa(args);
  };
  auto plain = scan({"--format", "json"});
  CHECK(plain.exit_code == 2);
  json before = parse(plain);
  REQUIRE(before["summary"]["fail"].get<int>() > 0);
  std::ofstream(t.path() / "w.yaml") << "waivers:\n"
                                        "  - check: '*'\n    hosts: [web-*]\n    reason: image under rebuild\n"
                                        "    owner: ops\n    expires: 2999-12-31\n"
                                        "  - check: ssh.server.root-login-disabled\n    reason: old\n    owner: ops\n"
                                        "    expires: 2001-01-01\n";
  auto waived = scan({"--format", "json", "--waivers", (t.path() / "w.yaml").string()});
  INFO(waived.err);
  CHECK(waived.exit_code == 0);
  json after = parse(waived);
  CHECK(after["summary"]["fail"] == 0);
  CHECK(after["summary"]["waived"] == before["summary"]["fail"]);
  CHECK(after["hosts"][0]["score"].get<double>() > before["hosts"][0]["score"].get<double>());
  const json* root = result_of(after, "ssh.server.root-login-disabled");
  REQUIRE(root);
  CHECK((*root)["result"] == "waived");
  CHECK((*root)["evidence"].get<std::string>().find("waived until 2999-12-31 (ops): image under rebuild") != std::string::npos);
  REQUIRE(after["waiver_notes"].size() == 1);
  CHECK(after["waiver_notes"][0].get<std::string>().starts_with("expired waiver "));
  auto table = scan({"--waivers", (t.path() / "w.yaml").string()});
  CHECK(table.out.find("WAIVED") != std::string::npos);
  CHECK(table.out.find("Note: expired waiver") != std::string::npos);
  // a broken waiver file stops the scan with file:line
  std::ofstream(t.path() / "bad.yaml") << "waivers:\n  - check: no.such.check\n    reason: r\n    owner: o\n    expires: 2030-01-01\n";
  auto broken = scan({"--waivers", (t.path() / "bad.yaml").string()});
  CHECK(broken.exit_code == 1);
  CHECK(broken.err.find("bad.yaml:2:12: no check with id 'no.such.check'") != std::string::npos);
}

TEST_CASE("checks coverage counts per section and against the reference list", "[cli][coverage]") {
  auto r = fa({"checks", "coverage", "--profile", "cis-debian-12", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  json j = parse(r);
  REQUIRE(j.size() == 1);
  const json& p = j[0];
  CHECK(p["entries"].get<int>() == p["checks"].get<int>() + p["manual"].get<int>() + p["not_automated_yet"].get<int>());
  CHECK(p["reference"]["rows"] == 310);
  CHECK(p["reference"]["automated"] == 289);
  CHECK(p["reference"]["accounted"] == 310);
  CHECK(p["reference"]["automated_with_check"].get<int>() * 100 >= 95 * 289);
  int sum = 0;
  for (const auto& [sec, row] : p["sections"].items()) sum += row["entries"].get<int>();
  CHECK(sum == p["entries"].get<int>());
  auto table = fa({"checks", "coverage", "--profile", "cis-debian-12"});
  CHECK(table.out.find("automated ones answered by a check: ") != std::string::npos);
  CHECK(fa({"checks", "coverage", "--profile", "nope"}).exit_code == 1);
}

TEST_CASE("bad input: clear messages, exit code 1, nothing half-written", "[cli][errors]") {
  ft::TempDir t;
  auto r = fa({"scan", "--profile", "nope", "--no-db"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("unknown profile 'nope' (available: ") != std::string::npos);
  r = fa({"scan", "--root", "/nonexistent/dir", "--no-db"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("--root /nonexistent/dir: not a directory") != std::string::npos);
  r = fa({"scan", "--fail-on", "severe", "--no-db"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("--fail-on: unknown severity 'severe'") != std::string::npos);
  std::ofstream(t.path() / "garbage.json") << "{not json";
  r = fa({"evaluate", (t.path() / "garbage.json").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("garbage.json: snapshot is not valid JSON") != std::string::npos);
  r = fa({"evaluate", (t.path() / "absent.json").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("absent.json: cannot open") != std::string::npos);
  // Broken content names file:line:column.
  std::filesystem::create_directories(t.path() / "content" / "checks");
  std::ofstream(t.path() / "content" / "checks" / "x.yaml") << "checks:\n  - id: a.b.c\n    title: t\n    severity: huge\n";
  r = fa({"checks", "validate", "--content", (t.path() / "content").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("checks/x.yaml:4:15: 'severity' must be") != std::string::npos);
  r = fa({"scan", "--content", (t.path() / "content").string(), "--no-db"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("checks/x.yaml:2:5: check lacks required key 'rationale'") != std::string::npos);
  // A store that cannot be written fails the command; the report is not claimed.
  r = fa({"scan", "--db", "/proc/version/fa.db"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("/proc/version") != std::string::npos);
  // An output file that cannot be written: message, exit 1.
  r = fa({"scan", "--no-db", "--output", "/nonexistent/dir/report.txt"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("/nonexistent/dir/report.txt: cannot write") != std::string::npos);
  r = fa({"checks", "show", "no.such.check"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("no check with id 'no.such.check'") != std::string::npos);
  r = fa({"frobnicate"});
  CHECK(r.exit_code == 1);
}

TEST_CASE("checks list, show and validate on the shipped content", "[cli][content]") {
  auto v = fa({"checks", "validate"});
  INFO(v.err);
  CHECK(v.exit_code == 0);
  CHECK(v.out.find(": ok") != std::string::npos);
  auto list = fa({"checks", "list", "--profile", "cis-debian-12", "--format", "json"});
  REQUIRE(list.exit_code == 0);
  CHECK(parse(list).size() == 310);
  auto show = fa({"checks", "show", "ssh.server.root-login-disabled"});
  REQUIRE(show.exit_code == 0);
  CHECK(show.out.find("cis-debian-12 5.1.20") != std::string::npos);
  CHECK(show.out.find("sshd_config PermitRootLogin") != std::string::npos);
}

TEST_CASE("scan of this machine: a real local scan completes", "[cli][local]") {
  auto r = fa({"scan", "--no-db", "--format", "json"});
  INFO(r.err);
  REQUIRE((r.exit_code == 0 || r.exit_code == 2));
  json j = parse(r);
  CHECK(j["hosts"][0]["collector"] == "local");
  CHECK(j["hosts"][0]["results"].size() == j["scan"]["checks_selected"].get<std::size_t>());
}

namespace {

const std::string kManifests = FLEETAUDIT_FIXTURES_DIR "/manifests";

// The result of a check for one subject, or nullptr.
const json* subject_result(const json& report, const std::string& check, const std::string& subject) {
  for (const auto& r : report["hosts"][0]["results"])
    if (r["check"] == check && r.value("subject", "") == subject) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("scan --manifests: one result per container, workload and namespace", "[cli][k8s]") {
  auto r = fa({"scan", "--manifests", kManifests + "/violating", "--policy", kManifests + "/policy.yaml", "--no-db", "--format",
               "json", "--fail-on", "none"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  json j = parse(r);
  CHECK(j["scan"]["profile"] == "k8s-pod-security");  // the default for manifests
  CHECK(j["scan"]["checks_selected"] == 28);
  const json& h = j["hosts"][0];
  CHECK(h["state"] == "ok");
  CHECK(h["collector"] == "manifests");
  CHECK(h["name"] == kManifests + "/violating");
  for (const auto& res : h["results"]) {
    INFO(res.dump());
    REQUIRE(res.contains("subject"));  // every result is about a container, a workload or a namespace
  }

  const json* priv = subject_result(j, "k8s.container.not-privileged", "dev/Deployment/legacy/app");
  REQUIRE(priv);
  CHECK((*priv)["result"] == "fail");
  CHECK((*priv)["section"] == "1.3");
  CHECK((*priv)["severity"] == "critical");
  CHECK((*priv)["evidence"] == "container.securityContext.privileged = true (expected a value that is one of [false])");
  CHECK((*priv)["refs"]["cis"]["k8s-pod-security"] == json::array({"1.3"}));
  CHECK((*priv)["refs"]["nist-800-190"] == json::array({"4.4.3"}));
  // `privileged: yes` is privileged: Kubernetes reads YAML 1.1
  CHECK((*subject_result(j, "k8s.container.not-privileged", "dev/Deployment/spelled/app"))["result"] == "fail");
  CHECK((*subject_result(j, "k8s.container.not-privileged", "dev/Deployment/legacy/sidecar"))["result"] == "pass");
  // init and ephemeral containers are subjects of their own
  const json* eph = subject_result(j, "k8s.container.image-tag-not-latest", "partial/Pod/api-5f7c9/debugger (ephemeral)");
  REQUIRE(eph);
  CHECK((*eph)["result"] == "fail");
  CHECK((*eph)["evidence"].get<std::string>().starts_with("container.image = busybox"));
  CHECK((*subject_result(j, "k8s.container.run-as-non-zero-uid", "partial/Pod/api-5f7c9/setup (init)"))["result"] == "fail");
  // workload-level checks
  const json* ns = subject_result(j, "k8s.workload.no-host-namespaces", "dev/Deployment/legacy");
  REQUIRE(ns);
  CHECK((*ns)["evidence"] == "pod.spec.hostNetwork = true (expected a value that is one of [false])\n"
                             "pod.spec.hostPID = true (expected a value that is one of [false])\n"
                             "pod.spec.hostIPC = true (expected a value that is one of [false])");
  const json* sandbox = subject_result(j, "k8s.workload.sandboxed-runtime-if-untrusted", "tenant-b/Deployment/scraper");
  REQUIRE(sandbox);
  CHECK((*sandbox)["result"] == "fail");
  CHECK((*sandbox)["evidence"].get<std::string>().find("tenant-b is in policy list 'untrusted_namespaces'") != std::string::npos);
  // namespace-level checks
  CHECK((*subject_result(j, "k8s.namespace.default-deny-ingress", "dev"))["evidence"] == "default_deny.ingress is not set");
  CHECK((*subject_result(j, "k8s.namespace.default-deny-ingress", "mixed"))["result"] == "pass");
  const json* mtls = subject_result(j, "k8s.namespace.istio-mtls-strict", "mixed");
  REQUIRE(mtls);
  CHECK((*mtls)["result"] == "fail");
  CHECK((*mtls)["evidence"].get<std::string>().find("legacy-plaintext: DISABLE") != std::string::npos);

  // the compliant set: nothing fails, so the default --fail-on exits 0
  auto ok = fa({"scan", "--manifests", kManifests + "/compliant", "--policy", kManifests + "/policy.yaml", "--no-db", "--format", "json"});
  INFO(ok.err);
  REQUIRE(ok.exit_code == 0);
  json c = parse(ok);
  CHECK(c["summary"]["fail"] == 0);
  CHECK(c["summary"]["error"] == 0);
  CHECK(c["summary"]["manual"] == 0);
  CHECK(c["summary"]["pass"].get<int>() > 200);
  // without the policy the registry, token and sandbox checks wait for a person
  auto no_policy = fa({"scan", "--manifests", kManifests + "/compliant", "--no-db", "--format", "json"});
  json np = parse(no_policy);
  const json* reg = subject_result(np, "k8s.container.image-from-allowed-registry", "prod/Deployment/web/app");
  REQUIRE(reg);
  CHECK((*reg)["result"] == "manual");
  // failures at or above --fail-on: exit 2
  CHECK(fa({"scan", "--manifests", kManifests + "/violating", "--no-db"}).exit_code == 2);
  // --level 1 is baseline only
  json base = parse(fa({"scan", "--manifests", kManifests + "/violating", "--level", "1", "--no-db", "--format", "json", "--fail-on", "none"}));
  CHECK(base["scan"]["checks_selected"] == 12);
}

TEST_CASE("scan --manifests: Helm output, Lists, standard input, bad files are errors by file and document", "[cli][k8s]") {
  auto r = fa({"scan", "--manifests", kManifests + "/formats", "--no-db", "--format", "json", "--fail-on", "none", "--level", "1"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  json j = parse(r);
  CHECK(j["hosts"][0]["state"] == "ok");
  // objects from a multi-document Helm rendering and from nested Lists
  CHECK(subject_result(j, "k8s.container.not-privileged", "demo/Deployment/demo/proxy"));
  CHECK(subject_result(j, "k8s.container.not-privileged", "demo/Pod/demo-abc12/demo"));
  CHECK(subject_result(j, "k8s.container.not-privileged", "demo/Pod/demo-def34/demo"));
  // the documents before a syntax error still count; the broken one is an error, named
  CHECK((*subject_result(j, "k8s.container.not-privileged", "demo/Pod/second/two"))["result"] == "pass");
  const std::string broken = kManifests + "/formats/broken.yaml (document 3)";
  const json* err = subject_result(j, "k8s.container.not-privileged", broken);
  REQUIRE(err);
  CHECK((*err)["result"] == "error");
  CHECK((*err)["evidence"].get<std::string>().starts_with(broken + ": not valid YAML: 32:1: "));
  const json* json_err = subject_result(j, "k8s.workload.no-host-namespaces", kManifests + "/formats/truncated.json (document 1)");
  REQUIRE(json_err);
  CHECK((*json_err)["evidence"].get<std::string>().find("not valid JSON") != std::string::npos);
  CHECK(j["hosts"][0]["summary"]["error"].get<int>() > 0);

  // standard input: `helm template . | fleetaudit scan --manifests -`
  auto in = ft::run_process({FLEETAUDIT_CLI, "scan", "--manifests", "-", "--no-db", "--format", "json", "--fail-on", "none"},
                            {"FLEETAUDIT_CONTENT=" FLEETAUDIT_SOURCE_DIR},
                            "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ci}\n"
                            "spec: {containers: [{name: c, image: nginx, securityContext: {privileged: true}}]}\n");
  INFO(in.err);
  REQUIRE(in.exit_code == 0);
  json s = parse(in);
  CHECK(s["hosts"][0]["name"] == "-");
  CHECK((*subject_result(s, "k8s.container.not-privileged", "ci/Pod/p/c"))["result"] == "fail");

  // wrong arguments: exit 1 with a message, nothing scanned
  auto missing = fa({"scan", "--manifests", kManifests + "/nope", "--no-db"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("--manifests " + kManifests + "/nope: no such file or directory") != std::string::npos);
  auto both = fa({"scan", "--manifests", kManifests + "/compliant", "--root", "/", "--no-db"});
  CHECK(both.exit_code == 1);
  CHECK(both.err.find("--manifests excludes --inventory and --root") != std::string::npos);
}

TEST_CASE("scan --manifests is stored per subject, a host profile on manifests is not applicable", "[cli][k8s][store]") {
  ft::TempDir t;
  const std::string db = (t.path() / "fa.db").string();
  auto r = fa({"scan", "--manifests", kManifests + "/violating", "--db", db, "--fail-on", "none"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("[dev/Deployment/legacy/app]") != std::string::npos);  // the table names subjects
  auto h = fa({"history", "--db", db, "--format", "json"});
  REQUIRE(h.exit_code == 0);
  json hist = parse(h);
  REQUIRE(hist.size() == 1);
  CHECK(hist[0]["profile"] == "k8s-pod-security");
  CHECK(hist[0]["fail"].get<int>() > 50);
  // the host benchmark on manifests: nothing applies, nothing fails
  json deb = parse(fa({"scan", "--manifests", kManifests + "/violating", "--profile", "cis-debian-12", "--no-db", "--format", "json"}));
  CHECK(deb["summary"]["fail"] == 0);
  CHECK(deb["summary"]["error"] == 0);
  CHECK(deb["summary"]["not_applicable"].get<int>() + deb["summary"]["manual"].get<int>() == 310);
}

TEST_CASE("kubelet checks on a node: a flag wins over the config file, and the evidence says which", "[cli][k8s]") {
  ft::FixtureTree node("k8s-node-flags");
  auto r = fa({"scan", "--root", node.root().string(), "--role", "k8s-node", "--profile", "cis-kubernetes-node", "--no-db", "--format",
               "json", "--fail-on", "none"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  json j = parse(r);
  CHECK(j["hosts"][0]["tags"] == json::array({"k8s-node"}));
  const json* anon = result_of(j, "kubelet.config.anonymous-auth-disabled");
  REQUIRE(anon);
  CHECK((*anon)["result"] == "pass");  // the config file says true, the flag false
  CHECK((*anon)["evidence"].get<std::string>().starts_with("/var/lib/kubelet/kubeadm-flags.env:1: "));
  CHECK((*anon)["evidence"].get<std::string>().find("--anonymous-auth=false") != std::string::npos);
  const json* port = result_of(j, "kubelet.config.read-only-port-disabled");
  REQUIRE(port);
  CHECK((*port)["result"] == "fail");  // the config file says 0, the flag 10255
  CHECK((*port)["evidence"].get<std::string>().find("/etc/default/kubelet:5: ") != std::string::npos);
  CHECK((*port)["evidence"].get<std::string>().find("--read-only-port=10255") != std::string::npos);
  // without the role nothing of it applies
  json plain = parse(fa({"scan", "--root", node.root().string(), "--profile", "cis-kubernetes-node", "--no-db", "--format", "json"}));
  CHECK(plain["summary"]["not_applicable"] == 25);
  // the passing node passes every recommendation
  ft::FixtureTree good("k8s-node-pass");
  json pass = parse(fa({"scan", "--root", good.root().string(), "--role", "k8s-node", "--profile", "cis-kubernetes-node", "--no-db",
                        "--format", "json"}));
  CHECK(pass["summary"]["pass"] == 25);
}

TEST_CASE("stored scans: report renders them again, diff compares them, history shows the change", "[cli][store][fleet]") {
  ft::FixtureTree good("ssh-pass");
  ft::FixtureTree bad("ssh-fail");
  ft::TempDir t;
  std::string db = (t.path() / "fa.db").string();
  auto first = fa({"scan", "--root", good.root().string(), "--name", "web-1", "--db", db, "--fail-on", "none", "--format", "json",
                   "--cache-dir", "none"});
  REQUIRE(first.exit_code == 0);
  json scanned = parse(first);

  // report: the stored scan in the formats a scan prints, with today's content.
  auto again = fa({"report", "--db", db, "--format", "json", "--fail-on", "none"});
  REQUIRE(again.exit_code == 0);
  json stored = parse(again);
  REQUIRE(stored["hosts"].size() == 1);
  CHECK(stored["hosts"][0]["name"] == "web-1");
  REQUIRE(stored["hosts"][0]["results"].size() == scanned["hosts"][0]["results"].size());
  for (std::size_t i = 0; i < scanned["hosts"][0]["results"].size(); ++i) {
    const json& a = scanned["hosts"][0]["results"][i];
    const json& b = stored["hosts"][0]["results"][i];
    INFO(a["check"]);
    CHECK(a["check"] == b["check"]);
    CHECK(a["result"] == b["result"]);
    CHECK(a["evidence"] == b["evidence"]);
    CHECK(a["refs"] == b["refs"]);  // references come back from the content
  }
  auto sarif = fa({"report", "--db", db, "--format", "sarif", "--fail-on", "none"});
  REQUIRE(sarif.exit_code == 0);
  CHECK(parse(sarif)["runs"][0]["tool"]["driver"]["rules"].size() > 100);
  auto missing = fa({"report", "--db", db, "--host", "nope"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("no host 'nope' in scan 1") != std::string::npos);
  auto no_scan = fa({"report", "--db", db, "--scan", "42"});
  CHECK(no_scan.exit_code == 1);
  CHECK(no_scan.err.find("no scan with id 42") != std::string::npos);

  // diff: the same host name scanned again from a worse root.
  auto diff_one = fa({"diff", "--db", db});
  CHECK(diff_one.exit_code == 1);
  CHECK(diff_one.err.find("fewer than two scans") != std::string::npos);
  REQUIRE(fa({"scan", "--root", bad.root().string(), "--name", "web-1", "--db", db, "--fail-on", "none", "--cache-dir", "none"})
              .exit_code == 0);
  auto d = fa({"diff", "--db", db, "--format", "json"});
  CHECK(d.exit_code == 2);  // something newly fails
  json diff = parse(d);
  REQUIRE(diff["hosts"].size() == 1);
  std::set<std::string> news;
  for (const auto& r : diff["hosts"][0]["new_failures"]) news.insert(r["check"]);
  CHECK(news.count("ssh.server.root-login-disabled") == 1);
  CHECK(diff["totals"]["new_failures"].get<int>() == static_cast<int>(news.size()));
  auto back = fa({"diff", "2", "1", "--db", db, "--format", "json"});
  CHECK(back.exit_code == 0);  // the other way round, those are fixes
  json reverse = parse(back);
  CHECK(reverse["totals"]["fixed"] == diff["totals"]["new_failures"]);
  auto table = fa({"diff", "--db", db, "--color", "never"});
  CHECK(table.out.find("+ fail   ssh.server.root-login-disabled") != std::string::npos);

  auto hist = fa({"history", "--db", db, "--host", "web-1", "--format", "json"});
  REQUIRE(hist.exit_code == 0);
  json trend = parse(hist);
  REQUIRE(trend.size() == 2);
  CHECK(trend[0]["score"].get<double>() < trend[1]["score"].get<double>());
  auto scans = fa({"history", "--db", db});
  CHECK(scans.out.find("CHANGE") != std::string::npos);
}

TEST_CASE("fleet: a stored scan's uptime risk and uniformity, a scan without facts says so", "[cli][fleet]") {
  ft::FixtureTree hv("fleet-hypervisor-stale");
  ft::TempDir t;
  std::string db = (t.path() / "fa.db").string();
  REQUIRE(fa({"scan", "--root", hv.root().string(), "--name", "hv-1", "--role", "hypervisor", "--db", db, "--fail-on", "none",
              "--cache-dir", "none"})
              .exit_code == 0);
  auto f = fa({"fleet", "--db", db, "--format", "json"});
  REQUIRE(f.exit_code == 0);
  json j = parse(f);
  REQUIRE(j["hosts"].size() == 1);
  CHECK(j["hosts"][0]["risk"]["score"] == 94);
  auto table = fa({"fleet", "--db", db, "--color", "never"});
  CHECK(table.out.find("+20 kernel-outdated") != std::string::npos);
  auto html = fa({"fleet", "--db", db, "--format", "html", "-o", (t.path() / "fleet.html").string()});
  REQUIRE(html.exit_code == 0);
  std::ifstream in(t.path() / "fleet.html");
  std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(page.find("Uniformity") != std::string::npos);
  // --uptime-days moves the threshold: 400 days is under 500.
  REQUIRE(fa({"scan", "--root", hv.root().string(), "--name", "hv-1", "--role", "hypervisor", "--db", db, "--fail-on", "none",
              "--uptime-days", "500", "--cache-dir", "none"})
              .exit_code == 0);
  json later = parse(fa({"fleet", "--db", db, "--format", "json"}));
  CHECK(later["hosts"][0]["risk"]["score"] == 74);
  REQUIRE(fa({"scan", "--root", hv.root().string(), "--db", db, "--fail-on", "none", "--no-fleet-facts"}).exit_code == 0);
  auto none = fa({"fleet", "--db", db});
  CHECK(none.exit_code == 1);
  CHECK(none.err.find("has no host facts") != std::string::npos);
  auto older = fa({"fleet", "--db", db, "--scan", "1", "--format", "json"});
  REQUIRE(older.exit_code == 0);
}

TEST_CASE("scan --root of a container host: every container a subject, and the stored profile feeds fleet", "[cli][containers]") {
  ft::FixtureTree host("containers-mixed");
  ft::TempDir t;
  const auto policy = t.path() / "policy.yaml";
  std::ofstream(policy) << "allowed_registries: [harbor.example.com/*, registry.access.redhat.com/*]\n";
  const auto db = (t.path() / "fa.db").string();
  auto r = fa({"scan", "--root", host.root().string(), "--name", "node-a", "--profile", "nist-800-190", "--policy", policy.string(),
               "--db", db, "--format", "json", "--fail-on", "none"});
  REQUIRE(r.exit_code == 0);
  json j = parse(r);
  std::map<std::string, std::string> current, registry;
  for (const auto& x : j["hosts"][0]["results"]) {
    if (x["check"] == "container.image.current") current[x["subject"]] = x["result"];
    if (x["check"] == "container.image.allowed-registry") registry[x["subject"]] = x["result"];
  }
  CHECK(current["docker web (d4d4d4d4d4d4)"] == "fail");
  CHECK(current["docker web-new (0a0a0a0a0a0a)"] == "pass");
  CHECK(current["containerd metrics-7d9f/exporter (7a7a7a7a7a7a)"] == "not-applicable");
  CHECK(registry["docker cache (e5e5e5e5e5e5)"] == "pass");
  CHECK(registry["podman api (6f6f6f6f6f6f)"] == "pass");
  CHECK(registry["docker web (d4d4d4d4d4d4)"] == "fail");
  // the fleet view of the stored scan lists the containers
  auto f = fa({"fleet", "--db", db, "--format", "json"});
  INFO(f.err);
  REQUIRE(f.exit_code == 0);
  json fj = parse(f);
  CHECK(fj["containers"]["total"] == 6);
  CHECK(fj["containers"]["per_host"]["node-a"]["outdated"] == 1);
  REQUIRE(fj["hosts"][0]["containers"].size() == 6);
  auto table = fa({"fleet", "--db", db});
  CHECK(table.out.find("Containers: 6 (5 running), 1 on an image their tag no longer names") != std::string::npos);
}

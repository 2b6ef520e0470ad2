// Report formats read back the way their consumers read them: JUnit and HTML
// as strict XML (libxml2), SARIF and JSON with nlohmann (SARIF against the
// 2.1.0 schema's rules), CSV with a strict RFC 4180 reader. Counts must equal
// the report's, and hostile evidence must come back as the same text.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <set>

#include "fleetaudit/fleetaudit.hpp"
#include "report/common.hpp"
#include "support/fixture_tree.hpp"
#include "support/report_readers.hpp"
#include "unit/report/sarif_schema.hpp"
#include "util/sha256.hpp"

using namespace fleetaudit;
namespace ft = fleetaudit::testing;
using nlohmann::json;

namespace {

// What a host may put into a file that ends up in evidence: markup that
// would close our elements, quotes, a CDATA end, NUL and other control
// bytes, CRLF, bytes that are not UTF-8, a C1 control, a non-character.
const std::string kHostile = std::string("</testcase></testsuite><script>alert(\"x\")</script> & ' \" ]]> <!-- ") +
                             std::string("\0", 1) +
                             "nul \x01\x08\x0b\x0c\x1b[31m esc \x7f del \r\ncrlf\nsecond line\t tab " +
                             "\xff\xfe bad utf8 \xc2\x85 nel \xef\xbf\xbe";
// The same as XML and HTML readers get it back: control characters XML 1.0
// forbids as their U+2400 pictures, the rest of the damage as U+FFFD; CR
// survives (written as &#13;).
const std::string kHostileXml =
    "</testcase></testsuite><script>alert(\"x\")</script> & ' \" ]]> <!-- "
    "\u2400nul \u2401\u2408\u240b\u240c\u241b[31m esc \u2421 del \r\ncrlf\nsecond line\t tab "
    "\ufffd\ufffd bad utf8 \ufffd nel \ufffd";
// In CSV a CR becomes visible too (spreadsheets split records at a bare CR).
const std::string kHostileCsv =
    "</testcase></testsuite><script>alert(\"x\")</script> & ' \" ]]> <!-- "
    "\u2400nul \u2401\u2408\u240b\u240c\u241b[31m esc \u2421 del \u240d\ncrlf\nsecond line\t tab "
    "\ufffd\ufffd bad utf8 \ufffd nel \ufffd";
// In HTML text each of those is a visible token naming it (no font needs a glyph for it).
const std::string kHostileHtml =
    "</testcase></testsuite><script>alert(\"x\")</script> & ' \" ]]> <!-- "
    "NULnul SOHBSVTFFESC[31m esc DEL del CR\ncrlf\nsecond line\t tab "
    "\\xFF\\xFE bad utf8 U+0085 nel U+FFFE";
const std::vector<std::string> kHostileTokens{"NUL", "SOH", "BS",    "VT",    "FF",     "ESC",
                                              "DEL", "CR",  "\\xFF", "\\xFE", "U+0085", "U+FFFE"};
// JSON carries control characters (escaped) and valid UTF-8; only invalid bytes change.
const std::string kHostileJson = std::string("</testcase></testsuite><script>alert(\"x\")</script> & ' \" ]]> <!-- ") +
                                 std::string("\0", 1) +
                                 "nul \x01\x08\x0b\x0c\x1b[31m esc \x7f del \r\ncrlf\nsecond line\t tab " +
                                 "\ufffd\ufffd bad utf8 \xc2\x85 nel \xef\xbf\xbe";

const std::string kHostileHost = "web-1 <b>&\"'";
const std::string kHostileSubject = "app\"><img src=x onerror=alert(1)> (3f2a9c4b1d0e)";

Check make_check(std::string id, std::string title, Severity sev) {
  Check c;
  c.id = std::move(id);
  c.title = std::move(title);
  c.severity = sev;
  c.area = "ssh";
  c.rationale = "Rationale of " + c.id + " <em>with</em> markup & more.";
  c.remediation = "Set it & reload <the> service.";
  c.refs.cis["cis-debian-12"] = {"5.1.20"};
  c.refs.nist_800_190 = {"4.4.1"};
  return c;
}

CheckResult result(const Check* c, std::string section, ResultKind kind, std::string evidence,
                   std::string subject = {}) {
  CheckResult r;
  r.check = c;
  if (c) {
    r.check_id = c->id;
    r.title = c->title;
    r.severity = c->severity;
  }
  r.section = std::move(section);
  r.result = kind;
  r.evidence = std::move(evidence);
  r.subject = std::move(subject);
  return r;
}

// Two hosts: one with every kind of result (and hostile text), one unreachable.
struct HostileReport {
  std::vector<Check> checks;
  ScanReport report;

  HostileReport() {
    checks.push_back(make_check("ssh.server.root-login-disabled", "SSH refuses logins as root", Severity::high));
    checks.push_back(
        make_check("docker.container.no-privileged", "Containers do not run privileged", Severity::medium));
    checks.push_back(make_check("accounts.shadow.readable", "Shadow file can be read", Severity::low));
    checks.push_back(make_check("kernel.aslr.enabled", "ASLR is on", Severity::critical));
    checks.push_back(make_check("files.perms.passwd", "passwd permissions", Severity::info));
    checks.push_back(make_check("fs.tmp.separate", "/tmp is separate", Severity::medium));
    checks.push_back(make_check("pam.faillock.deny", "Lockout after failed logins", Severity::low));
    const Check* c = checks.data();
    HostReport a;
    a.host = kHostileHost;
    a.collector = "root:/srv/image";
    a.collected_at = "2026-11-21T10:00:00Z";
    a.results.push_back(result(
        &c[0], "5.1.20", ResultKind::fail,
        "/etc/ssh/sshd_config:32: PermitRootLogin yes\n/etc/ssh/sshd_config.d/99 x.conf:2: PermitRootLogin yes"));
    a.results.push_back(result(&c[1], "5.2.1", ResultKind::fail, kHostile, kHostileSubject));
    a.results.push_back(result(&c[2], "7.1.5", ResultKind::error, "/etc/shadow: permission denied"));
    a.results.push_back(result(
        &c[3], "1.5.1", ResultKind::waived,
        "/proc/sys/kernel/randomize_va_space:1: 0\nwaived until 2999-12-31 (ops): image <b>rebuild</b> [w.yaml:3]"));
    a.results.push_back(result(&c[4], "7.1.1", ResultKind::pass, "/etc/passwd: mode 0644"));
    a.results.push_back(result(&c[5], "1.1.2.1", ResultKind::not_applicable, "no separate /tmp in this image"));
    CheckResult manual;
    manual.section = "1.1.1.10";
    manual.title = "Review and block other unneeded file system modules";
    manual.result = ResultKind::manual;
    manual.evidence = "needs a person: modules in use differ per site";
    a.results.push_back(manual);
    a.results.push_back(result(&c[6], "5.3.3.1.1", ResultKind::fail, "=HYPERLINK(\"http://x\",\"click\")"));
    a.summary = summarize(a.results);
    HostReport b;
    b.host = "db-2";
    b.state = "unreachable";
    b.state_detail = "connect: <refused> & \"timeout\"";
    report.scan.id = 12;
    report.scan.started_at = "2026-11-21T10:00:00Z";
    report.scan.finished_at = "2026-11-21T10:00:03Z";
    report.scan.duration_seconds = 3.25;
    report.scan.profile = "cis-debian-12";
    report.scan.profile_title = "CIS Debian Linux 12";
    report.scan.profile_version = "1.1.0";
    report.scan.level = 2;
    report.scan.tool_version = version();
    report.scan.checks_selected = 8;
    report.summary = summarize(a.results);
    report.hosts.push_back(std::move(a));
    report.hosts.push_back(std::move(b));
    report.waiver_notes.push_back("unused waiver w.yaml:9: ssh.* on <legacy> waived no failure");
  }
};

int count_kind(const HostReport& h, ResultKind k) {
  return static_cast<int>(
      std::count_if(h.results.begin(), h.results.end(), [&](const CheckResult& r) { return r.result == k; }));
}

int attr_int(const ft::XmlNode& n, const std::string& key) {
  return std::stoi(n.attr(key));
}

}  // namespace

TEST_CASE("sha256 and base64 match their standards' test vectors", "[report][util]") {
  auto hex = [](std::string_view s) {
    auto d = util::sha256(s);
    std::string out;
    char buf[3];
    for (auto b : d) {
      std::snprintf(buf, sizeof buf, "%02x", b);
      out += buf;
    }
    return out;
  };
  CHECK(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  CHECK(hex(std::string(55, 'x')).size() == 64);  // padding fits one block
  CHECK(hex(std::string(64, 'x')) == hex(std::string(64, 'x')));
  const std::pair<std::string, std::string> b64[] = {{"", ""},
                                                     {"f", "Zg=="},
                                                     {"fo", "Zm8="},
                                                     {"foo", "Zm9v"},
                                                     {"foob", "Zm9vYg=="},
                                                     {"fooba", "Zm9vYmE="},
                                                     {"foobar", "Zm9vYmFy"}};
  for (const auto& [in, out] : b64) CHECK(util::base64(in) == out);
}

TEST_CASE("evidence locations and waiver lines are read back from evidence", "[report]") {
  auto locs = report::evidence_locations(
      "/etc/ssh/sshd_config:32: PermitRootLogin yes\n  /etc/a b:c.conf:7: x\n/etc/login.defs: PASS_MAX_DAYS missing\n"
      "/etc/ssh/sshd_config:32: again\nno path here: 3: x\n/etc/x:notanumber: y");
  REQUIRE(locs.size() == 2);
  CHECK(locs[0].path == "/etc/ssh/sshd_config");
  CHECK(locs[0].line == 32);
  CHECK(locs[1].path == "/etc/a b:c.conf");
  CHECK(locs[1].line == 7);
  auto w = report::split_waiver("a\nwaived until 2030-01-01 (o): r [f:1]");
  CHECK(w.evidence == "a");
  CHECK(w.waiver == "waived until 2030-01-01 (o): r [f:1]");
  CHECK(report::split_waiver("text mentioning waived until tomorrow").waiver.empty());
  CHECK(report::first_line("\xc3\xa9\xc3\xa9\xc3\xa9", 3) == "\xc3\xa9\u2026");  // never half a character
  CHECK(report::first_line("one\ntwo") == "one");
}

TEST_CASE("JUnit: a suite per host, a case per result, counts and escaping", "[report][junit]") {
  HostileReport h;
  std::string xml = format_junit(h.report);
  CHECK(xml.find("<script>") == std::string::npos);
  ft::XmlNode root = ft::parse_xml(xml);
  REQUIRE(root.name == "testsuites");
  auto suites = root.find_all("testsuite");
  REQUIRE(suites.size() == 2);
  const HostReport& a = h.report.hosts[0];
  CHECK(suites[0]->attr("name") == kHostileHost);
  CHECK(suites[1]->attr("name") == "db-2");

  int fails = count_kind(a, ResultKind::fail), errors = count_kind(a, ResultKind::error);
  int skipped =
      count_kind(a, ResultKind::not_applicable) + count_kind(a, ResultKind::manual) + count_kind(a, ResultKind::waived);
  const ft::XmlNode& s0 = *suites[0];
  CHECK(attr_int(s0, "tests") == static_cast<int>(a.results.size()));
  CHECK(attr_int(s0, "failures") == fails);
  CHECK(attr_int(s0, "errors") == errors);
  CHECK(attr_int(s0, "skipped") == skipped);
  CHECK(s0.find_all("testcase").size() == a.results.size());
  CHECK(static_cast<int>(s0.find_all("failure").size()) == fails);
  CHECK(static_cast<int>(s0.find_all("error").size()) == errors);
  CHECK(static_cast<int>(s0.find_all("skipped").size()) == skipped);
  // the totals add up over both hosts; the unreachable host is one error
  CHECK(attr_int(root, "tests") == static_cast<int>(a.results.size()) + 1);
  CHECK(attr_int(root, "failures") == fails);
  CHECK(attr_int(root, "errors") == errors + 1);
  CHECK(attr_int(root, "skipped") == skipped);

  bool hostile_seen = false, waived_seen = false, manual_seen = false;
  for (const ft::XmlNode* tc : s0.find_all("testcase")) {
    auto failure = tc->find_all("failure");
    if (!failure.empty() && failure[0]->text == kHostileXml) {
      hostile_seen = true;
      CHECK(tc->attr("classname") == "docker.container.no-privileged");
      CHECK(tc->attr("name") == "5.2.1 Containers do not run privileged [" + kHostileSubject + "]");
      CHECK(failure[0]->attr("type") == "medium");
      CHECK(failure[0]->attr("message").starts_with("</testcase></testsuite><script>"));
    }
    auto skip = tc->find_all("skipped");
    if (!skip.empty() && tc->attr("classname") == "kernel.aslr.enabled") {
      waived_seen = true;
      CHECK(skip[0]->attr("message") == "waived until 2999-12-31 (ops): image <b>rebuild</b> [w.yaml:3]");
      REQUIRE(tc->find_all("system-out").size() == 1);
      CHECK(tc->find_all("system-out")[0]->text == "/proc/sys/kernel/randomize_va_space:1: 0");
    }
    if (!skip.empty() && tc->attr("classname") == "manual.1.1.1.10") {
      manual_seen = true;
      CHECK(skip[0]->attr("message").starts_with("manual: needs a person"));
    }
  }
  CHECK(hostile_seen);
  CHECK(waived_seen);
  CHECK(manual_seen);

  const ft::XmlNode& s1 = *suites[1];
  CHECK(attr_int(s1, "tests") == 1);
  CHECK(attr_int(s1, "errors") == 1);
  auto err = s1.find_all("error");
  REQUIRE(err.size() == 1);
  CHECK(err[0]->attr("type") == "unreachable");
  CHECK(err[0]->attr("message") == "host state unreachable: connect: <refused> & \"timeout\"");
  std::map<std::string, std::string> props;
  for (const auto* p : s1.find_all("property")) props[p->attr("name")] = p->attr("value");
  CHECK(props["state"] == "unreachable");
  CHECK(props["profile"] == "cis-debian-12");
}

TEST_CASE("SARIF 2.1.0: the schema's structure, levels, suppressions and locations", "[report][sarif]") {
  HostileReport h;
  json log = json::parse(format_sarif(h.report));
  auto problems = ft::sarif::validate_sarif(log);
  for (const auto& p : problems) UNSCOPED_INFO(p);
  REQUIRE(problems.empty());
  CHECK(log["version"] == "2.1.0");
  REQUIRE(log["runs"].size() == 1);
  const json& run = log["runs"][0];
  const json& driver = run["tool"]["driver"];
  CHECK(driver["name"] == "fleetaudit");
  CHECK(driver["version"] == version());
  if (driver.contains("informationUri")) CHECK(driver["informationUri"].get<std::string>().starts_with("https://"));
  // a rule per evaluated check (the manual entry has none)
  std::set<std::string> ids;
  for (const auto& r : driver["rules"]) ids.insert(r["id"].get<std::string>());
  CHECK(ids.size() == driver["rules"].size());
  CHECK(ids.size() == h.checks.size());
  for (const auto& r : driver["rules"]) {
    INFO(r["id"]);
    CHECK(r["fullDescription"]["text"].get<std::string>().starts_with("Rationale of "));
    CHECK(r["help"]["text"] == "Set it & reload <the> service.");
    CHECK(r["properties"]["cis"]["cis-debian-12"] == json::array({"5.1.20"}));
    CHECK(r["properties"]["nist-800-190"] == json::array({"4.4.1"}));
  }
  const HostReport& a = h.report.hosts[0];
  int expected = count_kind(a, ResultKind::fail) + count_kind(a, ResultKind::error) + count_kind(a, ResultKind::waived);
  REQUIRE(static_cast<int>(run["results"].size()) == expected);
  std::map<std::string, const json*> by_rule;
  for (const auto& r : run["results"]) {
    CHECK(driver["rules"][r["ruleIndex"].get<std::size_t>()]["id"] == r["ruleId"]);
    by_rule[r["ruleId"]] = &r;
  }
  const json& root_login = *by_rule.at("ssh.server.root-login-disabled");
  CHECK(root_login["level"] == "error");
  CHECK(root_login["kind"] == "fail");
  const json& loc = root_login["locations"][0];
  CHECK(loc["physicalLocation"]["artifactLocation"]["uri"] == "file:///etc/ssh/sshd_config");
  CHECK(loc["physicalLocation"]["region"]["startLine"] == 32);
  CHECK(loc["logicalLocations"][0]["name"] == kHostileHost);
  CHECK(root_login["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
        "file:///etc/ssh/sshd_config.d/99%20x.conf");
  CHECK(root_login["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 2);

  const json& hostile = *by_rule.at("docker.container.no-privileged");
  CHECK(hostile["level"] == "warning");
  CHECK(hostile["message"]["text"] == kHostileJson);
  REQUIRE(hostile["locations"][0]["logicalLocations"].size() == 2);
  CHECK(hostile["locations"][0]["logicalLocations"][1]["name"] == kHostileSubject);
  CHECK(hostile["locations"][0]["logicalLocations"][1]["fullyQualifiedName"] == kHostileHost + "/" + kHostileSubject);
  CHECK_FALSE(hostile["locations"][0].contains("physicalLocation"));

  const json& error = *by_rule.at("accounts.shadow.readable");
  CHECK(error["kind"] == "open");
  CHECK(error["level"] == "none");
  CHECK(error["message"]["text"] == "could not be evaluated: /etc/shadow: permission denied");

  const json& waived = *by_rule.at("kernel.aslr.enabled");
  CHECK(waived["level"] == "error");  // critical
  REQUIRE(waived["suppressions"].size() == 1);
  CHECK(waived["suppressions"][0]["kind"] == "external");
  CHECK(waived["suppressions"][0]["status"] == "accepted");
  CHECK(waived["suppressions"][0]["justification"] == "waived until 2999-12-31 (ops): image <b>rebuild</b> [w.yaml:3]");
  CHECK(waived["message"]["text"] == "/proc/sys/kernel/randomize_va_space:1: 0");

  CHECK(by_rule.at("pam.faillock.deny")->at("level") == "note");  // low
  const json& inv = run["invocations"][0];
  CHECK(inv["executionSuccessful"] == false);
  REQUIRE(inv["toolExecutionNotifications"].size() == 1);
  CHECK(inv["toolExecutionNotifications"][0]["message"]["text"] ==
        "db-2: host state unreachable: connect: <refused> & \"timeout\"");
}

TEST_CASE("CSV: RFC 4180 rows per result, hostile cells intact, formulas defused", "[report][csv]") {
  HostileReport h;
  std::string text = format_csv(h.report);
  auto rows = ft::read_csv(text);
  REQUIRE(!rows.empty());
  CHECK(rows[0] == std::vector<std::string>{"scan_id", "host", "state", "subject", "section", "check", "severity",
                                            "result", "title", "evidence"});
  const HostReport& a = h.report.hosts[0];
  REQUIRE(rows.size() == 1 + a.results.size() + 1);  // header, results, the unreachable host's row
  std::map<std::string, int> kinds;
  bool hostile_seen = false, formula_seen = false;
  for (std::size_t i = 1; i <= a.results.size(); ++i) {
    const auto& row = rows[i];
    CHECK(row[0] == "12");
    CHECK(row[1] == kHostileHost);
    CHECK(row[2] == "ok");
    ++kinds[row[7]];
    if (row[5] == "docker.container.no-privileged") {
      hostile_seen = true;
      CHECK(row[3] == kHostileSubject);
      CHECK(row[9] == kHostileCsv);
      CHECK(row[9].find('\n') != std::string::npos);  // multi-line evidence stays multi-line
    }
    if (row[5] == "pam.faillock.deny") {
      formula_seen = true;
      CHECK(row[9] == "'=HYPERLINK(\"http://x\",\"click\")");
    }
  }
  CHECK(hostile_seen);
  CHECK(formula_seen);
  CHECK(kinds["fail"] == count_kind(a, ResultKind::fail));
  CHECK(kinds["error"] == count_kind(a, ResultKind::error));
  CHECK(kinds["waived"] == count_kind(a, ResultKind::waived));
  CHECK(kinds["pass"] == count_kind(a, ResultKind::pass));
  CHECK(kinds["manual"] == count_kind(a, ResultKind::manual));
  CHECK(kinds["not-applicable"] == count_kind(a, ResultKind::not_applicable));
  const auto& b = rows.back();
  CHECK(b[1] == "db-2");
  CHECK(b[2] == "unreachable");
  CHECK(b[7].empty());
  CHECK(b[9] == "connect: <refused> & \"timeout\"");
  // no NUL or bare CR anywhere in the file
  CHECK(text.find('\0') == std::string::npos);
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\r') CHECK(text[i + 1] == '\n');
}

TEST_CASE("HTML: well-formed, self-contained, one script of its own, evidence as text", "[report][html]") {
  HostileReport h;
  std::string html = format_html(h.report);
  ft::XmlNode root = ft::parse_xml(html);  // strict XML: any escaping slip is an error here
  REQUIRE(root.name == "html");
  // nothing from a host became markup
  auto scripts = root.find_all("script");
  REQUIRE(scripts.size() == 1);
  CHECK(root.find_all("img").empty());
  for (const auto* b : root.find_all("b")) CHECK(b->text != "rebuild");
  CHECK(root.find_all("em").empty());
  // nothing external: no src or remote href anywhere, the CSP pins the one script
  std::string csp;
  for (const auto* m : root.find_all("meta"))
    if (m->attr("http-equiv") == "Content-Security-Policy") csp = m->attr("content");
  auto digest = util::sha256(scripts[0]->text);
  std::string hash =
      "'sha256-" + util::base64(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size())) + "'";
  CHECK(csp.find("default-src 'none'") != std::string::npos);
  CHECK(csp.find("script-src " + hash) != std::string::npos);
  std::function<void(const ft::XmlNode&)> no_external = [&](const ft::XmlNode& n) {
    for (const auto& [key, value] : n.attrs) {
      INFO(n.name << " " << key << "=" << value);
      CHECK(key != "src");
      if (key == "href") CHECK((value.starts_with("#") || value == "data:,"));
    }
    for (const auto& c : n.children) no_external(c);
  };
  no_external(root);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("prefers-color-scheme:dark") != std::string::npos);

  // summary, hosts and findings sections, in that order
  std::vector<std::string> sections;
  for (const auto* s : root.find_all("section")) sections.push_back(s->attr("id"));
  CHECK(sections == std::vector<std::string>{"summary", "hosts", "findings"});

  auto host_rows = root.find_all("tbody")[0]->find_all("tr");
  REQUIRE(host_rows.size() == 2);
  CHECK(host_rows[0]->find_all("a")[0]->text == "db-2");  // by name
  CHECK(host_rows[1]->find_all("a")[0]->text == kHostileHost);
  CHECK(host_rows[1]->find_all("a")[0]->attr("href") == "#host-1");

  const HostReport& a = h.report.hosts[0];
  auto findings = root.find_class("finding");
  int expected = count_kind(a, ResultKind::fail) + count_kind(a, ResultKind::error) + count_kind(a, ResultKind::waived);
  REQUIRE(static_cast<int>(findings.size()) == expected);
  std::map<std::string, int> kinds;
  for (const auto* f : findings) ++kinds[f->attr("data-result")];
  CHECK(kinds["fail"] == count_kind(a, ResultKind::fail));
  CHECK(kinds["error"] == 1);
  CHECK(kinds["waived"] == 1);
  bool hostile_seen = false;
  for (const auto* pre : root.find_class("evidence")) {
    if (pre->all_text() != kHostileHtml) continue;
    hostile_seen = true;
    std::vector<std::string> tokens;
    for (const auto* t : pre->find_class("ctl")) tokens.push_back(t->text);
    CHECK(tokens == kHostileTokens);
    CHECK(pre->find_class("ctl")[0]->attr("title") == "control character U+0000 (NUL)");
  }
  CHECK(hostile_seen);
  CHECK(root.all_text().find(kHostileSubject) != std::string::npos);
  CHECK(root.all_text().find("waived until 2999-12-31 (ops): image <b>rebuild</b> [w.yaml:3]") != std::string::npos);
  CHECK(root.all_text().find("Set it & reload <the> service.") != std::string::npos);
  CHECK(root.all_text().find("connect: <refused> & \"timeout\"") != std::string::npos);
  CHECK(root.all_text().find("unused waiver w.yaml:9: ssh.* on <legacy> waived no failure") != std::string::npos);
}

TEST_CASE("HTML: further sections plug in as functions of their own data", "[report][html]") {
  HostileReport h;
  HtmlOptions opt;
  opt.title = "Weekly <audit>";
  opt.extra_sections.push_back({"uniformity", "Uniformity", "<p>" + html_escape("3 kernels <drift>") + "</p>"});
  ft::XmlNode root = ft::parse_xml(format_html(h.report, opt));
  std::vector<std::string> ids;
  for (const auto* s : root.find_all("section")) ids.push_back(s->attr("id"));
  CHECK(ids.back() == "uniformity");
  CHECK(root.find_all("title")[0]->text == "Weekly <audit>");
  bool linked = false;
  for (const auto* a : root.find_all("a"))
    linked = linked || (a->attr("href") == "#uniformity" && a->text == "Uniformity");
  CHECK(linked);
  CHECK(root.all_text().find("3 kernels <drift>") != std::string::npos);
  // the building blocks alone make a page too
  HtmlPage page{"only hosts", {"fact <1>"}, "foot & note"};
  ft::XmlNode small = ft::parse_xml(html_document(page, {html_hosts_section(h.report)}));
  CHECK(small.find_all("section").size() == 1);
  CHECK(small.all_text().find("fact <1>") != std::string::npos);
}

TEST_CASE("every format agrees with the report of a real scan", "[report][scan]") {
  static std::vector<ContentSet> keep;
  auto loaded = ContentSet::load(ft::source_dir());
  REQUIRE(loaded.ok());
  keep.push_back(std::move(loaded.content));
  const ContentSet& content = keep.back();
  ft::FixtureTree tree("ssh-fail");
  ScanRequest req;
  Target t;
  t.kind = Target::Kind::root_dir;
  t.root = tree.root();
  t.name = "web-1";
  req.targets.push_back(t);
  req.profile = "cis-debian-12";
  auto waivers = parse_waivers(
      "waivers:\n  - check: 'ssh.server.*'\n    reason: migration\n    owner: ops\n    expires: 2999-12-31\n", "w.yaml",
      &content);
  REQUIRE(waivers);
  req.waivers = *waivers;
  auto scanned = run_scan(content, req);
  REQUIRE(scanned);
  const ScanReport& report = *scanned;
  const Summary& s = report.summary;
  REQUIRE(s.fail > 0);
  REQUIRE(s.waived > 0);
  REQUIRE(s.manual > 0);
  const int total = s.total();

  json j = json::parse(format_json(report));
  CHECK(j["summary"]["fail"] == s.fail);
  CHECK(static_cast<int>(j["hosts"][0]["results"].size()) == total);

  ft::XmlNode junit = ft::parse_xml(format_junit(report));
  CHECK(attr_int(junit, "tests") == total);
  CHECK(attr_int(junit, "failures") == s.fail);
  CHECK(attr_int(junit, "errors") == s.error);
  CHECK(attr_int(junit, "skipped") == s.not_applicable + s.manual + s.waived);
  CHECK(static_cast<int>(junit.find_all("testcase").size()) == total);
  CHECK(static_cast<int>(junit.find_all("failure").size()) == s.fail);

  json sarif = json::parse(format_sarif(report));
  auto problems = ft::sarif::validate_sarif(sarif);
  for (const auto& p : problems) UNSCOPED_INFO(p);
  CHECK(problems.empty());
  const json& run = sarif["runs"][0];
  CHECK(static_cast<int>(run["results"].size()) == s.fail + s.error + s.waived);
  std::set<std::string> checks;
  for (const auto& r : report.hosts[0].results)
    if (!r.check_id.empty()) checks.insert(r.check_id);
  CHECK(run["tool"]["driver"]["rules"].size() == checks.size());
  int suppressed = 0, located = 0;
  for (const auto& r : run["results"]) {
    suppressed += r.contains("suppressions");
    located += r["locations"][0].contains("physicalLocation");
  }
  CHECK(suppressed == s.waived);
  CHECK(located > 0);  // sshd_config evidence names file and line
  CHECK(run["invocations"][0]["executionSuccessful"] == true);

  auto rows = ft::read_csv(format_csv(report));
  CHECK(static_cast<int>(rows.size()) == total + 1);
  int csv_fail = 0;
  for (const auto& row : rows) csv_fail += row[7] == "fail";
  CHECK(csv_fail == s.fail);

  ft::XmlNode html = ft::parse_xml(format_html(report));
  CHECK(static_cast<int>(html.find_class("finding").size()) == s.fail + s.error + s.waived);
  CHECK(html.find_all("tbody")[0]->find_all("tr").size() == 1);
}

// SARIF 2.1.0 (OASIS): what code-scanning dashboards and security tooling read.

#include "fleetaudit/report.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "fleetaudit/version.hpp"
#include "report/common.hpp"
#include "util/json_writer.hpp"

namespace fleetaudit {

namespace {

constexpr const char* kSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

std::string_view level_of(Severity s) {
  switch (s) {
    case Severity::critical:
    case Severity::high:
      return "error";
    case Severity::medium:
      return "warning";
    case Severity::low:
    case Severity::info:
      return "note";
  }
  return "warning";
}

// GitHub code scanning ranks security results by this (a CVSS-like 0-10 score, as text).
std::string_view security_severity(Severity s) {
  switch (s) {
    case Severity::critical:
      return "9.5";
    case Severity::high:
      return "8.0";
    case Severity::medium:
      return "5.5";
    case Severity::low:
      return "3.0";
    case Severity::info:
      return "0.0";
  }
  return "0.0";
}

// A file on the audited host as a file: URI; every byte outside RFC 3986's
// unreserved set (and '/') is percent-encoded, so any file name makes a valid URI.
std::string file_uri(std::string_view path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out = "file://";
  if (path.empty() || path.front() != '/') out += '/';
  for (char ch : path) {
    auto c = static_cast<unsigned char>(ch);
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                c == '_' || c == '~' || c == '/';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

struct RuleInfo {
  std::string id;
  const CheckResult* sample = nullptr;  // any result of the check: title, severity, content
};

void multiformat(util::JsonWriter& w, std::string_view key, std::string_view text) {
  w.key(key).begin_object().field("text", text).end_object();
}

void write_rule(util::JsonWriter& w, const RuleInfo& rule) {
  const CheckResult& r = *rule.sample;
  const Check* c = r.check;
  Severity severity = c ? c->severity : r.severity;
  std::string title = c ? c->title : r.title;
  w.begin_object();
  w.field("id", rule.id);
  multiformat(w, "shortDescription", title.empty() ? rule.id : title);
  if (c && !c->rationale.empty()) multiformat(w, "fullDescription", c->rationale);
  if (c && !c->remediation.empty()) multiformat(w, "help", c->remediation);
  w.key("defaultConfiguration").begin_object().field("level", level_of(severity)).end_object();
  w.key("properties").begin_object();
  w.field("severity", to_string(severity));
  w.field("security-severity", security_severity(severity));
  std::vector<std::string> tags{"compliance", "security"};
  auto tag = [&](std::string t) {
    if (!t.empty() && std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(std::move(t));
  };
  if (c) {
    tag(c->area);
    for (const auto& [bench, secs] : c->refs.cis) tag("CIS " + bench);
    if (!c->refs.nist_800_190.empty()) tag("NIST SP 800-190");
    if (!c->subject.empty()) tag(c->subject);
  } else {
    tag("manual");
  }
  w.key("tags").begin_array();
  for (const auto& t : tags) w.value(t);
  w.end_array();
  if (c) {
    w.key("cis").begin_object();
    for (const auto& [bench, secs] : c->refs.cis) {
      w.key(bench).begin_array();
      for (const auto& s : secs) w.value(s);
      w.end_array();
    }
    w.end_object();
    w.key("nist-800-190").begin_array();
    for (const auto& n : c->refs.nist_800_190) w.value(n);
    w.end_array();
    if (!c->area.empty()) w.field("area", c->area);
  }
  w.end_object();
  w.end_object();
}

void logical_locations(util::JsonWriter& w, const HostReport& h, const CheckResult* r) {
  w.key("logicalLocations").begin_array();
  w.begin_object().field("name", h.host).field("fullyQualifiedName", h.host).field("kind", "host").end_object();
  if (r && !r->subject.empty()) {
    w.begin_object()
        .field("name", r->subject)
        .field("fullyQualifiedName", h.host + "/" + r->subject)
        .field("kind", "subject")
        .end_object();
  }
  w.end_array();
}

void physical_location(util::JsonWriter& w, const report::EvidenceLocation& loc) {
  w.key("physicalLocation").begin_object();
  w.key("artifactLocation").begin_object().field("uri", file_uri(loc.path)).end_object();
  w.key("region").begin_object().field("startLine", loc.line).end_object();
  w.end_object();
}

void write_result(util::JsonWriter& w, const HostReport& h, const CheckResult& r, const std::string& rule_id,
                  std::size_t rule_index) {
  auto waived = report::split_waiver(r.evidence);
  std::string_view evidence = r.result == ResultKind::waived ? waived.evidence : std::string_view(r.evidence);
  std::string message;
  if (r.result == ResultKind::error) {
    message = "could not be evaluated";
    if (!evidence.empty()) message += ": " + std::string(evidence);
  } else {
    message = evidence.empty() ? r.title : std::string(evidence);
  }
  if (message.empty()) message = rule_id;
  w.begin_object();
  w.field("ruleId", rule_id).field("ruleIndex", static_cast<std::uint64_t>(rule_index));
  // An error is a rule the tool could not decide: SARIF's "open", whose level must be "none".
  if (r.result == ResultKind::error) {
    w.field("kind", "open").field("level", "none");
  } else {
    w.field("kind", "fail").field("level", level_of(r.severity));
  }
  w.key("message").begin_object().field("text", message).end_object();
  auto locations = report::evidence_locations(evidence);
  w.key("locations").begin_array().begin_object();
  if (!locations.empty()) physical_location(w, locations.front());
  logical_locations(w, h, &r);
  w.end_object().end_array();
  if (locations.size() > 1) {
    w.key("relatedLocations").begin_array();
    for (std::size_t i = 1; i < locations.size() && i <= 20; ++i) {
      w.begin_object().field("id", static_cast<std::uint64_t>(i));
      physical_location(w, locations[i]);
      w.end_object();
    }
    w.end_array();
  }
  w.key("partialFingerprints").begin_object();
  w.field("fleetaudit/v1", h.host + "|" + rule_id + "|" + r.subject);
  w.end_object();
  if (r.result == ResultKind::waived) {
    w.key("suppressions").begin_array().begin_object();
    w.field("kind", "external").field("status", "accepted");
    w.field("justification", waived.waiver.empty() ? std::string_view("waived") : waived.waiver);
    w.end_object().end_array();
  }
  w.key("properties").begin_object();
  w.field("host", h.host);
  if (!r.subject.empty()) w.field("subject", r.subject);
  if (!r.section.empty()) w.field("section", r.section);
  w.field("result", to_string(r.result)).field("severity", to_string(r.severity)).field("title", r.title);
  w.end_object();
  w.end_object();
}

}  // namespace

std::string format_sarif(const ScanReport& report) {
  // Rules: every check evaluated on any host, by id; results point at them by index.
  std::map<std::string, RuleInfo> by_id;
  for (const auto& h : report.hosts) {
    for (const auto& r : h.results) {
      bool reported = r.result == ResultKind::fail || r.result == ResultKind::error || r.result == ResultKind::waived;
      if (r.check_id.empty() && !reported) continue;  // a manual entry: no check, no rule
      std::string id = report::check_label(r);
      auto& info = by_id[id];
      if (!info.sample || (!info.sample->check && r.check)) info = RuleInfo{id, &r};
    }
  }
  std::vector<const RuleInfo*> rules;
  std::map<std::string, std::size_t> index;
  for (const auto& [id, info] : by_id) {
    index[id] = rules.size();
    rules.push_back(&info);
  }

  const ScanInfo& s = report.scan;
  std::string out;
  out.reserve(64 * 1024 + report.hosts.size() * 16 * 1024);
  util::JsonWriter w(out, 2);
  w.begin_object();
  w.field("$schema", kSchema).field("version", "2.1.0");
  w.key("runs").begin_array().begin_object();

  w.key("tool").begin_object().key("driver").begin_object();
  std::string version = s.tool_version.empty() ? std::string(fleetaudit::version()) : s.tool_version;
  w.field("name", "fleetaudit").field("fullName", "fleetaudit " + version);
  w.field("version", version).field("semanticVersion", version);
  // only when the build knows where the project lives (project(HOMEPAGE_URL))
  if (std::string_view(FLEETAUDIT_HOMEPAGE_URL).starts_with("https://")) w.field("informationUri", FLEETAUDIT_HOMEPAGE_URL);
  w.key("rules").begin_array();
  for (const RuleInfo* rule : rules) write_rule(w, *rule);
  w.end_array();
  w.end_object().end_object();

  bool all_ok =
      std::all_of(report.hosts.begin(), report.hosts.end(), [](const HostReport& h) { return h.state == "ok"; });
  w.key("invocations").begin_array().begin_object();
  w.field("executionSuccessful", all_ok);
  if (!s.started_at.empty()) w.field("startTimeUtc", s.started_at);
  if (!s.finished_at.empty()) w.field("endTimeUtc", s.finished_at);
  if (!all_ok) {
    w.key("toolExecutionNotifications").begin_array();
    for (const auto& h : report.hosts) {
      if (h.state == "ok") continue;
      w.begin_object().field("level", "error");
      std::string text = h.host + ": host state " + h.state + (h.state_detail.empty() ? "" : ": " + h.state_detail);
      w.key("message").begin_object().field("text", text).end_object();
      w.key("locations").begin_array().begin_object();
      logical_locations(w, h, nullptr);
      w.end_object().end_array();
      w.key("properties").begin_object().field("host", h.host).field("state", h.state).end_object();
      w.end_object();
    }
    w.end_array();
  }
  w.end_object().end_array();

  std::string automation = "fleetaudit/" + (s.profile.empty() ? std::string("all") : s.profile) + "/";
  automation += s.id ? std::to_string(s.id) : s.started_at;
  w.key("automationDetails").begin_object().field("id", automation).end_object();

  w.key("results").begin_array();
  for (const auto& h : report.hosts) {
    for (const CheckResult* r : report::sorted_results(h)) {
      if (r->result != ResultKind::fail && r->result != ResultKind::error && r->result != ResultKind::waived) continue;
      std::string id = report::check_label(*r);
      write_result(w, h, *r, id, index.at(id));
    }
  }
  w.end_array();

  w.key("properties").begin_object();
  if (s.id) w.field("scan_id", s.id);
  if (!s.profile.empty()) {
    w.field("profile", s.profile).field("profile_title", s.profile_title).field("profile_version", s.profile_version);
    w.field("level", s.level);
  }
  w.field("score", report.summary.score);
  w.key("hosts").begin_array();
  for (const auto& h : report.hosts) {
    w.begin_object().field("name", h.host).field("state", h.state);
    if (!h.state_detail.empty()) w.field("state_detail", h.state_detail);
    w.field("score", h.summary.score);
    w.end_object();
  }
  w.end_array();
  if (!report.waiver_notes.empty()) {
    w.key("waiver_notes").begin_array();
    for (const auto& n : report.waiver_notes) w.value(n);
    w.end_array();
  }
  w.end_object();

  w.end_object().end_array();
  w.end_object();
  out += '\n';
  return out;
}

}  // namespace fleetaudit

// JUnit XML: what CI systems (Jenkins, GitLab, GitHub Actions reporters) read.

#include "fleetaudit/report.hpp"

#include <cstdio>
#include <string>

#include "report/common.hpp"
#include "util/strings.hpp"

namespace fleetaudit {

namespace {

using report::append_markup;

struct Counts {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
};

Counts count(const HostReport& h) {
  Counts c;
  for (const auto& r : h.results) {
    ++c.tests;
    switch (r.result) {
      case ResultKind::fail:
        ++c.failures;
        break;
      case ResultKind::error:
        ++c.errors;
        break;
      case ResultKind::not_applicable:
      case ResultKind::manual:
      case ResultKind::waived:
        ++c.skipped;
        break;
      case ResultKind::pass:
        break;
    }
  }
  if (h.state != "ok") {
    ++c.tests;
    ++c.errors;
  }
  return c;
}

class Xml {
 public:
  explicit Xml(std::string& out) : out_(out) {}
  Xml& open(std::string_view tag) {
    out_ += '<';
    out_ += tag;
    return *this;
  }
  Xml& attr(std::string_view name, std::string_view value) {
    out_ += ' ';
    out_ += name;
    out_ += "=\"";
    append_markup(out_, value, true);
    out_ += '"';
    return *this;
  }
  Xml& attr(std::string_view name, long long value) { return attr(name, std::to_string(value)); }
  Xml& text(std::string_view s) {
    append_markup(out_, s);
    return *this;
  }
  Xml& raw(std::string_view s) {
    out_ += s;
    return *this;
  }

 private:
  std::string& out_;
};

void property(Xml& x, std::string_view name, std::string_view value) {
  x.raw("      ").open("property").attr("name", name).attr("value", value).raw("/>\n");
}

void counts_attrs(Xml& x, const Counts& c) {
  x.attr("tests", c.tests).attr("failures", c.failures).attr("errors", c.errors).attr("skipped", c.skipped);
}

std::string skip_message(const CheckResult& r) {
  if (r.result == ResultKind::waived) {
    auto w = report::split_waiver(r.evidence);
    return w.waiver.empty() ? std::string("waived") : std::string(w.waiver);
  }
  std::string what = r.result == ResultKind::manual ? "manual" : "not applicable";
  if (r.evidence.empty()) return what;
  return what + ": " + report::first_line(r.evidence, 300);
}

void testcase(Xml& x, const CheckResult& r) {
  x.raw("    ").open("testcase").attr("classname", report::check_label(r)).attr("name", report::display_name(r));
  const std::string& ev = r.evidence;
  switch (r.result) {
    case ResultKind::pass:
      if (ev.empty()) {
        x.raw("/>\n");
        return;
      }
      x.raw(">\n      <system-out>").text(ev).raw("</system-out>\n");
      break;
    case ResultKind::fail:
      x.raw(">\n      ")
          .open("failure")
          .attr("message", ev.empty() ? r.title : report::first_line(ev, 300))
          .attr("type", to_string(r.severity))
          .raw(">")
          .text(ev)
          .raw("</failure>\n");
      break;
    case ResultKind::error:
      x.raw(">\n      ")
          .open("error")
          .attr("message", ev.empty() ? std::string("could not be evaluated") : report::first_line(ev, 300))
          .attr("type", "collection")
          .raw(">")
          .text(ev)
          .raw("</error>\n");
      break;
    case ResultKind::not_applicable:
    case ResultKind::manual:
    case ResultKind::waived: {
      x.raw(">\n      ").open("skipped").attr("message", skip_message(r)).raw("/>\n");
      std::string_view shown =
          r.result == ResultKind::waived ? report::split_waiver(ev).evidence : std::string_view(ev);
      if (!shown.empty()) x.raw("      <system-out>").text(shown).raw("</system-out>\n");
      break;
    }
  }
  x.raw("    </testcase>\n");
}

}  // namespace

std::string format_junit(const ScanReport& report) {
  std::string out;
  out.reserve(4096 + report.hosts.size() * 32 * 1024);
  Xml x(out);
  const ScanInfo& s = report.scan;
  Counts total;
  std::vector<Counts> per_host;
  for (const auto& h : report.hosts) {
    per_host.push_back(count(h));
    total.tests += per_host.back().tests;
    total.failures += per_host.back().failures;
    total.errors += per_host.back().errors;
    total.skipped += per_host.back().skipped;
  }
  std::string name = "fleetaudit";
  if (!s.profile.empty()) name += " " + s.profile + " " + s.profile_version;
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3f", s.duration_seconds);
  x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n").open("testsuites").attr("name", name);
  counts_attrs(x, total);
  x.attr("time", duration);
  if (!s.started_at.empty()) x.attr("timestamp", s.started_at);
  x.raw(">\n");
  for (std::size_t i = 0; i < report.hosts.size(); ++i) {
    const HostReport& h = report.hosts[i];
    x.raw("  ").open("testsuite").attr("name", h.host);
    counts_attrs(x, per_host[i]);
    x.attr("id", static_cast<long long>(i)).attr("hostname", h.host);
    if (!h.collected_at.empty()) x.attr("timestamp", h.collected_at);
    x.raw(">\n    <properties>\n");
    property(x, "state", h.state);
    if (!h.state_detail.empty()) property(x, "state_detail", h.state_detail);
    property(x, "score", report::format_score(h.summary.score));
    if (!h.collector.empty()) property(x, "collector", h.collector);
    if (!s.profile.empty()) {
      property(x, "profile", s.profile);
      property(x, "profile_version", s.profile_version);
      property(x, "level", std::to_string(s.level));
    }
    if (s.id) property(x, "scan_id", std::to_string(s.id));
    if (!h.tags.empty()) property(x, "tags", util::join(h.tags, ","));
    if (!s.tool_version.empty()) property(x, "fleetaudit_version", s.tool_version);
    x.raw("    </properties>\n");
    if (h.state != "ok") {
      std::string message =
          "host state " + h.state + (h.state_detail.empty() ? "" : ": " + report::first_line(h.state_detail, 300));
      x.raw("    ")
          .open("testcase")
          .attr("classname", "fleetaudit.collection")
          .attr("name", "collect " + h.host)
          .raw(">\n      ");
      x.open("error")
          .attr("message", message)
          .attr("type", h.state)
          .raw(">")
          .text(h.state_detail)
          .raw("</error>\n    </testcase>\n");
    }
    for (const CheckResult* r : report::sorted_results(h)) testcase(x, *r);
    x.raw("  </testsuite>\n");
  }
  x.raw("</testsuites>\n");
  return out;
}

}  // namespace fleetaudit

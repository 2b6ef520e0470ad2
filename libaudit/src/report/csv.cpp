// CSV (RFC 4180) for spreadsheets and ad-hoc analysis: one row per result.

#include "fleetaudit/report.hpp"

#include <string>

#include "report/common.hpp"

namespace fleetaudit {

namespace {

// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
// A field a spreadsheet would evaluate as a formula is prefixed with an
// apostrophe (evidence comes from hosts, and hosts are not trusted).
void field(std::string& out, std::string_view raw, bool first = false) {
  if (!first) out += ',';
  std::string text = report::clean_text(raw);
  if (!text.empty() && (text.front() == '=' || text.front() == '+' || text.front() == '-' || text.front() == '@')) {
    text.insert(text.begin(), '\'');
  }
  bool quote = text.find_first_of(",\"\n\t") != std::string::npos ||
               (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) {
    out += text;
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

std::string format_csv(const ScanReport& report) {
  std::string out;
  out.reserve(256 + report.hosts.size() * 64 * 1024);
  out += "scan_id,host,state,subject,section,check,severity,result,title,evidence\r\n";
  std::string scan_id = report.scan.id ? std::to_string(report.scan.id) : std::string();
  for (const auto& h : report.hosts) {
    if (h.results.empty()) {
      field(out, scan_id, true);
      field(out, h.host);
      field(out, h.state);
      for (int i = 0; i < 5; ++i) field(out, "");
      field(out, h.state == "ok" ? "no results" : "host not scanned");
      field(out, h.state_detail);
      out += "\r\n";
      continue;
    }
    for (const CheckResult* r : report::sorted_results(h)) {
      field(out, scan_id, true);
      field(out, h.host);
      field(out, h.state);
      field(out, r->subject);
      field(out, r->section);
      field(out, r->check_id);
      field(out, to_string(r->severity));
      field(out, to_string(r->result));
      field(out, r->title);
      field(out, r->evidence);
      out += "\r\n";
    }
  }
  return out;
}

}  // namespace fleetaudit

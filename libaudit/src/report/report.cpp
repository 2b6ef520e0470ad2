// Table and JSON reports.

#include "fleetaudit/report.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include "report/common.hpp"
#include "util/json_writer.hpp"
#include "util/strings.hpp"

namespace fleetaudit {

namespace {

using report::format_score;
using report::sorted_results;

const char* kReset = "\033[0m";

const char* color_of(ResultKind r) {
  switch (r) {
    case ResultKind::pass: return "\033[32m";
    case ResultKind::fail: return "\033[31;1m";
    case ResultKind::error: return "\033[33;1m";
    case ResultKind::not_applicable: return "\033[2m";
    case ResultKind::manual: return "\033[36m";
    case ResultKind::waived: return "\033[35m";
  }
  return "";
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string pad(std::string_view s, std::size_t w) {
  std::string out(s);
  if (out.size() < w) out.append(w - out.size(), ' ');
  return out;
}

std::string summary_line(const Summary& s) {
  std::ostringstream o;
  o << s.pass << " pass, " << s.fail << " fail";
  std::vector<std::string> sev;
  for (int k = 4; k >= 0; --k) {
    if (s.fail_by_severity[k]) sev.push_back(std::to_string(s.fail_by_severity[k]) + " " + std::string(to_string(static_cast<Severity>(k))));
  }
  if (!sev.empty()) o << " (" << util::join(sev, ", ") << ")";
  o << ", " << s.error << " error, " << s.not_applicable << " not applicable, " << s.manual << " manual";
  if (s.waived) o << ", " << s.waived << " waived";
  o << " - score " << format_score(s.score) << "%";
  return o.str();
}

}  // namespace

std::string format_table(const ScanReport& report, const TableOptions& opt) {
  std::ostringstream out;
  const auto& s = report.scan;
  for (const auto& h : report.hosts) {
    out << "Host " << h.host << "  (state " << h.state;
    if (!s.profile.empty()) out << ", profile " << s.profile << " " << s.profile_version << " level " << s.level;
    out << ")\n";
    if (!h.state_detail.empty()) out << "  note: " << util::clip(h.state_detail, 300) << "\n";
    auto rows = sorted_results(h);
    std::size_t w_section = 7, w_check = 5;
    for (const auto* r : rows) {
      if (!opt.show_passed && (r->result == ResultKind::pass || r->result == ResultKind::not_applicable)) continue;
      w_section = std::max(w_section, r->section.size());
      w_check = std::max(w_check, r->check_id.size());
    }
    w_check = std::min<std::size_t>(w_check, 44);
    const std::size_t w_result = 6, w_sev = 8;
    out << "  " << pad("SECTION", w_section) << "  " << pad("RESULT", w_result) << "  " << pad("SEVERITY", w_sev) << "  "
        << pad("CHECK", w_check) << "  TITLE\n";
    std::size_t used = 2 + w_section + 2 + w_result + 2 + w_sev + 2 + w_check + 2;
    std::size_t w_title = opt.width > static_cast<int>(used) + 20 ? static_cast<std::size_t>(opt.width) - used : 40;
    for (const auto* r : rows) {
      if (!opt.show_passed && (r->result == ResultKind::pass || r->result == ResultKind::not_applicable)) continue;
      std::string label = r->result == ResultKind::not_applicable ? "N/A" : upper(to_string(r->result));
      std::string cell = pad(label, w_result);
      if (opt.color) cell = std::string(color_of(r->result)) + cell + kReset;
      std::string sev = r->result == ResultKind::manual ? "-" : std::string(to_string(r->severity));
      std::string title = r->subject.empty() ? r->title : r->title + "  [" + r->subject + "]";
      out << "  " << pad(r->section, w_section) << "  " << cell << "  " << pad(sev, w_sev) << "  "
          << pad(util::clip(r->check_id, w_check), w_check) << "  " << util::clip(title, w_title) << "\n";
      if (opt.show_evidence && (r->result == ResultKind::fail || r->result == ResultKind::error) && !r->evidence.empty()) {
        for (const auto& line : util::split_lines(r->evidence)) {
          out << "  " << std::string(w_section, ' ') << "  " << (opt.color ? "\033[2m" : "") << "> "
              << util::clip(line.text, static_cast<std::size_t>(std::max(opt.width - 6 - static_cast<int>(w_section), 100)))
              << (opt.color ? kReset : "") << "\n";
        }
      }
    }
    out << "  Summary: " << summary_line(h.summary) << "\n\n";
  }
  if (report.hosts.size() != 1) out << "Fleet: " << report.hosts.size() << " hosts; " << summary_line(report.summary) << "\n";
  for (const auto& n : report.waiver_notes) out << "Note: " << n << "\n";
  char dur[32];
  std::snprintf(dur, sizeof dur, "%.3f", s.duration_seconds);
  out << "Scan" << (s.id ? " #" + std::to_string(s.id) : std::string()) << " finished " << s.finished_at << " in " << dur << " s, "
      << s.checks_selected << " checks selected\n";
  return out.str();
}

std::string format_fleet_table(const ScanReport& report, const TableOptions& opt) {
  std::vector<const HostReport*> hosts;
  for (const auto& h : report.hosts) hosts.push_back(&h);
  std::stable_sort(hosts.begin(), hosts.end(), [](const HostReport* a, const HostReport* b) { return a->host < b->host; });
  std::size_t w_name = 4, w_state = 5;
  for (const auto* h : hosts) {
    w_name = std::max(w_name, std::min<std::size_t>(h->host.size(), 40));
    w_state = std::max(w_state, h->state.size());
  }
  // Uptime risk, when the scan worked out host profiles (fleet analytics).
  const bool risk = std::any_of(hosts.begin(), hosts.end(), [](const HostReport* h) { return h->profile.has_value(); });
  std::ostringstream out;
  out << pad("HOST", w_name) << "  " << pad("STATE", w_state) << "   SCORE" << (risk ? "  RISK" : "")
      << "  CRIT  HIGH   MED   LOW  INFO   ERR  DETAIL\n";
  const HostReport* riskiest = nullptr;
  int risky = 0;
  std::map<std::string, int> states;
  for (const auto* h : hosts) {
    ++states[h->state];
    std::string state = pad(h->state, w_state);
    if (opt.color) state = std::string(h->state == "ok" ? "\033[32m" : h->state == "partial" ? "\033[33;1m" : "\033[31;1m") + state + kReset;
    char nums[96];
    const int* f = h->summary.fail_by_severity;
    bool scored = h->summary.total() > 0;  // results may be gone (stored already); the summary stays
    std::string risk_col;
    if (risk) {
      risk_col = h->profile ? std::to_string(h->profile->risk) : "-";
      risk_col = " " + std::string(risk_col.size() < 5 ? 5 - risk_col.size() : 0, ' ') + risk_col;
      if (h->profile) {
        risky += h->profile->risk >= 50;
        if (!riskiest || h->profile->risk > riskiest->profile->risk) riskiest = h;
      }
    }
    std::snprintf(nums, sizeof nums, "%7s%s %5d %5d %5d %5d %5d %5d", scored ? (format_score(h->summary.score) + "%").c_str() : "-",
                  risk_col.c_str(), f[4], f[3], f[2], f[1], f[0], h->summary.error);
    std::size_t used = w_name + w_state + 52 + (risk ? 6 : 0);
    std::size_t w_detail = opt.width > static_cast<int>(used) + 20 ? static_cast<std::size_t>(opt.width) - used : 40;
    out << pad(util::clip(h->host, 40), w_name) << "  " << state << " " << nums << "  " << util::clip(h->state_detail, w_detail) << "\n";
  }
  std::vector<std::string> counts;
  for (const auto& [state, n] : states) counts.push_back(std::to_string(n) + " " + state);
  out << "\nFleet: " << report.hosts.size() << " hosts (" << util::join(counts, ", ") << "); " << summary_line(report.summary) << "\n";
  if (riskiest)
    out << "Uptime risk: " << risky << " host(s) at 50 or more, the highest " << riskiest->host << " (" << riskiest->profile->risk
        << "); 'fleetaudit fleet' explains it, with uniformity and patch level\n";
  char dur[32];
  std::snprintf(dur, sizeof dur, "%.2f", report.scan.duration_seconds);
  out << "Scan" << (report.scan.id ? " #" + std::to_string(report.scan.id) : std::string()) << " finished " << report.scan.finished_at
      << " in " << dur << " s\n";
  return out.str();
}

std::string format_json(const ScanReport& report) {
  std::string out;
  out.reserve(4096 + report.hosts.size() * 64 * 1024);
  util::JsonWriter w(out, 2);
  auto summary = [&](const Summary& s) {
    w.begin_object();
    w.field("pass", s.pass).field("fail", s.fail).field("error", s.error).field("not_applicable", s.not_applicable);
    w.field("manual", s.manual);
    w.field("waived", s.waived);
    w.key("fail_by_severity").begin_object();
    for (int k = 0; k < 5; ++k) w.field(to_string(static_cast<Severity>(k)), s.fail_by_severity[k]);
    w.end_object();
    w.field("score", s.score);
    w.end_object();
  };
  const auto& s = report.scan;
  w.begin_object();
  w.key("scan").begin_object();
  w.field("id", static_cast<std::int64_t>(s.id)).field("started_at", s.started_at).field("finished_at", s.finished_at);
  w.field("duration_seconds", s.duration_seconds).field("profile", s.profile).field("profile_title", s.profile_title);
  w.field("profile_version", s.profile_version).field("level", s.level).field("tool_version", s.tool_version);
  w.field("checks_selected", static_cast<std::uint64_t>(s.checks_selected));
  w.end_object();
  w.key("summary");
  summary(report.summary);
  if (!report.waiver_notes.empty()) {
    w.key("waiver_notes").begin_array();
    for (const auto& n : report.waiver_notes) w.value(n);
    w.end_array();
  }
  w.key("hosts").begin_array();
  for (std::size_t i = 0; i < report.hosts.size(); ++i) {
    const auto& h = report.hosts[i];
    w.begin_object();
    w.field("name", h.host).field("state", h.state);
    if (!h.state_detail.empty()) w.field("state_detail", h.state_detail);
    w.field("score", h.summary.score);
    w.field("collector", h.collector).field("collected_at", h.collected_at);
    if (!h.tags.empty()) {
      w.key("tags").begin_array();
      for (const auto& t : h.tags) w.value(t);
      w.end_array();
    }
    w.key("summary");
    summary(h.summary);
    w.key("results").begin_array();
    for (const auto* r : sorted_results(h)) {
      w.begin_object();
      w.field("check", r->check_id).field("section", r->section).field("result", to_string(r->result));
      if (!r->subject.empty()) w.field("subject", r->subject);
      w.field("severity", to_string(r->severity)).field("title", r->title).field("evidence", r->evidence);
      w.key("refs").begin_object();
      if (r->check) {
        w.key("cis").begin_object();
        for (const auto& [bench, secs] : r->check->refs.cis) {
          w.key(bench).begin_array();
          for (const auto& sec : secs) w.value(sec);
          w.end_array();
        }
        w.end_object();
        w.key("nist-800-190").begin_array();
        for (const auto& n : r->check->refs.nist_800_190) w.value(n);
        w.end_array();
      }
      w.end_object();
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  out += '\n';
  return out;
}

std::optional<Severity> worst_failure(const ScanReport& report) {
  // From the summaries: a stored fleet scan has let its hosts' results go.
  std::optional<Severity> worst;
  auto note = [&](const Summary& s) {
    for (int i = 4; i >= 0; --i) {
      if (s.fail_by_severity[i] > 0) {
        auto sev = static_cast<Severity>(i);
        if (!worst || sev > *worst) worst = sev;
        return;
      }
    }
  };
  note(report.summary);
  for (const auto& h : report.hosts) {
    note(h.summary);
    for (const auto& r : h.results)
      if (r.result == ResultKind::fail && (!worst || r.severity > *worst)) worst = r.severity;
  }
  return worst;
}

}  // namespace fleetaudit

// Table and JSON reports.

#include "fleetaudit/report.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "util/strings.hpp"

namespace fleetaudit {

namespace {

const char* kReset = "\033[0m";

const char* color_of(ResultKind r) {
  switch (r) {
    case ResultKind::pass: return "\033[32m";
    case ResultKind::fail: return "\033[31;1m";
    case ResultKind::error: return "\033[33;1m";
    case ResultKind::not_applicable: return "\033[2m";
    case ResultKind::manual: return "\033[36m";
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

std::string format_score(double score) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", score);
  return buf;
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
  o << " - score " << format_score(s.score) << "%";
  return o.str();
}

// Profile order when a section is known (1.2 < 1.10), else by check id.
std::vector<const CheckResult*> sorted_results(const HostReport& h) {
  std::vector<const CheckResult*> v;
  for (const auto& r : h.results) v.push_back(&r);
  std::stable_sort(v.begin(), v.end(), [](const CheckResult* a, const CheckResult* b) {
    if (a->section != b->section) {
      if (a->section.empty() || b->section.empty()) return b->section.empty();
      return util::section_less(a->section, b->section);
    }
    return a->check_id < b->check_id;
  });
  return v;
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
      out << "  " << pad(r->section, w_section) << "  " << cell << "  " << pad(sev, w_sev) << "  "
          << pad(util::clip(r->check_id, w_check), w_check) << "  " << util::clip(r->title, w_title) << "\n";
      if (opt.show_evidence && (r->result == ResultKind::fail || r->result == ResultKind::error) && !r->evidence.empty()) {
        for (const auto& line : util::split_lines(r->evidence)) {
          out << "  " << std::string(w_section, ' ') << "  " << (opt.color ? "\033[2m" : "") << "> "
              << util::clip(line.text, static_cast<std::size_t>(std::max(opt.width - 6 - static_cast<int>(w_section), 40)))
              << (opt.color ? kReset : "") << "\n";
        }
      }
    }
    out << "  Summary: " << summary_line(h.summary) << "\n\n";
  }
  if (report.hosts.size() != 1) out << "Fleet: " << report.hosts.size() << " hosts; " << summary_line(report.summary) << "\n";
  char dur[32];
  std::snprintf(dur, sizeof dur, "%.3f", s.duration_seconds);
  out << "Scan" << (s.id ? " #" + std::to_string(s.id) : std::string()) << " finished " << s.finished_at << " in " << dur << " s, "
      << s.checks_selected << " checks selected\n";
  return out.str();
}

std::string format_json(const ScanReport& report) {
  using nlohmann::json;
  auto summary_json = [](const Summary& s) {
    json sev = json::object();
    for (int k = 0; k < 5; ++k) sev[std::string(to_string(static_cast<Severity>(k)))] = s.fail_by_severity[k];
    return json{{"pass", s.pass}, {"fail", s.fail}, {"error", s.error}, {"not_applicable", s.not_applicable},
                {"manual", s.manual}, {"fail_by_severity", sev}, {"score", s.score}};
  };
  const auto& s = report.scan;
  json scan{{"id", s.id},
            {"started_at", s.started_at},
            {"finished_at", s.finished_at},
            {"duration_seconds", s.duration_seconds},
            {"profile", s.profile},
            {"profile_title", s.profile_title},
            {"profile_version", s.profile_version},
            {"level", s.level},
            {"tool_version", s.tool_version},
            {"checks_selected", s.checks_selected}};
  json hosts = json::array();
  for (std::size_t i = 0; i < report.hosts.size(); ++i) {
    const auto& h = report.hosts[i];
    json results = json::array();
    for (const auto* r : sorted_results(h)) {
      json refs = json::object();
      if (r->check) {
        json cis = json::object();
        for (const auto& [bench, secs] : r->check->refs.cis) cis[bench] = secs;
        refs["cis"] = cis;
        refs["nist-800-190"] = r->check->refs.nist_800_190;
      }
      results.push_back(json{{"check", r->check_id},
                             {"section", r->section},
                             {"result", to_string(r->result)},
                             {"severity", to_string(r->severity)},
                             {"title", r->title},
                             {"evidence", r->evidence},
                             {"refs", refs}});
    }
    json host{{"name", h.host}, {"state", h.state}, {"score", h.summary.score}, {"summary", summary_json(h.summary)},
              {"results", results}};
    if (!h.state_detail.empty()) host["state_detail"] = h.state_detail;
    if (i < report.snapshots.size()) {
      host["collector"] = report.snapshots[i].collector;
      host["collected_at"] = report.snapshots[i].collected_at;
    }
    hosts.push_back(std::move(host));
  }
  json doc{{"scan", scan}, {"summary", summary_json(report.summary)}, {"hosts", hosts}};
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::optional<Severity> worst_failure(const ScanReport& report) {
  std::optional<Severity> worst;
  for (const auto& h : report.hosts) {
    for (const auto& r : h.results) {
      if (r.result == ResultKind::fail && (!worst || r.severity > *worst)) worst = r.severity;
    }
  }
  return worst;
}

}  // namespace fleetaudit

// Fleet analytics reports: table, JSON and HTML sections.

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "fleet/containers.hpp"
#include "fleetaudit/report.hpp"
#include "util/strings.hpp"

namespace fleetaudit {

namespace {

std::string pad(std::string_view s, std::size_t w) {
  std::string out(s);
  if (out.size() < w) out.append(w - out.size(), ' ');
  return out;
}

std::string days(const std::optional<double>& d) {
  if (!d) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0fd", *d);
  return buf;
}

std::string pct(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", v);
  return buf;
}

std::string role_of(const HostProfile& h) { return h.tags.empty() ? "-" : util::join(h.tags, ","); }

std::vector<const HostProfile*> by_risk(const FleetAnalysis& a) {
  std::vector<const HostProfile*> v;
  for (const auto& h : a.hosts) v.push_back(&h);
  std::stable_sort(v.begin(), v.end(), [](const HostProfile* x, const HostProfile* y) {
    if (x->risk != y->risk) return x->risk > y->risk;
    return x->host < y->host;
  });
  return v;
}

}  // namespace

std::string format_fleet_analysis(const FleetAnalysis& a, const std::vector<CheckResult>& rules, const TableOptions& opt) {
  std::ostringstream out;
  out << "Fleet: " << a.hosts.size() << " host(s) with facts; mean uptime risk " << std::lround(a.mean_risk) << "/100\n";
  out << "Patch level: " << a.hosts_with_pending << " host(s) with pending updates (" << a.pending_total << " updates, "
      << a.security_total << " security, on " << a.hosts_with_security << " host(s)); " << a.hosts_reboot_required
      << " need a reboot; " << a.hosts_kernel_outdated << " run an older kernel than installed; " << a.hosts_with_stale
      << " have processes on replaced libraries\n\n";

  // hosts by risk
  std::size_t wh = 4, wr = 4, wk = 6, wv = 4;
  for (const auto& h : a.hosts) {
    wh = std::max(wh, std::min<std::size_t>(h.host.size(), 32));
    wr = std::max(wr, std::min<std::size_t>(role_of(h).size(), 24));
    wk = std::max(wk, h.kernel_release.size());
    wv = std::max(wv, h.virtualization.size());
  }
  out << pad("HOST", wh) << "  RISK  " << pad("ROLE", wr) << "  " << pad("VIRT", wv) << "  " << pad("KERNEL", wk)
      << "  UPTIME  PENDING  SECURITY  REBOOT  STALE\n";
  for (const HostProfile* h : by_risk(a)) {
    std::set<std::string> pids;
    for (const auto& s : h->stale) pids.insert(s.pid);
    std::string kernel = h->kernel_release + (h->kernel_outdated ? "*" : "");
    char nums[96];
    std::snprintf(nums, sizeof nums, "%6s  %7s  %8s  %6s  %5zu", days(h->uptime_days).c_str(),
                  h->updates_known ? std::to_string(h->pending.size()).c_str() : "?",
                  h->updates_known ? std::to_string(h->pending_security).c_str() : "?", h->reboot_required ? "yes" : "no",
                  pids.size());
    out << pad(util::clip(h->host, 32), wh) << "  " << pad(std::to_string(h->risk), 4) << "  " << pad(util::clip(role_of(*h), 24), wr)
        << "  " << pad(h->virtualization, wv) << "  " << pad(kernel, wk + 1) << " " << nums << "\n";
  }
  out << "  (* a newer kernel is installed than the one running; ? the apt lists could not answer)\n\n";

  out << "Uptime risk, by host (each contribution named):\n";
  bool any_risk = false;
  for (const HostProfile* h : by_risk(a)) {
    if (h->risk_contributions.empty()) continue;
    any_risk = true;
    out << "  " << h->host << "  " << h->risk << "/100\n";
    for (const auto& r : h->risk_contributions)
      out << "    +" << pad(std::to_string(r.points), 3) << pad(r.factor, 18) << util::clip(r.why, static_cast<std::size_t>(std::max(opt.width - 28, 60))) << "\n";
  }
  if (!any_risk) out << "  none\n";
  out << "\n";

  out << "Uniformity:\n";
  std::string group;
  std::size_t wc = 10;
  for (const auto& u : a.uniformity) {
    if (u.group != group) {
      group = u.group;
      // The component column as wide as this group's longest name (image
      // references are long), at most 48.
      wc = 10;
      for (const auto& v : a.uniformity)
        if (v.group == group) wc = std::max(wc, std::min<std::size_t>(v.component.size(), 48));
      out << "  " << (group == "fleet" ? std::string("whole fleet") : "role " + group) << "\n";
      out << "    " << pad("COMPONENT", wc + 1) << "VERSIONS  " << pad("MAJORITY", 28) << "  SCORE   DRIFTING\n";
    }
    std::string drift = u.drifting.empty() ? "-" : util::join(u.drifting, ", ");
    out << "    " << pad(util::clip(u.component, 48), wc + 1) << pad(std::to_string(u.hosts.size()), 10) << pad(util::clip(u.majority, 28), 28)
        << "  " << pad(pct(u.score), 7) << " "
        << util::clip(drift, static_cast<std::size_t>(std::max(opt.width - 53 - static_cast<int>(wc), 40))) << "\n";
  }
  if (a.uniformity.empty()) out << "  no components reported\n";
  if (!rules.empty()) {
    out << "\nFleet rules:\n";
    for (const auto& r : rules) {
      std::string label = r.result == ResultKind::not_applicable ? "N/A" : std::string(to_string(r.result));
      for (auto& c : label) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out << "  " << pad(label, 6) << " " << pad(r.check_id, 36) << " " << pad(r.subject, 24) << " " << r.title << "\n";
      if (r.result == ResultKind::fail)
        for (auto line : util::split(r.evidence, '\n')) out << "         > " << line << "\n";
    }
  }
  if (a.containers_total > 0) out << format_container_table(a, opt);
  return out.str();
}

std::string format_fleet_analysis_json(const FleetAnalysis& a, const std::vector<CheckResult>& rules) {
  nlohmann::json j;
  j["summary"] = {{"hosts", a.hosts.size()},
                  {"hosts_with_pending", a.hosts_with_pending},
                  {"hosts_with_security", a.hosts_with_security},
                  {"pending_total", a.pending_total},
                  {"security_total", a.security_total},
                  {"hosts_reboot_required", a.hosts_reboot_required},
                  {"hosts_kernel_outdated", a.hosts_kernel_outdated},
                  {"hosts_with_stale", a.hosts_with_stale},
                  {"mean_risk", a.mean_risk}};
  j["hosts"] = nlohmann::json::array();
  for (const auto& h : a.hosts) j["hosts"].push_back(nlohmann::json::parse(to_json(h)));
  j["uniformity"] = nlohmann::json::array();
  for (const auto& u : a.uniformity)
    j["uniformity"].push_back({{"component", u.component}, {"group", u.group}, {"versions", u.hosts}, {"majority", u.majority},
                               {"drifting", u.drifting}, {"score", u.score}});
  j["fleet_rules"] = nlohmann::json::array();
  for (const auto& r : rules)
    j["fleet_rules"].push_back({{"check", r.check_id}, {"group", r.subject}, {"result", std::string(to_string(r.result))},
                                {"severity", std::string(to_string(r.severity))}, {"title", r.title}, {"evidence", r.evidence}});
  j["containers"] = detail::fleet_containers_json(a);
  return j.dump(2) + "\n";
}

std::vector<HtmlSection> fleet_html_sections(const FleetAnalysis& a, const std::vector<CheckResult>& rules) {
  std::vector<HtmlSection> out;
  auto e = [](std::string_view s) { return html_escape(s); };
  {
    std::ostringstream h;
    h << "<p>" << a.hosts_with_pending << " host(s) with pending updates (" << a.pending_total << " updates, " << a.security_total
      << " security); " << a.hosts_reboot_required << " need a reboot; " << a.hosts_kernel_outdated
      << " run an older kernel than installed; " << a.hosts_with_stale << " have processes on replaced libraries.</p>\n";
    h << "<table><thead><tr><th>Host</th><th>Risk</th><th>Role</th><th>Virtualization</th><th>Kernel</th><th>Uptime</th>"
         "<th>Pending</th><th>Security</th><th>Reboot</th><th>Why</th></tr></thead><tbody>\n";
    for (const HostProfile* p : by_risk(a)) {
      h << "<tr><td>" << e(p->host) << "</td><td>" << p->risk << "</td><td>" << e(role_of(*p)) << "</td><td>" << e(p->virtualization)
        << "</td><td>" << e(p->kernel_release) << (p->kernel_outdated ? " (newer installed)" : "") << "</td><td>" << e(days(p->uptime_days))
        << "</td><td>" << (p->updates_known ? std::to_string(p->pending.size()) : "?") << "</td><td>"
        << (p->updates_known ? std::to_string(p->pending_security) : "?") << "</td><td>" << (p->reboot_required ? "yes" : "no")
        << "</td><td>";
      for (const auto& r : p->risk_contributions) h << "+" << r.points << " " << e(r.factor) << ": " << e(r.why) << "<br/>";
      h << "</td></tr>\n";
    }
    h << "</tbody></table>\n";
    out.push_back({"risk", "Patch level and uptime risk", h.str()});
  }
  {
    std::ostringstream h;
    h << "<table><thead><tr><th>Group</th><th>Component</th><th>Versions</th><th>Majority</th><th>Score</th><th>Drifting hosts</th></tr>"
         "</thead><tbody>\n";
    for (const auto& u : a.uniformity) {
      h << "<tr><td>" << e(u.group) << "</td><td>" << e(u.component) << "</td><td>" << u.hosts.size() << "</td><td>" << e(u.majority)
        << "</td><td>" << e(pct(u.score)) << "</td><td>" << e(u.drifting.empty() ? "-" : util::join(u.drifting, ", ")) << "</td></tr>\n";
    }
    h << "</tbody></table>\n";
    if (!rules.empty()) {
      h << "<h3>Fleet rules</h3><table><thead><tr><th>Result</th><th>Check</th><th>Group</th><th>Evidence</th></tr></thead><tbody>\n";
      for (const auto& r : rules)
        h << "<tr><td>" << e(to_string(r.result)) << "</td><td>" << e(r.check_id) << "</td><td>" << e(r.subject) << "</td><td><pre>"
          << e(r.evidence) << "</pre></td></tr>\n";
      h << "</tbody></table>\n";
    }
    out.push_back({"uniformity", "Uniformity", h.str()});
  }
  if (a.containers_total > 0) out.push_back(detail::containers_html_section(a));
  return out;
}

}  // namespace fleetaudit

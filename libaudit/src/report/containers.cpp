// Containers in the fleet reports: per host each container with its image,
// base release and how far it is behind; image references that run as more
// than one image.

#include <algorithm>
#include <sstream>

#include "fleet/containers.hpp"
#include "fleetaudit/report.hpp"
#include "util/strings.hpp"

namespace fleetaudit {

namespace {

std::string pad(std::string_view s, std::size_t w) {
  std::string out(s);
  if (out.size() < w) out.append(w - out.size(), ' ');
  return out + " ";
}

std::string release(const ContainerProfile& c) {
  if (c.os_id.empty()) return "?";
  return c.os_id + (c.os_version.empty() ? "" : " " + c.os_version);
}

std::string image_state(const ContainerProfile& c) {
  if (c.image_outdated) return "OUTDATED";
  if (c.image_current_id.empty() || c.image_id.empty()) return "?";
  return "current";
}

// "libssl3 3.0.11-1~deb12u2 -> 3.0.15-1~deb12u1 (security)", the worst first.
std::string worst(const std::vector<PackageLag>& v, int total, std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size() && i < n; ++i)
    out.push_back(v[i].package + " " + v[i].installed + " -> " + v[i].newest + (v[i].security ? " (security)" : ""));
  const int shown = static_cast<int>(std::min(v.size(), n));
  if (total > shown) out.push_back("... " + std::to_string(total - shown) + " more");
  return util::join(out, "; ");
}

// The list a report leads with: the host's lists when they were compared, else the fleet's.
std::pair<const std::vector<PackageLag>*, int> lead_lag(const ContainerProfile& c) {
  if (c.behind_host_total > 0) return {&c.behind_host, c.behind_host_total};
  return {&c.behind_fleet, c.behind_fleet_total};
}

std::string short_image(const ContainerProfile& c) { return c.image_id.empty() ? std::string("?") : c.image_id.substr(0, 12); }

}  // namespace

std::string format_container_table(const FleetAnalysis& a, const TableOptions& opt) {
  std::ostringstream out;
  out << "\nContainers: " << a.containers_total << " (" << a.containers_running << " running), " << a.containers_outdated
      << " on an image their tag no longer names, " << a.containers_behind << " behind the newest packages\n";
  for (const auto& h : a.hosts) {
    if (h.containers.empty() && h.container_problems.empty()) continue;
    out << "  " << h.host << "\n";
    for (const auto& p : h.container_problems) out << "    ! " << util::clip(p, static_cast<std::size_t>(std::max(opt.width - 6, 40))) << "\n";
    if (h.containers.empty()) continue;
    out << "    " << pad("RUNTIME", 10) << pad("NAME", 24) << pad("STATE", 11) << pad("IMAGE", 36) << pad("IMAGE-ID", 12) << pad("TAG", 8)
        << pad("RELEASE", 14) << pad("PKGS", 5) << pad("BEHIND-HOST", 11) << "BEHIND-FLEET\n";
    for (const auto& c : h.containers) {
      const std::string host_lag = c.host_lists ? std::to_string(c.behind_host_total) : "-";
      out << "    " << pad(c.runtime, 10) << pad(util::clip(c.name, 24), 24) << pad(c.state, 11) << pad(util::clip(c.image, 36), 36)
          << pad(short_image(c), 12) << pad(image_state(c), 8) << pad(release(c), 14) << pad(std::to_string(c.packages), 5)
          << pad(host_lag, 11) << c.behind_fleet_total << "\n";
      if (c.image_outdated)
        out << "      > the tag now names " << c.image_current_id.substr(0, 12)
            << (c.image_current_created.empty() ? std::string() : " (built " + c.image_current_created.substr(0, 10) + ")")
            << (c.started_at.empty() ? std::string() : "; the container started " + c.started_at.substr(0, 10))
            << ": recreate it\n";
      const auto [lag, total] = lead_lag(c);
      if (total > 0)
        out << "      > " << util::clip(worst(*lag, total, 3), static_cast<std::size_t>(std::max(opt.width - 8, 40))) << "\n";
      for (const auto& p : c.problems) out << "      ! " << util::clip(p, static_cast<std::size_t>(std::max(opt.width - 8, 40))) << "\n";
    }
  }
  bool header = false;
  for (const auto& u : a.images) {
    std::size_t ids = 0;
    for (const auto& [id, hosts] : u.hosts) ids += id != "unknown";
    if (ids < 2 && u.releases.size() < 2) continue;
    if (!header) out << "  Image references running as more than one image or base release:\n";
    header = true;
    out << "    " << u.reference << "\n";
    for (const auto& [id, hosts] : u.hosts)
      out << "      " << pad(id, 12) << u.containers.at(id) << " container(s) on " << util::join(hosts, ", ") << "\n";
    if (u.releases.size() > 1)
      for (const auto& [rel, hosts] : u.releases) out << "      base " << rel << " on " << util::join(hosts, ", ") << "\n";
  }
  return out.str();
}

namespace detail {

nlohmann::json fleet_containers_json(const FleetAnalysis& a) {
  nlohmann::json images = nlohmann::json::array();
  for (const auto& u : a.images) images.push_back(image_usage_to_json(u));
  nlohmann::json per_host = nlohmann::json::object();
  for (const auto& h : a.hosts) {
    if (h.containers.empty()) continue;
    const ContainerCounts n = count_containers(h);
    per_host[h.host] = {{"containers", n.total},         {"running", n.running},         {"outdated", n.outdated},
                        {"behind", n.behind},            {"behind_security", n.behind_security}, {"unreadable", n.unreadable},
                        {"by_runtime", n.by_runtime},    {"by_image", n.by_image}};
  }
  return {{"total", a.containers_total}, {"running", a.containers_running}, {"outdated", a.containers_outdated},
          {"behind", a.containers_behind}, {"per_host", per_host}, {"images", images}};
}

HtmlSection containers_html_section(const FleetAnalysis& a) {
  auto e = [](std::string_view s) { return html_escape(s); };
  std::ostringstream h;
  h << "<p>" << a.containers_total << " container(s), " << a.containers_running << " running; " << a.containers_outdated
    << " run an image their tag no longer names; " << a.containers_behind << " are behind the newest packages.</p>\n";
  h << "<table><thead><tr><th>Host</th><th>Runtime</th><th>Name</th><th>State</th><th>Image</th><th>Tag</th><th>Release</th>"
       "<th>Packages</th><th>Behind host</th><th>Behind fleet</th><th>Worst</th></tr></thead><tbody>\n";
  for (const auto& host : a.hosts)
    for (const auto& c : host.containers) {
      const auto [lag, total] = lead_lag(c);
      h << "<tr><td>" << e(host.host) << "</td><td>" << e(c.runtime) << "</td><td>" << e(c.name) << "</td><td>" << e(c.state) << "</td><td>"
        << e(c.image) << " (" << e(short_image(c)) << ")</td><td>" << e(image_state(c)) << "</td><td>" << e(release(c)) << "</td><td>"
        << c.packages << "</td><td>" << (c.host_lists ? std::to_string(c.behind_host_total) : "-") << "</td><td>" << c.behind_fleet_total
        << "</td><td>" << e(worst(*lag, total, 3)) << "</td></tr>\n";
    }
  h << "</tbody></table>\n";
  return {"containers", "Containers", h.str()};
}

}  // namespace detail
}  // namespace fleetaudit

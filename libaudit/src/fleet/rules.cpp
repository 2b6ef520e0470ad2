// Fleet rules: uniformity limits from content, on a fleet analysis.

#include <algorithm>

#include "content/rule.hpp"
#include "fleetaudit/evaluate.hpp"
#include "util/strings.hpp"

namespace fleetaudit {

std::vector<CheckResult> evaluate_fleet_rules(const FleetAnalysis& analysis, const Selection& selection) {
  std::vector<CheckResult> out;
  for (std::size_t i = 0; i < selection.items.size(); ++i) {
    const Check* check = selection.items[i].check;
    if (!check || !check->rule) continue;
    const auto* rule = std::get_if<detail::FleetRule>(&check->rule->node);
    if (!rule) continue;
    CheckResult base;
    base.check_id = check->id;
    base.title = check->title;
    base.severity = check->severity;
    base.check = check;
    base.item = static_cast<std::uint32_t>(i);
    if (selection.items[i].entry) base.section = selection.items[i].entry->section;
    bool any = false;
    for (const Uniformity& u : analysis.uniformity) {
      // "image" and "image-os" stand for one component per image reference.
      const bool per_image = rule->component == "image" || rule->component == "image-os";
      if (per_image ? !u.component.starts_with(rule->component + ":") : u.component != rule->component) continue;
      if (rule->per_role == (u.group == "fleet")) continue;
      if (!rule->roles.empty() && std::find(rule->roles.begin(), rule->roles.end(), u.group) == rule->roles.end()) continue;
      any = true;
      CheckResult r = base;
      r.subject = u.group == "fleet" ? "fleet" : "role " + u.group;
      if (per_image) r.subject += ": " + u.component.substr(u.component.find(':') + 1);
      std::vector<std::string> versions;
      for (const auto& [ver, hosts] : u.hosts) versions.push_back(ver + " (" + std::to_string(hosts.size()) + ")");
      const int distinct = static_cast<int>(u.hosts.size());
      if (distinct <= rule->max_distinct) {
        r.result = ResultKind::pass;
        r.evidence = u.component + ": " + util::join(versions, ", ");
      } else {
        r.result = ResultKind::fail;
        r.evidence = u.component + ": " + std::to_string(distinct) + " versions (at most " + std::to_string(rule->max_distinct) +
                     "): " + util::join(versions, ", ") + "\nmajority " + u.majority + "; drifting: " + util::join(u.drifting, ", ");
      }
      out.push_back(std::move(r));
    }
    if (!any) {
      CheckResult r = base;
      r.result = ResultKind::not_applicable;
      r.evidence = "no host " + std::string(rule->per_role ? "in a role group " : "") + "reports " + rule->component;
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace fleetaudit

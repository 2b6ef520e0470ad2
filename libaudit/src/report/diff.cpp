// What changed between two scans.

#include "fleetaudit/diff.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "fleetaudit/types.hpp"

namespace fleetaudit {

namespace {

using Key = std::pair<std::string, std::string>;  // check id, subject

std::map<Key, const CheckResult*> index(const HostReport* h) {
  std::map<Key, const CheckResult*> out;
  if (!h) return out;
  for (const auto& r : h->results) out.emplace(Key{r.check_id, r.subject}, &r);
  return out;
}

bool passes_or_gone(ResultKind k) { return k == ResultKind::pass || k == ResultKind::not_applicable; }

}  // namespace

HostDiff diff_host(const HostReport* before, const HostReport* after) {
  HostDiff d;
  d.host = after ? after->host : before ? before->host : std::string();
  d.in_before = before != nullptr;
  d.in_after = after != nullptr;
  if (before) {
    d.state_before = before->state;
    d.score_before = before->summary.score;
    if (before->profile) d.risk_before = before->profile->risk;
  }
  if (after) {
    d.state_after = after->state;
    d.score_after = after->summary.score;
    if (after->profile) d.risk_after = after->profile->risk;
  }
  auto a = index(before);
  auto b = index(after);
  for (const auto& [key, rb] : b) {
    auto it = a.find(key);
    const CheckResult* ra = it == a.end() ? nullptr : it->second;
    if (rb->result == ResultKind::fail) {
      if (ra && ra->result == ResultKind::fail) ++d.still_failing;
      else d.new_failures.push_back(*rb);
    } else if (ra && ra->result == ResultKind::fail) {
      if (passes_or_gone(rb->result)) {
        CheckResult fixed = *ra;
        fixed.result = rb->result;
        d.fixed.push_back(std::move(fixed));
      } else if (rb->result == ResultKind::waived) {
        d.newly_waived.push_back(*rb);
      }
    }
  }
  // A failure whose check is no longer selected, or a host scanned in B whose
  // collection failed, is not a fix: only B's own results say so.
  if (before && after && before->profile && after->profile) {
    const auto& ca = before->profile->components;
    const auto& cb = after->profile->components;
    std::set<std::string> names;
    for (const auto& [k, v] : ca) names.insert(k);
    for (const auto& [k, v] : cb) names.insert(k);
    for (const auto& n : names) {
      auto ia = ca.find(n);
      auto ib = cb.find(n);
      std::string va = ia == ca.end() ? std::string() : ia->second;
      std::string vb = ib == cb.end() ? std::string() : ib->second;
      if (va != vb) d.versions.push_back({n, va, vb});
    }
  }
  return d;
}

void add_host_diff(ScanDiff& diff, HostDiff host, bool keep_unchanged) {
  diff.new_failures += static_cast<int>(host.new_failures.size());
  diff.fixed += static_cast<int>(host.fixed.size());
  diff.newly_waived += static_cast<int>(host.newly_waived.size());
  diff.version_changes += static_cast<int>(host.versions.size());
  diff.hosts_added += !host.in_before && host.in_after;
  diff.hosts_removed += host.in_before && !host.in_after;
  bool changed = host.changed();
  diff.hosts_changed += changed;
  if (changed || keep_unchanged) diff.hosts.push_back(std::move(host));
}

Expected<ScanDiff> diff_stored_scans(const Store& store, std::int64_t before, std::int64_t after, bool keep_unchanged) {
  ScanDiff diff;
  auto ra = store.scan(before);
  if (!ra) return std::unexpected(ra.error());
  auto rb = store.scan(after);
  if (!rb) return std::unexpected(rb.error());
  diff.before = *ra;
  diff.after = *rb;
  auto ha = store.hosts(before);
  if (!ha) return std::unexpected(ha.error());
  auto hb = store.hosts(after);
  if (!hb) return std::unexpected(hb.error());
  std::set<std::string> in_a;
  for (const auto& h : *ha) in_a.insert(h.name);
  std::set<std::string> seen;
  for (const auto& h : *hb) {
    if (!seen.insert(h.name).second) continue;
    auto b = store.load_host(after, h.name);
    if (!b) return std::unexpected(b.error());
    std::optional<HostReport> a;
    if (in_a.count(h.name)) {
      auto loaded = store.load_host(before, h.name);
      if (!loaded) return std::unexpected(loaded.error());
      a = std::move(*loaded);
    }
    add_host_diff(diff, diff_host(a ? &*a : nullptr, &*b), keep_unchanged);
  }
  for (const auto& h : *ha) {
    if (seen.count(h.name)) continue;
    seen.insert(h.name);
    auto a = store.load_host(before, h.name);
    if (!a) return std::unexpected(a.error());
    add_host_diff(diff, diff_host(&*a, nullptr), keep_unchanged);
  }
  return diff;
}

namespace {

std::string score(double s) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", s);
  return buf;
}

std::string subject_suffix(const CheckResult& r) { return r.subject.empty() ? std::string() : " [" + r.subject + "]"; }

std::string first_line(const std::string& s, std::size_t max = 160) {
  std::string l = s.substr(0, s.find('\n'));
  if (l.size() > max) l = l.substr(0, max - 3) + "...";
  return l;
}

}  // namespace

std::string format_diff_table(const ScanDiff& d, bool color) {
  const char* red = color ? "\033[31m" : "";
  const char* green = color ? "\033[32m" : "";
  const char* yellow = color ? "\033[33m" : "";
  const char* off = color ? "\033[0m" : "";
  std::ostringstream out;
  out << "Scan " << d.before.info.id << " (" << d.before.info.started_at << ", " << score(d.before.summary.score) << ") -> scan "
      << d.after.info.id << " (" << d.after.info.started_at << ", " << score(d.after.summary.score) << ")\n";
  if (d.before.info.profile != d.after.info.profile)
    out << "note: the scans used different profiles (" << (d.before.info.profile.empty() ? "all checks" : d.before.info.profile)
        << " and " << (d.after.info.profile.empty() ? "all checks" : d.after.info.profile) << "): checks of one only are not compared\n";
  out << d.hosts_changed << " host(s) changed: " << d.new_failures << " new failure(s), " << d.fixed << " fixed, " << d.newly_waived
      << " newly waived, " << d.version_changes << " version change(s), " << d.hosts_added << " host(s) added, " << d.hosts_removed
      << " removed\n";
  for (const auto& h : d.hosts) {
    out << "\n" << h.host;
    if (!h.in_before) out << "  (new in scan " << d.after.info.id << ")";
    else if (!h.in_after) out << "  (not in scan " << d.after.info.id << ")";
    else out << "  score " << score(h.score_before) << " -> " << score(h.score_after);
    if (h.risk_before || h.risk_after)
      out << ", risk " << (h.risk_before ? std::to_string(*h.risk_before) : "-") << " -> "
          << (h.risk_after ? std::to_string(*h.risk_after) : "-");
    if (h.in_before && h.in_after && h.state_before != h.state_after) out << ", state " << h.state_before << " -> " << h.state_after;
    out << "\n";
    for (const auto& r : h.new_failures)
      out << "  " << red << "+ fail" << off << "   " << r.check_id << subject_suffix(r) << " (" << to_string(r.severity) << ")"
          << (r.evidence.empty() ? "" : ": " + first_line(r.evidence)) << "\n";
    for (const auto& r : h.fixed)
      out << "  " << green << "- fixed" << off << "  " << r.check_id << subject_suffix(r) << " (now " << to_string(r.result) << ")\n";
    for (const auto& r : h.newly_waived)
      out << "  " << yellow << "~ waived" << off << " " << r.check_id << subject_suffix(r) << "\n";
    for (const auto& v : h.versions)
      out << "  " << yellow << "~ " << v.component << off << "  " << (v.before.empty() ? "(none)" : v.before) << " -> "
          << (v.after.empty() ? "(none)" : v.after) << "\n";
    if (h.still_failing) out << "  (" << h.still_failing << " still failing)\n";
  }
  return out.str();
}

std::string format_diff_json(const ScanDiff& d) {
  using nlohmann::json;
  auto scan = [](const ScanRecord& r) {
    return json{{"id", r.info.id}, {"started_at", r.info.started_at}, {"profile", r.info.profile}, {"score", r.summary.score},
                {"hosts", r.hosts}, {"status", r.status}};
  };
  auto result = [](const CheckResult& r) {
    json j{{"check", r.check_id}, {"section", r.section}, {"severity", to_string(r.severity)}, {"result", to_string(r.result)}};
    if (!r.subject.empty()) j["subject"] = r.subject;
    if (!r.evidence.empty()) j["evidence"] = r.evidence;
    return j;
  };
  json hosts = json::array();
  for (const auto& h : d.hosts) {
    json jh{{"host", h.host}, {"in_before", h.in_before}, {"in_after", h.in_after}, {"still_failing", h.still_failing}};
    if (h.in_before) jh["before"] = {{"state", h.state_before}, {"score", h.score_before}};
    if (h.in_after) jh["after"] = {{"state", h.state_after}, {"score", h.score_after}};
    if (h.risk_before) jh["before"]["risk"] = *h.risk_before;
    if (h.risk_after) jh["after"]["risk"] = *h.risk_after;
    for (const char* k : {"new_failures", "fixed", "newly_waived"}) jh[k] = json::array();
    for (const auto& r : h.new_failures) jh["new_failures"].push_back(result(r));
    for (const auto& r : h.fixed) jh["fixed"].push_back(result(r));
    for (const auto& r : h.newly_waived) jh["newly_waived"].push_back(result(r));
    jh["versions"] = json::array();
    for (const auto& v : h.versions) jh["versions"].push_back({{"component", v.component}, {"before", v.before}, {"after", v.after}});
    hosts.push_back(std::move(jh));
  }
  json j{{"before", scan(d.before)},
         {"after", scan(d.after)},
         {"totals",
          {{"hosts_changed", d.hosts_changed}, {"new_failures", d.new_failures}, {"fixed", d.fixed}, {"newly_waived", d.newly_waived},
           {"version_changes", d.version_changes}, {"hosts_added", d.hosts_added}, {"hosts_removed", d.hosts_removed}}},
         {"hosts", std::move(hosts)}};
  return j.dump(2) + "\n";
}

}  // namespace fleetaudit

#include "fleet_view.hpp"

#include <algorithm>
#include <climits>
#include <ctime>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace fleetaudit::exporter {

namespace {

// A host's results folded to one per check: a failure anywhere (the host or
// one of its containers) is a failure of the check on that host.
int result_rank(ResultKind r) {
  switch (r) {
    case ResultKind::fail: return 5;
    case ResultKind::error: return 4;
    case ResultKind::waived: return 3;
    case ResultKind::pass: return 2;
    case ResultKind::manual: return 1;
    case ResultKind::not_applicable: return 0;
  }
  return 0;
}

struct CheckAccumulator {
  std::map<std::string, ViewCheck> checks;

  ViewCheck& at(const std::string& id, Severity severity) {
    auto [it, inserted] = checks.try_emplace(id);
    if (inserted) {
      it->second.check_id = id;
      it->second.severity = severity;
    }
    return it->second;
  }

  // Every host of the scan is exported: its per-check counts add up as they are.
  void add_scan(const std::vector<CheckSummary>& summaries) {
    for (const auto& c : summaries) {
      if (c.check_id.empty()) continue;  // manual profile entries without a check
      ViewCheck& v = at(c.check_id, c.severity);
      v.results[static_cast<int>(ResultKind::pass)] += c.pass;
      v.results[static_cast<int>(ResultKind::fail)] += c.fail;
      v.results[static_cast<int>(ResultKind::error)] += c.error;
      v.results[static_cast<int>(ResultKind::not_applicable)] += c.not_applicable;
      v.results[static_cast<int>(ResultKind::manual)] += c.manual;
      v.results[static_cast<int>(ResultKind::waived)] += c.waived;
      v.hosts_failing += c.hosts_failing;
    }
  }

  // One host's own results, added (sign 1) or taken away (sign -1): for a
  // scan only part of whose hosts are exported.
  void add_host(const HostReport& host, int sign = 1) {
    std::set<std::string> failing;
    for (const auto& r : host.results) {
      if (r.check_id.empty()) continue;
      ViewCheck& v = at(r.check_id, r.severity);
      v.results[static_cast<int>(r.result)] += sign;
      if (r.result == ResultKind::fail) failing.insert(r.check_id);
    }
    for (const auto& id : failing) checks[id].hosts_failing += sign;
  }
};

std::vector<std::pair<std::string, ResultKind>> fold_results(const HostReport& host) {
  std::map<std::string, ResultKind> folded;
  for (const auto& r : host.results) {
    if (r.check_id.empty()) continue;
    auto [it, inserted] = folded.try_emplace(r.check_id, r.result);
    if (!inserted && result_rank(r.result) > result_rank(it->second)) it->second = r.result;
  }
  return {folded.begin(), folded.end()};
}

}  // namespace

std::optional<double> parse_utc_seconds(std::string_view iso) {
  // YYYY-MM-DDTHH:MM:SS[.fff]Z
  if (iso.size() < 20) return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len) -> int {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (iso[i] < '0' || iso[i] > '9') return -1;
      v = v * 10 + (iso[i] - '0');
    }
    return v;
  };
  if (iso[4] != '-' || iso[7] != '-' || (iso[10] != 'T' && iso[10] != ' ') || iso[13] != ':' || iso[16] != ':') return std::nullopt;
  int y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), s = num(17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) return std::nullopt;
  double frac = 0;
  std::size_t i = 19;
  if (iso[i] == '.') {
    double scale = 0.1;
    for (++i; i < iso.size() && iso[i] >= '0' && iso[i] <= '9'; ++i, scale /= 10) frac += (iso[i] - '0') * scale;
  }
  if (i >= iso.size() || iso[i] != 'Z') return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<double>(::timegm(&tm)) + frac;
}

Expected<std::string> store_fingerprint(const Store& store) {
  auto recent = store.history(64);
  if (!recent) return fail(recent.error().message);
  std::string fp;
  for (const auto& s : *recent) {
    fp += std::to_string(s.info.id) + ':' + s.status + ':' + std::to_string(s.hosts) + ';';
  }
  return fp;
}

Expected<FleetView> read_fleet_view(const Store& store, const ViewOptions& options) {
  FleetView view;
  auto scans = store.history(INT_MAX);
  if (!scans) return fail(scans.error().message);
  if (!scans->empty()) view.newest_scan = scans->front();
  const auto now = options.now.value_or(std::chrono::system_clock::now());
  const double now_s = std::chrono::duration<double>(now.time_since_epoch()).count();

  std::unordered_set<std::string> seen;
  CheckAccumulator checks;
  std::vector<HostProfile> profiles;
  for (const ScanRecord& scan : *scans) {
    auto hosts = store.hosts(scan.info.id);
    if (!hosts) return fail(hosts.error().message);
    bool too_old = false;
    if (options.max_age.count() > 0) {
      auto started = parse_utc_seconds(scan.info.started_at);
      too_old = started && now_s - *started > static_cast<double>(options.max_age.count());
    }
    std::vector<HostSummary> taken;
    std::vector<std::string> superseded;  // in this scan, but a newer scan has them
    for (auto& h : *hosts) {
      if (!seen.insert(h.name).second) {
        superseded.push_back(h.name);
        continue;
      }
      if (too_old) {
        ++view.hosts_too_old;
        continue;
      }
      taken.push_back(std::move(h));
    }
    if (taken.empty()) continue;
    ++view.scans_read;

    std::unordered_map<std::string, HostProfile> by_name;
    if (auto ps = store.profiles(scan.info.id)) {
      for (auto& p : *ps) by_name.emplace(p.host, std::move(p));
    } else {
      return fail(ps.error().message);
    }

    // Per-check counts: the scan's own (one SQL pass) when most of its hosts
    // are exported, less the hosts a newer scan has; else the exported
    // hosts' results one by one (a running rescan leaves a little of an old one).
    const bool from_scan = taken.size() * 2 >= hosts->size();
    if (from_scan) {
      auto cs = store.checks(scan.info.id);
      if (!cs) return fail(cs.error().message);
      checks.add_scan(*cs);
      for (const auto& name : superseded) {
        auto old = store.load_host(scan.info.id, name);
        if (!old) return fail(old.error().message);
        checks.add_host(*old, -1);
      }
    }
    for (auto& h : taken) {
      ViewHost v;
      v.scan_duration_seconds = scan.info.duration_seconds;
      if (auto it = by_name.find(h.name); it != by_name.end()) {
        v.profile = static_cast<int>(profiles.size());
        profiles.push_back(std::move(it->second));
        by_name.erase(it);
      }
      if (!from_scan || options.host_checks) {
        auto full = store.load_host(scan.info.id, h.name);
        if (!full) return fail(full.error().message);
        if (!from_scan) checks.add_host(*full);
        if (options.host_checks) v.results = fold_results(*full);
      }
      v.summary = std::move(h);
      view.hosts.push_back(std::move(v));
    }
  }
  std::sort(view.hosts.begin(), view.hosts.end(),
            [](const ViewHost& a, const ViewHost& b) { return a.summary.name < b.summary.name; });
  for (auto& [id, c] : checks.checks) view.checks.push_back(std::move(c));
  view.analysis = analyze_fleet(std::move(profiles));  // keeps the profiles in order
  return view;
}

}  // namespace fleetaudit::exporter

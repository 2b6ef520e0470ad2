#include "fleet_data.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <unordered_map>

#include "fleetaudit/inventory.hpp"
#include "view_logic.hpp"

namespace fleetaudit::gui {

namespace {

bool is_known_role(const std::string& tag) {
  return std::any_of(std::begin(kKnownRoles), std::end(kKnownRoles), [&](std::string_view r) { return r == tag; });
}

void refresh_haystack(HostRow& row) {
  row.haystack = (row.name + QLatin1Char(' ') + row.group + QLatin1Char(' ') + row.role + QLatin1Char(' ') + row.state +
                  QLatin1Char(' ') + row.kernel)
                     .toLower();
}

Expected<Store> open_read_only(const std::filesystem::path& db) {
  std::error_code ec;
  if (!std::filesystem::exists(db, ec)) return fail(db.string() + ": no such store file");
  return Store::open(db, Store::Mode::read_only);
}

}  // namespace

HostRow make_host_row(HostSummary summary, const HostProfile* profile) {
  HostRow row;
  row.name = QString::fromStdString(summary.name);
  row.state = QString::fromStdString(summary.state);
  QStringList roles, groups;
  for (const auto& t : summary.tags) (is_known_role(t) ? roles : groups) << QString::fromStdString(t);
  row.role = roles.join(QStringLiteral(", "));
  row.group = groups.join(QStringLiteral(", "));
  row.risk = summary.risk;
  for (int s = 4; s >= 0; --s)
    if (summary.summary.fail_by_severity[s] > 0) {
      row.worst_severity = s;
      break;
    }
  row.summary = std::move(summary);
  if (profile) apply_profile(row, *profile);
  refresh_haystack(row);
  return row;
}

void apply_profile(HostRow& row, const HostProfile& profile) {
  row.kernel = QString::fromStdString(profile.kernel_release);
  row.uptime_days = profile.uptime_days;
  row.risk = profile.risk;
  refresh_haystack(row);
}

bool section_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    std::size_t ei = a.find('.', i), ej = b.find('.', j);
    if (ei == std::string::npos) ei = a.size();
    if (ej == std::string::npos) ej = b.size();
    long na = 0, nb = 0;
    auto ra = std::from_chars(a.data() + i, a.data() + ei, na);
    auto rb = std::from_chars(b.data() + j, b.data() + ej, nb);
    bool num_a = ra.ec == std::errc() && ra.ptr == a.data() + ei;
    bool num_b = rb.ec == std::errc() && rb.ptr == b.data() + ej;
    if (num_a && num_b) {
      if (na != nb) return na < nb;
    } else {
      int c = a.compare(i, ei - i, b, j, ej - j);
      if (c != 0) return c < 0;
    }
    i = ei + 1;
    j = ej + 1;
  }
  return a.size() - std::min(i, a.size()) < b.size() - std::min(j, b.size());
}

Expected<FleetStage1> load_stage1(const std::filesystem::path& db, std::int64_t scan_id) {
  auto st = open_read_only(db);
  if (!st) return std::unexpected(st.error());
  FleetStage1 out;
  out.db = db;
  if (scan_id == 0) {
    auto latest = st->latest_scan();
    if (!latest) return std::unexpected(latest.error());
    out.scan = *latest;
  } else {
    auto rec = st->scan(scan_id);
    if (!rec) return std::unexpected(rec.error());
    out.scan = *rec;
  }
  auto history = st->history(500);
  if (!history) return std::unexpected(history.error());
  out.history = std::move(*history);
  if (!out.scan) return out;
  auto hosts = st->hosts(out.scan->info.id);
  if (!hosts) return std::unexpected(hosts.error());
  out.hosts.reserve(hosts->size());
  for (auto& h : *hosts) out.hosts.push_back(make_host_row(std::move(h), nullptr));
  return out;
}

Expected<FleetStage2> load_stage2(const std::filesystem::path& db, std::int64_t scan_id, Stage2Part part) {
  auto st = open_read_only(db);
  if (!st) return std::unexpected(st.error());
  FleetStage2 out;
  out.scan_id = scan_id;
  switch (part) {
    case Stage2Part::checks: {
      auto checks = st->checks(scan_id);
      if (!checks) return std::unexpected(checks.error());
      out.checks = std::move(*checks);
      break;
    }
    case Stage2Part::cells: {
      // Sub-sections ("5.2"): a benchmark's seven or so chapters say too little per host.
      auto cells = st->section_matrix(scan_id, 2);
      if (!cells) return std::unexpected(cells.error());
      out.cells = std::move(*cells);
      std::set<std::string> sections;
      for (const auto& c : out.cells) sections.insert(c.section);
      out.sections.assign(sections.begin(), sections.end());
      std::sort(out.sections.begin(), out.sections.end(), section_less);
      break;
    }
    case Stage2Part::analysis: {
      auto profiles = st->profiles(scan_id);
      if (!profiles) return std::unexpected(profiles.error());
      auto analysis = std::make_shared<FleetAnalysis>(analyze_fleet(std::move(*profiles)));
      out.risk_order = rank_by_risk(analysis->hosts);
      out.analysis = std::move(analysis);
      break;
    }
  }
  return out;
}

ScanDiff diff_rows(const std::vector<HostSummary>& before, const std::vector<HostSummary>& after,
                   const std::vector<CheckSummary>& checks_before, const std::vector<CheckSummary>& checks_after) {
  ScanDiff d;
  std::unordered_map<std::string, const HostSummary*> old_hosts;
  for (const auto& h : before) old_hosts.emplace(h.name, &h);
  std::set<std::string> seen;
  for (const auto& h : after) {
    seen.insert(h.name);
    HostDiff row;
    row.name = QString::fromStdString(h.name);
    row.score_after = h.summary.score;
    row.fail_after = h.summary.fail;
    row.state_after = QString::fromStdString(h.state);
    auto it = old_hosts.find(h.name);
    if (it != old_hosts.end()) {
      const HostSummary& o = *it->second;
      row.score_before = o.summary.score;
      row.fail_before = o.summary.fail;
      row.state_before = QString::fromStdString(o.state);
      if (o.summary.fail == h.summary.fail && o.state == h.state && std::abs(o.summary.score - h.summary.score) < 0.005)
        continue;
    }
    d.hosts.push_back(std::move(row));
  }
  for (const auto& o : before) {
    if (seen.count(o.name)) continue;
    HostDiff row;
    row.name = QString::fromStdString(o.name);
    row.score_before = o.summary.score;
    row.fail_before = o.summary.fail;
    row.state_before = QString::fromStdString(o.state);
    d.hosts.push_back(std::move(row));
  }
  std::map<std::string, CheckDiff> checks;
  for (const auto& c : checks_before) {
    auto& x = checks[c.check_id];
    x.check_id = QString::fromStdString(c.check_id);
    x.title = QString::fromStdString(c.title);
    x.failing_before = c.hosts_failing;
  }
  for (const auto& c : checks_after) {
    auto& x = checks[c.check_id];
    x.check_id = QString::fromStdString(c.check_id);
    x.title = QString::fromStdString(c.title);
    x.failing_after = c.hosts_failing;
  }
  for (auto& [id, c] : checks)
    if (c.failing_before != c.failing_after) d.checks.push_back(std::move(c));
  // The largest changes first; checks by id among equals.
  std::stable_sort(d.checks.begin(), d.checks.end(), [](const CheckDiff& a, const CheckDiff& b) {
    return std::abs(a.failing_after - a.failing_before) > std::abs(b.failing_after - b.failing_before);
  });
  return d;
}

Expected<ScanDiff> diff_scans(const std::filesystem::path& db, std::int64_t before, std::int64_t after) {
  auto st = open_read_only(db);
  if (!st) return std::unexpected(st.error());
  auto rb = st->scan(before);
  if (!rb) return std::unexpected(rb.error());
  auto ra = st->scan(after);
  if (!ra) return std::unexpected(ra.error());
  auto hb = st->hosts(before);
  if (!hb) return std::unexpected(hb.error());
  auto ha = st->hosts(after);
  if (!ha) return std::unexpected(ha.error());
  auto cb = st->checks(before);
  if (!cb) return std::unexpected(cb.error());
  auto ca = st->checks(after);
  if (!ca) return std::unexpected(ca.error());
  ScanDiff d = diff_rows(*hb, *ha, *cb, *ca);
  d.before = std::move(*rb);
  d.after = std::move(*ra);
  return d;
}

}  // namespace fleetaudit::gui

// The one orchestration of a scan, shared by every face.

#include "fleetaudit/scan.hpp"

#include <algorithm>
#include <mutex>
#include <optional>
#include <thread>

#include "collect/ssh/collector.hpp"
#include "fleetaudit/collect.hpp"
#include "fleetaudit/store.hpp"
#include "fleetaudit/version.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace fleetaudit {

std::string utc_now_iso8601() { return util::utc_now(); }

namespace {

HostCollection collect_target_untagged(const Target& t, const Plan& plan, const CollectOptions& base, const SshOptions& ssh,
                                       const remote::ScriptCache& scripts) {
  switch (t.kind) {
    case Target::Kind::snapshot:
      return {t.snapshot ? *t.snapshot : Snapshot{}, "ok", {}};
    case Target::Kind::ssh:
      if (!t.host) return {Snapshot{}, "collection-error", "ssh target without a host"};
      return remote::collect_ssh_cached(scripts, *t.host, base, ssh);
    case Target::Kind::manifests: {
      CollectOptions opt = base;
      opt.host_name = t.name;
      HostCollection c{collect_manifests(t.manifests, opt), "ok", {}};
      if (!c.snapshot.errors.empty()) {
        c.state = c.snapshot.manifests.empty() ? "collection-error" : "partial";
        c.detail = util::join(c.snapshot.errors, "; ");
      }
      return c;
    }
    case Target::Kind::root_dir:
    case Target::Kind::local: {
      CollectOptions opt = base;
      opt.root = t.kind == Target::Kind::local ? std::filesystem::path("/") : t.root;
      opt.host_name = t.name;
      HostCollection c{collect(plan, opt), "ok", {}};
      if (!c.snapshot.errors.empty()) {
        c.state = c.snapshot.files.empty() ? "collection-error" : "partial";
        c.detail = util::join(c.snapshot.errors, "; ");
      }
      return c;
    }
  }
  return {};
}

HostCollection collect_target(const Target& t, const Plan& plan, const CollectOptions& base, const SshOptions& ssh,
                              const remote::ScriptCache& scripts) {
  HostCollection c = collect_target_untagged(t, plan, base, ssh, scripts);
  if (!t.tags.empty()) c.snapshot.tags = t.tags;
  else if (t.host && c.snapshot.tags.empty()) c.snapshot.tags = t.host->tags;
  return c;
}

std::string target_name(const Target& t) {
  if (!t.name.empty()) return t.name;
  if (t.host) return t.host->name;
  if (t.kind == Target::Kind::root_dir) return t.root.string();
  if (t.kind == Target::Kind::manifests) {
    std::vector<std::string> shown;
    for (const auto& p : t.manifests) shown.push_back(p.generic_string());
    return util::join(shown, ", ");
  }
  return "localhost";
}

}  // namespace

std::vector<Target> ssh_targets(const std::vector<const InventoryHost*>& hosts) {
  std::vector<Target> out;
  out.reserve(hosts.size());
  for (const auto* h : hosts) {
    Target t;
    t.kind = Target::Kind::ssh;
    t.name = h->name;
    t.host = *h;
    out.push_back(std::move(t));
  }
  return out;
}

Expected<ScanReport> run_scan(const ContentSet& content, const ScanRequest& req) {
  Selection sel;
  if (req.profile.empty()) {
    sel = content.select_all();
  } else {
    auto s = content.select(req.profile, req.level);
    if (!s) return std::unexpected(s.error());
    sel = std::move(*s);
  }
  // Open the store first: a scan that cannot be saved should fail before it runs.
  std::optional<Store> store;
  if (req.store) {
    auto st = Store::open(*req.store);
    if (!st) return std::unexpected(st.error());
    store.emplace(std::move(*st));
  }

  ScanReport report;
  report.scan.started_at = util::utc_now();
  report.scan.tool_version = version();
  report.scan.level = sel.level;
  report.scan.checks_selected = sel.items.size();
  if (sel.profile) {
    report.scan.profile = sel.profile->id;
    report.scan.profile_title = sel.profile->title;
    report.scan.profile_version = sel.profile->version;
  }
  const double t0 = util::monotonic_seconds();
  Plan plan = sel.plan();
  if (req.fleet_facts) plan.merge(fleet_facts_plan());
  const remote::ScriptCache scripts(plan, req.collect.max_file_bytes);

  const std::size_t n = req.targets.size();
  report.hosts.resize(n);
  report.snapshots.resize(n);
  unsigned workers = req.parallel ? req.parallel : std::max(1u, std::thread::hardware_concurrency());
  workers = static_cast<unsigned>(std::min<std::size_t>(workers, std::max<std::size_t>(n, 1)));

  std::mutex mu;        // guards next, the report, progress and the progress callback
  std::mutex store_mu;  // guards the store connection
  std::size_t next = 0;
  ScanProgress progress;
  progress.total = n;

  // A fleet is stored host by host; one target is stored whole at the end.
  const bool incremental = store && n > 1;
  std::int64_t scan_id = 0;
  std::string store_error;
  if (incremental) {
    auto id = store->begin_scan(report.scan);
    if (!id) return std::unexpected(id.error());
    scan_id = *id;
    report.scan.id = scan_id;
  }

  WaiverUse waiver_use;  // over every host, under `mu`
  // The fleet's totals, added up as hosts complete.
  Summary fleet_summary;
  long long fleet_good = 0, fleet_counted = 0;
  auto add_to_fleet = [&](const std::vector<CheckResult>& results) {
    for (const auto& r : results) {
      int w = severity_weight(r.severity);
      switch (r.result) {
        case ResultKind::pass: ++fleet_summary.pass; fleet_good += w; fleet_counted += w; break;
        case ResultKind::fail:
          ++fleet_summary.fail;
          ++fleet_summary.fail_by_severity[static_cast<int>(r.severity)];
          fleet_counted += w;
          break;
        case ResultKind::error: ++fleet_summary.error; fleet_counted += w; break;
        case ResultKind::not_applicable: ++fleet_summary.not_applicable; break;
        case ResultKind::manual: ++fleet_summary.manual; break;
        case ResultKind::waived: ++fleet_summary.waived; break;
      }
    }
    fleet_summary.score = fleet_counted == 0 ? 100.0 : 100.0 * static_cast<double>(fleet_good) / static_cast<double>(fleet_counted);
  };

  auto work = [&] {
    for (;;) {
      std::size_t i;
      {
        std::lock_guard lock(mu);
        if (next >= n) return;
        i = next++;
      }
      const Target& t = req.targets[i];
      HostReport hr;
      Snapshot snap;
      if (req.cancel && req.cancel->load()) {
        hr.host = target_name(t);
        hr.state = "cancelled";
        hr.state_detail = "scan cancelled before this host was collected";
      } else {
        try {
          HostCollection c = collect_target(t, plan, req.collect, req.ssh, scripts);
          snap = std::move(c.snapshot);
          // Evaluate whatever arrived (facts that did not are errors in the
          // results); a host that sent nothing usable has no results.
          // One set of parsed facts for the checks and the host profile.
          std::optional<HostFacts> facts;
          if (c.state == "ok" || c.state == "partial") {
            facts.emplace(snap, &req.policy);
            hr = evaluate(*facts, sel);
          }
          hr.host = snap.host.empty() ? target_name(t) : snap.host;
          hr.collector = snap.collector;
          hr.collected_at = snap.collected_at;
          hr.state = c.state;
          hr.state_detail = c.detail;
          hr.tags = snap.tags;
          if (req.fleet_facts && facts) hr.profile = profile_host(*facts, req.risk);
          if (!req.waivers.waivers.empty()) {
            WaiverHost who{hr.host, t.host ? t.host->groups : std::vector<std::string>{}, snap.tags};
            WaiverUse use;
            apply_waivers(hr, who, req.waivers, report.scan.started_at, use);
            std::lock_guard lock(mu);
            waiver_use.applied.resize(use.applied.size(), 0);
            waiver_use.expired.resize(use.expired.size(), false);
            for (std::size_t w = 0; w < use.applied.size(); ++w) waiver_use.applied[w] += use.applied[w];
            for (std::size_t w = 0; w < use.expired.size(); ++w) waiver_use.expired[w] = waiver_use.expired[w] || use.expired[w];
          }
        } catch (const std::exception& e) {
          // One host's failure never stops the fleet.
          hr = HostReport{};
          hr.host = target_name(t);
          hr.state = "collection-error";
          hr.state_detail = e.what();
        }
      }
      if (incremental) {
        // The store has its own lock: a worker writing never keeps the
        // others from taking their next host.
        std::lock_guard store_lock(store_mu);
        if (store_error.empty()) {
          if (auto r = store->add_host(scan_id, i, hr, &snap); !r) store_error = r.error().message;
        }
      }
      std::lock_guard lock(mu);
      add_to_fleet(hr.results);
      if (incremental && !req.keep_results) {
        // Stored already: keep the summary, let the results go.
        hr.results.clear();
        hr.results.shrink_to_fit();
      }
      report.hosts[i] = std::move(hr);
      if (req.keep_snapshots) report.snapshots[i] = std::move(snap);
      ++progress.done;
      if (report.hosts[i].state != "ok") ++progress.failed;
      progress.last_host = report.hosts[i].host;
      progress.last_state = report.hosts[i].state;
      if (req.on_progress) req.on_progress(progress);
    }
  };
  if (workers <= 1) {
    work();
  } else {
    std::vector<std::jthread> pool;
    for (unsigned w = 0; w < workers; ++w) pool.emplace_back(work);
  }

  report.summary = fleet_summary;
  if (!req.waivers.waivers.empty()) {
    // Expiry does not depend on any host: a scan whose hosts all failed still says which waivers lapsed.
    WaiverUse dates;
    HostReport none;
    apply_waivers(none, WaiverHost{}, req.waivers, report.scan.started_at, dates);
    waiver_use.applied.resize(req.waivers.waivers.size(), 0);
    waiver_use.expired = dates.expired;
    report.waiver_notes = waiver_notes(req.waivers, waiver_use);
  }
  report.scan.finished_at = util::utc_now();
  report.scan.duration_seconds = util::monotonic_seconds() - t0;
  if (!req.keep_snapshots) report.snapshots.clear();

  if (incremental) {
    if (!store_error.empty()) return fail(store_error);
    bool cancelled = req.cancel && req.cancel->load();
    if (auto r = store->finish_scan(scan_id, report, !cancelled); !r) return std::unexpected(r.error());
  } else if (store) {
    auto id = store->save(report);
    if (!id) return std::unexpected(id.error());
    report.scan.id = *id;
  }
  return report;
}

}  // namespace fleetaudit

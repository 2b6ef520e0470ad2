// fleetaudit-exporter: serves the newest stored result of every host to
// Prometheus, and can scan on a schedule itself (a fleet from an inventory,
// or only its own host: agent mode). Scans go through the library's scan
// API, exactly as `fleetaudit scan` runs them.

#include <fleetaudit/fleetaudit.hpp>

#include <CLI/CLI.hpp>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "duration.hpp"
#include "exposition.hpp"
#include "fleet_view.hpp"
#include "http_server.hpp"
#include "web_config.hpp"

namespace fa = fleetaudit;
namespace fe = fleetaudit::exporter;
using namespace std::chrono_literals;

namespace {

constexpr const char* kDefaultListen = ":9847";

// logfmt lines on standard error, as Prometheus and its exporters log.
std::mutex g_log_mutex;
void log(const char* level, const std::string& msg) {
  std::string quoted;
  for (char c : msg) {
    if (c == '"' || c == '\\') quoted += '\\';
    if (c == '\n') {
      quoted += "\\n";
      continue;
    }
    quoted += c;
  }
  std::lock_guard lock(g_log_mutex);
  std::fprintf(stderr, "ts=%s level=%s msg=\"%s\"\n", fa::utc_now_iso8601().c_str(), level, quoted.c_str());
  std::fflush(stderr);
}

struct Args {
  std::string db;
  std::string listen = kDefaultListen;
  std::string telemetry_path = "/metrics";
  std::string web_config;
  // A scrape is a memory copy of a prebuilt exposition: a few threads move
  // bytes fastest and serve a queue of scrapers in order; more only keep
  // slow clients from holding up the rest.
  int threads = 4;
  std::string refresh_interval = "5s";
  std::string max_age = "0";
  int keep_scans = 0;
  bool host_checks = false;

  std::string inventory;
  bool local = false;
  std::string scan_interval;
  std::string limit;
  std::string profile = "cis-debian-12";
  int level = 0;
  std::string content;
  std::string name;
  std::string root;
  std::vector<std::string> roles;
  std::string policy;
  std::string waivers;
  unsigned parallel = 16;
  std::string known_hosts;
  bool accept_new_host_keys = false;
  bool sudo = false;
  double connect_timeout = 10;
  double host_timeout = 120;
  std::string agent_path = "/usr/local/bin/fleetaudit";
  bool agent_path_explicit = false;
  std::string ssh_config = "~/.ssh/config";

  bool hash_password = false;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Self-metrics, rendered live on every scrape after the fleet families.
struct SelfMetrics {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Counter& refreshes;
  prometheus::Counter& refresh_errors;
  prometheus::Gauge& refresh_duration;
  prometheus::Gauge& last_refresh;
  prometheus::Gauge& exposition_bytes;
  prometheus::Gauge& exported_hosts;
  prometheus::Counter& scans;
  prometheus::Counter& scan_errors;
  prometheus::Counter& scan_host_failures;
  prometheus::Gauge& last_scan_duration;
  prometheus::Gauge& last_scan_success;
  prometheus::Counter& pruned_scans;

  SelfMetrics()
      : refreshes(prometheus::BuildCounter().Name("fleetaudit_exporter_refreshes_total")
                      .Help("Expositions rebuilt from the store (after a new scan appeared)").Register(*registry).Add({})),
        refresh_errors(prometheus::BuildCounter().Name("fleetaudit_exporter_refresh_errors_total")
                           .Help("Store reads that failed (the last good exposition stays served)").Register(*registry).Add({})),
        refresh_duration(prometheus::BuildGauge().Name("fleetaudit_exporter_refresh_duration_seconds")
                             .Help("Time the last rebuild took: store read, rendering and compression").Register(*registry).Add({})),
        last_refresh(prometheus::BuildGauge().Name("fleetaudit_exporter_last_refresh_timestamp_seconds")
                         .Help("When the served exposition was built (Unix time)").Register(*registry).Add({})),
        exposition_bytes(prometheus::BuildGauge().Name("fleetaudit_exporter_exposition_bytes")
                             .Help("Size of the served fleet exposition before compression").Register(*registry).Add({})),
        exported_hosts(prometheus::BuildGauge().Name("fleetaudit_exporter_exported_hosts")
                           .Help("Hosts in the served exposition").Register(*registry).Add({})),
        scans(prometheus::BuildCounter().Name("fleetaudit_exporter_scans_total")
                  .Help("Scans this exporter ran (--inventory or --local)").Register(*registry).Add({})),
        scan_errors(prometheus::BuildCounter().Name("fleetaudit_exporter_scan_errors_total")
                        .Help("Scans this exporter could not run or store (bad inventory, store not writable ...)").Register(*registry).Add({})),
        scan_host_failures(prometheus::BuildCounter().Name("fleetaudit_exporter_scan_host_failures_total")
                               .Help("Hosts of this exporter's scans whose collection state was not ok").Register(*registry).Add({})),
        last_scan_duration(prometheus::BuildGauge().Name("fleetaudit_exporter_last_scan_duration_seconds")
                               .Help("Duration of this exporter's last scan").Register(*registry).Add({})),
        last_scan_success(prometheus::BuildGauge().Name("fleetaudit_exporter_last_scan_success_timestamp_seconds")
                              .Help("When this exporter's last successful scan finished (Unix time)").Register(*registry).Add({})),
        pruned_scans(prometheus::BuildCounter().Name("fleetaudit_exporter_pruned_scans_total")
                         .Help("Old scans deleted from the store by --store.keep-scans").Register(*registry).Add({})) {
    prometheus::BuildGauge().Name("fleetaudit_exporter_build_info").Help("Version of fleetaudit-exporter (value 1)")
        .Register(*registry).Add({{"version", fa::version()}}).Set(1);
  }
};

double unix_now() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

class Exporter {
 public:
  Exporter(const Args& a, fe::HttpServer& server, SelfMetrics& metrics, std::optional<fa::ContentSet> content,
           std::chrono::milliseconds refresh, std::chrono::milliseconds scan_interval, fe::ViewOptions view)
      : a_(a), server_(server), m_(metrics), content_(std::move(content)), refresh_(refresh), scan_interval_(scan_interval),
        view_(view), db_(a.db.empty() ? fa::default_store_path() : std::filesystem::path(a.db)) {}

  void start() {
    refresher_ = std::thread([this] { refresh_loop(); });
    if (content_) scanner_ = std::thread([this] { scan_loop(); });
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cancel_ = true;  // a running scan skips its remaining hosts
    cv_.notify_all();
    if (scanner_.joinable()) scanner_.join();
    if (refresher_.joinable()) refresher_.join();
  }

 private:
  // Waits `d`, or less when stopping or woken; true when stopping.
  bool wait(std::chrono::milliseconds d, bool* woken = nullptr) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, d, [&] { return stopping_ || (woken && *woken); });
    return stopping_;
  }

  void refresh_loop() {
    std::optional<fa::Store> store;
    std::string last_fp, last_error;
    auto last_build = std::chrono::steady_clock::time_point::min();
    std::chrono::steady_clock::duration last_duration{0};
    bool forced_pending = false;
    auto report = [&](const std::string& msg) {
      m_.refresh_errors.Increment();
      if (msg != last_error) log("error", msg);
      last_error = msg;
    };
    do {
      bool forced = false;
      {
        std::lock_guard lock(mutex_);
        forced = std::exchange(store_changed_, false) || forced_pending;
      }
      if (!store) {
        auto s = fa::Store::open(db_, fa::Store::Mode::read_only);
        if (!s) {
          report(s.error().message);
          continue;
        }
        store.emplace(std::move(*s));
      }
      auto fp = fe::store_fingerprint(*store);
      if (!fp) {
        report(fp.error().message);
        store.reset();
        continue;
      }
      // Hosts age out of --store.max-age without any new scan: rebuild now and then.
      const auto now = std::chrono::steady_clock::now();
      bool aging = view_.max_age.count() > 0 && now - last_build > 1min;
      if (*fp == last_fp && !forced && !aging) continue;
      // A fleet scan stores host after host: rebuild as it goes, but spend at
      // most about a third of the time rebuilding (a 10,000-host rebuild takes
      // seconds), so a long scan is not slowed by its own exporter.
      if (!last_fp.empty() && now - last_build < 2 * last_duration) {
        forced_pending = forced;  // keep the reason for the next turn
        continue;
      }
      forced_pending = false;
      auto t0 = std::chrono::steady_clock::now();
      auto e = std::make_shared<fe::Exposition>();
      std::size_t hosts = 0;
      {
        // The view lives only while rendering: peak memory is one view and two expositions.
        auto view = fe::read_fleet_view(*store, view_);
        if (!view) {
          report(view.error().message);
          store.reset();
          continue;
        }
        hosts = view->hosts.size();
        e->text = fe::render_fleet(*view, fe::ExpositionOptions{view_.host_checks});
      }
      e->gzip = fe::gzip_head(e->text);
      // The self-metrics describe the exposition before anyone can fetch it.
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      m_.refreshes.Increment();
      m_.refresh_duration.Set(secs);
      m_.last_refresh.Set(unix_now());
      m_.exposition_bytes.Set(static_cast<double>(e->text.size()));
      m_.exported_hosts.Set(static_cast<double>(hosts));
      server_.publish(std::move(e));
      // The view and the previous exposition are gone: give their pages back
      // to the system, so RSS follows the served exposition, not the peak.
      ::malloc_trim(0);
      if (last_fp.empty() || !last_error.empty())
        log("info", "serving " + std::to_string(hosts) + " hosts from " + db_.string() + " (built in " +
                        std::to_string(static_cast<int>(secs * 1000)) + " ms)");
      last_fp = *fp;
      last_error.clear();
      last_build = std::chrono::steady_clock::now();
      last_duration = last_build - t0;
    } while (!wait(refresh_, &store_changed_));
  }

  // The scan as `fleetaudit scan` would build it; the inventory is read
  // afresh each time, so edits take effect at the next scan.
  fa::Expected<fa::ScanRequest> build_request() {
    fa::ScanRequest req;
    if (!a_.inventory.empty()) {
      fa::InventoryOptions io;
      io.ssh_config = a_.ssh_config;
      auto inv = fa::load_inventory(a_.inventory, io);
      if (!inv.ok()) return fa::fail(inv.problems());
      for (const auto& w : inv.warnings) log("warn", w.str());
      auto hosts = inv.inventory.select(a_.limit);
      if (hosts.empty())
        return fa::fail(a_.limit.empty() ? a_.inventory + ": no hosts" : "--limit '" + a_.limit + "' matches no host of " + a_.inventory);
      req.targets = fa::ssh_targets(hosts);
      req.parallel = std::max(1u, a_.parallel);
      req.ssh.known_hosts = a_.known_hosts;
      req.ssh.accept_new_host_keys = a_.accept_new_host_keys;
      req.ssh.sudo = a_.sudo;
      req.ssh.connect_timeout = a_.connect_timeout;
      req.ssh.host_timeout = a_.host_timeout;
      req.ssh.agent_path = a_.agent_path;
      req.ssh.agent_path_explicit = a_.agent_path_explicit;
    } else {
      fa::Target t;
      t.kind = a_.root.empty() ? fa::Target::Kind::local : fa::Target::Kind::root_dir;
      t.root = a_.root;
      t.name = a_.name;
      t.tags = a_.roles;
      req.targets.push_back(std::move(t));
    }
    req.profile = a_.profile == "all" ? std::string() : a_.profile;
    req.level = a_.level;
    try {
      if (!a_.policy.empty()) {
        auto p = fa::parse_policy(read_text(a_.policy), a_.policy);
        if (!p) return fa::fail(p.error().message);
        req.policy = std::move(*p);
      }
      if (!a_.waivers.empty()) {
        auto w = fa::parse_waivers(read_text(a_.waivers), a_.waivers, &*content_);
        if (!w) return fa::fail(w.error().message);
        req.waivers = std::move(*w);
      }
    } catch (const std::exception& e) {
      return fa::fail(e.what());
    }
    req.store = db_;
    req.keep_snapshots = false;  // stored as each host completes
    req.keep_results = false;
    req.cancel = &cancel_;
    return req;
  }

  void scan_loop() {
    do {
      auto t0 = std::chrono::steady_clock::now();
      auto req = build_request();
      m_.scans.Increment();
      if (!req) {
        m_.scan_errors.Increment();
        log("error", "scan not started: " + req.error().message);
        continue;
      }
      log("info", "scan of " + std::to_string(req->targets.size()) + " host(s) started");
      auto report = fa::run_scan(*content_, *req);
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      m_.last_scan_duration.Set(secs);
      if (!report) {
        m_.scan_errors.Increment();
        log("error", "scan failed: " + report.error().message);
        continue;
      }
      std::size_t not_ok = 0;
      for (const auto& h : report->hosts) not_ok += h.state != "ok";
      m_.scan_host_failures.Increment(static_cast<double>(not_ok));
      m_.last_scan_success.Set(unix_now());
      log("info", "scan " + std::to_string(report->scan.id) + " stored: " + std::to_string(report->hosts.size()) + " host(s), " +
                      std::to_string(not_ok) + " not ok, " + std::to_string(static_cast<int>(secs * 1000)) + " ms");
      if (a_.keep_scans > 0) prune();
      {
        std::lock_guard lock(mutex_);
        store_changed_ = true;
      }
      cv_.notify_all();
    } while (!wait(scan_interval_));
  }

  // --store.keep-scans: old scans go once nothing newer is missing from them.
  void prune() {
    auto store = fa::Store::open(db_);
    if (!store) {
      log("error", "cannot prune the store: " + store.error().message);
      return;
    }
    auto n = store->prune(a_.keep_scans);
    if (!n) {
      log("error", n.error().message);
      return;
    }
    m_.pruned_scans.Increment(*n);
  }

  const Args& a_;
  fe::HttpServer& server_;
  SelfMetrics& m_;
  std::optional<fa::ContentSet> content_;
  std::chrono::milliseconds refresh_, scan_interval_;
  fe::ViewOptions view_;
  std::filesystem::path db_;

  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool store_changed_ = false;
  std::atomic<bool> cancel_{false};
  std::thread refresher_, scanner_;
};

fa::ContentSet load_content(const std::string& dir) {
  auto loaded = fa::load_content_dir(dir);
  if (!loaded) throw std::runtime_error(loaded.error().message);
  return std::move(*loaded);
}

int run(Args& a, std::chrono::milliseconds refresh, std::chrono::milliseconds scan_interval, fe::ViewOptions view) {
  fe::ServerOptions so;
  so.listen_address = a.listen;
  so.telemetry_path = a.telemetry_path;
  so.threads = a.threads;
  if (!a.web_config.empty()) {
    auto wc = fe::load_web_config(a.web_config);
    if (!wc) throw std::runtime_error(wc.error().message);
    so.web = std::move(*wc);
  }

  std::optional<fa::ContentSet> content;
  if (!a.inventory.empty() || a.local) {
    content = load_content(a.content);
    if (a.profile != "all") {
      auto sel = content->select(a.profile, a.level);
      if (!sel) throw std::runtime_error("--profile: " + sel.error().message);
    }
    if (!a.inventory.empty()) {
      fa::InventoryOptions io;
      io.ssh_config = a.ssh_config;
      auto inv = fa::load_inventory(a.inventory, io);
      if (!inv.ok()) throw std::runtime_error(inv.problems());
    }
  }

  // Signals are taken by this thread alone (sigwait): block them before any
  // other thread (civetweb's included) starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  SelfMetrics metrics;
  auto server = fe::HttpServer::start(so, metrics.registry);
  if (!server) throw std::runtime_error(server.error().message);
  std::string ports;
  for (int p : (*server)->ports()) ports += (ports.empty() ? "" : ",") + std::to_string(p);
  log("info", std::string("listening on ") + a.listen + " (port " + ports + ")" + (so.web.tls() ? " with TLS" : "") +
                  (so.web.users.empty() ? "" : ", basic auth") + ", metrics at " + a.telemetry_path);

  Exporter exporter(a, **server, metrics, std::move(content), refresh, scan_interval, view);
  exporter.start();
  int sig = 0;
  sigwait(&signals, &sig);
  log("info", std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + ", stopping");
  exporter.stop();
  server->reset();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  CLI::App app{
      "fleetaudit-exporter: the newest fleetaudit result of every host, for Prometheus.\n"
      "Serves a store (--db) read-only; with --inventory or --local and --scan-interval it also scans on a schedule\n"
      "(--local: only this host, agent mode: one exporter per node, Prometheus aggregates).",
      "fleetaudit-exporter"};
  app.get_formatter()->column_width(40);
  app.set_version_flag("--version", std::string("fleetaudit-exporter ") + fa::version());
  std::string default_db = fa::default_store_path().string();
  app.add_option("--db", a.db, "Store file to serve (and to write scans to) (default: " + default_db + ")");
  app.add_option("--web.listen-address", a.listen, "Address to listen on: [IPv4]:PORT, ':PORT' for every interface")->capture_default_str();
  app.add_option("--web.telemetry-path", a.telemetry_path, "Path of the metrics")->capture_default_str();
  app.add_option("--web.config.file", a.web_config,
                 "Web configuration (exporter-toolkit format): basic_auth_users with bcrypt hashes, tls_server_config");
  app.add_option("--web.threads", a.threads, "HTTP worker threads: connections served at once (others wait their turn)")->capture_default_str()->check(CLI::Range(1, 256));
  app.add_flag("--web.hash-password", a.hash_password, "Read a password on standard input, print its bcrypt hash for basic_auth_users, exit");
  app.add_option("--store.refresh-interval", a.refresh_interval, "How often to look for a new scan in the store")->capture_default_str();
  app.add_option("--store.max-age", a.max_age, "Leave out hosts whose newest scan is older than this (0: keep every host)")->capture_default_str();
  app.add_option("--store.keep-scans", a.keep_scans,
                 "After each of its scans, delete scans older than the newest N unless they hold a host's newest result (0: keep all)")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  app.add_flag("--collector.host-checks", a.host_checks,
               "Also export one series per host and check (fleetaudit_host_check_result): hosts x checks series, off by default");

  auto* inv = app.add_option("--inventory,-i", a.inventory, "Scan the hosts of this inventory over SSH on a schedule (fleet mode)")->group("Scanning");
  auto* local = app.add_flag("--local", a.local, "Scan this host on a schedule (agent mode)")->group("Scanning");
  inv->excludes(local);
  app.add_option("--scan-interval", a.scan_interval, "Time between scans, e.g. 1h (required with --inventory or --local)")->group("Scanning");
  app.add_option("--profile", a.profile, "Profile id, or 'all' for every check without a profile")->capture_default_str()->group("Scanning");
  app.add_option("--level", a.level, "Profile level (0: every level)")->capture_default_str()->group("Scanning");
  app.add_option("--content", a.content, "Directory holding checks/ and benchmarks-cis/")->group("Scanning");
  app.add_option("--policy", a.policy, "Site policy lists (YAML) that checks refer to")->group("Scanning");
  app.add_option("--waivers", a.waivers, "Accepted failures (YAML)")->group("Scanning");
  app.add_option("--name", a.name, "With --local: host name to report (default: the host's own)")->group("Scanning");
  app.add_option("--root", a.root, "With --local: audit the host tree mounted at DIR (the node's / in a container) instead of /")
      ->check(CLI::ExistingDirectory)->group("Scanning");
  app.add_option("--role", a.roles, "With --local: role tag of this host (hypervisor, container-host, k8s-node, edge ...); repeatable")->group("Scanning");
  app.add_option("--limit,-l", a.limit, "With --inventory: only hosts matching names, groups, tags or globs")->group("Scanning");
  app.add_option("--parallel,-j", a.parallel, "With --inventory: hosts scanned at once")->capture_default_str()->group("Scanning");
  app.add_option("--known-hosts", a.known_hosts, "known_hosts file to verify host keys against (default ~/.ssh/known_hosts)")->group("Scanning");
  app.add_flag("--accept-new-host-keys", a.accept_new_host_keys, "Record unknown host keys instead of refusing (a changed key is always refused)")->group("Scanning");
  app.add_flag("--sudo", a.sudo, "Collect through 'sudo -n'")->group("Scanning");
  app.add_option("--connect-timeout", a.connect_timeout, "Seconds to connect and authenticate")->capture_default_str()->group("Scanning");
  app.add_option("--host-timeout", a.host_timeout, "Seconds for a whole host")->capture_default_str()->group("Scanning");
  auto* agent_opt = app.add_option("--agent-path", a.agent_path, "fleetaudit on the hosts: collects in place when present ('none': never)")
                        ->capture_default_str()->group("Scanning");
  app.add_option("--ssh-config", a.ssh_config, "OpenSSH client config for host aliases ('' for none)")->capture_default_str()->group("Scanning");
  app.footer(
      "\nDefault port 9847. Metrics: fleetaudit_host_* (per host), fleetaudit_check_* (per check), fleetaudit_component_*\n"
      "(uniformity per role group and fleet), fleetaudit_exporter_* (the exporter itself). Also /-/healthy and /-/ready.\n"
      "See the README's exporter section for every metric, the web configuration and deployment (systemd, Kubernetes).");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  a.agent_path_explicit = agent_opt->count() > 0;
  try {
    if (a.hash_password) {
      std::string password;
      std::getline(std::cin, password);
      if (password.empty()) throw std::runtime_error("--web.hash-password: empty password on standard input");
      auto h = fe::bcrypt_hash(password, 12);
      if (!h) throw std::runtime_error(h.error().message);
      std::cout << *h << "\n";
      return 0;
    }
    if (!a.telemetry_path.starts_with('/')) throw std::runtime_error("--web.telemetry-path must start with '/'");
    auto refresh = fe::parse_duration(a.refresh_interval);
    if (!refresh) throw std::runtime_error("--store.refresh-interval: " + refresh.error().message);
    if (refresh->count() < 100) throw std::runtime_error("--store.refresh-interval: at least 100ms");
    auto max_age = fe::parse_duration(a.max_age);
    if (!max_age) throw std::runtime_error("--store.max-age: " + max_age.error().message);
    std::chrono::milliseconds scan_interval{0};
    const bool scanning = !a.inventory.empty() || a.local;
    if (scanning) {
      if (a.scan_interval.empty()) throw std::runtime_error(std::string(a.local ? "--local" : "--inventory") + " needs --scan-interval");
      auto si = fe::parse_duration(a.scan_interval);
      if (!si) throw std::runtime_error("--scan-interval: " + si.error().message);
      if (*si < 1s) throw std::runtime_error("--scan-interval: at least 1s");
      scan_interval = *si;
    } else if (!a.scan_interval.empty()) {
      throw std::runtime_error("--scan-interval needs --inventory or --local");
    } else if (a.keep_scans > 0) {
      throw std::runtime_error("--store.keep-scans prunes after the exporter's own scans: it needs --inventory or --local");
    }
    if (!a.local && (!a.name.empty() || !a.roles.empty() || !a.root.empty()))
      throw std::runtime_error("--name, --root and --role go with --local");
    fe::ViewOptions view;
    view.max_age = std::chrono::duration_cast<std::chrono::seconds>(*max_age);
    view.host_checks = a.host_checks;
    return run(a, *refresh, scan_interval, view);
  } catch (const std::exception& e) {
    std::cerr << "fleetaudit-exporter: " << e.what() << "\n";
    return 1;
  }
}

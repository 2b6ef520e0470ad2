// fleetaudit-exporter end to end: the real binary serving a real store,
// linted by promtool, scraped by a real Prometheus server over loopback
// (TLS and basic auth), while scans write the same store.

#include <catch2/catch.hpp>

#include <fleetaudit/fleetaudit.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "exporter/daemon.hpp"
#include "fleet_view.hpp"
#include "exposition.hpp"
#include "gzip.hpp"
#include "support/fixture_tree.hpp"
#include "support/process.hpp"
#include "web_config.hpp"

#include <yaml-cpp/yaml.h>

namespace ft = fleetaudit::testing;
namespace fa = fleetaudit;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  REQUIRE(out.good());
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `fleetaudit scan --root FIXTURE` into a store, as an operator would fill one.
void scan_fixture(const std::string& fixture, const std::string& name, const std::filesystem::path& db,
                  const std::vector<std::string>& roles = {}) {
  ft::FixtureTree tree(fixture);
  std::vector<std::string> args{FLEETAUDIT_CLI, "scan", "--root", tree.root().string(), "--name", name, "--db", db.string(),
                                "--format", "json", "--fail-on", "none", "--output", "/dev/null"};
  for (const auto& r : roles) args.insert(args.end(), {"--role", r});
  auto r = ft::run_process(args, {"FLEETAUDIT_CONTENT=" FLEETAUDIT_SOURCE_DIR});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

// The fixture fleet: a stale hypervisor, a container host, two web servers
// (web-2 scanned twice: the exporter must serve its second scan) and an edge host.
std::filesystem::path make_fixture_store(const std::filesystem::path& dir) {
  auto db = dir / "fleet.db";
  scan_fixture("fleet-hypervisor-stale", "hv-1", db, {"hypervisor"});
  scan_fixture("ssh-pass", "web-1", db, {"web"});
  scan_fixture("ssh-fail", "web-2", db, {"web"});
  scan_fixture("edge-fail", "edge-1", db, {"edge"});
  scan_fixture("docker-pass", "ct-1", db, {"container-host"});
  scan_fixture("ssh-pass-alt", "web-2", db, {"web"});
  return db;
}

// What the store says, read through Store::load (every result), not through
// the summary reads the exporter uses.
struct Expected {
  std::map<std::string, fa::HostReport> hosts;  // newest per name
  std::map<std::string, int> failing_hosts;     // check -> hosts failing it
};

Expected expected_from(const std::filesystem::path& db) {
  auto store = fa::Store::open(db, fa::Store::Mode::read_only);
  REQUIRE(store);
  auto history = store->history();
  REQUIRE(history);
  Expected e;
  for (const auto& s : *history) {  // newest first
    auto report = store->load(s.info.id);
    REQUIRE(report);
    for (auto& h : report->hosts) e.hosts.try_emplace(h.host, std::move(h));
  }
  for (const auto& [name, h] : e.hosts) {
    std::set<std::string> failing;
    for (const auto& r : h.results)
      if (r.result == fa::ResultKind::fail) failing.insert(r.check_id);
    for (const auto& c : failing) e.failing_hosts[c] += 1;
  }
  return e;
}

// Samples of an exposition by "name{labels}" as written (labels sorted by the exporter).
struct Exposition {
  std::map<std::string, double> samples;
  std::set<std::string> families;  // with a TYPE line
  std::set<std::string> with_samples;
};

Exposition parse_exposition(const std::string& text) {
  Exposition e;
  std::istringstream in(text);
  std::string line;
  static const std::regex sample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$)");
  while (std::getline(in, line)) {
    if (line.starts_with("# TYPE ")) {
      auto rest = line.substr(7);
      e.families.insert(rest.substr(0, rest.find(' ')));
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    std::smatch m;
    REQUIRE(std::regex_match(line, m, sample));
    e.samples[m[1].str() + m[2].str()] = std::stod(m[3].str());
    e.with_samples.insert(m[1].str());
  }
  return e;
}

ft::ProcessResult promtool_check(const std::string& exposition) {
  return ft::run_process({"/usr/bin/promtool", "check", "metrics"}, {}, exposition);
}

struct Exporter {
  int port = ft::free_port();
  std::unique_ptr<ft::Daemon> daemon;
  Exporter(const std::filesystem::path& dir, std::vector<std::string> args) {
    args.insert(args.begin(), {FLEETAUDIT_EXPORTER, "--web.listen-address", "127.0.0.1:" + std::to_string(port)});
    daemon = std::make_unique<ft::Daemon>(args, dir / ("exporter-" + std::to_string(port) + ".log"),
                                          std::vector<std::string>{"FLEETAUDIT_CONTENT=" FLEETAUDIT_SOURCE_DIR});
  }
  void wait_ready(std::chrono::milliseconds deadline = 20s) {
    bool ready = ft::wait_for_http(port, "/-/ready", 200, deadline);
    INFO(daemon->log_text());
    REQUIRE(ready);
  }
  std::string metrics() {
    auto r = ft::http_get(port, "/metrics");
    INFO(daemon->log_text());
    REQUIRE(r.status == 200);
    return r.body;
  }
};

double value(const Exposition& e, const std::string& key) {
  auto it = e.samples.find(key);
  INFO(key);
  REQUIRE(it != e.samples.end());
  return it->second;
}

std::string url_encode(const std::string& s) {
  std::string out;
  char buf[4];
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// An instant PromQL query: the vector's samples by their labels' JSON.
json promql(int port, const std::string& query) {
  auto r = ft::http_get(port, "/api/v1/query?query=" + url_encode(query));
  INFO(query << ": " << r.body);
  REQUIRE(r.status == 200);
  json j = json::parse(r.body);
  REQUIRE(j["status"] == "success");
  return j["data"]["result"];
}

double promql_scalar(int port, const std::string& query) {
  json res = promql(port, query);
  INFO(query << " -> " << res.dump());
  REQUIRE(res.size() == 1);
  return std::stod(res[0]["value"][1].get<std::string>());
}

}  // namespace

TEST_CASE("exporter: a real Prometheus scrapes it with basic auth and PromQL answers what the store holds",
          "[exporter][prometheus]") {
  ft::TempDir t;
  auto db = make_fixture_store(t.path());
  const Expected want = expected_from(db);
  REQUIRE(want.hosts.size() == 5);

  // A bcrypt user, as an operator would set one up.
  auto hash = ft::run_process({FLEETAUDIT_EXPORTER, "--web.hash-password"}, {}, "sc!ape-Pass\n");
  REQUIRE(hash.exit_code == 0);
  std::string bcrypt = hash.out.substr(0, hash.out.find('\n'));
  REQUIRE(bcrypt.starts_with("$2b$12$"));
  write_file(t.path() / "web.yml", "basic_auth_users:\n  prometheus: '" + bcrypt + "'\n");

  Exporter exporter(t.path(), {"--db", db.string(), "--web.config.file", (t.path() / "web.yml").string(),
                               "--store.refresh-interval", "200ms"});
  exporter.wait_ready();
  REQUIRE(ft::http_get(exporter.port, "/metrics").status == 401);

  auto prom_port = ft::free_port();
  write_file(t.path() / "password", "sc!ape-Pass");
  write_file(t.path() / "prometheus.yml",
             "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
             "scrape_configs:\n  - job_name: fleetaudit\n"
             "    basic_auth:\n      username: prometheus\n      password_file: " + (t.path() / "password").string() + "\n"
             "    static_configs:\n      - targets: ['127.0.0.1:" + std::to_string(exporter.port) + "']\n");
  ft::Daemon prometheus({"/usr/bin/prometheus", "--config.file=" + (t.path() / "prometheus.yml").string(),
                         "--storage.tsdb.path=" + (t.path() / "tsdb").string(),
                         "--web.listen-address=127.0.0.1:" + std::to_string(prom_port)},
                        t.path() / "prometheus.log");

  // The first scrape is queryable after about 6 s (Prometheus' reload tick).
  bool scraped = false;
  for (auto until = std::chrono::steady_clock::now() + 30s; std::chrono::steady_clock::now() < until;) {
    try {
      json r = promql(prom_port, "fleetaudit_fleet_hosts");
      if (!r.empty()) {
        scraped = true;
        break;
      }
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(250ms);
  }
  INFO("exporter log:\n" << exporter.daemon->log_text() << "\nprometheus log:\n" << prometheus.log_text());
  REQUIRE(scraped);
  CHECK(promql_scalar(prom_port, "up{job=\"fleetaudit\"}") == 1);
  CHECK(promql_scalar(prom_port, "fleetaudit_fleet_hosts") == 5);

  for (const auto& [name, h] : want.hosts) {
    INFO(name);
    CHECK(promql_scalar(prom_port, "fleetaudit_host_compliance_ratio{host=\"" + name + "\"}") ==
          Approx(h.summary.score / 100.0).epsilon(1e-12));
    CHECK(promql_scalar(prom_port, "fleetaudit_host_results{host=\"" + name + "\",result=\"fail\"}") == h.summary.fail);
    CHECK(promql_scalar(prom_port, "fleetaudit_host_results{host=\"" + name + "\",result=\"pass\"}") == h.summary.pass);
    CHECK(promql_scalar(prom_port, "fleetaudit_host_failures{host=\"" + name + "\",severity=\"high\"}") ==
          h.summary.fail_by_severity[static_cast<int>(fa::Severity::high)]);
    CHECK(promql_scalar(prom_port, "fleetaudit_host_collection_state{host=\"" + name + "\",state=\"" + h.state + "\"}") == 1);
    REQUIRE(h.profile);
    CHECK(promql_scalar(prom_port, "fleetaudit_host_uptime_risk_score{host=\"" + name + "\"}") == h.profile->risk);
    // Only fixtures that set the kernel fact have a kernel.
    CHECK(promql(prom_port, "fleetaudit_host_kernel_info{host=\"" + name + "\",release=\"" + h.profile->kernel_release + "\"}").size() ==
          (h.profile->kernel_release.empty() ? 0u : 1u));
    CHECK(promql(prom_port, "fleetaudit_host_os_info{host=\"" + name + "\",id=\"" + h.profile->os_id + "\"}").size() == 1);
  }
  // web-2 was scanned twice: its second (ssh-pass-alt) result is served.
  CHECK(promql_scalar(prom_port, "fleetaudit_host_results{host=\"web-2\",result=\"fail\"}") == want.hosts.at("web-2").summary.fail);

  // The stale hypervisor, as its fixture describes it.
  const auto& hv = *want.hosts.at("hv-1").profile;
  CHECK(promql_scalar(prom_port, "fleetaudit_host_reboot_required{host=\"hv-1\"}") == 1);
  CHECK(promql_scalar(prom_port, "fleetaudit_host_kernel_outdated{host=\"hv-1\"}") == 1);
  CHECK(promql_scalar(prom_port, "fleetaudit_host_pending_updates{host=\"hv-1\"}") == 3);
  CHECK(promql_scalar(prom_port, "fleetaudit_host_pending_security_updates{host=\"hv-1\"}") == 2);
  CHECK(promql_scalar(prom_port, "fleetaudit_host_uptime_seconds{host=\"hv-1\"}") == Approx(*hv.uptime_days * 86400).margin(1));
  CHECK(promql_scalar(prom_port, "fleetaudit_host_uptime_seconds{host=\"hv-1\"} > 365 * 86400") > 0);
  CHECK(promql_scalar(prom_port, "fleetaudit_host_livepatch_active{host=\"hv-1\"}") == 0);
  CHECK(promql_scalar(prom_port, "fleetaudit_host_stale_library_processes{host=\"hv-1\"}") == static_cast<double>(hv.stale.size()));
  CHECK(promql(prom_port, "fleetaudit_host_hypervisor_info{host=\"hv-1\",hypervisor=\"qemu\"}").size() == hv.components.count("qemu"));

  // Role groups join on host; uniformity per group and fleet.
  CHECK(promql_scalar(prom_port, "count(fleetaudit_host_role_info{role=\"web\"})") == 2);
  CHECK(promql_scalar(prom_port,
                      "avg(fleetaudit_host_compliance_ratio * on(host) group_left() fleetaudit_host_role_info{role=\"web\"})") ==
        Approx((want.hosts.at("web-1").summary.score + want.hosts.at("web-2").summary.score) / 200.0));
  // Uniformity, against the library's own analysis of the same profiles.
  std::vector<fa::HostProfile> profiles;
  for (const auto& [n, h] : want.hosts) profiles.push_back(*h.profile);
  const fa::FleetAnalysis analysis = fa::analyze_fleet(profiles);
  int groups_checked = 0;
  for (const auto& u : analysis.uniformity) {
    INFO(u.group << " " << u.component);
    const std::string sel = "{group=\"" + u.group + "\",component=\"" + u.component + "\"}";
    CHECK(promql_scalar(prom_port, "fleetaudit_component_versions" + sel) == u.hosts.size());
    CHECK(promql_scalar(prom_port, "fleetaudit_component_uniformity_ratio" + sel) == Approx(u.score / 100.0));
    CHECK(promql_scalar(prom_port, "fleetaudit_component_drifting_hosts" + sel) == u.drifting.size());
    for (const auto& [version, hosts] : u.hosts)
      CHECK(promql_scalar(prom_port, "fleetaudit_component_version_hosts{group=\"" + u.group + "\",component=\"" + u.component +
                                         "\",version=\"" + version + "\"}") == hosts.size());
    ++groups_checked;
  }
  CHECK(groups_checked > 10);
  CHECK(promql_scalar(prom_port, "fleetaudit_component_versions{group=\"fleet\",component=\"os\"}") >= 1);
  CHECK(promql(prom_port, "fleetaudit_host_container_runtime_info{host=\"ct-1\",runtime=\"docker\"}").size() == 1);

  // Per check: failing hosts over the newest result of every host.
  REQUIRE(!want.failing_hosts.empty());
  for (const auto& [check, n] : want.failing_hosts) {
    INFO(check);
    CHECK(promql_scalar(prom_port, "fleetaudit_check_failing_hosts{check=\"" + check + "\"}") == n);
  }
  CHECK(promql_scalar(prom_port, "count(fleetaudit_check_failing_hosts > 0)") == want.failing_hosts.size());
  CHECK(promql_scalar(prom_port, "fleetaudit_exporter_scrapes_total") >= 1);
  CHECK(promql_scalar(prom_port, "fleetaudit_exporter_build_info") == 1);
  CHECK(prometheus.stop() == 0);
}

TEST_CASE("exporter: the exposition passes promtool with and without host x check series", "[exporter]") {
  ft::TempDir t;
  auto db = make_fixture_store(t.path());
  for (bool host_checks : {false, true}) {
    std::vector<std::string> args{"--db", db.string()};
    if (host_checks) args.push_back("--collector.host-checks");
    Exporter exporter(t.path(), args);
    exporter.wait_ready();
    std::string text = exporter.metrics();
    auto lint = promtool_check(text);
    INFO(lint.out << lint.err);
    CHECK(lint.exit_code == 0);
    CHECK(lint.out.empty());
    Exposition e = parse_exposition(text);
    // Every family has HELP; names carry the prefix.
    for (const auto& f : e.families) {
      CHECK(f.starts_with("fleetaudit_"));
      CHECK(text.find("# HELP " + f + " ") != std::string::npos);
    }
    CHECK(e.with_samples.count("fleetaudit_host_check_result") == (host_checks ? 1u : 0u));
    // The README's metrics list names every family.
    const std::string readme = read_file(std::filesystem::path(FLEETAUDIT_SOURCE_DIR) / "README.md");
    for (const auto& f : e.families) {
      INFO(f);
      CHECK(readme.find("`" + f + "`") != std::string::npos);
    }
    for (const auto& f : fleetaudit::exporter::fleet_family_names()) CHECK((e.families.count(f) || f == "fleetaudit_host_check_result"));
    if (host_checks) {
      // One series per host and check, with the result the store holds.
      const Expected want = expected_from(db);
      const auto& web2 = want.hosts.at("web-2");
      int seen = 0;
      for (const auto& r : web2.results) {
        if (r.check_id.empty() || !r.subject.empty()) continue;
        CHECK(value(e, "fleetaudit_host_check_result{host=\"web-2\",check=\"" + r.check_id + "\",result=\"" +
                           std::string(fa::to_string(r.result)) + "\"}") == 1);
        ++seen;
      }
      CHECK(seen > 100);
    }
    // The same bytes, gzipped, when the client asks.
    auto gz = ft::http_get(exporter.port, "/metrics", {"Accept-Encoding: gzip"});
    REQUIRE(gz.status == 200);
    CHECK(gz.headers["content-encoding"] == "gzip");
    std::string unzipped = fleetaudit::exporter::gunzip(gz.body);
    CHECK(unzipped.substr(0, unzipped.find("# HELP fleetaudit_exporter_")) == text.substr(0, text.find("# HELP fleetaudit_exporter_")));
    CHECK(promtool_check(unzipped).exit_code == 0);
    CHECK(exporter.daemon->stop() == 0);
  }
}

TEST_CASE("exporter: basic auth refuses wrong credentials and lets probes through", "[exporter]") {
  ft::TempDir t;
  auto db = make_fixture_store(t.path());
  auto hash = fleetaudit::exporter::bcrypt_hash("right", 4);
  REQUIRE(hash);
  write_file(t.path() / "web.yml", "basic_auth_users:\n  scraper: '" + *hash + "'\n");
  Exporter exporter(t.path(), {"--db", db.string(), "--web.config.file", (t.path() / "web.yml").string(),
                               "--web.telemetry-path", "/fleet-metrics"});
  // Probes need no credentials and learn nothing but "up".
  REQUIRE(ft::wait_for_http(exporter.port, "/-/ready", 200, 10s));
  CHECK(ft::http_get(exporter.port, "/-/healthy").status == 200);
  CHECK(ft::http_get(exporter.port, "/").status == 401);
  auto none = ft::http_get(exporter.port, "/fleet-metrics");
  CHECK(none.status == 401);
  CHECK(none.headers["www-authenticate"].starts_with("Basic realm="));
  CHECK(none.body.find("fleetaudit_host") == std::string::npos);
  CHECK(ft::http_get(exporter.port, "/fleet-metrics", {"Authorization: Basic " + ft::base64("scraper:wrong")}).status == 401);
  CHECK(ft::http_get(exporter.port, "/fleet-metrics", {"Authorization: Basic " + ft::base64("other:right")}).status == 401);
  const std::string good = "Authorization: Basic " + ft::base64("scraper:right");
  auto ok = ft::http_get(exporter.port, "/fleet-metrics", {good});
  CHECK(ok.status == 200);
  CHECK(ok.headers["content-type"].starts_with("text/plain; version=0.0.4"));
  CHECK(ok.body.find("fleetaudit_exporter_http_auth_failures_total 4") != std::string::npos);
  CHECK(ft::http_get(exporter.port, "/metrics", {good}).status == 404);
  CHECK(ft::http_get(exporter.port, "/-/healthy", {good}).status == 200);
  CHECK(ft::http_get(exporter.port, "/", {good}).body.find("href=\"/fleet-metrics\"") != std::string::npos);
  CHECK(exporter.daemon->stop() == 0);
  // A password in place of a hash is refused at start, naming the line.
  write_file(t.path() / "bad.yml", "basic_auth_users:\n  scraper: right\n");
  auto bad = ft::run_process({FLEETAUDIT_EXPORTER, "--db", db.string(), "--web.config.file", (t.path() / "bad.yml").string()});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("bad.yml:2: basic_auth_users.scraper: not a bcrypt hash") != std::string::npos);
  // TLS is refused with the way out, never half served.
  write_file(t.path() / "tls.yml", "tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n");
  auto tls = ft::run_process({FLEETAUDIT_EXPORTER, "--db", db.string(), "--web.config.file", (t.path() / "tls.yml").string()});
  CHECK(tls.exit_code == 1);
  CHECK(tls.err.find("reverse proxy") != std::string::npos);
}

TEST_CASE("exporter: scans write the store while scrapes run and no scrape waits for them", "[exporter]") {
  ft::TempDir t;
  auto db = t.path() / "fleet.db";
  scan_fixture("ssh-pass", "web-0", db, {"web"});
  Exporter exporter(t.path(), {"--db", db.string(), "--store.refresh-interval", "100ms"});
  exporter.wait_ready();

  // Fixture trees first, so the writer thread only runs scans.
  std::vector<std::unique_ptr<ft::FixtureTree>> trees;
  for (const char* f : {"ssh-fail", "ssh-pass-alt", "edge-fail", "ssh-pass"}) trees.push_back(std::make_unique<ft::FixtureTree>(f));
  constexpr int kScans = 8;
  std::atomic<bool> done{false};
  std::atomic<int> failed_scans{0};
  std::thread writer([&] {
    for (int i = 1; i <= kScans; ++i) {
      const auto& tree = *trees[static_cast<std::size_t>(i) % trees.size()];
      auto r = ft::run_process({FLEETAUDIT_CLI, "scan", "--root", tree.root().string(), "--name", "web-" + std::to_string(i),
                                "--role", "web", "--db", db.string(), "--format", "json", "--fail-on", "none", "--output", "/dev/null"},
                               {"FLEETAUDIT_CONTENT=" FLEETAUDIT_SOURCE_DIR});
      if (r.exit_code != 0) ++failed_scans;
    }
    done = true;
  });
  int scrapes = 0;
  double slowest = 0, last_hosts = 1;
  bool monotonic = true, all_ok = true;
  while (!done) {
    auto r = ft::http_get(exporter.port, "/metrics");
    ++scrapes;
    slowest = std::max(slowest, r.seconds);
    if (r.status != 200) {
      all_ok = false;
      continue;
    }
    Exposition e = parse_exposition(r.body);
    double hosts = value(e, "fleetaudit_fleet_hosts");
    monotonic = monotonic && hosts >= last_hosts;
    last_hosts = hosts;
    // Each exposition is whole: every exported host has its score and state.
    int scored = 0, stated = 0;
    for (const auto& [k, v] : e.samples) {
      scored += k.starts_with("fleetaudit_host_compliance_ratio{");
      stated += k.starts_with("fleetaudit_host_collection_state{");
    }
    CHECK(scored == hosts);
    CHECK(stated == hosts);
  }
  writer.join();
  CHECK(failed_scans == 0);
  CHECK(all_ok);
  CHECK(monotonic);
  CHECK(scrapes >= kScans);
  CHECK(slowest < 2.0);  // a scrape never waits for a scan
  // After the last scan: every host, each with its own newest result.
  bool complete = false;
  for (auto until = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < until && !complete;) {
    Exposition e = parse_exposition(exporter.metrics());
    complete = value(e, "fleetaudit_fleet_hosts") == kScans + 1;
    if (!complete) std::this_thread::sleep_for(100ms);
  }
  REQUIRE(complete);
  const Expected want = expected_from(db);
  Exposition e = parse_exposition(exporter.metrics());
  for (const auto& [name, h] : want.hosts)
    CHECK(value(e, "fleetaudit_host_results{host=\"" + name + "\",result=\"fail\"}") == h.summary.fail);
  CHECK(value(e, "fleetaudit_exporter_refresh_errors_total") == 0);
  CHECK(exporter.daemon->stop() == 0);
}

TEST_CASE("exporter: agent mode scans its own host on a schedule through the scan API", "[exporter]") {
  ft::TempDir t;
  auto db = t.path() / "agent.db";
  Exporter exporter(t.path(), {"--db", db.string(), "--local", "--scan-interval", "1h", "--name", "node-a", "--role", "edge",
                               "--store.refresh-interval", "200ms"});
  exporter.wait_ready(120s);
  Exposition e;
  for (auto until = std::chrono::steady_clock::now() + 120s; std::chrono::steady_clock::now() < until;) {
    e = parse_exposition(exporter.metrics());
    if (e.samples.count("fleetaudit_host_role_info{host=\"node-a\",role=\"edge\"}")) break;
    std::this_thread::sleep_for(200ms);
  }
  INFO(exporter.daemon->log_text());
  REQUIRE(value(e, "fleetaudit_host_role_info{host=\"node-a\",role=\"edge\"}") == 1);
  CHECK(value(e, "fleetaudit_exporter_scans_total") == 1);
  CHECK(value(e, "fleetaudit_exporter_scan_errors_total") == 0);
  CHECK(value(e, "fleetaudit_fleet_hosts") == 1);
  // The scan is in the store, as `fleetaudit scan` would have stored it.
  const Expected want = expected_from(db);
  REQUIRE(want.hosts.count("node-a"));
  CHECK(value(e, "fleetaudit_host_results{host=\"node-a\",result=\"pass\"}") == want.hosts.at("node-a").summary.pass);
  CHECK(e.samples.count("fleetaudit_host_uptime_seconds{host=\"node-a\"}") == 1);
  CHECK(exporter.daemon->stop() == 0);

  // In a container the node's root is mounted somewhere (--root): the
  // exporter audits that tree, here the stale hypervisor fixture.
  ft::FixtureTree node("fleet-hypervisor-stale");
  auto db2 = t.path() / "node.db";
  Exporter in_pod(t.path(), {"--db", db2.string(), "--local", "--root", node.root().string(), "--scan-interval", "1s",
                             "--name", "node-b", "--role", "hypervisor", "--store.refresh-interval", "200ms",
                             "--store.keep-scans", "2"});
  in_pod.wait_ready(60s);
  for (auto until = std::chrono::steady_clock::now() + 60s; std::chrono::steady_clock::now() < until;) {
    e = parse_exposition(in_pod.metrics());
    if (e.samples.count("fleetaudit_host_reboot_required{host=\"node-b\"}")) break;
    std::this_thread::sleep_for(200ms);
  }
  INFO(in_pod.daemon->log_text());
  CHECK(value(e, "fleetaudit_host_reboot_required{host=\"node-b\"}") == 1);
  CHECK(value(e, "fleetaudit_host_pending_security_updates{host=\"node-b\"}") == 2);
  CHECK(value(e, "fleetaudit_host_kernel_info{host=\"node-b\",release=\"6.1.0-25-amd64\",build_date=\"2024-08-26\"}") == 1);
  // A scan a second with --store.keep-scans 2: the store keeps two scans.
  for (auto until = std::chrono::steady_clock::now() + 30s; std::chrono::steady_clock::now() < until;) {
    e = parse_exposition(in_pod.metrics());
    if (value(e, "fleetaudit_exporter_scans_total") >= 5) break;
    std::this_thread::sleep_for(200ms);
  }
  CHECK(value(e, "fleetaudit_exporter_scans_total") >= 5);
  CHECK(value(e, "fleetaudit_exporter_pruned_scans_total") >= 3);
  CHECK(in_pod.daemon->stop() == 0);
  auto pruned = fa::Store::open(db2, fa::Store::Mode::read_only);
  REQUIRE(pruned);
  auto left = pruned->history();
  REQUIRE(left);
  CHECK(left->size() == 2);
}

TEST_CASE("exporter: fleet mode scans an inventory and exports an unreachable host as such", "[exporter]") {
  ft::TempDir t;
  auto db = t.path() / "fleet.db";
  int closed = ft::free_port();  // nothing listens there
  write_file(t.path() / "inventory.yaml", "hosts:\n  db-1:\n    address: 127.0.0.1\n    port: " + std::to_string(closed) +
                                              "\n    tags: [hypervisor]\n");
  Exporter exporter(t.path(), {"--db", db.string(), "--inventory", (t.path() / "inventory.yaml").string(), "--scan-interval", "1h",
                               "--connect-timeout", "2", "--known-hosts", (t.path() / "known_hosts").string(), "--ssh-config", "",
                               "--store.refresh-interval", "200ms"});
  Exposition e;
  for (auto until = std::chrono::steady_clock::now() + 30s; std::chrono::steady_clock::now() < until;) {
    try {
      auto r = ft::http_get(exporter.port, "/metrics");
      if (r.status == 200) {
        e = parse_exposition(r.body);
        if (e.samples.count("fleetaudit_exporter_scan_host_failures_total") && value(e, "fleetaudit_fleet_hosts") == 1) break;
      }
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(200ms);
  }
  INFO(exporter.daemon->log_text());
  REQUIRE(e.samples.count("fleetaudit_host_collection_state{host=\"db-1\",state=\"unreachable\"}") == 1);
  CHECK(value(e, "fleetaudit_exporter_scan_host_failures_total") == 1);
  CHECK(value(e, "fleetaudit_exporter_scans_total") == 1);
  CHECK(exporter.daemon->stop() == 0);

  // A broken inventory stops the exporter at start, naming the file and line.
  write_file(t.path() / "broken.yaml", "hosts:\n  db-1:\n    port: many\n");
  auto bad = ft::run_process({FLEETAUDIT_EXPORTER, "--db", db.string(), "--inventory", (t.path() / "broken.yaml").string(),
                              "--scan-interval", "1h"},
                             {"FLEETAUDIT_CONTENT=" FLEETAUDIT_SOURCE_DIR});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("broken.yaml:3") != std::string::npos);
  auto no_interval = ft::run_process({FLEETAUDIT_EXPORTER, "--local"});
  CHECK(no_interval.exit_code == 1);
  CHECK(no_interval.err.find("--local needs --scan-interval") != std::string::npos);
}

TEST_CASE("exporter: every metric the Grafana dashboard queries is in the exposition", "[exporter]") {
  ft::TempDir t;
  auto db = make_fixture_store(t.path());
  scan_fixture("containers-mixed", "ctr-9", db, {"container-host"});  // images with containers for the container panels
  Exporter exporter(t.path(), {"--db", db.string()});
  exporter.wait_ready();
  Exposition e = parse_exposition(exporter.metrics());
  std::set<std::string> queried;
  int dashboards = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(FLEETAUDIT_SOURCE_DIR) / "exporter" / "grafana")) {
    if (entry.path().extension() != ".json") continue;
    ++dashboards;
    json d = json::parse(read_file(entry.path()));
    CHECK(d["panels"].size() >= 8);
    std::function<void(const json&)> walk = [&](const json& j) {
      if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it) {
          if ((it.key() == "expr" || it.key() == "query") && it.value().is_string()) {
            static const std::regex metric(R"(\bfleetaudit_[a-z0-9_]+)");
            std::string expr = it.value();
            for (std::sregex_iterator m(expr.begin(), expr.end(), metric), end; m != end; ++m) queried.insert(m->str());
          } else {
            walk(it.value());
          }
        }
      } else if (j.is_array()) {
        for (const auto& x : j) walk(x);
      }
    };
    walk(d);
  }
  REQUIRE(dashboards >= 1);
  REQUIRE(queried.size() >= 10);
  for (const auto& m : queried) {
    INFO(m);
    CHECK(e.with_samples.count(m) == 1);
  }
}

namespace {

// A systemd unit's ExecStart, continuation lines joined, split on blanks.
std::vector<std::string> exec_start(const std::filesystem::path& unit) {
  std::istringstream in(read_file(unit));
  std::string line, joined;
  bool in_exec = false;
  while (std::getline(in, line)) {
    if (!in_exec && !line.starts_with("ExecStart=")) continue;
    if (!in_exec) line = line.substr(10);
    in_exec = true;
    bool more = !line.empty() && line.back() == '\\';
    if (more) line.pop_back();
    joined += line + " ";
    if (!more) break;
  }
  std::vector<std::string> args;
  std::istringstream words(joined);
  for (std::string w; words >> w;) args.push_back(w);
  return args;
}

// The deploy files' flags with their paths pointed at this test's files.
std::vector<std::string> localize(std::vector<std::string> args, const std::map<std::string, std::string>& values) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i], value;
    bool joined = false;
    if (auto eq = flag.find('='); flag.starts_with("--") && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      joined = true;
    }
    auto it = values.find(flag);
    if (it == values.end()) {
      out.push_back(args[i]);
      continue;
    }
    out.push_back(flag);
    out.push_back(it->second);
    if (!joined) ++i;  // the value was the next word
  }
  return out;
}

}  // namespace

TEST_CASE("exporter: the DaemonSet and the systemd units start it as written and the scrape configuration passes promtool",
          "[exporter]") {
  const auto deploy = std::filesystem::path(FLEETAUDIT_SOURCE_DIR) / "exporter" / "deploy";
  ft::TempDir t;
  auto hash = fleetaudit::exporter::bcrypt_hash("pw", 4);
  REQUIRE(hash);
  write_file(t.path() / "web.yml", "basic_auth_users:\n  prometheus: '" + *hash + "'\n");
  const std::string auth = "Authorization: Basic " + ft::base64("prometheus:pw");

  SECTION("Kubernetes DaemonSet (agent mode on the node's root)") {
    std::vector<std::string> args;
    for (const auto& doc : YAML::LoadAllFromFile((deploy / "kubernetes" / "fleetaudit-agent-daemonset.yaml").string())) {
      if (doc["kind"].as<std::string>() != "DaemonSet") continue;
      const auto& pod = doc["spec"]["template"]["spec"];
      CHECK(pod["hostPID"].as<bool>());
      const auto& c = pod["containers"][0];
      for (const auto& a : c["args"]) args.push_back(a.as<std::string>());
      CHECK(c["ports"][0]["containerPort"].as<int>() == 9847);
      CHECK(c["securityContext"]["readOnlyRootFilesystem"].as<bool>());
    }
    REQUIRE(!args.empty());
    ft::FixtureTree node("fleet-hypervisor-stale");
    int port = ft::free_port();
    args = localize(args, {{"--root", node.root().string()}, {"--db", (t.path() / "agent.db").string()},
                           {"--name", "node-x"}, {"--web.listen-address", "127.0.0.1:" + std::to_string(port)},
                           {"--web.config.file", (t.path() / "web.yml").string()}});
    args.insert(args.begin(), FLEETAUDIT_EXPORTER);
    ft::Daemon d(args, t.path() / "ds.log", {"FLEETAUDIT_CONTENT=" FLEETAUDIT_SOURCE_DIR});
    bool seen = false;
    for (auto until = std::chrono::steady_clock::now() + 60s; !seen && std::chrono::steady_clock::now() < until;) {
      try {
        auto r = ft::http_get(port, "/metrics", {auth});
        seen = r.status == 200 && r.body.find("fleetaudit_host_role_info{host=\"node-x\",role=\"k8s-node\"} 1") != std::string::npos;
      } catch (const std::exception&) {
      }
      if (!seen) std::this_thread::sleep_for(200ms);
    }
    INFO(d.log_text());
    CHECK(seen);
    CHECK(d.stop() == 0);
  }
  SECTION("systemd unit, fleet mode") {
    auto args = exec_start(deploy / "systemd" / "fleetaudit-exporter.service");
    REQUIRE(args.size() > 4);
    CHECK(args[0] == "/usr/bin/fleetaudit-exporter");
    int closed = ft::free_port();
    write_file(t.path() / "inventory.yaml", "hosts:\n  db-1:\n    address: 127.0.0.1\n    port: " + std::to_string(closed) + "\n");
    int port = ft::free_port();
    args = localize(args, {{"--db", (t.path() / "fleet.db").string()}, {"--inventory", (t.path() / "inventory.yaml").string()},
                           {"--known-hosts", (t.path() / "known_hosts").string()},
                           {"--web.listen-address", "127.0.0.1:" + std::to_string(port)},
                           {"--web.config.file", (t.path() / "web.yml").string()}});
    args[0] = FLEETAUDIT_EXPORTER;
    ft::Daemon d(args, t.path() / "fleet.log", {"FLEETAUDIT_CONTENT=" FLEETAUDIT_SOURCE_DIR});
    bool seen = false;
    for (auto until = std::chrono::steady_clock::now() + 30s; !seen && std::chrono::steady_clock::now() < until;) {
      try {
        auto r = ft::http_get(port, "/metrics", {auth});
        seen = r.status == 200 && r.body.find("fleetaudit_host_collection_state{host=\"db-1\",state=\"unreachable\"} 1") != std::string::npos;
      } catch (const std::exception&) {
      }
      if (!seen) std::this_thread::sleep_for(200ms);
    }
    INFO(d.log_text());
    CHECK(seen);
    CHECK(d.stop() == 0);
  }
  SECTION("systemd unit, agent mode") {
    auto args = exec_start(deploy / "systemd" / "fleetaudit-exporter-agent.service");
    REQUIRE(std::find(args.begin(), args.end(), "--local") != args.end());
    int port = ft::free_port();
    args = localize(args, {{"--db", (t.path() / "agent.db").string()},
                           {"--web.listen-address", "127.0.0.1:" + std::to_string(port)},
                           {"--web.config.file", (t.path() / "web.yml").string()}});
    args[0] = FLEETAUDIT_EXPORTER;
    ft::Daemon d(args, t.path() / "agent.log", {"FLEETAUDIT_CONTENT=" FLEETAUDIT_SOURCE_DIR});
    bool seen = false;
    for (auto until = std::chrono::steady_clock::now() + 60s; !seen && std::chrono::steady_clock::now() < until;) {
      try {
        auto r = ft::http_get(port, "/metrics", {auth});
        seen = r.status == 200 && r.body.find("\nfleetaudit_fleet_hosts 1\n") != std::string::npos;
      } catch (const std::exception&) {
      }
      if (!seen) std::this_thread::sleep_for(200ms);
    }
    INFO(d.log_text());
    CHECK(seen);
    CHECK(d.stop() == 0);
  }
  SECTION("Prometheus scrape configuration") {
    auto r = ft::run_process({"/usr/bin/promtool", "check", "config", (deploy / "prometheus" / "scrape-fleet.yml").string()});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    // Debian's Prometheus has no Kubernetes discovery: the DaemonSet's
    // configuration is read for its shape only.
    YAML::Node k = YAML::LoadFile((deploy / "prometheus" / "scrape-kubernetes.yml").string());
    const auto& job = k["scrape_configs"][0];
    CHECK(job["kubernetes_sd_configs"][0]["role"].as<std::string>() == "pod");
    CHECK(job["relabel_configs"][0]["regex"].as<std::string>() == "fleetaudit-agent");
    CHECK(job["basic_auth"]["username"].as<std::string>() == "prometheus");
  }
}

TEST_CASE("fleet view: the newest result of every host across fleet scans and rescans with per-check counts to match", "[exporter]") {
  auto loaded = fa::ContentSet::load(FLEETAUDIT_SOURCE_DIR);
  REQUIRE(loaded.ok());
  ft::TempDir t;
  auto db = t.path() / "fleet.db";
  std::map<std::string, std::unique_ptr<ft::FixtureTree>> trees;
  for (const char* f : {"ssh-pass", "ssh-fail", "edge-fail", "docker-pass", "ssh-pass-alt"}) trees[f] = std::make_unique<ft::FixtureTree>(f);
  // One scan of several root trees, as a fleet scan stores them.
  auto scan = [&](std::vector<std::pair<std::string, std::string>> hosts) {
    fa::ScanRequest req;
    for (const auto& [name, fixture] : hosts) {
      fa::Target target;
      target.kind = fa::Target::Kind::root_dir;
      target.root = trees.at(fixture)->root();
      target.name = name;
      req.targets.push_back(std::move(target));
    }
    req.profile = "cis-debian-12";
    req.store = db;
    auto r = fa::run_scan(loaded.content, req);
    REQUIRE(r);
  };
  scan({{"a", "ssh-pass"}, {"b", "ssh-fail"}, {"c", "edge-fail"}, {"d", "docker-pass"}});  // 4 hosts
  // The view against what Store::load says of every host's newest scan.
  auto verify = [&](std::size_t hosts, int scans) {
    const Expected want = expected_from(db);
    REQUIRE(want.hosts.size() == hosts);
    for (bool host_checks : {false, true}) {
      auto store = fa::Store::open(db, fa::Store::Mode::read_only);
      REQUIRE(store);
      fleetaudit::exporter::ViewOptions options;
      options.host_checks = host_checks;
      auto view = fleetaudit::exporter::read_fleet_view(*store, options);
      REQUIRE(view);
      REQUIRE(view->hosts.size() == hosts);
      for (const auto& h : view->hosts) {
        INFO(h.summary.name);
        const auto& w = want.hosts.at(h.summary.name);
        CHECK(h.summary.summary.fail == w.summary.fail);
        CHECK(h.summary.summary.score == w.summary.score);
        CHECK(h.summary.collected_at == w.collected_at);
        CHECK(view->profile_of(h) != nullptr);
        if (host_checks) CHECK(!h.results.empty());
      }
      std::map<std::string, int> failing;
      std::map<std::string, int> fail_results;
      for (const auto& c : view->checks) {
        if (c.hosts_failing) failing[c.check_id] = c.hosts_failing;
        fail_results[c.check_id] = c.results[static_cast<int>(fa::ResultKind::fail)];
      }
      CHECK(failing == want.failing_hosts);
      std::map<std::string, int> want_fail_results;
      for (const auto& [n, h] : want.hosts)
        for (const auto& r : h.results)
          if (!r.check_id.empty()) want_fail_results[r.check_id] += r.result == fa::ResultKind::fail;
      CHECK(fail_results == want_fail_results);
      CHECK(view->scans_read == scans);
    }
  };
  scan({{"b", "ssh-pass-alt"}});  // rescan of one: the first scan counts, less b
  verify(4, 2);
  scan({{"a", "ssh-fail"}, {"c", "ssh-pass"}, {"e", "docker-pass"}});  // the first scan keeps only d: read host by host
  verify(5, 3);

  // Pruning keeps the newest scans and any older one holding a host's newest
  // result: scan 1 still has d's, scan 2 (b) too; so nothing goes with keep 1...
  {
    auto rw = fa::Store::open(db);
    REQUIRE(rw);
    auto none = rw->prune(1);
    REQUIRE(none);
    CHECK(*none == 0);
    CHECK(!rw->prune(0));
  }
  // ...until d and b are scanned again: then scans 1 and 2 hold nothing newest.
  scan({{"d", "docker-pass"}, {"b", "ssh-fail"}});
  {
    auto rw = fa::Store::open(db);
    REQUIRE(rw);
    auto pruned = rw->prune(1);
    REQUIRE(pruned);
    CHECK(*pruned == 2);
    auto left = rw->history();
    REQUIRE(left);
    std::vector<std::int64_t> ids;
    for (const auto& r : *left) ids.push_back(r.info.id);
    CHECK(ids == std::vector<std::int64_t>{4, 3});
  }
  verify(5, 2);

  // --store.max-age: every scan is a few seconds old; "now" a day later leaves them all out.
  auto store = fa::Store::open(db, fa::Store::Mode::read_only);
  fleetaudit::exporter::ViewOptions aged;
  aged.max_age = std::chrono::hours(1);
  aged.now = std::chrono::system_clock::now() + std::chrono::hours(24);
  auto old = fleetaudit::exporter::read_fleet_view(*store, aged);
  REQUIRE(old);
  CHECK(old->hosts.empty());
  CHECK(old->hosts_too_old == 5);
}

TEST_CASE("exporter: containers counted per host and images per reference, as the host profiles say", "[exporter][containers]") {
  ft::TempDir t;
  auto db = t.path() / "containers.db";
  scan_fixture("containers-mixed", "ctr-1", db, {"container-host"});
  scan_fixture("fleet-ctr-stale", "ctr-2", db, {"container-host"});
  scan_fixture("ssh-pass", "web-1", db, {"web"});
  auto store = fa::Store::open(db, fa::Store::Mode::read_only);
  REQUIRE(store);
  std::vector<fa::HostProfile> profiles;
  std::map<std::string, fa::ContainerCounts> want;
  auto history = store->history();
  REQUIRE(history);
  REQUIRE(history->size() == 3);
  for (const auto& s : *history) {
    auto hosts = store->hosts(s.info.id);
    REQUIRE(hosts);
    REQUIRE(hosts->size() == 1);
    auto h = store->load_host(s.info.id, (*hosts)[0].name);
    REQUIRE(h);
    REQUIRE(h->profile);
    want[h->host] = fa::count_containers(*h->profile);
    profiles.push_back(*h->profile);
  }
  REQUIRE(want["ctr-1"].total >= 3);  // Docker, podman and containerd containers
  REQUIRE(want["ctr-1"].by_runtime.size() == 3);
  REQUIRE(want["web-1"].total == 0);
  // Fleet lag needs the fleet: the counts of the analysed profiles (each
  // container compared with the newest package of its release anywhere).
  fa::FleetAnalysis fleet = fa::analyze_fleet(profiles);
  REQUIRE(!fleet.images.empty());
  for (const auto& p : fleet.hosts) want[p.host] = fa::count_containers(p);

  Exporter exporter(t.path(), {"--db", db.string()});
  exporter.wait_ready();
  std::string text = exporter.metrics();
  CHECK(promtool_check(text).exit_code == 0);
  Exposition e = parse_exposition(text);
  for (const auto& [host, c] : want) {
    INFO(host);
    const std::string h = "{host=\"" + host + "\"}";
    CHECK(value(e, "fleetaudit_host_containers_running" + h) == c.running);
    CHECK(value(e, "fleetaudit_host_containers_outdated" + h) == c.outdated);
    CHECK(value(e, "fleetaudit_host_containers_behind" + h) == c.behind);
    CHECK(value(e, "fleetaudit_host_containers_behind_security" + h) == c.behind_security);
    CHECK(value(e, "fleetaudit_host_containers_unreadable" + h) == c.unreadable);
    int sum = 0;
    for (const auto& [runtime, n] : c.by_runtime) {
      CHECK(value(e, "fleetaudit_host_containers{host=\"" + host + "\",runtime=\"" + runtime + "\"}") == n);
      sum += n;
    }
    CHECK(sum == c.total);
  }
  for (const auto& im : fleet.images) {
    INFO(im.reference);
    CHECK(value(e, "fleetaudit_image_ids{image=\"" + im.reference + "\"}") == static_cast<double>(im.hosts.size()));
    CHECK(value(e, "fleetaudit_image_containers_outdated{image=\"" + im.reference + "\"}") == im.outdated);
    for (const auto& [id, n] : im.containers)
      CHECK(value(e, "fleetaudit_image_containers{image=\"" + im.reference + "\",image_id=\"" + id + "\"}") == n);
  }
  CHECK(exporter.daemon->stop() == 0);
}

// make_store: writes a synthetic store of a large fleet for benchmarks of
// the faces that read stores (fleet analysis, exporter, dashboard).
//
//   fleetaudit_make_store --db FILE [--hosts N] [--checks M] [--scans K] [--seed S]
//
// Every host gets M results (a mix of pass, fail, not-applicable, manual, a
// few errors and waivers; some checks with several subjects), role tags, a
// host profile with a kernel, OS, hypervisor and runtime versions drawn
// from small realistic sets (so uniformity has drift to find), uptime,
// pending updates, stale libraries and a risk score worked out the way a
// scan works it out. With --scans K the fleet is stored K times, one day
// apart, each scan a little different (history, trends, diffs).
// Deterministic for a given seed.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "fleetaudit/fleet.hpp"
#include "fleetaudit/scan.hpp"
#include "fleetaudit/store.hpp"

namespace fa = fleetaudit;

namespace {

struct Options {
  std::string db;
  int hosts = 10000;
  int checks = 300;
  int scans = 1;
  unsigned seed = 1;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "make_store: %s\nusage: fleetaudit_make_store --db FILE [--hosts N] [--checks M] [--scans K] [--seed S]\n", why);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value after " + a).c_str());
      return argv[++i];
    };
    auto number = [&]() {
      std::string v = value();
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (!end || *end || n < 1 || n > 10'000'000) usage(("bad number for " + a + ": " + v).c_str());
      return static_cast<int>(n);
    };
    if (a == "--db") o.db = value();
    else if (a == "--hosts") o.hosts = number();
    else if (a == "--checks") o.checks = number();
    else if (a == "--scans") o.scans = number();
    else if (a == "--seed") o.seed = static_cast<unsigned>(number());
    else usage(("unknown argument " + a).c_str());
  }
  if (o.db.empty()) usage("--db is required");
  return o;
}

template <typename T>
const T& pick(std::mt19937& rng, const std::vector<T>& v, const std::vector<int>& weights) {
  std::discrete_distribution<int> d(weights.begin(), weights.end());
  return v[static_cast<std::size_t>(d(rng))];
}

struct CheckDef {
  std::string id, section, title;
  fa::Severity severity;
  double fail_rate;
  int subjects;  // 0: about the host
};

std::vector<CheckDef> make_checks(int n, std::mt19937& rng) {
  static const std::vector<std::string> areas{"ssh", "pam", "audit", "kernel", "network", "services", "permissions",
                                              "accounts", "firewall", "logging", "docker", "packages"};
  std::vector<CheckDef> out;
  std::uniform_real_distribution<double> rate(0.0, 0.35);
  for (int i = 0; i < n; ++i) {
    CheckDef c;
    const std::string& area = areas[static_cast<std::size_t>(i) % areas.size()];
    c.id = area + ".synthetic.check-" + std::to_string(i);
    c.section = std::to_string(1 + i % 7) + "." + std::to_string(1 + (i / 7) % 5) + "." + std::to_string(1 + i / 35);
    c.title = "Synthetic " + area + " setting " + std::to_string(i) + " is hardened";
    c.severity = static_cast<fa::Severity>(i % 5);
    c.fail_rate = rate(rng) * (i % 11 == 0 ? 2.5 : 1.0);
    c.subjects = area == "docker" ? 3 : 0;
    out.push_back(std::move(c));
  }
  return out;
}

fa::HostProfile make_profile(const std::string& name, const std::vector<std::string>& tags, int day, std::mt19937& rng) {
  fa::HostProfile p;
  p.host = name;
  p.tags = tags;
  bool hypervisor = tags[0] == "hypervisor";
  bool containers = tags[0] == "container-host";
  p.os_id = "debian";
  p.os_version = pick(rng, std::vector<std::string>{"12", "11"}, {95, 5});
  p.os_name = "Debian GNU/Linux " + p.os_version;
  p.kernel_release = pick(rng, std::vector<std::string>{"6.1.0-28-amd64", "6.1.0-27-amd64", "6.1.0-25-amd64", "5.10.0-32-amd64"},
                          {80, 12, 6, 2});
  p.installed_kernels = {"6.1.0-28-amd64"};
  if (p.kernel_release != "6.1.0-28-amd64") {
    p.installed_kernels.push_back(p.kernel_release);
    p.kernel_outdated = true;
  }
  std::exponential_distribution<double> up(1.0 / 40.0);
  p.uptime_days = up(rng) + day;
  p.reboot_required = p.kernel_outdated;
  p.livepatch_active = std::uniform_int_distribution<int>(0, 9)(rng) == 0;
  p.cpu_vulnerabilities = {{"spectre_v2", "Mitigation: Enhanced / Automatic IBRS"},
                           {"mds", std::uniform_int_distribution<int>(0, 19)(rng) ? "Not affected" : "Vulnerable: Clear CPU buffers attempted, no microcode"}};
  p.smt = "on";
  p.virtualization = hypervisor ? "hypervisor" : "guest";
  p.components = {{"os", "debian " + p.os_version},
                  {"kernel", p.kernel_release},
                  {"glibc", pick(rng, std::vector<std::string>{"2.36-9+deb12u9", "2.36-9+deb12u8"}, {90, 10})},
                  {"openssl", pick(rng, std::vector<std::string>{"3.0.15-1~deb12u1", "3.0.14-1~deb12u2", "3.0.13-1~deb12u1"}, {85, 10, 5})},
                  {"openssh", pick(rng, std::vector<std::string>{"1:9.2p1-2+deb12u3", "1:9.2p1-2+deb12u2"}, {90, 10})}};
  if (hypervisor) {
    p.components["qemu"] = pick(rng, std::vector<std::string>{"1:7.2+dfsg-7+deb12u7", "1:7.2+dfsg-7+deb12u6", "1:8.2.2+ds-0ubuntu1"}, {85, 12, 3});
    p.components["libvirt"] = pick(rng, std::vector<std::string>{"9.0.0-4+deb12u1", "9.0.0-4"}, {90, 10});
  }
  if (containers) {
    p.components["containerd"] = pick(rng, std::vector<std::string>{"1.6.20~ds1-1+b1", "1.7.22-1"}, {80, 20});
    p.components["runc"] = pick(rng, std::vector<std::string>{"1.1.5+ds1-1+deb12u1", "1.1.5+ds1-1"}, {90, 10});
    p.components["docker"] = pick(rng, std::vector<std::string>{"20.10.24+dfsg1-1+deb12u1", "20.10.24+dfsg1-1"}, {90, 10});
  }
  p.updates_known = true;
  int pending = std::poisson_distribution<int>(4)(rng);
  for (int i = 0; i < pending; ++i) {
    fa::PendingUpdate u;
    u.package = "libsynthetic" + std::to_string(i);
    u.installed = "1.0-1";
    u.candidate = "1.0-2";
    u.security = i % 3 == 0;
    p.pending_security += u.security;
    p.pending.push_back(std::move(u));
  }
  p.days_since_package_change = std::uniform_int_distribution<long long>(0, 60)(rng);
  if (std::uniform_int_distribution<int>(0, 9)(rng) < 2) p.stale.push_back({"812", "nginx", "", "/usr/lib/x86_64-linux-gnu/libssl.so.3 (deleted)"});
  // Risk the way the scan computes it (README, "Uptime risk").
  auto add = [&](const char* factor, int points, std::string why) {
    if (points > 0) p.risk_contributions.push_back({factor, points, std::move(why)});
  };
  if (*p.uptime_days > 30) add("uptime", std::min(20, 10 + static_cast<int>((*p.uptime_days - 30) / 30)), "up for a long time");
  if (p.kernel_outdated) add("kernel-outdated", 20, "a newer kernel is installed than the one running");
  if (p.reboot_required) add("reboot-required", 15, "the package manager asks for a reboot");
  if (!p.stale.empty()) add("stale-libraries", 5 + static_cast<int>(p.stale.size()), "processes map replaced libraries");
  if (p.pending_security) add("security-updates", std::min(15, 5 + p.pending_security), "security updates are pending");
  if ((hypervisor || containers) && p.smt == "on") add("smt-multi-tenant", 10, "SMT is on for a multi-tenant role");
  int sum = 0;
  for (const auto& c : p.risk_contributions) sum += c.points;
  p.risk = std::min(100, sum);
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  std::mt19937 rng(o.seed);
  auto started = std::chrono::steady_clock::now();
  auto store = fa::Store::open(o.db);
  if (!store) {
    std::fprintf(stderr, "make_store: %s\n", store.error().message.c_str());
    return 1;
  }
  std::vector<CheckDef> checks = make_checks(o.checks, rng);
  static const std::vector<std::string> roles{"web", "database", "hypervisor", "container-host", "edge"};
  static const std::vector<std::string> groups{"prod", "staging", "lab"};
  for (int s = 0; s < o.scans; ++s) {
    int day = 20 + s;
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "2026-10-%02dT02:00:00Z", day > 31 ? 31 : day);
    fa::ScanInfo info;
    info.started_at = stamp;
    info.finished_at = stamp;
    info.duration_seconds = 60.0;
    info.profile = "cis-debian-12";
    info.profile_title = "CIS Debian Linux 12 Benchmark (synthetic results)";
    info.profile_version = "1.1.0";
    info.level = 2;
    info.tool_version = "synthetic";
    info.checks_selected = checks.size();
    auto id = store->begin_scan(info);
    if (!id) {
      std::fprintf(stderr, "make_store: %s\n", id.error().message.c_str());
      return 1;
    }
    fa::ScanReport report;
    report.scan = info;
    std::vector<fa::CheckResult> all_summary;
    fa::Summary total;
    std::mt19937 scan_rng(o.seed * 7919u + static_cast<unsigned>(s));
    for (int h = 0; h < o.hosts; ++h) {
      std::mt19937 host_rng(o.seed * 104729u + static_cast<unsigned>(h));  // the same host is alike across scans
      fa::HostReport host;
      char name[64];
      const std::string& role = roles[static_cast<std::size_t>(h) % roles.size()];
      std::snprintf(name, sizeof name, "%s-%s-%05d", groups[static_cast<std::size_t>(h / 7) % groups.size()].c_str(), role.c_str(), h);
      host.host = name;
      host.tags = {role, groups[static_cast<std::size_t>(h / 7) % groups.size()]};
      host.collector = "ssh:audit@" + host.host + ":22";
      host.collected_at = stamp;
      std::uniform_real_distribution<double> u(0.0, 1.0);
      if (u(scan_rng) < 0.004) {
        host.state = "collection-error";
        host.state_detail = "connection refused";
      } else {
        double host_bias = 0.5 + u(host_rng);  // some hosts are worse than others
        for (std::size_t c = 0; c < checks.size(); ++c) {
          const CheckDef& d = checks[c];
          int n = d.subjects ? d.subjects : 1;
          for (int k = 0; k < n; ++k) {
            fa::CheckResult r;
            r.check_id = d.id;
            r.section = d.section;
            r.title = d.title;
            r.severity = d.severity;
            r.item = static_cast<std::uint32_t>(c);
            if (d.subjects) r.subject = "app-" + std::to_string(k) + " (" + std::to_string(100000 + k) + ")";
            double x = u(scan_rng);
            double f = d.fail_rate * host_bias;
            if (c % 17 == 5) r.result = fa::ResultKind::not_applicable;
            else if (c % 23 == 7) r.result = fa::ResultKind::manual;
            else if (x < 0.002) {
              r.result = fa::ResultKind::error;
              r.evidence = "probe timed out";
            } else if (x < f) {
              r.result = c % 41 == 3 ? fa::ResultKind::waived : fa::ResultKind::fail;
              r.evidence = "/etc/synthetic/" + std::to_string(c) + ".conf:12: value 'weak' where 'strong' is expected";
            } else {
              r.result = fa::ResultKind::pass;
            }
            host.results.push_back(std::move(r));
          }
        }
        host.profile = make_profile(host.host, host.tags, s, host_rng);
      }
      host.summary = fa::summarize(host.results);
      total.pass += host.summary.pass;
      total.fail += host.summary.fail;
      total.error += host.summary.error;
      total.not_applicable += host.summary.not_applicable;
      total.manual += host.summary.manual;
      total.waived += host.summary.waived;
      if (auto r = store->add_host(*id, static_cast<std::size_t>(h), host, nullptr); !r) {
        std::fprintf(stderr, "make_store: %s: %s\n", host.host.c_str(), r.error().message.c_str());
        return 1;
      }
      std::vector<fa::CheckResult>().swap(host.results);
      host.profile.reset();
      report.hosts.push_back(std::move(host));
    }
    report.summary = total;
    double weighted = 0;
    for (const auto& h : report.hosts) weighted += h.summary.score;
    report.summary.score = report.hosts.empty() ? 100.0 : weighted / static_cast<double>(report.hosts.size());
    if (auto r = store->finish_scan(*id, report); !r) {
      std::fprintf(stderr, "make_store: %s\n", r.error().message.c_str());
      return 1;
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "make_store: %s: %d scan(s) of %d hosts x %d checks written in %.1f s\n", o.db.c_str(), o.scans, o.hosts,
               o.checks, secs);
  return 0;
}

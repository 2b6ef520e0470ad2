// fleetaudit-exporter under load: a synthetic store (fleetaudit_make_store,
// 10,000 hosts x 300 checks by default) served by the real exporter binary.
//
//   fleetaudit_exporter_bench [--hosts N] [--checks M] [--requests R] [--wrk-seconds S] [--connections C] [--dir DIR]
//
// Measures, over loopback:
//  * the time to the first exposition (store read, rendering, compression);
//  * /metrics latency, R sequential requests, plain and gzip (what Prometheus
//    asks for): p50, p99, max, bytes;
//  * exporter RSS after warm-up (VmRSS) and its peak (VmHWM);
//  * wrk for S seconds at C connections: requests, errors (socket errors and
//    non-2xx), and RSS sampled every second during the run (growth = last - first).

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "exporter/daemon.hpp"

namespace fs = std::filesystem;
namespace ft = fleetaudit::testing;
using namespace std::chrono_literals;

namespace {

struct Options {
  int hosts = 10000, checks = 300, requests = 200, wrk_seconds = 30, connections = 32;
  fs::path dir = fs::temp_directory_path() / "fleetaudit-exporter-bench";
};

long status_kb(int pid, const char* field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with(field)) return std::atol(line.c_str() + std::strlen(field) + 1);
  return -1;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  std::size_t i = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size()))) - 1;
  return v[std::min(i, v.size() - 1)];
}

std::string run_capture(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

void latency(int port, int requests, bool gzip) {
  std::vector<double> ms;
  std::size_t bytes = 0;
  for (int i = 0; i < requests; ++i) {
    auto r = ft::http_get(port, "/metrics", gzip ? std::vector<std::string>{"Accept-Encoding: gzip"} : std::vector<std::string>{},
                          std::chrono::seconds(20), false);
    if (r.status != 200) {
      std::fprintf(stderr, "request %d: status %d\n", i, r.status);
      std::exit(1);
    }
    ms.push_back(r.seconds * 1000);
    bytes = r.body_bytes;
  }
  std::printf("  %-5s %d requests: p50 %.1f ms, p99 %.1f ms, max %.1f ms, %.1f MB per response\n", gzip ? "gzip" : "plain",
              requests, percentile(ms, 50), percentile(ms, 99), *std::max_element(ms.begin(), ms.end()), bytes / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--hosts") o.hosts = std::stoi(v);
    else if (a == "--checks") o.checks = std::stoi(v);
    else if (a == "--requests") o.requests = std::stoi(v);
    else if (a == "--wrk-seconds") o.wrk_seconds = std::stoi(v);
    else if (a == "--connections") o.connections = std::stoi(v);
    else if (a == "--dir") o.dir = v;
    else {
      std::fprintf(stderr, "usage: fleetaudit_exporter_bench [--hosts N] [--checks M] [--requests R] [--wrk-seconds S] [--connections C] [--dir DIR]\n");
      return 2;
    }
  }
  fs::create_directories(o.dir);
  fs::path db = o.dir / ("store-" + std::to_string(o.hosts) + "x" + std::to_string(o.checks) + ".db");
  std::error_code ec;
  auto gen_time = fs::last_write_time(FLEETAUDIT_MAKE_STORE, ec);
  if (!fs::exists(db) || ec || fs::last_write_time(db) < gen_time) {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix, ec);
    std::string cmd = std::string("'") + FLEETAUDIT_MAKE_STORE + "' --db '" + db.string() + "' --hosts " + std::to_string(o.hosts) +
                      " --checks " + std::to_string(o.checks);
    std::printf("writing %s\n", db.c_str());
    if (std::system(cmd.c_str()) != 0) return 1;
  }
  std::printf("store: %d hosts x %d checks, %.0f MB\n", o.hosts, o.checks, fs::file_size(db) / 1e6);

  int port = ft::free_port();
  auto t0 = std::chrono::steady_clock::now();
  ft::Daemon exporter({FLEETAUDIT_EXPORTER, "--db", db.string(), "--web.listen-address", "127.0.0.1:" + std::to_string(port)},
                      o.dir / "exporter.log");
  if (!ft::wait_for_http(port, "/-/ready", 200, 600s)) {
    std::fprintf(stderr, "exporter not ready:\n%s\n", exporter.log_text().c_str());
    return 1;
  }
  std::printf("first exposition served after %.2f s (start, store read, render, gzip)\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  {
    auto r = ft::http_get(port, "/metrics");
    std::istringstream in(r.body);
    std::string line;
    long series = 0;
    while (std::getline(in, line)) series += !line.empty() && line[0] != '#';
    std::smatch m;
    static const std::regex refresh(R"(\nfleetaudit_exporter_refresh_duration_seconds (\S+))");
    std::string body = r.body;
    if (std::regex_search(body, m, refresh)) std::printf("rebuild (store read + render + gzip): %.2f s\n", std::stod(m[1]));
    std::printf("exposition: %ld series, %.1f MB\n", series, r.body.size() / 1e6);
  }
  std::printf("/metrics latency, sequential, one client:\n");
  latency(port, 10, false);  // warm-up
  latency(port, o.requests, false);
  latency(port, o.requests, true);
  std::printf("exporter RSS after warm-up: %.1f MB (peak %.1f MB)\n", status_kb(exporter.pid(), "VmRSS:") / 1024.0,
              status_kb(exporter.pid(), "VmHWM:") / 1024.0);

  for (bool gzip : {false, true}) {
    std::atomic<bool> done{false};
    std::vector<long> rss;
    std::thread sampler([&] {
      while (!done) {
        rss.push_back(status_kb(exporter.pid(), "VmRSS:"));
        std::this_thread::sleep_for(1s);
      }
    });
    std::string cmd = "wrk -t2 -c" + std::to_string(o.connections) + " -d" + std::to_string(o.wrk_seconds) + "s --latency " +
                      (gzip ? "-H 'Accept-Encoding: gzip' " : "") + "http://127.0.0.1:" + std::to_string(port) + "/metrics 2>&1";
    std::string out = run_capture(cmd);
    done = true;
    sampler.join();
    std::printf("\n$ %s\n%s", cmd.c_str(), out.c_str());
    long errors = 0;
    std::smatch m;
    static const std::regex socket_errors(R"(Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+))");
    static const std::regex non2xx(R"(Non-2xx or 3xx responses: (\d+))");
    if (std::regex_search(out, m, socket_errors)) errors += std::stol(m[1]) + std::stol(m[2]) + std::stol(m[3]) + std::stol(m[4]);
    if (std::regex_search(out, m, non2xx)) errors += std::stol(m[1]);
    auto [lo, hi] = std::minmax_element(rss.begin(), rss.end());
    std::printf("wrk %s: errors %ld; RSS first %.1f MB, last %.1f MB, min %.1f MB, max %.1f MB, growth %+.1f MB\n",
                gzip ? "gzip" : "plain", errors, rss.front() / 1024.0, rss.back() / 1024.0, *lo / 1024.0, *hi / 1024.0,
                (rss.back() - rss.front()) / 1024.0);
  }
  std::printf("exporter peak RSS (VmHWM) over the whole run: %.1f MB\n", status_kb(exporter.pid(), "VmHWM:") / 1024.0);
  int rc = exporter.stop();
  std::printf("exporter exit status after SIGTERM: %d\n", rc);
  return 0;
}

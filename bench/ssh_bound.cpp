// The bare-SSH bound of a fleet scan: the same connections a scan makes
// (connect, verify the host key, authenticate, exec) running only `true`.
//
//   fleetaudit_ssh_bound INVENTORY KNOWN_HOSTS PARALLEL [COMMAND [STDIN-FILE]]
//
// COMMAND (default `true`) and the file fed to it let one time a part of a
// scan's work over the same connections.
// Prints hosts, seconds and hosts per second, and fails if any host failed.

#include <fleetaudit/inventory.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "collect/ssh/transport.hpp"

int main(int argc, char** argv) {
  if (argc < 4 || argc > 6) {
    std::fprintf(stderr, "usage: fleetaudit_ssh_bound INVENTORY KNOWN_HOSTS PARALLEL [COMMAND [STDIN-FILE]]\n");
    return 2;
  }
  std::string command = argc >= 5 ? argv[4] : "true", input;
  if (argc == 6) {
    std::ifstream in(argv[5], std::ios::binary);
    input.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  fleetaudit::InventoryOptions io;
  io.ssh_config.clear();
  auto inv = fleetaudit::load_inventory(argv[1], io);
  if (!inv.ok()) {
    std::fprintf(stderr, "%s\n", inv.diagnostics.front().str().c_str());
    return 2;
  }
  const auto& hosts = inv.inventory.hosts;
  fleetaudit::remote::SshSettings settings;
  settings.known_hosts = argv[2];
  settings.use_ssh_agent = false;
  unsigned parallel = static_cast<unsigned>(std::atoi(argv[3]));
  std::atomic<std::size_t> next{0}, failed{0};
  auto start = std::chrono::steady_clock::now();
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < parallel; ++t) {
      pool.emplace_back([&] {
        for (std::size_t i; (i = next.fetch_add(1)) < hosts.size();) {
          const auto& h = hosts[i];
          fleetaudit::remote::Endpoint e{h.address, h.port, h.user, h.identity_files};
          auto run = fleetaudit::remote::run_over_ssh(e, nullptr, settings, command, input);
          if (run.state != "ok" || run.exit_status != 0) {
            ++failed;
            std::fprintf(stderr, "%s: %s %s\n", h.name.c_str(), run.state.c_str(), run.detail.c_str());
          }
        }
      });
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("hosts=%zu seconds=%.3f hosts_per_second=%.1f failed=%zu\n", hosts.size(), secs,
              static_cast<double>(hosts.size()) / secs, failed.load());
  return failed ? 1 : 0;
}

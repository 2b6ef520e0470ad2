// Embeds fleetaudit: loads content, evaluates a snapshot built in memory.
#include <fleetaudit/fleetaudit.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) return 1;
  auto loaded = fleetaudit::ContentSet::load(argv[1]);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.diagnostics.front().str().c_str());
    return 1;
  }
  fleetaudit::Snapshot snap;
  snap.host = "embedded";
  snap.collected_at = "2026-01-01T00:00:00Z";
  fleetaudit::HostReport report = fleetaudit::evaluate(snap, loaded.content.select_all());
  std::printf("fleetaudit %s: %zu checks, %zu results\n", fleetaudit::version(), loaded.content.checks().size(),
              report.results.size());
  return report.results.size() == loaded.content.checks().size() ? 0 : 1;
}

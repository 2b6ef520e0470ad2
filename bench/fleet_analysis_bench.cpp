// Fleet analytics on a large stored fleet: reading every host profile of a
// scan from the store, the uniformity and patch analysis, and the fleet
// rules; the whole `fleetaudit fleet` path without printing.
//
// The store comes from fleetaudit_make_store (10,000 hosts by default, set
// FLEETAUDIT_BENCH_HOSTS); it is written once into the temp directory and
// reused while the generator and the host count are the same.

#include <benchmark/benchmark.h>

#include <fleetaudit/fleetaudit.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace fa = fleetaudit;
namespace fs = std::filesystem;

namespace {

int host_count() {
  const char* n = std::getenv("FLEETAUDIT_BENCH_HOSTS");
  return n && *n ? std::atoi(n) : 10000;
}

const fs::path& store_path() {
  static fs::path p = [] {
    fs::path path = fs::temp_directory_path() / ("fleetaudit-bench-" + std::to_string(host_count()) + "-hosts.db");
    std::error_code ec;
    auto gen_time = fs::last_write_time(FLEETAUDIT_MAKE_STORE, ec);
    if (!fs::exists(path) || ec || fs::last_write_time(path) < gen_time) {
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix, ec);
      std::string cmd = std::string("'") + FLEETAUDIT_MAKE_STORE + "' --db '" + path.string() + "' --hosts " +
                        std::to_string(host_count()) + " --checks 300";
      if (std::system(cmd.c_str()) != 0) {
        std::fprintf(stderr, "cannot write the bench store with: %s\n", cmd.c_str());
        std::exit(1);
      }
    }
    return path;
  }();
  return p;
}

const fa::ContentSet& content() {
  static fa::ContentSet c = [] {
    auto r = fa::ContentSet::load(FLEETAUDIT_SOURCE_DIR);
    if (!r.ok()) std::exit(1);
    return std::move(r.content);
  }();
  return c;
}

std::int64_t latest(const fa::Store& s) {
  auto l = s.latest_scan();
  if (!l || !l->has_value()) std::exit(1);
  return (*l)->info.id;
}

// Reading the profiles (SQLite and JSON) only.
void BM_ReadProfiles(benchmark::State& state) {
  auto store = fa::Store::open(store_path(), fa::Store::Mode::read_only);
  if (!store) std::exit(1);
  std::int64_t id = latest(*store);
  for (auto _ : state) {
    auto p = store->profiles(id);
    benchmark::DoNotOptimize(p);
  }
  state.counters["hosts"] = host_count();
}
BENCHMARK(BM_ReadProfiles)->Unit(benchmark::kMillisecond);

// The analysis and the fleet rules on profiles already in memory.
void BM_AnalyzeFleet(benchmark::State& state) {
  auto store = fa::Store::open(store_path(), fa::Store::Mode::read_only);
  if (!store) std::exit(1);
  auto profiles = store->profiles(latest(*store));
  if (!profiles) std::exit(1);
  fa::Selection sel = content().select_all();
  for (auto _ : state) {
    fa::FleetAnalysis a = fa::analyze_fleet(*profiles);
    auto rules = fa::evaluate_fleet_rules(a, sel);
    benchmark::DoNotOptimize(rules);
  }
  state.counters["hosts"] = host_count();
}
BENCHMARK(BM_AnalyzeFleet)->Unit(benchmark::kMillisecond);

// End to end: open the store, read, analyze, evaluate the fleet rules.
void BM_FleetFromStore(benchmark::State& state) {
  fa::Selection sel = content().select_all();
  for (auto _ : state) {
    auto store = fa::Store::open(store_path(), fa::Store::Mode::read_only);
    if (!store) std::exit(1);
    auto profiles = store->profiles(latest(*store));
    if (!profiles) std::exit(1);
    fa::FleetAnalysis a = fa::analyze_fleet(std::move(*profiles));
    auto rules = fa::evaluate_fleet_rules(a, sel);
    benchmark::DoNotOptimize(rules);
  }
  state.counters["hosts"] = host_count();
}
BENCHMARK(BM_FleetFromStore)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

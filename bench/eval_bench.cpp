// Evaluation throughput from a loaded snapshot, plus the other stages of a
// scan for context. Run: build/bench/fleetaudit_bench (pin with taskset -c 0).

#include <benchmark/benchmark.h>

#include <fleetaudit/fleetaudit.hpp>

#include <cstdlib>

namespace fa = fleetaudit;

namespace {

const fa::ContentSet& content() {
  static fa::ContentSet c = [] {
    const char* dir = std::getenv("FLEETAUDIT_CONTENT");
    auto r = fa::ContentSet::load(dir && *dir ? dir : FLEETAUDIT_SOURCE_DIR);
    if (!r.ok()) {
      std::fprintf(stderr, "content: %s\n", r.diagnostics.front().str().c_str());
      std::exit(1);
    }
    return std::move(r.content);
  }();
  return c;
}

// This machine, collected once for every check: the "loaded snapshot".
const fa::Snapshot& snapshot() {
  static fa::Snapshot s = [] {
    fa::CollectOptions opt;
    return fa::collect(content().select_all().plan(), opt);
  }();
  return s;
}

// Warm: facts already parsed (the snapshot as loaded once); every check evaluated.
void BM_EvaluateChecks(benchmark::State& state) {
  const auto& checks = content().checks();
  fa::HostFacts facts(snapshot());
  for (const auto& c : checks) benchmark::DoNotOptimize(fa::evaluate_check(facts, c));  // parse once
  for (auto _ : state) {
    for (const auto& c : checks) {
      fa::CheckResult r = fa::evaluate_check(facts, c);
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * checks.size()));
  state.counters["checks"] = static_cast<double>(checks.size());
}
BENCHMARK(BM_EvaluateChecks)->Unit(benchmark::kMicrosecond);

// Cold: a fresh HostFacts per host, so every parse (dpkg status, sshd, PAM ...) is paid.
void BM_EvaluateHostCold(benchmark::State& state) {
  fa::Selection sel = content().select_all();
  for (auto _ : state) {
    fa::HostReport r = fa::evaluate(snapshot(), sel);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * sel.items.size()));
}
BENCHMARK(BM_EvaluateHostCold)->Unit(benchmark::kMicrosecond);

void BM_CollectLocal(benchmark::State& state) {
  fa::Plan plan = content().select_all().plan();
  for (auto _ : state) {
    fa::CollectOptions opt;
    fa::Snapshot s = fa::collect(plan, opt);
    benchmark::DoNotOptimize(s);
  }
  state.counters["paths"] = static_cast<double>(snapshot().files.size());
}
BENCHMARK(BM_CollectLocal)->Unit(benchmark::kMillisecond);

void BM_LoadContent(benchmark::State& state) {
  for (auto _ : state) {
    auto r = fa::ContentSet::load(FLEETAUDIT_SOURCE_DIR);
    benchmark::DoNotOptimize(r);
  }
  state.counters["checks"] = static_cast<double>(content().checks().size());
}
BENCHMARK(BM_LoadContent)->Unit(benchmark::kMillisecond);

void BM_SnapshotJsonRoundTrip(benchmark::State& state) {
  for (auto _ : state) {
    auto back = fa::snapshot_from_json(fa::to_json(snapshot()));
    benchmark::DoNotOptimize(back);
  }
}
BENCHMARK(BM_SnapshotJsonRoundTrip)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

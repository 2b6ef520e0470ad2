// The SQLite store: schema and migrations, one transaction per scan, history.

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <thread>

#include "support/content_helpers.hpp"

using namespace fleetaudit;
namespace ft = fleetaudit::testing;

namespace {

ScanReport sample_report(const std::string& host, int results, const std::string& first_check = "a.b.c") {
  ScanReport r;
  r.scan.started_at = "2026-11-21T10:00:00Z";
  r.scan.finished_at = "2026-11-21T10:00:01Z";
  r.scan.duration_seconds = 1.25;
  r.scan.profile = "cis-debian-12";
  r.scan.profile_title = "CIS";
  r.scan.profile_version = "1.1.0";
  r.scan.level = 2;
  r.scan.tool_version = "0.1.0";
  r.scan.checks_selected = static_cast<std::size_t>(results);
  HostReport h;
  h.host = host;
  for (int i = 0; i < results; ++i) {
    CheckResult c;
    c.check_id = i == 0 ? first_check : "a.b.c" + std::to_string(i);
    c.section = "1." + std::to_string(i);
    c.title = "T" + std::to_string(i);
    c.severity = i % 2 ? Severity::high : Severity::low;
    c.result = i % 3 ? ResultKind::pass : ResultKind::fail;
    c.evidence = "/etc/x:" + std::to_string(i) + ": seen";
    h.results.push_back(c);
  }
  h.summary = summarize(h.results);
  r.hosts.push_back(h);
  ft::SnapshotBuilder sb;
  sb.file("/etc/os-release", "ID=debian\n");
  r.snapshots.push_back(sb.snap);
  r.summary = h.summary;
  return r;
}

int count(const std::filesystem::path& db, const char* table) {
  sqlite3* h = nullptr;
  sqlite3_open(db.c_str(), &h);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, (std::string("SELECT count(*) FROM ") + table).c_str(), -1, &st, nullptr);
  sqlite3_step(st);
  int n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

void exec(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  sqlite3_open(db.c_str(), &h);
  char* err = nullptr;
  sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
  sqlite3_free(err);
  sqlite3_close(h);
}

}  // namespace

TEST_CASE("store: creates, migrates and round-trips a scan", "[store]") {
  ft::TempDir t;
  auto path = t.path() / "sub" / "fa.db";
  auto st = Store::open(path);
  REQUIRE(st);
  CHECK(st->schema_version() == Store::current_schema_version());
  auto id = st->save(sample_report("web-1", 5));
  REQUIRE(id);
  CHECK(*id == 1);
  auto back = st->load(*id, true);
  REQUIRE(back);
  REQUIRE(back->hosts.size() == 1);
  const HostReport& h = back->hosts[0];
  CHECK(h.host == "web-1");
  REQUIRE(h.results.size() == 5);
  CHECK(h.results[3].check_id == "a.b.c3");
  CHECK(h.results[3].severity == Severity::high);
  CHECK(h.results[3].result == ResultKind::fail);
  CHECK(h.results[3].evidence == "/etc/x:3: seen");
  CHECK(h.summary.fail == 2);
  CHECK(back->snapshots.at(0).file("/etc/os-release")->content == "ID=debian\n");
  CHECK(back->scan.profile_version == "1.1.0");
  CHECK(back->scan.duration_seconds == Approx(1.25));
  auto hist = st->history();
  REQUIRE(hist);
  REQUIRE(hist->size() == 1);
  CHECK((*hist)[0].hosts == 1);
  CHECK((*hist)[0].summary.fail == 2);
  // WAL mode is on
  sqlite3* raw = nullptr;
  sqlite3_open(path.c_str(), &raw);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &q, nullptr);
  sqlite3_step(q);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(q, 0))) == "wal");
  sqlite3_finalize(q);
  sqlite3_close(raw);
}

TEST_CASE("store: a failed save leaves nothing behind", "[store]") {
  ft::TempDir t;
  auto path = t.path() / "fa.db";
  {
    auto st = Store::open(path);
    REQUIRE(st);
    REQUIRE(st->save(sample_report("ok-host", 3)));
  }
  // Make the results insert fail halfway through the second scan.
  exec(path, "CREATE TRIGGER boom BEFORE INSERT ON results WHEN NEW.idx = 2 AND "
             "(SELECT name FROM hosts WHERE id = NEW.host_id) = 'bad-host' BEGIN SELECT RAISE(ABORT, 'boom'); END;");
  auto st = Store::open(path);
  REQUIRE(st);
  auto id = st->save(sample_report("bad-host", 4, "explode"));
  REQUIRE_FALSE(id);
  CHECK(id.error().message.find("cannot save results of bad-host") != std::string::npos);
  CHECK(count(path, "scans") == 1);
  CHECK(count(path, "hosts") == 1);
  CHECK(count(path, "results") == 3);
  CHECK(count(path, "snapshots") == 1);
  // and the store still works afterwards
  REQUIRE(st->save(sample_report("ok-host-2", 2)));
  CHECK(count(path, "scans") == 2);
}

TEST_CASE("store: refuses a newer schema and explains an old one when read-only", "[store]") {
  ft::TempDir t;
  auto path = t.path() / "fa.db";
  { REQUIRE(Store::open(path)); }
  exec(path, "PRAGMA user_version = 99");
  auto st = Store::open(path);
  REQUIRE_FALSE(st);
  CHECK(st.error().message.find("schema v99 is newer than this fleetaudit understands") != std::string::npos);
  auto fresh = t.path() / "empty.db";
  exec(fresh, "CREATE TABLE x(a)");
  auto ro = Store::open(fresh, Store::Mode::read_only);
  REQUIRE_FALSE(ro);
  CHECK(ro.error().message.find("open it read-write once to migrate") != std::string::npos);
  auto bad = Store::open(t.path() / "no" / "such" / "dir.db", Store::Mode::read_only);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("cannot open store") != std::string::npos);
}

TEST_CASE("store: concurrent writers from several threads all land", "[store]") {
  ft::TempDir t;
  auto path = t.path() / "fa.db";
  { REQUIRE(Store::open(path)); }
  std::vector<std::jthread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto st = Store::open(path);
      if (!st) return;
      for (int k = 0; k < 5; ++k) ok += st->save(sample_report("h" + std::to_string(i), 10)).has_value();
    });
  }
  threads.clear();
  CHECK(ok == 20);
  CHECK(count(path, "scans") == 20);
  CHECK(count(path, "results") == 200);
}

TEST_CASE("default store path follows XDG_DATA_HOME", "[store]") {
  const char* old = std::getenv("XDG_DATA_HOME");
  std::string saved = old ? old : "";
  ::setenv("XDG_DATA_HOME", "/tmp/xdg-test", 1);
  CHECK(default_store_path() == "/tmp/xdg-test/fleetaudit/fleetaudit.db");
  ::unsetenv("XDG_DATA_HOME");
  ::setenv("HOME", "/home/someone", 1);
  CHECK(default_store_path() == "/home/someone/.local/share/fleetaudit/fleetaudit.db");
  if (old) ::setenv("XDG_DATA_HOME", saved.c_str(), 1);
}

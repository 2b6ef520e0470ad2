// The SQLite store: schema and migrations, one transaction per scan, history.

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <map>
#include <random>
#include <set>
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

TEST_CASE("store: a version 1 store migrates to results per subject, its rows kept", "[store][migrate]") {
  ft::TempDir t;
  auto path = t.path() / "v1.db";
  // The version 1 tables as released, with one scan in them.
  exec(path, R"sql(
CREATE TABLE scans(id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT NOT NULL, duration_s REAL NOT NULL,
  profile TEXT NOT NULL, profile_title TEXT NOT NULL, profile_version TEXT NOT NULL, level INTEGER NOT NULL,
  tool_version TEXT NOT NULL, checks_selected INTEGER NOT NULL, hosts INTEGER NOT NULL, hosts_failed INTEGER NOT NULL,
  pass INTEGER NOT NULL, fail INTEGER NOT NULL, error INTEGER NOT NULL, not_applicable INTEGER NOT NULL, manual INTEGER NOT NULL,
  score REAL NOT NULL, status TEXT NOT NULL);
CREATE TABLE hosts(id INTEGER PRIMARY KEY, scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL, state_detail TEXT NOT NULL, collector TEXT NOT NULL,
  collected_at TEXT NOT NULL, pass INTEGER NOT NULL, fail INTEGER NOT NULL, error INTEGER NOT NULL,
  not_applicable INTEGER NOT NULL, manual INTEGER NOT NULL, fail_info INTEGER NOT NULL, fail_low INTEGER NOT NULL,
  fail_medium INTEGER NOT NULL, fail_high INTEGER NOT NULL, fail_critical INTEGER NOT NULL, score REAL NOT NULL);
CREATE INDEX hosts_by_scan ON hosts(scan_id, position);
CREATE INDEX hosts_by_name ON hosts(name, scan_id);
CREATE TABLE snapshots(host_id INTEGER PRIMARY KEY REFERENCES hosts(id) ON DELETE CASCADE, format INTEGER NOT NULL,
  encoding TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE scan_checks(scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
  check_id TEXT NOT NULL, section TEXT NOT NULL, title TEXT NOT NULL, severity INTEGER NOT NULL,
  PRIMARY KEY(scan_id, idx)) WITHOUT ROWID;
CREATE TABLE results(host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
  result INTEGER NOT NULL, evidence TEXT NOT NULL, PRIMARY KEY(host_id, idx)) WITHOUT ROWID;
CREATE VIEW result_rows AS SELECT h.scan_id, h.name AS host, c.check_id, r.evidence
  FROM results r JOIN hosts h ON h.id = r.host_id JOIN scan_checks c ON c.scan_id = h.scan_id AND c.idx = r.idx;
INSERT INTO scans VALUES(1,'2026-11-01T00:00:00Z','2026-11-01T00:00:01Z',1,'cis-debian-12','CIS','1.1.0',1,'0.1.0',2,1,0,1,1,0,0,0,50,'complete');
INSERT INTO hosts VALUES(1,1,0,'old-host','ok','','local','2026-11-01T00:00:00Z',1,1,0,0,0,0,0,1,0,0,50);
INSERT INTO scan_checks VALUES(1,0,'a.b.c','1.1','T0',1),(1,1,'a.b.d','1.2','T1',2);
INSERT INTO results VALUES(1,0,0,'seen ok'),(1,1,1,'seen bad');
PRAGMA user_version = 1;
)sql");
  auto st = Store::open(path);
  REQUIRE(st);
  CHECK(st->schema_version() == Store::current_schema_version());
  auto back = st->load(1, false);
  REQUIRE(back);
  REQUIRE(back->hosts.size() == 1);
  REQUIRE(back->hosts[0].results.size() == 2);
  CHECK(back->hosts[0].results[1].check_id == "a.b.d");
  CHECK(back->hosts[0].results[1].result == ResultKind::fail);
  CHECK(back->hosts[0].results[1].subject.empty());
  CHECK(count(path, "result_rows") == 2);
  // and new scans with subjects land next to it
  ScanReport r = sample_report("new-host", 2);
  CheckResult extra = r.hosts[0].results[1];
  r.hosts[0].results[1].subject = "web (3f2a9c4b1d0e)";
  extra.subject = "db (77aa00bb11cc)";
  extra.result = ResultKind::waived;
  r.hosts[0].results.push_back(extra);
  r.hosts[0].tags = {"container-host", "edge"};
  r.hosts[0].summary = summarize(r.hosts[0].results);
  r.summary = r.hosts[0].summary;
  auto id = st->save(r);
  REQUIRE(id);
  auto again = st->load(*id, false);
  REQUIRE(again);
  const auto& res = again->hosts[0].results;
  REQUIRE(res.size() == 3);
  CHECK(res[1].check_id == res[2].check_id);
  CHECK(res[1].subject == "db (77aa00bb11cc)");
  CHECK(res[1].result == ResultKind::waived);
  CHECK(res[2].subject == "web (3f2a9c4b1d0e)");
  CHECK(again->hosts[0].summary.waived == 1);
  CHECK(again->hosts[0].tags == std::vector<std::string>{"container-host", "edge"});
  auto hist = st->history();
  REQUIRE(hist);
  CHECK((*hist)[0].summary.waived == 1);
}

TEST_CASE("store: summary queries agree with the full scan they summarize", "[store][queries]") {
  ft::TempDir t;
  auto st = Store::open(t.path() / "fa.db");
  REQUIRE(st);
  auto none = st->latest_scan();
  REQUIRE(none);
  CHECK(!none->has_value());

  // Three hosts, results per subject on one of them, a waiver, a profile.
  ScanReport r = sample_report("web-1", 6);
  ScanReport b = sample_report("web-2", 6);
  r.hosts.push_back(b.hosts[0]);
  r.snapshots.push_back(b.snapshots[0]);
  HostReport db = sample_report("db-1", 6).hosts[0];
  db.tags = {"database", "edge"};
  for (auto& c : db.results) c.result = ResultKind::fail;  // fails everything
  db.results[1].result = ResultKind::waived;
  CheckResult extra = db.results[2];  // a second subject of check 2
  extra.subject = "web (0123abcd)";
  extra.result = ResultKind::pass;
  db.results.insert(db.results.begin() + 3, extra);
  db.summary = summarize(db.results);
  HostProfile prof;
  prof.host = "db-1";
  prof.risk = 42;
  db.profile = prof;
  r.hosts.push_back(db);
  r.snapshots.push_back(b.snapshots[0]);
  std::vector<CheckResult> all;
  for (const auto& h : r.hosts) all.insert(all.end(), h.results.begin(), h.results.end());
  r.summary = summarize(all);
  auto id = st->save(r);
  REQUIRE(id);
  auto full = st->load(*id);
  REQUIRE(full);

  auto latest = st->latest_scan();
  REQUIRE(latest);
  REQUIRE(latest->has_value());
  CHECK((*latest)->info.id == *id);

  auto hosts = st->hosts(*id);
  REQUIRE(hosts);
  REQUIRE(hosts->size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    INFO(full->hosts[i].host);
    CHECK((*hosts)[i].name == full->hosts[i].host);
    CHECK((*hosts)[i].summary.fail == full->hosts[i].summary.fail);
    CHECK((*hosts)[i].summary.waived == full->hosts[i].summary.waived);
    CHECK((*hosts)[i].summary.score == Approx(full->hosts[i].summary.score));
    CHECK((*hosts)[i].scan_id == *id);
  }
  CHECK((*hosts)[2].tags == std::vector<std::string>{"database", "edge"});
  CHECK((*hosts)[2].risk == 42);
  CHECK(!(*hosts)[0].risk.has_value());

  auto checks = st->checks(*id);
  REQUIRE(checks);
  REQUIRE(checks->size() == 6);
  // Every count equals what the full results say.
  for (const auto& c : *checks) {
    INFO(c.check_id);
    int pass = 0, failn = 0, waived = 0;
    std::set<std::string> failing;
    for (const auto& h : full->hosts)
      for (const auto& res : h.results) {
        if (res.check_id != c.check_id) continue;
        pass += res.result == ResultKind::pass;
        waived += res.result == ResultKind::waived;
        if (res.result == ResultKind::fail) {
          ++failn;
          failing.insert(h.host);
        }
      }
    CHECK(c.pass == pass);
    CHECK(c.fail == failn);
    CHECK(c.waived == waived);
    CHECK(c.hosts_failing == static_cast<int>(failing.size()));
    auto names = st->failing_hosts(*id, c.check_id);
    REQUIRE(names);
    CHECK(std::set<std::string>(names->begin(), names->end()) == failing);
  }
  CHECK((*checks)[0].check_id == "a.b.c");
  CHECK((*checks)[0].hosts_failing == 3);  // check 0 fails on all three
  CHECK((*checks)[1].hosts_failing == 0);  // passes on web, waived on db
  CHECK((*checks)[2].pass == 3);           // two hosts and the extra subject

  auto cells = st->section_matrix(*id);
  REQUIRE(cells);
  // One section group ("1") per host.
  REQUIRE(cells->size() == 3);
  CHECK((*cells)[0].fail == full->hosts[0].summary.fail);
  CHECK((*cells)[0].counted == full->hosts[0].summary.pass + full->hosts[0].summary.fail);
  CHECK((*cells)[2].fail == 5);
  CHECK((*cells)[2].counted == 6);  // 5 failures and the extra subject's pass; the waiver is not counted
  auto fine = st->section_matrix(*id, 2);
  REQUIRE(fine);
  CHECK(fine->size() == 18);

  auto one = st->load_host(*id, "db-1");
  REQUIRE(one);
  CHECK(one->results.size() == 7);
  CHECK(one->results[3].subject == "web (0123abcd)");
  REQUIRE(one->profile.has_value());
  CHECK(one->profile->risk == 42);
  auto missing = st->load_host(*id, "nope");
  REQUIRE(!missing);
  CHECK(missing.error().message.find("no host 'nope' in scan") != std::string::npos);

  // A second scan: history of a host, newest first.
  ScanReport again = sample_report("db-1", 6);
  auto id2 = st->save(again);
  REQUIRE(id2);
  auto trend = st->host_history("db-1");
  REQUIRE(trend);
  REQUIRE(trend->size() == 2);
  CHECK((*trend)[0].scan_id == *id2);
  CHECK((*trend)[1].scan_id == *id);
  CHECK((*trend)[1].risk == 42);
  CHECK((*trend)[0].fail == 2);
  CHECK((*trend)[1].fail == 5);
  auto bad = st->scan(999);
  REQUIRE(!bad);
}

TEST_CASE("store: per-check and per-section counts agree with the stored results on a random fleet", "[store][queries]") {
  ft::TempDir t;
  auto st = Store::open(t.path() / "fa.db");
  REQUIRE(st);
  std::mt19937 rng(7);
  ScanReport r = sample_report("h0", 0);
  r.hosts.clear();
  r.snapshots.clear();
  const char* sections[] = {"1.1.1", "1.2", "2.1", "3", "5.1.20", "5.2.1", "10.1"};
  const int checks = 14;
  r.scan.checks_selected = checks;
  for (int h = 0; h < 25; ++h) {
    HostReport host;
    host.host = "host-" + std::to_string(h);
    for (int c = 0; c < checks; ++c) {
      // Some checks have several subjects; a host may fail one subject and pass another.
      int subjects = c % 5 == 0 ? 1 + static_cast<int>(rng() % 3) : 1;
      for (int s = 0; s < subjects; ++s) {
        CheckResult res;
        res.check_id = "c" + std::to_string(c);
        res.section = sections[c % 7];
        res.title = "check " + std::to_string(c);
        res.item = static_cast<std::uint32_t>(c);
        res.subject = subjects > 1 ? "s" + std::to_string(s) : "";
        res.result = static_cast<ResultKind>(rng() % 6);
        host.results.push_back(res);
      }
    }
    host.summary = summarize(host.results);
    r.hosts.push_back(host);
    r.snapshots.push_back(ft::SnapshotBuilder().snap);
  }
  auto id = st->save(r);
  REQUIRE(id);
  auto full = st->load(*id);
  REQUIRE(full);
  auto counted = st->checks(*id);
  REQUIRE(counted);
  REQUIRE(counted->size() == static_cast<std::size_t>(checks));
  for (const auto& c : *counted) {
    INFO(c.check_id);
    int n[6] = {0, 0, 0, 0, 0, 0};
    std::set<std::string> failing;
    for (const auto& h : full->hosts)
      for (const auto& res : h.results)
        if (res.check_id == c.check_id) {
          ++n[static_cast<int>(res.result)];
          if (res.result == ResultKind::fail) failing.insert(h.host);
        }
    CHECK(c.pass == n[0]);
    CHECK(c.fail == n[1]);
    CHECK(c.error == n[2]);
    CHECK(c.not_applicable == n[3]);
    CHECK(c.manual == n[4]);
    CHECK(c.waived == n[5]);
    CHECK(c.hosts_failing == static_cast<int>(failing.size()));
  }
  for (int depth : {1, 2}) {
    auto cells = st->section_matrix(*id, depth);
    REQUIRE(cells);
    auto hosts = st->hosts(*id);
    REQUIRE(hosts);
    std::map<std::pair<std::int64_t, std::string>, std::pair<int, int>> expect;
    for (std::size_t i = 0; i < full->hosts.size(); ++i)
      for (const auto& res : full->hosts[i].results) {
        std::size_t cut = 0;
        for (int d = 0; d < depth && cut != std::string::npos; ++d) cut = res.section.find('.', cut ? cut + 1 : 0);
        auto& e = expect[{(*hosts)[i].host_id, res.section.substr(0, cut)}];
        e.first += res.result == ResultKind::fail;
        e.second += res.result == ResultKind::pass || res.result == ResultKind::fail || res.result == ResultKind::error;
      }
    REQUIRE(cells->size() == expect.size());
    std::int64_t last_host = 0;
    for (const auto& cell : *cells) {
      INFO(depth << " " << cell.host_id << " " << cell.section);
      CHECK(cell.host_id >= last_host);  // host by host, in scan order
      last_host = cell.host_id;
      auto e = expect.at({cell.host_id, cell.section});
      CHECK(cell.fail == e.first);
      CHECK(cell.counted == e.second);
    }
  }
}

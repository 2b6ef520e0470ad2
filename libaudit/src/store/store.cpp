// The scan store: schema, migrations, saving and reading scans.

#include "fleetaudit/store.hpp"

#include <cstdint>
#include <cstdlib>
#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "store/sqlite.hpp"
#include "util/strings.hpp"

#include <zstd.h>

namespace fleetaudit {

namespace {

// Each step moves the schema one version up. Never edit a released step: add one.
const std::vector<std::string_view> kMigrations{
    // v1: scans, hosts, snapshots, results.
    R"sql(
CREATE TABLE scans(
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  duration_s REAL NOT NULL,
  profile TEXT NOT NULL,
  profile_title TEXT NOT NULL,
  profile_version TEXT NOT NULL,
  level INTEGER NOT NULL,
  tool_version TEXT NOT NULL,
  checks_selected INTEGER NOT NULL,
  hosts INTEGER NOT NULL,
  hosts_failed INTEGER NOT NULL,
  pass INTEGER NOT NULL, fail INTEGER NOT NULL, error INTEGER NOT NULL,
  not_applicable INTEGER NOT NULL, manual INTEGER NOT NULL,
  score REAL NOT NULL,
  status TEXT NOT NULL
);
CREATE TABLE hosts(
  id INTEGER PRIMARY KEY,
  scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  state TEXT NOT NULL,
  state_detail TEXT NOT NULL,
  collector TEXT NOT NULL,
  collected_at TEXT NOT NULL,
  pass INTEGER NOT NULL, fail INTEGER NOT NULL, error INTEGER NOT NULL,
  not_applicable INTEGER NOT NULL, manual INTEGER NOT NULL,
  fail_info INTEGER NOT NULL, fail_low INTEGER NOT NULL, fail_medium INTEGER NOT NULL,
  fail_high INTEGER NOT NULL, fail_critical INTEGER NOT NULL,
  score REAL NOT NULL
);
CREATE INDEX hosts_by_scan ON hosts(scan_id, position);
CREATE INDEX hosts_by_name ON hosts(name, scan_id);
CREATE TABLE snapshots(
  host_id INTEGER PRIMARY KEY REFERENCES hosts(id) ON DELETE CASCADE,
  format INTEGER NOT NULL,
  encoding TEXT NOT NULL,
  data BLOB NOT NULL
);
-- The selected entries of a scan, written once: result rows refer to them by
-- position, so a fleet of 10,000 hosts stores each title once, not 10,000 times.
CREATE TABLE scan_checks(
  scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  check_id TEXT NOT NULL,
  section TEXT NOT NULL,
  title TEXT NOT NULL,
  severity INTEGER NOT NULL,     -- 0 info, 1 low, 2 medium, 3 high, 4 critical
  PRIMARY KEY(scan_id, idx)
) WITHOUT ROWID;
CREATE TABLE results(
  host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,          -- scan_checks.idx
  result INTEGER NOT NULL,       -- 0 pass, 1 fail, 2 error, 3 not-applicable, 4 manual
  evidence TEXT NOT NULL,
  PRIMARY KEY(host_id, idx)
) WITHOUT ROWID;
-- Every result readable by name, for people querying the store directly.
CREATE VIEW result_rows AS
  SELECT h.scan_id, h.name AS host, c.section, c.check_id, c.title,
         CASE c.severity WHEN 0 THEN 'info' WHEN 1 THEN 'low' WHEN 2 THEN 'medium' WHEN 3 THEN 'high' ELSE 'critical' END AS severity,
         CASE r.result WHEN 0 THEN 'pass' WHEN 1 THEN 'fail' WHEN 2 THEN 'error' WHEN 3 THEN 'not-applicable' ELSE 'manual' END AS result,
         r.evidence
  FROM results r JOIN hosts h ON h.id = r.host_id JOIN scan_checks c ON c.scan_id = h.scan_id AND c.idx = r.idx;
)sql",
    // v2: results per subject (a container, a workload's container: '' is the
    // host itself), waived results (5), and each host's role tags.
    R"sql(
CREATE TABLE results_v2(
  host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,          -- scan_checks.idx
  subject TEXT NOT NULL,         -- '' for the host; else a container, a workload's container ...
  result INTEGER NOT NULL,       -- 0 pass, 1 fail, 2 error, 3 not-applicable, 4 manual, 5 waived
  evidence TEXT NOT NULL,
  PRIMARY KEY(host_id, idx, subject)
) WITHOUT ROWID;
INSERT INTO results_v2(host_id, idx, subject, result, evidence) SELECT host_id, idx, '', result, evidence FROM results;
DROP VIEW result_rows;
DROP TABLE results;
ALTER TABLE results_v2 RENAME TO results;
ALTER TABLE scans ADD COLUMN waived INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hosts ADD COLUMN waived INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hosts ADD COLUMN tags TEXT NOT NULL DEFAULT '';   -- role tags, comma-separated
CREATE VIEW result_rows AS
  SELECT h.scan_id, h.name AS host, r.subject, c.section, c.check_id, c.title,
         CASE c.severity WHEN 0 THEN 'info' WHEN 1 THEN 'low' WHEN 2 THEN 'medium' WHEN 3 THEN 'high' ELSE 'critical' END AS severity,
         CASE r.result WHEN 0 THEN 'pass' WHEN 1 THEN 'fail' WHEN 2 THEN 'error' WHEN 3 THEN 'not-applicable'
                       WHEN 4 THEN 'manual' ELSE 'waived' END AS result,
         r.evidence
  FROM results r JOIN hosts h ON h.id = r.host_id JOIN scan_checks c ON c.scan_id = h.scan_id AND c.idx = r.idx;
)sql",
    // v3: each host's profile for fleet analytics (kernel, patch level, risk ...), as JSON.
    R"sql(
CREATE TABLE host_profiles(
  host_id INTEGER PRIMARY KEY REFERENCES hosts(id) ON DELETE CASCADE,
  risk INTEGER NOT NULL,
  data TEXT NOT NULL
);
)sql",
};

// Snapshots are mostly configuration text and package lists: zstd shrinks
// them several times over at a cost far below writing the bytes.
constexpr int kZstdLevel = 1;

std::string compress(std::string_view raw) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  std::size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), kZstdLevel);
  if (ZSTD_isError(n)) return {};
  out.resize(n);
  return out;
}

Expected<std::string> decompress(std::string_view packed) {
  unsigned long long size = ZSTD_getFrameContentSize(packed.data(), packed.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1ull << 31))
    return fail("stored snapshot is not a valid zstd frame");
  std::string out(static_cast<std::size_t>(size), '\0');
  std::size_t n = ZSTD_decompress(out.data(), out.size(), packed.data(), packed.size());
  if (ZSTD_isError(n)) return fail(std::string("stored snapshot does not decompress: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

Summary summary_from(const sql::Statement& s, int col) {
  Summary sum;
  sum.pass = static_cast<int>(s.int64(col));
  sum.fail = static_cast<int>(s.int64(col + 1));
  sum.error = static_cast<int>(s.int64(col + 2));
  sum.not_applicable = static_cast<int>(s.int64(col + 3));
  sum.manual = static_cast<int>(s.int64(col + 4));
  return sum;
}

}  // namespace

struct Store::Impl {
  sql::DbPtr db;
  std::string path;
  int version = 0;
  std::set<std::int64_t> checks_written;  // scans whose scan_checks rows exist

  std::string err(std::string_view what) const { return path + ": " + std::string(what) + ": " + sqlite3_errmsg(db.get()); }

  Expected<int> user_version() {
    sql::Statement st(db.get(), "PRAGMA user_version");
    if (!st.ok() || st.step() != SQLITE_ROW) return fail(err("cannot read schema version"));
    return static_cast<int>(st.int64(0));
  }

  Expected<void> migrate() {
    auto v = user_version();
    if (!v) return std::unexpected(v.error());
    version = *v;
    const int target = static_cast<int>(kMigrations.size());
    if (version > target)
      return fail(path + ": store schema v" + std::to_string(version) + " is newer than this fleetaudit understands (v" +
                  std::to_string(target) + ")");
    while (version < target) {
      if (auto r = sql::exec(db.get(), "BEGIN IMMEDIATE", path + ": cannot start migration"); !r) return r;
      // Another process may have migrated while we waited for the lock.
      auto again = user_version();
      if (!again) return std::unexpected(again.error());
      if (*again >= target) {
        sql::exec(db.get(), "COMMIT", "commit");
        version = *again;
        break;
      }
      version = *again;
      auto step = sql::exec(db.get(), kMigrations[static_cast<std::size_t>(version)],
                            path + ": migration to schema v" + std::to_string(version + 1) + " failed");
      if (!step) {
        sql::exec(db.get(), "ROLLBACK", "rollback");
        return step;
      }
      std::string bump = "PRAGMA user_version = " + std::to_string(version + 1);
      if (auto r = sql::exec(db.get(), bump, path + ": cannot record schema version"); !r) {
        sql::exec(db.get(), "ROLLBACK", "rollback");
        return r;
      }
      if (auto r = sql::exec(db.get(), "COMMIT", path + ": cannot commit migration"); !r) return r;
      ++version;
    }
    return {};
  }
};

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

int Store::current_schema_version() noexcept { return static_cast<int>(kMigrations.size()); }
Expected<std::vector<HostProfile>> Store::profiles(std::int64_t scan_id) const {
  sqlite3* db = impl_->db.get();
  sql::Statement st(db,
                    "SELECT p.data, h.name FROM host_profiles p JOIN hosts h ON h.id = p.host_id WHERE h.scan_id = ? ORDER BY h.position");
  if (!st.ok()) return fail(impl_->err("cannot read host profiles"));
  st.bind(1, scan_id);
  std::vector<HostProfile> out;
  while (st.step() == SQLITE_ROW) {
    auto p = host_profile_from_json(st.text(0));
    if (!p) return fail(impl_->path + ": profile of " + st.text(1) + ": " + p.error().message);
    out.push_back(std::move(*p));
  }
  return out;
}

int Store::schema_version() const { return impl_->version; }

std::filesystem::path default_store_path() {
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return std::filesystem::path(x) / "fleetaudit" / "fleetaudit.db";
  const char* home = std::getenv("HOME");
  std::filesystem::path base = home && *home ? std::filesystem::path(home) : std::filesystem::path("/root");
  return base / ".local" / "share" / "fleetaudit" / "fleetaudit.db";
}

Expected<Store> Store::open(const std::filesystem::path& path, Mode mode) {
  auto impl = std::make_unique<Impl>();
  impl->path = path.string();
  if (mode == Mode::read_write && path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return fail(path.parent_path().string() + ": cannot create directory: " + ec.message());
  }
  int flags = mode == Mode::read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(impl->path.c_str(), &raw, flags, nullptr);
  impl->db.reset(raw);
  if (rc != SQLITE_OK) {
    return fail(impl->path + ": cannot open store: " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(raw, 10000);
  sqlite3_extended_result_codes(raw, 1);
  if (mode == Mode::read_write) {
    // Larger pages for a new file: snapshots and result sets are written in bulk.
    if (auto r = sql::exec(raw, "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                           impl->path + ": cannot configure store");
        !r)
      return std::unexpected(r.error());
    if (auto r = impl->migrate(); !r) return std::unexpected(r.error());
  } else {
    auto v = impl->user_version();
    if (!v) return std::unexpected(v.error());
    impl->version = *v;
    if (*v != current_schema_version())
      return fail(impl->path + ": store schema v" + std::to_string(*v) + " but this fleetaudit reads v" +
                  std::to_string(current_schema_version()) + " (open it read-write once to migrate)");
  }
  return Store(std::move(impl));
}

namespace {

Summary summary_of(const ScanReport& report) {
  std::vector<CheckResult> all;
  for (const auto& h : report.hosts) all.insert(all.end(), h.results.begin(), h.results.end());
  return summarize(all);
}

}  // namespace

// The pieces of a save, each without a transaction of its own.
struct StoreWriter {
  Store::Impl& impl;

  Expected<std::int64_t> insert_scan(const ScanInfo& s) {
    sqlite3* db = impl.db.get();
    sql::Statement ins(db,
                       "INSERT INTO scans(started_at, finished_at, duration_s, profile, profile_title, profile_version, level,"
                       " tool_version, checks_selected, hosts, hosts_failed, pass, fail, error, not_applicable, manual, score, status)"
                       " VALUES(?,?,?,?,?,?,?,?,?,0,0,0,0,0,0,0,100,'incomplete')");
    if (!ins.ok()) return fail(impl.err("prepare scan insert"));
    ins.bind(1, s.started_at).bind(2, s.finished_at).bind(3, s.duration_seconds).bind(4, s.profile).bind(5, s.profile_title)
        .bind(6, s.profile_version).bind(7, s.level).bind(8, s.tool_version).bind(9, static_cast<std::int64_t>(s.checks_selected));
    if (ins.step() != SQLITE_DONE) return fail(impl.err("cannot save scan"));
    return sqlite3_last_insert_rowid(db);
  }

  Expected<void> insert_host(std::int64_t scan_id, std::size_t position, const HostReport& h, const Snapshot* sp) {
    sqlite3* db = impl.db.get();
    sql::Statement host(db,
                        "INSERT INTO hosts(scan_id, position, name, state, state_detail, collector, collected_at, pass, fail, error,"
                        " not_applicable, manual, fail_info, fail_low, fail_medium, fail_high, fail_critical, score, waived, tags)"
                        " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    sql::Statement snap(db, "INSERT INTO snapshots(host_id, format, encoding, data) VALUES(?,?,?,?)");
    if (!host.ok() || !snap.ok()) return fail(impl.err("prepare host inserts"));
    host.bind(1, scan_id).bind(2, static_cast<std::int64_t>(position)).bind(3, h.host).bind(4, h.state).bind(5, h.state_detail)
        .bind(6, h.collector).bind(7, h.collected_at)
        .bind(8, h.summary.pass).bind(9, h.summary.fail).bind(10, h.summary.error).bind(11, h.summary.not_applicable)
        .bind(12, h.summary.manual);
    for (int k = 0; k < 5; ++k) host.bind(13 + k, h.summary.fail_by_severity[k]);
    host.bind(18, h.summary.score).bind(19, h.summary.waived);
    const std::string tags = util::join(h.tags, ",");
    host.bind(20, tags);
    if (host.step() != SQLITE_DONE) return fail(impl.err("cannot save host " + h.host));
    const std::int64_t host_id = sqlite3_last_insert_rowid(db);
    if (sp && !sp->files.empty()) {
      std::string json = to_json(*sp);
      std::string packed = compress(json);
      bool zstd = !packed.empty();
      snap.bind(1, host_id).bind(2, Snapshot::kFormatVersion).bind(3, zstd ? "zstd" : "json").bind_blob(4, zstd ? packed : json);
      if (snap.step() != SQLITE_DONE) return fail(impl.err("cannot save snapshot of " + h.host));
    }
    // Each result's entry: results come in selection order, a check's
    // subjects next to each other, so entries are numbered as they change.
    std::vector<std::int64_t> idx(h.results.size(), 0);
    for (std::size_t k = 1; k < h.results.size(); ++k) {
      const CheckResult& a = h.results[k - 1];
      const CheckResult& b = h.results[k];
      idx[k] = idx[k - 1] + ((a.item != b.item || a.check_id != b.check_id || a.section != b.section) ? 1 : 0);
    }
    if (h.profile) {
      sql::Statement prof(db, "INSERT INTO host_profiles(host_id, risk, data) VALUES(?,?,?)");
      if (!prof.ok()) return fail(impl.err("prepare profile insert"));
      const std::string data = to_json(*h.profile);
      prof.bind(1, host_id).bind(2, h.profile->risk).bind(3, data);
      if (prof.step() != SQLITE_DONE) return fail(impl.err("cannot save the profile of " + h.host));
    }
    if (!h.results.empty() && !impl.checks_written.count(scan_id)) {
      // The first host with results describes the scan's entries for all.
      sql::Statement chk(db, "INSERT OR IGNORE INTO scan_checks(scan_id, idx, check_id, section, title, severity) VALUES(?,?,?,?,?,?)");
      if (!chk.ok()) return fail(impl.err("prepare check inserts"));
      for (std::size_t k = 0; k < h.results.size(); ++k) {
        if (k > 0 && idx[k] == idx[k - 1]) continue;  // a check's subjects share its entry
        const CheckResult& r = h.results[k];
        chk.reset();
        chk.bind(1, scan_id).bind(2, idx[k]).bind(3, r.check_id).bind(4, r.section).bind(5, r.title)
            .bind(6, static_cast<int>(r.severity));
        if (chk.step() != SQLITE_DONE) return fail(impl.err("cannot save the scan's checks"));
      }
      impl.checks_written.insert(scan_id);
    }
    // Rows go in batches of kBatch per statement: one step per batch
    // instead of one per result (a host has hundreds).
    constexpr std::size_t kBatch = 64;
    auto insert_rows = [&](sql::Statement& st, std::size_t first, std::size_t n) {
      st.reset();
      for (std::size_t j = 0; j < n; ++j) {
        const CheckResult& r = h.results[first + j];
        const int p = static_cast<int>(j) * 5;
        st.bind(p + 1, host_id).bind(p + 2, idx[first + j]).bind_static(p + 3, r.subject)
            .bind(p + 4, static_cast<int>(r.result)).bind_static(p + 5, r.evidence);
      }
      return st.step() == SQLITE_DONE;
    };
    auto rows_sql = [](std::size_t n) {
      // OR REPLACE: two subjects that display alike keep the last word, never a failed scan
      std::string q = "INSERT OR REPLACE INTO results(host_id, idx, subject, result, evidence) VALUES(?,?,?,?,?)";
      for (std::size_t j = 1; j < n; ++j) q += ",(?,?,?,?,?)";
      return q;
    };
    std::size_t k = 0;
    if (h.results.size() >= kBatch) {
      sql::Statement batch(db, rows_sql(kBatch));
      if (!batch.ok()) return fail(impl.err("prepare result inserts"));
      for (; k + kBatch <= h.results.size(); k += kBatch)
        if (!insert_rows(batch, k, kBatch)) return fail(impl.err("cannot save results of " + h.host));
    }
    if (k < h.results.size()) {
      sql::Statement rest(db, rows_sql(h.results.size() - k));
      if (!rest.ok()) return fail(impl.err("prepare result inserts"));
      if (!insert_rows(rest, k, h.results.size() - k)) return fail(impl.err("cannot save results of " + h.host));
    }
    return {};
  }

  Expected<void> update_scan(std::int64_t scan_id, const ScanReport& report, const std::string& status) {
    int hosts_failed = 0;
    for (const auto& h : report.hosts) hosts_failed += h.state != "ok";
    // run_scan adds the fleet's totals up as hosts complete (a fleet scan
    // drops each host's results once stored); a hand-built report has none.
    Summary sum = report.summary.total() > 0 ? report.summary : summary_of(report);
    const auto& s = report.scan;
    sql::Statement up(impl.db.get(),
                      "UPDATE scans SET finished_at=?, duration_s=?, hosts=?, hosts_failed=?, pass=?, fail=?, error=?,"
                      " not_applicable=?, manual=?, score=?, status=?, waived=? WHERE id=?");
    if (!up.ok()) return fail(impl.err("prepare scan update"));
    up.bind(1, s.finished_at).bind(2, s.duration_seconds).bind(3, static_cast<std::int64_t>(report.hosts.size())).bind(4, hosts_failed)
        .bind(5, sum.pass).bind(6, sum.fail).bind(7, sum.error).bind(8, sum.not_applicable).bind(9, sum.manual).bind(10, sum.score)
        .bind(11, status).bind(12, sum.waived).bind(13, scan_id);
    if (up.step() != SQLITE_DONE) return fail(impl.err("cannot finish scan"));
    return {};
  }

  // Runs `body` in one transaction: all of it lands, or none.
  template <class T, class Body>
  Expected<T> transaction(Body&& body) {
    sqlite3* db = impl.db.get();
    if (auto r = sql::exec(db, "BEGIN IMMEDIATE", impl.path + ": cannot start transaction"); !r) return std::unexpected(r.error());
    Expected<T> result = body();
    if (!result) {
      sql::exec(db, "ROLLBACK", "rollback");
      return result;
    }
    if (auto r = sql::exec(db, "COMMIT", impl.path + ": cannot commit"); !r) {
      sql::exec(db, "ROLLBACK", "rollback");
      return std::unexpected(r.error());
    }
    return result;
  }
};

Expected<std::int64_t> Store::save(const ScanReport& report) {
  StoreWriter w{*impl_};
  return w.transaction<std::int64_t>([&]() -> Expected<std::int64_t> {
    auto id = w.insert_scan(report.scan);
    if (!id) return id;
    for (std::size_t i = 0; i < report.hosts.size(); ++i) {
      const Snapshot* sp = i < report.snapshots.size() ? &report.snapshots[i] : nullptr;
      if (auto r = w.insert_host(*id, i, report.hosts[i], sp); !r) return std::unexpected(r.error());
    }
    if (auto r = w.update_scan(*id, report, "complete"); !r) return std::unexpected(r.error());
    return id;
  });
}

Expected<std::int64_t> Store::begin_scan(const ScanInfo& info) {
  StoreWriter w{*impl_};
  return w.transaction<std::int64_t>([&] { return w.insert_scan(info); });
}

Expected<void> Store::add_host(std::int64_t scan_id, std::size_t position, const HostReport& host, const Snapshot* snapshot) {
  StoreWriter w{*impl_};
  return w.transaction<void>([&] { return w.insert_host(scan_id, position, host, snapshot); });
}

Expected<void> Store::finish_scan(std::int64_t scan_id, const ScanReport& report, bool complete) {
  StoreWriter w{*impl_};
  return w.transaction<void>([&] { return w.update_scan(scan_id, report, complete ? "complete" : "cancelled"); });
}

namespace {
constexpr const char* kScanColumns =
    "id, started_at, finished_at, duration_s, profile, profile_title, profile_version, level, tool_version,"
    " checks_selected, hosts, hosts_failed, pass, fail, error, not_applicable, manual, score, status,"
    " (SELECT count(*) FROM hosts h WHERE h.scan_id = scans.id), (SELECT count(*) FROM hosts h WHERE h.scan_id = scans.id AND h.state != 'ok'),"
    " waived";

ScanRecord record_from(const sql::Statement& st) {
  ScanRecord r;
  r.info.id = st.int64(0);
  r.info.started_at = st.text(1);
  r.info.finished_at = st.text(2);
  r.info.duration_seconds = st.real(3);
  r.info.profile = st.text(4);
  r.info.profile_title = st.text(5);
  r.info.profile_version = st.text(6);
  r.info.level = static_cast<int>(st.int64(7));
  r.info.tool_version = st.text(8);
  r.info.checks_selected = static_cast<std::size_t>(st.int64(9));
  r.hosts = static_cast<int>(st.int64(10));
  r.hosts_failed = static_cast<int>(st.int64(11));
  r.summary = summary_from(st, 12);
  r.summary.score = st.real(17);
  r.status = st.text(18);
  r.summary.waived = static_cast<int>(st.int64(21));
  if (r.status != "complete") {
    // An unfinished scan's totals were never written: count what landed.
    r.hosts = static_cast<int>(st.int64(19));
    r.hosts_failed = static_cast<int>(st.int64(20));
  }
  return r;
}
}  // namespace

Expected<std::vector<ScanRecord>> Store::history(int limit) const {
  sql::Statement st(impl_->db.get(), std::string("SELECT ") + kScanColumns + " FROM scans ORDER BY id DESC LIMIT ?");
  if (!st.ok()) return fail(impl_->err("cannot read history"));
  st.bind(1, limit);
  std::vector<ScanRecord> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(record_from(st));
  if (rc != SQLITE_DONE) return fail(impl_->err("cannot read history"));
  return out;
}

namespace {
constexpr const char* kHostColumns =
    "h.id, h.name, h.state, h.state_detail, h.pass, h.fail, h.error, h.not_applicable, h.manual, h.fail_info, h.fail_low,"
    " h.fail_medium, h.fail_high, h.fail_critical, h.score, h.collector, h.collected_at, h.waived, h.tags, h.scan_id,"
    " (SELECT p.risk FROM host_profiles p WHERE p.host_id = h.id)";

HostSummary host_summary_from(const sql::Statement& hosts) {
  HostSummary h;
  h.host_id = hosts.int64(0);
  h.name = hosts.text(1);
  h.state = hosts.text(2);
  h.state_detail = hosts.text(3);
  h.summary = summary_from(hosts, 4);
  for (int k = 0; k < 5; ++k) h.summary.fail_by_severity[k] = static_cast<int>(hosts.int64(9 + k));
  h.summary.score = hosts.real(14);
  h.collector = hosts.text(15);
  h.collected_at = hosts.text(16);
  h.summary.waived = static_cast<int>(hosts.int64(17));
  if (std::string t = hosts.text(18); !t.empty())
    for (auto part : util::split(t, ',')) h.tags.emplace_back(part);
  h.scan_id = hosts.int64(19);
  if (!hosts.is_null(20)) h.risk = static_cast<int>(hosts.int64(20));
  return h;
}

HostReport host_report_from(HostSummary&& s) {
  HostReport h;
  h.host = std::move(s.name);
  h.state = std::move(s.state);
  h.state_detail = std::move(s.state_detail);
  h.collector = std::move(s.collector);
  h.collected_at = std::move(s.collected_at);
  h.tags = std::move(s.tags);
  h.summary = s.summary;
  return h;
}
}  // namespace

// Results, profile and (on request) snapshot of one host.
struct StoreHostReader {
  const Store::Impl& impl;
  sql::Statement res, snap, prof;
  explicit StoreHostReader(const Store::Impl& i)
      : impl(i),
        res(i.db.get(),
            "SELECT c.check_id, c.section, c.title, c.severity, r.result, r.evidence, r.subject, r.idx FROM results r"
            " JOIN scan_checks c ON c.scan_id = ? AND c.idx = r.idx WHERE r.host_id = ? ORDER BY r.idx, r.subject"),
        snap(i.db.get(), "SELECT encoding, data FROM snapshots WHERE host_id = ?"),
        prof(i.db.get(), "SELECT data FROM host_profiles WHERE host_id = ?") {}
  bool ok() const { return res.ok() && snap.ok() && prof.ok(); }

  Expected<void> read(std::int64_t scan_id, std::int64_t host_id, HostReport& h, Snapshot* snapshot) {
    res.reset();
    res.bind(1, scan_id).bind(2, host_id);
    while (res.step() == SQLITE_ROW) {
      CheckResult r;
      r.check_id = res.text(0);
      r.section = res.text(1);
      r.title = res.text(2);
      r.severity = static_cast<Severity>(std::clamp<std::int64_t>(res.int64(3), 0, 4));
      r.result = static_cast<ResultKind>(std::clamp<std::int64_t>(res.int64(4), 0, 5));
      r.evidence = res.text(5);
      r.subject = res.text(6);
      r.item = static_cast<std::uint32_t>(res.int64(7));
      h.results.push_back(std::move(r));
    }
    prof.reset();
    prof.bind(1, host_id);
    if (prof.step() == SQLITE_ROW) {
      auto p = host_profile_from_json(prof.text(0));
      if (p) h.profile = std::move(*p);
    }
    if (snapshot) {
      snap.reset();
      snap.bind(1, host_id);
      Snapshot s;
      if (snap.step() == SQLITE_ROW) {
        std::string data = snap.text(1);
        if (snap.text(0) == "zstd") {
          auto raw = decompress(data);
          if (!raw) return fail(impl.path + ": snapshot of " + h.host + " in scan " + std::to_string(scan_id) + ": " + raw.error().message);
          data = std::move(*raw);
        }
        auto parsed = snapshot_from_json(data);
        if (!parsed)
          return fail(impl.path + ": snapshot of " + h.host + " in scan " + std::to_string(scan_id) + ": " + parsed.error().message);
        s = std::move(*parsed);
      }
      *snapshot = std::move(s);
    }
    return {};
  }
};

Expected<ScanReport> Store::load(std::int64_t scan_id, bool with_snapshots) const {
  auto rec = scan(scan_id);
  if (!rec) return std::unexpected(rec.error());
  ScanReport rep;
  rep.scan = rec->info;
  rep.summary = rec->summary;
  sqlite3* db = impl_->db.get();
  sql::Statement hosts(db, std::string("SELECT ") + kHostColumns + " FROM hosts h WHERE h.scan_id = ? ORDER BY h.position");
  StoreHostReader reader(*impl_);
  if (!hosts.ok() || !reader.ok()) return fail(impl_->err("cannot read hosts"));
  hosts.bind(1, scan_id);
  while (hosts.step() == SQLITE_ROW) {
    HostSummary s = host_summary_from(hosts);
    std::int64_t host_id = s.host_id;
    HostReport h = host_report_from(std::move(s));
    Snapshot snap;
    if (auto r = reader.read(scan_id, host_id, h, with_snapshots ? &snap : nullptr); !r) return std::unexpected(r.error());
    if (with_snapshots) rep.snapshots.push_back(std::move(snap));
    rep.hosts.push_back(std::move(h));
  }
  return rep;
}

Expected<std::optional<ScanRecord>> Store::latest_scan(bool complete_only) const {
  sql::Statement st(impl_->db.get(), std::string("SELECT ") + kScanColumns + " FROM scans" +
                                         (complete_only ? " WHERE status = 'complete'" : "") + " ORDER BY id DESC LIMIT 1");
  if (!st.ok()) return fail(impl_->err("cannot read scans"));
  int rc = st.step();
  if (rc == SQLITE_ROW) return std::optional<ScanRecord>(record_from(st));
  if (rc != SQLITE_DONE) return fail(impl_->err("cannot read scans"));
  return std::optional<ScanRecord>();
}

Expected<ScanRecord> Store::scan(std::int64_t scan_id) const {
  sql::Statement st(impl_->db.get(), std::string("SELECT ") + kScanColumns + " FROM scans WHERE id = ?");
  if (!st.ok()) return fail(impl_->err("cannot read scan"));
  st.bind(1, scan_id);
  if (st.step() != SQLITE_ROW) return fail(impl_->path + ": no scan with id " + std::to_string(scan_id));
  return record_from(st);
}

Expected<std::vector<HostSummary>> Store::hosts(std::int64_t scan_id) const {
  sql::Statement st(impl_->db.get(), std::string("SELECT ") + kHostColumns + " FROM hosts h WHERE h.scan_id = ? ORDER BY h.position");
  if (!st.ok()) return fail(impl_->err("cannot read hosts"));
  st.bind(1, scan_id);
  std::vector<HostSummary> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(host_summary_from(st));
  if (rc != SQLITE_DONE) return fail(impl_->err("cannot read hosts"));
  return out;
}

// checks() and section_matrix() read every result of a scan once, in store
// order (hosts by position, each host's results by its primary key), and
// count in memory: joining per check or grouping in SQL made SQLite seek or
// sort millions of rows (14 s and 6 s for 10,000 hosts x 300 checks; one
// pass takes under half a second).
namespace {

// The result kinds of one scan, host by host in scan order.
template <class OnResult>
bool for_each_result(sqlite3* db, std::int64_t scan_id, OnResult&& on_result) {
  sql::Statement st(db,
                    "SELECT h.id, r.idx, r.result FROM hosts h JOIN results r ON r.host_id = h.id"
                    " WHERE h.scan_id = ? ORDER BY h.position");  // each host's results come in key order (idx)
  if (!st.ok()) return false;
  st.bind(1, scan_id);
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) on_result(st.int64(0), static_cast<std::size_t>(st.int64(1)), static_cast<int>(st.int64(2)));
  return rc == SQLITE_DONE;
}

}  // namespace

Expected<std::vector<CheckSummary>> Store::checks(std::int64_t scan_id) const {
  sqlite3* db = impl_->db.get();
  sql::Statement st(db, "SELECT idx, check_id, section, title, severity FROM scan_checks WHERE scan_id = ? ORDER BY idx");
  if (!st.ok()) return fail(impl_->err("cannot count results per check"));
  st.bind(1, scan_id);
  std::vector<CheckSummary> out;
  std::vector<std::size_t> at;  // idx -> position in out
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    auto idx = static_cast<std::size_t>(st.int64(0));
    CheckSummary c;
    c.check_id = st.text(1);
    c.section = st.text(2);
    c.title = st.text(3);
    c.severity = static_cast<Severity>(std::clamp<std::int64_t>(st.int64(4), 0, 4));
    if (at.size() <= idx) at.resize(idx + 1, SIZE_MAX);
    at[idx] = out.size();
    out.push_back(std::move(c));
  }
  if (rc != SQLITE_DONE) return fail(impl_->err("cannot count results per check"));
  std::vector<std::int64_t> last_failing(out.size(), -1);  // a host counts once per check
  bool ok = for_each_result(db, scan_id, [&](std::int64_t host, std::size_t idx, int result) {
    if (idx >= at.size() || at[idx] == SIZE_MAX) return;
    CheckSummary& c = out[at[idx]];
    switch (result) {
      case 0: ++c.pass; break;
      case 1:
        ++c.fail;
        if (last_failing[at[idx]] != host) {
          last_failing[at[idx]] = host;
          ++c.hosts_failing;
        }
        break;
      case 2: ++c.error; break;
      case 3: ++c.not_applicable; break;
      case 4: ++c.manual; break;
      case 5: ++c.waived; break;
      default: break;
    }
  });
  if (!ok) return fail(impl_->err("cannot count results per check"));
  return out;
}

Expected<int> Store::prune(int keep) {
  if (keep < 1) return fail(impl_->path + ": prune: keep at least one scan (asked for " + std::to_string(keep) + ")");
  sql::Statement st(impl_->db.get(),
                    "DELETE FROM scans WHERE id < (SELECT min(id) FROM (SELECT id FROM scans ORDER BY id DESC LIMIT ?1))"
                    " AND NOT EXISTS (SELECT 1 FROM hosts h WHERE h.scan_id = scans.id"
                    " AND NOT EXISTS (SELECT 1 FROM hosts n WHERE n.name = h.name AND n.scan_id > h.scan_id))");
  if (!st.ok()) return fail(impl_->err("cannot prune scans"));
  st.bind(1, keep);
  if (st.step() != SQLITE_DONE) return fail(impl_->err("cannot prune scans"));
  return sqlite3_changes(impl_->db.get());
}

Expected<std::vector<std::string>> Store::failing_hosts(std::int64_t scan_id, std::string_view check_id) const {
  sql::Statement st(impl_->db.get(),
                    "SELECT h.name FROM hosts h WHERE h.scan_id = ?1 AND EXISTS (SELECT 1 FROM results r JOIN scan_checks c"
                    " ON c.scan_id = ?1 AND c.idx = r.idx WHERE r.host_id = h.id AND r.result = 1 AND c.check_id = ?2)"
                    " ORDER BY h.position");
  if (!st.ok()) return fail(impl_->err("cannot read failing hosts"));
  st.bind(1, scan_id).bind(2, check_id);
  std::vector<std::string> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(st.text(0));
  if (rc != SQLITE_DONE) return fail(impl_->err("cannot read failing hosts"));
  return out;
}

Expected<std::vector<SectionCell>> Store::section_matrix(std::int64_t scan_id, int depth) const {
  // The group of each entry computed once per check, not per result.
  sqlite3* db = impl_->db.get();
  sql::Statement checks(db, "SELECT idx, section FROM scan_checks WHERE scan_id = ? ORDER BY idx");
  if (!checks.ok()) return fail(impl_->err("cannot count results per section"));
  checks.bind(1, scan_id);
  std::vector<std::string> group;
  while (checks.step() == SQLITE_ROW) {
    auto idx = static_cast<std::size_t>(checks.int64(0));
    std::string sec = checks.text(1);
    std::size_t cut = 0;
    for (int d = 0; d < std::max(depth, 1) && cut != std::string::npos; ++d) cut = sec.find('.', cut ? cut + 1 : 0);
    if (group.size() <= idx) group.resize(idx + 1);
    group[idx] = sec.substr(0, cut);
  }
  std::vector<SectionCell> out;
  std::map<std::string_view, std::size_t> at;  // section -> index in out, for the current host
  std::int64_t current = -1;
  static const std::string none;
  bool ok = for_each_result(db, scan_id, [&](std::int64_t host, std::size_t idx, int result) {
    if (host != current) {
      current = host;
      at.clear();
    }
    const std::string& sec = idx < group.size() ? group[idx] : none;
    auto [it, fresh] = at.emplace(sec, out.size());
    if (fresh) out.push_back(SectionCell{host, sec, 0, 0});
    out[it->second].fail += result == 1;
    out[it->second].counted += result == 0 || result == 1 || result == 2;
  });
  if (!ok) return fail(impl_->err("cannot count results per section"));
  return out;
}

Expected<HostReport> Store::load_host(std::int64_t scan_id, std::string_view host, Snapshot* snapshot) const {
  sql::Statement st(impl_->db.get(), std::string("SELECT ") + kHostColumns + " FROM hosts h WHERE h.scan_id = ? AND h.name = ?");
  StoreHostReader reader(*impl_);
  if (!st.ok() || !reader.ok()) return fail(impl_->err("cannot read host"));
  st.bind(1, scan_id).bind(2, host);
  if (st.step() != SQLITE_ROW)
    return fail(impl_->path + ": no host '" + std::string(host) + "' in scan " + std::to_string(scan_id));
  HostSummary s = host_summary_from(st);
  std::int64_t host_id = s.host_id;
  HostReport h = host_report_from(std::move(s));
  if (auto r = reader.read(scan_id, host_id, h, snapshot); !r) return std::unexpected(r.error());
  return h;
}

Expected<std::vector<HostScorePoint>> Store::host_history(std::string_view host, int limit) const {
  sql::Statement st(impl_->db.get(),
                    "SELECT h.scan_id, s.started_at, h.state, h.score, h.fail,"
                    " (SELECT p.risk FROM host_profiles p WHERE p.host_id = h.id)"
                    " FROM hosts h JOIN scans s ON s.id = h.scan_id WHERE h.name = ? ORDER BY h.scan_id DESC LIMIT ?");
  if (!st.ok()) return fail(impl_->err("cannot read host history"));
  st.bind(1, host).bind(2, limit);
  std::vector<HostScorePoint> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    HostScorePoint p;
    p.scan_id = st.int64(0);
    p.started_at = st.text(1);
    p.state = st.text(2);
    p.score = st.real(3);
    p.fail = static_cast<int>(st.int64(4));
    if (!st.is_null(5)) p.risk = static_cast<int>(st.int64(5));
    out.push_back(std::move(p));
  }
  if (rc != SQLITE_DONE) return fail(impl_->err("cannot read host history"));
  return out;
}

}  // namespace fleetaudit

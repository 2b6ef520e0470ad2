// rpm's package database: the fixture databases (made by rpm itself, see
// tests/fixtures/rpmdb/generate.sh) read back the same as `rpm -qa` reads
// them, and damaged headers and databases are errors, never crashes.

#include "parse/rpmdb.hpp"

#include <sqlite3.h>
#include <catch2/catch.hpp>

#include <unistd.h>
#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/fixture_tree.hpp"
#include "support/process.hpp"
#include "support/rng.hpp"

using fleetaudit::parse::Package;
using fleetaudit::parse::PackageDatabase;
using fleetaudit::parse::PackageFormat;
using fleetaudit::parse::parse_rpm_header;
using fleetaudit::parse::parse_rpmdb_sqlite;
namespace ft = fleetaudit::testing;

namespace {

std::string fixture_db(const std::string& name) {
  return ft::fixture_bytes("rpmdb/" + name + ".sqlite");
}

// An SQLite database built by `sql`, as the bytes of its file.
std::string database_bytes(const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  INFO((error ? error : ""));
  sqlite3_free(error);
  REQUIRE(rc == SQLITE_OK);
  sqlite3_int64 size = 0;
  unsigned char* data = sqlite3_serialize(db, "main", &size, 0);
  REQUIRE(data != nullptr);
  std::string bytes(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
  sqlite3_free(data);
  sqlite3_close(db);
  return bytes;
}

// Every header blob of a database image, in row order.
std::vector<std::string> header_blobs(const std::string& image) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
  auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(image.size()));
  std::copy(image.begin(), image.end(), copy);
  copy[18] = copy[19] = 1;  // out of WAL mode, as the parser does
  REQUIRE(sqlite3_deserialize(db, "main", copy, static_cast<sqlite3_int64>(image.size()),
                              static_cast<sqlite3_int64>(image.size()),
                              SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT blob FROM Packages ORDER BY hnum", -1, &stmt, nullptr) == SQLITE_OK);
  std::vector<std::string> blobs;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    blobs.emplace_back(static_cast<const char*>(sqlite3_column_blob(stmt, 0)),
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return blobs;
}

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// A header from entries given as (tag, type, offset, count) and a data store.
struct RawEntry {
  std::uint32_t tag, type, offset, count;
};
std::string make_header(const std::vector<RawEntry>& entries, const std::string& data) {
  std::string out;
  auto put = [&](std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
  };
  put(static_cast<std::uint32_t>(entries.size()));
  put(static_cast<std::uint32_t>(data.size()));
  for (const auto& e : entries) {
    put(e.tag);
    put(e.type);
    put(e.offset);
    put(e.count);
  }
  return out + data;
}

// NAME "a", VERSION "1", RELEASE "2" at offsets 0, 2, 4.
const std::string kData(
    "a\0"
    "1\0"
    "2\0",
    6);
const std::vector<RawEntry> kMinimal = {{1000, 6, 0, 1}, {1001, 6, 2, 1}, {1002, 6, 4, 1}};

std::string error_of(const std::string& blob) {
  auto r = parse_rpm_header(blob);
  return r ? std::string() : r.error().message;
}

}  // namespace

TEST_CASE("rpmdb: the fixture databases", "[rpmdb]") {
  const auto db = parse_rpmdb_sqlite(fixture_db("rhel9-careless"));
  REQUIRE(db);
  CHECK(db->format == PackageFormat::rpm);
  CHECK(db->complete);
  CHECK(db->problems.empty());
  CHECK(db->packages.size() == 35);

  const Package* vim = db->find("vim-minimal");
  REQUIRE(vim);
  CHECK(vim->version == "2:8.2.2637-20.el9_1");
  CHECK(vim->arch == "x86_64");
  CHECK(vim->source == "vim-minimal");
  CHECK(vim->present);
  CHECK(vim->line > 0);
  const Package* firewalld = db->find("firewalld");
  REQUIRE(firewalld);
  CHECK(firewalld->arch == "noarch");
  CHECK(firewalld->version == "1.3.4-1.el9");

  // Two kernels: the newest first, which is the one find() answers with.
  const Package* kernel = db->find("kernel");
  REQUIRE(kernel);
  CHECK(kernel->version == "5.14.0-427.13.1.el9_4");
  CHECK(std::count_if(db->packages.begin(), db->packages.end(), [](const Package& p) { return p.name == "kernel"; }) ==
        2);
  CHECK(std::is_sorted(db->packages.begin(), db->packages.end(),
                       [](const Package& a, const Package& b) { return a.name < b.name; }));
  CHECK(db->find("openssh-server")->version == "8.7p1-34.el9");
  CHECK(db->find("aide") == nullptr);

  const auto hardened = parse_rpmdb_sqlite(fixture_db("rhel9-hardened"));
  REQUIRE(hardened);
  CHECK(hardened->find("aide") != nullptr);
}

TEST_CASE("rpmdb: reads what rpm -qa reads", "[rpmdb][oracle]") {
  INFO("/usr/bin/rpm is needed: the oracle is rpm itself (scripts/install-deps.sh installs it)");
  REQUIRE(access("/usr/bin/rpm", X_OK) == 0);
  for (const char* name : {"rhel9-base", "rhel9-hardened", "rhel9-careless"}) {
    INFO(name);
    ft::TempDir dir;
    std::filesystem::copy_file(ft::fixtures_dir() / "rpmdb" / (std::string(name) + ".sqlite"),
                               dir.path() / "rpmdb.sqlite");
    const auto run = ft::run_process({"/usr/bin/rpm", "--dbpath", dir.path().string(), "-qa", "--qf",
                                      "%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE} %{NAME} %{ARCH} %{SOURCERPM}\\n"});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    std::multiset<std::string> rpm_says;
    std::istringstream lines(run.out);
    for (std::string line; std::getline(lines, line);) rpm_says.insert(line);

    const auto db = parse_rpmdb_sqlite(fixture_db(name));
    REQUIRE(db);
    std::multiset<std::string> we_say;
    for (const auto& p : db->packages) {
      we_say.insert(p.version + " " + p.name + " " + p.arch + " " + p.source + "-" +
                    p.version.substr(p.version.find(':') + 1) + ".src.rpm");
    }
    CHECK(we_say == rpm_says);
  }
}

TEST_CASE("rpm headers: damaged blobs are errors that say what is wrong", "[rpmdb]") {
  const std::string good = make_header(kMinimal, kData);
  REQUIRE(parse_rpm_header(good));
  CHECK(parse_rpm_header(good)->version == "1-2");

  CHECK(error_of("") == "header is 0 bytes, shorter than its 8-byte preamble");
  CHECK(error_of(good.substr(0, good.size() - 1)).starts_with("header truncated: "));
  CHECK(error_of(good + "x") == "header has 1 bytes after its data store");
  CHECK(error_of(make_header({}, "")) == "header claims 0 index entries (1 to 65535 allowed)");
  CHECK(error_of(std::string("\x00\x01\x00\x00\x00\x00\x00\x00", 8)) ==
        "header claims 65536 index entries (1 to 65535 allowed)");
  CHECK(error_of(std::string("\x00\x00\x00\x01\x10\x00\x00\x00", 8)).starts_with("header claims 268435456 bytes"));
  CHECK(error_of(make_header({{1000, 6, 7, 1}}, kData)).find("beyond the 6-byte data store") != std::string::npos);
  CHECK(error_of(make_header({{1000, 12, 0, 1}}, kData)).find("unknown type 12") != std::string::npos);
  CHECK(error_of(make_header({{1003, 4, 1, 1}}, kData)).find("misaligned") != std::string::npos);
  CHECK(error_of(make_header({{1003, 4, 4, 1}}, kData)).find("runs past the end") != std::string::npos);
  CHECK(error_of(make_header({{1000, 6, 0, 1}, {1001, 6, 2, 1}}, kData)) == "header has no RELEASE");
  CHECK(error_of(make_header({{1000, 6, 0, 1}, {1000, 6, 0, 1}, {1001, 6, 2, 1}, {1002, 6, 4, 1}}, kData)) ==
        "header has two NAME entries");
  CHECK(error_of(make_header({{1000, 6, 0, 1}, {1001, 6, 2, 1}, {1002, 6, 4, 1}}, std::string("a\0"
                                                                                              "1\0"
                                                                                              "2",
                                                                                              5))) ==
        "RELEASE is not terminated inside the data store");
  CHECK(error_of(make_header({{1000, 7, 0, 2}, {1001, 6, 2, 1}, {1002, 6, 4, 1}}, kData)) ==
        "NAME has type 7, expected a string");
  auto with_epoch = kMinimal;
  with_epoch.push_back({1003, 3, 0, 1});
  CHECK(error_of(make_header(with_epoch, kData)) == "EPOCH has type 3 and 1 elements, expected one 32-bit integer");
  CHECK(error_of(make_header({{1000, 6, 6, 1}, {1001, 6, 2, 1}, {1002, 6, 4, 1}}, kData + std::string(1, '\0'))) ==
        "header has an empty NAME");
}

TEST_CASE("rpm headers: every truncation and thousands of corruptions of real headers", "[rpmdb][fuzz]") {
  const auto blobs = header_blobs(fixture_db("rhel9-base"));
  REQUIRE(blobs.size() == 25);
  for (const auto& blob : blobs) REQUIRE(parse_rpm_header(blob));

  // Cut anywhere: always an error, never a read past the end.
  const std::string& sample = blobs.front();
  for (std::size_t n = 0; n < sample.size(); ++n) {
    INFO("cut at " << n << " of " << sample.size());
    CHECK_FALSE(parse_rpm_header(sample.substr(0, n)));
  }

  // Bytes overwritten at random: a header may survive (a changed letter in
  // a summary), or fail with a message; nothing else. The preamble and the
  // index get most of the damage, where the offsets live.
  ft::Rng rng(0x0bad'b10b);
  std::size_t survived = 0;
  constexpr int kRounds = 20'000;
  for (int round = 0; round < kRounds; ++round) {
    std::string blob = rng.pick(blobs);
    const int hits = 1 + static_cast<int>(rng.below(4));
    for (int h = 0; h < hits; ++h) {
      const std::size_t limit = rng.chance(70) ? std::min<std::size_t>(blob.size(), 8 + 16 * 48) : blob.size();
      const std::size_t at = rng.below(limit);
      blob[at] = rng.chance(50) ? static_cast<char>(rng.below(256)) : static_cast<char>(blob[at] ^ (1 << rng.below(8)));
    }
    const auto r = parse_rpm_header(blob);
    if (r) {
      ++survived;
      CHECK_FALSE(r->name.empty());
    } else {
      CHECK_FALSE(r.error().message.empty());
    }
  }
  INFO(survived << " of " << kRounds << " corrupted headers still read");
  CHECK(survived < kRounds);
}

TEST_CASE("rpmdb: damaged and foreign databases are errors", "[rpmdb][fuzz]") {
  const std::string image = fixture_db("rhel9-base");
  CHECK(parse_rpmdb_sqlite("").error().message == "not an SQLite database");
  CHECK(parse_rpmdb_sqlite("hello, world").error().message == "not an SQLite database");
  CHECK_FALSE(parse_rpmdb_sqlite(image.substr(0, 100)));

  // Cut short at every page and in between: an error or, where the cut
  // spares every page the query needs, the database; never a crash.
  for (std::size_t n = 0; n < image.size(); n += 1531) {
    INFO("cut at " << n);
    const auto db = parse_rpmdb_sqlite(image.substr(0, n));
    if (!db) CHECK_FALSE(db.error().message.empty());
  }

  // Pages overwritten at random.
  ft::Rng rng(77);
  for (int round = 0; round < 300; ++round) {
    std::string damaged = image;
    for (int h = 0; h < 8; ++h) damaged[100 + rng.below(damaged.size() - 100)] = static_cast<char>(rng.below(256));
    const auto db = parse_rpmdb_sqlite(damaged);
    if (!db) CHECK_FALSE(db.error().message.empty());
  }

  CHECK(parse_rpmdb_sqlite(database_bytes("CREATE TABLE t(x);")).error().message ==
        "no Packages table (not an rpm database?)");
  CHECK(
      parse_rpmdb_sqlite(database_bytes("CREATE VIEW Packages AS SELECT 1 AS hnum, x'00' AS blob;")).error().message ==
      "Packages is not a table");
}

TEST_CASE("rpmdb: a bad row is a problem and makes the database incomplete", "[rpmdb]") {
  const std::string good = make_header(kMinimal, kData);
  const std::string bytes = database_bytes(
      "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);"
      "INSERT INTO Packages VALUES (1, x'" +
      hex(good) +
      "');"
      "INSERT INTO Packages VALUES (2, x'" +
      hex(good.substr(0, 20)) +
      "');"
      "INSERT INTO Packages VALUES (3, 'text, not a header');");
  const auto db = parse_rpmdb_sqlite(bytes);
  REQUIRE(db);
  CHECK_FALSE(db->complete);
  REQUIRE(db->packages.size() == 1);
  CHECK(db->packages[0].name == "a");
  CHECK(db->packages[0].line == 1);
  REQUIRE(db->problems.size() == 2);
  CHECK(db->problems[0] == "record 2: header truncated: 20 bytes, its counts need 62");
  CHECK(db->problems[1] == "record 3: not a header blob");
}

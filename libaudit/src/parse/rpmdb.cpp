#include "parse/rpmdb.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "fleetaudit/version_compare.hpp"

// The header format is rpm's (lib/header.c, hdrblobVerifyInfo): the limits
// below are the ones rpm itself enforces, so a blob rpm accepts is accepted
// here and one it refuses is refused.

namespace fleetaudit::parse {
namespace {

constexpr std::uint32_t kMaxEntries = 0xffff;   // rpm's hdrchkTags
constexpr std::uint32_t kMaxData = 0x0fffffff;  // rpm's hdrchkData
constexpr std::size_t kEntrySize = 16;

enum Tag : std::uint32_t {
  kTagName = 1000,
  kTagVersion = 1001,
  kTagRelease = 1002,
  kTagEpoch = 1003,
  kTagArch = 1022,
  kTagSourceRpm = 1044,
};

enum Type : std::uint32_t {
  kTypeNull = 0,
  kTypeChar = 1,
  kTypeInt8 = 2,
  kTypeInt16 = 3,
  kTypeInt32 = 4,
  kTypeInt64 = 5,
  kTypeString = 6,
  kTypeBin = 7,
  kTypeStringArray = 8,
  kTypeI18nString = 9,
};

std::uint32_t be32(std::string_view s, std::size_t at) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + at;
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

const char* tag_name(std::uint32_t tag) {
  switch (tag) {
    case kTagName:
      return "NAME";
    case kTagVersion:
      return "VERSION";
    case kTagRelease:
      return "RELEASE";
    case kTagEpoch:
      return "EPOCH";
    case kTagArch:
      return "ARCH";
    case kTagSourceRpm:
      return "SOURCERPM";
    default:
      return "?";
  }
}

struct Entry {
  std::uint32_t tag = 0, type = 0, offset = 0, count = 0;
};

// Size in bytes of one element of a fixed-size type; 0 for the others.
std::size_t element_size(std::uint32_t type) {
  switch (type) {
    case kTypeChar:
    case kTypeInt8:
    case kTypeBin:
      return 1;
    case kTypeInt16:
      return 2;
    case kTypeInt32:
      return 4;
    case kTypeInt64:
      return 8;
    default:
      return 0;
  }
}

class HeaderReader {
 public:
  explicit HeaderReader(std::string_view blob) : blob_(blob) {}

  Expected<Package> read() {
    if (blob_.size() < 8)
      return fail("header is " + std::to_string(blob_.size()) + " bytes, shorter than its 8-byte preamble");
    const std::uint32_t il = be32(blob_, 0);
    const std::uint32_t dl = be32(blob_, 4);
    if (il == 0 || il > kMaxEntries)
      return fail("header claims " + std::to_string(il) + " index entries (1 to 65535 allowed)");
    if (dl > kMaxData)
      return fail("header claims " + std::to_string(dl) + " bytes of data (at most 268435455 allowed)");
    const std::uint64_t want = 8 + std::uint64_t{il} * kEntrySize + dl;
    if (blob_.size() < want)
      return fail("header truncated: " + std::to_string(blob_.size()) + " bytes, its counts need " +
                  std::to_string(want));
    if (blob_.size() > want)
      return fail("header has " + std::to_string(blob_.size() - want) + " bytes after its data store");
    data_ = blob_.substr(8 + std::size_t{il} * kEntrySize);

    std::array<std::optional<Entry>, 6> wanted;
    for (std::uint32_t i = 0; i < il; ++i) {
      const std::size_t at = 8 + std::size_t{i} * kEntrySize;
      Entry e{be32(blob_, at), be32(blob_, at + 4), be32(blob_, at + 8), be32(blob_, at + 12)};
      if (auto bad = check_entry(e, i)) return fail(*bad);
      if (const auto slot = slot_of(e.tag)) {
        if (wanted[*slot]) return fail(std::string("header has two ") + tag_name(e.tag) + " entries");
        wanted[*slot] = e;
      }
    }

    Package p;
    p.present = true;
    auto text = [&](std::size_t slot, std::uint32_t tag, bool required,
                    std::string& out) -> std::optional<std::string> {
      if (!wanted[slot]) {
        if (required) return std::string("header has no ") + tag_name(tag);
        return std::nullopt;
      }
      auto s = string_at(*wanted[slot]);
      if (!s) return s.error().message;
      out = *s;
      return std::nullopt;
    };
    std::string version, release, source_rpm;
    if (auto bad = text(0, kTagName, true, p.name)) return fail(*bad);
    if (p.name.empty()) return fail("header has an empty NAME");
    if (auto bad = text(1, kTagVersion, true, version)) return fail(*bad);
    if (auto bad = text(2, kTagRelease, true, release)) return fail(*bad);
    if (auto bad = text(4, kTagArch, false, p.arch)) return fail(*bad);
    if (auto bad = text(5, kTagSourceRpm, false, source_rpm)) return fail(*bad);
    std::string epoch;
    if (wanted[3]) {
      auto e = epoch_at(*wanted[3]);
      if (!e) return std::unexpected(e.error());
      epoch = std::to_string(*e) + ":";
    }
    p.version = epoch + version + "-" + release;
    p.source = source_name(source_rpm);
    return p;
  }

 private:
  static std::optional<std::size_t> slot_of(std::uint32_t tag) {
    switch (tag) {
      case kTagName:
        return 0;
      case kTagVersion:
        return 1;
      case kTagRelease:
        return 2;
      case kTagEpoch:
        return 3;
      case kTagArch:
        return 4;
      case kTagSourceRpm:
        return 5;
      default:
        return std::nullopt;
    }
  }

  std::optional<std::string> check_entry(const Entry& e, std::uint32_t index) const {
    const std::string which = "index entry " + std::to_string(index) + " (tag " + std::to_string(e.tag) + ")";
    if (e.type > kTypeI18nString) return which + " has unknown type " + std::to_string(e.type);
    if (e.offset > data_.size())
      return which + " points at offset " + std::to_string(e.offset) + " beyond the " + std::to_string(data_.size()) +
             "-byte data store";
    if (e.count == 0 && e.type != kTypeNull) return which + " has no elements";
    if (const std::size_t size = element_size(e.type); size != 0) {
      if (e.offset % size != 0) return which + " is misaligned";
      if (std::uint64_t{e.offset} + std::uint64_t{e.count} * size > data_.size())
        return which + " runs past the end of the data store";
    }
    return std::nullopt;
  }

  Expected<std::string> string_at(const Entry& e) const {
    if (e.type != kTypeString)
      return fail(std::string(tag_name(e.tag)) + " has type " + std::to_string(e.type) + ", expected a string");
    const std::string_view rest = data_.substr(e.offset);
    const auto nul = rest.find('\0');
    if (nul == std::string_view::npos)
      return fail(std::string(tag_name(e.tag)) + " is not terminated inside the data store");
    return std::string(rest.substr(0, nul));
  }

  Expected<std::uint32_t> epoch_at(const Entry& e) const {
    if (e.type != kTypeInt32 || e.count != 1)
      return fail("EPOCH has type " + std::to_string(e.type) + " and " + std::to_string(e.count) +
                  " elements, expected one 32-bit integer");
    return be32(data_, e.offset);
  }

  // "openssh-8.7p1-38.el9.src.rpm" -> "openssh": the name is what precedes
  // the last two hyphens (versions and releases hold none).
  static std::string source_name(std::string_view srpm) {
    const auto last = srpm.rfind('-');
    if (last == std::string_view::npos || last == 0) return {};
    const auto before = srpm.rfind('-', last - 1);
    if (before == std::string_view::npos) return {};
    return std::string(srpm.substr(0, before));
  }

  std::string_view blob_;
  std::string_view data_;
};

// RAII for the in-memory database and its statement.
struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using DbHandle = std::unique_ptr<sqlite3, DbCloser>;
using StmtHandle = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

std::string sqlite_error(sqlite3* db, const std::string& what) {
  return what + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
}

Expected<DbHandle> open_image(std::string_view bytes) {
  constexpr std::string_view kMagic("SQLite format 3\0", 16);
  if (bytes.size() < 100 || bytes.substr(0, 16) != kMagic) return fail("not an SQLite database");
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_PRIVATECACHE, nullptr);
  DbHandle db(raw);
  if (rc != SQLITE_OK) return fail(sqlite_error(raw, "cannot open an in-memory database"));
  // The image comes from the audited host: nothing in its schema may run
  // functions or alter this connection.
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);

  auto* copy = static_cast<unsigned char*>(sqlite3_malloc64(bytes.size()));
  if (!copy) return fail("out of memory copying the database image");
  std::memcpy(copy, bytes.data(), bytes.size());
  // rpm keeps the database in WAL mode (file format bytes 2, 2), which an
  // in-memory image cannot open; as a rollback-journal database it reads
  // the same pages.
  if (copy[18] == 2) copy[18] = 1;
  if (copy[19] == 2) copy[19] = 1;
  const int drc = sqlite3_deserialize(db.get(), "main", copy, static_cast<sqlite3_int64>(bytes.size()),
                                      static_cast<sqlite3_int64>(bytes.size()),
                                      SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
  if (drc != SQLITE_OK) return fail(sqlite_error(db.get(), "cannot load the database image"));
  return db;
}

// Newest first among packages of the same name and architecture.
void sort_packages(std::vector<Package>& packages) {
  std::stable_sort(packages.begin(), packages.end(), [](const Package& a, const Package& b) {
    if (a.name != b.name) return a.name < b.name;
    if (a.arch != b.arch) return a.arch < b.arch;
    return compare_rpm_versions(a.version, b.version) > 0;
  });
}

}  // namespace

Expected<Package> parse_rpm_header(std::string_view blob) {
  return HeaderReader(blob).read();
}

Expected<PackageDatabase> parse_rpmdb_sqlite(std::string_view bytes) {
  auto db = open_image(bytes);
  if (!db) return std::unexpected(db.error());

  // Packages must be a real table: a view could compute rows without end.
  {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db->get(), "SELECT type FROM sqlite_schema WHERE name = 'Packages'", -1, &raw, nullptr) !=
        SQLITE_OK)
      return fail(sqlite_error(db->get(), "cannot read the database schema"));
    StmtHandle stmt(raw);
    const int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) return fail("no Packages table (not an rpm database?)");
    if (rc != SQLITE_ROW) return fail(sqlite_error(db->get(), "cannot read the database schema"));
    const auto* type = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0));
    if (!type || std::strcmp(type, "table") != 0) return fail("Packages is not a table");
  }

  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db->get(), "SELECT hnum, blob FROM Packages ORDER BY hnum", -1, &raw, nullptr) != SQLITE_OK)
    return fail(sqlite_error(db->get(), "cannot read the Packages table"));
  StmtHandle stmt(raw);

  PackageDatabase out;
  out.format = PackageFormat::rpm;
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    const long long hnum = sqlite3_column_int64(stmt.get(), 0);
    const std::string record = "record " + std::to_string(hnum) + ": ";
    if (sqlite3_column_type(stmt.get(), 1) != SQLITE_BLOB) {
      out.problems.push_back(record + "not a header blob");
      out.complete = false;
      continue;
    }
    const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt.get(), 1));
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt.get(), 1));
    auto package = parse_rpm_header(std::string_view(data ? data : "", data ? size : 0));
    if (!package) {
      out.problems.push_back(record + package.error().message);
      out.complete = false;
      continue;
    }
    package->line = hnum;
    out.packages.push_back(std::move(*package));
  }
  if (rc != SQLITE_DONE) return fail(sqlite_error(db->get(), "cannot read the Packages table"));
  sort_packages(out.packages);
  return out;
}

}  // namespace fleetaudit::parse

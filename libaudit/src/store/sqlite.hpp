#pragma once
// A thin RAII layer over SQLite's C API, private to the library.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fleetaudit/expected.hpp"

namespace fleetaudit::sql {

struct DbCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql);
  bool ok() const noexcept { return stmt_ != nullptr; }
  const std::string& error() const noexcept { return error_; }

  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, double v);
  Statement& bind(int i, std::string_view v);
  Statement& bind_blob(int i, std::string_view v);
  /// Binds without copying: `v` must stay alive until the next step() or reset().
  Statement& bind_static(int i, std::string_view v);
  Statement& bind_null(int i);

  /// SQLITE_ROW: a row is ready; SQLITE_DONE: finished; else an error.
  int step();
  void reset();

  std::int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  bool is_null(int col) const;

 private:
  std::unique_ptr<sqlite3_stmt, StmtFinalizer> stmt_;
  std::string error_;
};

/// Runs statements without results; the error names the statement's purpose.
Expected<void> exec(sqlite3* db, std::string_view sql, std::string_view what);

}  // namespace fleetaudit::sql

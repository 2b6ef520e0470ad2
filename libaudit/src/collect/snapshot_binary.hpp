#pragma once
// The binary snapshot encoding (snapshot.hpp: to_binary) with what a stream
// reader needs beyond snapshot_from_binary(): how far a cut stream got.

#include <string>
#include <string_view>

#include "fleetaudit/snapshot.hpp"

namespace fleetaudit::detail {

struct BinaryDecode {
  Snapshot snapshot;     ///< everything decoded, also when the data stopped early
  bool complete = false; ///< the end marker arrived (and nothing after it)
  std::string error;     ///< malformed: "byte N: ..."
};

/// Decodes to_binary() output. Data that stops early is not an error: what
/// was whole is kept and `complete` stays false. Content longer than
/// max_content is cut and marked truncated.
BinaryDecode decode_snapshot_binary(std::string_view data, std::uint64_t max_content = ~std::uint64_t{0});

}  // namespace fleetaudit::detail

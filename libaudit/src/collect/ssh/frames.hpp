#pragma once
// Parses what the collection script (script.hpp) printed into a Snapshot.
// Pure: the bytes are already here. Anything malformed stops the parse with
// an error naming the byte offset; what was parsed before stays.

#include <cstdint>
#include <string>
#include <string_view>

#include "fleetaudit/snapshot.hpp"

namespace fleetaudit::remote {

struct FrameLimits {
  std::uint64_t max_file_bytes = 32ull << 20;  ///< content beyond this is cut and marked truncated
};

struct FrameResult {
  Snapshot snapshot;         ///< files, globs; host and collector left to the caller
  bool started = false;      ///< the script's hello arrived
  bool complete = false;     ///< the script's final record arrived
  bool agent = false;        ///< the host's fleetaudit collected (agent path)
  std::string error;         ///< malformed input: "byte N: ..."
  std::size_t records = 0;   ///< records parsed
};

FrameResult parse_frames(std::string_view data, std::string_view boundary, const FrameLimits& limits = {});

}  // namespace fleetaudit::remote

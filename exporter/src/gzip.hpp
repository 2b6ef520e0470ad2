#pragma once
// gzip for a response whose large head is compressed ahead of time and
// whose small tail (live self-metrics) is compressed per request: the head
// ends on a full flush, the tail is a fresh deflate stream after it, and the
// trailer carries the combined CRC, so the result is one gzip member.

#include <string>
#include <string_view>

namespace fleetaudit::exporter {

struct GzipHead {
  std::string bytes;          ///< gzip header and the head's deflate blocks (not final)
  unsigned long crc = 0;      ///< CRC-32 of the head's text
  unsigned long length = 0;   ///< bytes of the head's text
};

/// Compresses `text` as the head of a gzip member.
GzipHead gzip_head(std::string_view text, int level = 6);

/// The rest of the member after `head.bytes`: `tail` compressed, the final
/// block and the trailer.
std::string gzip_tail(const GzipHead& head, std::string_view tail);

/// Whole-buffer gunzip (tests and benchmarks read responses back with it).
std::string gunzip(std::string_view data);

}  // namespace fleetaudit::exporter

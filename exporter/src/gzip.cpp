#include "gzip.hpp"

#include <zlib.h>

#include <stdexcept>

namespace fleetaudit::exporter {

namespace {

struct Deflater {
  z_stream z{};
  explicit Deflater(int level) {
    // Raw deflate: the gzip header and trailer are written by hand.
    if (deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("deflateInit2 failed");
  }
  ~Deflater() { deflateEnd(&z); }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  void run(std::string_view in, int flush, std::string& out) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    unsigned char buf[64 * 1024];
    int rc;
    do {
      z.next_out = buf;
      z.avail_out = sizeof buf;
      rc = deflate(&z, flush);
      if (rc == Z_STREAM_ERROR) throw std::runtime_error("deflate failed");
      out.append(reinterpret_cast<char*>(buf), sizeof buf - z.avail_out);
    } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
  }
};

void put_le32(std::string& out, unsigned long v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

}  // namespace

GzipHead gzip_head(std::string_view text, int level) {
  GzipHead h;
  // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=unix
  static const char header[10] = {'\x1f', '\x8b', 8, 0, 0, 0, 0, 0, 0, 3};
  h.bytes.assign(header, sizeof header);
  h.bytes.reserve(text.size() / 6 + 1024);
  Deflater d(level);
  // zlib takes at most 4 GiB per call; feed in slices.
  constexpr std::size_t kSlice = 1u << 30;
  for (std::size_t off = 0; off < text.size(); off += kSlice) {
    std::string_view part = text.substr(off, kSlice);
    d.run(part, off + kSlice >= text.size() ? Z_FULL_FLUSH : Z_NO_FLUSH, h.bytes);
  }
  if (text.empty()) d.run({}, Z_FULL_FLUSH, h.bytes);
  h.crc = crc32_z(crc32_z(0, nullptr, 0), reinterpret_cast<const Bytef*>(text.data()), text.size());
  h.length = static_cast<unsigned long>(text.size());
  return h;
}

std::string gzip_tail(const GzipHead& head, std::string_view tail) {
  std::string out;
  Deflater d(Z_DEFAULT_COMPRESSION);
  d.run(tail, Z_FINISH, out);
  unsigned long crc_tail = crc32_z(crc32_z(0, nullptr, 0), reinterpret_cast<const Bytef*>(tail.data()), tail.size());
  put_le32(out, crc32_combine(head.crc, crc_tail, static_cast<z_off_t>(tail.size())));
  put_le32(out, (head.length + tail.size()) & 0xffffffffUL);
  return out;
}

std::string gunzip(std::string_view data) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) throw std::runtime_error("inflateInit2 failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  unsigned char buf[64 * 1024];
  int rc;
  do {
    z.next_out = buf;
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      throw std::runtime_error("gunzip: corrupt data");
    }
    out.append(reinterpret_cast<char*>(buf), sizeof buf - z.avail_out);
  } while (rc != Z_STREAM_END);
  bool trailing = z.avail_in != 0;
  inflateEnd(&z);
  if (trailing) throw std::runtime_error("gunzip: data after the gzip member");
  return out;
}

}  // namespace fleetaudit::exporter

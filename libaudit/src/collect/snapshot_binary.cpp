// The binary snapshot encoding: what the agent sends over SSH. Compact and
// cheap to decode (no escaping, no tree), and a stream cut anywhere still
// yields every whole file before the cut.
//
//   "FASNAP1\n" host collector collected_at
//   { 'F' path type error flags link_target mode uid gid size mtime content content_error n entries... }*
//   { 'G' pattern n matches... }*
//   { 'E' message }*
//   { 'T' tag }*
//   "\nFASNAP1-END\n"
//
// Strings are a LEB128 length and the bytes; numbers are LEB128. flags:
// 1 is_symlink, 2 has_content, 4 truncated, 8 redacted, 16 has_entries.

#include "collect/snapshot_binary.hpp"

#include <algorithm>

namespace fleetaudit {

namespace {

constexpr std::string_view kMagic = "FASNAP1\n";
constexpr std::string_view kEnd = "\nFASNAP1-END\n";

void put_num(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

void put_str(std::string& out, std::string_view s) {
  put_num(out, s.size());
  out.append(s);
}

struct Cut {};  // the data stopped: not an error

class Decoder {
 public:
  Decoder(std::string_view d, std::uint64_t max_content, detail::BinaryDecode& out) : d_(d), max_(max_content), out_(out) {}

  void run() {
    try {
      if (d_.size() < kMagic.size()) {
        if (!kMagic.starts_with(d_)) fail("not a binary snapshot");
        return;
      }
      if (!d_.starts_with(kMagic)) return fail("not a binary snapshot");
      pos_ = kMagic.size();
      Snapshot& s = out_.snapshot;
      s.host = str();
      s.collector = str();
      s.collected_at = str();
      for (;;) {
        if (d_.substr(pos_).starts_with(kEnd)) {
          pos_ += kEnd.size();
          if (pos_ != d_.size()) return fail("data after the end marker");
          out_.complete = true;
          return;
        }
        std::size_t start = pos_;
        char tag = byte();
        if (tag == 'F') {
          file();
        } else if (tag == 'G') {
          std::string pattern = str();
          std::uint64_t n = count();
          std::vector<std::string> matches;
          for (std::uint64_t i = 0; i < n; ++i) matches.push_back(str());
          std::sort(matches.begin(), matches.end());
          s.globs.insert_or_assign(std::move(pattern), std::move(matches));
        } else if (tag == 'E') {
          s.errors.push_back(str());
        } else if (tag == 'T') {
          s.tags.push_back(str());
        } else if (tag == 'K') {
          std::string kind = str();
          if (kind == "manifests") {
            s.kind = Snapshot::Kind::manifests;
          } else if (kind != "host") {
            pos_ = start;
            return fail("unknown snapshot kind");
          }
        } else if (tag == 'M') {
          s.manifests.push_back(str());
        } else if (tag == '\n' && kEnd.starts_with(d_.substr(start))) {
          return;  // cut inside the end marker
        } else {
          pos_ = start;
          return fail("unknown entry tag");
        }
        if (!out_.error.empty()) return;
      }
    } catch (const Cut&) {
      // what was whole is kept
    }
  }

 private:
  void fail(std::string why) {
    if (out_.error.empty()) out_.error = "byte " + std::to_string(pos_) + ": " + std::move(why);
  }

  char byte() {
    if (pos_ >= d_.size()) throw Cut{};
    return d_[pos_++];
  }

  std::uint64_t num() {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      auto b = static_cast<unsigned char>(byte());
      if (shift > 63 || (shift == 63 && (b & 0x7e))) {
        fail("number too large");
        throw Cut{};
      }
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  }

  // A count of items that each take at least one byte: more than the bytes
  // left is a cut (or a lie, which ends the same way).
  std::uint64_t count() {
    std::uint64_t n = num();
    if (n > d_.size() - pos_) throw Cut{};
    return n;
  }

  std::string_view view() {
    std::uint64_t n = num();
    if (n > d_.size() - pos_) throw Cut{};
    std::string_view v = d_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  std::string str() { return std::string(view()); }

  void file() {
    FileFact f;
    f.path = str();
    std::uint64_t type = num();
    if (type > static_cast<std::uint64_t>(FileType::error)) return fail("bad file type");
    f.type = static_cast<FileType>(type);
    f.error = str();
    std::uint64_t flags = num();
    if (flags > 31) return fail("bad file flags");
    f.is_symlink = flags & 1;
    f.has_content = flags & 2;
    f.truncated = flags & 4;
    f.redacted = flags & 8;
    f.has_entries = flags & 16;
    f.link_target = str();
    std::uint64_t mode = num(), uid = num(), gid = num();
    if (mode > 07777 || uid > 0xffffffffu || gid > 0xffffffffu) return fail("bad file metadata");
    f.mode = static_cast<std::uint32_t>(mode);
    f.uid = static_cast<std::uint32_t>(uid);
    f.gid = static_cast<std::uint32_t>(gid);
    f.size = num();
    std::uint64_t mtime = num();
    if (mtime > (1ull << 62)) return fail("bad file time");
    f.mtime = static_cast<std::int64_t>(mtime);
    std::string_view content = view();
    if (content.size() > max_) {
      content = content.substr(0, static_cast<std::size_t>(max_));
      f.truncated = true;
    }
    f.content.assign(content);
    f.content_error = str();
    std::uint64_t n = count();
    f.entries.reserve(static_cast<std::size_t>(n));
    for (std::uint64_t i = 0; i < n; ++i) f.entries.push_back(str());
    std::sort(f.entries.begin(), f.entries.end());
    std::string key = f.path;
    out_.snapshot.files.insert_or_assign(std::move(key), std::move(f));
  }

  std::string_view d_;
  std::uint64_t max_;
  detail::BinaryDecode& out_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string to_binary(const Snapshot& s) {
  std::string out;
  std::size_t guess = 256;
  for (const auto& [path, f] : s.files) guess += path.size() + f.content.size() + 32 + f.entries.size() * 16;
  out.reserve(guess);
  out += kMagic;
  put_str(out, s.host);
  put_str(out, s.collector);
  put_str(out, s.collected_at);
  for (const auto& [path, f] : s.files) {
    out += 'F';
    put_str(out, path);
    put_num(out, static_cast<std::uint64_t>(f.type));
    put_str(out, f.error);
    put_num(out, (f.is_symlink ? 1u : 0u) | (f.has_content ? 2u : 0u) | (f.truncated ? 4u : 0u) | (f.redacted ? 8u : 0u) |
                     (f.has_entries ? 16u : 0u));
    put_str(out, f.link_target);
    put_num(out, f.mode & 07777);
    put_num(out, f.uid);
    put_num(out, f.gid);
    put_num(out, f.size);
    put_num(out, static_cast<std::uint64_t>(f.mtime < 0 ? 0 : f.mtime));
    put_str(out, f.content);
    put_str(out, f.content_error);
    put_num(out, f.entries.size());
    for (const auto& e : f.entries) put_str(out, e);
  }
  for (const auto& [pattern, matches] : s.globs) {
    out += 'G';
    put_str(out, pattern);
    put_num(out, matches.size());
    for (const auto& m : matches) put_str(out, m);
  }
  for (const auto& e : s.errors) {
    out += 'E';
    put_str(out, e);
  }
  for (const auto& t : s.tags) {
    out += 'T';
    put_str(out, t);
  }
  if (s.kind == Snapshot::Kind::manifests) {
    out += 'K';
    put_str(out, "manifests");
  }
  for (const auto& m : s.manifests) {
    out += 'M';
    put_str(out, m);
  }
  out += kEnd;
  return out;
}

Expected<Snapshot> snapshot_from_binary(std::string_view data) {
  detail::BinaryDecode r = detail::decode_snapshot_binary(data);
  if (!r.error.empty()) return std::unexpected(Error{"binary snapshot: " + r.error});
  if (!r.complete) return std::unexpected(Error{"binary snapshot: the data stops early (" + std::to_string(data.size()) + " bytes)"});
  return std::move(r.snapshot);
}

detail::BinaryDecode detail::decode_snapshot_binary(std::string_view data, std::uint64_t max_content) {
  BinaryDecode out;
  Decoder(data, max_content, out).run();
  return out;
}

}  // namespace fleetaudit

#include "collect/ssh/frames.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <vector>

#include "collect/probes.hpp"
#include "collect/redact.hpp"
#include "collect/snapshot_binary.hpp"
#include "util/strings.hpp"

namespace fleetaudit::remote {

namespace {

class Reader {
 public:
  Reader(std::string_view data, std::string_view boundary, const FrameLimits& limits, FrameResult& out)
      : d_(data), b_(boundary), limits_(limits), out_(out) {}

  void run() {
    while (pos_ < d_.size() && out_.error.empty()) {
      std::string_view type, args;
      if (!header(type, args)) return;
      if (!out_.started && type != "S") return fail("the stream does not begin with the script's hello");
      if (type == "S") {
        out_.started = true;
      } else if (type == "A") {
        agent();
        return;
      } else if (type == "G") {
        glob();
      } else if (type == "N") {
        meta(args);
      } else if (type == "L") {
        listing(args);
      } else if (type == "K") {
        bulk(args);
      } else if (type == "C") {
        content(args);
      } else if (type == "R") {
        probe(args);
      } else if (type == "Z") {
        out_.complete = true;
        ++out_.records;
        if (pos_ != d_.size()) fail("data after the final record");
        return;
      } else {
        return fail("unknown record type '" + util::clip(type, 16) + "'");
      }
      ++out_.records;
    }
  }

 private:
  void fail(std::string why) {
    if (out_.error.empty()) out_.error = "byte " + std::to_string(pos_) + ": " + std::move(why);
  }

  // "<boundary> <type>[ <args>]\n"
  bool header(std::string_view& type, std::string_view& args) {
    std::size_t nl = d_.find('\n', pos_);
    if (nl == std::string_view::npos) {
      // The stream stopped inside a header (the host went away mid-record),
      // unless what is left could never have been one.
      std::string_view rest = d_.substr(pos_);
      bool could_be = rest.size() > b_.size() ? rest.starts_with(b_) && rest.size() <= b_.size() + 64 : b_.starts_with(rest);
      if (!could_be) fail("expected a record header, found '" + util::clip(rest, 40) + "'");
      pos_ = d_.size();
      return false;
    }
    std::string_view line = d_.substr(pos_, nl - pos_);
    if (line.size() > b_.size() + 64 || !line.starts_with(b_) || line.size() < b_.size() + 2 || line[b_.size()] != ' ') {
      fail("expected a record header, found '" + util::clip(line, 40) + "'");
      return false;
    }
    std::string_view rest = line.substr(b_.size() + 1);
    std::size_t sp = rest.find(' ');
    type = rest.substr(0, sp);
    args = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
    pos_ = nl + 1;
    return true;
  }

  bool eof() const { return pos_ >= d_.size(); }

  // A NUL-terminated field; false (without error) when the stream stopped.
  bool field(std::string_view& out) {
    std::size_t nul = d_.find('\0', pos_);
    if (nul == std::string_view::npos) {
      pos_ = d_.size();
      return false;
    }
    out = d_.substr(pos_, nul - pos_);
    pos_ = nul + 1;
    return true;
  }

  // The exact line "<boundary> <type>\n" must come next.
  bool marker(std::string_view type) {
    std::string want = std::string(b_) + " " + std::string(type) + "\n";
    if (d_.substr(pos_, want.size()) == want) {
      pos_ += want.size();
      return true;
    }
    if (d_.size() - pos_ < want.size() && want.starts_with(d_.substr(pos_))) {
      pos_ = d_.size();  // cut off
      return false;
    }
    fail("expected '" + std::string(type) + "' marker");
    return false;
  }

  // Lines up to the marker "<boundary> <type>\n".
  bool lines_until(std::string_view type, std::vector<std::string_view>& lines) {
    std::string want = std::string(b_) + " " + std::string(type) + "\n";
    for (;;) {
      if (d_.substr(pos_, want.size()) == want) {
        pos_ += want.size();
        return true;
      }
      std::size_t nl = d_.find('\n', pos_);
      if (nl == std::string_view::npos) {
        pos_ = d_.size();
        return false;
      }
      std::string_view line = d_.substr(pos_, nl - pos_);
      if (line.starts_with(b_)) {
        fail("unexpected record inside a list");
        return false;
      }
      lines.push_back(line);
      pos_ = nl + 1;
    }
  }

  FileFact& file(std::string_view path) {
    auto it = out_.snapshot.files.find(path);
    if (it == out_.snapshot.files.end()) {
      FileFact f;
      f.path = std::string(path);
      it = out_.snapshot.files.emplace(f.path, std::move(f)).first;
    }
    return it->second;
  }

  void set_content(FileFact& f, std::string_view bytes) {
    f.has_content = true;
    f.content_error.clear();
    f.truncated = bytes.size() > limits_.max_file_bytes;
    f.content.assign(bytes.substr(0, static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), limits_.max_file_bytes))));
    f.redacted = hostfs::redact_secrets(f.path, f.content);
  }

  static std::optional<std::uint64_t> number(std::string_view s, int base = 10) {
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc{} || p != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
  }

  // The agent's binary snapshot (collect --encoding binary). A cut stream
  // keeps every whole file that arrived; the file limit and the redaction of
  // secrets apply as on the shell path (the scanner does not rely on the host).
  void agent() {
    out_.agent = true;
    const std::size_t start = pos_;
    detail::BinaryDecode r = detail::decode_snapshot_binary(d_.substr(pos_), limits_.max_file_bytes);
    pos_ = d_.size();
    out_.snapshot = std::move(r.snapshot);
    for (auto& [path, f] : out_.snapshot.files) {
      if (f.has_content && hostfs::redact_secrets(path, f.content)) f.redacted = true;
    }
    out_.records = out_.snapshot.files.size() + out_.snapshot.globs.size();
    if (!r.error.empty()) {
      out_.error = "agent output: byte " + std::to_string(start) + " + " + r.error;
      return;
    }
    out_.complete = r.complete;
  }

  void glob() {
    std::string_view pattern, match;
    if (!field(pattern)) return;
    std::vector<std::string> matches;
    for (;;) {
      if (!field(match)) return;
      if (match.empty()) break;
      matches.emplace_back(match);
    }
    std::sort(matches.begin(), matches.end());
    matches.erase(std::unique(matches.begin(), matches.end()), matches.end());
    out_.snapshot.globs.insert_or_assign(std::string(pattern), std::move(matches));
  }

  void meta(std::string_view args) {
    auto count = number(args);
    if (!count || *count > (1u << 24)) return fail("bad metadata count '" + util::clip(args, 20) + "'");
    struct Entry {
      FileFact* fact;
      bool exists;
    };
    std::vector<Entry> entries;
    for (std::uint64_t i = 0; i < *count; ++i) {
      std::string_view head_path, target;
      if (!field(head_path) || !field(target)) return;
      if (head_path.size() < 3 || (head_path[0] != 'e' && head_path[0] != 'n' && head_path[0] != 'x') ||
          (head_path[1] != '0' && head_path[1] != '1'))
        return fail("bad metadata entry");
      FileFact& f = file(head_path.substr(2));
      f.is_symlink = head_path[1] == '1';
      f.link_target = std::string(target);
      f.error.clear();
      if (head_path[0] == 'n') f.type = FileType::missing;
      if (head_path[0] == 'x') {
        f.type = FileType::error;
        f.error = "permission denied";
      }
      entries.push_back({&f, head_path[0] == 'e'});
    }
    if (!marker("T")) return;
    std::vector<std::string_view> lines;
    if (!lines_until("U", lines)) return;
    std::size_t existing = std::count_if(entries.begin(), entries.end(), [](const Entry& e) { return e.exists; });
    if (lines.size() != existing) {
      // A file came or went between the test and the stat: which line is
      // whose cannot be told, so none is believed.
      for (auto& e : entries) {
        if (!e.exists) continue;
        e.fact->type = FileType::error;
        e.fact->error = "metadata unavailable: files changed during collection";
      }
      return;
    }
    std::size_t k = 0;
    for (auto& e : entries) {
      if (!e.exists) continue;
      auto f = util::split_ws(lines[k++]);
      const bool shape = f.size() == 4 || f.size() == 5;  // mode uid gid size [mtime]
      auto raw = shape ? number(f[0], 16) : std::nullopt;
      auto uid = shape ? number(f[1]) : std::nullopt;
      auto gid = shape ? number(f[2]) : std::nullopt;
      auto size = shape ? number(f[3]) : std::nullopt;
      auto mtime = f.size() == 5 ? number(f[4]) : std::optional<std::uint64_t>(0);
      if (!raw || !uid || !gid || !size || !mtime) return fail("bad stat line '" + util::clip(lines[k - 1], 60) + "'");
      e.fact->mtime = static_cast<std::int64_t>(*mtime);
      std::uint64_t kind = *raw & 0170000;
      e.fact->type = kind == 0100000 ? FileType::regular : kind == 0040000 ? FileType::directory : FileType::other;
      e.fact->mode = static_cast<std::uint32_t>(*raw & 07777);
      e.fact->uid = static_cast<std::uint32_t>(*uid);
      e.fact->gid = static_cast<std::uint32_t>(*gid);
      e.fact->size = *size;
    }
  }

  void listing(std::string_view args) {
    std::string_view path, name;
    if (!field(path)) return;
    FileFact& f = file(path);
    if (args == "0") {
      f.content_error = "cannot list directory";
      return;
    }
    if (args != "1") return fail("bad listing flag");
    std::vector<std::string> names;
    for (;;) {
      if (!field(name)) return;
      if (name.empty()) break;
      names.emplace_back(name);
    }
    std::sort(names.begin(), names.end());
    f.entries = std::move(names);
    f.has_entries = true;
  }

  void bulk(std::string_view args) {
    auto count = number(args);
    if (!count || *count > (1u << 24)) return fail("bad content count");
    std::vector<std::string_view> paths;
    for (std::uint64_t i = 0; i < *count; ++i) {
      std::string_view p;
      if (!field(p)) return;
      paths.push_back(p);
    }
    if (!marker("k")) return;
    std::vector<std::string_view> before, after;
    if (!lines_until("k", before)) return;
    std::vector<std::uint64_t> sizes;
    std::uint64_t total = 0;
    bool sizes_ok = before.size() == paths.size();
    for (auto l : before) {
      auto n = number(l);
      if (!n) sizes_ok = false;
      sizes.push_back(n.value_or(0));
      total += n.value_or(0);
    }
    std::string want = std::string(b_) + " k\n";
    const std::size_t start = pos_;
    bool aligned = sizes_ok && total <= d_.size() - start && d_.substr(start + total, want.size()) == want;
    std::size_t content_end;
    if (aligned) {
      content_end = start + total;
    } else {
      // Resynchronize on the marker that follows the content.
      std::size_t m = d_.find(want, start);
      if (m == std::string_view::npos) {
        pos_ = d_.size();
        return;
      }
      content_end = m;
      aligned = false;
    }
    pos_ = content_end + want.size();
    if (!lines_until("Y", after)) return;
    bool same = aligned && after.size() == before.size() && std::equal(after.begin(), after.end(), before.begin());
    std::size_t off = start;
    for (std::size_t i = 0; i < paths.size(); ++i) {
      FileFact& f = file(paths[i]);
      if (!same) {
        f.has_content = false;
        f.content.clear();
        f.content_error = "content changed while it was collected";
        continue;
      }
      set_content(f, d_.substr(off, sizes[i]));
      off += sizes[i];
    }
  }

  // "R @probe\n" raw lines "\n<B> E 0\n": made canonical by the local
  // collector's own function, so both paths give the same fact.
  void probe(std::string_view args) {
    const auto& known = hostfs::probe_names();
    if (std::find(known.begin(), known.end(), args) == known.end()) return fail("unknown probe '" + util::clip(args, 40) + "'");
    std::string want = "\n" + std::string(b_) + " E ";
    std::size_t end = d_.find(want, pos_);
    if (end == std::string_view::npos) {
      pos_ = d_.size();
      return;
    }
    std::size_t nl = d_.find('\n', end + want.size());
    if (nl == std::string_view::npos) {
      pos_ = d_.size();
      return;
    }
    FileFact& f = file(args);
    f.type = FileType::regular;
    f.mode = 0444;
    f.has_content = true;
    std::string_view raw = d_.substr(pos_, end - pos_);
    f.content = hostfs::canonical_probe(args, raw);
    if (f.content.size() > limits_.max_file_bytes) {
      f.content.resize(static_cast<std::size_t>(limits_.max_file_bytes));
      f.truncated = true;
    }
    f.size = f.content.size();
    pos_ = nl + 1;
  }

  void content(std::string_view args) {
    std::string_view path;
    if (!field(path)) return;
    FileFact& f = file(path);
    if (args == "0") {
      f.has_content = false;
      f.content_error = "permission denied";
      return;
    }
    if (args != "1") return fail("bad content flag");
    std::string want = "\n" + std::string(b_) + " E ";
    std::size_t end = d_.find(want, pos_);
    if (end == std::string_view::npos) {
      pos_ = d_.size();
      return;
    }
    std::size_t nl = d_.find('\n', end + want.size());
    if (nl == std::string_view::npos) {
      pos_ = d_.size();
      return;
    }
    set_content(f, d_.substr(pos_, end - pos_));
    pos_ = nl + 1;
  }

  std::string_view d_;
  std::string_view b_;
  const FrameLimits& limits_;
  FrameResult& out_;
  std::size_t pos_ = 0;
};

}  // namespace

FrameResult parse_frames(std::string_view data, std::string_view boundary, const FrameLimits& limits) {
  FrameResult out;
  Reader(data, boundary, limits, out).run();
  return out;
}

}  // namespace fleetaudit::remote

#include "collect/probes.hpp"

#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "collect/filesystem.hpp"
#include "fleetaudit/version_compare.hpp"
#include "parse/dpkg_status.hpp"
#include "util/strings.hpp"

namespace fleetaudit::hostfs {

namespace {

constexpr std::uint64_t kMapsLimit = 8ull << 20;
constexpr std::uint64_t kListLimit = 1ull << 30;

FileFact probe_fact(const std::string& name) {
  FileFact f;
  f.path = name;
  f.type = FileType::regular;
  f.mode = 0444;
  f.has_content = true;
  return f;
}

std::string read_all(Filesystem& fs, const std::string& path, std::uint64_t limit, bool* ok = nullptr) {
  FileFact f = fs.examine(path);
  if (f.type != FileType::regular) {
    if (ok) *ok = false;
    return {};
  }
  fs.read_content(f, limit);
  if (ok) *ok = f.has_content;
  return std::move(f.content);
}

// ---------------------------------------------------------------- maps

// A mapped path worth reporting: a library or program that was replaced on
// disk (not an anonymous memfd, shared memory or a scratch file).
bool stale_candidate(std::string_view path) {
  if (path.starts_with("/memfd:") || path.starts_with("/dev/") || path.starts_with("/SYSV") || path.starts_with("/tmp/") ||
      path.starts_with("/run/") || path.starts_with("/var/") || path.starts_with("/proc/"))
    return false;
  return path.find(".so") != std::string_view::npos || path.starts_with("/usr/") || path.starts_with("/lib") ||
         path.starts_with("/bin/") || path.starts_with("/sbin/") || path.starts_with("/opt/");
}

FileFact deleted_maps(Filesystem& fs) {
  FileFact out = probe_fact("@deleted-maps");
  std::vector<std::string> pids = fs.expand("/proc/[0-9]*");
  std::string raw;
  for (const auto& dir : pids) {
    bool ok = false;
    std::string maps = read_all(fs, dir + "/maps", kMapsLimit, &ok);
    if (!ok || maps.find(" (deleted)") == std::string::npos) continue;
    std::string comm = read_all(fs, dir + "/comm", 256);
    comm = comm.substr(0, comm.find('\n'));
    std::string cgroup = read_all(fs, dir + "/cgroup", 64 << 10);
    cgroup = cgroup.substr(0, cgroup.find('\n'));
    const std::string pid = dir.substr(dir.rfind('/') + 1);
    for (auto line : util::split(maps, '\n')) {
      if (!line.ends_with(" (deleted)")) continue;
      raw += pid + "\t" + comm + "\t" + cgroup + "\t";
      raw.append(line);
      raw += '\n';
    }
  }
  out.content = canonical_probe("@deleted-maps", raw);
  out.size = out.content.size();
  return out;
}

std::string canonical_deleted_maps(std::string_view raw) {
  // per process (in the order met): its stale files, each once
  std::string out;
  std::string last_pid;
  std::vector<std::string> seen;
  for (auto line : util::split(raw, '\n')) {
    auto f = util::split(line, '\t');
    if (f.size() < 4) continue;
    std::string_view maps = line.substr(f[0].size() + f[1].size() + f[2].size() + 3);
    std::size_t slash = maps.find(" /");
    if (slash == std::string_view::npos || !maps.ends_with(" (deleted)")) continue;
    std::string_view path = util::trim(maps.substr(slash + 1, maps.size() - slash - 1 - std::strlen(" (deleted)")));
    if (!stale_candidate(path)) continue;
    if (f[0] != last_pid) {
      last_pid = std::string(f[0]);
      seen.clear();
    }
    if (std::find(seen.begin(), seen.end(), path) != seen.end()) continue;
    seen.emplace_back(path);
    std::string comm(util::trim(f[1]));
    out += std::string(f[0]) + "\t" + comm + "\t" + std::string(util::trim(f[2])) + "\t" + std::string(path) + "\n";
  }
  return out;
}

// ---------------------------------------------------------------- cpu

FileFact cpu_flags(Filesystem& fs) {
  FileFact out = probe_fact("@cpu-flags");
  // No /proc/cpuinfo (an image, a chroot): no flags, as the shell path says too.
  std::string info = read_all(fs, "/proc/cpuinfo", 16 << 20);
  std::string raw;
  for (auto line : util::split(info, '\n')) {
    if (line.starts_with("flags") || line.starts_with("Features")) {
      raw = std::string(line) + "\n";
      break;
    }
  }
  out.content = canonical_probe("@cpu-flags", raw);
  out.size = out.content.size();
  return out;
}

// ---------------------------------------------------------------- apt

// Decompressors feed the text to `sink` in pieces, so a list of 50 MB is
// never held whole: only the compressed file and one buffer are.
using Sink = std::function<void(std::string_view)>;
constexpr std::size_t kChunk = 256 << 10;

bool decompress_lz4(std::string_view in, const Sink& sink) {
  LZ4F_dctx* ctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION))) return false;
  std::string buf(kChunk, '\0');
  const char* src = in.data();
  std::size_t left = in.size();
  std::size_t hint = 1;
  while (left > 0 && hint != 0) {
    std::size_t dst_size = buf.size(), src_size = left;
    hint = LZ4F_decompress(ctx, buf.data(), &dst_size, src, &src_size, nullptr);
    if (LZ4F_isError(hint)) {
      LZ4F_freeDecompressionContext(ctx);
      return false;
    }
    if (dst_size) sink(std::string_view(buf.data(), dst_size));
    src += src_size;
    left -= src_size;
    if (src_size == 0 && dst_size == 0) break;
  }
  LZ4F_freeDecompressionContext(ctx);
  return true;
}

bool decompress_gz(std::string_view in, const Sink& sink) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) return false;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  std::string buf(kChunk, '\0');
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buf.data());
    z.avail_out = static_cast<uInt>(buf.size());
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      return false;
    }
    if (buf.size() != z.avail_out) sink(std::string_view(buf.data(), buf.size() - z.avail_out));
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) break;  // truncated input: keep what came
  }
  inflateEnd(&z);
  return true;
}

bool decompress_xz(std::string_view in, const Sink& sink) {
  lzma_stream s = LZMA_STREAM_INIT;
  if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK) return false;
  s.next_in = reinterpret_cast<const uint8_t*>(in.data());
  s.avail_in = in.size();
  std::string buf(kChunk, '\0');
  lzma_ret rc = LZMA_OK;
  while (rc == LZMA_OK) {
    s.next_out = reinterpret_cast<uint8_t*>(buf.data());
    s.avail_out = buf.size();
    rc = lzma_code(&s, LZMA_FINISH);
    if (buf.size() != s.avail_out) sink(std::string_view(buf.data(), buf.size() - s.avail_out));
  }
  lzma_end(&s);
  return rc == LZMA_STREAM_END;
}

// Splits text arriving in pieces into lines (the last may lack its '\n').
class LineSplitter {
 public:
  template <class Line>
  void feed(std::string_view piece, Line&& line) {
    std::size_t pos = 0;
    while (pos < piece.size()) {
      std::size_t end = piece.find('\n', pos);
      if (end == std::string_view::npos) {
        partial_.append(piece.substr(pos));
        return;
      }
      if (partial_.empty()) {
        line(piece.substr(pos, end - pos));
      } else {
        partial_.append(piece.substr(pos, end - pos));
        line(std::string_view(partial_));
        partial_.clear();
      }
      pos = end + 1;
    }
  }
  template <class Line>
  void finish(Line&& line) {
    if (!partial_.empty()) line(std::string_view(partial_));
    partial_.clear();
  }

 private:
  std::string partial_;
};

// The lines of one apt list: the versions of the installed packages, as raw
// probe lines.
class AptListScanner {
 public:
  AptListScanner(bool security, const std::vector<std::string>& installed, std::string& raw)
      : security_(security), installed_(installed), raw_(raw) {}
  void line(std::string_view l) {
    if (l.size() > 9 && l[0] == 'P' && l.starts_with("Package: ")) {
      name_.assign(util::trim(l.substr(9)));
      wanted_ = std::binary_search(installed_.begin(), installed_.end(), name_);
    } else if (wanted_ && l.size() > 9 && l[0] == 'V' && l.starts_with("Version: ")) {
      raw_.append(name_);
      raw_ += '\t';
      raw_.append(util::trim(l.substr(9)));
      raw_ += security_ ? "\tS\n" : "\t-\n";
      wanted_ = false;
    }
  }

 private:
  bool security_;
  const std::vector<std::string>& installed_;
  std::string& raw_;
  std::string name_;
  bool wanted_ = false;
};

std::string file_name_of(std::string_view path) { return std::string(path.substr(path.rfind('/') + 1)); }

FileFact text_fact(const std::string& name, std::string content) {
  FileFact f = probe_fact(name);
  f.content = std::move(content);
  f.size = f.content.size();
  return f;
}

// The files matching `patterns`, sorted, examined; each one's identity (path,
// size, time) is added to `key`, the cache key of a probe that reads them.
std::vector<FileFact> probe_inputs(Filesystem& fs, std::initializer_list<const char*> patterns, std::string& key) {
  std::vector<std::string> paths;
  for (const char* pat : patterns)
    for (auto& m : fs.expand(pat)) paths.push_back(std::move(m));
  std::sort(paths.begin(), paths.end());
  std::vector<FileFact> out;
  for (const auto& p : paths) {
    FileFact f = fs.examine(p);
    key += p + " " + std::to_string(f.size) + " " + std::to_string(f.mtime) + "\n";
    out.push_back(std::move(f));
  }
  return out;
}

// Reads one input through the decompressor its name asks for (.lz4, .gz,
// .xz, or none), line by line, and lets it go; what went wrong becomes a
// "#\tPROBLEM" raw line.
void read_lines(Filesystem& fs, FileFact& f, std::string& raw, const std::function<void(std::string_view)>& line) {
  fs.read_content(f, kListLimit);
  if (!f.has_content) {
    raw += "#\t" + f.path + ": " + (f.content_error.empty() ? "not readable" : f.content_error) + "\n";
    return;
  }
  LineSplitter lines;
  auto sink = [&](std::string_view piece) { lines.feed(piece, line); };
  bool ok = true;
  if (f.path.ends_with(".lz4")) ok = decompress_lz4(f.content, sink);
  else if (f.path.ends_with(".gz")) ok = decompress_gz(f.content, sink);
  else if (f.path.ends_with(".xz")) ok = decompress_xz(f.content, sink);
  else sink(f.content);
  lines.finish(line);
  f.content.clear();
  f.content.shrink_to_fit();
  if (!ok) raw += "#\t" + f.path + ": does not decompress\n";
}

// Probe results kept between scans, keyed by the identity (path, size,
// time) of every input: unchanged inputs, last scan's answer.
std::filesystem::path cache_path(const std::filesystem::path& cache_dir, const char* prefix, const std::string& key) {
  if (cache_dir.empty()) return {};
  return cache_dir / (prefix + std::to_string(std::hash<std::string>{}(key)) + ".txt");
}

std::optional<std::string> cache_lookup(const std::filesystem::path& file, const std::string& key) {
  if (file.empty()) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string cached = ss.str();
  if (!cached.starts_with(key)) return std::nullopt;
  return cached.substr(key.size());
}

void cache_store(const std::filesystem::path& file, const std::string& key, const std::string& content) {
  if (file.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  {
    std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
    o << key << content;
    if (!o) return;
  }
  std::filesystem::rename(tmp, file, ec);
}

FileFact apt_candidates(Filesystem& fs, const std::filesystem::path& cache_dir) {
  FileFact status = fs.examine("/var/lib/dpkg/status");
  if (status.type != FileType::regular) return text_fact("@apt-candidates", "#\tno dpkg database (/var/lib/dpkg/status)\n");
  // The cache key: every input's identity. Unchanged lists and database:
  // last scan's answer, without reading 50 MB of lists again.
  std::string key = "fleetaudit-apt-candidates 1\nstatus " + std::to_string(status.size) + " " + std::to_string(status.mtime) + "\n";
  std::vector<FileFact> lists = probe_inputs(fs,
                                             {"/var/lib/apt/lists/*_Packages", "/var/lib/apt/lists/*_Packages.lz4",
                                              "/var/lib/apt/lists/*_Packages.gz", "/var/lib/apt/lists/*_Packages.xz"},
                                             key);
  if (lists.empty()) return text_fact("@apt-candidates", "#\tno apt lists in /var/lib/apt/lists (apt-get update has not run)\n");
  std::filesystem::path cache_file = cache_path(cache_dir, "apt-", fs.root() + "\n" + key);
  if (auto hit = cache_lookup(cache_file, key)) return text_fact("@apt-candidates", std::move(*hit));
  fs.read_content(status, 256ull << 20);
  parse::PackageDatabase db = parse::parse_dpkg_status(status.content);
  std::vector<std::string> installed;
  for (const auto& p : db.packages)
    if (p.present) installed.push_back(p.name);
  std::sort(installed.begin(), installed.end());
  installed.erase(std::unique(installed.begin(), installed.end()), installed.end());

  std::string raw;
  for (auto& f : lists) {
    AptListScanner scan(is_security_list(file_name_of(f.path)), installed, raw);
    read_lines(fs, f, raw, [&](std::string_view l) { scan.line(l); });
  }
  FileFact out = text_fact("@apt-candidates", canonical_probe("@apt-candidates", raw));
  cache_store(cache_file, key, out.content);
  return out;
}

// ---------------------------------------------------------------- dnf

// The value of ` KEY="..."` on a line, as the shell path's awk reads it.
std::string xml_attr(std::string_view line, std::string_view key) {
  std::string pat = " " + std::string(key) + "=\"";
  std::size_t at = line.find(pat);
  if (at == std::string_view::npos) return {};
  at += pat.size();
  std::size_t end = line.find('"', at);
  if (end == std::string_view::npos) return {};
  return std::string(line.substr(at, end - at));
}

std::string xml_text(std::string_view line, std::string_view tag) {
  std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
  std::size_t at = line.find(open);
  if (at == std::string_view::npos) return {};
  at += open.size();
  std::size_t end = line.find(close, at);
  return std::string(line.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
}

std::string evr(const std::string& e, const std::string& v, const std::string& r) {
  return (e.empty() || e == "0" ? std::string() : e + ":") + v + "-" + r;
}

// Lines of a repository's primary.xml (every package in the repository,
// createrepo writes one element per line) or updateinfo.xml (advisories):
// raw probe lines "NAME\tEVR\t-" per binary package, "NAME\tEVR\tS" per
// package a security advisory ships.
class RepoXmlScanner {
 public:
  RepoXmlScanner(bool updateinfo, std::string& raw) : updateinfo_(updateinfo), raw_(raw) {}
  void line(std::string_view l) {
    if (updateinfo_) {
      if (l.find("<update ") != std::string_view::npos) {
        security_ = l.find("type=\"security\"") != std::string_view::npos;
      } else if (security_ && l.find("<package ") != std::string_view::npos) {
        if (xml_attr(l, "arch") == "src") return;
        std::string n = xml_attr(l, "name");
        if (n.empty()) return;
        raw_ += n + "\t" + evr(xml_attr(l, "epoch"), xml_attr(l, "version"), xml_attr(l, "release")) + "\tS\n";
      }
      return;
    }
    if (l.find("<name>") != std::string_view::npos) {
      name_ = xml_text(l, "name");
    } else if (l.find("<arch>") != std::string_view::npos) {
      arch_ = xml_text(l, "arch");
    } else if (l.find("<version ") != std::string_view::npos) {
      if (!name_.empty() && arch_ != "src")
        raw_ += name_ + "\t" + evr(xml_attr(l, "epoch"), xml_attr(l, "ver"), xml_attr(l, "rel")) + "\t-\n";
      name_.clear();
    }
  }

 private:
  bool updateinfo_;
  std::string& raw_;
  std::string name_, arch_;
  bool security_ = false;
};

FileFact dnf_candidates(Filesystem& fs, const std::filesystem::path& cache_dir) {
  std::string key = "fleetaudit-dnf-candidates 1\n";
  std::vector<FileFact> files = probe_inputs(
      fs,
      {"/var/cache/dnf/*/repodata/*-primary.xml", "/var/cache/dnf/*/repodata/*-primary.xml.gz",
       "/var/cache/dnf/*/repodata/*-primary.xml.xz", "/var/cache/dnf/*/repodata/*-updateinfo.xml",
       "/var/cache/dnf/*/repodata/*-updateinfo.xml.gz", "/var/cache/dnf/*/repodata/*-updateinfo.xml.xz"},
      key);
  if (files.empty())
    return text_fact("@dnf-candidates", "#\tno dnf repository cache in /var/cache/dnf (dnf makecache has not run)\n");
  std::filesystem::path cache_file = cache_path(cache_dir, "dnf-", fs.root() + "\n" + key);
  if (auto hit = cache_lookup(cache_file, key)) return text_fact("@dnf-candidates", std::move(*hit));
  std::string raw;
  for (auto& f : files) {
    RepoXmlScanner scan(f.path.find("-updateinfo.xml") != std::string::npos, raw);
    read_lines(fs, f, raw, [&](std::string_view l) { scan.line(l); });
  }
  FileFact out = text_fact("@dnf-candidates", canonical_probe("@dnf-candidates", raw));
  cache_store(cache_file, key, out.content);
  return out;
}

std::string canonical_candidates(std::string_view raw, int (*compare)(std::string_view, std::string_view)) {
  struct Best {
    std::string best, security;
  };
  std::map<std::string, Best, std::less<>> by_name;
  std::vector<std::string> problems;
  for (auto line : util::split(raw, '\n')) {
    if (line.empty()) continue;
    if (line.starts_with("#\t")) {
      problems.emplace_back(line);
      continue;
    }
    auto f = util::split(line, '\t');
    if (f.size() != 3 || f[0].empty() || f[1].empty()) continue;
    Best& b = by_name[std::string(f[0])];
    if (b.best.empty() || compare(f[1], b.best) > 0) b.best = std::string(f[1]);
    if (f[2] == "S" && (b.security.empty() || compare(f[1], b.security) > 0)) b.security = std::string(f[1]);
  }
  std::string out;
  for (const auto& [name, b] : by_name) out += name + "\t" + b.best + "\t" + (b.security.empty() ? "-" : b.security) + "\n";
  for (const auto& p : problems) out += p + "\n";
  return out;
}

}  // namespace

bool is_security_list(std::string_view n) noexcept {
  return n.find("-security_") != std::string_view::npos || n.find("_security_") != std::string_view::npos ||
         n.starts_with("security.debian.org") || n.starts_with("security.ubuntu.com");
}

std::string canonical_probe(std::string_view name, std::string_view raw) {
  if (name == "@deleted-maps") return canonical_deleted_maps(raw);
  if (name == "@apt-candidates") return canonical_candidates(raw, compare_debian_versions);
  if (name == "@dnf-candidates") return canonical_candidates(raw, compare_rpm_versions);
  if (name == "@cpu-flags") {
    std::string_view line = raw.substr(0, raw.find('\n'));
    std::size_t colon = line.find(':');
    if (line.empty()) return {};
    return std::string(util::trim(colon == std::string_view::npos ? line : line.substr(colon + 1))) + "\n";
  }
  return std::string(raw);
}

const std::vector<std::string>& probe_names() {
  static const std::vector<std::string> names{"@apt-candidates", "@cpu-flags", "@deleted-maps", "@dnf-candidates"};
  return names;
}

FileFact run_probe(Filesystem& fs, const std::string& name, const std::filesystem::path& cache_dir) {
  if (name == "@deleted-maps") return deleted_maps(fs);
  if (name == "@cpu-flags") return cpu_flags(fs);
  if (name == "@apt-candidates") return apt_candidates(fs, cache_dir);
  if (name == "@dnf-candidates") return dnf_candidates(fs, cache_dir);
  FileFact f = probe_fact(name);
  f.has_content = false;
  f.content_error = "unknown probe";
  return f;
}

}  // namespace fleetaudit::hostfs

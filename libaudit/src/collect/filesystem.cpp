#include "collect/filesystem.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>

#include "util/strings.hpp"

namespace fleetaudit::hostfs {

namespace {
constexpr int kMaxSymlinks = 40;

std::vector<std::string> components(std::string_view path) {
  std::vector<std::string> out;
  for (auto c : util::split(path, '/')) {
    if (!c.empty() && c != ".") out.emplace_back(c);
  }
  return out;
}

std::string parent_of(const std::string& p) {
  auto slash = p.rfind('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return p.substr(0, slash);
}

std::string child_of(const std::string& dir, std::string_view name) {
  return dir == "/" ? "/" + std::string(name) : dir + "/" + std::string(name);
}
}  // namespace

std::string errno_text(int err) {
  std::string s = std::strerror(err);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

Filesystem::Filesystem(std::string root) : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  chrooted_ = root_ != "/";
}

Filesystem::Resolved Filesystem::resolve(const std::string& path, bool follow_last) {
  if (!chrooted_) return {path, 0};
  std::deque<std::string> todo;
  for (auto& c : components(path)) todo.push_back(std::move(c));
  std::string cur = "/";
  int links = 0;
  while (!todo.empty()) {
    std::string c = std::move(todo.front());
    todo.pop_front();
    if (c == "..") {
      cur = parent_of(cur);  // never above the root
      continue;
    }
    std::string next = child_of(cur, c);
    if (todo.empty() && !follow_last) {
      cur = next;
      break;
    }
    struct stat st{};
    std::string real = root_ + next;
    if (::lstat(real.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) {
        // Keep resolving lexically so the caller sees "missing" for this path.
        cur = next;
        for (auto& rest : todo) cur = child_of(cur, rest);
        return {root_ + cur, ENOENT};
      }
      return {real, errno};
    }
    if (S_ISLNK(st.st_mode)) {
      if (++links > kMaxSymlinks) return {real, ELOOP};
      char buf[4096];
      ssize_t n = ::readlink(real.c_str(), buf, sizeof buf - 1);
      if (n < 0) return {real, errno};
      std::string target(buf, static_cast<std::size_t>(n));
      if (!target.empty() && target.front() == '/') cur = "/";
      auto tc = components(target);
      todo.insert(todo.begin(), tc.begin(), tc.end());
      continue;
    }
    cur = next;
  }
  return {root_ == "/" ? cur : root_ + cur, 0};
}

FileFact Filesystem::examine(const std::string& path) {
  FileFact f;
  f.path = path;
  auto fail_with = [&f](int err) {
    if (err == ENOENT || err == ENOTDIR) {
      f.type = FileType::missing;
    } else {
      f.type = FileType::error;
      f.error = errno_text(err);
    }
    return f;
  };
  // The path itself, not followed, tells whether it is a link and to what.
  Resolved self = resolve(path, false);
  if (self.err) return fail_with(self.err);
  struct stat st{};
  if (::lstat(self.real.c_str(), &st) != 0) return fail_with(errno);
  if (S_ISLNK(st.st_mode)) {
    f.is_symlink = true;
    char buf[4096];
    ssize_t n = ::readlink(self.real.c_str(), buf, sizeof buf - 1);
    if (n >= 0) f.link_target.assign(buf, static_cast<std::size_t>(n));
    // What it points at decides type, owner and mode (resolved inside the root).
    Resolved target = resolve(path, true);
    if (target.err) return fail_with(target.err);
    if (::stat(target.real.c_str(), &st) != 0) return fail_with(errno);
  }
  f.type = S_ISREG(st.st_mode) ? FileType::regular : S_ISDIR(st.st_mode) ? FileType::directory : FileType::other;
  f.mode = st.st_mode & 07777;
  f.uid = st.st_uid;
  f.gid = st.st_gid;
  f.size = static_cast<std::uint64_t>(st.st_size);
  f.mtime = static_cast<std::int64_t>(st.st_mtime);
  return f;
}

void Filesystem::read_content(FileFact& f, std::uint64_t limit) {
  if (f.type != FileType::regular) return;
  Resolved r = resolve(f.path, true);
  if (r.err) {
    f.content_error = errno_text(r.err);
    return;
  }
  int fd = ::open(r.real.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    f.content_error = errno_text(errno);
    return;
  }
  std::string out;
  // /proc and /sys files report size 0: read until EOF.
  out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(f.size ? f.size : 4096, limit)));
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      f.content_error = errno_text(errno);
      ::close(fd);
      return;
    }
    if (n == 0) break;
    std::uint64_t room = limit - out.size();
    if (static_cast<std::uint64_t>(n) > room) {
      out.append(buf, static_cast<std::size_t>(room));
      f.truncated = true;
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  f.content = std::move(out);
  f.has_content = true;
}

const std::vector<std::string>* Filesystem::entries_of(const std::string& host_dir) {
  auto it = listing_cache_.find(host_dir);
  if (it != listing_cache_.end()) return it->second ? &*it->second : nullptr;
  std::optional<std::vector<std::string>> entries;
  Resolved r = resolve(host_dir, true);
  if (!r.err) {
    if (DIR* d = ::opendir(r.real.c_str())) {
      entries.emplace();
      while (dirent* e = ::readdir(d)) {
        std::string_view name = e->d_name;
        if (name == "." || name == "..") continue;
        entries->emplace_back(name);
      }
      ::closedir(d);
      std::sort(entries->begin(), entries->end());
    }
  }
  auto [pos, _] = listing_cache_.emplace(host_dir, std::move(entries));
  return pos->second ? &*pos->second : nullptr;
}

void Filesystem::list(FileFact& f) {
  if (f.type != FileType::directory) return;
  if (const auto* e = entries_of(f.path)) {
    f.entries = *e;
    f.has_entries = true;
  } else {
    f.content_error = "cannot list directory";
  }
}

std::vector<std::string> Filesystem::expand(const std::string& pattern) {
  std::vector<std::string> current{"/"};
  auto comps = components(pattern);
  for (std::size_t i = 0; i < comps.size(); ++i) {
    const std::string& c = comps[i];
    std::vector<std::string> next;
    bool glob = c.find_first_of("*?[") != std::string::npos;
    for (const auto& dir : current) {
      if (!glob) {
        next.push_back(child_of(dir, c));
        continue;
      }
      auto key = std::make_pair(dir, c);
      auto hit = component_cache_.find(key);
      if (hit == component_cache_.end()) {
        std::vector<std::string> matches;
        if (const auto* entries = entries_of(dir)) {
          for (const auto& name : *entries) {
            // As in the shell, a leading dot must be matched explicitly.
            if (name.front() == '.' && c.front() != '.') continue;
            if (util::glob_match(c, name)) matches.push_back(child_of(dir, name));
          }
        }
        hit = component_cache_.emplace(std::move(key), std::move(matches)).first;
      }
      next.insert(next.end(), hit->second.begin(), hit->second.end());
    }
    current = std::move(next);
    if (current.empty()) break;
  }
  std::vector<std::string> out;
  for (const auto& p : current) {
    // The parent's listing (cached) says whether the name exists, without a
    // system call per candidate; the root itself always exists.
    std::size_t slash = p.rfind('/');
    std::string parent = slash == 0 ? "/" : p.substr(0, slash);
    std::string_view name = std::string_view(p).substr(slash + 1);
    if (name.empty()) {
      out.push_back(p);
      continue;
    }
    const auto* entries = entries_of(parent);
    if (entries && std::binary_search(entries->begin(), entries->end(), name)) out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace fleetaudit::hostfs

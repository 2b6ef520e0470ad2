#include "remote/shell_root.hpp"

#include <sstream>
#include <stdexcept>

namespace fleetaudit::testing {

namespace fs = std::filesystem;

namespace {
void copy_to(const fs::path& root, const fs::path& src, const fs::path& dst_abs) {
  fs::path dst = root / dst_abs.relative_path();
  fs::create_directories(dst.parent_path());
  std::error_code ec;
  fs::copy_file(fs::canonical(src), dst, fs::copy_options::overwrite_existing, ec);
  if (ec) throw std::runtime_error("cannot copy " + src.string() + " into " + root.string() + ": " + ec.message());
  fs::permissions(dst, fs::perms(0755));
}
}  // namespace

void install_binary(const fs::path& root, const fs::path& binary, const fs::path& as) {
  copy_to(root, binary, as.empty() ? binary : as);
  ProcessResult ldd = run_process({"/usr/bin/ldd", binary.string()});
  std::istringstream in(ldd.out);
  for (std::string line; std::getline(in, line);) {
    // "libx.so.1 => /lib/x86_64-linux-gnu/libx.so.1 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
    std::string path;
    auto arrow = line.find("=> ");
    if (arrow != std::string::npos) path = line.substr(arrow + 3);
    else path = line.substr(line.find_first_not_of(" \t"));
    path = path.substr(0, path.find(' '));
    if (path.empty() || path[0] != '/') continue;
    copy_to(root, path, path);
  }
}

void add_shells(const fs::path& root) {
  copy_to(root, "/bin/busybox", "/bin/busybox");
  for (const char* applet : {"sh", "stat", "cat", "readlink", "head", "sleep", "awk", "zcat", "xzcat"}) {
    fs::path link = root / "bin" / applet;
    if (!fs::exists(fs::symlink_status(link))) fs::create_symlink("busybox", link);
  }
  install_binary(root, "/bin/dash", "/bin/dash");
}

ProcessResult run_in_root(const fs::path& root, const std::string& shell, const std::string& script) {
  return run_process({"/usr/sbin/chroot", root.string(), shell, "-s"}, {"PATH=/bin:/usr/bin:/sbin:/usr/sbin"}, script);
}

}  // namespace fleetaudit::testing

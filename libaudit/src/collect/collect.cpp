// The local and root-directory collectors.

#include "fleetaudit/collect.hpp"

#include <unistd.h>

#include <future>

#include "collect/filesystem.hpp"
#include "collect/probes.hpp"
#include "collect/redact.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace fleetaudit {

namespace {

void gather(hostfs::Filesystem& fs, const Plan& plan, const CollectOptions& opt, Snapshot& snap, std::uint64_t& budget) {
  auto take = [&](const std::string& path, std::uint8_t flags) {
    auto it = snap.files.find(path);
    if (it != snap.files.end() && (!(flags & kPlanContent) || it->second.has_content || !it->second.content_error.empty()) &&
        (!(flags & kPlanList) || it->second.has_entries))
      return;
    FileFact f = it != snap.files.end() ? it->second : fs.examine(path);
    if ((flags & kPlanContent) && !f.has_content && f.content_error.empty()) {
      if (budget == 0) {
        f.content_error = "host content budget exhausted";
      } else {
        fs.read_content(f, std::min(opt.max_file_bytes, budget));
        budget -= std::min<std::uint64_t>(budget, f.content.size());
        if (f.has_content && hostfs::redact_secrets(f.path, f.content)) f.redacted = true;
      }
    }
    if ((flags & kPlanList) && !f.has_entries) fs.list(f);
    snap.files.insert_or_assign(path, std::move(f));
  };
  for (const auto& [item, flags] : plan.items) {
    if (hostfs::is_probe(item)) {
      if (!snap.files.count(item)) snap.files.emplace(item, hostfs::run_probe(fs, item, opt.cache_dir));
      continue;
    }
    if (is_glob(item)) {
      if (snap.globs.count(item)) continue;
      auto matches = fs.expand(item);
      for (const auto& m : matches) take(m, flags);
      snap.globs.emplace(item, std::move(matches));
    } else {
      take(item, flags);
    }
  }
}

std::string host_name_for(hostfs::Filesystem& fs, const CollectOptions& opt) {
  if (!opt.host_name.empty()) return opt.host_name;
  if (!fs.chrooted()) {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) == 0 && buf[0]) return buf;
    return "localhost";
  }
  FileFact f = fs.examine("/etc/hostname");
  fs.read_content(f, 256);
  std::string name(util::trim(f.content));
  if (!name.empty() && name.find_first_of(" \t\n/") == std::string::npos) return name;
  return opt.root.filename().empty() ? opt.root.parent_path().filename().string() : opt.root.filename().string();
}

}  // namespace

Snapshot collect(const Plan& plan, const CollectOptions& options) {
  Snapshot snap;
  std::string root = options.root.empty() ? "/" : options.root.string();
  hostfs::Filesystem fs(root);
  snap.collector = fs.chrooted() ? "root:" + root : "local";
  snap.collected_at = util::utc_now();
  snap.host = host_name_for(fs, options);

  if (fs.chrooted()) {
    FileFact r = fs.examine("/");
    if (r.type != FileType::directory) {
      snap.errors.push_back("root directory " + root + " is not a readable directory");
      return snap;
    }
  }
  std::uint64_t budget = options.max_total_bytes;
  Plan all = plan;
  // Probes (every process's memory map, the package lists) cost the kernel
  // and the decompressor more than reading files: they run beside the file
  // reads, on a Filesystem of their own (its caches are not shared).
  Plan files_only;
  std::vector<std::string> probes;
  for (const auto& [item, flags] : plan.items) {
    if (hostfs::is_probe(item)) probes.push_back(item);
    else files_only.add(item, flags);
  }
  std::future<std::vector<FileFact>> probed;
  if (!probes.empty()) {
    probed = std::async(std::launch::async, [root, probes, cache = options.cache_dir] {
      hostfs::Filesystem pfs(root);
      std::vector<FileFact> out;
      for (const auto& p : probes) out.push_back(hostfs::run_probe(pfs, p, cache));
      return out;
    });
  }
  gather(fs, files_only, options, snap, budget);
  if (probed.valid()) {
    std::vector<FileFact> results = probed.get();
    for (std::size_t i = 0; i < probes.size(); ++i) snap.files.emplace(probes[i], std::move(results[i]));
  }
  for (int round = 0; round < options.max_followup_rounds; ++round) {
    Plan next = followup_plan(all, snap);
    if (next.empty()) break;
    gather(fs, next, options, snap, budget);
    all.merge(next);
  }
  if (budget == 0) snap.errors.push_back("content budget of " + std::to_string(options.max_total_bytes) + " bytes exhausted: some files were not read");
  return snap;
}

}  // namespace fleetaudit

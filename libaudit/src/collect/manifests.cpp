// The manifests collector: Kubernetes manifests read from files and
// directories (or standard input) into a snapshot. Only reading happens here;
// the documents are parsed where they are evaluated (eval/k8s_subjects.cpp).
// Kept apart from the host collectors so the static agent never links it.

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <set>

#include "collect/filesystem.hpp"
#include "fleetaudit/collect.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace fleetaudit {

namespace fs = std::filesystem;

namespace {

bool manifest_name(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

bool hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.size() > 1 && name[0] == '.' && name != "..";
}

// Every manifest file under a directory, sorted by path: hidden entries
// (.git, editor files) are skipped, and so are files of other kinds.
std::vector<std::string> walk(const std::string& dir, std::vector<std::string>& problems) {
  std::vector<std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    problems.push_back(dir + ": " + ec.message());
    return out;
  }
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) {
      problems.push_back(dir + ": " + ec.message());
      break;
    }
    const fs::directory_entry& e = *it;
    if (hidden(e.path())) {
      if (e.is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (e.is_regular_file(ec) && manifest_name(e.path())) out.push_back(e.path().generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

Snapshot collect_manifests(const std::vector<std::filesystem::path>& paths, const CollectOptions& options) {
  Snapshot snap;
  snap.kind = Snapshot::Kind::manifests;
  snap.collector = "manifests";
  snap.collected_at = util::utc_now();
  std::vector<std::string> shown;
  for (const auto& p : paths) shown.push_back(p.generic_string());
  snap.host = options.host_name.empty() ? util::join(shown, ", ") : options.host_name;

  // The files, in the order named; a directory contributes its manifests sorted.
  std::vector<std::string> files;
  for (const auto& p : paths) {
    const std::string given = p.generic_string();
    if (given == "-") {
      files.push_back("-");
      continue;
    }
    std::error_code ec;
    fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      snap.errors.push_back(
          given + ": " +
          (ec && ec != std::errc::no_such_file_or_directory ? ec.message() : "no such file or directory"));
      continue;
    }
    if (fs::is_directory(st)) {
      auto found = walk(given, snap.errors);
      if (found.empty()) snap.errors.push_back(given + ": no *.yaml, *.yml or *.json files");
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(given);  // named explicitly: read whatever its name
    }
  }

  hostfs::Filesystem host("/");
  std::uint64_t budget = options.max_total_bytes;
  std::set<std::string> seen;
  for (const auto& name : files) {
    if (!seen.insert(name).second) continue;
    FileFact f;
    if (name == "-") {
      f.path = "-";
      f.type = FileType::regular;
      std::string text(std::istreambuf_iterator<char>(std::cin), {});
      std::uint64_t limit = std::min(options.max_file_bytes, budget);
      if (text.size() > limit) {
        text.resize(static_cast<std::size_t>(limit));
        f.truncated = true;
      }
      f.size = text.size();
      f.content = std::move(text);
      f.has_content = true;
    } else {
      std::error_code ec;
      fs::path abs = fs::absolute(name, ec);
      f = host.examine(ec ? name : abs.lexically_normal().string());
      if (f.type == FileType::regular) {
        if (budget == 0)
          f.content_error = "content budget exhausted";
        else
          host.read_content(f, std::min(options.max_file_bytes, budget));
      } else if (f.type != FileType::error) {
        f.type = FileType::error;
        f.error = "not a regular file";
      }
      f.path = name;
    }
    budget -= std::min<std::uint64_t>(budget, f.content.size());
    snap.manifests.push_back(name);
    snap.files.insert_or_assign(name, std::move(f));
  }
  if (budget == 0)
    snap.errors.push_back("content budget of " + std::to_string(options.max_total_bytes) +
                          " bytes exhausted: some manifests were not read");
  return snap;
}

}  // namespace fleetaudit

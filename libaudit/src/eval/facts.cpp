#include "eval/facts.hpp"

#include <algorithm>
#include <type_traits>

#include "content/path_vars.hpp"
#include "content/rule.hpp"
#include "parse/dpkg_status.hpp"
#include "parse/rpmdb.hpp"

namespace fleetaudit {

using parse::FileText;

SnapshotIndex::SnapshotIndex(const Snapshot& s) {
  files_.reserve(s.files.size());
  for (const auto& [path, fact] : s.files) files_.emplace(path, &fact);
  globs_.reserve(s.globs.size());
  for (const auto& [pattern, matches] : s.globs) globs_.emplace(pattern, &matches);
}

const FileFact* SnapshotIndex::file(std::string_view path) const {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : it->second;
}

const std::vector<std::string>* SnapshotIndex::glob(std::string_view pattern) const {
  auto it = globs_.find(pattern);
  return it == globs_.end() ? nullptr : it->second;
}

FileText SnapshotSource::text(std::string_view path) const {
  FileText ft;
  const FileFact* f = index_.file(path);
  if (!f) return ft;  // not collected
  if (f->type == FileType::error) {
    ft.status = FileText::Status::unreadable;
    ft.reason = f->error;
    return ft;
  }
  if (!f->exists()) {
    ft.status = FileText::Status::missing;
    return ft;
  }
  if (!f->content_error.empty()) {
    ft.status = FileText::Status::unreadable;
    ft.reason = f->content_error;
    return ft;
  }
  if (!f->has_content) return ft;
  ft.status = FileText::Status::ok;
  ft.text = f->content;
  return ft;
}

std::vector<std::string> SnapshotSource::glob(std::string_view pattern, bool& collected) const {
  const auto* m = index_.glob(pattern);
  collected = m != nullptr;
  return m ? *m : std::vector<std::string>{};
}

template <class T, class F>
const Parsed<T>& HostFacts::Cache::text_fact(std::optional<Parsed<T>>& slot, std::string_view path, F&& parse) {
  if (slot) return *slot;
  slot.emplace();
  Parsed<T>& p = *slot;
  p.file = std::string(path);
  FileText ft = source.text(path);
  switch (ft.status) {
    case FileText::Status::ok:
      if constexpr (std::is_same_v<std::invoke_result_t<F, std::string_view>, Expected<T>>) {
        auto parsed = parse(ft.text);
        if (!parsed) {
          p.problem = std::string(path) + ": " + parsed.error().message;
          break;
        }
        p.value = std::move(*parsed);
      } else {
        p.value = parse(ft.text);
      }
      p.available = true;
      break;
    case FileText::Status::missing:
      p.problem = std::string(path) + " does not exist";
      break;
    case FileText::Status::unreadable:
      p.problem = std::string(path) + " could not be read: " + ft.reason;
      break;
    case FileText::Status::not_collected:
      p.problem = std::string(path) + " was not collected";
      break;
  }
  return p;
}

const Parsed<std::map<std::string, std::string>>& HostFacts::Cache::os_release() {
  if (os_release_) return *os_release_;
  // /etc/os-release wins; /usr/lib/os-release is the fallback the spec names.
  auto primary = source.text(detail::paths::kOsRelease);
  std::string_view path = primary.status == FileText::Status::missing ? detail::paths::kOsReleaseFallback
                                                                        : detail::paths::kOsRelease;
  return text_fact(os_release_, path, [](std::string_view t) { return parse::parse_os_release(t); });
}

namespace {

// Which package manager os-release names, if any.
std::optional<parse::PackageFormat> os_package_format(const std::vector<std::string>& ids) {
  static const std::vector<std::string_view> dpkg_ids{"debian", "ubuntu"};
  static const std::vector<std::string_view> rpm_ids{"rhel", "fedora", "centos", "rocky", "almalinux", "ol",
                                                     "suse", "opensuse", "sles", "amzn"};
  for (const auto& id : ids) {
    if (std::find(dpkg_ids.begin(), dpkg_ids.end(), id) != dpkg_ids.end()) return parse::PackageFormat::dpkg;
    if (std::find(rpm_ids.begin(), rpm_ids.end(), id) != rpm_ids.end()) return parse::PackageFormat::rpm;
  }
  return std::nullopt;
}

}  // namespace

const Parsed<parse::PackageDatabase>& HostFacts::Cache::packages() {
  if (packages_) return *packages_;
  namespace paths = detail::paths;
  // There or unreadable: either way it is the database to report on.
  auto found = [&](const char* path) {
    const FileFact* f = index.file(path);
    return f && f->type != FileType::missing;
  };
  const auto& os = os_identity();
  const auto family = os.available ? os_package_format(os.ids) : std::nullopt;
  const bool dpkg = found(paths::kDpkgStatus);
  const bool rpm = found(paths::kRpmDb);
  parse::PackageFormat format = parse::PackageFormat::dpkg;
  if (dpkg != rpm) format = rpm ? parse::PackageFormat::rpm : parse::PackageFormat::dpkg;
  else if (family) format = *family;

  if (!dpkg && !rpm && index.file(paths::kDpkgStatus) && index.file(paths::kRpmDb)) {
    packages_.emplace();
    packages_->file = paths::kDpkgStatus;
    packages_->problem = std::string("neither ") + paths::kDpkgStatus + " nor " + paths::kRpmDb + " exists";
    if (found(paths::kRpmBerkeleyDb))
      packages_->problem += std::string(" (") + paths::kRpmBerkeleyDb + " is a Berkeley DB rpm database, which fleetaudit does not read)";
    return *packages_;
  }
  if (format == parse::PackageFormat::dpkg)
    return text_fact(packages_, paths::kDpkgStatus, [](std::string_view t) { return parse::parse_dpkg_status(t); });
  if (const FileFact* f = index.file(paths::kRpmDb); f && f->truncated) {
    // A cut SQLite image reads as corrupt; say what really happened.
    packages_.emplace();
    packages_->file = paths::kRpmDb;
    packages_->problem = std::string(paths::kRpmDb) + " is " + std::to_string(f->size) +
                         " bytes, more than the collector reads from one file (raise its file size limit)";
    return *packages_;
  }
  return text_fact(packages_, paths::kRpmDb, [](std::string_view bytes) { return parse::parse_rpmdb_sqlite(bytes); });
}

const parse::SshdConfig& HostFacts::Cache::sshd() {
  if (!sshd_) sshd_ = parse::parse_sshd_config(source, detail::paths::kSshdConfig);
  return *sshd_;
}

const Parsed<std::vector<parse::KeyValue>>& HostFacts::Cache::login_defs() {
  return text_fact(login_defs_, detail::paths::kLoginDefs,
                   [](std::string_view t) { return parse::parse_key_values(t, parse::KvSeparator::whitespace); });
}

const parse::PamStack& HostFacts::Cache::pam(const std::string& path) {
  auto it = pam_.find(path);
  if (it != pam_.end()) return it->second;
  return pam_.emplace(path, parse::parse_pam(source, path)).first->second;
}

const Parsed<parse::PasswdFile>& HostFacts::Cache::passwd() {
  return text_fact(passwd_, detail::paths::kPasswd, [](std::string_view t) { return parse::parse_passwd(t); });
}
const Parsed<parse::ShadowFile>& HostFacts::Cache::shadow() {
  return text_fact(shadow_, detail::paths::kShadow, [](std::string_view t) { return parse::parse_shadow(t); });
}
const Parsed<parse::GroupFile>& HostFacts::Cache::group() {
  return text_fact(group_, detail::paths::kGroup, [](std::string_view t) { return parse::parse_group(t); });
}

const std::vector<util::Line>& HostFacts::Cache::lines(const std::string& /*path*/, std::string_view text,
                                                       std::string_view comment) {
  auto& per_file = lines_[text.data()];
  for (const auto& [c, lines] : per_file) {
    if (c == comment) return lines;
  }
  std::vector<util::Line> kept;
  for (const auto& line : util::split_lines(text)) {
    std::string_view t = util::trim(line.text);
    if (t.empty() || (!comment.empty() && t.starts_with(comment))) continue;
    kept.push_back(line);
  }
  per_file.emplace_back(std::string(comment), std::move(kept));
  return per_file.back().second;
}

const Parsed<std::map<std::string, parse::SysctlSetting, std::less<>>>& HostFacts::Cache::sysctl() {
  if (sysctl_) return *sysctl_;
  sysctl_.emplace();
  auto& p = *sysctl_;
  std::vector<std::string> present;
  std::vector<std::string> problems;
  for (const auto& dir : parse::sysctl_dirs()) {
    bool collected = false;
    for (auto& m : source.glob(dir + "/*.conf", collected)) present.push_back(m);
    if (!collected) problems.push_back(dir + "/*.conf was not collected");
  }
  if (const FileFact* f = index.file(parse::kSysctlConf); f && f->exists()) present.emplace_back(parse::kSysctlConf);
  std::vector<parse::SysctlFile> files;
  for (const auto& path : parse::sysctl_apply_order(present)) {
    FileText ft = source.text(path);
    if (ft.status == FileText::Status::ok) files.push_back({path, ft.text});
    else if (ft.status != FileText::Status::missing) problems.push_back(path + " could not be read" + (ft.reason.empty() ? "" : ": " + ft.reason));
  }
  p.value = parse::parse_sysctl(files);
  p.available = problems.empty();
  p.problem = util::join(problems, "; ");
  return p;
}

const Parsed<parse::ModprobeConfig>& HostFacts::Cache::modprobe() {
  if (modprobe_) return *modprobe_;
  modprobe_.emplace();
  auto& p = *modprobe_;
  std::vector<std::string> present, problems;
  for (const auto& dir : parse::modprobe_dirs()) {
    bool collected = false;
    for (auto& m : source.glob(dir + "/*.conf", collected)) present.push_back(m);
    if (!collected) problems.push_back(dir + "/*.conf was not collected");
  }
  std::vector<parse::ModprobeFile> files;
  for (const auto& path : parse::modprobe_apply_order(present)) {
    FileText ft = source.text(path);
    if (ft.status == FileText::Status::ok) files.push_back({path, ft.text});
    else if (ft.status != FileText::Status::missing) problems.push_back(path + " could not be read" + (ft.reason.empty() ? "" : ": " + ft.reason));
  }
  p.value = parse::parse_modprobe(files);
  p.available = problems.empty();
  p.problem = util::join(problems, "; ");
  return p;
}

const Parsed<std::set<std::string, std::less<>>>& HostFacts::Cache::loaded_modules() {
  return text_fact(loaded_modules_, detail::paths::kProcModules, [](std::string_view t) { return parse::parse_proc_modules(t); });
}

const Parsed<std::vector<parse::MountEntry>>& HostFacts::Cache::runtime_mounts() {
  return text_fact(runtime_mounts_, detail::paths::kProcMounts, [](std::string_view t) { return parse::parse_mounts(t); });
}

const Parsed<std::vector<parse::MountEntry>>& HostFacts::Cache::fstab() {
  return text_fact(fstab_, detail::paths::kFstab, [](std::string_view t) { return parse::parse_mounts(t); });
}

const Parsed<std::vector<parse::KeyValue>>& HostFacts::Cache::key_values(const std::string& path, parse::KvSeparator sep) {
  auto& cache = sep == parse::KvSeparator::equals ? key_values_eq_ : key_values_ws_;
  auto it = cache.find(path);
  if (it != cache.end()) return it->second;
  std::optional<Parsed<std::vector<parse::KeyValue>>> slot;
  text_fact(slot, path, [sep](std::string_view t) { return parse::parse_key_values(t, sep, true); });
  // The key must outlive the map: use the snapshot's copy of the path when there is one.
  const FileFact* f = index.file(path);
  std::string_view key = f ? std::string_view(f->path) : std::string_view(owned_keys_.emplace_back(path));
  return cache.emplace(key, std::move(*slot)).first->second;
}

const HostFacts::Cache::OsIdentity& HostFacts::Cache::os_identity() {
  if (os_identity_) return *os_identity_;
  OsIdentity o;
  const auto& osr = os_release();
  o.available = osr.available;
  o.problem = osr.problem;
  auto get = [&](const char* k) {
    auto it = osr.value.find(k);
    return it == osr.value.end() ? std::string() : it->second;
  };
  o.id = get("ID");
  o.version = get("VERSION_ID");
  o.ids.push_back(o.id);
  for (auto w : util::split_ws(get("ID_LIKE"))) o.ids.emplace_back(w);
  os_identity_ = std::move(o);
  return *os_identity_;
}

const HostFacts::Cache::UnitState& HostFacts::Cache::unit_state(const std::string& unit) {
  auto it = units_.find(unit);
  if (it != units_.end()) return it->second;
  UnitState st;
  bool masked = false, exists = false, enabled = false, not_collected = false;
  auto listed = [](const FileFact* dir, const std::string& name) {
    return dir && dir->has_entries && std::binary_search(dir->entries.begin(), dir->entries.end(), name);
  };
  for (const auto& dir : detail::paths::unit_dirs()) {
    std::string path = dir + "/" + unit;
    if (detail::paths::unit_dir_is_admin(dir)) {
      const FileFact* f = index.file(path);
      if (!f) {
        not_collected = true;
      } else if (f->is_symlink && f->link_target == "/dev/null") {
        // Only /etc and /run can mask: a vendor link to /dev/null is not a mask.
        masked = true;
        st.where = path + " -> /dev/null";
        break;
      } else if (f->exists() && st.where.empty()) {
        exists = true;
        st.where = path;
      }
    } else {
      const FileFact* d = index.file(dir);
      if (!d) {
        not_collected = true;
      } else if (listed(d, unit) && st.where.empty()) {
        exists = true;
        st.where = path;
      }
    }
    for (const char* kind : {"/*.wants", "/*.requires"}) {
      const auto* links = index.glob(dir + kind);
      if (!links) {
        not_collected = true;
        continue;
      }
      for (const auto& link_dir : *links) {
        if (!enabled && listed(index.file(link_dir), unit)) {
          enabled = true;
          st.where = link_dir + "/" + unit;
        }
      }
    }
  }
  if (!(not_collected && !masked && !exists && !enabled))
    st.state = masked ? "masked" : enabled ? "enabled" : exists ? "disabled" : "absent";
  return units_.emplace(unit, std::move(st)).first->second;
}

std::string HostFacts::Cache::user_name(std::uint32_t uid) {
  const auto& p = passwd();
  for (const auto& e : p.value.entries) {
    if (e.uid == uid) return e.name;
  }
  return uid == 0 ? "root" : std::to_string(uid);
}

std::string HostFacts::Cache::group_name(std::uint32_t gid) {
  const auto& g = group();
  for (const auto& e : g.value.entries) {
    if (e.gid == gid) return e.name;
  }
  return gid == 0 ? "root" : std::to_string(gid);
}

std::optional<std::uint32_t> HostFacts::Cache::uid_of(std::string_view name) {
  for (const auto& e : passwd().value.entries) {
    if (e.name == name) return static_cast<std::uint32_t>(e.uid);
  }
  if (name == "root") return 0;
  return std::nullopt;
}

std::optional<std::uint32_t> HostFacts::Cache::gid_of(std::string_view name) {
  for (const auto& e : group().value.entries) {
    if (e.name == name) return static_cast<std::uint32_t>(e.gid);
  }
  if (name == "root") return 0;
  return std::nullopt;
}

std::optional<long long> HostFacts::Cache::today() {
  if (today_) return *today_;
  // collected_at: "YYYY-MM-DDTHH:MM:SSZ" -> days since the epoch (civil calendar).
  std::optional<long long> days;
  const std::string& t = snap.collected_at;
  auto y = t.size() >= 10 ? util::parse_int(std::string_view(t).substr(0, 4)) : std::nullopt;
  auto m = t.size() >= 10 ? util::parse_int(std::string_view(t).substr(5, 2)) : std::nullopt;
  auto d = t.size() >= 10 ? util::parse_int(std::string_view(t).substr(8, 2)) : std::nullopt;
  if (y && m && d) {
    long long yy = *y - (*m <= 2);
    long long era = (yy >= 0 ? yy : yy - 399) / 400;
    long long yoe = yy - era * 400;
    long long doy = (153 * (*m + (*m > 2 ? -3 : 9)) + 2) / 5 + *d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    days = era * 146097 + doe - 719468;
  }
  today_ = days;
  return days;
}

const Parsed<nlohmann::json>& HostFacts::Cache::document(const std::string& path, parse::DocFormat format) {
  auto it = documents_.find(path);
  if (it != documents_.end()) return it->second;
  Parsed<nlohmann::json> p;
  p.file = path;
  parse::FileText t = source.text(path);
  switch (t.status) {
    case parse::FileText::Status::ok: {
      auto doc = parse::parse_document(t.text, format);
      if (doc) {
        p.value = std::move(*doc);
        p.available = true;
      } else {
        p.problem = path + ": " + doc.error().message;
      }
      break;
    }
    case parse::FileText::Status::missing: p.problem = path + " does not exist"; break;
    case parse::FileText::Status::unreadable: p.problem = path + " could not be read" + (t.reason.empty() ? "" : ": " + t.reason); break;
    case parse::FileText::Status::not_collected: p.problem = path + " was not collected"; break;
  }
  return documents_.emplace(path, std::move(p)).first->second;
}

const std::string& HostFacts::Cache::expand(const std::string& path) {
  if (!detail::has_variables(path)) return path;
  auto it = expanded_.find(path);
  if (it == expanded_.end()) it = expanded_.emplace(path, detail::expand_variables(path, source)).first;
  return it->second;
}

std::vector<std::string> HostFacts::Cache::moved(const std::string& path) {
  if (!detail::has_variables(path)) return {};
  return detail::moved_variables(path, source);
}

const SubjectSet& HostFacts::Cache::subjects(const SubjectKind& kind) {
  auto it = subjects_.find(kind.name);
  if (it != subjects_.end()) return it->second;
  return subjects_.emplace(kind.name, kind.build(snap, index, source)).first->second;
}

}  // namespace fleetaudit

// Container root file systems from on-disk state. See container_roots.hpp.

#include "fleet/container_roots.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "content/path_vars.hpp"
#include "util/strings.hpp"

namespace fleetaudit::detail {

namespace {

constexpr const char* kDockerMountIds = "${docker.data-root}/image/overlay2/layerdb/mounts/*/mount-id";
constexpr const char* kDockerOverlay = "${docker.data-root}/overlay2";
constexpr const char* kPodmanContainers = "${containers.graphroot}/overlay-containers/containers.json";
constexpr const char* kPodmanOverlay = "${containers.graphroot}/overlay";
constexpr const char* kContainerdSnapshots = "${containerd.root}/io.containerd.snapshotter.v1.overlayfs/snapshots";
constexpr const char* kContainerdTasks = "${containerd.state}/io.containerd.runtime.v2.task";
constexpr const char* kProcMounts = "/proc/mounts";

// Layer directories: a glob over every layer of a storage driver.
const std::vector<std::string>& layer_bases() {
  static const std::vector<std::string> bases{std::string(kDockerOverlay) + "/*/diff", std::string(kPodmanOverlay) + "/*/diff",
                                              std::string(kContainerdSnapshots) + "/*/fs"};
  return bases;
}

// Every directory on the way to the container files ("var", "var/lib" ...).
std::vector<std::string> directories_on_the_way() {
  std::set<std::string> dirs;
  for (const auto& f : container_files()) {
    for (std::size_t slash = f.find('/'); slash != std::string::npos; slash = f.find('/', slash + 1)) dirs.insert(f.substr(0, slash));
  }
  return {dirs.begin(), dirs.end()};
}

std::string parent_of(std::string_view rel) {
  auto slash = rel.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(rel.substr(0, slash));
}
std::string name_of(std::string_view rel) { return std::string(rel.substr(rel.rfind('/') + 1)); }
std::string join_rel(std::string_view dir, std::string_view name) { return dir.empty() ? std::string(name) : std::string(dir) + "/" + std::string(name); }

// The relative path a link target names, read from the directory `dir`
// inside the container (absolute targets start at the container's root).
std::string link_path(std::string_view dir, std::string_view target) {
  std::vector<std::string> parts;
  if (!target.starts_with('/'))
    for (auto p : util::split(dir, '/'))
      if (!p.empty()) parts.emplace_back(p);
  for (auto p : util::split(target, '/')) {
    if (p.empty() || p == ".") continue;
    if (p == "..") {
      if (!parts.empty()) parts.pop_back();  // ".." at the root stays at the root
      continue;
    }
    parts.emplace_back(p);
  }
  return util::join(parts, "/");
}

const FileFact* fact(const Snapshot& s, const std::string& layer, std::string_view rel) { return s.file(layer + "/" + std::string(rel)); }

bool present(const FileFact* f) { return f && (f->exists() || f->is_symlink); }

// An overlay mount's layers, topmost first, from its options.
std::vector<std::string> overlay_layers(std::string_view options) {
  std::vector<std::string> upper, lower;
  for (auto opt : util::split(options, ',')) {
    if (opt.starts_with("upperdir=")) upper.emplace_back(opt.substr(9));
    else if (opt.starts_with("lowerdir="))
      for (auto l : util::split(opt.substr(9), ':'))
        if (!l.empty()) lower.emplace_back(l);
  }
  upper.insert(upper.end(), lower.begin(), lower.end());
  return upper;
}

// /proc/mounts escapes blanks and backslashes as octal (\040).
std::string unescape_mount(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3') {
      int v = (s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0');
      out += static_cast<char>(v);
      i += 3;
      continue;
    }
    out += s[i];
  }
  return out;
}

struct Mount {
  std::string target;
  std::vector<std::string> layers;
};

std::vector<Mount> overlay_mounts(const Snapshot& s) {
  std::vector<Mount> out;
  const FileFact* f = s.file(kProcMounts);
  if (!f || !f->has_content) return out;
  for (auto line : util::split(f->content, '\n')) {
    auto w = util::split_ws(line);
    if (w.size() < 4 || w[2] != "overlay") continue;
    out.push_back({unescape_mount(w[1]), overlay_layers(unescape_mount(w[3]))});
  }
  return out;
}

// Docker's and containers/storage's layout: DIR/<id>/diff, DIR/<id>/lower
// ("l/A:l/B"), DIR/l/<short> -> ../<layer>/diff.
std::vector<std::string> chained_layers(const Snapshot& s, const std::string& overlay, const std::string& id, std::string& problem) {
  const std::string top = overlay + "/" + id;
  std::vector<std::string> layers{top + "/diff"};
  const std::string lower_path = top + "/lower";
  const FileFact* lower = s.file(lower_path);
  if (!present(lower)) {
    // A layer with nothing below it has no lower file.
    if (!s.glob(overlay + "/*/lower")) problem = lower_path + " was not collected";
    return layers;
  }
  if (!lower->has_content) {
    problem = lower_path + ": " + (lower->content_error.empty() ? "not readable" : lower->content_error);
    return layers;
  }
  for (auto link : util::split(util::trim(lower->content), ':')) {
    if (link.empty()) continue;
    const std::string link_file = overlay + "/" + std::string(link);
    const FileFact* l = s.file(link_file);
    if (!l || !l->is_symlink) {
      problem = link_file + " (named in " + lower_path + ") is " + (l ? "not a symbolic link" : "missing");
      return layers;
    }
    // "../<layer>/diff", relative to DIR/l/
    const std::string& target = l->link_target;
    layers.push_back(target.starts_with('/') ? target : overlay + "/" + link_path("l", target));
  }
  return layers;
}

std::string rel_of(const std::string& path, const std::string& under) {
  if (!path.starts_with(under + "/")) return {};
  return path.substr(under.size() + 1);
}

}  // namespace

const std::vector<std::string>& container_files() {
  static const std::vector<std::string> files{"etc/os-release",       "usr/lib/os-release",       "var/lib/dpkg/status",
                                              "lib/apk/db/installed", "var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite"};
  return files;
}

void add_container_plan(Plan& plan) {
  plan_path(kDockerMountIds, kPlanContent, plan);
  plan_path(std::string(kDockerOverlay) + "/*/lower", kPlanContent, plan);
  plan_path(std::string(kDockerOverlay) + "/l/*", kPlanStat, plan);
  plan_path(kPodmanContainers, kPlanContent, plan);
  plan_path(std::string(kPodmanOverlay) + "/*/lower", kPlanContent, plan);
  plan_path(std::string(kPodmanOverlay) + "/l/*", kPlanStat, plan);
  plan_path(std::string(kContainerdTasks) + "/*/*/config.json", kPlanContent, plan);
  plan.add(kProcMounts, kPlanContent);
  // What the containers are: names, images, state.
  plan_path("${docker.data-root}/containers/*/config.v2.json", kPlanContent, plan);
  plan_path("${docker.data-root}/image/overlay2/repositories.json", kPlanContent, plan);
  plan_path("${docker.data-root}/image/overlay2/imagedb/content/sha256/*", kPlanContent, plan);
  plan_path("${containers.graphroot}/overlay-images/images.json", kPlanContent, plan);
  const auto dirs = directories_on_the_way();
  for (const auto& base : layer_bases()) {
    for (const auto& d : dirs) {
      plan_path(base + "/" + d, kPlanStat, plan);
      plan_path(base + "/" + join_rel(parent_of(d), ".wh." + name_of(d)), kPlanStat, plan);
      plan_path(base + "/" + d + "/.wh..wh..opq", kPlanStat, plan);
    }
    for (const auto& f : container_files()) {
      plan_path(base + "/" + f, kPlanStat, plan);
      plan_path(base + "/" + join_rel(parent_of(f), ".wh." + name_of(f)), kPlanStat, plan);
    }
  }
}

const std::string& container_plan_marker() {
  static const std::string marker = with_fallbacks(kDockerMountIds);
  return marker;
}

const std::vector<std::string>& container_layer_dirs() {
  static const std::vector<std::string> dirs{with_fallbacks(kDockerOverlay), with_fallbacks(kPodmanOverlay)};
  return dirs;
}

std::vector<ContainerRoot> container_roots(const Snapshot& s) {
  SnapshotText src(s);
  std::vector<ContainerRoot> out;
  const auto mounts = overlay_mounts(s);
  std::set<std::string> mounted;  // mount targets
  for (const auto& m : mounts) mounted.insert(m.target);

  // Docker: one layerdb mount per container.
  {
    const std::string pattern = expand_variables(kDockerMountIds, src);
    const std::string overlay = expand_variables(kDockerOverlay, src);
    if (const auto* ids = s.glob(pattern)) {
      for (const auto& path : *ids) {
        std::string dir = parent_of(path);
        ContainerRoot c;
        c.runtime = "docker";
        c.id = name_of(dir);
        if (c.id.ends_with("-init")) continue;
        const FileFact* f = s.file(path);
        std::string mount_id = f && f->has_content ? std::string(util::trim(f->content)) : std::string();
        if (mount_id.empty() || mount_id.find('/') != std::string::npos || mount_id == "..") {
          c.problem = path + (f && !f->content_error.empty() ? ": " + f->content_error : ": no mount id");
        } else {
          c.layers = chained_layers(s, overlay, mount_id, c.problem);
          c.running = mounted.count(overlay + "/" + mount_id + "/merged") > 0;
        }
        out.push_back(std::move(c));
      }
    }
  }
  // podman: containers.json names each container's layer.
  {
    const std::string list = expand_variables(kPodmanContainers, src);
    const std::string overlay = expand_variables(kPodmanOverlay, src);
    const FileFact* f = s.file(list);
    if (f && f->has_content) {
      auto doc = nlohmann::json::parse(f->content, nullptr, false);
      if (doc.is_array()) {
        for (const auto& e : doc) {
          if (!e.is_object() || !e.contains("id") || !e["id"].is_string()) continue;
          ContainerRoot c;
          c.runtime = "podman";
          c.id = e["id"].get<std::string>();
          std::string layer = e.contains("layer") && e["layer"].is_string() ? e["layer"].get<std::string>() : std::string();
          if (layer.empty() || layer.find('/') != std::string::npos || layer == "..") c.problem = list + ": no layer for the container";
          else {
            c.layers = chained_layers(s, overlay, layer, c.problem);
            c.running = mounted.count(overlay + "/" + layer + "/merged") > 0;
          }
          out.push_back(std::move(c));
        }
      }
    }
  }
  // containerd: running tasks' overlay mounts.
  {
    const std::string tasks = expand_variables(kContainerdTasks, src);
    for (const auto& m : mounts) {
      std::string rel = rel_of(m.target, tasks);
      auto parts = util::split(rel, '/');
      if (parts.size() != 3 || parts[2] != "rootfs" || parts[0] == "moby") continue;  // moby: Docker's own, read above
      ContainerRoot c;
      c.runtime = "containerd";
      c.id = std::string(parts[0]) + "/" + std::string(parts[1]);
      c.layers = m.layers;
      c.running = true;
      out.push_back(std::move(c));
    }
  }
  std::sort(out.begin(), out.end(), [](const ContainerRoot& a, const ContainerRoot& b) { return std::tie(a.runtime, a.id) < std::tie(b.runtime, b.id); });
  return out;
}

LayerReader::LayerReader(const Snapshot& snapshot) : s_(snapshot) {
  SnapshotText src(s_);
  for (const auto& b : layer_bases()) {
    std::string base = expand_variables(b, src);
    if (s_.glob(base + "/" + container_files().front())) bases_.push_back(std::move(base));
  }
}

LayerFile LayerReader::find(const std::vector<std::string>& layers, std::string_view start) const {
  const Snapshot& s = s_;
  LayerFile out;
  // Which layers the plan looked into: their entries are in the snapshot.
  for (const auto& l : layers) {
    bool known = false;
    for (const auto& b : bases_)
      if (util::glob_match(b, l)) known = true;
    if (!known) {
      out.state = LayerFile::State::not_collected;
      out.note = l + " is not a layer directory the collector reads";
      return out;
    }
  }
  std::string path(start);
  for (int hops = 0; hops < 8; ++hops) {
    auto comps = util::split(path, '/');
    std::vector<const std::string*> visible;
    for (const auto& l : layers) visible.push_back(&l);
    std::string prefix;
    bool restarted = false;
    for (std::size_t i = 0; i < comps.size() && !restarted; ++i) {
      const std::string dir = prefix;
      prefix = join_rel(prefix, comps[i]);
      const bool last = i + 1 == comps.size();
      std::vector<const std::string*> next;
      for (const std::string* l : visible) {
        const FileFact* f = fact(s, *l, prefix);
        if (!present(f)) {
          if (present(fact(s, *l, join_rel(dir, ".wh." + std::string(comps[i]))))) {
            if (next.empty()) out.note = "hidden by " + *l + "/" + join_rel(dir, ".wh." + std::string(comps[i]));
            break;
          }
          continue;
        }
        if (f->is_symlink) {
          if (!next.empty()) break;  // a directory above wins over a link below
          std::string rest;
          for (std::size_t k = i + 1; k < comps.size(); ++k) rest = join_rel(rest, comps[k]);
          std::string target = link_path(dir, f->link_target);
          path = rest.empty() ? target : join_rel(target, rest);
          out.note += (out.note.empty() ? "" : "; ") + ("/" + prefix + " -> " + f->link_target);
          restarted = true;
          break;
        }
        if (f->type == FileType::directory) {
          next.push_back(l);
          if (present(fact(s, *l, prefix + "/.wh..wh..opq"))) break;  // opaque: nothing from below
          continue;
        }
        if (f->type == FileType::regular && last && next.empty()) {
          out.state = LayerFile::State::found;
          out.host_path = *l + "/" + prefix;
          out.path = "/" + prefix;
          return out;
        }
        // A whiteout (character device), or a file where a directory is
        // needed: nothing of this name below.
        if (next.empty() && f->type == FileType::other) out.note = "hidden by the whiteout " + *l + "/" + prefix;
        break;
      }
      if (restarted) break;
      if (last || next.empty()) {
        out.state = LayerFile::State::missing;
        return out;
      }
      visible = std::move(next);
    }
    if (!restarted) break;
  }
  out.state = LayerFile::State::missing;
  if (out.note.empty()) out.note = "too many symbolic links";
  return out;
}

void container_followups(const Snapshot& s, Plan& next) {
  LayerReader reader(s);
  for (const auto& c : container_roots(s)) {
    if (!c.problem.empty() || c.layers.empty()) continue;
    for (const auto& f : container_files()) {
      LayerFile lf = reader.find(c.layers, f);
      if (lf.state != LayerFile::State::found) continue;
      const FileFact* fact = s.file(lf.host_path);
      if (fact && (fact->has_content || !fact->content_error.empty())) continue;
      next.add(lf.host_path, kPlanContent);
    }
  }
}

}  // namespace fleetaudit::detail

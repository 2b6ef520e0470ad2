// Containers as patch subjects: each container's own userspace (os-release
// and package database from its root file system's layers), whether its
// image is still what its tag names, and across the fleet how far each
// container is behind and which image references run as several images.

#include "fleet/containers.hpp"

#include <algorithm>
#include <set>

#include "content/path_vars.hpp"
#include "fleet/container_roots.hpp"
#include "fleetaudit/version_compare.hpp"
#include "parse/apk_installed.hpp"
#include "parse/dpkg_status.hpp"
#include "parse/keyvalue.hpp"
#include "parse/kubernetes.hpp"
#include "parse/rpmdb.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace fleetaudit::detail {

namespace {

using nlohmann::json;

constexpr const char* kDockerConfigs = "${docker.data-root}/containers/*/config.v2.json";
constexpr const char* kDockerRepositories = "${docker.data-root}/image/overlay2/repositories.json";
constexpr const char* kDockerImageDb = "${docker.data-root}/image/overlay2/imagedb/content/sha256";
constexpr const char* kPodmanContainers = "${containers.graphroot}/overlay-containers/containers.json";
constexpr const char* kPodmanImages = "${containers.graphroot}/overlay-images/images.json";
constexpr const char* kContainerdTasks = "${containerd.state}/io.containerd.runtime.v2.task";

std::string str(const json& j, std::string_view key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string strip_sha(std::string s) {
  if (s.starts_with("sha256:")) s.erase(0, 7);
  return s;
}

// A JSON file of the snapshot; what is wrong with one that is there but
// cannot be used goes to `problems` ("path: not valid JSON").
json parse_json(const Snapshot& s, const std::string& path, std::vector<std::string>* problems = nullptr) {
  const FileFact* f = s.file(path);
  if (!f || !f->exists()) return json();
  auto problem = [&](const std::string& why) {
    if (problems) problems->push_back(path + ": " + why);
    return json();
  };
  if (!f->content_error.empty()) return problem(f->content_error);
  if (!f->has_content) return json();
  if (f->truncated) return problem("cut at the collector's file size limit");
  json j = json::parse(f->content, nullptr, false);
  if (j.is_discarded()) return problem("not valid JSON");
  return j;
}

// "nginx" -> "docker.io/library/nginx:latest": the form two references are compared in.
std::string normalized(std::string_view ref) {
  auto r = parse::parse_image_ref(ref);
  if (!r) return std::string(ref);
  if (r->tag.empty() && r->digest.empty()) r->tag = "latest";
  return r->full();
}

bool is_image_id(std::string_view ref) {
  if (ref.starts_with("sha256:")) return true;
  if (ref.size() < 12 || ref.size() > 64) return false;
  return std::all_of(ref.begin(), ref.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// ISO 8601 with fractions and zones ("2026-05-01T10:00:00.123456789Z") -> "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_seconds(std::string_view t) {
  if (t.size() < 19 || t.starts_with("0001-")) return {};
  auto epoch = util::parse_utc(t);
  if (!epoch) return {};
  return std::string(t.substr(0, 19)) + "Z";
}

std::string short_id(std::string_view id) { return std::string(id.substr(0, 12)); }

bool lag_order(const PackageLag& a, const PackageLag& b) {
  if (a.key_library != b.key_library) return a.key_library;
  if (a.library != b.library) return a.library;
  if (a.security != b.security) return a.security;
  return a.package < b.package;
}

// The worst offenders first, and only as many as a report shows.
void worst_first(std::vector<PackageLag>& v) {
  std::sort(v.begin(), v.end(), lag_order);
  if (v.size() > ContainerProfile::kWorstOffenders) v.resize(ContainerProfile::kWorstOffenders);
}

struct ParsedDb {
  std::string key;  // package set key
  parse::PackageDatabase db;
  std::string problem;
};

}  // namespace

bool is_key_library_package(std::string_view n) noexcept {
  static constexpr std::string_view kKey[] = {"libc6", "glibc", "musl", "libssl3", "libssl3t64", "libssl1.1", "openssl-libs",
                                              "libcrypto3", "libssl1.1", "libcrypto1.1", "zlib1g", "zlib", "zlib-ng-compat"};
  return std::find(std::begin(kKey), std::end(kKey), n) != std::end(kKey);
}

bool is_library_package(std::string_view n) noexcept {
  if (is_key_library_package(n)) return true;
  if (n.starts_with("lib") && !n.starts_with("libexec")) return true;
  if (n.ends_with("-libs")) return true;
  static constexpr std::string_view kOther[] = {"openssl", "nss", "gnutls", "krb5-libs", "ncurses-base", "expat", "sqlite-libs", "xz-libs", "bzip2-libs", "pcre2"};
  return std::find(std::begin(kOther), std::end(kOther), n) != std::end(kOther);
}

void profile_containers(const Snapshot& snap, HostProfile& h, const parse::PackageDatabase* host_db, long long host_change) {
  const auto roots = container_roots(snap);
  SnapshotText src(snap);
  if (roots.empty()) {
    // Nothing to profile; still say why a runtime's list could not be read.
    parse_json(snap, expand_variables(kPodmanContainers, src), &h.container_problems);
    return;
  }
  LayerReader reader(snap);
  const auto now = util::parse_utc(snap.collected_at);

  // Docker: configs by container id, tags by reference, image creation.
  std::map<std::string, json> docker_configs;
  {
    const std::string pattern = expand_variables(kDockerConfigs, src);
    if (const auto* m = snap.glob(pattern))
      for (const auto& p : *m) {
        std::string dir = p.substr(0, p.rfind('/'));
        std::vector<std::string> why;
        json cfg = parse_json(snap, p, &why);
        if (!why.empty()) h.container_problems.insert(h.container_problems.end(), why.begin(), why.end());
        docker_configs[dir.substr(dir.rfind('/') + 1)] = std::move(cfg);
      }
  }
  std::map<std::string, std::string> docker_tags;  // normalized reference -> image id
  {
    json repos = parse_json(snap, expand_variables(kDockerRepositories, src), &h.container_problems);
    if (repos.is_object() && repos.contains("Repositories") && repos["Repositories"].is_object())
      for (const auto& [repo, refs] : repos["Repositories"].items()) {
        if (!refs.is_object()) continue;
        for (const auto& [ref, id] : refs.items())
          if (id.is_string()) docker_tags[normalized(ref)] = strip_sha(id.get<std::string>());
      }
  }
  const std::string imagedb = expand_variables(kDockerImageDb, src);
  // podman: containers.json entries, images.json names and creation.
  std::map<std::string, json> podman_containers;
  {
    json list = parse_json(snap, expand_variables(kPodmanContainers, src), &h.container_problems);
    if (list.is_array())
      for (const auto& e : list)
        if (!str(e, "id").empty()) podman_containers[str(e, "id")] = e;
  }
  std::map<std::string, std::string> podman_tags, podman_created;  // normalized name -> id; id -> created
  {
    json list = parse_json(snap, expand_variables(kPodmanImages, src), &h.container_problems);
    if (list.is_array())
      for (const auto& e : list) {
        std::string id = str(e, "id");
        if (id.empty()) continue;
        podman_created[id] = str(e, "created");
        if (e.contains("names") && e["names"].is_array())
          for (const auto& n : e["names"])
            if (n.is_string()) podman_tags[normalized(n.get<std::string>())] = id;
      }
  }
  const std::string tasks = expand_variables(kContainerdTasks, src);

  // Package databases: parsed once per copy (containers of one image share it).
  std::map<std::string, ParsedDb> dbs;  // host path -> parsed
  auto read_db = [&](const std::string& path, parse::PackageFormat format) -> const ParsedDb& {
    auto it = dbs.find(path);
    if (it != dbs.end()) return it->second;
    ParsedDb p;
    const FileFact* f = snap.file(path);
    if (!f || !f->has_content) {
      p.problem = path + ": " + (f && !f->content_error.empty() ? f->content_error : std::string("content not collected"));
    } else if (f->truncated) {
      p.problem = path + ": cut at the collector's file size limit";
    } else {
      if (format == parse::PackageFormat::dpkg) p.db = parse::parse_dpkg_status(f->content);
      else if (format == parse::PackageFormat::apk) p.db = parse::parse_apk_installed(f->content);
      else if (auto r = parse::parse_rpmdb_sqlite(f->content)) p.db = std::move(*r);
      else p.problem = path + ": " + r.error().message;
      auto digest = util::sha256(f->content);
      static const char* hex = "0123456789abcdef";
      p.key = std::string(parse::to_string(format)) + ":";
      for (int i = 0; i < 8; ++i) {
        p.key += hex[digest[i] >> 4];
        p.key += hex[digest[i] & 15];
      }
    }
    return dbs.emplace(path, std::move(p)).first->second;
  };

  // The host's own candidates (apt lists, or dnf's repository cache): for
  // packages the host has, in the host's ordering.
  std::map<std::string, std::pair<std::string, std::string>, std::less<>> candidates;  // name -> (best, security)
  const bool host_rpm = host_db && host_db->format == parse::PackageFormat::rpm;
  const char* lists = host_rpm ? "dnf repository cache of the host" : "apt lists of the host";
  if (const FileFact* a = snap.file(host_rpm ? "@dnf-candidates" : "@apt-candidates"); a && a->has_content && host_db) {
    for (auto line : util::split(a->content, '\n')) {
      auto f = util::split(line, '\t');
      if (f.size() == 3 && !line.starts_with("#")) candidates[std::string(f[0])] = {std::string(f[1]), f[2] == "-" ? std::string() : std::string(f[2])};
    }
  }

  for (const auto& root : roots) {
    ContainerProfile c;
    c.runtime = root.runtime;
    c.id = root.id;
    c.layers = static_cast<int>(root.layers.size());
    if (!root.problem.empty()) c.problems.push_back(root.problem);
    if (root.runtime == "docker") {
      const json& cfg = docker_configs.count(root.id) ? docker_configs[root.id] : json();
      if (!cfg.is_object())
        c.problems.push_back(expand_variables("${docker.data-root}/containers/", src) + root.id + "/config.v2.json: missing or not readable");
      c.name = str(cfg, "Name");
      if (c.name.starts_with('/')) c.name.erase(0, 1);
      c.image_id = strip_sha(str(cfg, "Image"));
      if (cfg.contains("Config")) c.image = str(cfg["Config"], "Image");
      const json st = cfg.is_object() && cfg.contains("State") ? cfg["State"] : json();
      auto flag = [&](const char* k) { return st.is_object() && st.contains(k) && st[k].is_boolean() && st[k].get<bool>(); };
      c.started_at = utc_seconds(str(st, "StartedAt"));
      c.state = !st.is_object()          ? "unknown"
                : flag("Restarting")    ? "restarting"
                : flag("Paused")        ? "paused"
                : flag("Running")       ? "running"
                : flag("Dead")          ? "dead"
                : c.started_at.empty()  ? "created"
                                        : "exited";
      if (!c.image.empty() && !is_image_id(c.image)) {
        auto r = parse::parse_image_ref(c.image);
        if (r && r->digest.empty()) {
          auto t = docker_tags.find(normalized(c.image));
          if (t != docker_tags.end()) c.image_current_id = t->second;
        } else if (r) {
          c.image_current_id = c.image_id;  // pinned by digest: what it names cannot move
        }
      }
      if (!c.image_id.empty()) c.image_created = utc_seconds(str(parse_json(snap, imagedb + "/" + c.image_id, &c.problems), "created"));
      if (!c.image_current_id.empty() && c.image_current_id != c.image_id)
        c.image_current_created = utc_seconds(str(parse_json(snap, imagedb + "/" + c.image_current_id), "created"));
    } else if (root.runtime == "podman") {
      const json& e = podman_containers[root.id];
      if (e.contains("names") && e["names"].is_array() && !e["names"].empty() && e["names"][0].is_string()) c.name = e["names"][0].get<std::string>();
      c.image_id = str(e, "image");
      json meta = json::parse(str(e, "metadata"), nullptr, false);
      c.image = str(meta, "image-name");
      c.state = root.running ? "running" : "not running";
      if (!c.image.empty()) {
        auto t = podman_tags.find(normalized(c.image));
        if (t != podman_tags.end()) c.image_current_id = t->second;
      }
      if (auto it = podman_created.find(c.image_id); it != podman_created.end()) c.image_created = utc_seconds(it->second);
      if (!c.image_current_id.empty() && c.image_current_id != c.image_id)
        if (auto it = podman_created.find(c.image_current_id); it != podman_created.end()) c.image_current_created = utc_seconds(it->second);
    } else {
      // containerd: the task's OCI bundle; CRI (Kubernetes) names it in annotations.
      json spec = parse_json(snap, tasks + "/" + root.id + "/config.json", &c.problems);
      json ann = spec.is_object() && spec.contains("annotations") ? spec["annotations"] : json();
      if (str(ann, "io.kubernetes.cri.container-type") == "sandbox") continue;  // the pod's pause container
      std::string pod = str(ann, "io.kubernetes.cri.sandbox-name"), name = str(ann, "io.kubernetes.cri.container-name");
      c.name = !name.empty() ? (pod.empty() ? name : pod + "/" + name) : root.id.substr(root.id.find('/') + 1);
      c.image = str(ann, "io.kubernetes.cri.image-name");
      c.state = "running";
    }
    c.image_outdated = !c.image_current_id.empty() && !c.image_id.empty() && c.image_current_id != c.image_id;
    if (now && !c.image_created.empty())
      if (auto t = util::parse_utc(c.image_created)) c.image_age_days = std::max<long long>(0, (*now - *t) / 86400);
    if (host_change > 0 && !c.started_at.empty())
      if (auto t = util::parse_utc(c.started_at)) c.started_before_host_change = *t < host_change && c.state == "running";

    if (!root.layers.empty() && root.problem.empty()) {
      // os-release
      LayerFile os = reader.find(root.layers, "etc/os-release");
      if (os.state != LayerFile::State::found) os = reader.find(root.layers, "usr/lib/os-release");
      if (os.state == LayerFile::State::found) {
        const FileFact* f = snap.file(os.host_path);
        if (f && f->has_content) {
          auto kv = parse::parse_os_release(f->content);
          c.os_id = kv["ID"];
          c.os_version = kv["VERSION_ID"];
          c.os_name = kv["PRETTY_NAME"];
        } else {
          c.problems.push_back(os.host_path + ": content not collected");
        }
      } else if (os.state == LayerFile::State::not_collected) {
        c.problems.push_back(os.note);
      }
      // The package database: the os's own first, then whichever it has.
      struct Candidate {
        const char* path;
        parse::PackageFormat format;
      };
      std::vector<Candidate> order{{"var/lib/dpkg/status", parse::PackageFormat::dpkg},
                                   {"var/lib/rpm/rpmdb.sqlite", parse::PackageFormat::rpm},
                                   {"usr/lib/sysimage/rpm/rpmdb.sqlite", parse::PackageFormat::rpm},
                                   {"lib/apk/db/installed", parse::PackageFormat::apk}};
      if (c.os_id == "alpine") std::rotate(order.begin(), order.begin() + 3, order.end());
      for (const auto& cand : order) {
        LayerFile lf = reader.find(root.layers, cand.path);
        if (lf.state != LayerFile::State::found) continue;
        const ParsedDb& p = read_db(lf.host_path, cand.format);
        c.package_format = parse::to_string(cand.format);
        c.package_db = lf.host_path;
        if (!p.problem.empty()) {
          c.problems.push_back(p.problem);
          break;
        }
        c.package_set = p.key;
        if (!h.package_sets.count(p.key)) {
          auto& set = h.package_sets[p.key];
          for (const auto& pkg : p.db.packages)
            if (pkg.present && !pkg.version.empty()) set.emplace(pkg.name, pkg.version);
          h.package_set_release[p.key] = c.package_format + " " + c.os_id + " " + c.os_version;
        }
        for (const auto& pkg : p.db.packages) c.packages += pkg.present;
        // The host's lists speak for the container when it runs the host's release.
        if (host_db && cand.format == host_db->format && !candidates.empty() && c.os_id == h.os_id && c.os_version == h.os_version) {
          c.host_lists = true;
          const std::string* previous = nullptr;
          for (const auto& pkg : p.db.packages) {
            // One answer per name: the first entry (rpm keeps install-only
            // packages such as kernels in several versions, newest first).
            if (!pkg.present || (previous && *previous == pkg.name)) continue;
            previous = &pkg.name;
            auto it = candidates.find(pkg.name);
            if (it == candidates.end() || parse::compare_package_versions(cand.format, it->second.first, pkg.version) <= 0) continue;
            PackageLag l{pkg.name, pkg.version, it->second.first, lists, false, is_library_package(pkg.name), is_key_library_package(pkg.name)};
            l.security = !it->second.second.empty() && parse::compare_package_versions(cand.format, it->second.second, pkg.version) > 0;
            c.behind_host_security += l.security;
            c.behind_host.push_back(std::move(l));
          }
        }
        break;
      }
      if (c.package_format.empty() && c.os_id.empty() && c.problems.empty())
        c.problems.push_back("no os-release and no package database in its layers");
    }
    c.behind_host_total = static_cast<int>(c.behind_host.size());
    worst_first(c.behind_host);
    h.containers.push_back(std::move(c));
  }
  if (host_db && !h.containers.empty()) {
    auto& set = h.package_sets["host"];
    for (const auto& pkg : host_db->packages)
      if (pkg.present && !pkg.version.empty()) set.emplace(pkg.name, pkg.version);
    h.package_set_release["host"] = std::string(parse::to_string(host_db->format)) + " " + h.os_id + " " + h.os_version;
  }
  std::sort(h.containers.begin(), h.containers.end(), [](const ContainerProfile& a, const ContainerProfile& b) {
    return std::tie(a.runtime, a.name, a.id) < std::tie(b.runtime, b.name, b.id);
  });
}

namespace {

parse::PackageFormat format_of(std::string_view release) {
  if (release.starts_with("rpm ")) return parse::PackageFormat::rpm;
  if (release.starts_with("apk ")) return parse::PackageFormat::apk;
  return parse::PackageFormat::dpkg;
}

}  // namespace

void analyze_containers(FleetAnalysis& a) {
  // Newest version of each package per release, and where it was seen.
  struct Newest {
    std::string version, where;
  };
  std::map<std::string, std::map<std::string, Newest>> newest;  // release -> package -> newest
  for (const auto& h : a.hosts) {
    std::map<std::string, std::string> label;  // set -> who has it
    label["host"] = "host " + h.host;
    for (const auto& c : h.containers)
      if (!c.package_set.empty() && !label.count(c.package_set)) label[c.package_set] = h.host + ": " + c.name + " (" + short_id(c.id) + ")";
    for (const auto& [key, set] : h.package_sets) {
      auto rel = h.package_set_release.find(key);
      if (rel == h.package_set_release.end()) continue;
      const auto format = format_of(rel->second);
      auto& per = newest[rel->second];
      for (const auto& [name, version] : set) {
        auto& n = per[name];
        if (n.version.empty() || parse::compare_package_versions(format, version, n.version) > 0) n = {version, label[key]};
      }
    }
  }
  std::map<std::string, ImageUsage> images;
  std::map<std::string, std::map<std::string, std::set<std::string>>> image_os;  // repository -> release -> hosts
  for (auto& h : a.hosts) {
    for (auto& c : h.containers) {
      ++a.containers_total;
      a.containers_running += c.state == "running";
      a.containers_outdated += c.image_outdated;
      c.behind_fleet.clear();
      c.behind_fleet_total = 0;
      if (auto set = h.package_sets.find(c.package_set); set != h.package_sets.end()) {
        const std::string& release = h.package_set_release[c.package_set];
        const auto format = format_of(release);
        const auto& per = newest[release];
        for (const auto& [name, version] : set->second) {
          auto n = per.find(name);
          if (n == per.end() || parse::compare_package_versions(format, n->second.version, version) <= 0) continue;
          c.behind_fleet.push_back({name, version, n->second.version, n->second.where, false, is_library_package(name), is_key_library_package(name)});
        }
        c.behind_fleet_total = static_cast<int>(c.behind_fleet.size());
        worst_first(c.behind_fleet);
      }
      a.containers_behind += c.behind_fleet_total > 0 || c.behind_host_total > 0;
      if (c.image.empty()) continue;
      const std::string ref = is_image_id(c.image) ? c.image : normalized(c.image);
      ImageUsage& u = images[ref];
      u.reference = ref;
      u.outdated += c.image_outdated;
      const std::string id = c.image_id.empty() ? "unknown" : short_id(c.image_id);
      auto& hs = u.hosts[id];
      if (std::find(hs.begin(), hs.end(), h.host) == hs.end()) hs.push_back(h.host);
      ++u.containers[id];
      if (!c.os_id.empty()) {
        const std::string release = c.os_id + (c.os_version.empty() ? "" : " " + c.os_version);
        auto& rh = u.releases[release];
        if (std::find(rh.begin(), rh.end(), h.host) == rh.end()) rh.push_back(h.host);
        if (auto r = parse::parse_image_ref(ref)) image_os[r->registry + "/" + r->repository][release].insert(h.host);
      }
    }
  }
  // Uniformity components: image ids per reference, base releases per repository.
  auto add = [&](const std::string& component, const std::map<std::string, std::vector<std::string>>& by_value) {
    // Role groups as for host components: the hosts' tags.
    std::map<std::string, Uniformity> groups;
    for (const auto& [value, hosts] : by_value) {
      for (const auto& host : hosts) {
        std::vector<std::string> gs{"fleet"};
        for (const auto& h : a.hosts)
          if (h.host == host) gs.insert(gs.end(), h.tags.begin(), h.tags.end());
        for (const auto& g : gs) {
          auto& u = groups[g];
          u.group = g;
          u.component = component;
          auto& list = u.hosts[value];
          if (std::find(list.begin(), list.end(), host) == list.end()) list.push_back(host);
        }
      }
    }
    for (auto& [g, u] : groups) {
      std::size_t best = 0, total = 0;
      for (auto& [value, hs] : u.hosts) {
        std::sort(hs.begin(), hs.end());
        total += hs.size();
        if (hs.size() > best || (hs.size() == best && value > u.majority)) {
          best = hs.size();
          u.majority = value;
        }
      }
      for (const auto& [value, hs] : u.hosts)
        if (value != u.majority) u.drifting.insert(u.drifting.end(), hs.begin(), hs.end());
      std::sort(u.drifting.begin(), u.drifting.end());
      u.drifting.erase(std::unique(u.drifting.begin(), u.drifting.end()), u.drifting.end());
      u.score = total ? 100.0 * static_cast<double>(best) / static_cast<double>(total) : 100.0;
      a.uniformity.push_back(std::move(u));
    }
  };
  for (auto& [ref, u] : images) {
    for (auto& [id, hs] : u.hosts) std::sort(hs.begin(), hs.end());
    for (auto& [rel, hs] : u.releases) std::sort(hs.begin(), hs.end());
    std::map<std::string, std::vector<std::string>> known = u.hosts;
    known.erase("unknown");
    if (!known.empty()) add("image:" + ref, known);
    a.images.push_back(u);
  }
  for (const auto& [repo, releases] : image_os) {
    std::map<std::string, std::vector<std::string>> by;
    for (const auto& [rel, hs] : releases) by[rel].assign(hs.begin(), hs.end());
    add("image-os:" + repo, by);
  }
}

void plan_container_subjects(Plan& plan) {
  add_container_plan(plan);
  // the host's own release, package database and apt lists: what "behind" is measured against
  plan.add("/etc/os-release", kPlanContent);
  plan.add("/usr/lib/os-release", kPlanContent);
  plan.add("/var/lib/dpkg/status", kPlanContent);
  plan.add("/var/lib/rpm/rpmdb.sqlite", kPlanContent);
  plan.add("@apt-candidates", kPlanContent);
  plan.add("@dnf-candidates", kPlanContent);
}

SubjectSet build_container_subjects(const Snapshot& snap, const SnapshotIndex&, const parse::TextSource& src) {
  SubjectSet out;
  bool collected = false;
  src.glob(expand_variables("${docker.data-root}/image/overlay2/layerdb/mounts/*/mount-id", src), collected);
  if (!collected) {
    out.available = false;
    out.why = "container roots were not collected";
    return out;
  }
  HostProfile h;
  for (const char* f : {"/etc/os-release", "/usr/lib/os-release"}) {
    auto t = src.text(f);
    if (t.status != parse::FileText::Status::ok) continue;
    auto kv = parse::parse_os_release(t.text);
    h.os_id = kv["ID"];
    h.os_version = kv["VERSION_ID"];
    break;
  }
  std::optional<parse::PackageDatabase> db;
  long long change = 0;
  if (const FileFact* f = snap.file("/var/lib/dpkg/status"); f && f->has_content) {
    db = parse::parse_dpkg_status(f->content);
    change = f->mtime;
  } else if (const FileFact* r = snap.file("/var/lib/rpm/rpmdb.sqlite"); r && r->exists()) {
    change = r->mtime;
    if (r->has_content && !r->truncated)
      if (auto parsed = parse::parse_rpmdb_sqlite(r->content)) db = std::move(*parsed);
  }
  profile_containers(snap, h, db ? &*db : nullptr, change);
  out.problems = h.container_problems;
  for (const auto& c : h.containers) {
    Subject s;
    s.id = "container:" + c.runtime + ":" + c.id;
    s.name = c.runtime + " " + (c.name.empty() ? std::string("container") : c.name) + " (" + short_id(c.id.substr(c.id.find('/') + 1)) + ")";
    s.source = c.package_db;
    s.doc = container_to_json(c);
    if (auto r = parse::parse_image_ref(c.image); r && !is_image_id(c.image)) {
      json ref{{"reference", r->full()}, {"registry", r->registry}, {"repository", r->repository}};
      if (!r->tag.empty()) ref["tag"] = r->tag;
      if (!r->digest.empty()) ref["digest"] = r->digest;
      s.doc["image_ref"] = std::move(ref);
    }
    out.subjects.push_back(std::move(s));
  }
  if (out.subjects.empty() && out.problems.empty()) out.why = "no containers (Docker, podman or containerd) on the host";
  return out;
}

}  // namespace fleetaudit::detail

namespace fleetaudit {

ContainerCounts count_containers(const HostProfile& h) {
  ContainerCounts n;
  for (const auto& c : h.containers) {
    ++n.total;
    n.running += c.state == "running";
    n.outdated += c.image_outdated;
    n.behind += c.behind_host_total > 0 || c.behind_fleet_total > 0;
    n.behind_security += c.behind_host_security > 0;
    n.unreadable += !c.problems.empty();
    ++n.by_runtime[c.runtime];
    if (!c.image.empty()) ++n.by_image[c.image];
  }
  return n;
}

}  // namespace fleetaudit

namespace fleetaudit::detail {

json container_to_json(const ContainerProfile& c) {
  auto lags = [](const std::vector<PackageLag>& v) {
    json out = json::array();
    for (const auto& l : v)
      out.push_back({{"package", l.package}, {"installed", l.installed}, {"newest", l.newest}, {"where", l.where},
                     {"security", l.security}, {"library", l.library}, {"key_library", l.key_library}});
    return out;
  };
  return json{{"runtime", c.runtime},
              {"id", c.id},
              {"name", c.name},
              {"image", {{"reference", c.image}, {"id", c.image_id}, {"current_id", c.image_current_id}, {"outdated", c.image_outdated},
                         {"current", c.image_current_id.empty() || c.image_id.empty() ? json() : json(!c.image_outdated)},
                         {"created", c.image_created}, {"current_created", c.image_current_created},
                         {"age_days", c.image_age_days ? json(*c.image_age_days) : json()}}},
              {"state", c.state},
              {"started_at", c.started_at},
              {"started_before_host_change", c.started_before_host_change},
              {"os", {{"id", c.os_id}, {"version", c.os_version}, {"name", c.os_name}}},
              {"packages", {{"format", c.package_format}, {"database", c.package_db}, {"count", c.packages}, {"set", c.package_set}}},
              {"layers", c.layers},
              {"problems", c.problems},
              {"behind_host", {{"compared", c.host_lists}, {"count", c.behind_host_total},
                               {"security", c.host_lists ? json(c.behind_host_security) : json()}, {"packages", lags(c.behind_host)}}},
              {"behind_fleet", {{"count", c.behind_fleet_total}, {"packages", lags(c.behind_fleet)}}}};
}

json containers_to_json(const HostProfile& h) {
  json list = json::array();
  for (const auto& c : h.containers) list.push_back(container_to_json(c));
  return list;
}

void containers_from_json(const json& j, HostProfile& h) {
  auto lags = [](const json& v) {
    std::vector<PackageLag> out;
    if (!v.is_array()) return out;
    for (const auto& l : v)
      out.push_back({l.value("package", ""), l.value("installed", ""), l.value("newest", ""), l.value("where", ""), l.value("security", false),
                     l.value("library", false), l.value("key_library", false)});
    return out;
  };
  if (j.contains("containers") && j["containers"].is_array()) {
    for (const auto& e : j["containers"]) {
      ContainerProfile c;
      c.runtime = e.value("runtime", "");
      c.id = e.value("id", "");
      c.name = e.value("name", "");
      const json img = e.value("image", json::object());
      c.image = img.value("reference", "");
      c.image_id = img.value("id", "");
      c.image_current_id = img.value("current_id", "");
      c.image_outdated = img.value("outdated", false);
      c.image_created = img.value("created", "");
      c.image_current_created = img.value("current_created", "");
      if (img.contains("age_days") && img["age_days"].is_number()) c.image_age_days = img["age_days"].get<long long>();
      c.state = e.value("state", "");
      c.started_at = e.value("started_at", "");
      c.started_before_host_change = e.value("started_before_host_change", false);
      const json os = e.value("os", json::object());
      c.os_id = os.value("id", "");
      c.os_version = os.value("version", "");
      c.os_name = os.value("name", "");
      const json pk = e.value("packages", json::object());
      c.package_format = pk.value("format", "");
      c.package_db = pk.value("database", "");
      c.packages = pk.value("count", 0);
      c.package_set = pk.value("set", "");
      c.layers = e.value("layers", 0);
      c.problems = e.value("problems", std::vector<std::string>{});
      const json bh = e.value("behind_host", json::object());
      c.host_lists = bh.value("compared", false);
      c.behind_host = lags(bh.value("packages", json::array()));
      c.behind_host_total = bh.value("count", static_cast<int>(c.behind_host.size()));
      if (bh.contains("security") && bh["security"].is_number()) c.behind_host_security = bh["security"].get<int>();
      const json bf = e.value("behind_fleet", json::object());
      c.behind_fleet = lags(bf.value("packages", json::array()));
      c.behind_fleet_total = bf.value("count", static_cast<int>(c.behind_fleet.size()));
      h.containers.push_back(std::move(c));
    }
  }
  h.container_problems = j.value("container_problems", std::vector<std::string>{});
  if (j.contains("package_sets") && j["package_sets"].is_object()) {
    for (const auto& [key, set] : j["package_sets"].items()) {
      h.package_set_release[key] = set.value("release", "");
      h.package_sets[key] = set.value("packages", std::map<std::string, std::string>{});
    }
  }
}

json image_usage_to_json(const ImageUsage& u) {
  return json{{"reference", u.reference}, {"ids", u.hosts}, {"containers", u.containers}, {"releases", u.releases}, {"outdated", u.outdated}};
}

}  // namespace fleetaudit::detail

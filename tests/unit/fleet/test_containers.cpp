// Containers as patch subjects, from real fixture trees: each container's
// root file system resolved through its runtime's layer stack (Docker
// overlay2 and its layer database, podman's containers/storage, containerd's
// overlay mounts), its own os-release and package database (dpkg, rpm, apk),
// whether its image is still what its tag names, and across the fleet its
// lag and image drift.

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "fleet/container_roots.hpp"
#include "fleetaudit/fleetaudit.hpp"
#include "support/fixture_tree.hpp"

using namespace fleetaudit;
namespace ft = fleetaudit::testing;

namespace {

Snapshot snapshot_of(const std::string& fixture, const std::string& host = "") {
  ft::FixtureTree tree(fixture);
  CollectOptions opt;
  opt.root = tree.root();
  Snapshot snap = collect(fleet_facts_plan(), opt);
  snap.tags = ft::fixture_tags(fixture);
  snap.collected_at = "2026-11-21T12:00:00Z";
  snap.host = host.empty() ? fixture : host;
  return snap;
}

const ContainerProfile& named(const HostProfile& h, const std::string& name) {
  for (const auto& c : h.containers)
    if (c.name == name) return c;
  FAIL("no container " << name);
  throw;
}

const PackageLag* lag(const std::vector<PackageLag>& v, const std::string& package) {
  for (const auto& l : v)
    if (l.package == package) return &l;
  return nullptr;
}

// A synthetic snapshot with layer entries: path -> type ('d' directory,
// 'f' file, 'c' whiteout device, 'l:TARGET' link).
Snapshot layers(const std::vector<std::pair<std::string, std::string>>& entries) {
  Snapshot s;
  for (const auto& [path, kind] : entries) {
    FileFact f;
    f.path = path;
    if (kind == "d") f.type = FileType::directory;
    else if (kind == "f") f.type = FileType::regular;
    else if (kind == "c") f.type = FileType::other;
    else if (kind.starts_with("l:")) {
      f.type = FileType::missing;
      f.is_symlink = true;
      f.link_target = kind.substr(2);
    }
    s.files[path] = f;
  }
  // The plan's globs were expanded: the layers are known to the collector.
  s.globs["/var/lib/docker/overlay2/*/diff/etc/os-release"] = {};
  return s;
}

}  // namespace

TEST_CASE("containers: Docker, podman and containerd containers with their own userspace", "[fleet][containers]") {
  Snapshot snap = snapshot_of("containers-mixed");
  HostProfile h = profile_host(snap);
  std::vector<std::string> names;
  for (const auto& c : h.containers) names.push_back(c.runtime + " " + c.name);
  // the pod's sandbox (pause) container is no workload and is left out
  CHECK(names == std::vector<std::string>{"containerd metrics-7d9f/exporter", "docker cache", "docker job", "docker web", "docker web-new",
                                          "podman api"});

  const auto& web = named(h, "web");
  CHECK(web.os_id == "debian");
  CHECK(web.os_version == "12");  // etc/os-release is a link to ../usr/lib/os-release in the base layer
  CHECK(web.package_format == "dpkg");
  CHECK(web.packages == 7);
  CHECK(web.layers == 2);
  CHECK(web.package_db.ends_with("/overlay2/layer-deb12/diff/var/lib/dpkg/status"));
  CHECK(web.state == "running");
  CHECK(web.started_at == "2026-09-01T08:00:01Z");
  CHECK(web.image == "nginx:1.25");
  CHECK(web.image_id == "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1");
  // the tag now names the newer image: the container needs recreating
  CHECK(web.image_outdated);
  CHECK(web.image_current_id.starts_with("b2b2"));
  CHECK(web.image_created == "2026-06-01T10:00:00Z");
  CHECK(web.image_current_created == "2026-11-10T10:00:00Z");
  REQUIRE(web.image_age_days);
  CHECK(*web.image_age_days == 173);
  // Debian 12 like the host: the host's apt lists speak for it
  CHECK(web.host_lists);
  const PackageLag* ssl = lag(web.behind_host, "libssl3");
  REQUIRE(ssl);
  CHECK(ssl->installed == "3.0.11-1~deb12u2");
  CHECK(ssl->newest == "3.0.15-1~deb12u1");
  CHECK(ssl->security);
  CHECK(ssl->key_library);
  REQUIRE(lag(web.behind_host, "libc6"));
  CHECK(lag(web.behind_host, "bash") == nullptr);

  const auto& fresh = named(h, "web-new");
  CHECK_FALSE(fresh.image_outdated);
  CHECK(fresh.layers == 3);
  CHECK(fresh.package_db.ends_with("/overlay2/layer-deb12-upd/diff/var/lib/dpkg/status"));  // the upper layer's copy hides the base's
  CHECK(fresh.behind_host.empty());
  CHECK(fresh.package_set != web.package_set);

  // Alpine: apk database, upgraded in the container's own layer
  const auto& cache = named(h, "cache");
  CHECK(cache.os_id == "alpine");
  CHECK(cache.os_version == "3.19.1");
  CHECK(cache.package_format == "apk");
  CHECK(cache.packages == 6);
  CHECK(cache.package_db.find("/overlay2/mnt-cache/diff/") != std::string::npos);
  CHECK_FALSE(cache.host_lists);
  CHECK_FALSE(cache.image_outdated);
  CHECK(h.package_sets.at(cache.package_set).at("libcrypto3") == "3.1.4-r5");

  // a whiteout (character device) hides the dpkg database of the stopped job
  const auto& job = named(h, "job");
  CHECK(job.state == "exited");
  CHECK(job.os_id == "debian");
  CHECK(job.package_format.empty());
  CHECK(job.packages == 0);
  CHECK_FALSE(job.image_outdated);  // pinned by digest: nothing to move
  CHECK_FALSE(job.started_before_host_change);  // not running

  // podman: UBI 9 with rpm's SQLite database
  const auto& api = named(h, "api");
  CHECK(api.runtime == "podman");
  CHECK(api.os_id == "rhel");
  CHECK(api.os_version == "9.3");
  CHECK(api.package_format == "rpm");
  CHECK(api.packages > 5);
  CHECK(api.state == "running");
  CHECK(api.image == "registry.access.redhat.com/ubi9/ubi:9.3");
  CHECK(api.image_created == "2026-08-01T00:00:00Z");
  CHECK_FALSE(api.image_outdated);

  // containerd: a Kubernetes container, from its overlay mount
  const auto& exp = named(h, "metrics-7d9f/exporter");
  CHECK(exp.os_id == "debian");
  CHECK(exp.os_version == "11");
  CHECK(exp.package_format == "dpkg");
  CHECK(exp.packages == 4);
  CHECK(exp.image == "quay.io/prometheus/node-exporter:v1.7.0");
  CHECK_FALSE(exp.host_lists);  // another release than the host's

  // only the copies containers see were read
  for (const auto& [path, f] : snap.files) {
    if (path.find("/layer-alpine/diff/lib/apk/db/installed") != std::string::npos) CHECK_FALSE(f.has_content);
    if (path.find("/layer-deb12/diff/var/lib/dpkg/status") != std::string::npos) CHECK(f.has_content);
  }
  for (const auto& c : h.containers) {
    INFO(c.name);
    if (c.name != "job") CHECK(c.problems.empty());
  }
  // bounded counts for metrics
  ContainerCounts n = count_containers(h);
  CHECK(n.total == 6);
  CHECK(n.running == 5);
  CHECK(n.outdated == 1);
  CHECK(n.behind_security == 1);
  CHECK(n.by_runtime == std::map<std::string, int>{{"containerd", 1}, {"docker", 4}, {"podman", 1}});
  CHECK(n.by_image.at("nginx:1.25") == 2);
}

TEST_CASE("containers: profiles survive JSON, and the fleet sees lag and image drift", "[fleet][containers]") {
  HostProfile a = profile_host(snapshot_of("containers-mixed", "node-a"));
  auto back = host_profile_from_json(to_json(a));
  REQUIRE(back);
  REQUIRE(back->containers.size() == a.containers.size());
  CHECK(back->containers[1].name == a.containers[1].name);
  CHECK(back->containers[3].behind_host.size() == a.containers[3].behind_host.size());
  CHECK(back->package_sets == a.package_sets);
  CHECK(to_json(*back) == to_json(a));

  HostProfile b = a;
  b.host = "node-b";
  // node-b runs only the current nginx image
  b.containers.erase(std::remove_if(b.containers.begin(), b.containers.end(), [](const ContainerProfile& c) { return c.name != "web-new"; }),
                     b.containers.end());
  FleetAnalysis fa = analyze_fleet({a, b});
  CHECK(fa.containers_total == 7);
  CHECK(fa.containers_outdated == 1);
  // fleet lag: web is behind what web-new has, on the same release
  const ContainerProfile* web = nullptr;
  for (const auto& c : fa.hosts[0].containers)
    if (c.name == "web") web = &c;
  REQUIRE(web);
  const PackageLag* ssl = lag(web->behind_fleet, "libssl3");
  REQUIRE(ssl);
  CHECK(ssl->newest == "3.0.15-1~deb12u1");
  CHECK(ssl->where.find("web-new") != std::string::npos);
  CHECK(web->behind_fleet.front().key_library);  // the key libraries lead the list
  // image drift: nginx:1.25 runs as two images
  const ImageUsage* nginx = nullptr;
  for (const auto& u : fa.images)
    if (u.reference == "docker.io/library/nginx:1.25") nginx = &u;
  REQUIRE(nginx);
  CHECK(nginx->hosts.size() == 2);
  CHECK(nginx->hosts.at("a1a1a1a1a1a1") == std::vector<std::string>{"node-a"});
  CHECK(nginx->hosts.at("b2b2b2b2b2b2") == std::vector<std::string>{"node-a", "node-b"});
  CHECK(nginx->outdated == 1);
  const Uniformity* u = nullptr;
  for (const auto& x : fa.uniformity)
    if (x.group == "fleet" && x.component == "image:docker.io/library/nginx:1.25") u = &x;
  REQUIRE(u);
  CHECK(u->majority == "b2b2b2b2b2b2");
  CHECK(u->drifting == std::vector<std::string>{"node-a"});
  // a fleet rule on it
  auto loaded = ContentSet::load(ft::source_dir());
  REQUIRE(loaded.ok());
  auto results = evaluate_fleet_rules(fa, loaded.content.select_all());
  bool failed = false;
  for (const auto& r : results)
    if (r.check_id == "fleet.uniformity.image-ids" && r.subject == "fleet: docker.io/library/nginx:1.25") {
      failed = r.result == ResultKind::fail;
      CHECK(r.evidence.find("a1a1a1a1a1a1 (1), b2b2b2b2b2b2 (2)") != std::string::npos);
    }
  CHECK(failed);

  // the fleet reports carry the containers
  const std::string table = format_fleet_analysis(fa, results);
  INFO(table);
  CHECK(table.find("Containers: 7 (6 running), 1 on an image their tag no longer names") != std::string::npos);
  CHECK(table.find("OUTDATED") != std::string::npos);
  CHECK(table.find("> the tag now names b2b2b2b2b2b2 (built 2026-11-10); the container started 2026-09-01: recreate it") != std::string::npos);
  CHECK(table.find("> libc6 2.36-9+deb12u3 -> 2.36-9+deb12u4 (security); libssl3 3.0.11-1~deb12u2 -> 3.0.15-1~deb12u1 (security)") != std::string::npos);
  CHECK(table.find("docker.io/library/nginx:1.25\n      a1a1a1a1a1a1 1 container(s) on node-a") != std::string::npos);
  auto j = nlohmann::json::parse(format_fleet_analysis_json(fa, results));
  CHECK(j["containers"]["total"] == 7);
  CHECK(j["containers"]["per_host"]["node-b"]["containers"] == 1);
  CHECK(j["containers"]["per_host"]["node-a"]["outdated"] == 1);
  bool listed = false;
  for (const auto& img : j["containers"]["images"])
    if (img["reference"] == "docker.io/library/nginx:1.25") listed = img["containers"]["b2b2b2b2b2b2"] == 2;
  CHECK(listed);
  bool section = false;
  for (const auto& s : fleet_html_sections(fa, results))
    if (s.id == "containers") section = s.html.find("metrics-7d9f/exporter") != std::string::npos;
  CHECK(section);
}

TEST_CASE("containers: overlay lookups follow whiteouts, opaque directories and links", "[fleet][containers]") {
  const std::string up = "/var/lib/docker/overlay2/up/diff", mid = "/var/lib/docker/overlay2/mid/diff",
                    low = "/var/lib/docker/overlay2/low/diff";
  const std::vector<std::string> stack{up, mid, low};
  auto find = [&](const Snapshot& s, const char* path) { return detail::LayerReader(s).find(stack, path); };
  using S = detail::LayerFile::State;
  SECTION("the topmost copy wins") {
    Snapshot s = layers({{low + "/var", "d"}, {low + "/var/lib", "d"}, {low + "/var/lib/dpkg", "d"}, {low + "/var/lib/dpkg/status", "f"},
                         {mid + "/var", "d"}, {mid + "/var/lib", "d"}, {mid + "/var/lib/dpkg", "d"}, {mid + "/var/lib/dpkg/status", "f"}});
    auto r = find(s, "var/lib/dpkg/status");
    CHECK(r.state == S::found);
    CHECK(r.host_path == mid + "/var/lib/dpkg/status");
  }
  SECTION("a .wh. file hides the name below") {
    Snapshot s = layers({{low + "/var", "d"}, {low + "/var/lib", "d"}, {low + "/var/lib/dpkg", "d"}, {low + "/var/lib/dpkg/status", "f"},
                         {up + "/var", "d"}, {up + "/var/lib", "d"}, {up + "/var/lib/.wh.dpkg", "f"}});
    auto r = find(s, "var/lib/dpkg/status");
    CHECK(r.state == S::missing);
    CHECK(r.note.find(".wh.dpkg") != std::string::npos);
  }
  SECTION("a whiteout device on a directory hides everything under it") {
    Snapshot s = layers({{low + "/var", "d"}, {low + "/var/lib", "d"}, {low + "/var/lib/dpkg", "d"}, {low + "/var/lib/dpkg/status", "f"},
                         {mid + "/var", "c"}});
    CHECK(find(s, "var/lib/dpkg/status").state == S::missing);
  }
  SECTION("an opaque directory shows nothing from below, but its own entries") {
    Snapshot s = layers({{low + "/var", "d"}, {low + "/var/lib", "d"}, {low + "/var/lib/dpkg", "d"}, {low + "/var/lib/dpkg/status", "f"},
                         {mid + "/var", "d"}, {mid + "/var/lib", "d"}, {mid + "/var/lib/.wh..wh..opq", "f"}});
    CHECK(find(s, "var/lib/dpkg/status").state == S::missing);
    s.files[mid + "/var/lib/dpkg"] = s.files[low + "/var/lib/dpkg"];
    s.files[mid + "/var/lib/dpkg"].path = mid + "/var/lib/dpkg";
    s.files[mid + "/var/lib/dpkg/status"] = s.files[low + "/var/lib/dpkg/status"];
    auto r = find(s, "var/lib/dpkg/status");
    CHECK(r.state == S::found);
    CHECK(r.host_path == mid + "/var/lib/dpkg/status");
  }
  SECTION("a directory below a new one still shows through") {
    Snapshot s = layers({{low + "/etc", "d"}, {low + "/etc/os-release", "f"}, {up + "/etc", "d"}, {up + "/etc/hostname", "f"}});
    auto r = find(s, "etc/os-release");
    CHECK(r.state == S::found);
    CHECK(r.host_path == low + "/etc/os-release");
  }
  SECTION("links are followed inside the container, across layers, never to the host") {
    Snapshot s = layers({{up + "/etc", "d"}, {up + "/etc/os-release", "l:../usr/lib/os-release"}, {low + "/usr", "d"}, {low + "/usr/lib", "d"},
                         {low + "/usr/lib/os-release", "f"}, {mid + "/var", "l:/../../../srv"}});
    auto r = find(s, "etc/os-release");
    CHECK(r.state == S::found);
    CHECK(r.path == "/usr/lib/os-release");
    CHECK(r.host_path == low + "/usr/lib/os-release");
    // an absolute link with '..' stays inside the container's root
    auto v = find(s, "var/lib/dpkg/status");
    CHECK(v.state == S::missing);
  }
  SECTION("a link loop ends") {
    Snapshot s = layers({{up + "/etc", "d"}, {up + "/etc/os-release", "l:os-release"}});
    auto r = find(s, "etc/os-release");
    CHECK(r.state == S::missing);
  }
  SECTION("a layer the collector did not read is said so, never taken as empty") {
    Snapshot s = layers({});
    auto r = detail::LayerReader(s).find({"/opt/other-runtime/layer/fs"}, "etc/os-release");
    CHECK(r.state == S::not_collected);
  }
}

TEST_CASE("containers: an RHEL container of the host's release is compared with the host's dnf cache", "[fleet][containers]") {
  HostProfile h = profile_host(snapshot_of("containers-rhel"));
  REQUIRE(h.containers.size() == 1);
  const auto& svc = h.containers.front();
  CHECK(svc.runtime == "podman");
  CHECK(svc.os_id == "rhel");
  CHECK(svc.os_version == "9.4");
  CHECK(svc.package_format == "rpm");
  CHECK(svc.state == "not running");
  CHECK(svc.host_lists);
  const PackageLag* ssh = lag(svc.behind_host, "openssh-server");
  REQUIRE(ssh);
  CHECK(ssh->security);
  CHECK(ssh->where == "dnf repository cache of the host");
  const PackageLag* libc = lag(svc.behind_host, "glibc");
  REQUIRE(libc);
  CHECK_FALSE(libc->security);  // a bug-fix advisory
  CHECK(libc->key_library);
  CHECK(svc.behind_host.front().package == "glibc");  // key libraries first
  // the same database as the host's: the same packages are behind, with the same candidates
  std::string host_pending, container_behind;
  for (const auto& p : h.pending) host_pending += p.package + " ";
  for (const auto& l : svc.behind_host) container_behind += l.package + " ";
  INFO("host: " << host_pending << "; container: " << container_behind);
  REQUIRE(svc.behind_host.size() == h.pending.size());
  for (const auto& l : svc.behind_host) {
    INFO(l.package);
    bool same = false;
    for (const auto& p : h.pending) same = same || (p.package == l.package && p.candidate == l.newest && p.security == l.security);
    CHECK(same);
  }
}

TEST_CASE("containers: damaged runtime files are named, and the other containers still count", "[fleet][containers]") {
  ft::FixtureTree tree("containers-mixed");
  const auto root = tree.root();
  auto put = [&](const std::string& path, const std::string& text) { std::ofstream(root / path.substr(1), std::ios::trunc) << text; };
  // a container's config cut in half, podman's container list garbled, an image configuration that is no JSON
  put("/var/lib/docker/containers/d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4/config.v2.json", "{\"ID\": \"d4");
  put("/var/lib/containers/storage/overlay-containers/containers.json", "[{\"id\": ");
  put("/var/lib/docker/image/overlay2/imagedb/content/sha256/c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3", "not json");
  // a layer chain naming a link that is not there
  put("/var/lib/docker/overlay2/mnt-job/lower", "l/GONE:l/DEB12BASE");
  CollectOptions opt;
  opt.root = root;
  Snapshot snap = collect(fleet_facts_plan(), opt);
  snap.host = "damaged";
  snap.collected_at = "2026-11-21T12:00:00Z";
  HostProfile h = profile_host(snap);
  INFO(to_json(h).substr(0, 2000));
  REQUIRE(h.container_problems.size() == 2);
  CHECK(h.container_problems[0].ends_with("/config.v2.json: not valid JSON"));
  CHECK(h.container_problems[1] == "/var/lib/containers/storage/overlay-containers/containers.json: not valid JSON");
  // podman's container is gone with its list; the others remain
  std::vector<std::string> names;
  for (const auto& c : h.containers) names.push_back(c.name);
  CHECK(names == std::vector<std::string>{"metrics-7d9f/exporter", "", "cache", "job", "web-new"});  // web lost its name with its config
  for (const auto& c : h.containers) {
    INFO(c.id);
    if (c.id.starts_with("d4")) {
      REQUIRE(c.problems.size() == 1);
      CHECK(c.problems[0].ends_with("/config.v2.json: missing or not readable"));
      CHECK(c.os_id == "debian");  // its root is still read
      CHECK(c.packages == 7);
    }
    if (c.name == "cache") {
      REQUIRE(c.problems.size() == 1);
      CHECK(c.problems[0].ends_with("c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3: not valid JSON"));
      CHECK(c.image_created.empty());
    }
    if (c.name == "job") {
      REQUIRE(c.problems.size() == 1);
      CHECK(c.problems[0] == "/var/lib/docker/overlay2/l/GONE (named in /var/lib/docker/overlay2/mnt-job/lower) is missing");
      CHECK(c.os_id.empty());  // an unknown chain is not guessed at
    }
  }
  // as subjects: the unreadable lists are errors of their own
  auto loaded = ContentSet::load(ft::source_dir());
  REQUIRE(loaded.ok());
  Selection sel = loaded.content.select_all();
  HostReport report = evaluate(snap, sel);
  int errors = 0;
  for (const auto& r : report.results)
    if (r.check_id == "container.image.current" && r.result == ResultKind::error) ++errors;
  CHECK(errors >= 1);
}

TEST_CASE("containers: a moved Docker data root is followed to its layers", "[fleet][containers]") {
  ft::FixtureTree tree("containers-mixed");
  const auto root = tree.root();
  std::filesystem::create_directories(root / "srv");
  std::filesystem::rename(root / "var/lib/docker", root / "srv/docker");
  std::filesystem::create_directories(root / "etc/docker");
  std::ofstream(root / "etc/docker/daemon.json") << "{\"data-root\": \"/srv/docker/\"}\n";
  CollectOptions opt;
  opt.root = root;
  Snapshot snap = collect(fleet_facts_plan(), opt);
  snap.host = "moved";
  snap.collected_at = "2026-11-21T12:00:00Z";
  HostProfile h = profile_host(snap);
  const auto& web = named(h, "web");
  CHECK(web.os_id == "debian");
  CHECK(web.packages == 7);
  CHECK(web.package_db == "/srv/docker/overlay2/layer-deb12/diff/var/lib/dpkg/status");
  CHECK(web.image_outdated);
  CHECK(named(h, "cache").package_format == "apk");
}

TEST_CASE("containers: lag is counted whole and listed by its worst offenders", "[fleet][containers]") {
  auto host = [](const std::string& name, const std::string& version) {
    HostProfile h;
    h.host = name;
    ContainerProfile c;
    c.runtime = "docker";
    c.id = std::string(64, name.back());
    c.name = "app";
    c.package_set = "dpkg:" + name;
    c.state = "running";
    h.containers.push_back(c);
    for (int i = 0; i < 15; ++i) h.package_sets[c.package_set]["pkg" + std::to_string(100 + i)] = version;
    h.package_sets[c.package_set]["zlib1g"] = version;
    h.package_set_release[c.package_set] = "dpkg debian 12";
    return h;
  };
  FleetAnalysis fa = analyze_fleet({host("old-1", "1.0-1"), host("new-2", "1.0-2")});
  const ContainerProfile& old = fa.hosts[0].containers[0];
  CHECK(old.behind_fleet_total == 16);
  REQUIRE(old.behind_fleet.size() == ContainerProfile::kWorstOffenders);
  CHECK(old.behind_fleet[0].package == "zlib1g");  // the key library leads
  CHECK(old.behind_fleet[1].package == "pkg100");
  CHECK(fa.hosts[1].containers[0].behind_fleet_total == 0);
  CHECK(count_containers(fa.hosts[0]).behind == 1);
  const std::string table = format_container_table(fa);
  INFO(table);
  CHECK(table.find("> zlib1g 1.0-1 -> 1.0-2; pkg100 1.0-1 -> 1.0-2; pkg101 1.0-1 -> 1.0-2; ... 13 more") != std::string::npos);
  auto back = host_profile_from_json(to_json(fa.hosts[0]));
  REQUIRE(back);
  CHECK(back->containers[0].behind_fleet_total == 16);
}

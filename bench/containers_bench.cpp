// Container facts on a busy container host: 200 Docker containers over 20
// images on 4 base releases (shared base layers, app layers, some with an
// upgraded package database of their own), each with its layer database
// entry, init layer, config and overlay mount, as dockerd leaves them. The
// package databases are real-sized: this machine's /var/lib/dpkg/status
// (and the rpm fixture's rpmdb.sqlite). Measured: collecting the fleet facts
// plan under --root (roots resolved through the layer chains, os-release
// and package databases read from the layer each container sees), and the
// host profile with every container's packages parsed and compared with
// the host's apt lists.
//
// Run: build/bench/fleetaudit_containers_bench (the tree is built once, in
// $TMPDIR, and removed at the end).

#include <benchmark/benchmark.h>

#include <fleetaudit/fleetaudit.hpp>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fa = fleetaudit;
namespace fs = std::filesystem;

namespace {

constexpr int kContainers = 200;
constexpr int kImages = 20;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

std::string hex_id(char tag, int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%06d", tag, n);
  std::string s;
  while (s.size() < 64) s += buf;
  s.resize(64);
  for (auto& c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) c = 'a';
  return s;
}

// An apk database with `n` packages, as Alpine writes it.
std::string apk_db(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    out += "C:Q1" + std::to_string(100000 + i) + "AAAAAAAAAAAAAAAAAAAA=\nP:pkg" + std::to_string(i) + "\nV:1." + std::to_string(i % 7) +
           "." + std::to_string(i % 13) + "-r" + std::to_string(i % 3) + "\nA:x86_64\nS:4096\nI:12288\nT:package " + std::to_string(i) +
           "\nU:https://example.org\nL:MIT\no:pkg" + std::to_string(i) + "\nm:Maintainer <m@example.org>\nt:1700000000\nc:0123abcd\n";
    for (int f = 0; f < 8; ++f) out += "F:usr/lib/pkg" + std::to_string(i) + "\nR:file" + std::to_string(f) + ".so\na:0:0:755\nZ:Q1AAAA=\n";
    out += "\n";
  }
  return out;
}

struct Tree {
  fs::path root;
  Tree() {
    const char* tmp = std::getenv("TMPDIR");
    root = fs::path(tmp && *tmp ? tmp : "/tmp") / ("fleetaudit-containers-bench-" + std::to_string(::getpid()));
    fs::remove_all(root);
    const fs::path docker = root / "var/lib/docker";
    const fs::path ov = docker / "overlay2";
    const std::string dpkg = read_file("/var/lib/dpkg/status");
    const std::string rpmdb = read_file(fs::path(FLEETAUDIT_SOURCE_DIR) / "tests/fixtures/rpmdb/rhel9-base.sqlite");
    const std::string apk = apk_db(60);
    // Host: Debian 12 with its own package database and an apt list.
    write(root / "etc/os-release", "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");
    write(root / "var/lib/dpkg/status", dpkg);
    write(root / "var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages",
          "Package: libssl3\nVersion: 9.9.9-1\n\nPackage: libc6\nVersion: 9.9-1\n");

    // Four bases, each one layer.
    struct Base {
      std::string os, db_path, db;
    };
    const std::vector<Base> bases{
        {"ID=debian\nVERSION_ID=\"12\"\n", "var/lib/dpkg/status", dpkg},
        {"ID=ubuntu\nVERSION_ID=\"24.04\"\n", "var/lib/dpkg/status", dpkg},
        {"ID=alpine\nVERSION_ID=3.20.3\n", "lib/apk/db/installed", apk},
        {"ID=\"rhel\"\nVERSION_ID=\"9.4\"\n", "var/lib/rpm/rpmdb.sqlite", rpmdb},
    };
    std::vector<std::string> base_links;
    for (std::size_t b = 0; b < bases.size(); ++b) {
      const std::string id = hex_id('b', static_cast<int>(b));
      write(ov / id / "diff/usr/lib/os-release", bases[b].os);
      fs::create_directories(ov / id / "diff/etc");
      fs::create_symlink("../usr/lib/os-release", ov / id / "diff/etc/os-release");
      write(ov / id / "diff" / bases[b].db_path, bases[b].db);
      for (const char* d : {"bin", "usr/bin", "usr/share/doc", "var/cache", "var/log"}) fs::create_directories(ov / id / "diff" / d);
      const std::string link = "B" + std::to_string(b) + "XXXXXXXXXXXXXXXXXXXXXXX";
      fs::create_directories(ov / "l");
      fs::create_symlink("../" + id + "/diff", ov / "l" / link);
      base_links.push_back(link);
    }
    // Images: base + 2 app layers; every third image upgraded its packages in its first app layer.
    std::vector<std::string> image_lower(kImages), image_ids(kImages);
    std::string repos = "{\"Repositories\":{";
    for (int i = 0; i < kImages; ++i) {
      const int b = i % static_cast<int>(bases.size());
      std::string lower = "l/" + base_links[b];
      for (int k = 0; k < 2; ++k) {
        const std::string id = hex_id('l', i * 10 + k);
        write(ov / id / "lower", lower);
        write(ov / id / "diff/app" / ("layer" + std::to_string(k)) / "main.py", "print('hello')\n");
        if (k == 0 && i % 3 == 0) write(ov / id / "diff" / bases[b].db_path, bases[b].db + (b == 3 ? "" : "\n"));
        const std::string link = "L" + std::to_string(i * 10 + k) + "XXXXXXXXXXXXXXXXXXXX";
        fs::create_symlink("../" + id + "/diff", ov / "l" / link);
        lower = "l/" + link + ":" + lower;
      }
      image_lower[i] = lower;
      image_ids[i] = hex_id('i', i);
      write(docker / "image/overlay2/imagedb/content/sha256" / image_ids[i],
            "{\"architecture\":\"amd64\",\"created\":\"2026-0" + std::to_string(1 + i % 9) + "-01T00:00:00Z\",\"config\":{}}");
      repos += std::string(i ? "," : "") + "\"registry.example.com/app" + std::to_string(i) + "\":{\"registry.example.com/app" +
               std::to_string(i) + ":1\":\"sha256:" + image_ids[i] + "\"}";
    }
    repos += "}}";
    write(docker / "image/overlay2/repositories.json", repos);
    // Containers: a writable layer and an init layer each, all running.
    std::string mounts = "/dev/vda1 / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n";
    for (int c = 0; c < kContainers; ++c) {
      const int i = c % kImages;
      const std::string cid = hex_id('c', c), mount = hex_id('m', c);
      const std::string init_link = "I" + std::to_string(c) + "XXXXXXXXXXXXXXXXXXXX";
      write(ov / (mount + "-init") / "lower", image_lower[i]);
      write(ov / (mount + "-init") / "diff/etc/hostname", "");
      fs::create_symlink("../" + mount + "-init/diff", ov / "l" / init_link);
      write(ov / mount / "lower", "l/" + init_link + ":" + image_lower[i]);
      write(ov / mount / "diff/tmp/app.pid", std::to_string(c));
      fs::create_directories(ov / mount / "merged");
      write(docker / "image/overlay2/layerdb/mounts" / cid / "mount-id", mount);
      write(docker / "image/overlay2/layerdb/mounts" / cid / "init-id", mount + "-init");
      write(docker / "containers" / cid / "config.v2.json",
            "{\"ID\":\"" + cid + "\",\"Name\":\"/app-" + std::to_string(c) + "\",\"Image\":\"sha256:" + image_ids[i] +
                "\",\"Driver\":\"overlay2\",\"Config\":{\"Image\":\"registry.example.com/app" + std::to_string(i) +
                ":1\",\"Env\":[\"PATH=/usr/bin\"]},\"State\":{\"Running\":true,\"StartedAt\":\"2026-11-01T00:00:00.1Z\"}}");
      write(docker / "containers" / cid / "hostconfig.json", "{\"NetworkMode\":\"bridge\"}");
      mounts += "overlay /var/lib/docker/overlay2/" + mount + "/merged overlay rw,relatime,lowerdir=/var/lib/docker/overlay2/l/" + init_link +
                ",upperdir=/var/lib/docker/overlay2/" + mount + "/diff,workdir=/var/lib/docker/overlay2/" + mount + "/work 0 0\n";
    }
    write(root / "proc/mounts", mounts);
  }
  ~Tree() { fs::remove_all(root); }
};

const Tree& tree() {
  static Tree t;
  return t;
}

void BM_CollectContainerFacts(benchmark::State& state) {
  fa::CollectOptions opt;
  opt.root = tree().root;
  const fa::Plan plan = fa::fleet_facts_plan();
  std::size_t containers = 0, packages = 0;
  for (auto _ : state) {
    fa::Snapshot snap = fa::collect(plan, opt);
    fa::HostProfile h = fa::profile_host(snap);
    containers = h.containers.size();
    packages = 0;
    for (const auto& c : h.containers) packages += static_cast<std::size_t>(c.packages);
    benchmark::DoNotOptimize(h);
  }
  state.counters["containers"] = static_cast<double>(containers);
  state.counters["packages"] = static_cast<double>(packages);
  if (containers != kContainers) state.SkipWithError("not every container was found");
}
BENCHMARK(BM_CollectContainerFacts)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

void BM_CollectOnly(benchmark::State& state) {
  fa::CollectOptions opt;
  opt.root = tree().root;
  const fa::Plan plan = fa::fleet_facts_plan();
  std::size_t files = 0;
  for (auto _ : state) {
    fa::Snapshot snap = fa::collect(plan, opt);
    files = snap.files.size();
    benchmark::DoNotOptimize(snap);
  }
  state.counters["facts"] = static_cast<double>(files);
}
BENCHMARK(BM_CollectOnly)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

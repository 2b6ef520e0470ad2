// The manifests collector: files and directories read into a snapshot of
// kind `manifests`, which survives JSON, the binary encoding and the store.

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include "collect/snapshot_binary.hpp"
#include "support/content_helpers.hpp"

using namespace fleetaudit;
namespace ft = fleetaudit::testing;
namespace fs = std::filesystem;

namespace {
void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}
}  // namespace

TEST_CASE("manifests collector: directories walked for manifests, sorted, files named are read whatever their name",
          "[collect][k8s]") {
  ft::TempDir t;
  const fs::path d = t.path() / "deploy";
  write(d / "b.yaml", "kind: Pod\n");
  write(d / "a" / "z.yml", "kind: Pod\n");
  write(d / "a" / "list.json", "{}");
  write(d / "README.md", "not a manifest");
  write(d / ".git" / "config.yaml", "hidden: true\n");
  write(d / ".hidden.yaml", "hidden: true\n");
  write(t.path() / "extra.txt", "kind: Pod\n");
  fs::create_directories(t.path() / "empty");

  CollectOptions opt;
  Snapshot s = collect_manifests({d, t.path() / "extra.txt", d / "b.yaml"}, opt);
  CHECK(s.kind == Snapshot::Kind::manifests);
  CHECK(s.collector == "manifests");
  const std::string base = d.generic_string();
  CHECK(s.manifests == std::vector<std::string>{base + "/a/list.json", base + "/a/z.yml", base + "/b.yaml",
                                                (t.path() / "extra.txt").generic_string()});
  CHECK(s.errors.empty());
  CHECK(s.file(base + "/b.yaml")->content == "kind: Pod\n");
  CHECK(s.host == base + ", " + (t.path() / "extra.txt").generic_string() + ", " + base + "/b.yaml");

  opt.host_name = "cluster-a";
  Snapshot missing = collect_manifests({t.path() / "nope", t.path() / "empty", d / "b.yaml"}, opt);
  CHECK(missing.host == "cluster-a");
  REQUIRE(missing.errors.size() == 2);
  CHECK(missing.errors[0] == (t.path() / "nope").generic_string() + ": no such file or directory");
  CHECK(missing.errors[1] == (t.path() / "empty").generic_string() + ": no *.yaml, *.yml or *.json files");
  CHECK(missing.manifests.size() == 1);

  // a file the collector may not read is a fact with the reason, never a crash
  if (::geteuid() != 0) {
    write(d / "locked.yaml", "kind: Pod\n");
    ::chmod((d / "locked.yaml").c_str(), 0);
    Snapshot locked = collect_manifests({d / "locked.yaml"}, CollectOptions{});
    CHECK_FALSE(locked.file((d / "locked.yaml").generic_string())->content_error.empty());
  }
  // limits apply as for hosts
  write(d / "big.yaml", std::string(1000, '#'));
  CollectOptions small;
  small.max_file_bytes = 100;
  Snapshot big = collect_manifests({d / "big.yaml"}, small);
  CHECK(big.file((d / "big.yaml").generic_string())->truncated);
}

TEST_CASE("manifests snapshots round-trip through JSON and the binary encoding", "[collect][k8s][json][binary]") {
  ft::SnapshotBuilder b;
  b.snap.kind = Snapshot::Kind::manifests;
  b.file("deploy/web.yaml", "kind: Pod\n");
  b.snap.manifests = {"deploy/web.yaml"};
  auto j = snapshot_from_json(to_json(b.snap));
  REQUIRE(j);
  CHECK(j->kind == Snapshot::Kind::manifests);
  CHECK(j->manifests == b.snap.manifests);
  auto bin = snapshot_from_binary(to_binary(b.snap));
  REQUIRE(bin);
  CHECK(to_json(*bin) == to_json(b.snap));
  // a host snapshot stays as it was: no kind written
  ft::SnapshotBuilder host;
  CHECK(to_json(host.snap).find("\"kind\"") == std::string::npos);
  CHECK(snapshot_from_json(R"({"format":1,"files":{},"kind":"vm"})").error().message ==
        "snapshot kind 'vm' is not host or manifests");
}

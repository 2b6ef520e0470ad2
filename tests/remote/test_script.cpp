// The SSH collector's script and stream, without SSH: the script runs in a
// chroot under busybox ash and dash, and its snapshot must equal the local
// collector's for the same tree.

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <random>

#include "fleetaudit/fleetaudit.hpp"
#include "collect/ssh/frames.hpp"
#include "collect/ssh/script.hpp"
#include "remote/shell_root.hpp"
#include "support/fixture_tree.hpp"

using namespace fleetaudit;
namespace ft = fleetaudit::testing;
namespace fs = std::filesystem;

namespace {

const ContentSet& content() {
  static ContentSet c = [] {
    auto r = ContentSet::load(ft::source_dir());
    REQUIRE(r.ok());
    return std::move(r.content);
  }();
  return c;
}

// Every difference between two snapshots' files and globs, for messages.
std::vector<std::string> differences(const Snapshot& a, const Snapshot& b) {
  std::vector<std::string> out;
  for (const auto& [path, f] : a.files) {
    const FileFact* g = b.file(path);
    if (!g) {
      out.push_back("only in the first: " + path);
      continue;
    }
    auto diff = [&](const char* what, auto x, auto y) {
      if (!(x == y)) out.push_back(path + ": " + what + " differs");
    };
    diff("type", f.type, g->type);
    diff("error", f.error, g->error);
    diff("symlink", f.is_symlink, g->is_symlink);
    diff("link target", f.link_target, g->link_target);
    if (f.exists()) {
      diff("mode", f.mode, g->mode);
      diff("uid", f.uid, g->uid);
      diff("gid", f.gid, g->gid);
      if (f.type == FileType::regular) diff("size", f.size, g->size);
      if (f.type == FileType::regular && !f.path.starts_with("/proc/") && !f.path.starts_with("/sys/")) diff("mtime", f.mtime, g->mtime);
    }
    diff("has content", f.has_content, g->has_content);
    diff("content", f.content, g->content);
    diff("truncated", f.truncated, g->truncated);
    diff("redacted", f.redacted, g->redacted);
    diff("content error", f.content_error, g->content_error);
    diff("has entries", f.has_entries, g->has_entries);
    diff("entries", f.entries, g->entries);
  }
  for (const auto& [path, f] : b.files)
    if (!a.file(path)) out.push_back("only in the second: " + path);
  if (a.globs != b.globs) {
    for (const auto& [p, m] : a.globs) {
      const auto* n = b.glob(p);
      if (!n) out.push_back("glob only in the first: " + p);
      else if (*n != m) out.push_back("glob differs: " + p);
    }
    for (const auto& [p, m] : b.globs)
      if (!a.glob(p)) out.push_back("glob only in the second: " + p);
  }
  return out;
}

remote::FrameResult run_script(const fs::path& root, const std::string& shell, const Plan& plan, std::string agent = "") {
  remote::ScriptOptions opt;
  opt.boundary = remote::random_boundary();
  opt.agent_path = std::move(agent);
  auto r = ft::run_in_root(root, shell, remote::make_script(plan, opt));
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return remote::parse_frames(r.out, opt.boundary);
}

Snapshot local(const fs::path& root, const Plan& plan) {
  CollectOptions opt;
  opt.root = root;
  return collect(plan, opt);
}

}  // namespace

TEST_CASE("sh_quote stands for exactly its input, whatever the bytes", "[remote][quote]") {
  CHECK(remote::sh_quote("plain") == "'plain'");
  CHECK(remote::sh_quote("it's") == "'it'\\''s'");
  CHECK(remote::sh_quote("") == "''");
  std::mt19937 rng(42);
  std::vector<std::string> samples{"$(touch /tmp/fa-q)", "`id`", "a'b\"c", "x;y|z&w", "\\n\\t", "*?[]~!{}", "line\nbreak", "${HOME}"};
  for (int i = 0; i < 60; ++i) {
    std::string s;
    int n = static_cast<int>(rng() % 24);
    for (int k = 0; k < n; ++k) s += static_cast<char>(1 + rng() % 255);  // every byte but NUL
    samples.push_back(s);
  }
  for (const auto& shell : {"/bin/dash", "/bin/busybox"}) {
    for (const auto& s : samples) {
      std::vector<std::string> argv{shell};
      if (std::string(shell) == "/bin/busybox") argv.push_back("sh");
      argv.insert(argv.end(), {"-c", "printf %s " + remote::sh_quote(s)});
      auto r = ft::run_process(argv);
      INFO(shell << " quoting of " << s);
      CHECK(r.out == s);
    }
  }
  CHECK_FALSE(fs::exists("/tmp/fa-q"));
}

TEST_CASE("sh_glob leaves only *, ? and vetted bracket classes to the shell", "[remote][quote]") {
  CHECK(remote::sh_glob("/etc/ssh/sshd_config.d/*.conf") == "'/etc/ssh/sshd_config.d/'*'.conf'");
  CHECK(remote::sh_glob("/etc/a?b") == "'/etc/a'?'b'");
  CHECK(remote::sh_glob("/etc/[!l-~]*") == "'/etc/'[!l-'~']*");
  CHECK(remote::sh_glob("/x/[$(id)]") == "'/x/'['$''('id')']");
  CHECK(remote::sh_glob("/x/[ab") == "'/x/[ab'");
  CHECK(remote::sh_glob("/etc/a'b/*") == "'/etc/a'\\''b/'*");
}

TEST_CASE("the shell path collects exactly what the local collector does (busybox ash and dash)", "[remote][script]") {
  Plan plan = content().select_all().plan();
  plan.merge(fleet_facts_plan());  // probes included: stale maps, cpu flags, apt candidates
  for (const char* fixture : {"ssh-pass", "pam-fail", "services-pass", "fs-pass", "accounts-fail-integrity", "kernel-pass",
                              "rhel9-base", "edge-pass",
                              "fleet-hypervisor-stale", "rhel9-dnf-updates"}) {
    ft::FixtureTree tree(fixture);
    ft::add_shells(tree.root());
    Snapshot want = local(tree.root(), plan);
    for (const char* shell : {"/bin/sh", "/bin/dash"}) {
      auto got = run_script(tree.root(), shell, plan);
      INFO(fixture << " under " << shell << ": " << got.error);
      REQUIRE(got.error.empty());
      REQUIRE(got.complete);
      auto diffs = differences(want, got.snapshot);
      INFO(diffs.size() << " differences, first: " << (diffs.empty() ? "" : diffs.front()));
      CHECK(diffs.empty());
    }
  }
}

TEST_CASE("the shell path follows sshd Include lines in the same round trip", "[remote][script]") {
  ft::TempDir t;
  ::chmod(t.path().c_str(), 0755);
  auto write = [&](const std::string& p, const std::string& text) {
    fs::create_directories((t.path() / p.substr(1)).parent_path());
    std::ofstream(t.path() / p.substr(1)) << text;
  };
  write("/etc/ssh/sshd_config", "Include extra/*.conf\nInclude=/etc/ssh/literal.conf\nPermitRootLogin yes\n");
  write("/etc/ssh/extra/a.conf", "include /etc/ssh/deeper/*.conf\n");
  write("/etc/ssh/deeper/z.conf", "MaxAuthTries 3\n");
  write("/etc/ssh/literal.conf", "X11Forwarding no\n");
  ft::add_shells(t.path());
  Plan plan;
  plan.add("/etc/ssh/sshd_config", kPlanContent);
  plan.add("/etc/ssh/sshd_config.d/*.conf", kPlanContent);
  Snapshot want = local(t.path(), plan);
  REQUIRE(want.file("/etc/ssh/deeper/z.conf"));
  auto got = run_script(t.path(), "/bin/dash", plan);
  REQUIRE(got.complete);
  auto diffs = differences(want, got.snapshot);
  INFO((diffs.empty() ? "" : diffs.front()));
  CHECK(diffs.empty());
}

TEST_CASE("file names full of shell metacharacters are data, never code", "[remote][script][security]") {
  ft::TempDir t;
  ::chmod(t.path().c_str(), 0755);
  // (A file name cannot hold '/': the canaries land in the shell's working directory, the root.)
  std::vector<std::string> names{"$(touch fa-pwned-sub)", "`touch fa-pwned-tick`", "a'b;touch fa-pwned-q;'.conf",
                                 "x\ny.conf", "-rf.conf", "$IFS$(touch${IFS}fa-pwned-ifs).conf", "sp ace.conf"};
  fs::create_directories(t.path() / "etc/sysctl.d");
  fs::create_directories(t.path() / "etc/sudoers.d");
  for (const auto& n : names) {
    std::ofstream(t.path() / "etc/sysctl.d" / n) << "net.ipv4.ip_forward = 0\n";
    std::ofstream(t.path() / "etc/sudoers.d" / n) << "# nothing\n";
  }
  fs::create_symlink("$(touch fa-pwned-link)", t.path() / "etc/sysctl.d/link.conf");
  ft::add_shells(t.path());
  Plan plan;
  plan.add("/etc/sysctl.d/*.conf", kPlanContent);
  plan.add("/etc/sudoers.d/*", kPlanContent);
  plan.add("/etc/sudoers.d", kPlanList);
  for (const char* shell : {"/bin/sh", "/bin/dash"}) {
    auto got = run_script(t.path(), shell, plan);
    REQUIRE(got.complete);
    CHECK(got.snapshot.glob("/etc/sudoers.d/*")->size() == names.size());
    CHECK(got.snapshot.file("/etc/sudoers.d/x\ny.conf")->content == "# nothing\n");
    CHECK(got.snapshot.file("/etc/sysctl.d/link.conf")->link_target == "$(touch fa-pwned-link)");
    auto diffs = differences(local(t.path(), plan), got.snapshot);
    INFO((diffs.empty() ? "" : diffs.front()));
    CHECK(diffs.empty());
  }
  for (const char* canary : {"fa-pwned-sub", "fa-pwned-tick", "fa-pwned-q", "fa-pwned-ifs", "fa-pwned-link"}) {
    CHECK_FALSE(fs::exists(fs::path("/tmp") / canary));
    CHECK_FALSE(fs::exists(t.path() / canary));
    CHECK_FALSE(fs::exists(fs::current_path() / canary));
  }
}

TEST_CASE("the agent path yields the same snapshot as the shell path", "[remote][agent]") {
  ft::FixtureTree tree("ssh-pass");
  ft::add_shells(tree.root());
  ft::install_binary(tree.root(), FLEETAUDIT_CLI, "/usr/local/bin/fleetaudit");
  Plan plan = content().select_all().plan();
  auto shell = run_script(tree.root(), "/bin/sh", plan);
  auto agent = run_script(tree.root(), "/bin/sh", plan, "/usr/local/bin/fleetaudit");
  INFO(agent.error);
  REQUIRE(agent.agent);
  REQUIRE(agent.complete);
  REQUIRE_FALSE(shell.agent);
  auto diffs = differences(shell.snapshot, agent.snapshot);
  INFO(diffs.size() << " differences, first: " << (diffs.empty() ? "" : diffs.front()));
  CHECK(diffs.empty());
  // An agent path that is not there falls back to the shell.
  auto fallback = run_script(tree.root(), "/bin/sh", plan, "/opt/none/fleetaudit");
  CHECK_FALSE(fallback.agent);
  CHECK(fallback.complete);
}

TEST_CASE("containers' roots read the same over the shell, the agent and locally", "[remote][script][containers]") {
  // Docker overlay2 with its layer database, podman, containerd; whiteouts
  // (character devices), links between layers, Debian, Alpine and RHEL roots.
  ft::FixtureTree tree("containers-mixed");
  ft::add_shells(tree.root());
  ft::install_binary(tree.root(), FLEETAUDIT_CLI, "/usr/local/bin/fleetaudit");
  Plan plan = fleet_facts_plan();
  auto profile = [](Snapshot s) {
    s.host = "containers-mixed";
    s.collected_at = "2026-11-21T12:00:00Z";
    HostProfile h = profile_host(s);
    std::string out;
    for (const auto& c : h.containers) {
      out += c.runtime + " " + c.name + " " + c.os_id + " " + c.os_version + " " + c.package_format + " " + std::to_string(c.packages) + " " +
             c.package_db + " outdated=" + std::to_string(c.image_outdated) + " behind_host=" + std::to_string(c.behind_host.size()) + "\n";
      for (const auto& p : c.problems) out += "  problem: " + p + "\n";
    }
    return out;
  };
  const std::string want = profile(local(tree.root(), plan));
  INFO(want);
  REQUIRE(want.find("docker web debian 12 dpkg 7 ") != std::string::npos);
  REQUIRE(want.find("docker cache alpine 3.19.1 apk 6 ") != std::string::npos);
  REQUIRE(want.find("podman api rhel 9.3 rpm ") != std::string::npos);
  REQUIRE(want.find("containerd metrics-7d9f/exporter debian 11 dpkg 4 ") != std::string::npos);
  for (const char* shell : {"/bin/sh", "/bin/dash"}) {
    auto got = run_script(tree.root(), shell, plan);
    INFO("under " << shell << ": " << got.error);
    REQUIRE(got.complete);
    CHECK(profile(got.snapshot) == want);
    // only the copies a layer stack sees are read: the Alpine base's database is shadowed by the container's own
    const FileFact* shadowed = got.snapshot.file("/var/lib/docker/overlay2/layer-alpine/diff/lib/apk/db/installed");
    REQUIRE(shadowed);
    CHECK_FALSE(shadowed->has_content);
    CHECK(got.snapshot.file("/var/lib/docker/overlay2/mnt-cache/diff/lib/apk/db/installed")->has_content);
  }
  auto agent = run_script(tree.root(), "/bin/sh", plan, "/usr/local/bin/fleetaudit");
  REQUIRE(agent.agent);
  REQUIRE(agent.complete);
  CHECK(profile(agent.snapshot) == want);
}

TEST_CASE("the stream parser survives any damage", "[remote][frames]") {
  ft::FixtureTree tree("sudo-pass");
  ft::add_shells(tree.root());
  Plan plan = content().select_all().plan();
  remote::ScriptOptions opt;
  opt.boundary = remote::random_boundary();
  auto r = ft::run_in_root(tree.root(), "/bin/sh", remote::make_script(plan, opt));
  REQUIRE(r.exit_code == 0);
  const std::string good = r.out;
  auto full = remote::parse_frames(good, opt.boundary);
  REQUIRE(full.complete);
  // Cut anywhere: never complete, never a crash; a clean cut is no error.
  for (std::size_t cut = 0; cut < good.size(); cut += 1 + good.size() / 997) {
    auto p = remote::parse_frames(std::string_view(good).substr(0, cut), opt.boundary);
    CHECK_FALSE(p.complete);
  }
  // Flip bytes anywhere: no crash, and anything parsed is plain data.
  std::mt19937 rng(7);
  for (int i = 0; i < 400; ++i) {
    std::string bad = good;
    for (int k = 0; k < 3; ++k) bad[rng() % bad.size()] = static_cast<char>(rng());
    auto p = remote::parse_frames(bad, opt.boundary);
    (void)p;
  }
  auto garbage = remote::parse_frames(std::string(4096, '\x07'), opt.boundary);
  CHECK_FALSE(garbage.started);
  CHECK_FALSE(garbage.error.empty());
  auto forged = remote::parse_frames(opt.boundary + " S 2\n" + opt.boundary + " Q\n", opt.boundary);
  CHECK(forged.error.find("unknown record type 'Q'") != std::string::npos);
}

TEST_CASE("a file that changes while the bulk read runs is marked, not misread", "[remote][frames]") {
  const std::string B = "FAtest";
  std::string stream = B + " S 2\n" + B + " K 2\n" + std::string("/a\0/b\0", 6) + B + " k\n3\n2\n" + B + " k\nabcXY" + B +
                       " k\n3\n5\n" + B + " Y\n" + B + " Z\n";
  auto p = remote::parse_frames(stream, B);
  REQUIRE(p.complete);
  CHECK_FALSE(p.snapshot.file("/a")->has_content);
  CHECK(p.snapshot.file("/b")->content_error == "content changed while it was collected");
  std::string ok = B + " S 2\n" + B + " K 2\n" + std::string("/a\0/b\0", 6) + B + " k\n3\n2\n" + B + " k\nabcXY" + B + " k\n3\n2\n" + B + " Y\n" + B + " Z\n";
  auto q = remote::parse_frames(ok, B);
  REQUIRE(q.complete);
  CHECK(q.snapshot.file("/a")->content == "abc");
  CHECK(q.snapshot.file("/b")->content == "XY");
}

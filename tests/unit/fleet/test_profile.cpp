// Fleet analytics from real fixture trees: a host's profile (kernel,
// uptime, reboot, live patch, CPU, virtualization, patch level, stale
// libraries), its risk score with named contributions, and uniformity.

#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <filesystem>
#include <map>

#include "collect/probes.hpp"
#include "fleetaudit/fleetaudit.hpp"
#include "support/fixture_tree.hpp"

#include <set>

using namespace fleetaudit;
namespace ft = fleetaudit::testing;

namespace {

HostProfile profile_of(const std::string& fixture, const std::string& collected_at = "2026-11-21T12:00:00Z",
                       const std::function<void(const std::filesystem::path&)>& edit = {}) {
  ft::FixtureTree tree(fixture);
  if (edit) edit(tree.root());
  CollectOptions opt;
  opt.root = tree.root();
  Snapshot snap = collect(fleet_facts_plan(), opt);
  snap.tags = ft::fixture_tags(fixture);
  snap.collected_at = collected_at;
  snap.host = fixture;
  return profile_host(snap);
}

const RiskContribution* factor(const HostProfile& h, const std::string& name) {
  for (const auto& r : h.risk_contributions)
    if (r.factor == name) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("profile: a long-running hypervisor with a newer kernel installed, stale OpenSSL and pending updates", "[fleet][profile]") {
  HostProfile h = profile_of("fleet-hypervisor-stale");
  CHECK(h.os_id == "debian");
  CHECK(h.kernel_release == "6.1.0-25-amd64");
  CHECK(h.kernel_build_date == "2024-08-26");
  REQUIRE(h.installed_kernels.size() == 2);
  CHECK(h.installed_kernels.front() == "6.1.0-28-amd64");
  CHECK(h.kernel_outdated);
  REQUIRE(h.uptime_days);
  CHECK(*h.uptime_days == Approx(400.0).epsilon(0.01));
  CHECK(h.reboot_required);
  CHECK(h.reboot_packages == std::vector<std::string>{"linux-image-6.1.0-28-amd64", "libssl3"});
  CHECK_FALSE(h.livepatch_active);
  CHECK(h.smt == "on");
  CHECK(h.cpu_vulnerabilities.at("mmio_stale_data").starts_with("Vulnerable"));
  CHECK(h.virtualization == "hypervisor");
  CHECK(h.virtualization_detail == "/dev/kvm with QEMU 1:7.2+dfsg-7+deb12u7");
  CHECK(h.components.at("qemu") == "1:7.2+dfsg-7+deb12u7");
  CHECK(h.components.at("libvirt") == "9.0.0-4");
  CHECK(h.components.at("openssl") == "3.0.14-1~deb12u2");
  CHECK(h.components.at("kernel") == "6.1.0-25-amd64");
  // patch level: openssh (security), libssl3 (security), systemd (not security); libc6 and qemu are current
  CHECK(h.updates_known);
  REQUIRE(h.pending.size() == 3);
  CHECK(h.pending_security == 2);
  CHECK(h.pending[0].package == "libssl3");
  CHECK(h.pending[0].candidate == "3.0.15-1~deb12u1");
  CHECK(h.pending[0].security);
  CHECK(h.pending[1].package == "openssh-server");
  CHECK(h.pending[1].candidate == "1:9.2p1-2+deb12u4");
  CHECK(h.pending[2].package == "systemd");
  CHECK_FALSE(h.pending[2].security);
  // stale: qemu maps libssl and libcrypto (the memfd is not a library); nginx is in a container
  REQUIRE(h.stale.size() == 3);
  CHECK(h.stale[0].command == "qemu-system-x86");
  CHECK(h.stale[0].path == "/usr/lib/x86_64-linux-gnu/libssl.so.3");
  CHECK(h.stale[1].path == "/usr/lib/x86_64-linux-gnu/libcrypto.so.3");
  CHECK(h.stale[2].command == "nginx");
  CHECK(h.stale[2].container == "3f2a9c4b1d0e");
  CHECK(h.stale[0].container.empty());
  // risk: every factor named, the sum capped at 100
  REQUIRE(factor(h, "uptime"));
  CHECK(factor(h, "uptime")->points == 20);
  CHECK(factor(h, "uptime")->why == "up 400 days (threshold 30)");
  CHECK(factor(h, "kernel-outdated")->why == "running 6.1.0-25-amd64 while 6.1.0-28-amd64 is installed");
  CHECK(factor(h, "no-livepatch"));
  CHECK(factor(h, "reboot-required")->why == "the host asks for a reboot (for linux-image-6.1.0-28-amd64, libssl3)");
  CHECK(factor(h, "cpu-vulnerable")->points == 5);
  CHECK(factor(h, "smt-multi-tenant"));
  CHECK(factor(h, "stale-libraries")->why == "2 process(es) still map 3 replaced file(s)");
  CHECK(factor(h, "security-updates"));
  int sum = 0;
  for (const auto& r : h.risk_contributions) sum += r.points;
  CHECK(h.risk == std::min(sum, 100));
  CHECK(h.risk == 94);  // 20 + 20 + 10 + 15 + 5 + 10 + 7 + 7
  // the stored form gives back the same profile
  auto back = host_profile_from_json(to_json(h));
  REQUIRE(back);
  CHECK(to_json(*back) == to_json(h));
}

TEST_CASE("profile: a plain current host carries no risk, uniformity finds the drifting host", "[fleet][uniformity]") {
  HostProfile plain = profile_of("debian12-base");
  CHECK(plain.risk == 0);
  CHECK(plain.risk_contributions.empty());
  CHECK_FALSE(plain.updates_known);
  CHECK(plain.updates_note == "no apt lists in /var/lib/apt/lists (apt-get update has not run)");
  HostProfile hv = profile_of("fleet-hypervisor-stale");
  HostProfile hv2 = hv;
  hv2.host = "hv-2";
  hv2.components["kernel"] = "6.1.0-28-amd64";
  HostProfile hv3 = hv;
  hv3.host = "hv-3";
  FleetAnalysis a = analyze_fleet({plain, hv, hv2, hv3});
  const Uniformity* fleet_kernel = nullptr;
  const Uniformity* hv_kernel = nullptr;
  for (const auto& u : a.uniformity) {
    if (u.component == "kernel" && u.group == "fleet") fleet_kernel = &u;
    if (u.component == "kernel" && u.group == "hypervisor") hv_kernel = &u;
  }
  REQUIRE(fleet_kernel);
  REQUIRE(hv_kernel);
  CHECK(hv_kernel->hosts.size() == 2);
  CHECK(hv_kernel->majority == "6.1.0-25-amd64");
  CHECK(hv_kernel->drifting == std::vector<std::string>{"hv-2"});
  CHECK(hv_kernel->score == Approx(100.0 * 2 / 3));
  CHECK(a.hosts_reboot_required == 3);
  CHECK(a.security_total == 6);
  CHECK(a.uniformity.front().group == "fleet");
}

TEST_CASE("profile: an rpm host's pending and security updates from dnf's repository cache", "[fleet][profile][rpm]") {
  HostProfile h = profile_of("rhel9-dnf-updates");
  INFO(h.updates_note);
  REQUIRE(h.updates_known);
  std::map<std::string, std::pair<std::string, bool>> pending;
  for (const auto& u : h.pending) pending[u.package] = {u.candidate, u.security};
  // Newer builds of installed packages; the security advisory marks openssh's,
  // the bug-fix advisory does not count; the source package and the package
  // that is not installed are no updates; an epoch compares as rpm does.
  CHECK(pending == std::map<std::string, std::pair<std::string, bool>>{
                       {"glibc", {"2.34-100.el9_4.4", false}},
                       {"kernel", {"5.14.0-427.42.1.el9_4", false}},
                       {"openssh", {"8.7p1-38.el9_4.4", true}},
                       {"openssh-server", {"8.7p1-38.el9_4.4", true}}});
  CHECK(h.pending_security == 2);
  // A kernel update pending without a live patch counts.
  bool no_livepatch = false;
  for (const auto& c : h.risk_contributions) no_livepatch |= c.factor == "no-livepatch";
  CHECK(no_livepatch);

  HostProfile bare = profile_of("rhel9-base");
  CHECK(!bare.updates_known);
  CHECK(bare.updates_note.find("no dnf repository cache") != std::string::npos);
}

TEST_CASE("profile: a live patch counts once it reached every task, not while in transition", "[fleet][profile]") {
  HostProfile done = profile_of("fleet-hv-livepatched");
  CHECK(done.livepatch_active);
  CHECK(done.livepatches == std::vector<std::string>{"livepatch_6_1_0_25_cve_2024_1"});
  CHECK(!factor(done, "no-livepatch"));
  HostProfile moving = profile_of("fleet-hv-livepatched", "2026-11-21T12:00:00Z", [](const std::filesystem::path& root) {
    std::ofstream(root / "sys/kernel/livepatch/livepatch_6_1_0_25_cve_2024_1/transition") << "1\n";
  });
  CHECK(!moving.livepatch_active);
  CHECK(moving.livepatches_in_transition == std::vector<std::string>{"livepatch_6_1_0_25_cve_2024_1"});
  const RiskContribution* r = factor(moving, "no-livepatch");
  REQUIRE(r);
  CHECK(r->why.find("still in transition") != std::string::npos);
  CHECK(moving.risk == done.risk + 10);
  // The JSON keeps it.
  auto back = host_profile_from_json(to_json(moving));
  REQUIRE(back);
  CHECK(back->livepatches_in_transition == moving.livepatches_in_transition);
}

TEST_CASE("probes: the raw forms of both paths give one canonical answer", "[fleet][probes]") {
  CHECK(hostfs::canonical_probe("@cpu-flags", "flags\t\t: fpu vme hypervisor\n") == "fpu vme hypervisor\n");
  CHECK(hostfs::canonical_probe("@cpu-flags", "") == "");
  std::string apt = "b\t1.0-2\t-\nb\t1.0-10\tS\na\t2:1\t-\n#\t/x: lz4cat is not available on the host\nb\t1.0-3\t-\n";
  CHECK(hostfs::canonical_probe("@apt-candidates", apt) == "a\t2:1\t-\nb\t1.0-10\t1.0-10\n#\t/x: lz4cat is not available on the host\n");
  CHECK(hostfs::is_security_list("deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages"));
  CHECK(hostfs::is_security_list("security.ubuntu.com_ubuntu_dists_jammy-security_main_binary-amd64_Packages.lz4"));
  CHECK_FALSE(hostfs::is_security_list("deb.debian.org_debian_dists_bookworm-updates_main_binary-amd64_Packages"));
}

TEST_CASE("fleet rules: every shipped uniformity rule passes on a uniform fleet and fails on a drifting one", "[fleet][rules]") {
  auto loaded = ContentSet::load(ft::source_dir());
  REQUIRE(loaded.ok());
  Selection sel = loaded.content.select_all();
  auto host = [](std::string name, std::vector<std::string> tags, std::string v) {
    HostProfile h;
    h.host = std::move(name);
    h.tags = std::move(tags);
    for (const char* c : {"os", "kernel", "qemu", "libvirt", "containerd", "runc", "openssl", "openssh"}) h.components[c] = v;
    // one container of one image reference: its image id and base release follow the host's version
    ContainerProfile c;
    c.runtime = "docker";
    c.id = std::string(64, 'c');
    c.name = "app";
    c.image = "registry.example.com/app:1";
    c.image_id = std::string(64, v[0]);
    c.os_id = "debian";
    c.os_version = v == "1" ? "12" : "11";
    h.containers.push_back(c);
    return h;
  };
  FleetAnalysis uniform = analyze_fleet({host("hv-1", {"hypervisor"}, "1"), host("hv-2", {"hypervisor"}, "1"),
                                         host("node-1", {"k8s-node", "container-host"}, "1"), host("node-2", {"k8s-node"}, "1")});
  FleetAnalysis drifting = analyze_fleet({host("hv-1", {"hypervisor"}, "1"), host("hv-2", {"hypervisor"}, "2"),
                                          host("node-1", {"k8s-node", "container-host"}, "1"), host("node-2", {"k8s-node"}, "2")});
  auto ok = evaluate_fleet_rules(uniform, sel);
  auto bad = evaluate_fleet_rules(drifting, sel);
  std::set<std::string> fleet_checks, passed, failed;
  for (const auto& c : loaded.content.checks())
    if (c.describe_rule().starts_with("fleet:")) fleet_checks.insert(c.id);
  REQUIRE(fleet_checks.size() >= 8);
  for (const auto& r : ok) {
    CHECK(r.result == ResultKind::pass);
    if (r.result == ResultKind::pass) passed.insert(r.check_id);
  }
  for (const auto& r : bad)
    if (r.result == ResultKind::fail) failed.insert(r.check_id);
  CHECK(passed == fleet_checks);
  CHECK(failed == fleet_checks);
  // the evidence lists versions and the drifting hosts
  for (const auto& r : bad) {
    if (r.check_id != "fleet.uniformity.hypervisor-qemu") continue;
    CHECK(r.subject == "role hypervisor");
    CHECK(r.evidence == "qemu: 2 versions (at most 1): 1 (1), 2 (1)\nmajority 2; drifting: hv-1");
  }
}

// Fleet scans against real sshd hosts on loopback (started by fleet.sh as a
// CTest fixture): every host's state, sample results, the agent path, and a
// store that survives kill -9.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "support/fixture_tree.hpp"
#include "support/process.hpp"

using nlohmann::json;
namespace ft = fleetaudit::testing;
namespace fs = std::filesystem;

extern char** environ;

namespace {

const fs::path kFleet = std::getenv("FLEET_DIR") ? std::getenv("FLEET_DIR") : FLEETAUDIT_FLEET_DIR;

// The scan command for the fleet; `extra` options win over the defaults here.
std::vector<std::string> scan_args(const std::vector<std::string>& extra) {
  std::vector<std::string> a{FLEETAUDIT_CLI, "scan", "--inventory", (kFleet / "inventory.yaml").string(), "--known-hosts",
                             (kFleet / "known_hosts").string(), "--ssh-config", "", "--max-host-bytes", "64000000"};
  auto given = [&](const char* opt) { return std::find(extra.begin(), extra.end(), opt) != extra.end(); };
  if (!given("--host-timeout")) a.insert(a.end(), {"--host-timeout", "6"});
  if (!given("--parallel")) a.insert(a.end(), {"--parallel", "16"});
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

json scan_json(const std::vector<std::string>& extra, int* exit_code = nullptr) {
  auto args = scan_args(extra);
  args.insert(args.end(), {"--format", "json"});
  auto r = ft::run_process(args, {"FLEETAUDIT_CONTENT=" FLEETAUDIT_SOURCE_DIR});
  if (exit_code) *exit_code = r.exit_code;
  INFO("stderr: " << r.err);
  REQUIRE_NOTHROW(json::parse(r.out));
  return json::parse(r.out);
}

std::map<std::string, std::string> expected_states() {
  std::map<std::string, std::string> out;
  std::ifstream in(kFleet / "expected.tsv");
  for (std::string line; std::getline(in, line);) {
    auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    auto tab2 = line.find('\t', tab + 1);
    out[line.substr(0, tab)] = line.substr(tab + 1, tab2 - tab - 1);
  }
  return out;
}

const json* host_of(const json& report, const std::string& name) {
  for (const auto& h : report["hosts"])
    if (h["name"] == name) return &h;
  return nullptr;
}

std::string result_of(const json& host, const std::string& check) {
  for (const auto& r : host["results"])
    if (r["check"] == check) return r["result"];
  return "(none)";
}

std::string sql_text(const fs::path& db, const std::string& query) {
  sqlite3* h = nullptr;
  std::string out;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h, query.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(st, 0);
      out = t ? reinterpret_cast<const char*>(t) : "";
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return out;
}

}  // namespace

TEST_CASE("a fleet scan reports every host's state, results and nothing run from names", "[fleet]") {
  ft::TempDir t;
  auto db = t.path() / "fa.db";
  int code = -1;
  json report = scan_json({"--db", db.string()}, &code);
  CHECK(code == 2);  // findings, and hosts that could not be scanned
  auto expected = expected_states();
  REQUIRE(expected.size() >= 30);
  REQUIRE(report["hosts"].size() == expected.size());
  int ok = 0;
  for (const auto& [name, state] : expected) {
    const json* h = host_of(report, name);
    REQUIRE(h);
    INFO(name << ": " << h->value("state_detail", ""));
    CHECK((*h)["state"] == state);
    ok += state == "ok";
  }
  CHECK(ok >= 20);
  // Sample results, as the fixtures behind the hosts dictate.
  CHECK(result_of(*host_of(report, "web-01"), "ssh.server.root-login-disabled") == "pass");  // ssh-pass
  CHECK(result_of(*host_of(report, "web-02"), "ssh.server.root-login-disabled") == "fail");  // ssh-fail
  CHECK(result_of(*host_of(report, "db-04"), "files.perms.shadow") == "fail");               // permissions-fail
  CHECK(result_of(*host_of(report, "db-03"), "files.perms.shadow") == "pass");               // permissions-pass
  CHECK(result_of(*host_of(report, "k8s-04"), "sudo.rules.password-required") == "fail");    // sudo-fail
  // A host cut off mid-stream: what did not arrive is an error, never a pass.
  for (const auto& r : (*host_of(report, "cut-mid-stream"))["results"]) CHECK(r["result"] != "pass");
  CHECK((*host_of(report, "key-changed"))["state_detail"].get<std::string>().find("the host presented SHA256:") != std::string::npos);
  // Names full of shell metacharacters never ran.
  std::ifstream canaries(kFleet / "canaries.txt");
  int checked = 0;
  for (std::string c; std::getline(canaries, c);) {
    if (c.empty() || c[0] == '#') continue;
    CHECK_FALSE(fs::exists(c));
    ++checked;
  }
  CHECK(checked >= 3);
  // The store has the whole fleet, marked complete.
  CHECK(sql_text(db, "SELECT status FROM scans") == "complete");
  CHECK(sql_text(db, "SELECT count(*) FROM hosts") == std::to_string(expected.size()));
}

TEST_CASE("the agent path and the shell path agree over real SSH", "[fleet][agent]") {
  json agent = scan_json({"--no-db", "--limit", "agent-01"});
  json shell = scan_json({"--no-db", "--limit", "agent-01", "--agent-path", "none"});
  const json& a = agent["hosts"][0];
  const json& s = shell["hosts"][0];
  REQUIRE(a["state"] == "ok");
  REQUIRE(s["state"] == "ok");
  CHECK(a["collector"].get<std::string>().starts_with("agent:/usr/local/bin/fleetaudit"));
  CHECK(s["collector"].get<std::string>().starts_with("ssh:"));
  REQUIRE(a["results"].size() == s["results"].size());
  for (std::size_t i = 0; i < a["results"].size(); ++i) {
    INFO(a["results"][i]["check"]);
    CHECK(a["results"][i]["result"] == s["results"][i]["result"]);
    CHECK(a["results"][i]["evidence"] == s["results"][i]["evidence"]);
  }
}

TEST_CASE("scan with a limit selects by name, group and glob, with exclusions", "[fleet]") {
  json r = scan_json({"--no-db", "--limit", "hypervisors,!hv-04,web-0[12]"});
  std::vector<std::string> names;
  for (const auto& h : r["hosts"]) names.push_back(h["name"]);
  CHECK(names == std::vector<std::string>{"web-01", "web-02", "hv-01", "hv-02", "hv-03"});
}

TEST_CASE("kill -9 during a fleet scan leaves a consistent store with every finished host", "[fleet][store]") {
  ft::TempDir t;
  auto db = t.path() / "fa.db";
  // Two workers, and the silent host first: it holds one worker for the whole
  // timeout while the other finishes hosts one by one.
  auto args = scan_args({"--db", db.string(), "--parallel", "2", "--host-timeout", "60", "--limit",
                         "hang-after-auth,web-*,db-*,hv-*,ctr-*,k8s-*"});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  REQUIRE(posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&fa);
  // Wait until some hosts have landed, then kill it without warning.
  int landed = 0;
  for (int i = 0; i < 200 && landed < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (fs::exists(db)) landed = std::atoi(sql_text(db, "SELECT count(*) FROM hosts").c_str());
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(landed >= 5);
  CHECK(sql_text(db, "PRAGMA integrity_check") == "ok");
  CHECK(sql_text(db, "SELECT status FROM scans") == "incomplete");
  int hosts = std::atoi(sql_text(db, "SELECT count(*) FROM hosts").c_str());
  CHECK(hosts >= landed);
  CHECK(hosts < 21);  // the killed scan did not finish
  // Every stored host is whole: its results and its snapshot are there.
  CHECK(sql_text(db, "SELECT count(*) FROM hosts h WHERE h.state = 'ok' AND "
                     "(SELECT count(*) FROM results r WHERE r.host_id = h.id) = 0") == "0");
  CHECK(sql_text(db, "SELECT count(*) FROM hosts h WHERE NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.host_id = h.id)") == "0");
  CHECK(sql_text(db, "SELECT count(*) FROM hosts WHERE name = 'hang-after-auth'") == "0");
  // history says so too.
  auto h = ft::run_process({FLEETAUDIT_CLI, "history", "--db", db.string(), "--format", "json"});
  REQUIRE(h.exit_code == 0);
  json hist = json::parse(h.out);
  CHECK(hist[0]["status"] == "incomplete");
  CHECK(hist[0]["hosts"] == hosts);
}

namespace {
int port_of(const std::string& name) {
  std::ifstream in(kFleet / "expected.tsv");
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    std::string n, state, port;
    std::getline(f, n, '\t');
    std::getline(f, state, '\t');
    std::getline(f, port, '\t');
    if (n == name) return std::atoi(port.c_str());
  }
  return 0;
}
}  // namespace

TEST_CASE("one ProxyJump hop reaches a host through another", "[fleet][jump]") {
  ft::TempDir t;
  auto inv = t.path() / "jump.yaml";
  std::ofstream(inv) << "defaults:\n  user: fa-fleet\n  identity_file: " << (kFleet / "client_ed25519").string() << "\n"
                     << "hosts:\n  through-web-01:\n    address: 127.0.0.1\n    port: " << port_of("web-02")
                     << "\n    proxy_jump: fa-fleet@127.0.0.1:" << port_of("web-01") << "\n"
                     << "  jump-to-nowhere:\n    address: 127.0.0.1\n    port: " << port_of("unreachable")
                     << "\n    proxy_jump: fa-fleet@127.0.0.1:" << port_of("web-01") << "\n";
  auto r = ft::run_process({FLEETAUDIT_CLI, "scan", "--inventory", inv.string(), "--known-hosts", (kFleet / "known_hosts").string(),
                            "--ssh-config", "", "--no-db", "--format", "json", "--host-timeout", "10"},
                           {"FLEETAUDIT_CONTENT=" FLEETAUDIT_SOURCE_DIR});
  json j = json::parse(r.out);
  const json* via = host_of(j, "through-web-01");
  REQUIRE(via);
  INFO((*via).value("state_detail", ""));
  CHECK((*via)["state"] == "ok");
  CHECK(result_of(*via, "ssh.server.root-login-disabled") == "fail");  // web-02 is the ssh-fail host
  const json* nowhere = host_of(j, "jump-to-nowhere");
  REQUIRE(nowhere);
  CHECK((*nowhere)["state"] == "unreachable");
  CHECK((*nowhere)["state_detail"].get<std::string>().find("the jump host") != std::string::npos);
}

TEST_CASE("unknown host keys are recorded only when asked and a changed key never passes", "[fleet][hostkeys]") {
  ft::TempDir t;
  auto known = t.path() / "known_hosts";
  fs::copy_file(kFleet / "known_hosts", known);
  auto scan = [&](const std::string& limit, bool accept) {
    std::vector<std::string> a{FLEETAUDIT_CLI, "scan", "--inventory", (kFleet / "inventory.yaml").string(), "--known-hosts",
                               known.string(), "--ssh-config", "", "--no-db", "--format", "json", "--limit", limit};
    if (accept) a.push_back("--accept-new-host-keys");
    auto r = ft::run_process(a, {"FLEETAUDIT_CONTENT=" FLEETAUDIT_SOURCE_DIR});
    return json::parse(r.out)["hosts"][0];
  };
  auto size_of = [&] { return fs::file_size(known); };
  auto before = size_of();
  CHECK(scan("key-unknown", false)["state"] == "host-key-unknown");
  CHECK(size_of() == before);
  CHECK(scan("key-unknown", true)["state"] == "ok");
  CHECK(size_of() > before);
  CHECK(scan("key-unknown", false)["state"] == "ok");  // recorded: now known
  json changed = scan("key-changed", true);
  CHECK(changed["state"] == "host-key-changed");
  std::string detail = changed["state_detail"];
  CHECK(std::count(detail.begin(), detail.end(), ':') >= 3);
  CHECK(detail.find("has SHA256:") != std::string::npos);
  CHECK(detail.find("presented SHA256:") != std::string::npos);
}

TEST_CASE("an Ansible INI inventory scans the same hosts", "[fleet][ansible]") {
  ft::TempDir t;
  auto inv = t.path() / "hosts.ini";
  std::ofstream(inv) << "[edge]\nedge-01 ansible_host=127.0.0.1 ansible_port=" << port_of("edge-01") << "\n"
                     << "[hypervisor]\nhv-01 ansible_host=127.0.0.1 ansible_port=" << port_of("hv-01") << "\n"
                     << "[all:vars]\nansible_user=fa-fleet\nansible_ssh_private_key_file=" << (kFleet / "client_ed25519").string()
                     << "\n";
  auto r = ft::run_process({FLEETAUDIT_CLI, "scan", "--inventory", inv.string(), "--known-hosts", (kFleet / "known_hosts").string(),
                            "--ssh-config", "", "--no-db", "--format", "json", "--limit", "hypervisor"},
                           {"FLEETAUDIT_CONTENT=" FLEETAUDIT_SOURCE_DIR});
  json j = json::parse(r.out);
  REQUIRE(j["hosts"].size() == 1);
  CHECK(j["hosts"][0]["name"] == "hv-01");
  CHECK(j["hosts"][0]["state"] == "ok");
}

TEST_CASE("sudo -n collects as root where allowed and is reported where it would prompt", "[fleet][sudo]") {
  // Both hosts are this machine, reached as unprivileged accounts without a
  // chroot; the inventory asks for sudo (fleetaudit_sudo, ansible_become).
  json r = scan_json({"--no-db", "--limit", "sudo"});
  const json* ok = host_of(r, "sudo-nopasswd");
  const json* pw = host_of(r, "sudo-prompts");
  REQUIRE(ok);
  REQUIRE(pw);
  INFO(ok->value("state_detail", ""));
  CHECK((*ok)["state"] == "ok");
  CHECK((*ok)["collector"].get<std::string>().starts_with("ssh:fa-fleet-sudo@"));
  // /etc/shadow was read, so as root: its checks have results, not errors
  CHECK(result_of(*ok, "accounts.shadow.no-empty-passwords") != "error");
  CHECK(result_of(*ok, "accounts.shadow.no-empty-passwords") != "(none)");
  CHECK((*pw)["state"] == "collection-error");
  CHECK((*pw)["state_detail"].get<std::string>().find("sudo would prompt for a password") != std::string::npos);

  // The same account without sudo cannot read /etc/shadow: an error, never a pass.
  ft::TempDir t;
  auto inv = t.path() / "nosudo.yaml";
  std::ofstream(inv) << "hosts:\n  plain:\n    address: 127.0.0.1\n    port: " << port_of("sudo-nopasswd")
                     << "\n    user: fa-fleet-sudo\n    identity_file: " << (kFleet / "client_ed25519").string() << "\n";
  auto p = ft::run_process({FLEETAUDIT_CLI, "scan", "--inventory", inv.string(), "--known-hosts", (kFleet / "known_hosts").string(),
                            "--ssh-config", "", "--no-db", "--format", "json"},
                           {"FLEETAUDIT_CONTENT=" FLEETAUDIT_SOURCE_DIR});
  json plain = json::parse(p.out)["hosts"][0];
  CHECK(plain["state"] == "ok");
  CHECK(result_of(plain, "accounts.shadow.no-empty-passwords") == "error");

  // --sudo on the command line does the same for a host the inventory does not mark
  auto q = ft::run_process({FLEETAUDIT_CLI, "scan", "--inventory", inv.string(), "--known-hosts", (kFleet / "known_hosts").string(),
                            "--ssh-config", "", "--no-db", "--format", "json", "--sudo"},
                           {"FLEETAUDIT_CONTENT=" FLEETAUDIT_SOURCE_DIR});
  json via_flag = json::parse(q.out)["hosts"][0];
  CHECK(via_flag["state"] == "ok");
  CHECK(result_of(via_flag, "accounts.shadow.no-empty-passwords") != "error");
}

TEST_CASE("a stored fleet scan with a table report keeps every host's score and the fleet's totals", "[fleet][store]") {
  // With a table report and a store, each host's results leave memory once
  // stored: the table and the stored totals must not lose them.
  ft::TempDir t;
  auto db = t.path() / "fa.db";
  auto args = scan_args({"--db", db.string(), "--limit", "web,db", "--color", "never"});
  auto r = ft::run_process(args, {"FLEETAUDIT_CONTENT=" FLEETAUDIT_SOURCE_DIR});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);
  json j = scan_json({"--no-db", "--limit", "web,db"});
  for (const auto& h : j["hosts"]) {
    std::string name = h["name"];
    char score[32];
    std::snprintf(score, sizeof score, "%.1f%%", h["score"].get<double>());
    auto line = r.out.find("\n" + name + " ");
    REQUIRE(line != std::string::npos);
    CHECK(r.out.substr(line, r.out.find('\n', line + 1) - line).find(score) != std::string::npos);
  }
  CHECK(sql_text(db, "SELECT pass FROM scans") == std::to_string(j["summary"]["pass"].get<int>()));
  CHECK(sql_text(db, "SELECT fail FROM scans") == std::to_string(j["summary"]["fail"].get<int>()));
  CHECK(sql_text(db, "SELECT count(*) FROM results") ==
        std::to_string(j["summary"]["pass"].get<int>() + j["summary"]["fail"].get<int>() + j["summary"]["error"].get<int>() +
                       j["summary"]["not_applicable"].get<int>() + j["summary"]["manual"].get<int>()));
}

TEST_CASE("fleet analytics over SSH: uniformity, patch level and uptime risk, exactly as the hosts differ", "[fleet][analytics]") {
  ft::TempDir t;
  auto db = t.path() / "fa.db";
  int code = -1;
  json scan = scan_json({"--db", db.string(), "--limit", "hypervisors,containers", "--cache-dir", "none"}, &code);
  REQUIRE(scan["hosts"].size() == 8);
  for (const auto& h : scan["hosts"]) {
    INFO(h["name"]);
    REQUIRE(h["state"] == "ok");
  }
  auto r = ft::run_process({FLEETAUDIT_CLI, "fleet", "--db", db.string(), "--format", "json"},
                           {"FLEETAUDIT_CONTENT=" FLEETAUDIT_SOURCE_DIR});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  json f = json::parse(r.out);
  std::map<std::string, json> hosts;
  for (const auto& h : f["hosts"]) hosts[h["host"]] = h;
  REQUIRE(hosts.size() == 8);

  // Uptime risk, each host's score and the factors behind it (README, "Uptime risk").
  auto factors = [&](const std::string& host) {
    std::map<std::string, int> out;
    for (const auto& c : hosts[host]["risk"]["contributions"]) out[c["factor"]] = c["points"];
    return out;
  };
  CHECK(hosts["hv-01"]["risk"]["score"] == 0);
  CHECK(hosts["hv-04"]["risk"]["score"] == 0);
  CHECK(hosts["ctr-01"]["risk"]["score"] == 0);
  CHECK(hosts["ctr-03"]["risk"]["score"] == 0);
  CHECK(hosts["hv-02"]["risk"]["score"] == 94);
  CHECK(factors("hv-02") == std::map<std::string, int>{{"uptime", 20}, {"kernel-outdated", 20}, {"no-livepatch", 10},
                                                       {"reboot-required", 15}, {"cpu-vulnerable", 5}, {"smt-multi-tenant", 10},
                                                       {"stale-libraries", 7}, {"security-updates", 7}});
  CHECK(hosts["hv-03"]["risk"]["score"] == 36);  // live patch active: no "no-livepatch" points
  CHECK(factors("hv-03") == std::map<std::string, int>{{"uptime", 10}, {"kernel-outdated", 20}, {"security-updates", 6}});
  CHECK(hosts["ctr-02"]["risk"]["score"] == 23);
  CHECK(factors("ctr-02") == std::map<std::string, int>{{"uptime", 11}, {"stale-libraries", 6}, {"security-updates", 6}});
  CHECK(hosts["hv-03"]["livepatch"]["active"] == true);
  CHECK(hosts["hv-02"]["livepatch"]["active"] == false);
  CHECK(hosts["hv-01"]["virtualization"]["role"] == "hypervisor");
  CHECK(hosts["ctr-01"]["virtualization"]["role"] == "guest");
  // Stale libraries, with the container the process runs in.
  REQUIRE(hosts["ctr-02"]["stale"].size() == 2);
  CHECK(hosts["ctr-02"]["stale"][0]["container"] == "9e8d7c6b5a4f");
  CHECK(hosts["ctr-02"]["stale"][0]["command"] == "nginx");

  // Patch level for the fleet.
  CHECK(f["summary"]["hosts_with_security"] == 3);  // hv-02, hv-03, ctr-02
  CHECK(f["summary"]["security_total"] == 4);
  CHECK(f["summary"]["hosts_kernel_outdated"] == 2);
  CHECK(f["summary"]["hosts_with_stale"] == 2);
  CHECK(f["summary"]["hosts_reboot_required"] == 1);

  // Uniformity per component and role group: the majority and who drifts.
  auto uni = [&](const std::string& component, const std::string& group) -> json {
    for (const auto& u : f["uniformity"])
      if (u["component"] == component && u["group"] == group) return u;
    return json();
  };
  json qemu = uni("qemu", "hypervisor");
  REQUIRE(qemu.is_object());
  CHECK(qemu["majority"] == "1:7.2+dfsg-7+deb12u7");
  CHECK(qemu["drifting"] == json::array({"hv-03"}));
  CHECK(qemu["score"] == Approx(75.0));
  json libvirt = uni("libvirt", "hypervisor");
  CHECK(libvirt["drifting"] == json::array({"hv-02"}));
  json kernel = uni("kernel", "hypervisor");
  CHECK(kernel["versions"]["6.1.0-25-amd64"] == json::array({"hv-02", "hv-03"}));
  CHECK(kernel["versions"]["6.1.0-28-amd64"] == json::array({"hv-01", "hv-04"}));
  json containerd = uni("containerd", "container-host");
  CHECK(containerd["majority"] == "1.6.20~ds1-1+b1");
  CHECK(containerd["drifting"] == json::array({"ctr-02"}));
  CHECK(uni("runc", "container-host")["drifting"] == json::array({"ctr-02"}));

  // Fleet rules fail with the drift named.
  auto rule = [&](const std::string& id, const std::string& group) -> json {
    for (const auto& x : f["fleet_rules"])
      if (x["check"] == id && x["group"].get<std::string>().find(group) != std::string::npos) return x;
    return json();
  };
  json q = rule("fleet.uniformity.hypervisor-qemu", "hypervisor");
  REQUIRE(q.is_object());
  CHECK(q["result"] == "fail");
  CHECK(q["evidence"].get<std::string>().find("hv-03") != std::string::npos);
  CHECK(rule("fleet.uniformity.runc", "container-host")["result"] == "fail");
  CHECK(rule("fleet.uniformity.os-release", "fleet")["result"] == "pass");

  // Containers, read over SSH from their layers: ctr-02's nginx runs an older
  // image of the same tag, with an older OpenSSL than the other hosts'.
  CHECK(f["containers"]["total"] == 3);
  json img = uni("image:docker.io/library/nginx:1.25", "fleet");
  REQUIRE(img.is_object());
  CHECK(img["majority"] == "b2b2b2b2b2b2");
  CHECK(img["drifting"] == json::array({"ctr-02"}));
  CHECK(rule("fleet.uniformity.image-ids", "nginx:1.25")["result"] == "fail");
  REQUIRE(hosts["ctr-02"]["containers"].size() == 1);
  const json& web = hosts["ctr-02"]["containers"][0];
  CHECK(web["os"]["version"] == "12");
  CHECK(web["packages"]["count"] == 3);
  REQUIRE(web["behind_fleet"]["packages"].size() == 1);
  CHECK(web["behind_fleet"]["packages"][0]["package"] == "libssl3");
  CHECK(web["behind_fleet"]["packages"][0]["newest"] == "3.0.15-1~deb12u1");
  CHECK(hosts["ctr-01"]["containers"][0]["behind_fleet"]["count"] == 0);

  // A second scan with one host fewer: diff names it, history shows the change.
  json again = scan_json({"--db", db.string(), "--limit", "hypervisors,containers,!ctr-04", "--cache-dir", "none"});
  REQUIRE(again["hosts"].size() == 7);
  auto d = ft::run_process({FLEETAUDIT_CLI, "diff", "--db", db.string(), "--format", "json"});
  INFO(d.err);
  REQUIRE(d.exit_code == 0);  // nothing newly fails
  json diff = json::parse(d.out);
  CHECK(diff["totals"]["hosts_removed"] == 1);
  CHECK(diff["totals"]["new_failures"] == 0);
  REQUIRE(diff["hosts"].size() == 1);
  CHECK(diff["hosts"][0]["host"] == "ctr-04");
  auto hist = ft::run_process({FLEETAUDIT_CLI, "history", "--db", db.string(), "--host", "hv-02", "--format", "json"});
  REQUIRE(hist.exit_code == 0);
  json trend = json::parse(hist.out);
  REQUIRE(trend.size() == 2);
  CHECK(trend[0]["risk"] == 94);
  CHECK(trend[0]["score"] == trend[1]["score"]);
}

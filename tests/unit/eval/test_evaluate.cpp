// Evaluation semantics, rule kind by rule kind, on snapshots built in memory.

#include <catch2/catch.hpp>

#include "support/content_helpers.hpp"
#include "support/fixture_tree.hpp"

using namespace fleetaudit;
using fleetaudit::testing::load_texts;
using fleetaudit::testing::SnapshotBuilder;

namespace {

// Evaluates one rule (YAML text of the rule mapping) against a snapshot.
CheckResult run(const std::string& rule_yaml, const Snapshot& snap, const std::string& applies = "") {
  std::string text = "checks:\n  - id: t.eval.rule\n    title: T\n    severity: medium\n    rationale: r\n    remediation: m\n";
  if (!applies.empty()) text += "    applies: " + applies + "\n";
  text += "    rule: " + rule_yaml + "\n";
  static std::vector<ContentSet> keep;  // results point into their content
  auto r = load_texts({{"eval.yaml", text}});
  if (!r.ok()) FAIL("bad test content: " << r.diagnostics.front().str());
  keep.push_back(std::move(r.content));
  HostFacts facts(snap);
  return evaluate_check(facts, keep.back().checks().front());
}

const char* kPasswd = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n";
const char* kGroup = "root:x:0:\nshadow:x:42:\nalice:x:1000:\n";

}  // namespace

TEST_CASE("file: owner, group and mode, names through the host's own files", "[eval][file]") {
  SnapshotBuilder b;
  b.file("/etc/passwd", kPasswd).file("/etc/group", kGroup).file("/etc/shadow", "", 0640, 0, 42);
  auto r = run("{file: {path: /etc/shadow, owner: root, group: [root, shadow], mode_max: '0640'}}", b.snap);
  CHECK(r.result == ResultKind::pass);
  CHECK(r.evidence == "/etc/shadow: file root:shadow 0640");
  b.file("/etc/shadow", "", 0644, 1000, 42);
  r = run("{file: {path: /etc/shadow, owner: root, mode_max: '0640'}}", b.snap);
  CHECK(r.result == ResultKind::fail);
  CHECK(r.evidence == "/etc/shadow: file alice:shadow 0644 (owner should be root; mode should be at most 0640)");
  r = run("{file: {path: /etc/shadow, mode: '0644'}}", b.snap);
  CHECK(r.result == ResultKind::pass);
}

TEST_CASE("file: missing paths, globs, exists false, symlinks", "[eval][file]") {
  SnapshotBuilder b;
  b.missing("/etc/shadow-").glob("/etc/ssh/ssh_host_*_key", {"/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_rsa_key"});
  b.file("/etc/ssh/ssh_host_ed25519_key", "k", 0600).file("/etc/ssh/ssh_host_rsa_key", "k", 0644);
  CHECK(run("{file: {path: /etc/shadow-, mode_max: '0640'}}", b.snap).result == ResultKind::fail);
  CHECK(run("{file: {path: /etc/shadow-, mode_max: '0640', missing: pass}}", b.snap).result == ResultKind::pass);
  CHECK(run("{file: {path: /etc/shadow-, exists: false}}", b.snap).result == ResultKind::pass);
  auto r = run("{file: {path: '/etc/ssh/ssh_host_*_key', mode_max: '0600'}}", b.snap);
  CHECK(r.result == ResultKind::fail);
  CHECK(r.evidence.find("ssh_host_rsa_key") != std::string::npos);
  CHECK(r.evidence.find("ed25519") == std::string::npos);
  b.link("/etc/systemd/system/x.service", "/dev/null");
  CHECK(run("{file: {path: /etc/systemd/system/x.service, type: symlink}}", b.snap).result == ResultKind::pass);
  // A path the plan never collected is an error, not a pass.
  CHECK(run("{file: {path: /etc/not-collected, exists: false}}", b.snap).result == ResultKind::error);
}

TEST_CASE("file_content: present, absent, every_line, comments, unreadable", "[eval][content]") {
  SnapshotBuilder b;
  b.file("/etc/issue.net", "# \\m is fine in a comment\nAuthorized uses only.\n");
  b.file("/etc/issue", "Debian \\n \\l\n");
  b.unreadable("/etc/sudoers");
  CHECK(run(R"({file_content: {path: /etc/issue.net, absent: '\\[mrsv]'}})", b.snap).result == ResultKind::pass);
  auto r = run(R"({file_content: {path: /etc/issue, absent: '\\[mrsvln]'}})", b.snap);
  CHECK(r.result == ResultKind::fail);
  CHECK(r.evidence == "/etc/issue:1: Debian \\n \\l");
  r = run("{file_content: {path: /etc/issue.net, present: '^Authorized'}}", b.snap);
  CHECK(r.result == ResultKind::pass);
  CHECK(r.evidence == "/etc/issue.net:2: Authorized uses only.");
  CHECK(run("{file_content: {path: /etc/issue.net, every_line: '^[A-Z]'}}", b.snap).result == ResultKind::pass);
  CHECK(run("{file_content: {path: /etc/issue.net, every_line: '^[A-Z]', comment: ''}}", b.snap).result == ResultKind::fail);
  r = run("{file_content: {path: /etc/sudoers, absent: NOPASSWD}}", b.snap);
  CHECK(r.result == ResultKind::error);
  CHECK(r.evidence == "/etc/sudoers could not be read: permission denied");
}

TEST_CASE("content globs read regular files and pass over directories", "[eval][content]") {
  SnapshotBuilder b;
  b.glob("/etc/dconf/db/local.d/*", {"/etc/dconf/db/local.d/00-screensaver", "/etc/dconf/db/local.d/locks"});
  b.file("/etc/dconf/db/local.d/00-screensaver", "[org/gnome/desktop/session]\nidle-delay=uint32 900\n");
  b.dir("/etc/dconf/db/local.d/locks");
  CHECK(run("{file_content: {path: '/etc/dconf/db/local.d/*', present: 'idle-delay'}}", b.snap).result == ResultKind::pass);
  CHECK(run("{config_value: {path: '/etc/dconf/db/local.d/*', section: org/gnome/desktop/session, key: idle-delay, "
            "matches: '900$'}}", b.snap).result == ResultKind::pass);
}

TEST_CASE("sshd_config: effective values, defaults and evidence", "[eval][sshd]") {
  SnapshotBuilder b;
  b.file("/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\nMaxStartups 10:30:60\n");
  b.glob("/etc/ssh/sshd_config.d/*.conf", {"/etc/ssh/sshd_config.d/50-cloud.conf"});
  b.file("/etc/ssh/sshd_config.d/50-cloud.conf", "PermitRootLogin no\nCiphers -*-cbc\n");
  auto r = run("{sshd_config: {key: PermitRootLogin, equals: 'no'}}", b.snap);
  CHECK(r.result == ResultKind::pass);
  CHECK(r.evidence == "/etc/ssh/sshd_config.d/50-cloud.conf:1: PermitRootLogin no");
  r = run("{sshd_config: {key: MaxAuthTries, at_most: 4}}", b.snap);
  CHECK(r.result == ResultKind::fail);
  CHECK(r.evidence == "MaxAuthTries not set (default: 6) (expected a value that at most 4)");
  CHECK(run("{sshd_config: {key: MaxStartups, fields_at_most: [10, 30, 60]}}", b.snap).result == ResultKind::pass);
  CHECK(run("{sshd_config: {key: Ciphers, list_excludes: ['*-cbc', '3des*']}}", b.snap).result == ResultKind::pass);
  CHECK(run("{sshd_config: {key: LoginGraceTime, at_least: 1, at_most: 60}}", b.snap).result == ResultKind::fail);
  SnapshotBuilder none;
  none.missing("/etc/ssh/sshd_config").glob("/etc/ssh/sshd_config.d/*.conf", {});
  CHECK(run("{sshd_config: {key: PermitRootLogin, equals: 'no'}}", none.snap).result == ResultKind::error);
}

TEST_CASE("sysctl: runtime and persistent halves, images without /proc", "[eval][sysctl]") {
  SnapshotBuilder b;
  b.dir("/proc/sys").file("/proc/sys/net/ipv4/ip_forward", "0\n");
  for (const char* d : {"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d"})
    b.glob(std::string(d) + "/*.conf", {});
  b.glob("/etc/sysctl.d/*.conf", {"/etc/sysctl.d/60-net.conf"});
  b.file("/etc/sysctl.d/60-net.conf", "net.ipv4.ip_forward = 1\n");
  b.file("/etc/sysctl.conf", "net.ipv4.ip_forward=0\n");
  auto r = run("{sysctl: {key: net.ipv4.ip_forward, equals: '0'}}", b.snap);
  CHECK(r.result == ResultKind::pass);  // /etc/sysctl.conf is applied last
  CHECK(r.evidence == "running: net.ipv4.ip_forward = 0\n/etc/sysctl.conf:1: net.ipv4.ip_forward = 0");
  b.file("/etc/sysctl.conf", "");
  r = run("{sysctl: {key: net.ipv4.ip_forward, equals: '0'}}", b.snap);
  CHECK(r.result == ResultKind::fail);
  // Glob keys set every key they match (within one level); an explicit key wins.
  b.glob("/etc/sysctl.d/*.conf", {"/etc/sysctl.d/60-net.conf", "/etc/sysctl.d/70-rp.conf"});
  b.file("/etc/sysctl.d/70-rp.conf", "net.ipv4.conf.*.rp_filter = 1\nnet.ipv4.conf.default.rp_filter = 2\nnet.*.rp_filter = 0\n");
  b.file("/proc/sys/net/ipv4/conf/all/rp_filter", "1\n").file("/proc/sys/net/ipv4/conf/default/rp_filter", "2\n");
  r = run("{sysctl: {key: net.ipv4.conf.all.rp_filter, equals: '1'}}", b.snap);
  CHECK(r.result == ResultKind::pass);
  CHECK(r.evidence.find("/etc/sysctl.d/70-rp.conf:1: net.ipv4.conf.*.rp_filter = 1") != std::string::npos);
  CHECK(run("{sysctl: {key: net.ipv4.conf.default.rp_filter, equals: '2'}}", b.snap).result == ResultKind::pass);
  CHECK(run("{sysctl: {key: net.ipv4.ip_forward, equals: '0', scope: runtime}}", b.snap).result == ResultKind::pass);
  CHECK(run("{sysctl: {key: net.ipv6.conf.all.forwarding, equals: '0', scope: runtime}}", [&] {
          b.missing("/proc/sys/net/ipv6/conf/all/forwarding");
          return b.snap;
        }()).result == ResultKind::fail);
  b.missing("/proc/sys");
  r = run("{sysctl: {key: net.ipv4.ip_forward, equals: '1', scope: both}}", b.snap);
  CHECK(r.result == ResultKind::pass);
  CHECK(r.evidence.find("runtime value not available") != std::string::npos);
  CHECK(run("{sysctl: {key: net.ipv4.ip_forward, equals: '1', scope: runtime}}", b.snap).result == ResultKind::error);
}

TEST_CASE("modprobe: not loadable, blacklisted, not loaded", "[eval][modprobe]") {
  SnapshotBuilder b;
  for (const char* d : {"/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d", "/usr/lib/modprobe.d", "/lib/modprobe.d"})
    b.glob(std::string(d) + "/*.conf", {});
  b.glob("/etc/modprobe.d/*.conf", {"/etc/modprobe.d/cis.conf"});
  b.file("/etc/modprobe.d/cis.conf", "install cramfs /bin/false\nblacklist cramfs\ninstall udf /bin/false\n");
  b.file("/proc/modules", "udf 118784 0 - Live 0x0\n");
  CHECK(run("{modprobe: {module: cramfs}}", b.snap).result == ResultKind::pass);
  auto r = run("{modprobe: {module: udf}}", b.snap);
  CHECK(r.result == ResultKind::fail);
  CHECK(r.evidence.find("no 'blacklist udf' line") != std::string::npos);
  CHECK(r.evidence.find("udf is loaded now") != std::string::npos);
  CHECK(run("{modprobe: {module: udf, require: [not_loadable]}}", b.snap).result == ResultKind::pass);
}

TEST_CASE("mount: separate file systems and options, live and in fstab", "[eval][mount]") {
  SnapshotBuilder b;
  b.file("/proc/mounts", "/dev/vda1 / ext4 rw 0 0\ntmpfs /tmp tmpfs rw,nosuid,nodev,noexec 0 0\n");
  b.file("/etc/fstab", "UUID=1 / ext4 defaults 0 1\ntmpfs /tmp tmpfs defaults,nosuid,nodev 0 0\n");
  CHECK(run("{mount: {path: /tmp, separate: true}}", b.snap).result == ResultKind::pass);
  CHECK(run("{mount: {path: /var, separate: true}}", b.snap).result == ResultKind::fail);
  CHECK(run("{mount: {path: /var, options: [nodev]}}", b.snap).result == ResultKind::not_applicable);
  CHECK(run("{mount: {path: /tmp, options: [nodev, nosuid]}}", b.snap).result == ResultKind::pass);
  auto r = run("{mount: {path: /tmp, options: [noexec]}}", b.snap);
  CHECK(r.result == ResultKind::fail);  // live has it, the boot configuration does not
  CHECK(r.evidence.find("/etc/fstab:2:") != std::string::npos);
  CHECK(r.evidence.find("lacks noexec") != std::string::npos);
}

TEST_CASE("pam: lines, arguments and values", "[eval][pam]") {
  SnapshotBuilder b;
  b.glob("/etc/pam.d/*", {"/etc/pam.d/common-auth", "/etc/pam.d/common-password"});
  b.file("/etc/pam.d/common-auth",
         "auth requisite pam_faillock.so preauth deny=5\nauth [success=1 default=ignore] pam_unix.so nullok\n");
  b.file("/etc/pam.d/common-password", "password [success=1 default=ignore] pam_unix.so obscure yescrypt\n");
  CHECK(run("{pam: {path: /etc/pam.d/common-auth, type: auth, module: pam_faillock.so, arg: deny, at_most: 5}}", b.snap).result ==
        ResultKind::pass);
  CHECK(run("{pam: {path: /etc/pam.d/common-auth, type: auth, module: pam_faillock.so, arg: deny, at_most: 4}}", b.snap).result ==
        ResultKind::fail);
  auto r = run("{pam: {path: '/etc/pam.d/common-*', module: pam_unix.so, args_exclude: [nullok]}}", [&] {
    b.glob("/etc/pam.d/common-*", {"/etc/pam.d/common-auth", "/etc/pam.d/common-password"});
    return b.snap;
  }());
  CHECK(r.result == ResultKind::fail);
  CHECK(r.evidence.find("/etc/pam.d/common-auth:2:") != std::string::npos);
  CHECK(run("{pam: {path: /etc/pam.d/common-password, module: pam_unix.so, args_include: [yescrypt]}}", b.snap).result ==
        ResultKind::pass);
  CHECK(run("{pam: {path: /etc/pam.d/common-password, module: pam_pwhistory.so}}", b.snap).result == ResultKind::fail);
  CHECK(run("{pam: {path: /etc/pam.d/common-password, module: pam_pwhistory.so, present: false}}", b.snap).result ==
        ResultKind::pass);
}

TEST_CASE("package: installed, absent, version ordering", "[eval][package]") {
  SnapshotBuilder b;
  b.file("/var/lib/dpkg/status",
         "Package: openssh-server\nStatus: install ok installed\nVersion: 1:9.2p1-2+deb12u3\n\n"
         "Package: telnet\nStatus: deinstall ok config-files\nVersion: 0.17+2.4-2\n\n");
  CHECK(run("{package: {name: openssh-server}}", b.snap).result == ResultKind::pass);
  CHECK(run("{package: {name: openssh-server, version: '>= 1:9.2p1-2+deb12u3'}}", b.snap).result == ResultKind::pass);
  CHECK(run("{package: {name: openssh-server, version: '>= 1:9.2p1-2+deb12u10'}}", b.snap).result == ResultKind::fail);
  CHECK(run("{package: {names: [telnet, inetutils-telnet], installed: false}}", b.snap).result == ResultKind::pass);
  SnapshotBuilder none;
  none.missing("/var/lib/dpkg/status");
  CHECK(run("{package: {name: aide}}", none.snap).result == ResultKind::error);
}

TEST_CASE("package: rpm hosts, rpm ordering, which database counts", "[eval][package][rpmdb]") {
  SnapshotBuilder b;
  b.file("/etc/os-release", "ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.4\"\n");
  b.missing("/var/lib/dpkg/status");
  b.file("/var/lib/rpm/rpmdb.sqlite", fleetaudit::testing::fixture_bytes("rpmdb/rhel9-careless.sqlite"));
  auto result = [&](const std::string& rule) { return run(rule, b.snap).result; };
  CHECK(result("{package: {name: openssh-server}}") == ResultKind::pass);
  auto r = run("{package: {name: openssh-server, version: '>= 8.7p1-38.el9'}}", b.snap);
  CHECK(r.result == ResultKind::fail);
  CHECK(r.evidence.find("/var/lib/rpm/rpmdb.sqlite record ") != std::string::npos);
  CHECK(r.evidence.find("openssh-server 8.7p1-34.el9 installed (needs >= 8.7p1-38.el9)") != std::string::npos);
  CHECK(result("{package: {name: openssh-server, version: '>= 8.7p1-34.el9'}}") == ResultKind::pass);
  // Without a release the rule matches every release, as an rpm dependency.
  CHECK(result("{package: {name: openssh-server, version: '= 8.7p1'}}") == ResultKind::pass);
  CHECK(result("{package: {name: openssh-server, version: '< 8.7p1'}}") == ResultKind::fail);
  CHECK(result("{package: {name: openssh-server, version: '> 8.6'}}") == ResultKind::pass);
  // Epochs count: 2:8.2 is newer than any 8.x without one.
  CHECK(result("{package: {name: vim-minimal, version: '> 9.1-1.el9'}}") == ResultKind::pass);
  // The newest of several kernels answers.
  CHECK(result("{package: {name: kernel, version: '>= 5.14.0-427'}}") == ResultKind::pass);
  CHECK(result("{package: {names: [telnet-server, telnet], installed: false}}") == ResultKind::fail);
  CHECK(result("{package: {name: aide}}") == ResultKind::fail);
  CHECK(run("{package: {name: aide}}", b.snap, "{package: telnet-server}").result == ResultKind::fail);
  CHECK(run("{package: {name: aide}}", b.snap, "{package: aide}").result == ResultKind::not_applicable);

  // A database rpm could not read is an error, and so is a cut one.
  SnapshotBuilder broken = b;
  broken.file("/var/lib/rpm/rpmdb.sqlite", "not a database");
  auto e = run("{package: {name: aide}}", broken.snap);
  CHECK(e.result == ResultKind::error);
  CHECK(e.evidence == "package database: /var/lib/rpm/rpmdb.sqlite: not an SQLite database");
  broken.snap.files["/var/lib/rpm/rpmdb.sqlite"].truncated = true;
  CHECK(run("{package: {name: aide}}", broken.snap).evidence.find("more than the collector reads") != std::string::npos);

  // Both databases: os-release picks; without it the one that exists.
  SnapshotBuilder both = b;
  both.file("/var/lib/dpkg/status", "Package: aide\nStatus: install ok installed\nVersion: 0.18.3-1\n\n");
  CHECK(run("{package: {name: aide}}", both.snap).result == ResultKind::fail);
  both.file("/etc/os-release", "ID=debian\n");
  CHECK(run("{package: {name: aide}}", both.snap).result == ResultKind::pass);
  SnapshotBuilder none;
  none.file("/etc/os-release", "ID=rhel\n").missing("/var/lib/dpkg/status").missing("/var/lib/rpm/rpmdb.sqlite");
  none.file("/var/lib/rpm/Packages", "bdb");
  e = run("{package: {name: aide}}", none.snap);
  CHECK(e.result == ResultKind::error);
  INFO(e.evidence);
  CHECK(e.evidence.find("neither /var/lib/dpkg/status nor /var/lib/rpm/rpmdb.sqlite exists (/var/lib/rpm/Packages is a "
                        "Berkeley DB") != std::string::npos);
}

TEST_CASE("package: an incomplete database never answers 'not installed'", "[eval][package]") {
  SnapshotBuilder b;
  b.file("/var/lib/dpkg/status",
         "Package: openssh-server\nStatus: install ok installed\nVersion: 1:9.2p1-2\n\n"
         "Status: install ok installed\nVersion: 0.17\n\n");
  CHECK(run("{package: {name: openssh-server}}", b.snap).result == ResultKind::pass);
  auto r = run("{package: {names: [telnet], installed: false}}", b.snap);
  CHECK(r.result == ResultKind::error);
  INFO(r.evidence);
  CHECK(r.evidence.find("package database incomplete, telnet may be installed: line 5: stanza without a Package field") !=
        std::string::npos);
  CHECK(run("{package: {name: aide}}", b.snap).result == ResultKind::error);
  CHECK(run("{package: {name: aide}}", b.snap, "{package: aide}").result == ResultKind::error);
}

TEST_CASE("service: masked, enabled, disabled, absent from unit files", "[eval][service]") {
  SnapshotBuilder b;
  auto listing = [&](const std::string& dir, std::vector<std::string> names) {
    b.dir(dir);
    std::sort(names.begin(), names.end());
    b.snap.files[dir].entries = std::move(names);
    b.snap.files[dir].has_entries = true;
  };
  for (const char* unit : {"avahi-daemon.service", "cron.service", "rsync.service", "cups.service"}) {
    b.missing(std::string("/etc/systemd/system/") + unit);
    b.missing(std::string("/run/systemd/system/") + unit);
  }
  for (const char* d : {"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system",
                        "/lib/systemd/system"}) {
    b.glob(std::string(d) + "/*.wants", {});
    b.glob(std::string(d) + "/*.requires", {});
  }
  b.missing("/usr/local/lib/systemd/system");
  listing("/usr/lib/systemd/system", {"cron.service", "rsync.service"});
  listing("/lib/systemd/system", {"cron.service", "rsync.service"});
  b.link("/etc/systemd/system/avahi-daemon.service", "/dev/null");
  b.glob("/etc/systemd/system/*.wants", {"/etc/systemd/system/multi-user.target.wants"});
  listing("/etc/systemd/system/multi-user.target.wants", {"cron.service", "ssh.service"});
  CHECK(run("{service: {unit: avahi-daemon, state: [absent, masked]}}", b.snap).result == ResultKind::pass);
  auto r = run("{service: {unit: cron, state: enabled}}", b.snap);
  CHECK(r.result == ResultKind::pass);
  CHECK(r.evidence == "cron.service is enabled (/etc/systemd/system/multi-user.target.wants/cron.service)");
  r = run("{service: {unit: rsync, state: [absent, masked]}}", b.snap);
  CHECK(r.result == ResultKind::fail);
  CHECK(r.evidence == "rsync.service is disabled (/usr/lib/systemd/system/rsync.service) (should be absent or masked)");
  CHECK(run("{service: {unit: cups, state: absent}}", b.snap).result == ResultKind::pass);
  // Facts the plan never collected are an error, not "absent".
  SnapshotBuilder none;
  CHECK(run("{service: {unit: cups, state: absent}}", none.snap).result == ResultKind::error);
}

TEST_CASE("accounts: properties over passwd, shadow and group", "[eval][accounts]") {
  SnapshotBuilder b;
  b.file("/etc/passwd",
         "root:x:0:0::/root:/bin/bash\ntoor:x:0:0::/root:/bin/sh\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n"
         "games:x:5:60::/usr/games:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\nbob:x:1000:4242::/home/bob:/bin/bash\n");
  b.file("/etc/shadow",
         "root:*:19700::::::\ntoor::19700::::::\nalice:$y$x:19700:1:400:7:::\nbob:$6$y:99999:1:90:7:30::\n", 0640, 0, 42);
  b.file("/etc/group", "root:x:0:\nshadow:x:42:alice\nalice:x:1000:\n");
  b.file("/etc/login.defs", "UID_MIN 1000\n");
  auto r = run("{accounts: {property: uid0_only_root}}", b.snap);
  CHECK(r.result == ResultKind::fail);
  CHECK(r.evidence == "/etc/passwd:2: toor has UID 0");
  CHECK(run("{accounts: {property: no_empty_passwords}}", b.snap).result == ResultKind::fail);
  CHECK(run("{accounts: {property: no_empty_passwords, exempt: [toor]}}", b.snap).result == ResultKind::pass);
  CHECK(run("{accounts: {property: unique_uids}}", b.snap).evidence ==
        "UID 0 used by root (line 1), toor (line 2)\nUID 1000 used by alice (line 5), bob (line 6)");
  CHECK(run("{accounts: {property: primary_groups_exist}}", b.snap).result == ResultKind::fail);
  CHECK(run("{accounts: {property: shadow_group_empty}}", b.snap).result == ResultKind::fail);
  r = run("{accounts: {property: shadow_field, field: max_days, at_most: 365}}", b.snap);
  CHECK(r.result == ResultKind::fail);
  CHECK(r.evidence == "/etc/shadow:3: alice: max_days 400 (expected a value that at most 365)");
  CHECK(run("{accounts: {property: shadow_field, field: inactive_days, at_most: 45}}", b.snap).result == ResultKind::fail);
  r = run("{accounts: {property: no_future_password_change}}", b.snap);
  CHECK(r.result == ResultKind::fail);
  CHECK(r.evidence.find("bob last changed its password in the future") != std::string::npos);
  r = run("{accounts: {property: system_accounts_no_login}}", b.snap);
  CHECK(r.result == ResultKind::fail);
  CHECK(r.evidence == "/etc/passwd:2: toor (UID 0) has login shell /bin/sh\n/etc/passwd:4: games (UID 5) has login shell /bin/bash");
  CHECK(run("{accounts: {property: root_password_set}}", b.snap).result == ResultKind::pass);
  SnapshotBuilder unreadable;
  unreadable.file("/etc/passwd", "root:x:0:0::/root:/bin/bash\n").unreadable("/etc/shadow").file("/etc/group", "root:x:0:\n");
  CHECK(run("{accounts: {property: no_empty_passwords}}", unreadable.snap).result == ResultKind::error);
}

TEST_CASE("combinators and applicability", "[eval][combinators]") {
  SnapshotBuilder b;
  b.file("/etc/os-release", "ID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"22.04\"\n");
  b.file("/var/lib/dpkg/status", "Package: chrony\nStatus: install ok installed\nVersion: 4.2-2\n\n");
  b.file("/etc/a", "x\n").missing("/etc/b").unreadable("/etc/c");
  CHECK(run("{all: [{file: {path: /etc/a}}, {file: {path: /etc/b}}]}", b.snap).result == ResultKind::fail);
  CHECK(run("{any: [{file: {path: /etc/a}}, {file: {path: /etc/b}}]}", b.snap).result == ResultKind::pass);
  CHECK(run("{none: [{file: {path: /etc/b}}]}", b.snap).result == ResultKind::pass);
  CHECK(run("{none: [{file: {path: /etc/a}}]}", b.snap).result == ResultKind::fail);
  // An unreadable fact never turns into a pass.
  CHECK(run("{all: [{file: {path: /etc/a}}, {file_content: {path: /etc/c, absent: x}}]}", b.snap).result == ResultKind::error);
  CHECK(run("{any: [{file: {path: /etc/b}}, {file_content: {path: /etc/c, present: x}}]}", b.snap).result == ResultKind::error);
  CHECK(run("{file: {path: /etc/a}}", b.snap, "{os: [debian]}").result == ResultKind::pass);  // through ID_LIKE
  auto r = run("{file: {path: /etc/a}}", b.snap, "{os: [rhel]}");
  CHECK(r.result == ResultKind::not_applicable);
  CHECK(r.evidence == "operating system is ubuntu, check applies to rhel");
  CHECK(run("{file: {path: /etc/a}}", b.snap, "{os_version: ['12']}").result == ResultKind::not_applicable);
  CHECK(run("{file: {path: /etc/a}}", b.snap, "{package: [ntp, chrony]}").result == ResultKind::pass);
  CHECK(run("{file: {path: /etc/a}}", b.snap, "{package: ntp}").result == ResultKind::not_applicable);
  CHECK(run("{os_release: {key: VERSION_ID, in: ['22.04', '24.04']}}", b.snap).result == ResultKind::pass);
}

TEST_CASE("summaries and the weighted score", "[eval][summary]") {
  std::vector<CheckResult> rs(4);
  rs[0].result = ResultKind::pass;
  rs[0].severity = Severity::critical;  // weight 16
  rs[1].result = ResultKind::fail;
  rs[1].severity = Severity::low;  // weight 2
  rs[2].result = ResultKind::error;
  rs[2].severity = Severity::low;  // weight 2
  rs[3].result = ResultKind::not_applicable;
  Summary s = summarize(rs);
  CHECK(s.pass == 1);
  CHECK(s.fail == 1);
  CHECK(s.fail_by_severity[static_cast<int>(Severity::low)] == 1);
  CHECK(s.score == Approx(100.0 * 16 / 20));
  CHECK(summarize({}).score == 100.0);
}

TEST_CASE("efivar: the first data byte of a UEFI variable, legacy boot and short files said plainly", "[eval][efivar]") {
  const std::string var = "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c";
  SnapshotBuilder b;
  b.missing("/sys/firmware/efi");
  auto r = run("{efivar: {name: SecureBoot, equals: '1'}}", b.snap);
  CHECK(r.result == ResultKind::fail);
  CHECK(r.evidence == "the host did not boot through UEFI (no /sys/firmware/efi): SecureBoot cannot be on");
  b.dir("/sys/firmware/efi");
  b.missing(var);
  CHECK(run("{efivar: {name: SecureBoot, equals: '1'}}", b.snap).evidence.starts_with("UEFI variable SecureBoot is not set"));
  b.file(var, std::string("\x06\0\0\0\x01", 5));
  r = run("{efivar: {name: SecureBoot, equals: '1'}}", b.snap);
  CHECK(r.result == ResultKind::pass);
  CHECK(r.evidence == "UEFI variable SecureBoot = 1");
  b.file(var, std::string("\x06\0\0", 3));
  CHECK(run("{efivar: {name: SecureBoot, equals: '1'}}", b.snap).result == ResultKind::error);
}

TEST_CASE("accounts: well-known default accounts may exist but not with a usable password", "[eval][accounts]") {
  SnapshotBuilder b;
  b.file("/etc/passwd", std::string(kPasswd) + "pi:x:1001:1001::/home/pi:/bin/bash\nubuntu:x:1002:1002::/home/ubuntu:/bin/bash\n");
  b.file("/etc/shadow", "root:*:19700::::::\npi:$y$j9T$salt$hash:19700::::::\nubuntu:!$y$j9T$salt$hash:19700::::::\n");
  auto r = run("{accounts: {property: named_accounts_locked, names: [pi, ubuntu, guest]}}", b.snap);
  CHECK(r.result == ResultKind::fail);
  CHECK(r.evidence == "/etc/shadow:2: pi has a usable password");
  r = run("{accounts: {property: named_accounts_locked, names: [ubuntu, guest]}}", b.snap);
  CHECK(r.result == ResultKind::pass);
  CHECK(r.evidence == "1 default account(s) present, all locked");
}

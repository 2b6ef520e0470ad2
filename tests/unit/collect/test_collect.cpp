// The local/root collector on real trees: symlinks stay inside the root,
// unreadable files are errors, globs expand like the shell's.

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "collect/snapshot_binary.hpp"
#include "content/path_vars.hpp"
#include <nlohmann/json.hpp>
#include "support/content_helpers.hpp"

using namespace fleetaudit;
namespace ft = fleetaudit::testing;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& p, const std::string& text, unsigned mode = 0644) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
  ::chmod(p.c_str(), mode);
}

bool to_json_equal_file(const FileFact& a, const FileFact& b) {
  Snapshot x, y;
  x.files[a.path] = a;
  y.files[b.path] = b;
  return to_json(x) == to_json(y);
}

Plan plan_of(std::initializer_list<std::pair<const char*, std::uint8_t>> items) {
  Plan p;
  for (auto [path, flags] : items) p.add(path, flags);
  return p;
}

}  // namespace

TEST_CASE("root collector: absolute symlinks resolve inside the root, never on this machine", "[collect]") {
  ft::TempDir t;
  write(t.path() / "etc/real.conf", "inside\n");
  fs::create_symlink("/etc/real.conf", t.path() / "etc/abs.conf");
  fs::create_symlink("../../../../../../etc/hostname", t.path() / "etc/escape");  // climbs above the root
  fs::create_symlink("/dev/null", t.path() / "etc/masked.service");
  fs::create_directories(t.path() / "lib");
  fs::create_symlink("lib", t.path() / "lib64");
  write(t.path() / "lib/x.so", "elf");
  CollectOptions opt;
  opt.root = t.path();
  Snapshot s = collect(plan_of({{"/etc/abs.conf", kPlanContent}, {"/etc/escape", kPlanContent},
                                {"/etc/masked.service", kPlanStat}, {"/lib64/x.so", kPlanContent}}),
                       opt);
  const FileFact* abs = s.file("/etc/abs.conf");
  REQUIRE(abs);
  CHECK(abs->is_symlink);
  CHECK(abs->link_target == "/etc/real.conf");
  CHECK(abs->content == "inside\n");
  const FileFact* esc = s.file("/etc/escape");
  REQUIRE(esc);
  CHECK(esc->is_symlink);
  CHECK(esc->type == FileType::missing);  // /etc/hostname does not exist in the tree
  CHECK_FALSE(esc->has_content);
  const FileFact* masked = s.file("/etc/masked.service");
  REQUIRE(masked);
  CHECK(masked->link_target == "/dev/null");
  CHECK(s.file("/lib64/x.so")->content == "elf");
  CHECK(s.collector == "root:" + t.path().string());
}

TEST_CASE("root collector: globs, listings, modes and owners", "[collect]") {
  ft::TempDir t;
  write(t.path() / "etc/ssh/sshd_config.d/10-a.conf", "A\n");
  write(t.path() / "etc/ssh/sshd_config.d/20-b.conf", "B\n", 0600);
  write(t.path() / "etc/ssh/sshd_config.d/.hidden.conf", "H\n");
  write(t.path() / "etc/ssh/sshd_config.d/readme", "R\n");
  write(t.path() / "etc/systemd/system/multi-user.target.wants/cron.service", "");
  write(t.path() / "etc/hostname", "imagehost\n");
  ::chown((t.path() / "etc/ssh/sshd_config.d/20-b.conf").c_str(), 1234, 42);
  CollectOptions opt;
  opt.root = t.path();
  Snapshot s = collect(plan_of({{"/etc/ssh/sshd_config.d/*.conf", kPlanContent},
                                {"/etc/systemd/system/*.wants/cron.service", kPlanStat},
                                {"/etc/systemd/system/*.wants/nope.service", kPlanStat},
                                {"/etc/ssh/sshd_config.d", kPlanList}}),
                       opt);
  CHECK(s.host == "imagehost");
  CHECK(*s.glob("/etc/ssh/sshd_config.d/*.conf") ==
        std::vector<std::string>{"/etc/ssh/sshd_config.d/10-a.conf", "/etc/ssh/sshd_config.d/20-b.conf"});
  const FileFact* b = s.file("/etc/ssh/sshd_config.d/20-b.conf");
  REQUIRE(b);
  CHECK(b->mode == 0600);
  CHECK(b->uid == 1234);
  CHECK(b->gid == 42);
  CHECK(b->content == "B\n");
  CHECK(s.glob("/etc/systemd/system/*.wants/cron.service")->size() == 1);
  CHECK(s.glob("/etc/systemd/system/*.wants/nope.service")->empty());
  CHECK(s.file("/etc/ssh/sshd_config.d")->entries ==
        std::vector<std::string>{".hidden.conf", "10-a.conf", "20-b.conf", "readme"});
}

TEST_CASE("collector: files this process may not read are errors with the reason", "[collect]") {
  if (::geteuid() != 0) {
    WARN("needs root to drop privileges: not run");
    return;
  }
  ft::TempDir t;
  ::chmod(t.path().c_str(), 0755);
  write(t.path() / "etc/shadow", "root:*:1::::::\n", 0640);
  write(t.path() / "etc/passwd", "root:x:0:0::/root:/bin/bash\n");
  write(t.path() / "etc/group", "root:x:0:\nshadow:x:42:\n");
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(3);
    CollectOptions opt;
    opt.root = t.path();
    Snapshot s = collect(plan_of({{"/etc/shadow", kPlanContent}, {"/etc/passwd", kPlanContent}, {"/etc/group", kPlanContent}}), opt);
    std::string json = to_json(s);
    ssize_t off = 0;
    while (off < static_cast<ssize_t>(json.size())) {
      ssize_t n = ::write(fds[1], json.data() + off, json.size() - static_cast<std::size_t>(off));
      if (n <= 0) ::_exit(4);
      off += n;
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string json;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) json.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  auto snap = snapshot_from_json(json);
  REQUIRE(snap);
  const FileFact* shadow = snap->file("/etc/shadow");
  REQUIRE(shadow);
  CHECK(shadow->type == FileType::regular);
  CHECK(shadow->content_error == "permission denied");
  // and evaluation turns it into an error, never a pass
  auto content = ft::load_texts({{"c.yaml",
                                  "checks:\n  - id: t.a.b\n    title: T\n    severity: high\n    rationale: r\n    remediation: m\n"
                                  "    rule: {accounts: {property: no_empty_passwords}}\n"}});
  REQUIRE(content.ok());
  HostFacts facts(*snap);
  CheckResult r = evaluate_check(facts, content.content.checks().front());
  CHECK(r.result == ResultKind::error);
  CHECK(r.evidence == "/etc/shadow could not be read: permission denied");
}

TEST_CASE("collector: content limits and /proc style files", "[collect]") {
  ft::TempDir t;
  write(t.path() / "big", std::string(10000, 'x'));
  CollectOptions opt;
  opt.root = t.path();
  opt.max_file_bytes = 1000;
  Snapshot s = collect(plan_of({{"/big", kPlanContent}}), opt);
  CHECK(s.file("/big")->content.size() == 1000);
  CHECK(s.file("/big")->truncated);
  // The running kernel's /proc reports size 0 but has content.
  CollectOptions local;
  Snapshot l = collect(plan_of({{"/proc/sys/kernel/ostype", kPlanContent}}), local);
  CHECK(l.file("/proc/sys/kernel/ostype")->content == "Linux\n");
  CHECK(l.collector == "local");
  ft::TempDir missing_parent;
  CollectOptions bad;
  bad.root = missing_parent.path() / "nope";
  Snapshot b = collect(plan_of({{"/etc/passwd", kPlanContent}}), bad);
  REQUIRE(b.errors.size() == 1);
  CHECK(b.errors[0].find("is not a readable directory") != std::string::npos);
}

TEST_CASE("collector follows sshd Include to files the first round did not know", "[collect]") {
  ft::TempDir t;
  write(t.path() / "etc/ssh/sshd_config", "Include /etc/ssh/extra/*.conf\n");
  write(t.path() / "etc/ssh/extra/a.conf", "Include /etc/ssh/deeper.conf\nPermitRootLogin no\n");
  write(t.path() / "etc/ssh/deeper.conf", "MaxAuthTries 3\n");
  CollectOptions opt;
  opt.root = t.path();
  Snapshot s = collect(plan_of({{"/etc/ssh/sshd_config", kPlanContent}}), opt);
  REQUIRE(s.glob("/etc/ssh/extra/*.conf"));
  REQUIRE(s.file("/etc/ssh/extra/a.conf"));
  REQUIRE(s.file("/etc/ssh/deeper.conf"));
  CHECK(s.file("/etc/ssh/deeper.conf")->content == "MaxAuthTries 3\n");
}

TEST_CASE("snapshots round-trip through JSON, binary content included", "[collect][json]") {
  ft::SnapshotBuilder b;
  b.file("/etc/a", "text \xc3\xa9\n").file("/bin/x", std::string("\x7f" "ELF\x00\x01\xff", 7), 0755);
  b.link("/etc/l", "/dev/null").missing("/etc/gone").unreadable("/etc/shadow").glob("/etc/*.conf", {"/etc/a.conf"});
  b.snap.errors.push_back("probe x: boom");
  auto back = snapshot_from_json(to_json(b.snap));
  REQUIRE(back);
  CHECK(back->files.size() == b.snap.files.size());
  CHECK(back->file("/bin/x")->content == b.snap.file("/bin/x")->content);
  CHECK(back->file("/etc/a")->content == "text \xc3\xa9\n");
  CHECK(back->file("/etc/l")->is_symlink);
  CHECK(back->file("/etc/shadow")->content_error == "permission denied");
  CHECK(back->file("/etc/gone")->type == FileType::missing);
  CHECK(*back->glob("/etc/*.conf") == std::vector<std::string>{"/etc/a.conf"});
  CHECK(back->errors == b.snap.errors);
  CHECK(to_json(*back) == to_json(b.snap));
  CHECK_FALSE(snapshot_from_json("{\"format\": 99}"));
  CHECK(snapshot_from_json("not json").error().message.starts_with("snapshot is not valid JSON"));
  CHECK(snapshot_from_json("{\"format\":1,\"files\":{\"/x\":{\"type\":\"weird\"}}}").error().message ==
        "snapshot file /x: unknown type \"weird\"");
}

TEST_CASE("snapshots round-trip through the binary encoding, and a cut keeps every whole file", "[collect][binary]") {
  ft::SnapshotBuilder b;
  b.file("/etc/a", "text \xc3\xa9\n").file("/bin/x", std::string("\x7f" "ELF\x00\x01\xff", 7), 0755);
  b.link("/etc/l", "/dev/null").missing("/etc/gone").unreadable("/etc/shadow").glob("/etc/*.conf", {"/etc/a.conf", "/etc/b.conf"});
  b.file(std::string("/etc/odd\nname\x01", 14), std::string(300, 'x'));
  b.snap.files["/etc/sysctl.d"].path = "/etc/sysctl.d";
  b.snap.files["/etc/sysctl.d"].has_entries = true;
  b.snap.files["/etc/sysctl.d"].entries = {"10-a.conf", "99-z.conf"};
  b.snap.files["/etc/sysctl.d"].type = FileType::directory;
  b.snap.errors.push_back("probe x: boom");
  b.snap.host = "web-01";
  b.snap.collected_at = "2026-11-21T22:08:05Z";
  const std::string bin = to_binary(b.snap);
  auto back = snapshot_from_binary(bin);
  REQUIRE(back);
  CHECK(to_json(*back) == to_json(b.snap));  // every field, through the reference encoding
  CHECK(bin.size() < to_json(b.snap).size());

  // Cut anywhere: never an error, never complete, only whole files, in order.
  std::size_t last_files = 0;
  for (std::size_t n = 0; n < bin.size(); ++n) {
    auto r = detail::decode_snapshot_binary(std::string_view(bin).substr(0, n));
    INFO("cut at " << n);
    REQUIRE(r.error.empty());
    REQUIRE_FALSE(r.complete);
    CHECK(r.snapshot.files.size() >= last_files);
    last_files = r.snapshot.files.size();
    for (const auto& [path, f] : r.snapshot.files) CHECK(to_json_equal_file(f, *b.snap.file(path)));
  }
  CHECK_FALSE(snapshot_from_binary(bin.substr(0, bin.size() - 1)));
  CHECK(snapshot_from_binary(bin + "x").error().message.find("after the end marker") != std::string::npos);
  CHECK(snapshot_from_binary("{}").error().message.find("not a binary snapshot") != std::string::npos);

  // Damage anywhere: a decode error, a cut or a different snapshot; never a crash.
  std::uint32_t seed = 12345;
  for (int round = 0; round < 3000; ++round) {
    std::string d = bin;
    for (int k = 0; k < 1 + round % 4; ++k) {
      seed = seed * 1664525u + 1013904223u;
      d[seed % d.size()] = static_cast<char>(seed >> 24);
    }
    auto r = detail::decode_snapshot_binary(d, 64);
    for (const auto& [path, f] : r.snapshot.files) CHECK(f.content.size() <= 64);
  }
  // The content limit cuts and marks.
  auto limited = detail::decode_snapshot_binary(bin, 10);
  REQUIRE(limited.complete);
  CHECK(limited.snapshot.file("/etc/odd\nname\x01")->content.size() == 10);
  CHECK(limited.snapshot.file("/etc/odd\nname\x01")->truncated);
}

#include <sqlite3.h>

#include "collect/redact.hpp"

TEST_CASE("secrets never reach a snapshot or the store", "[collect][security]") {
  using fleetaudit::hostfs::redact_hash;
  CHECK(redact_hash("") == "");
  CHECK(redact_hash("*") == "*");
  CHECK(redact_hash("!") == "!");
  CHECK(redact_hash("!*") == "!*");
  CHECK(redact_hash("$6$saltsalt$abcdef") == "$6$*REDACTED*");
  CHECK(redact_hash("!$y$j9T$salt$hash") == "!$y$*REDACTED*");
  CHECK(redact_hash("abDESxyz12345") == "*REDACTED*");

  const std::string hash = "$y$j9T$Q8Yz9sGf0Zb2cJ1kqR4mB1$Xv8rQk2oW3nLmP7sT1uY9aB4cD6eF8gH0iJ2kL4mN6o";
  const std::string old_hash = "$6$oldsalt$3b2v0Vd8qK1e2R3t4Y5u6I7o8P9a0S1d2F3g4H5j6K7l8Z9x0C1v2B3n4M5q6W7e8R9t0Y1u2I3o4P5a6S7";
  const std::string grub_hash = "grub.pbkdf2.sha512.10000.ABCDEF0123456789.FEDCBA9876543210";
  ft::TempDir t;
  write(t.path() / "etc/shadow", "root:!" + hash + ":19700:0:99999:7:::\nalice:" + hash + ":19700:0:90:7:::\nbob::19700::::::\n", 0640);
  write(t.path() / "etc/security/opasswd", "alice:1000:2:" + old_hash + "," + old_hash + "\n", 0600);
  write(t.path() / "boot/grub/grub.cfg", "set superusers=\"admin\"\npassword_pbkdf2 admin " + grub_hash + "\n", 0600);
  write(t.path() / "boot/grub2/user.cfg", "GRUB2_PASSWORD=" + grub_hash + "\n", 0600);
  write(t.path() / "etc/passwd", "root:x:0:0::/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/sh\n");
  write(t.path() / "etc/group", "root:x:0:\n");
  CollectOptions opt;
  opt.root = t.path();
  Snapshot s = collect(plan_of({{"/etc/shadow", kPlanContent}, {"/etc/security/opasswd", kPlanContent},
                                {"/boot/grub/grub.cfg", kPlanContent}, {"/boot/grub2/user.cfg", kPlanContent},
                                {"/etc/passwd", kPlanContent}, {"/etc/group", kPlanContent}}),
                       opt);
  std::string json = to_json(s);
  CHECK(json.find("Q8Yz9sGf0Zb2cJ1kqR4mB1") == std::string::npos);
  CHECK(json.find("oldsalt") == std::string::npos);
  CHECK(json.find("ABCDEF0123456789") == std::string::npos);
  CHECK(s.file("/etc/shadow")->redacted);
  CHECK(s.file("/etc/shadow")->content == "root:!$y$*REDACTED*:19700:0:99999:7:::\nalice:$y$*REDACTED*:19700:0:90:7:::\nbob::19700::::::\n");
  CHECK(s.file("/boot/grub/grub.cfg")->content.find("password_pbkdf2 admin grub.pbkdf2.sha512.10000.*REDACTED*") != std::string::npos);
  CHECK(s.file("/boot/grub2/user.cfg")->content == "GRUB2_PASSWORD=grub.pbkdf2.sha512.10000.*REDACTED*\n");
  CHECK_FALSE(s.file("/etc/passwd")->redacted);

  // What the checks need survives: usable, locked and empty passwords.
  auto content = ft::load_texts({{"c.yaml",
                                  "checks:\n"
                                  "  - {id: t.a.empty, title: T, severity: high, rationale: r, remediation: m,"
                                  " rule: {accounts: {property: no_empty_passwords}}}\n"
                                  "  - {id: t.a.age, title: T, severity: high, rationale: r, remediation: m,"
                                  " rule: {accounts: {property: shadow_field, field: max_days, at_most: 365}}}\n"
                                  "  - {id: t.a.grub, title: T, severity: high, rationale: r, remediation: m,"
                                  " rule: {file_content: {path: /boot/grub/grub.cfg, present: '^\\s*password_pbkdf2\\s+\\S+\\s+grub\\.pbkdf2\\.'}}}\n"}});
  REQUIRE(content.ok());
  HostFacts facts(s);
  CheckResult empty = evaluate_check(facts, *content.content.find_check("t.a.empty"));
  CHECK(empty.result == ResultKind::fail);
  CHECK(empty.evidence == "/etc/shadow:3: bob has an empty password");
  CheckResult age = evaluate_check(facts, *content.content.find_check("t.a.age"));
  CHECK(age.result == ResultKind::pass);  // root is locked, alice has 90 days: only usable passwords count
  CHECK(age.evidence == "1 account(s) with a password: max_days at most 365");
  CHECK(evaluate_check(facts, *content.content.find_check("t.a.grub")).result == ResultKind::pass);

  // The store holds the snapshot: no hash there either.
  ScanReport rep;
  rep.hosts.push_back(evaluate(s, content.content.select_all()));
  rep.snapshots.push_back(s);
  auto db = t.path() / "fa.db";
  {
    auto st = Store::open(db);
    REQUIRE(st);
    REQUIRE(st->save(rep));
  }
  std::ifstream in(db, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ifstream wal(db.string() + "-wal", std::ios::binary);
  bytes.append((std::istreambuf_iterator<char>(wal)), std::istreambuf_iterator<char>());
  CHECK(bytes.find("Q8Yz9sGf0Zb2cJ1kqR4mB1") == std::string::npos);
  auto st = Store::open(db);
  auto back = st->load(1, true);
  REQUIRE(back);
  CHECK(back->snapshots.at(0).file("/etc/shadow")->content.find("*REDACTED*") != std::string::npos);
}

TEST_CASE("collector follows a moved Docker data root and TLS files named in daemon.json", "[collect][vars]") {
  ft::TempDir t;
  write(t.path() / "etc/docker/daemon.json", R"({"data-root": "/srv/docker/", "tlscacert": "/etc/docker/tls/ca.pem"})");
  write(t.path() / "etc/docker/tls/ca.pem", "CA\n", 0444);
  write(t.path() / "srv/docker/containers/abc/config.v2.json", R"({"Name": "/web"})", 0600);
  write(t.path() / "var/lib/docker/containers/old/config.v2.json", R"({"Name": "/stale"})", 0600);
  Plan plan;
  detail::plan_path("${docker.data-root}/containers/*/config.v2.json", kPlanContent, plan);
  detail::plan_path("${docker.tlscacert}", kPlanStat, plan);
  // the plan asks for the defaults and for every file that could move them
  CHECK(plan.items.count("/var/lib/docker/containers/*/config.v2.json"));
  CHECK(plan.items.count("/root/.docker/ca.pem"));
  CHECK(plan.items.at("/etc/docker/daemon.json") == kPlanContent);
  CHECK(plan.items.count("/etc/systemd/system/docker.service.d/*.conf"));
  CollectOptions opt;
  opt.root = t.path();
  Snapshot s = collect(plan, opt);
  REQUIRE(s.glob("/srv/docker/containers/*/config.v2.json"));
  CHECK(*s.glob("/srv/docker/containers/*/config.v2.json") == std::vector<std::string>{"/srv/docker/containers/abc/config.v2.json"});
  REQUIRE(s.file("/etc/docker/tls/ca.pem"));
  CHECK(s.file("/etc/docker/tls/ca.pem")->mode == 0444);
  // nothing further to follow once collected
  CHECK(followup_plan(plan, s).empty());
}

TEST_CASE("secret-named environment values in container and image configurations are redacted", "[collect][security]") {
  using fleetaudit::hostfs::redact_secrets;
  std::string cfg = R"({"Config":{"Env":["PATH=/usr/bin","DB_PASSWORD=hunter2","db_password_FILE=/run/secrets/db","API_TOKEN=a b c","X=\"q\""]},)"
                    R"("history":[{"created_by":"/bin/sh -c #(nop) ENV AWS_SECRET_ACCESS_KEY=abc123 REGION=eu"}],"Args":["--password=s3cret"]})";
  CHECK(redact_secrets("/var/lib/docker/containers/x/config.v2.json", cfg));
  CHECK(cfg.find("hunter2") == std::string::npos);
  CHECK(cfg.find("abc123") == std::string::npos);
  CHECK(cfg.find("s3cret") == std::string::npos);
  CHECK(cfg.find("a b c") == std::string::npos);
  CHECK(cfg.find("\"DB_PASSWORD=*REDACTED*\"") != std::string::npos);
  CHECK(cfg.find("db_password_FILE=/run/secrets/db") != std::string::npos);  // a path to a secret is no secret
  CHECK(cfg.find("ENV AWS_SECRET_ACCESS_KEY=*REDACTED* REGION=eu") != std::string::npos);
  CHECK(cfg.find("PATH=/usr/bin") != std::string::npos);
  CHECK(nlohmann::json::parse(cfg).is_object());  // still JSON
  std::string again = cfg;
  CHECK_FALSE(redact_secrets("/var/lib/docker/containers/x/config.v2.json", again));  // idempotent
  std::string image = R"({"config":{"Env":["GITHUB_TOKEN=ghx"]}})";
  CHECK(redact_secrets("/srv/docker/image/overlay2/imagedb/content/sha256/0123", image));
  std::string oci = R"({"process":{"env":["REDIS_PASSWORD=x"]}})";
  CHECK(redact_secrets("/var/lib/containers/storage/overlay-containers/1/userdata/config.json", oci));
  std::string other = R"({"DB_PASSWORD=x": 1})";
  CHECK_FALSE(redact_secrets("/etc/docker/daemon.json", other));  // only container and image configurations
}

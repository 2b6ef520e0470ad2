// The ssh client configuration reader: a pure function of text and a file
// callback, read the way ssh reads it.

#include <catch2/catch.hpp>

#include "inventory/ssh_config.hpp"
#include "inventory_helpers.hpp"

using namespace fleetaudit;
using namespace fleetaudit::detail;
using fleetaudit::testing::FakeFs;

namespace {

struct Parsed {
  SshConfig config;
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;
};

Parsed parse(std::string_view text, const FakeFs& fs = {}) {
  Parsed p;
  p.config = SshConfig::parse(text, "/home/op/.ssh/config", "/home/op", fs.fs(), p.errors, p.warnings);
  return p;
}

Parsed load(const FakeFs& fs, const std::string& path = "/home/op/.ssh/config") {
  Parsed p;
  p.config = SshConfig::load(path, "/home/op", fs.fs(), p.errors, p.warnings);
  return p;
}

std::string joined(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) out += d.str() + "\n";
  return out;
}

}  // namespace

TEST_CASE("ssh_config: Host blocks, patterns, negation and %h", "[inventory][ssh_config]") {
  auto p = parse(R"(# fleet access
Host web-* !web-internal
  HostName %h.example.com
  User admin
  Port 2200

Host *
  User nobody
  IdentityFile ~/.ssh/id_fleet
  IdentityFile %d/.ssh/id_other
  ProxyJump none
)");
  REQUIRE(p.errors.empty());
  REQUIRE(p.warnings.empty());

  SshHostConfig web = p.config.resolve("web-01");
  CHECK(web.hostname == "web-01.example.com");
  CHECK(web.user == "admin");
  CHECK(web.port == 2200);
  CHECK(web.identity_files == std::vector<std::string>{"~/.ssh/id_fleet", "%d/.ssh/id_other"});
  CHECK(web.proxy_jump == "");

  SshHostConfig internal = p.config.resolve("web-internal");
  CHECK_FALSE(internal.hostname);
  CHECK(internal.user == "nobody");
  CHECK_FALSE(internal.port);

  SshHostConfig db = p.config.resolve("db");
  CHECK_FALSE(db.hostname);
  CHECK(db.user == "nobody");
}

TEST_CASE("ssh_config: the first value obtained wins, keywords ignore case, '=' separates", "[inventory][ssh_config]") {
  auto p = parse(R"(HOST=db
  user = first
  PORT=2022
  hostname "db.internal"
Host *
  User second
  Port 22
  HostName other
Host db
  User third
  IdentityFile /keys/a
  identityfile=/keys/b
  IdentityFile /keys/a
)");
  REQUIRE(p.errors.empty());
  SshHostConfig db = p.config.resolve("db");
  CHECK(db.user == "first");
  CHECK(db.port == 2022);
  CHECK(db.hostname == "db.internal");
  // IdentityFile accumulates, without repeats, in order.
  CHECK(db.identity_files == std::vector<std::string>{"/keys/a", "/keys/b"});
  CHECK(p.config.resolve("DB").user == "first");  // host patterns ignore case
  CHECK(p.config.resolve("x").user == "second");
}

TEST_CASE("ssh_config: settings before any Host apply to every host", "[inventory][ssh_config]") {
  auto p = parse("User everyone\nHost a\n  User only-a\n");
  CHECK(p.config.resolve("a").user == "everyone");
  CHECK(p.config.resolve("b").user == "everyone");
}

TEST_CASE("ssh_config: ProxyJump keeps the first hop, 'none' means direct", "[inventory][ssh_config]") {
  auto p = parse(R"(Host a
  ProxyJump j1@jump:2222,j2
Host b
  ProxyJump ssh://u@host:22
Host c
  ProxyJump none
Host *
  ProxyJump fallback
)");
  REQUIRE(p.errors.empty());
  CHECK(p.config.resolve("a").proxy_jump == "j1@jump:2222");
  CHECK(p.config.resolve("b").proxy_jump == "u@host:22");
  CHECK(p.config.resolve("c").proxy_jump == "");  // obtained: the later fallback does not apply
  CHECK(p.config.resolve("d").proxy_jump == "fallback");
  REQUIRE(p.warnings.size() == 1);
  CHECK(
      p.warnings[0].str() ==
      "/home/op/.ssh/config:2: ProxyJump 'j1@jump:2222,j2' has several hops: only the first, 'j1@jump:2222', is used");
}

TEST_CASE("ssh_config: Match blocks are skipped with a warning", "[inventory][ssh_config]") {
  auto p = parse(R"(Match host db exec "true"
  User from-match
Host db
  User from-host
)");
  REQUIRE(p.errors.empty());
  CHECK(p.config.resolve("db").user == "from-host");
  REQUIRE(p.warnings.size() == 1);
  CHECK(p.warnings[0].str() == "/home/op/.ssh/config:1: Match block not evaluated: its settings are ignored");
}

TEST_CASE("ssh_config: Include is relative to ~/.ssh, globs, and keeps file order", "[inventory][ssh_config]") {
  FakeFs fs;
  fs.files["/home/op/.ssh/config"] = "Include conf.d/*.conf ~/.ssh/extra missing-file\nHost *\n  User late\n";
  fs.files["/home/op/.ssh/conf.d/b.conf"] = "Host b\n  Port 2022\n";
  fs.files["/home/op/.ssh/conf.d/a.conf"] = "Host a\n  HostName a.internal\n  User ua\n";
  fs.files["/home/op/.ssh/conf.d/skip.txt"] = "Host *\n  User never\n";
  fs.files["/home/op/.ssh/extra"] = "Host b\n  User ub\n";
  auto p = load(fs);
  INFO(joined(p.errors));
  REQUIRE(p.errors.empty());
  CHECK(p.config.files() == std::vector<std::string>{"/home/op/.ssh/config", "/home/op/.ssh/conf.d/a.conf",
                                                     "/home/op/.ssh/conf.d/b.conf", "/home/op/.ssh/extra"});
  SshHostConfig a = p.config.resolve("a");
  CHECK(a.hostname == "a.internal");
  CHECK(a.user == "ua");
  SshHostConfig b = p.config.resolve("b");
  CHECK(b.port == 2022);
  CHECK(b.user == "ub");
  CHECK(p.config.resolve("c").user == "late");
}

TEST_CASE("ssh_config: Include inside a Host block applies only to that host", "[inventory][ssh_config]") {
  FakeFs fs;
  fs.files["/home/op/.ssh/config"] = R"(Host x
  Include /etc/fleet/inc
  User after-include
Host y
  User yy
)";
  // Lines before the first Host of the included file inherit the including
  // block; its own Host lines decide for themselves.
  fs.files["/etc/fleet/inc"] = "IdentityFile /keys/inc\nHost nomatch\n  Port 5\nHost *\n  HostName from-inc\n";
  auto p = load(fs);
  REQUIRE(p.errors.empty());
  SshHostConfig x = p.config.resolve("x");
  CHECK(x.identity_files == std::vector<std::string>{"/keys/inc"});
  CHECK_FALSE(x.port);
  CHECK(x.hostname == "from-inc");
  CHECK(x.user == "after-include");  // the block's state comes back after the include
  SshHostConfig y = p.config.resolve("y");
  CHECK(y.identity_files.empty());  // included from an inactive block: never applies
  CHECK_FALSE(y.hostname);
  CHECK(y.user == "yy");
}

TEST_CASE("ssh_config: problems name the file and line", "[inventory][ssh_config]") {
  SECTION("a bad Port") {
    auto p = parse("Host a\n  Port ssh\nHost b\n  Port 70000\n");
    CHECK(joined(p.errors) ==
          "/home/op/.ssh/config:2: bad Port 'ssh': expected a number from 1 to 65535\n"
          "/home/op/.ssh/config:4: bad Port '70000': expected a number from 1 to 65535\n");
    CHECK_FALSE(p.config.resolve("a").port);
  }
  SECTION("an unreadable include") {
    FakeFs fs;
    fs.unreadable.insert("/home/op/.ssh/secret");
    auto p = parse("\nInclude secret\n", fs);
    CHECK(joined(p.errors) ==
          "/home/op/.ssh/config:2: cannot read included file '/home/op/.ssh/secret': permission denied\n");
  }
  SECTION("an include cycle") {
    FakeFs fs;
    fs.files["/home/op/.ssh/config"] = "Include a\n";
    fs.files["/home/op/.ssh/a"] = "Include config\nUser from-a\n";
    auto p = load(fs);
    CHECK(joined(p.errors) == "/home/op/.ssh/a:1: Include cycle: '/home/op/.ssh/config' is already being read\n");
    CHECK(p.config.resolve("h").user == "from-a");
  }
  SECTION("includes nested too deep") {
    FakeFs fs;
    for (int i = 0; i < 20; ++i) fs.files["/home/op/.ssh/c" + std::to_string(i)] = "Include c" + std::to_string(i + 1);
    auto p = load(fs, "/home/op/.ssh/c0");
    REQUIRE(p.errors.size() == 1);
    CHECK(p.errors[0].str() == "/home/op/.ssh/c16:1: Include nested more than 16 levels deep at '/home/op/.ssh/c17'");
  }
  SECTION("an unreadable main file; a missing one is fine") {
    FakeFs fs;
    fs.unreadable.insert("/home/op/.ssh/config");
    auto p = load(fs);
    CHECK(joined(p.errors) == "/home/op/.ssh/config: cannot read ssh client configuration: permission denied\n");
    auto missing = load(FakeFs{});
    CHECK(missing.errors.empty());
    CHECK(missing.config.files().empty());
    CHECK_FALSE(missing.config.resolve("a").user);
  }
}

TEST_CASE("ssh_config: pattern matching", "[inventory][ssh_config]") {
  CHECK(ssh_pattern_match("*.example.com", "A.Example.COM"));
  CHECK(ssh_pattern_match("web?", "web1"));
  CHECK_FALSE(ssh_pattern_match("web?", "web12"));
  CHECK(ssh_pattern_match("*", ""));
  CHECK(ssh_pattern_match("10.0.*.1", "10.0.200.1"));
  CHECK(ssh_pattern_match("a*b*c", "axxbyyc"));
  CHECK_FALSE(ssh_pattern_match("a*b*c", "axxbyy"));
  CHECK(ssh_host_matches({"*", "!bastion"}, "web"));
  CHECK_FALSE(ssh_host_matches({"*", "!bastion"}, "bastion"));
  CHECK_FALSE(ssh_host_matches({"!bastion"}, "web"));  // a negation alone selects nothing
  CHECK_FALSE(ssh_host_matches({}, "web"));
}

TEST_CASE("ssh_config: %-tokens and ~", "[inventory][ssh_config]") {
  CHECK(expand_ssh_tokens("%%h %h %x 100%", {{'h', "H"}}) == "%h H %x 100%");
  CHECK(expand_ssh_tokens("%d/.ssh/%r@%h", {{'d', "/home/op"}, {'r', "root"}, {'h', "db"}}) == "/home/op/.ssh/root@db");
  CHECK(expand_home("~", "/home/op") == "/home/op");
  CHECK(expand_home("~/.ssh/id", "/home/op") == "/home/op/.ssh/id");
  CHECK(expand_home("~other/x", "/home/op") == "~other/x");
  CHECK(expand_home("/abs/~/x", "/home/op") == "/abs/~/x");
}

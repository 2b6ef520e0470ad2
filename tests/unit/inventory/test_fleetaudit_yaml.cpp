// fleetaudit's own inventory format: values, precedence, groups and every
// refusal with file:line:column.

#include <catch2/catch.hpp>

#include "inventory_helpers.hpp"

using namespace fleetaudit;
using namespace fleetaudit::testing;

namespace {

const std::string kFleet = R"(defaults:
  user: audit
  port: 22
  identity_file: ~/.ssh/fleet_ed25519
  proxy_jump: "bastion:2222"
  tags: [prod]
  vars: {site: par1, tier: none}
groups:
  web:
    members: [web-01, web-02]
    children: [frontend]
    tags: [edge]
    vars: {tier: web}
  frontend:
    members: [fe-01]
    vars: {tier: frontend, role: fe}
  zz-late:
    members: web-01
    user: zzuser
    vars: {tier: zz}
hosts:
  web-01:
    address: 10.0.0.1
    port: 2222
    user: root
    identity_file: [~/.ssh/a, /keys/b]
    proxy_jump: none
    tags: [container-host, prod]
    vars: {k: v, n: 5, b: true, empty: }
  web-02:
  fe-01:
    vars: {tier: mine}
)";

using Vars = std::map<std::string, std::string>;
using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("fleetaudit yaml: a full inventory", "[inventory][fleetaudit_yaml]") {
  auto r = parse_with(kFleet, "fleet.yaml");
  INFO(all_diagnostics(r));
  REQUIRE(r.ok());
  CHECK(r.warnings.empty());
  CHECK(r.inventory.file == "fleet.yaml");
  CHECK(host_names(r) == Strings{"web-01", "web-02", "fe-01"});
  CHECK(r.inventory.groups == Strings{"frontend", "web", "zz-late"});

  const auto& w1 = host(r, "web-01");
  CHECK(w1.address == "10.0.0.1");
  CHECK(w1.port == 2222);
  CHECK(w1.user == "root");  // host beats every group
  CHECK(w1.identity_files == Strings{"/home/op/.ssh/a", "/keys/b"});
  CHECK(w1.proxy_jump == "");  // "none" overrides the default jump host
  CHECK(w1.groups == Strings{"web", "zz-late"});
  CHECK(w1.tags == Strings{"container-host", "edge", "prod"});
  // Groups apply in name order: zz-late after web.
  CHECK(w1.vars == Vars{{"site", "par1"}, {"tier", "zz"}, {"k", "v"}, {"n", "5"}, {"b", "true"}, {"empty", ""}});
  CHECK(w1.defined_at.file == "fleet.yaml");
  CHECK(w1.defined_at.line == line_of(kFleet, "web-01:"));
  CHECK(w1.defined_at.column == 3);

  const auto& w2 = host(r, "web-02");
  CHECK(w2.address == "web-02");
  CHECK(w2.port == 22);
  CHECK(w2.user == "audit");
  CHECK(w2.identity_files == Strings{"/home/op/.ssh/fleet_ed25519"});
  CHECK(w2.proxy_jump == "bastion:2222");
  CHECK(w2.groups == Strings{"web"});
  CHECK(w2.tags == Strings{"edge", "prod"});
  CHECK(w2.vars == Vars{{"site", "par1"}, {"tier", "web"}});
  CHECK(w2.has_tag("edge"));
  CHECK_FALSE(w2.has_tag("container-host"));

  // Members of a child group belong to the parent too, with its tags.
  const auto& fe = host(r, "fe-01");
  CHECK(fe.groups == Strings{"frontend", "web"});
  CHECK(fe.tags == Strings{"edge", "prod"});
  CHECK(fe.vars == Vars{{"site", "par1"}, {"tier", "mine"}, {"role", "fe"}});
}

TEST_CASE("fleetaudit yaml: a host in several groups takes the last group by name", "[inventory][fleetaudit_yaml]") {
  auto r = parse_with(R"(groups:
  b: {members: [h], port: 2002, vars: {x: from-b}}
  a: {members: [h], port: 2001, user: ua, vars: {x: from-a, only-a: "1"}}
hosts:
  h:
)",
                      "inv.yaml");
  REQUIRE(r.ok());
  const auto& h = host(r, "h");
  CHECK(h.port == 2002);
  CHECK(h.user == "ua");
  CHECK(h.vars == Vars{{"x", "from-b"}, {"only-a", "1"}});
}

TEST_CASE("fleetaudit yaml: the ssh client configuration fills what the inventory leaves",
          "[inventory][fleetaudit_yaml]") {
  FakeFs fs;
  fs.files[kSshConfigPath] = R"(Host db
  HostName db.internal
  User dbuser
Host 10.1.1.*
  User netuser
Host *.lab
  HostName %h.example.com
Host *
  User sshuser
  Port 2022
  IdentityFile ~/.ssh/ssh_key
  IdentityFile %d/.ssh/%r@%h-%p
  ProxyJump jump
)";
  SECTION("below the host and the defaults") {
    auto r = parse_with("hosts:\n  alpha:\n  beta: {user: mine, port: 22, identity_file: /k, proxy_jump: none}\n",
                        "inv.yaml", fs);
    INFO(all_diagnostics(r));
    REQUIRE(r.ok());
    const auto& a = host(r, "alpha");
    CHECK(a.address == "alpha");
    CHECK(a.user == "sshuser");
    CHECK(a.port == 2022);
    CHECK(a.identity_files == Strings{"/home/op/.ssh/ssh_key", "/home/op/.ssh/sshuser@alpha-2022"});
    CHECK(a.proxy_jump == "jump");
    const auto& b = host(r, "beta");
    CHECK(b.user == "mine");
    CHECK(b.port == 22);
    CHECK(b.identity_files == Strings{"/k"});
    CHECK(b.proxy_jump == "");

    auto d = parse_with("defaults: {user: audit}\nhosts:\n  alpha:\n", "inv.yaml", fs);
    CHECK(host(d, "alpha").user == "audit");
  }
  SECTION("HostName resolves an alias, with %h") {
    auto r = parse_with("hosts:\n  db:\n  x.lab:\n", "inv.yaml", fs);
    REQUIRE(r.ok());
    CHECK(host(r, "db").address == "db.internal");
    CHECK(host(r, "db").user == "dbuser");
    CHECK(host(r, "x.lab").address == "x.lab.example.com");
  }
  SECTION("an explicit address is what ssh is given: no HostName, its own blocks") {
    auto r = parse_with("hosts:\n  db: {address: 10.1.1.7}\n", "inv.yaml", fs);
    REQUIRE(r.ok());
    const auto& db = host(r, "db");
    CHECK(db.address == "10.1.1.7");
    CHECK(db.user == "netuser");
    CHECK(db.port == 2022);
  }
  SECTION("no ssh configuration at all") {
    InventoryOptions none;
    none.ssh_config.clear();
    auto r = detail::parse_inventory_in("hosts:\n  db:\n", "inv.yaml", none, fs.env());
    REQUIRE(r.ok());
    CHECK(host(r, "db").address == "db");
    CHECK(host(r, "db").user.empty());
    CHECK(host(r, "db").port == 22);
  }
  SECTION("ssh configuration warnings leave the inventory usable") {
    fs.files[kSshConfigPath] = "Match host db\n  User m\nHost db\n  ProxyJump a,b\n";
    auto r = parse_with("hosts:\n  db:\n", "inv.yaml", fs);
    REQUIRE(r.ok());
    REQUIRE(r.warnings.size() == 2);
    CHECK(r.warnings[0].str() == "/home/op/.ssh/config:1: Match block not evaluated: its settings are ignored");
    CHECK(r.warnings[1].where.line == 4);
    CHECK(host(r, "db").user.empty());
    CHECK(host(r, "db").proxy_jump == "a");
  }
  SECTION("an ssh configuration problem makes the load unusable") {
    fs.files[kSshConfigPath] = "Port nope\n";
    auto r = parse_with("hosts:\n  db:\n", "inv.yaml", fs);
    CHECK(all_diagnostics(r) == "/home/op/.ssh/config:1: bad Port 'nope': expected a number from 1 to 65535\n");
  }
}

TEST_CASE("fleetaudit yaml: minimal inventories", "[inventory][fleetaudit_yaml]") {
  auto only_defaults = parse_with("defaults: {user: x}\n", "inv.yaml");
  CHECK(only_defaults.ok());
  CHECK(only_defaults.inventory.hosts.empty());
  auto empty_sections = parse_with("hosts:\ngroups:\n", "inv.yaml");
  CHECK(empty_sections.ok());
  auto empty_group = parse_with("groups:\n  g:\nhosts:\n  h: {}\n", "inv.yaml");
  REQUIRE(empty_group.ok());
  CHECK(empty_group.inventory.groups == Strings{"g"});
  CHECK(host(empty_group, "h").groups.empty());
}

TEST_CASE("fleetaudit yaml: refusals with file:line:column and a reason", "[inventory][fleetaudit_yaml]") {
  struct Case {
    const char* what;
    std::string text;
    std::string expect;  // every diagnostic
  };
  const std::vector<Case> cases = {
      {"port not a number", "hosts:\n  h: {port: abc}\n",
       "inv.yaml:2:13: host 'h': port must be an integer, got 'abc'\n"},
      {"port too large", "hosts:\n  h:\n    port: 70000\n",
       "inv.yaml:3:11: host 'h': port 70000 is out of range 1-65535\n"},
      {"port zero", "defaults:\n  port: 0\n", "inv.yaml:2:9: defaults: port 0 is out of range 1-65535\n"},
      {"port a list", "hosts:\n  h: {port: [1]}\n", "inv.yaml:2:13: host 'h': port must be an integer\n"},
      {"unknown host key", "hosts:\n  h:\n    prot: 22\n",
       "inv.yaml:3:5: unknown key 'prot' in host 'h' (did you mean 'port'?)\n"},
      {"unknown top-level key", "hosts:\n  h:\ngrups:\n  g:\n",
       "inv.yaml:3:1: unknown key 'grups' in inventory (did you mean 'groups'?)\n"},
      {"address in defaults", "defaults:\n  address: x\n", "inv.yaml:2:3: unknown key 'address' in defaults\n"},
      {"unknown group key", "groups:\n  g: {member: [h]}\nhosts:\n  h:\n",
       "inv.yaml:2:7: unknown key 'member' in group 'g' (did you mean 'members'?)\n"},
      {"user a list", "hosts:\n  h: {user: [a]}\n", "inv.yaml:2:13: host 'h': user must be a string\n"},
      {"user empty", "hosts:\n  h: {user: \"\"}\n", "inv.yaml:2:13: host 'h': user must not be empty\n"},
      {"address null", "hosts:\n  h: {address: }\n", "inv.yaml:2:16: host 'h': address must be a string\n"},
      {"identity_file a map", "hosts:\n  h: {identity_file: {a: b}}\n",
       "inv.yaml:2:22: host 'h': identity_file must be a string or a list of strings\n"},
      {"proxy_jump with two hops", "hosts:\n  h: {proxy_jump: \"a,b\"}\n",
       "inv.yaml:2:19: host 'h': proxy_jump takes one jump host, got 'a,b'\n"},
      {"tags a map", "hosts:\n  h: {tags: {a: b}}\n", "inv.yaml:2:13: host 'h': tags must be a list of strings\n"},
      {"tag with a space", "hosts:\n  h: {tags: [\"a b\"]}\n",
       "inv.yaml:2:14: host 'h': tag 'a b' must not contain spaces, commas or colons\n"},
      {"vars a list", "hosts:\n  h: {vars: [a]}\n", "inv.yaml:2:13: host 'h': vars must be a mapping\n"},
      {"var not a scalar", "hosts:\n  h:\n    vars: {k: [1, 2]}\n",
       "inv.yaml:3:15: host 'h': var 'k' must be a string, number or boolean\n"},
      {"duplicate host", "hosts:\n  web-01:\n  web-02:\n  web-01: {port: 22}\n",
       "inv.yaml:4:3: duplicate host 'web-01' (first declared at line 2)\n"},
      {"empty host name", "hosts:\n  \"\": {}\n", "inv.yaml:2:3: host name must not be empty\n"},
      {"host name with a comma", "hosts:\n  \"a,b\":\n",
       "inv.yaml:2:3: host name 'a,b' must not contain commas\n"},
      {"host a scalar", "hosts:\n  web-01: 10.0.0.1\n",
       "inv.yaml:2:11: host 'web-01' must be a mapping of settings or empty\n"},
      {"hosts a list", "hosts: [a, b]\n", "inv.yaml:1:8: hosts must be a mapping of host names to their settings\n"},
      {"group named all", "groups:\n  all: {}\n", "inv.yaml:2:3: group name 'all' is reserved\n"},
      {"group name with a colon", "groups:\n  \"a:b\":\n",
       "inv.yaml:2:3: group name 'a:b' must not contain spaces, commas or colons\n"},
      {"duplicate group", "groups:\n  g:\n  g:\n", "inv.yaml:3:3: duplicate group 'g' (first declared at line 2)\n"},
      {"members a map", "groups:\n  g: {members: {a: b}}\n",
       "inv.yaml:2:16: group 'g': members must be a list of host names\n"},
      {"unknown member", "groups:\n  web:\n    members: [web-01, web-03]\nhosts:\n  web-01:\n  web-02:\n",
       "inv.yaml:3:23: group 'web': unknown host 'web-03' in members (did you mean 'web-01'?)\n"},
      {"unknown child", "groups:\n  web: {children: [frontnd]}\n  frontend:\n",
       "inv.yaml:2:20: group 'web': unknown group 'frontnd' in children (did you mean 'frontend'?)\n"},
      {"a cycle", "groups:\n  a: {children: [b]}\n  b: {children: [c]}\n  c: {children: [a]}\n",
       "inv.yaml:4:18: group 'c': children form a cycle: a -> b -> c -> a\n"},
      {"a group its own child", "groups:\n  a: {children: [a]}\n",
       "inv.yaml:2:18: group 'a': children form a cycle: a -> a\n"},
      {"several problems, sorted", "hosts:\n  b: {port: x}\n  a: {user: [u], tags: [\"\"]}\n",
       "inv.yaml:2:13: host 'b': port must be an integer, got 'x'\n"
       "inv.yaml:3:13: host 'a': user must be a string\n"
       "inv.yaml:3:25: host 'a': tags must not be empty\n"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    auto r = parse_with(c.text, "inv.yaml");
    CHECK(all_diagnostics(r) == c.expect);
    CHECK_FALSE(r.ok());
  }
}

TEST_CASE("fleetaudit yaml: a cycle does not stop the rest of the groups", "[inventory][fleetaudit_yaml]") {
  auto r = parse_with(
      "groups:\n  a: {children: [b], members: [x]}\n  b: {children: [a], members: [y]}\n"
      "hosts:\n  x:\n  y:\n",
      "inv.yaml");
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].str() == "inv.yaml:3:18: group 'b': children form a cycle: a -> b -> a");
  // The edge that closed the cycle is dropped; a -> b stays.
  CHECK(host(r, "y").groups == Strings{"a", "b"});
  CHECK(host(r, "x").groups == Strings{"a"});
}

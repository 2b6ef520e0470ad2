// The public face: telling formats apart, reading from disk with the real
// environment, and selecting hosts with an Ansible-style limit.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "inventory_helpers.hpp"
#include "support/fixture_tree.hpp"

using namespace fleetaudit;
using namespace fleetaudit::testing;

namespace {

using Strings = std::vector<std::string>;

void write(const std::filesystem::path& p, std::string_view text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

const std::string kSelect = R"(groups:
  web: {members: [web-01, web-02], children: [frontend], tags: [edge]}
  frontend: {members: [fe-1]}
  db: {members: [db-01, db-02]}
hosts:
  web-01:
  web-02:
  db-01: {tags: [prod]}
  db-02:
  hv-1: {tags: [hypervisor]}
  fe-1: {tags: [prod]}
)";

}  // namespace

TEST_CASE("inventory: the format is told from the content", "[inventory][detect]") {
  SECTION("fleetaudit yaml, by any of its keys") {
    auto r = parse_with("defaults:\n  vars: {a: b}\nhosts:\n  h:\n", "x");
    REQUIRE(r.ok());
    CHECK(host(r, "h").vars.at("a") == "b");  // defaults: {vars: } is not an Ansible group
  }
  SECTION("ansible yaml, by all") {
    auto r = parse_with("all:\n  hosts:\n    h: {ansible_port: 2}\n", "x");
    REQUIRE(r.ok());
    CHECK(host(r, "h").port == 2);
  }
  SECTION("ansible ini, for anything YAML does not read as a mapping") {
    auto one = parse_with("just-a-host\n", "x");
    REQUIRE(one.ok());
    CHECK(host_names(one) == Strings{"just-a-host"});
    auto ini = parse_with("[web]\nw1 ansible_port=2\n[web:vars]\nx=1\n", "x");
    REQUIRE(ini.ok());
    CHECK(host(ini, "w1").port == 2);
  }
  SECTION("an empty text is an empty inventory") {
    auto r = parse_with("", "x");
    CHECK(r.ok());
    CHECK(r.inventory.hosts.empty());
    CHECK(parse_with("# nothing yet\n", "x").ok());
  }
  SECTION("a YAML mapping of neither shape") {
    auto r = parse_with("host:\n  web-01: {}\n", "inv.yaml");
    CHECK(
        all_diagnostics(r) ==
        "inv.yaml:1:1: unrecognized inventory: top-level key 'host' is neither fleetaudit's (defaults, groups, hosts) "
        "nor Ansible's (all, or groups with hosts, children or vars) (did you mean 'hosts'?)\n");
  }
  SECTION("YAML with a syntax error") {
    auto r = parse_with("hosts:\n  web-01:\n    port: 22\n   bad: [\n", "inv.yaml");
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].where.line == 4);
    CHECK(r.diagnostics[0].message.starts_with("malformed YAML: "));
  }
  SECTION("prose") {
    auto r = parse_with("This is not an inventory.\nIt is a letter.\n", "notes.txt");
    CHECK(all_diagnostics(r) ==
          "notes.txt:1: unrecognized inventory: not fleetaudit YAML, Ansible YAML or Ansible INI (as INI: host 'This': "
          "expected key=value, got 'is')\n");
  }
}

TEST_CASE("inventory: loading from disk with the real environment", "[inventory][load]") {
  TempDir dir;
  const std::string home = std::getenv("HOME") ? std::getenv("HOME") : "";
  write(dir.path() / "ssh" / "config",
        "Include " + (dir.path() / "ssh" / "conf.d" / "*").string() + "\nHost *\n  User fallback\n");
  write(dir.path() / "ssh" / "conf.d" / "10-db", "Host db\n  HostName db.internal\n  Port 2022\n");
  write(dir.path() / "fleet.yaml", "hosts:\n  db:\n  web: {identity_file: ~/.ssh/k}\n");
  InventoryOptions options;
  options.ssh_config = dir.path() / "ssh" / "config";

  SECTION("an inventory resolved through an ssh configuration with includes") {
    auto r = load_inventory(dir.path() / "fleet.yaml", options);
    INFO(all_diagnostics(r));
    REQUIRE(r.ok());
    CHECK(r.inventory.file == dir.path() / "fleet.yaml");
    const auto& db = host(r, "db");
    CHECK(db.address == "db.internal");
    CHECK(db.port == 2022);
    CHECK(db.user == "fallback");
    CHECK(db.defined_at.file == (dir.path() / "fleet.yaml").string());
    CHECK(db.defined_at.line == 2);
    CHECK(host(r, "web").identity_files == Strings{home + "/.ssh/k"});
  }
  SECTION("a missing ssh configuration is fine") {
    options.ssh_config = dir.path() / "nowhere";
    auto r = load_inventory(dir.path() / "fleet.yaml", options);
    REQUIRE(r.ok());
    CHECK(host(r, "db").address == "db");
  }
  SECTION("an unreadable ssh configuration is a diagnostic") {
    options.ssh_config = dir.path() / "ssh";  // a directory
    auto r = load_inventory(dir.path() / "fleet.yaml", options);
    CHECK(all_diagnostics(r) ==
          (dir.path() / "ssh").string() + ": cannot read ssh client configuration: is a directory\n");
  }
  SECTION("a missing inventory") {
    auto r = load_inventory(dir.path() / "absent.ini", options);
    CHECK(all_diagnostics(r) == (dir.path() / "absent.ini").string() + ": cannot read inventory: no such file\n");
  }
  SECTION("parse_inventory names its text") {
    auto r = parse_inventory("[g]\nh ansible_port=x\n", "inline", options);
    CHECK(all_diagnostics(r) == "inline:2: host 'h': ansible_port must be a number from 1 to 65535, got 'x'\n");
  }
}

TEST_CASE("inventory: select with an Ansible-style limit", "[inventory][select]") {
  auto r = parse_with(kSelect, "inv.yaml");
  REQUIRE(r.ok());
  const Inventory& inv = r.inventory;
  const Strings everyone{"web-01", "web-02", "db-01", "db-02", "hv-1", "fe-1"};
  CHECK(names_of(inv.select("")) == everyone);
  CHECK(names_of(inv.select("all")) == everyone);
  CHECK(names_of(inv.select("*")) == everyone);

  // Group names (children included), host names, tags; inventory order.
  CHECK(names_of(inv.select("web")) == Strings{"web-01", "web-02", "fe-1"});
  CHECK(names_of(inv.select("db-01,web-02")) == Strings{"web-02", "db-01"});
  CHECK(names_of(inv.select("hypervisor")) == Strings{"hv-1"});
  CHECK(names_of(inv.select("edge")) == Strings{"web-01", "web-02", "fe-1"});

  // Colons separate too; ! excludes, & intersects, in any position.
  CHECK(names_of(inv.select("web:db")) == Strings{"web-01", "web-02", "db-01", "db-02", "fe-1"});
  CHECK(names_of(inv.select("web:!web-02")) == Strings{"web-01", "fe-1"});
  CHECK(names_of(inv.select("!web-02,web")) == Strings{"web-01", "fe-1"});
  CHECK(names_of(inv.select("web,db,&prod")) == Strings{"db-01", "fe-1"});
  CHECK(names_of(inv.select(" web , & prod ")) == Strings{"fe-1"});

  // Only exclusions or intersections start from every host.
  CHECK(names_of(inv.select("!db")) == Strings{"web-01", "web-02", "hv-1", "fe-1"});
  CHECK(names_of(inv.select("&prod")) == Strings{"db-01", "fe-1"});

  // Globs and regular expressions over host, group and tag names.
  CHECK(names_of(inv.select("db-*")) == Strings{"db-01", "db-02"});
  CHECK(names_of(inv.select("*-01")) == Strings{"web-01", "db-01"});
  CHECK(names_of(inv.select("front*")) == Strings{"fe-1"});
  CHECK(names_of(inv.select("hyper?isor")) == Strings{"hv-1"});
  CHECK(names_of(inv.select("~db-0[12]")) == Strings{"db-01", "db-02"});
  CHECK(names_of(inv.select("~(")).empty());  // a bad expression matches nothing

  // A term that matches nothing selects nothing, and does not spoil the rest.
  CHECK(inv.select("nomatch").empty());
  CHECK(names_of(inv.select("nomatch,db-01")) == Strings{"db-01"});
  CHECK(names_of(inv.select("ungrouped")) == Strings{"hv-1"});
  CHECK(names_of(inv.select("all:!ungrouped:!web")) == Strings{"db-01", "db-02"});
}

TEST_CASE("inventory: select keeps names that hold colons whole", "[inventory][select]") {
  auto r = parse_with("[lab]\n2001:db8::10\nfe80::1\n", "hosts.ini");
  REQUIRE(r.ok());
  CHECK(names_of(r.inventory.select("2001:db8::10")) == Strings{"2001:db8::10"});
  CHECK(names_of(r.inventory.select("lab,!fe80::1")) == Strings{"2001:db8::10"});
}

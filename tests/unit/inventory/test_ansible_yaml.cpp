// Ansible YAML inventories: all/children/hosts/vars, the same variables, ranges
// and role tags as INI, and refusals with file:line:column.

#include <catch2/catch.hpp>

#include "inventory_helpers.hpp"

using namespace fleetaudit;
using namespace fleetaudit::testing;

namespace {

using Vars = std::map<std::string, std::string>;
using Strings = std::vector<std::string>;

const std::string kAnsible = R"(all:
  hosts:
    mail.example.com:
  vars:
    ansible_user: ops
    ntp: [a, b]
    limits: {nofile: 1024}
  children:
    web:
      hosts:
        web[01:02].example.com:
          http_port: 8080
        db-1: {ansible_host: 10.0.0.5, ansible_port: 2222, ansible_ssh_private_key_file: ~/.ssh/db}
      vars:
        tier: frontend
        flag: true
      children:
        edge:
          hosts:
            cdn-1:
    k8s_node:
      hosts:
        node-1: {fleetaudit_tags: [gpu, batch]}
        web01.example.com:
          ansible_ssh_common_args: "-J jump.example.com"
          http_port: 9090
    empty_group:
)";

}  // namespace

TEST_CASE("ansible yaml: a full inventory", "[inventory][ansible_yaml]") {
  auto r = parse_with(kAnsible, "hosts.yml");
  INFO(all_diagnostics(r));
  REQUIRE(r.ok());
  CHECK(host_names(r) ==
        Strings{"mail.example.com", "web01.example.com", "web02.example.com", "db-1", "cdn-1", "node-1"});
  CHECK(r.inventory.groups == Strings{"edge", "empty_group", "k8s_node", "web"});

  const auto& mail = host(r, "mail.example.com");
  CHECK(mail.user == "ops");
  CHECK(mail.groups.empty());
  CHECK(mail.vars == Vars{{"ntp", "[a, b]"}, {"limits", "{nofile: 1024}"}});
  CHECK(mail.defined_at.line == 3);
  CHECK(mail.defined_at.column == 5);

  const auto& w1 = host(r, "web01.example.com");
  CHECK(w1.groups == Strings{"k8s_node", "web"});
  CHECK(w1.tags == Strings{"k8s-node"});
  CHECK(w1.proxy_jump == "jump.example.com");
  CHECK(w1.vars.at("http_port") == "9090");  // the later declaration wins
  CHECK(w1.vars.at("tier") == "frontend");
  CHECK(w1.vars.at("flag") == "true");
  CHECK(w1.defined_at.line == line_of(kAnsible, "web[01:02]"));

  const auto& db = host(r, "db-1");
  CHECK(db.address == "10.0.0.5");
  CHECK(db.port == 2222);
  CHECK(db.user == "ops");
  CHECK(db.identity_files == Strings{"/home/op/.ssh/db"});
  CHECK(db.vars.count("ansible_host") == 0);

  const auto& cdn = host(r, "cdn-1");
  CHECK(cdn.groups == Strings{"edge", "web"});
  CHECK(cdn.tags == Strings{"edge"});
  CHECK(cdn.vars.at("tier") == "frontend");

  CHECK(host(r, "node-1").tags == Strings{"batch", "gpu", "k8s-node"});
}

TEST_CASE("ansible yaml: top-level groups without all", "[inventory][ansible_yaml]") {
  auto r = parse_with(R"(web:
  hosts:
    w1:
db:
  hosts: {d1: {ansible_port: 5432}}
  vars: {ansible_user: pg}
hypervisor:
  children:
    db:
)",
                      "hosts.yml");
  INFO(all_diagnostics(r));
  REQUIRE(r.ok());
  CHECK(host_names(r) == Strings{"w1", "d1"});
  CHECK(r.inventory.groups == Strings{"db", "hypervisor", "web"});
  const auto& d1 = host(r, "d1");
  CHECK(d1.port == 5432);
  CHECK(d1.user == "pg");
  CHECK(d1.groups == Strings{"db", "hypervisor"});
  CHECK(d1.tags == Strings{"hypervisor"});
}

TEST_CASE("ansible yaml: a child group overrides its parent", "[inventory][ansible_yaml]") {
  auto r = parse_with(R"(all:
  vars: {tier: all}
  children:
    zparent:
      vars: {tier: parent}
      children:
        achild:
          vars: {tier: child}
          hosts: {h: }
)",
                      "hosts.yml");
  REQUIRE(r.ok());
  CHECK(host(r, "h").vars.at("tier") == "child");
}

TEST_CASE("ansible yaml: ungrouped hosts and their vars", "[inventory][ansible_yaml]") {
  auto r = parse_with(R"(all:
  children:
    ungrouped:
      hosts: {lone: }
      vars: {alone: "yes"}
    g:
      hosts: {grouped: }
)",
                      "hosts.yml");
  INFO(all_diagnostics(r));
  REQUIRE(r.ok());
  CHECK(r.inventory.groups == Strings{"g"});
  CHECK(host(r, "lone").vars.at("alone") == "yes");
  CHECK(host(r, "grouped").vars.count("alone") == 0);
}

TEST_CASE("ansible yaml: refusals with file:line:column and a reason", "[inventory][ansible_yaml]") {
  struct Case {
    const char* what;
    std::string text;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {"unknown group key", "all:\n  children:\n    web:\n      hostz: {a: }\n",
       "hosts.yml:4:7: unknown key 'hostz' in group 'web' (did you mean 'hosts'?)\n"},
      {"bad ansible_port", "all:\n  hosts:\n    db-1: {ansible_port: abc}\n",
       "hosts.yml:3:26: host 'db-1': ansible_port must be a number from 1 to 65535, got 'abc'\n"},
      {"bad port in group vars", "all:\n  vars:\n    ansible_port: 0\n",
       "hosts.yml:3:19: group 'all': ansible_port must be a number from 1 to 65535, got '0'\n"},
      {"hosts a list", "all:\n  children:\n    web:\n      hosts: [a, b]\n",
       "hosts.yml:4:14: hosts of group 'web' must be a mapping of host names\n"},
      {"host a scalar", "all:\n  hosts:\n    a: 10.0.0.1\n",
       "hosts.yml:3:8: host 'a' must be a mapping of variables or empty\n"},
      {"bad range", "all:\n  hosts:\n    web[1:x]:\n",
       "hosts.yml:3:5: bad host range in 'web[1:x]': start and end must both be numbers or both be single letters\n"},
      {"ansible_host a list", "all:\n  hosts:\n    a: {ansible_host: [x]}\n",
       "hosts.yml:3:23: host 'a': ansible_host must be a single value\n"},
      {"vars a list", "all:\n  vars: [a]\n", "hosts.yml:2:9: vars of group 'all' must be a mapping\n"},
      {"group a scalar", "all:\n  children:\n    web: nothing\n",
       "hosts.yml:3:10: group 'web' must be a mapping with 'hosts', 'children' or 'vars'\n"},
      {"all as a child", "all:\n  children:\n    web:\n      children:\n        all:\n",
       "hosts.yml:5:9: children of group 'web': 'all' cannot be a child group\n"},
      {"duplicate host in one group", "all:\n  hosts:\n    a:\n    a:\n",
       "hosts.yml:4:5: duplicate key 'a' in hosts of group 'all'\n"},
      {"a cycle", "all:\n  children:\n    a:\n      children:\n        b:\n          children:\n            a:\n",
       "hosts.yml:7:13: group 'b': children form a cycle: a -> b -> a\n"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    auto r = parse_with(c.text, "hosts.yml");
    CHECK(all_diagnostics(r) == c.expect);
  }
}

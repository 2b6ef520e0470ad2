// Ansible INI inventories: sections, host lines, ranges, vars, children, tags
// and refusals with file:line.

#include <catch2/catch.hpp>

#include "inventory/ansible_vars.hpp"
#include "inventory_helpers.hpp"

using namespace fleetaudit;
using namespace fleetaudit::testing;

namespace {

using Vars = std::map<std::string, std::string>;
using Strings = std::vector<std::string>;

const std::string kIni = R"(# production fleet
mail.example.com
bare:2201
app[1:2]:2202

[web]
web[01:03].example.com ansible_user=admin
db-1 ansible_host=10.0.0.5 ansible_port=2222 note="two words" quoted='it''s'   # trailing comment

[web:vars]
tier=frontend
http_port = 8080 # a comment
motd = "hello # not a comment"

; a comment of the other kind
[hypervisor]
hv-1 ansible_ssh_private_key_file=~/.ssh/hv ansible_connection=ssh

[edge:children]
web

[container_host]
ct-1 fleetaudit_tags=gpu,batch ansible_ssh_common_args='-o ProxyJump=admin@jump:2222 -o StrictHostKeyChecking=no'

[all:vars]
ansible_user=ops
site=par1

[ungrouped:vars]
only_ungrouped=yes

[all:children]
ungrouped
edge
)";

}  // namespace

TEST_CASE("ansible ini: a full inventory", "[inventory][ansible_ini]") {
  auto r = parse_with(kIni, "hosts.ini");
  INFO(all_diagnostics(r));
  REQUIRE(r.ok());
  CHECK(host_names(r) == Strings{"mail.example.com", "bare", "app1", "app2", "web01.example.com", "web02.example.com",
                                 "web03.example.com", "db-1", "hv-1", "ct-1"});
  CHECK(r.inventory.groups == Strings{"container_host", "edge", "hypervisor", "web"});

  const auto& mail = host(r, "mail.example.com");
  CHECK(mail.address == "mail.example.com");
  CHECK(mail.user == "ops");
  CHECK(mail.groups.empty());
  CHECK(mail.vars == Vars{{"site", "par1"}, {"only_ungrouped", "yes"}});
  CHECK(mail.defined_at.line == 2);
  CHECK(mail.defined_at.file == "hosts.ini");

  CHECK(host(r, "bare").port == 2201);
  CHECK(host(r, "app2").port == 2202);

  const auto& w2 = host(r, "web02.example.com");
  CHECK(w2.user == "admin");  // the host line beats [all:vars]
  CHECK(w2.port == 22);
  CHECK(w2.groups == Strings{"edge", "web"});
  CHECK(w2.tags == Strings{"edge"});  // a group named after a role, through children
  CHECK(w2.vars ==
        Vars{{"site", "par1"}, {"tier", "frontend"}, {"http_port", "8080"}, {"motd", "hello # not a comment"}});
  CHECK(w2.defined_at.line == line_of(kIni, "web[01:03]"));

  const auto& db = host(r, "db-1");
  CHECK(db.address == "10.0.0.5");
  CHECK(db.port == 2222);
  CHECK(db.user == "ops");
  CHECK(db.vars.at("note") == "two words");
  CHECK(db.vars.at("quoted") == "its");

  const auto& hv = host(r, "hv-1");
  CHECK(hv.identity_files == Strings{"/home/op/.ssh/hv"});
  CHECK(hv.tags == Strings{"hypervisor"});
  CHECK(hv.vars.at("ansible_connection") == "ssh");  // other ansible_ variables are kept

  const auto& ct = host(r, "ct-1");
  CHECK(ct.tags == Strings{"batch", "container-host", "gpu"});  // container_host spells the role
  CHECK(ct.proxy_jump == "admin@jump:2222");
  CHECK(ct.vars.count("fleetaudit_tags") == 0);
  CHECK(ct.vars.count("ansible_ssh_common_args") == 0);
  CHECK(ct.vars.count("only_ungrouped") == 0);
}

TEST_CASE("ansible ini: a child group overrides its parents, then name order", "[inventory][ansible_ini]") {
  auto r = parse_with(R"([parent:vars]
tier=parent
[child:vars]
tier=child
[parent:children]
child
[child]
h1
[aaa]
h1
h2
[aaa:vars]
tier=aaa
[zzz]
h2
[zzz:vars]
tier=zzz
)",
                      "hosts.ini");
  REQUIRE(r.ok());
  CHECK(host(r, "h1").groups == Strings{"aaa", "child", "parent"});
  CHECK(host(r, "h1").vars.at("tier") == "child");
  CHECK(host(r, "h2").vars.at("tier") == "zzz");
}

TEST_CASE("ansible ini: a host in several sections gathers its variables", "[inventory][ansible_ini]") {
  auto r = parse_with("[a]\nh ansible_port=2001 x=1\n[b]\nh y=2 x=3\n", "hosts.ini");
  REQUIRE(r.ok());
  REQUIRE(r.inventory.hosts.size() == 1);
  const auto& h = host(r, "h");
  CHECK(h.port == 2001);
  CHECK(h.vars == Vars{{"x", "3"}, {"y", "2"}});
  CHECK(h.groups == Strings{"a", "b"});
  CHECK(h.defined_at.line == 2);
}

TEST_CASE("ansible ini: IPv6 hosts and fleetaudit_tags in group vars", "[inventory][ansible_ini]") {
  auto r = parse_with("[lab]\n2001:db8::10\n[lab:vars]\nfleetaudit_tags = k8s-node, lab\n", "hosts.ini");
  INFO(all_diagnostics(r));
  REQUIRE(r.ok());
  const auto& h = host(r, "2001:db8::10");
  CHECK(h.port == 22);
  CHECK(h.tags == Strings{"k8s-node", "lab"});
}

TEST_CASE("ansible ini: host ranges", "[inventory][ansible_ini]") {
  using detail::expand_host_pattern;
  CHECK(*expand_host_pattern("plain") == Strings{"plain"});
  CHECK(*expand_host_pattern("web[01:03]") == Strings{"web01", "web02", "web03"});
  CHECK(*expand_host_pattern("web[8:10]") == Strings{"web8", "web9", "web10"});
  CHECK(*expand_host_pattern("[a:c]x") == Strings{"ax", "bx", "cx"});
  CHECK(*expand_host_pattern("n[1:5:2]") == Strings{"n1", "n3", "n5"});
  CHECK(*expand_host_pattern("web[:2]") == Strings{"web0", "web1", "web2"});
  CHECK(*expand_host_pattern("r[1:2]c[a:b].x") == Strings{"r1ca.x", "r1cb.x", "r2ca.x", "r2cb.x"});

  auto error = [](std::string_view p) {
    auto r = expand_host_pattern(p);
    return r ? std::string("(expanded)") : r.error().message;
  };
  CHECK(error("web[3:1]") == "start 3 is after end 1");
  CHECK(error("web[01:1]") == "zero-padded start and end must have the same width");
  CHECK(error("web[1:z]") == "start and end must both be numbers or both be single letters");
  CHECK(error("web[1:2") == "'[' without ']'");
  CHECK(error("web[1]") == "expected [start:end] or [start:end:step]");
  CHECK(error("web[1:5:0]") == "step '0' must be a positive number");
  CHECK(error("x[1:200000]") == "more than 100000 hosts");
  CHECK(error("x[1:1000][1:1000]") == "more than 100000 hosts");
}

TEST_CASE("ansible ini: shell-like splitting and ssh arguments", "[inventory][ansible_ini]") {
  using detail::proxy_jump_from_ssh_args;
  using detail::shell_split;
  CHECK(*shell_split(R"(h a="b c" d='e f' g=h\ i # comment)") == Strings{"h", "a=b c", "d=e f", "g=h i"});
  CHECK(*shell_split(R"(x="say \"hi\"")") == Strings{R"(x=say "hi")"});
  CHECK(shell_split("a='open").error().message == "unterminated single quote");

  CHECK(proxy_jump_from_ssh_args("-J jump") == "jump");
  CHECK(proxy_jump_from_ssh_args("-Ju@jump:2,second") == "u@jump:2");
  CHECK(proxy_jump_from_ssh_args("-o StrictHostKeyChecking=no -o ProxyJump=j") == "j");
  CHECK(proxy_jump_from_ssh_args("-o 'proxyjump j2'") == "j2");
  CHECK(proxy_jump_from_ssh_args("-oProxyJump=none") == "");
  CHECK_FALSE(proxy_jump_from_ssh_args("-o ControlMaster=auto"));
  CHECK_FALSE(proxy_jump_from_ssh_args(""));

  CHECK(detail::role_tag_for_group("k8s_node") == "k8s-node");
  CHECK(detail::role_tag_for_group("edge") == "edge");
  CHECK_FALSE(detail::role_tag_for_group("hypervisors"));
}

TEST_CASE("ansible ini: refusals with file:line and a reason", "[inventory][ansible_ini]") {
  struct Case {
    const char* what;
    std::string text;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {"malformed header", "[web]\nw1\n[web\nw2\n",
       "hosts.ini:3: malformed section header '[web': expected [group], [group:vars] or [group:children]\n"},
      {"unknown section type", "[web]\nw1\n[web:hostvars]\nx=1\n",
       "hosts.ini:3: unknown section type 'hostvars' in '[web:hostvars]': expected vars or children\n"},
      {"bad group name", "[web]\nw1\n[we b]\n",
       "hosts.ini:3: group name 'we b' must not contain spaces, commas or colons in '[we b]'\n"},
      {"vars line without '='", "[web]\nw1\n[web:vars]\nnovalue\n",
       "hosts.ini:4: [web:vars]: expected key=value, got 'novalue'\n"},
      {"host variable without '='", "[web]\nw1 foo\n", "hosts.ini:2: host 'w1': expected key=value, got 'foo'\n"},
      {"bad ansible_port", "[web]\nw1\nw2 ansible_port=99999\n",
       "hosts.ini:3: host 'w2': ansible_port must be a number from 1 to 65535, got '99999'\n"},
      {"bad port in group vars", "[web]\nw1\n[web:vars]\nansible_port=ssh\n",
       "hosts.ini:4: [web:vars]: ansible_port must be a number from 1 to 65535, got 'ssh'\n"},
      {"bad name:port", "[web]\nw1\nw2:abc\n",
       "hosts.ini:3: host 'w2:abc': port must be a number from 1 to 65535, got 'abc'\n"},
      {"bad range", "[web]\nw1\nweb[3:1]\n", "hosts.ini:3: bad host range in 'web[3:1]': start 3 is after end 1\n"},
      {"unterminated quote", "[web]\nw1\nw2 note=\"open\n", "hosts.ini:3: unterminated double quote\n"},
      {"variable without a host", "[web]\nw1\nansible_host=1.2.3.4\n",
       "hosts.ini:3: expected a host name before 'ansible_host=1.2.3.4'\n"},
      {"empty ansible_host", "[web]\nw1 ansible_host=\"\"\n",
       "hosts.ini:2: host 'w1': ansible_host must not be empty\n"},
      {"bad tag", "[web]\nw1 fleetaudit_tags=a:b\n",
       "hosts.ini:2: host 'w1': fleetaudit_tags: tag 'a:b' must not contain spaces, commas or colons\n"},
      {"all as a child", "[web]\nw1\n[web:children]\nall\n",
       "hosts.ini:4: [web:children]: 'all' cannot be a child group\n"},
      {"two names on a children line", "[web]\nw1\n[web:children]\na b\n",
       "hosts.ini:4: [web:children]: expected one group name per line, got 'a b'\n"},
      {"a cycle", "[a:children]\nb\n[b:children]\nc\n[c:children]\na\n",
       "hosts.ini:6: group 'c': children form a cycle: a -> b -> c -> a\n"},
      {"lines under a bad header are not read", "[web]\nw1\n[web:bogus]\nnot read at all\n[db]\nd1 x\n",
       "hosts.ini:3: unknown section type 'bogus' in '[web:bogus]': expected vars or children\n"
       "hosts.ini:6: host 'd1': expected key=value, got 'x'\n"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    auto r = parse_with(c.text, "hosts.ini");
    CHECK(all_diagnostics(r) == c.expect);
  }
}

TEST_CASE("ansible ini: a large range stays fast", "[inventory][ansible_ini]") {
  auto r = parse_with("[web]\nweb[00001:20000].example.com\n[web:vars]\ntier=web\n", "hosts.ini");
  REQUIRE(r.ok());
  REQUIRE(r.inventory.hosts.size() == 20000);
  CHECK(r.inventory.hosts.back().name == "web20000.example.com");
  CHECK(r.inventory.hosts.back().vars.at("tier") == "web");
  CHECK(r.inventory.select("web").size() == 20000);
  CHECK(r.inventory.select("web1234*").size() == 10);  // web12340 to web12349
}

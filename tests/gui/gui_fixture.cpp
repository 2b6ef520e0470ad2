#include "gui_fixture.hpp"

#include <map>
#include <stdexcept>

#include "fleetaudit/scan.hpp"
#include "fleetaudit/store.hpp"
#include "support/fixture_tree.hpp"

namespace fleetaudit::testing {

const ContentSet& repository_content() {
  static const ContentSet content = [] {
    auto r = ContentSet::load(source_dir());
    if (!r.ok()) throw std::runtime_error("content: " + r.diagnostics.front().str());
    return std::move(r.content);
  }();
  return content;
}

GuiFixtureStore make_gui_fixture_store(const std::filesystem::path& dir, const ContentSet& content) {
  GuiFixtureStore out;
  out.db = dir / "fleet.db";
  std::map<std::string, std::filesystem::path> roots;
  auto root = [&](const std::string& fixture) {
    auto it = roots.find(fixture);
    if (it != roots.end()) return it->second;
    auto p = dir / "roots" / fixture;
    materialize_fixture(fixture, p);
    return roots[fixture] = p;
  };
  // host name -> fixture, per scan; "" is a host whose root is gone (a collection error).
  using Fleet = std::vector<std::pair<std::string, std::string>>;
  const Fleet week0 = {{"web-01", "ssh-fail"},        {"web-02", "ssh-pass"},     {"db-01", "permissions-fail"},
                       {"hv-01", "fleet-hypervisor-stale"}, {"edge-01", "edge-fail"}, {"k8s-01", "k8s-node-fail"},
                       {"base-01", "debian12-base"},  {"kern-01", "kernel-fail"}, {"svc-01", "services-fail"}};
  Fleet week1 = week0;
  week1[7] = {"kern-01", "kernel-pass"};
  week1.push_back({"lost-01", ""});
  Fleet week2 = week1;
  week2[0] = {"web-01", "ssh-pass"};
  week2[8] = {"svc-01", "services-pass"};
  week2.push_back({"audit-01", "audit-fail"});
  week2.push_back({"net-01", "network-fail"});
  week2.push_back({"ctr-01", "containers-mixed"});  // Docker, podman and containerd containers
  const std::pair<const Fleet*, const char*> scans[] = {
      {&week0, "2026-11-07T09:00:00Z"}, {&week1, "2026-11-14T09:00:00Z"}, {&week2, "2026-11-21T09:00:00Z"}};
  auto st = Store::open(out.db);
  if (!st) throw std::runtime_error(st.error().message);
  for (const auto& [fleet, when] : scans) {
    ScanRequest req;
    req.profile = "cis-debian-12";
    req.parallel = 2;
    for (const auto& [name, fixture] : *fleet) {
      Target t;
      t.kind = Target::Kind::root_dir;
      t.name = name;
      t.root = fixture.empty() ? dir / "roots" / "gone" : root(fixture);
      if (!fixture.empty()) t.tags = fixture_tags(fixture);
      if (name.rfind("web-", 0) == 0) t.tags.push_back("web");
      if (name.rfind("db-", 0) == 0) t.tags.push_back("database");
      req.targets.push_back(std::move(t));
    }
    auto report = run_scan(content, req);
    if (!report) throw std::runtime_error("fixture scan: " + report.error().message);
    report->scan.started_at = when;
    report->scan.finished_at = when;
    for (auto& h : report->hosts) h.collected_at = when;
    auto id = st->save(*report);
    if (!id) throw std::runtime_error("fixture store: " + id.error().message);
    out.scans.push_back(*id);
    out.latest_hosts.clear();
    for (const auto& h : report->hosts) out.latest_hosts.push_back(h.host);
  }
  return out;
}

std::int64_t make_container_host_store(const std::filesystem::path& dir, const ContentSet& content) {
  const auto root = dir / "roots" / "ctr-01";
  materialize_fixture("containers-mixed", root);
  ScanRequest req;
  req.profile = "nist-800-190";
  req.fleet_facts = true;
  Target t;
  t.kind = Target::Kind::root_dir;
  t.name = "ctr-01";
  t.root = root;
  t.tags = fixture_tags("containers-mixed");
  req.targets.push_back(std::move(t));
  auto report = run_scan(content, req);
  if (!report) throw std::runtime_error("container host scan: " + report.error().message);
  auto st = Store::open(dir / "fleet.db");
  if (!st) throw std::runtime_error(st.error().message);
  auto id = st->save(*report);
  if (!id) throw std::runtime_error("container host store: " + id.error().message);
  return *id;
}

}  // namespace fleetaudit::testing

// diff_host: what changed on one host between two scans.

#include <catch2/catch.hpp>

#include "fleetaudit/diff.hpp"

using namespace fleetaudit;

namespace {
CheckResult result(const std::string& id, ResultKind k, const std::string& subject = "") {
  CheckResult r;
  r.check_id = id;
  r.section = "1.1";
  r.title = id;
  r.severity = Severity::high;
  r.result = k;
  r.subject = subject;
  r.evidence = k == ResultKind::fail ? id + " is wrong" : "";
  return r;
}
}  // namespace

TEST_CASE("diff_host: new failures, fixes, waivers and versions, matched by check and subject", "[diff]") {
  HostReport a, b;
  a.host = b.host = "web-1";
  a.results = {result("c.pass-then-fail", ResultKind::pass),   result("c.fail-then-pass", ResultKind::fail),
               result("c.fail-both", ResultKind::fail),        result("c.fail-then-waived", ResultKind::fail),
               result("c.sub", ResultKind::pass, "app (1)"),   result("c.sub", ResultKind::fail, "db (2)"),
               result("c.error-then-fail", ResultKind::error), result("c.fail-then-gone", ResultKind::fail)};
  b.results = {result("c.pass-then-fail", ResultKind::fail),  result("c.fail-then-pass", ResultKind::pass),
               result("c.fail-both", ResultKind::fail),       result("c.fail-then-waived", ResultKind::waived),
               result("c.sub", ResultKind::fail, "app (1)"),  result("c.sub", ResultKind::not_applicable, "db (2)"),
               result("c.error-then-fail", ResultKind::fail), result("c.new-check", ResultKind::fail)};
  a.summary = summarize(a.results);
  b.summary = summarize(b.results);
  HostProfile pa, pb;
  pa.components = {{"kernel", "6.1.0-25-amd64"}, {"qemu", "1:7.2+dfsg-7+deb12u6"}, {"runc", "1.1.5"}};
  pb.components = {{"kernel", "6.1.0-28-amd64"}, {"qemu", "1:7.2+dfsg-7+deb12u6"}, {"crun", "1.8"}};
  pa.risk = 40;
  pb.risk = 10;
  a.profile = pa;
  b.profile = pb;

  HostDiff d = diff_host(&a, &b);
  std::vector<std::string> news, fixes;
  for (const auto& r : d.new_failures) news.push_back(r.check_id + (r.subject.empty() ? "" : "/" + r.subject));
  for (const auto& r : d.fixed) fixes.push_back(r.check_id + (r.subject.empty() ? "" : "/" + r.subject));
  CHECK(news == std::vector<std::string>{"c.error-then-fail", "c.new-check", "c.pass-then-fail", "c.sub/app (1)"});
  // A check no longer in B is not called fixed: only B's results say so.
  CHECK(fixes == std::vector<std::string>{"c.fail-then-pass", "c.sub/db (2)"});
  REQUIRE(d.newly_waived.size() == 1);
  CHECK(d.newly_waived[0].check_id == "c.fail-then-waived");
  CHECK(d.still_failing == 1);
  CHECK(d.fixed[1].result == ResultKind::not_applicable);
  REQUIRE(d.versions.size() == 3);
  CHECK(d.versions[0].component == "crun");
  CHECK(d.versions[0].before.empty());
  CHECK(d.versions[1].component == "kernel");
  CHECK(d.versions[1].after == "6.1.0-28-amd64");
  CHECK(d.versions[2].component == "runc");
  CHECK(d.versions[2].after.empty());
  CHECK(d.risk_before == 40);
  CHECK(d.risk_after == 10);
  CHECK(d.changed());

  HostDiff same = diff_host(&a, &a);
  CHECK(!same.changed());
  CHECK(same.still_failing == 5);

  HostDiff gone = diff_host(&a, nullptr);
  CHECK(gone.in_before);
  CHECK(!gone.in_after);
  CHECK(gone.new_failures.empty());
  CHECK(gone.fixed.empty());  // a host that was not scanned fixed nothing
  HostDiff fresh = diff_host(nullptr, &b);
  CHECK(fresh.new_failures.size() == 5);

  ScanDiff total;
  add_host_diff(total, d);
  add_host_diff(total, same);
  add_host_diff(total, gone);
  CHECK(total.hosts.size() == 2);  // the unchanged host is left out
  CHECK(total.new_failures == 4);
  CHECK(total.hosts_removed == 1);
  CHECK(total.version_changes == 3);
  std::string table = format_diff_table(total);
  CHECK(table.find("+ fail   c.sub [app (1)]") != std::string::npos);
  CHECK(table.find("~ kernel  6.1.0-25-amd64 -> 6.1.0-28-amd64") != std::string::npos);
  CHECK(table.find("(not in scan") != std::string::npos);
}

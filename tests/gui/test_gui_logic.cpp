// View logic and models of the dashboard: filters, heat map colours, risk
// ranking, diffs, export; every model under QAbstractItemModelTester.

#include <catch2/catch.hpp>

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include "export.hpp"
#include "fleet_data.hpp"
#include "fleetaudit/store.hpp"
#include "gui_fixture.hpp"
#include "support/fixture_tree.hpp"
#include "models.hpp"
#include "view_logic.hpp"

using namespace fleetaudit;
using namespace fleetaudit::gui;

namespace {

HostRow row(const std::string& name, std::vector<std::string> tags, const std::string& state, double score,
            std::array<int, 5> fails = {0, 0, 0, 0, 0}, const std::string& kernel = "") {
  HostSummary s;
  static std::int64_t id = 0;
  s.host_id = ++id;
  s.name = name;
  s.tags = std::move(tags);
  s.state = state;
  s.summary.score = score;
  for (int i = 0; i < 5; ++i) {
    s.summary.fail_by_severity[i] = fails[static_cast<std::size_t>(i)];
    s.summary.fail += fails[static_cast<std::size_t>(i)];
  }
  HostProfile p;
  p.host = name;
  p.kernel_release = kernel;
  return make_host_row(std::move(s), kernel.empty() ? nullptr : &p);
}

std::vector<HostRow> sample_rows() {
  // Failures by severity: {info, low, medium, high, critical}.
  return {row("web-01", {"web", "edge"}, "ok", 62.5, {0, 1, 2, 3, 0}, "6.1.0-25-amd64"),
          row("web-02", {"web"}, "ok", 97.0, {0, 0, 1, 0, 0}, "6.1.0-25-amd64"),
          row("hv-01", {"hypervisor"}, "ok", 40.0, {0, 0, 5, 2, 0}, "5.10.0-30-amd64"),
          row("db-01", {"database"}, "partial", 80.0, {0, 0, 0, 2, 0}, "6.1.0-21-amd64"),
          row("lost-01", {}, "collection-error", 100.0)};
}

QStringList accepted(const std::vector<HostRow>& rows, const QString& text, QString* error = nullptr) {
  HostFilter f;
  bool ok = f.set_text(text, error);
  QStringList out;
  for (const auto& r : rows)
    if (f.matches(r)) out << r.name;
  if (!ok) out << QStringLiteral("<error>");
  return out;
}

HostProfile profile(const std::string& name, int risk, int security = 0, bool outdated = false) {
  HostProfile p;
  p.host = name;
  p.risk = risk;
  p.pending_security = security;
  p.kernel_outdated = outdated;
  return p;
}

}  // namespace

TEST_CASE("gui: host rows split role tags from group tags and prepare the search text", "[gui][logic]") {
  auto r = row("Web-01", {"edge", "k8s-node", "web", "zone-a"}, "ok", 90, {}, "6.1.0-25-amd64");
  CHECK(r.role == QStringLiteral("edge, k8s-node"));
  CHECK(r.group == QStringLiteral("web, zone-a"));
  CHECK(r.haystack.contains(QStringLiteral("web-01")));
  CHECK(r.haystack.contains(QStringLiteral("6.1.0-25")));
  CHECK(r.worst_severity == -1);
  CHECK(row("x", {}, "ok", 1, {0, 1, 0, 2, 0}).worst_severity == static_cast<int>(Severity::high));
}

TEST_CASE("gui: the host filter matches words, facets, severities and score bounds", "[gui][logic]") {
  auto rows = sample_rows();
  CHECK(accepted(rows, {}).size() == 5);
  CHECK(accepted(rows, QStringLiteral("web")) == QStringList{"web-01", "web-02"});
  CHECK(accepted(rows, QStringLiteral("WEB 01")) == QStringList{"web-01"});            // every word, any case
  CHECK(accepted(rows, QStringLiteral("5.10")) == QStringList{"hv-01"});               // kernel text
  CHECK(accepted(rows, QStringLiteral("state:partial")) == QStringList{"db-01"});
  CHECK(accepted(rows, QStringLiteral("state:error")) == QStringList{"lost-01"});
  CHECK(accepted(rows, QStringLiteral("role:hyper")) == QStringList{"hv-01"});
  CHECK(accepted(rows, QStringLiteral("group:data")) == QStringList{"db-01"});
  CHECK(accepted(rows, QStringLiteral("kernel:6.1.0-25")) == QStringList{"web-01", "web-02"});
  CHECK(accepted(rows, QStringLiteral("sev:high")) == QStringList{"web-01", "hv-01", "db-01"});  // high or worse
  CHECK(accepted(rows, QStringLiteral("sev:medium")) == QStringList{"web-01", "web-02", "hv-01", "db-01"});
  CHECK(accepted(rows, QStringLiteral("score<70")) == QStringList{"web-01", "hv-01"});
  CHECK(accepted(rows, QStringLiteral("score>90")) == QStringList{"web-02", "lost-01"});
  CHECK(accepted(rows, QStringLiteral("web score>90")) == QStringList{"web-02"});
  CHECK(accepted(rows, QStringLiteral("nothing-like-this")).isEmpty());
  QString error;
  CHECK(accepted(rows, QStringLiteral("sev:urgent"), &error).contains(QStringLiteral("<error>")));
  CHECK(error.contains(QStringLiteral("urgent")));
  CHECK(accepted(rows, QStringLiteral("score<abc"), &error).contains(QStringLiteral("<error>")));
  CHECK(error.contains(QStringLiteral("not a number")));

  HostFilter facets;
  facets.set_role(QStringLiteral("edge"));
  CHECK(facets.matches(rows[0]));
  CHECK(!facets.matches(rows[1]));
  facets.set_role({});
  facets.set_state(QStringLiteral("ok"));
  facets.set_min_severity(static_cast<int>(Severity::medium));
  CHECK(facets.matches(rows[1]));
  CHECK(!facets.matches(rows[3]));  // partial
  CHECK(!facets.matches(rows[4]));
}

TEST_CASE("gui: heat map colours go from green through yellow to red with the failing share", "[gui][logic]") {
  CHECK(!heat_color(0, 0).isValid());  // nothing counted: no colour
  QColor none = heat_color(0, 10);
  CHECK(none.hue() > 90);   // green
  CHECK(none.hue() < 160);
  QColor all = heat_color(10, 10);
  CHECK((all.hue() <= 5 || all.hue() >= 355));  // red
  int last = 360;
  for (int f = 1; f <= 10; ++f) {
    QColor c = heat_color(f, 10);
    INFO(f);
    CHECK(c.hue() <= 60);   // never green once something fails
    CHECK(c.hue() <= last); // redder as more fails
    last = c.hue();
  }
  CHECK(heat_color(1, 1000).hue() > heat_color(999, 1000).hue());
  // Text stays readable on every cell.
  CHECK(contrast_text(QColor(Qt::white)) == QColor(Qt::black));
  CHECK(contrast_text(QColor(0x20, 0x20, 0x20)) == QColor(Qt::white));
  CHECK(contrast_text(heat_color(1, 10)) == QColor(Qt::black));
}

TEST_CASE("gui: hosts rank by risk, then security updates, outdated kernels and name", "[gui][logic]") {
  std::vector<HostProfile> hosts = {profile("b", 40), profile("a", 40), profile("c", 75), profile("d", 40, 3),
                                    profile("e", 40, 0, true), profile("f", 0)};
  auto order = rank_by_risk(hosts);
  std::vector<std::string> names;
  for (auto i : order) names.push_back(hosts[i].host);
  CHECK(names == std::vector<std::string>{"c", "d", "e", "a", "b", "f"});

  HostProfile p = profile("x", 55);
  p.risk_contributions = {{"uptime", 10, "up 95 days"}, {"kernel-outdated", 25, "6.1.0-21 runs, 6.1.0-25 installed"},
                          {"security-updates", 20, "3 security updates pending"}};
  auto lines = explain_risk(p);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == QStringLiteral("+25 kernel-outdated: 6.1.0-21 runs, 6.1.0-25 installed"));
  CHECK(lines[2].startsWith(QStringLiteral("+10 uptime")));
}

TEST_CASE("gui: section groups sort as numbers", "[gui][logic]") {
  std::vector<std::string> s = {"10", "2", "1.10", "1.2", "5", "a", "1"};
  std::sort(s.begin(), s.end(), section_less);
  CHECK(s == std::vector<std::string>{"1", "1.2", "1.10", "2", "5", "10", "a"});
}

TEST_CASE("gui: scan diffs list changed, new and gone hosts and checks", "[gui][logic]") {
  auto h = [](const std::string& n, double score, int fail, const std::string& state = "ok") {
    HostSummary s;
    s.name = n;
    s.summary.score = score;
    s.summary.fail = fail;
    s.state = state;
    return s;
  };
  auto c = [](const std::string& id, int failing) {
    CheckSummary s;
    s.check_id = id;
    s.hosts_failing = failing;
    return s;
  };
  auto d = diff_rows({h("same", 90, 1), h("worse", 90, 1), h("gone", 50, 4), h("down", 80, 2)},
                     {h("same", 90, 1), h("worse", 70, 3), h("new", 100, 0), h("down", 80, 2, "unreachable")},
                     {c("a", 1), c("b", 2)}, {c("a", 1), c("b", 3), c("c", 1)});
  QStringList names;
  for (const auto& x : d.hosts) names << x.name;
  CHECK(names == QStringList{"worse", "new", "down", "gone"});
  CHECK(d.hosts[0].score_before == 90.0);
  CHECK(d.hosts[0].score_after == 70.0);
  CHECK(!d.hosts[1].score_before.has_value());
  CHECK(!d.hosts[3].score_after.has_value());
  REQUIRE(d.checks.size() == 2);
  CHECK(d.checks[0].check_id == QStringLiteral("b"));
  CHECK(d.checks[1].failing_before == 0);
  CHECK(d.checks[1].failing_after == 1);

  HostDiffModel m;
  QAbstractItemModelTester t(&m, QAbstractItemModelTester::FailureReportingMode::Fatal);
  m.set_rows(d.hosts);
  CHECK(m.rowCount() == 4);
  CHECK(m.index(0, HostDiffModel::Change).data().toString() == QStringLiteral("worse"));
  CHECK(m.index(0, HostDiffModel::Delta).data().toString() == QStringLiteral("-20.0"));
  CHECK(m.index(1, HostDiffModel::Change).data().toString() == QStringLiteral("new host"));
  CHECK(m.index(3, HostDiffModel::Change).data().toString() == QStringLiteral("gone"));
}

TEST_CASE("gui: the host model and its filter proxy pass the model tester through resets, profiles and filters", "[gui][models]") {
  HostTableModel model;
  QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
  HostFilterProxy proxy;
  proxy.setSourceModel(&model);
  QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
  proxy.sort(HostTableModel::Score, Qt::AscendingOrder);
  model.set_rows(sample_rows());
  REQUIRE(proxy.rowCount() == 5);
  CHECK(proxy.index(0, HostTableModel::Name).data().toString() == QStringLiteral("hv-01"));  // lowest score first
  CHECK(proxy.index(0, HostTableModel::Score).data().toString() == QStringLiteral("40.0"));
  CHECK(proxy.index(0, HostTableModel::Name).data(kHostRole).toString() == QStringLiteral("hv-01"));
  HostFilter f;
  f.set_text(QStringLiteral("web"));
  proxy.set_filter(f);
  CHECK(proxy.rowCount() == 2);
  CHECK(proxy.index(0, HostTableModel::Name).data().toString() == QStringLiteral("web-01"));
  f.set_text(QStringLiteral("sev:critical"));
  proxy.set_filter(f);
  CHECK(proxy.rowCount() == 0);
  f.set_text({});
  proxy.set_filter(f);
  proxy.sort(HostTableModel::Risk, Qt::DescendingOrder);
  HostProfile p = profile("db-01", 70);
  p.kernel_release = "6.1.0-99-amd64";
  p.uptime_days = 12.5;
  QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
  model.apply_profiles({p});
  CHECK(changed.count() == 1);
  CHECK(proxy.index(0, HostTableModel::Name).data().toString() == QStringLiteral("db-01"));
  CHECK(proxy.index(0, HostTableModel::Kernel).data().toString() == QStringLiteral("6.1.0-99-amd64"));
  CHECK(proxy.index(0, HostTableModel::Uptime).data().toString() == QStringLiteral("12.5"));
  f.set_text(QStringLiteral("6.1.0-99"));  // the profile reached the search text too
  proxy.set_filter(f);
  CHECK(proxy.rowCount() == 1);
  // Every column sorts both ways without breaking the proxy.
  for (int c = 0; c < HostTableModel::ColumnCount; ++c) {
    proxy.sort(c, Qt::AscendingOrder);
    proxy.sort(c, Qt::DescendingOrder);
  }
  model.set_rows({});
  CHECK(proxy.rowCount() == 0);
}

TEST_CASE("gui: the heat map orders hosts worst first and colours cells by failing share", "[gui][models]") {
  auto rows = sample_rows();
  std::vector<SectionCell> cells = {
      {rows[0].summary.host_id, "1", 1, 10}, {rows[0].summary.host_id, "5", 5, 10},
      {rows[2].summary.host_id, "1", 10, 10}, {rows[2].summary.host_id, "5", 10, 10},
      {rows[1].summary.host_id, "1", 0, 10},  {rows[1].summary.host_id, "5", 0, 4},
  };
  HeatmapModel m;
  QAbstractItemModelTester t(&m, QAbstractItemModelTester::FailureReportingMode::Fatal);
  m.set_data(rows, cells, {"1", "5"});
  REQUIRE(m.rowCount() == 5);
  REQUIRE(m.columnCount() == 2);
  CHECK(m.headerData(0, Qt::Vertical, Qt::DisplayRole).toString() == QStringLiteral("hv-01"));   // everything fails
  CHECK(m.headerData(1, Qt::Vertical, Qt::DisplayRole).toString() == QStringLiteral("web-01"));  // 6 of 20
  CHECK(m.headerData(1, Qt::Horizontal, Qt::DisplayRole).toString() == QStringLiteral("5"));
  auto bg = [&](int r, int c) { return m.index(r, c).data(Qt::BackgroundRole).value<QBrush>().color(); };
  CHECK(bg(0, 0) == heat_color(10, 10));
  CHECK(bg(1, 1) == heat_color(5, 10));
  CHECK(m.index(1, 1).data().toInt() == 5);
  CHECK(m.index(1, 1).data(kSectionRole).toString() == QStringLiteral("5"));
  CHECK(m.index(1, 1).data(kHostRole).toString() == QStringLiteral("web-01"));
  CHECK(m.index(1, 1).data(Qt::ToolTipRole).toString().contains(QStringLiteral("5 of 10")));
  // A host with nothing counted in a section has an empty, uncoloured cell.
  int lost = -1;
  for (int r = 0; r < m.rowCount(); ++r)
    if (m.headerData(r, Qt::Vertical, Qt::DisplayRole).toString() == QStringLiteral("lost-01")) lost = r;
  REQUIRE(lost >= 0);
  CHECK(!m.index(lost, 0).data().isValid());
  CHECK(!m.index(lost, 0).data(Qt::BackgroundRole).isValid());
}

TEST_CASE("gui: checks, results, risk, uniformity and history models pass the model tester", "[gui][models]") {
  CheckTableModel checks;
  QAbstractItemModelTester t1(&checks, QAbstractItemModelTester::FailureReportingMode::Fatal);
  CheckSummary c;
  c.check_id = "ssh.server.root-login-disabled";
  c.section = "5.1.20";
  c.title = "root login";
  c.severity = Severity::high;
  c.fail = 3;
  c.hosts_failing = 2;
  checks.set_rows({c, CheckSummary{}});
  CHECK(checks.index(0, CheckTableModel::Severity_).data().toString() == QStringLiteral("high"));
  CHECK(checks.index(0, CheckTableModel::HostsFailing).data().toInt() == 2);
  CHECK(checks.index(0, 0).data(kCheckRole).toString() == QStringLiteral("ssh.server.root-login-disabled"));

  ResultTableModel results;
  QAbstractItemModelTester t2(&results, QAbstractItemModelTester::FailureReportingMode::Fatal);
  ResultFilterProxy rp;
  rp.setSourceModel(&results);
  QAbstractItemModelTester t3(&rp, QAbstractItemModelTester::FailureReportingMode::Fatal);
  HostReport h;
  h.host = "web-01";
  auto res = [](std::string id, std::string sec, ResultKind k, std::string ev) {
    CheckResult r;
    r.check_id = std::move(id);
    r.section = std::move(sec);
    r.result = k;
    r.evidence = std::move(ev);
    r.title = "title of " + r.check_id;
    return r;
  };
  h.results = {res("ssh.a", "5.1.1", ResultKind::fail, "/etc/ssh/sshd_config:3: PermitRootLogin yes\nsecond line"),
               res("ssh.b", "5.1.2", ResultKind::pass, "ok"), res("fs.c", "1.1.2", ResultKind::error, "cannot read /etc/fstab"),
               res("fs.d", "1.10", ResultKind::waived, "accepted"), res("x.e", "51.1", ResultKind::fail, "")};
  results.set_host(h);
  CHECK(rp.rowCount() == 5);
  CHECK(results.index(0, ResultTableModel::Evidence).data().toString() == QStringLiteral("/etc/ssh/sshd_config:3: PermitRootLogin yes …"));
  rp.set_section(QStringLiteral("5"));  // 5 and 5.x, not 51
  CHECK(rp.rowCount() == 2);
  rp.set_section(QStringLiteral("1"));
  CHECK(rp.rowCount() == 2);
  rp.set_section({});
  rp.set_problems_only(true);
  CHECK(rp.rowCount() == 4);
  rp.set_search(QStringLiteral("fstab"));
  CHECK(rp.rowCount() == 1);
  rp.set_search(QStringLiteral("PERMITROOT"));
  CHECK(rp.rowCount() == 1);
  rp.set_problems_only(false);
  rp.set_search(QStringLiteral("pass"));
  CHECK(rp.rowCount() == 1);

  RiskModel risk;
  QAbstractItemModelTester t4(&risk, QAbstractItemModelTester::FailureReportingMode::Fatal);
  HostProfile a = profile("a", 10), b = profile("b", 80, 2, true);
  b.kernel_release = "6.1.0-21-amd64";
  b.risk_contributions = {{"kernel-outdated", 25, "newer kernel installed"}, {"security-updates", 55, "2 pending"}};
  risk.set_profiles({a, b});
  CHECK(risk.index(0, RiskModel::Host).data().toString() == QStringLiteral("b"));
  CHECK(risk.index(0, RiskModel::Kernel).data().toString() == QStringLiteral("6.1.0-21-amd64 (newer installed)"));
  CHECK(risk.index(0, RiskModel::Contributions).data().toString() == QStringLiteral("kernel-outdated +25, security-updates +55"));
  CHECK(risk.index(0, RiskModel::Contributions).data(Qt::ToolTipRole).toString().startsWith(QStringLiteral("+55 security-updates")));

  UniformityModel uni;
  QAbstractItemModelTester t5(&uni, QAbstractItemModelTester::FailureReportingMode::Fatal);
  Uniformity u;
  u.component = "kernel";
  u.group = "fleet";
  u.hosts = {{"6.1.0-25", {"a", "b", "c"}}, {"5.10", {"d"}}};
  u.majority = "6.1.0-25";
  u.drifting = {"d"};
  u.score = 75;
  uni.set_rows({u});
  CHECK(uni.index(0, UniformityModel::Versions).data().toInt() == 2);
  CHECK(uni.index(0, UniformityModel::OnMajority).data().toString() == QStringLiteral("75.0%"));

  ScanHistoryModel hist;
  QAbstractItemModelTester t6(&hist, QAbstractItemModelTester::FailureReportingMode::Fatal);
  ScanRecord r;
  r.info.id = 7;
  r.summary.score = 81.25;
  hist.set_rows({r});
  CHECK(hist.index(0, ScanHistoryModel::Score).data().toString() == QStringLiteral("81.3"));
  CHECK(hist.index(0, ScanHistoryModel::Profile).data().toString() == QStringLiteral("all checks"));

  TextFilterProxy tp;
  tp.setSourceModel(&checks);
  QAbstractItemModelTester t7(&tp, QAbstractItemModelTester::FailureReportingMode::Fatal);
  tp.setFilterFixedString(QStringLiteral("ROOT LOGIN"));
  CHECK(tp.rowCount() == 1);
}

TEST_CASE("gui: export writes what the view shows as CSV and HTML, escaped", "[gui][export]") {
  CheckTableModel m;
  CheckSummary a;
  a.check_id = "=cmd|' /C calc'!A0";
  a.title = "quotes \" and, commas";
  a.section = "-1";
  CheckSummary b;
  b.check_id = "x";
  b.title = "<script>alert(1)</script>\nline";
  m.set_rows({a, b});
  QString csv = model_to_csv(m);
  QStringList lines = csv.split(QStringLiteral("\r\n"));
  CHECK(lines[0] == QStringLiteral("Section,Check,Title,Severity,Hosts failing,Fail,Error,Waived,Pass"));
  CHECK(lines[1].startsWith(QStringLiteral("-1,'=cmd|' /C calc'!A0,\"quotes \"\" and, commas\",medium,0,0,0,0,0")));
  CHECK(csv.contains(QStringLiteral("\"<script>alert(1)</script>\nline\"")));
  QString html = model_to_html(m, QStringLiteral("Checks <all>"), QStringLiteral("store & scan"));
  CHECK(html.contains(QStringLiteral("<title>Checks &lt;all&gt;</title>")));
  CHECK(html.contains(QStringLiteral("store &amp; scan")));
  CHECK(html.contains(QStringLiteral("&lt;script&gt;alert(1)&lt;/script&gt;")));
  CHECK(!html.contains(QStringLiteral("<script>")));
  CHECK(html.contains(QStringLiteral("<p>2 rows</p>")));
}

TEST_CASE("gui: the container model shows a scanned container host's containers, sortable, with fleet lag once analysed", "[gui][models]") {
  // A container host scanned through the library into a real store, with
  // fleet facts (the default): its stored profile carries the containers.
  namespace ft = fleetaudit::testing;
  ft::TempDir dir;
  const std::int64_t id = ft::make_container_host_store(dir.path(), ft::repository_content());
  auto st = Store::open(dir.path() / "fleet.db", Store::Mode::read_only);
  REQUIRE(st);
  auto host = st->load_host(id, "ctr-01");
  REQUIRE(host);
  REQUIRE(host->profile);

  ContainerTableModel m;
  QAbstractItemModelTester t1(&m, QAbstractItemModelTester::FailureReportingMode::Fatal);
  TextFilterProxy proxy;
  proxy.setSourceModel(&m);
  QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
  m.set_containers(host->profile->containers, false);
  REQUIRE(m.rowCount() == 6);
  auto cell = [&](int r, int c) { return m.index(r, c).data().toString(); };
  std::vector<QString> names;
  for (int r = 0; r < m.rowCount(); ++r) names.push_back(cell(r, ContainerTableModel::Runtime) + QLatin1Char(' ') + cell(r, ContainerTableModel::Name));
  CHECK(names == std::vector<QString>{QStringLiteral("containerd metrics-7d9f/exporter"), QStringLiteral("docker cache"), QStringLiteral("docker job"),
                                      QStringLiteral("docker web"), QStringLiteral("docker web-new"), QStringLiteral("podman api")});
  const int web = 3, cache = 1, job = 2, fresh = 4;
  CHECK(cell(web, ContainerTableModel::Image) == QStringLiteral("nginx:1.25"));
  CHECK(cell(web, ContainerTableModel::State) == QStringLiteral("running"));
  CHECK(cell(web, ContainerTableModel::Outdated) == QStringLiteral("yes"));
  CHECK(cell(fresh, ContainerTableModel::Outdated) == QStringLiteral("no"));
  CHECK(cell(web, ContainerTableModel::Os) == QStringLiteral("debian 12"));
  CHECK(cell(cache, ContainerTableModel::Os) == QStringLiteral("alpine 3.19.1"));
  CHECK(cell(job, ContainerTableModel::State) == QStringLiteral("exited"));
  CHECK(m.index(web, ContainerTableModel::ImageAge).data().toInt() == 173);
  // Behind the host's apt lists: libssl3 and libc6, libssl3 a security update.
  const auto& wc = host->profile->containers[static_cast<std::size_t>(web)];
  REQUIRE(wc.host_lists);
  REQUIRE(wc.behind_host_security > 0);
  CHECK(cell(web, ContainerTableModel::Behind) == QStringLiteral("%1 (%2 security)").arg(wc.behind_host_total).arg(wc.behind_host_security));
  CHECK(m.index(web, ContainerTableModel::Behind).data(Qt::ToolTipRole).toString().contains(QStringLiteral("libssl3 3.0.11-1~deb12u2 → 3.0.15-1~deb12u1 [security]")));
  CHECK(cell(fresh, ContainerTableModel::Behind) == QStringLiteral("0"));
  CHECK(cell(cache, ContainerTableModel::Behind) == QStringLiteral("–"));  // Alpine: not the host's lists
  CHECK(m.index(web, ContainerTableModel::Image).data(Qt::ToolTipRole).toString().contains(QStringLiteral("recreate")));
  // Fleet lag is not known from a single stored profile.
  CHECK(cell(web, ContainerTableModel::FleetLag) == QStringLiteral("–"));

  // Sorted by numbers: most behind (security first) on top, unknown last.
  proxy.sort(ContainerTableModel::Behind, Qt::DescendingOrder);
  CHECK(proxy.index(0, ContainerTableModel::Name).data().toString() == QStringLiteral("web"));
  CHECK(proxy.index(5, ContainerTableModel::Behind).data().toString() == QStringLiteral("–"));
  proxy.sort(ContainerTableModel::ImageAge, Qt::DescendingOrder);
  CHECK(proxy.index(0, ContainerTableModel::ImageAge).data().toInt() >= proxy.index(1, ContainerTableModel::ImageAge).data().toInt());
  proxy.setFilterFixedString(QStringLiteral("podman"));
  CHECK(proxy.rowCount() == 1);
  proxy.setFilterFixedString(QString());

  // With the fleet analysis of the scan: each container's fleet lag.
  auto profiles = st->profiles(id);
  REQUIRE(profiles);
  FleetAnalysis a = analyze_fleet(*profiles);
  REQUIRE(a.hosts.size() == 1);
  m.set_containers(a.hosts[0].containers, true);
  REQUIRE(m.rowCount() == 6);
  CHECK(a.hosts[0].containers[static_cast<std::size_t>(web)].behind_fleet_total > 0);  // web-new has newer packages
  for (int r = 0; r < m.rowCount(); ++r) CHECK(m.index(r, ContainerTableModel::FleetLag).data().toInt() == a.hosts[0].containers[static_cast<std::size_t>(r)].behind_fleet_total);
  m.clear();
  CHECK(m.rowCount() == 0);

  // The counts line.
  ContainerCounts n = count_containers(*host->profile);
  QString line = container_counts_text(&*host->profile);
  CHECK(line.startsWith(QStringLiteral("6 containers (%1 running): 1 on an outdated image, %2 behind in packages, security updates missing in %3")
                            .arg(n.running).arg(n.behind).arg(n.behind_security)));
  CHECK(line.contains(QStringLiteral("containerd 1, docker 4, podman 1.")));
  HostProfile bare;
  bare.host = "base-01";
  CHECK(container_counts_text(&bare) == QStringLiteral("No containers found on this host."));
  CHECK(container_counts_text(nullptr).startsWith(QStringLiteral("No host facts")));

  // Results about a container name it in the Subject column.
  ResultTableModel results;
  QAbstractItemModelTester t3(&results, QAbstractItemModelTester::FailureReportingMode::Fatal);
  results.set_host(*host);
  bool subject = false;
  for (int r = 0; r < results.rowCount(); ++r)
    subject |= results.index(r, ResultTableModel::Check).data().toString() == QStringLiteral("container.image.current") &&
               results.index(r, ResultTableModel::Subject).data().toString() == QStringLiteral("docker web (d4d4d4d4d4d4)") &&
               results.index(r, ResultTableModel::Result).data().toString() == QStringLiteral("fail");
  CHECK(subject);
}

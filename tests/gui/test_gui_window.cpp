// The real dashboard window on a real store (fixture hosts scanned through
// the library into a SQLite file), offscreen: loading off the GUI thread,
// filters, heat map drill-down, host detail, trends, scans from the GUI.

#include <catch2/catch.hpp>

#include <QAction>
#include <QApplication>
#include <QSettings>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QLegend>
#include <QClipboard>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>

#include "export.hpp"
#include "fleetaudit/store.hpp"
#include "gui_fixture.hpp"
#include "main_window.hpp"
#include "scan_dialog.hpp"
#include "support/fixture_tree.hpp"
#include "views.hpp"

using namespace fleetaudit;
using namespace fleetaudit::gui;
namespace ft = fleetaudit::testing;

namespace {

// Runs the event loop until `done` holds or `ms` pass.
template <class F>
bool wait_for(F done, int ms = 20000) {
  QElapsedTimer t;
  t.start();
  while (!done()) {
    if (t.elapsed() > ms) return false;
    QApplication::processEvents(QEventLoop::AllEvents, 20);
  }
  return true;
}

const ft::GuiFixtureStore& fixture() {
  static ft::TempDir dir;
  static const ft::GuiFixtureStore store = ft::make_gui_fixture_store(dir.path(), ft::repository_content());
  return store;
}

template <class T>
T* child(QObject* parent, const char* name) {
  T* w = parent->findChild<T*>(QString::fromLatin1(name));
  REQUIRE(w != nullptr);
  return w;
}

}  // namespace

TEST_CASE("gui window: a store loads off the GUI thread into every view", "[gui][window]") {
  const auto& fx = fixture();
  auto st = Store::open(fx.db, Store::Mode::read_only);
  REQUIRE(st);
  auto latest = st->latest_scan();
  REQUIRE(latest);
  REQUIRE(latest->has_value());
  auto profiles = st->profiles((*latest)->info.id);
  REQUIRE(profiles);

  WindowOptions o;
  o.use_settings = false;
  o.content_dir = ft::source_dir();
  MainWindow w(o);
  w.show();
  QSignalSpy s1(&w, &MainWindow::stage1_shown);
  w.open_store(QString::fromStdString(fx.db.string()));
  // open_store returns at once: the reads run in workers.
  CHECK(w.busy());
  REQUIRE(wait_for([&] { return w.loaded() && !w.busy(); }));
  CHECK(s1.count() == 1);
  CHECK(w.last_error().isEmpty());

  // Overview: the fleet score of the newest scan.
  auto* score = w.overview()->findChild<QLabel*>(QStringLiteral("fleetScore"));
  REQUIRE(score);
  CHECK(score->text() == QString::number((*latest)->summary.score, 'f', 1));

  // Hosts: every host of the newest scan; a keystroke filters at once.
  HostsView* hv = w.hosts_view();
  CHECK(hv->model().rowCount() == static_cast<int>(fx.latest_hosts.size()));
  hv->filter_edit()->setText(QStringLiteral("web"));
  CHECK(hv->proxy().rowCount() == 2);
  hv->filter_edit()->setText(QStringLiteral("state:collection"));
  REQUIRE(hv->proxy().rowCount() == 1);
  CHECK(hv->proxy().index(0, HostTableModel::Name).data().toString() == QStringLiteral("lost-01"));
  hv->filter_edit()->setText(QStringLiteral("role:hypervisor"));
  CHECK(hv->proxy().rowCount() == 1);
  // The export is what the table shows.
  QString csv = model_to_csv(*hv->export_model());
  CHECK(csv.count(QStringLiteral("\r\n")) == 2);
  CHECK(csv.contains(QStringLiteral("hv-01")));
  // File -> Export writes the same, as CSV and as HTML; an unwritable place is an error.
  ft::TempDir out;
  auto csv_file = QString::fromStdString((out.path() / "hosts.csv").string());
  auto html_file = QString::fromStdString((out.path() / "hosts.html").string());
  REQUIRE(w.export_view(1, csv_file, false));
  REQUIRE(w.export_view(1, html_file, true));
  {
    QFile f(csv_file);
    REQUIRE(f.open(QIODevice::ReadOnly));
    CHECK(QString::fromUtf8(f.readAll()) == csv);
    QFile h(html_file);
    REQUIRE(h.open(QIODevice::ReadOnly));
    QString page = QString::fromUtf8(h.readAll());
    CHECK(page.contains(QStringLiteral("<td>hv-01</td>")));
    CHECK(page.contains(QStringLiteral("<p>1 rows</p>")));
    CHECK(page.contains(QString::fromStdString(fx.db.string())));
  }
  CHECK(!w.export_view(1, QStringLiteral("/nonexistent-dir/hosts.csv"), false));
  CHECK(w.last_error().contains(QStringLiteral("/nonexistent-dir/hosts.csv: cannot write")));
  hv->filter_edit()->clear();
  CHECK(hv->proxy().rowCount() == hv->model().rowCount());
  // Kernel and risk came with the second stage.
  bool kernels = false;
  for (const auto& r : hv->model().rows()) kernels |= !r.kernel.isEmpty();
  CHECK(kernels);

  // Risk: every profiled host, ranked.
  auto* risk = qobject_cast<RiskView*>(w.view(5));
  REQUIRE(risk);
  CHECK(risk->model().rowCount() == static_cast<int>(profiles->size()));
  for (int r = 1; r < risk->model().rowCount(); ++r)
    CHECK(risk->model().index(r - 1, RiskModel::Risk).data().toInt() >= risk->model().index(r, RiskModel::Risk).data().toInt());

  // Heat map: a click on a cell opens that host's checks in that section.
  auto* heat = qobject_cast<HeatmapView*>(w.view(2));
  REQUIRE(heat);
  CHECK(heat->model().rowCount() == static_cast<int>(fx.latest_hosts.size()));
  REQUIRE(heat->model().columnCount() > 3);
  QModelIndex cell;
  for (int r = 0; r < heat->model().rowCount() && !cell.isValid(); ++r)
    for (int c = 0; c < heat->model().columnCount(); ++c)
      if (heat->model().index(r, c).data().toInt() > 0) {
        cell = heat->model().index(r, c);
        break;
      }
  REQUIRE(cell.isValid());
  const QString host = cell.data(kHostRole).toString();
  const QString section = cell.data(kSectionRole).toString();
  auto* table = heat->findChild<QTableView*>(QStringLiteral("heatmap"));
  REQUIRE(table);
  emit table->clicked(cell);
  auto* detail = qobject_cast<HostDetailView*>(w.view(3));
  REQUIRE(detail);
  CHECK(w.tabs()->currentWidget() == detail);
  REQUIRE(wait_for([&] { return !w.busy() && detail->current_host() == host; }));
  const QAbstractItemModel* results = detail->export_model();
  REQUIRE(results->rowCount() > 0);
  int failing = 0;
  for (int r = 0; r < results->rowCount(); ++r) {
    QString sec = results->index(r, ResultTableModel::Section).data().toString();
    CHECK((sec == section || sec.startsWith(section + QLatin1Char('.'))));
    failing += results->index(r, ResultTableModel::Result).data().toString() == QStringLiteral("fail");
  }
  CHECK(failing == cell.data().toInt());
  // The first failure is selected, with its evidence, rationale and remediation from the content.
  auto* text = detail->findChild<QTextBrowser*>();
  REQUIRE(text);
  QString shown = text->toPlainText();
  CHECK(shown.contains(QStringLiteral("Evidence")));
  CHECK(shown.contains(QStringLiteral("Rationale")));
  CHECK(shown.contains(QStringLiteral("Remediation")));
  CHECK(shown.contains(QStringLiteral("References")));
  detail->copy_remediation();
  CHECK(!QApplication::clipboard()->text().isEmpty());
  CHECK(shown.contains(QApplication::clipboard()->text().left(20)));

  // Trends: the diff of the two newest scans names the host that got better.
  auto* trends = qobject_cast<TrendsView*>(w.view(7));
  REQUIRE(trends);
  trends->compare_newest();
  REQUIRE(wait_for([&] { return !w.busy() && trends->export_model()->columnCount() == HostDiffModel::ColumnCount; }));
  bool web01 = false;
  for (int r = 0; r < trends->export_model()->rowCount(); ++r)
    if (trends->export_model()->index(r, HostDiffModel::Host).data().toString() == QStringLiteral("web-01")) {
      web01 = true;
      CHECK(trends->export_model()->index(r, HostDiffModel::Change).data().toString() == QStringLiteral("better"));
    }
  CHECK(web01);

  // The container host's containers, with their fleet lag from the scan's analysis.
  w.open_host(QStringLiteral("ctr-01"));
  REQUIRE(wait_for([&] { return !w.busy() && detail->current_host() == QStringLiteral("ctr-01"); }));
  const ContainerTableModel& containers = detail->container_model();
  REQUIRE(containers.rowCount() == 6);
  CHECK(containers.fleet_known());
  CHECK(detail->container_summary().startsWith(QStringLiteral("6 containers (5 running): 1 on an outdated image")));
  bool outdated_web = false;
  for (int r = 0; r < containers.rowCount(); ++r)
    outdated_web |= containers.index(r, ContainerTableModel::Name).data().toString() == QStringLiteral("web") &&
                    containers.index(r, ContainerTableModel::Outdated).data().toString() == QStringLiteral("yes");
  CHECK(outdated_web);
  // A host without containers says so and shows no table.
  w.open_host(QStringLiteral("web-02"));
  REQUIRE(wait_for([&] { return !w.busy() && detail->current_host() == QStringLiteral("web-02"); }));
  CHECK(detail->container_model().rowCount() == 0);
  CHECK(detail->container_summary() == QStringLiteral("No containers found on this host."));

  // A host the scan does not have: said so, in the detail view too.
  w.open_host(QStringLiteral("no-such-host"));
  REQUIRE(wait_for([&] { return !w.busy(); }));
  CHECK(w.last_error().contains(QStringLiteral("no host 'no-such-host'")));
  bool said = false;
  for (auto* l : detail->findChildren<QLabel*>()) said |= l->text().contains(QStringLiteral("no-such-host"));
  CHECK(said);
}

TEST_CASE("gui window: shortcuts are unique and switch views, and window state and the last store are kept", "[gui][window]") {
  const auto& fx = fixture();
  QSettings().clear();
  WindowOptions o;
  o.use_settings = true;
  o.content_dir = ft::source_dir();
  {
    MainWindow w(o);
    w.show();
    std::map<QString, QString> seen;
    for (QAction* a : w.findChildren<QAction*>()) {
      if (a->shortcut().isEmpty()) continue;
      QString key = a->shortcut().toString();
      auto [it, fresh] = seen.emplace(key, a->text());
      INFO(key.toStdString() << ": " << a->text().toStdString() << " and " << it->second.toStdString());
      CHECK(fresh);
    }
    for (const char* key : {"Ctrl+O", "Ctrl+N", "Ctrl+E", "Ctrl+Shift+E", "Ctrl+F", "F5", "Ctrl+Q", "Ctrl+1", "Ctrl+8"}) {
      INFO(key);
      CHECK(seen.count(QString::fromLatin1(key)) == 1);
    }
    for (QAction* a : w.findChildren<QAction*>())
      if (a->shortcut() == QKeySequence(QStringLiteral("Ctrl+3"))) a->trigger();
    CHECK(w.tabs()->currentIndex() == 2);
    w.open_store(QString::fromStdString(fx.db.string()));
    REQUIRE(wait_for([&] { return w.loaded() && !w.busy(); }));
    w.resize(1100, 700);
    w.close();
  }
  QSettings s;
  CHECK(s.value(QStringLiteral("store/last")).toString() == QString::fromStdString(fx.db.string()));
  CHECK(s.value(QStringLiteral("window/tab")).toInt() == 2);
  MainWindow again(o);
  CHECK(again.tabs()->currentIndex() == 2);
  CHECK(again.size() == QSize(1100, 700));
  QSettings().clear();
}

TEST_CASE("gui window: charts follow a palette change (light to dark and back)", "[gui][window]") {
  const auto& fx = fixture();
  WindowOptions o;
  o.use_settings = false;
  o.content_dir = ft::source_dir();
  MainWindow w(o);
  w.show();
  w.open_store(QString::fromStdString(fx.db.string()));
  REQUIRE(wait_for([&] { return w.loaded() && !w.busy(); }));
  auto charts = [&] {
    std::vector<QChart*> out;
    for (auto* v : w.findChildren<QChartView*>())
      if (v->chart()) out.push_back(v->chart());
    return out;
  };
  REQUIRE(charts().size() >= 4);  // donut, severities, uniformity, trends
  const QPalette light = QApplication::palette();
  QPalette dark = light;
  dark.setColor(QPalette::Window, QColor(0x20, 0x20, 0x20));
  dark.setColor(QPalette::Base, QColor(0x18, 0x18, 0x18));
  dark.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
  dark.setColor(QPalette::WindowText, QColor(0xee, 0xee, 0xee));
  QApplication::setPalette(dark);
  QApplication::processEvents();
  for (QChart* c : charts()) {
    CHECK(c->backgroundBrush().color() == QColor(0x18, 0x18, 0x18));
    CHECK(c->legend()->labelColor() == QColor(0xee, 0xee, 0xee));
  }
  QApplication::setPalette(light);
  QApplication::processEvents();
  for (QChart* c : charts()) CHECK(c->backgroundBrush().color() == light.color(QPalette::Base));
}

TEST_CASE("gui window: an unreadable store is an error message, not a crash", "[gui][window]") {
  ft::TempDir t;
  std::ofstream(t.path() / "junk.db") << "this is not a database";
  WindowOptions o;
  o.use_settings = false;
  o.content_dir = ft::source_dir();
  MainWindow w(o);
  w.open_store(QString::fromStdString((t.path() / "junk.db").string()));
  REQUIRE(wait_for([&] { return !w.busy(); }));
  CHECK(!w.last_error().isEmpty());
  CHECK(w.last_error().contains(QStringLiteral("junk.db")));
  w.open_store(QString::fromStdString((t.path() / "missing.db").string()));
  REQUIRE(wait_for([&] { return !w.busy(); }));
  CHECK(w.last_error().contains(QStringLiteral("missing.db")));
}

TEST_CASE("gui scan dialog: a scan runs in a worker with progress and lands in the store", "[gui][scan]") {
  ft::TempDir t;
  auto db = t.path() / "scans.db";
  ft::FixtureTree root("ssh-fail");
  auto content = std::make_shared<const ContentSet>(ft::repository_content());
  ScanDialog dlg(content, db);
  dlg.show();
  child<QRadioButton>(&dlg, "targetRoot")->setChecked(true);
  child<QLineEdit>(&dlg, "rootPath")->setText(QString::fromStdString(root.root().string()));
  auto* profile = child<QComboBox>(&dlg, "profile");
  profile->setCurrentIndex(profile->findData(QStringLiteral("cis-debian-12")));
  QSignalSpy stored(&dlg, &ScanDialog::scan_stored);
  child<QPushButton>(&dlg, "run")->click();
  CHECK(dlg.running());
  REQUIRE(wait_for([&] { return stored.count() == 1; }, 60000));
  auto* bar = child<QProgressBar>(&dlg, "progress");
  CHECK(bar->value() == bar->maximum());
  auto st = Store::open(db, Store::Mode::read_only);
  REQUIRE(st);
  auto latest = st->latest_scan();
  REQUIRE(latest);
  REQUIRE(latest->has_value());
  CHECK((*latest)->info.profile == "cis-debian-12");
  CHECK((*latest)->hosts == 1);
  CHECK((*latest)->summary.fail > 0);
  CHECK(stored.front().at(1).toLongLong() == (*latest)->info.id);

  // A broken inventory is refused with its problems by file and line.
  {
    std::ofstream bad(t.path() / "bad.yaml");
    bad << "hosts:\n  web-1: {port: seventy}\n";
  }
  child<QRadioButton>(&dlg, "targetInventory")->setChecked(true);
  child<QLineEdit>(&dlg, "inventoryPath")->setText(QString::fromStdString((t.path() / "bad.yaml").string()));
  child<QPushButton>(&dlg, "run")->click();
  CHECK(!dlg.running());
  CHECK(child<QLabel>(&dlg, "status")->text().contains(QStringLiteral("problem")));
  auto* log = dlg.findChild<QPlainTextEdit*>();
  REQUIRE(log);
  CHECK(log->toPlainText().contains(QStringLiteral("bad.yaml:2")));
  child<QRadioButton>(&dlg, "targetRoot")->setChecked(true);

  // A root that is not there is refused before anything runs.
  child<QLineEdit>(&dlg, "rootPath")->setText(QString::fromStdString((t.path() / "nope").string()));
  child<QPushButton>(&dlg, "run")->click();
  CHECK(!dlg.running());
  CHECK(child<QLabel>(&dlg, "status")->text().contains(QStringLiteral("not a directory")));
}

TEST_CASE("gui scan dialog: cancel stops a running inventory scan and keeps the hosts already done", "[gui][scan]") {
  ft::TempDir t;
  auto db = t.path() / "scans.db";
  // A loopback port that accepts connections and never answers: each host
  // there waits out the connect timeout, so the scan is still running when
  // Cancel is pressed. The first three hosts go to a closed port and fail at
  // once, which gives the first progress report.
  int silent = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(silent >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(silent, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(silent, 64) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(silent, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const int port = ntohs(addr.sin_port);
  {
    std::ofstream inv(t.path() / "inventory.yaml");
    inv << "hosts:\n";
    for (int i = 0; i < 3; ++i) inv << "  closed" << i << ": {address: 127.0.0.1, port: 9}\n";
    for (int i = 0; i < 40; ++i) inv << "  silent" << i << ": {address: 127.0.0.1, port: " << port << "}\n";
  }
  auto content = std::make_shared<const ContentSet>(ft::repository_content());
  ScanDialog dlg(content, db);
  dlg.show();
  child<QRadioButton>(&dlg, "targetInventory")->setChecked(true);
  child<QLineEdit>(&dlg, "inventoryPath")->setText(QString::fromStdString((t.path() / "inventory.yaml").string()));
  child<QSpinBox>(&dlg, "parallel")->setValue(1);
  child<QSpinBox>(&dlg, "connectTimeout")->setValue(2);
  QSignalSpy stored(&dlg, &ScanDialog::scan_stored);
  auto* bar = child<QProgressBar>(&dlg, "progress");
  child<QPushButton>(&dlg, "run")->click();
  REQUIRE(dlg.running());
  REQUIRE(wait_for([&] { return bar->value() >= 1; }));
  child<QPushButton>(&dlg, "cancel")->click();
  QElapsedTimer clock;
  clock.start();
  REQUIRE(wait_for([&] { return stored.count() == 1; }, 60000));
  ::close(silent);
  CHECK(clock.elapsed() < 10000);  // at most the host under way finishes
  CHECK(!dlg.running());
  auto st = Store::open(db, Store::Mode::read_only);
  REQUIRE(st);
  auto latest = st->latest_scan();
  REQUIRE(latest);
  REQUIRE(latest->has_value());
  CHECK((*latest)->status == "cancelled");
  // Every host is accounted for: the ones done with their outcome, the rest
  // marked as skipped by the cancel.
  auto hosts = st->hosts((*latest)->info.id);
  REQUIRE(hosts);
  CHECK(hosts->size() == 43);
  int skipped = 0, unreachable = 0;
  for (const auto& h : *hosts) {
    skipped += h.state == "cancelled";
    unreachable += h.name.rfind("closed", 0) == 0 && h.state != "ok" && h.state != "cancelled";
  }
  CHECK(unreachable == 3);
  CHECK(skipped >= 33);
}

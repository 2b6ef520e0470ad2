#include "main_window.hpp"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QElapsedTimer>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSaveFile>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QThread>
#include <QThreadPool>

#include "export.hpp"
#include "fleetaudit/content.hpp"
#include "fleetaudit/store.hpp"
#include "scan_dialog.hpp"
#include "views.hpp"

namespace fleetaudit::gui {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

const char* const kScreenshotNames[] = {"overview", "hosts", "heatmap", "host-detail", "uniformity", "risk", "checks", "trends"};

}  // namespace

template <class Work, class Done>
void MainWindow::run_async(Work work, Done done, bool always) {
  ++pending_;
  busy_bar_->show();
  const int gen = generation_;
  pool_.start([this, gen, always, work = std::move(work), done = std::move(done)]() mutable {
    using R = decltype(work());
    std::shared_ptr<R> result;
    try {
      result = std::make_shared<R>(work());
    } catch (const std::exception& e) {
      // Queued to the GUI thread like any answer; the work's own errors are values.
      QString what = QString::fromUtf8(e.what());
      QMetaObject::invokeMethod(this, [this, what] { show_error(tr("unexpected failure: %1").arg(what)); task_done(); },
                                Qt::QueuedConnection);
      return;
    }
    QMetaObject::invokeMethod(
        this,
        [this, gen, always, done, result]() mutable {
          if (always || gen == generation_) done(std::move(*result));
          task_done();
        },
        Qt::QueuedConnection);
  });
}

void MainWindow::task_done() {
  if (--pending_ > 0) return;
  busy_bar_->hide();
  emit idle();
}

MainWindow::MainWindow(WindowOptions options, QWidget* parent) : QMainWindow(parent), options_(std::move(options)) {
  // Checks, heat map cells and profiles are read side by side.
  pool_.setMaxThreadCount(std::max(3, QThread::idealThreadCount()));
  setWindowTitle(tr("fleetaudit"));
  tabs_ = new QTabWidget(this);
  tabs_->setDocumentMode(true);
  overview_ = new OverviewView(tabs_);
  hosts_ = new HostsView(tabs_);
  heatmap_ = new HeatmapView(tabs_);
  detail_ = new HostDetailView(tabs_);
  uniformity_ = new UniformityView(tabs_);
  risk_ = new RiskView(tabs_);
  checks_ = new ChecksView(tabs_);
  trends_ = new TrendsView(tabs_);
  for (View* v : {static_cast<View*>(overview_), static_cast<View*>(hosts_), static_cast<View*>(heatmap_), static_cast<View*>(detail_),
                  static_cast<View*>(uniformity_), static_cast<View*>(risk_), static_cast<View*>(checks_), static_cast<View*>(trends_)}) {
    tabs_->addTab(v, v->title());
    connect(v, &View::open_host, this, [this](const QString& h, const QString& s) { open_host(h, s); });
    connect(v, &View::status, this, [this](const QString& m) { statusBar()->showMessage(m, 5000); });
  }
  setCentralWidget(tabs_);
  store_label_ = new QLabel(tr("No store open"), this);
  statusBar()->addPermanentWidget(store_label_);
  busy_bar_ = new QProgressBar(this);
  busy_bar_->setRange(0, 0);
  busy_bar_->setMaximumWidth(120);
  busy_bar_->hide();
  statusBar()->addPermanentWidget(busy_bar_);

  connect(detail_, &HostDetailView::host_requested, this, [this](const QString& h) { open_host(h); });
  connect(checks_, &ChecksView::failing_hosts_requested, this, [this](const QString& id) {
    auto db = db_;
    auto scan = scan_id_;
    run_async(
        [db, scan, id]() -> Expected<std::vector<std::string>> {
          auto st = Store::open(db, Store::Mode::read_only);
          if (!st) return std::unexpected(st.error());
          return st->failing_hosts(scan, id.toStdString());
        },
              [this, id](Expected<std::vector<std::string>> r) {
                if (!r) return show_error(qs(r.error().message));
                checks_->set_failing_hosts(id, *r);
              });
  });
  connect(trends_, &TrendsView::diff_requested, this, [this](std::int64_t before, std::int64_t after) {
    auto db = db_;
    run_async([db, before, after] { return diff_scans(db, before, after); },
              [this](Expected<ScanDiff> r) {
                if (!r) return show_error(qs(r.error().message));
                trends_->set_diff(*r);
              });
  });

  build_menus();
  resize(1280, 800);
  if (options_.use_settings) {
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    tabs_->setCurrentIndex(s.value(QStringLiteral("window/tab"), 0).toInt());
    hosts_->table()->horizontalHeader()->restoreState(s.value(QStringLiteral("hosts/header")).toByteArray());
  }

  // Check content (rationale, remediation, references, profiles for scans): read once, off the GUI thread.
  auto dir = options_.content_dir;
  run_async(
      [dir]() -> Expected<std::shared_ptr<const ContentSet>> {
        auto loaded = load_content_dir(std::filesystem::path(dir));
        if (!loaded) return std::unexpected(loaded.error());
        return std::make_shared<const ContentSet>(std::move(*loaded));
      },
      [this](Expected<std::shared_ptr<const ContentSet>> r) {
        if (!r) return show_error(tr("no check content: %1").arg(qs(r.error().message)));
        content_ = *r;
      },
      true);
}

MainWindow::~MainWindow() {
  if (scan_dialog_) scan_dialog_->cancel_and_wait();
  // Workers queue their answers to this window: let them finish first.
  pool_.waitForDone();
}

View* MainWindow::view(int index) const { return qobject_cast<View*>(tabs_->widget(index)); }
int MainWindow::view_count() const { return tabs_->count(); }

void MainWindow::build_menus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open store…"), this, &MainWindow::open_dialog);
  open->setShortcut(QKeySequence::Open);
  recent_ = file->addMenu(tr("Open &recent"));
  update_recent();
  QAction* reload_act = file->addAction(tr("&Reload"), this, &MainWindow::reload);
  reload_act->setShortcut(QKeySequence(Qt::Key_F5));
  file->addSeparator();
  QAction* csv = file->addAction(tr("Export view as &CSV…"), this, [this] { export_current(false); });
  csv->setShortcut(QKeySequence(QStringLiteral("Ctrl+E")));
  QAction* html = file->addAction(tr("Export view as &HTML…"), this, [this] { export_current(true); });
  html->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+E")));
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence(QStringLiteral("Ctrl+Q")));

  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (int i = 0; i < tabs_->count(); ++i) {
    QAction* a = view->addAction(tabs_->tabText(i), this, [this, i] { tabs_->setCurrentIndex(i); });
    a->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(i + 1)));
  }
  view->addSeparator();
  QAction* find = view->addAction(tr("&Find in view"), this, [this] {
    if (auto* v = view_at_current(); v && v->search_field()) {
      v->search_field()->setFocus();
      if (auto* le = qobject_cast<QLineEdit*>(v->search_field())) le->selectAll();
    }
  });
  find->setShortcut(QKeySequence::Find);
  QAction* next = view->addAction(tr("Next view"), this, [this] { tabs_->setCurrentIndex((tabs_->currentIndex() + 1) % tabs_->count()); });
  next->setShortcut(QKeySequence(QStringLiteral("Ctrl+Tab")));
  QAction* prev = view->addAction(tr("Previous view"), this,
                                  [this] { tabs_->setCurrentIndex((tabs_->currentIndex() + tabs_->count() - 1) % tabs_->count()); });
  prev->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+Tab")));

  QMenu* scan = menuBar()->addMenu(tr("&Scan"));
  QAction* ns = scan->addAction(tr("&New scan…"), this, &MainWindow::new_scan);
  ns->setShortcut(QKeySequence::New);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  QAction* keys = help->addAction(tr("&Keyboard shortcuts"), this, &MainWindow::show_shortcuts);
  keys->setShortcut(QKeySequence(Qt::Key_F1));
  help->addAction(tr("&About fleetaudit"), this, [this] {
    QMessageBox::about(this, tr("About fleetaudit"),
                       tr("<b>fleetaudit</b> dashboard<br>Compliance (CIS benchmarks, NIST SP 800-190), fleet uniformity and patch "
                          "and uptime risk from a fleetaudit store."));
  });
}

View* MainWindow::view_at_current() const { return view(tabs_->currentIndex()); }

void MainWindow::show_shortcuts() {
  QMessageBox::information(this, tr("Keyboard shortcuts"),
                           tr("<table>"
                              "<tr><td>Ctrl+O</td><td>open a store</td></tr>"
                              "<tr><td>F5</td><td>reload the store</td></tr>"
                              "<tr><td>Ctrl+N</td><td>new scan</td></tr>"
                              "<tr><td>Ctrl+1 … Ctrl+8</td><td>overview, hosts, heatmap, host detail, uniformity, risk, checks, trends</td></tr>"
                              "<tr><td>Ctrl+Tab, Ctrl+Shift+Tab</td><td>next, previous view</td></tr>"
                              "<tr><td>Ctrl+F</td><td>filter or search the current view</td></tr>"
                              "<tr><td>Enter</td><td>open the selected host</td></tr>"
                              "<tr><td>Ctrl+Shift+C</td><td>copy the selected result's remediation</td></tr>"
                              "<tr><td>Ctrl+E, Ctrl+Shift+E</td><td>export the current view as CSV, HTML</td></tr>"
                              "<tr><td>Ctrl+Q</td><td>quit</td></tr></table>"));
}

void MainWindow::update_recent() {
  recent_->clear();
  QStringList files = options_.use_settings ? QSettings().value(QStringLiteral("store/recent")).toStringList() : QStringList();
  for (const QString& f : files) recent_->addAction(f, this, [this, f] { open_store(f); });
  recent_->setEnabled(!files.isEmpty());
}

void MainWindow::open_dialog() {
  QString start = db_.empty() ? QString::fromStdString(default_store_path().parent_path().string()) : QString::fromStdString(db_.string());
  QString f = QFileDialog::getOpenFileName(this, tr("Open store"), start, tr("fleetaudit stores (*.db *.sqlite);;All files (*)"));
  if (!f.isEmpty()) open_store(f);
}

void MainWindow::reload() {
  if (!db_.empty()) open_store(QString::fromStdString(db_.string()));
}

void MainWindow::open_store(const QString& path) {
  ++generation_;
  db_ = path.toStdString();
  stage1_.reset();
  stage2_done_ = false;
  last_error_.clear();
  store_label_->setText(tr("Reading %1…").arg(path));
  setWindowTitle(tr("%1 — fleetaudit").arg(QFileInfo(path).fileName()));
  if (options_.use_settings) {
    QSettings s;
    s.setValue(QStringLiteral("store/last"), path);
    QStringList recent = s.value(QStringLiteral("store/recent")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > 8) recent.removeLast();
    s.setValue(QStringLiteral("store/recent"), recent);
    update_recent();
  }
  auto db = db_;
  run_async([db] { return load_stage1(db); },
            [this](Expected<FleetStage1> r) {
              if (!r) return show_error(qs(r.error().message));
              show_stage1(std::move(*r));
            });
}

void MainWindow::show_stage1(FleetStage1 d) {
  QElapsedTimer clock;
  clock.start();
  scan_id_ = d.scan ? d.scan->info.id : 0;
  detail_->set_analysis(nullptr);  // the analysis of the scan shown before
  overview_->set_stage1(d);
  trends_->set_history(d.history);
  store_label_->setText(d.scan ? tr("%1 · scan %2 · %3 hosts").arg(QString::fromStdString(d.db.string())).arg(scan_id_).arg(d.hosts.size())
                               : tr("%1 · no scan yet").arg(QString::fromStdString(d.db.string())));
  QStringList names;
  names.reserve(static_cast<qsizetype>(d.hosts.size()));
  for (const auto& h : d.hosts) names << h.name;
  detail_->set_host_names(names);
  hosts_->set_rows(d.hosts);
  stage1_ = std::move(d);
  stage1_gui_ms_ = static_cast<double>(clock.nsecsElapsed()) / 1e6;
  emit stage1_shown();
  if (!stage1_->scan) {
    stage2_done_ = true;
    heatmap_->set_data({}, FleetStage2{});
    checks_->set_checks({});
    uniformity_->set_analysis({});
    risk_->set_analysis(nullptr, {});
    detail_->set_analysis(nullptr);
    emit stage2_shown();
    return;
  }
  // Paint what is there before the second stage's readers take the cores
  // (on a small machine they would delay the first paint by half a second).
  if (isVisible()) tabs_->currentWidget()->repaint();
  // Checks, heat map cells and host profiles are read in parallel; each
  // view fills as its part arrives.
  auto db = db_;
  auto scan = scan_id_;
  stage2_parts_left_ = static_cast<int>(std::size(kStage2Parts));
  stage2_gui_ms_ = 0;
  for (Stage2Part part : kStage2Parts)
    run_async([db, scan, part] { return load_stage2(db, scan, part); },
              [this, part](Expected<FleetStage2> r) {
                if (!r) return show_error(qs(r.error().message));
                show_stage2_part(part, std::move(*r));
              });
}

void MainWindow::show_stage2_part(Stage2Part part, FleetStage2 d) {
  // The host profiles feed four views: each gets its own turn of the event
  // loop, so input and paints get in between (on 10,000 hosts each takes
  // tens of milliseconds).
  auto shared = std::make_shared<FleetStage2>(std::move(d));
  std::vector<std::function<void()>> steps;
  switch (part) {
    case Stage2Part::checks:
      steps.push_back([this, shared] { checks_->set_checks(std::move(shared->checks)); });
      break;
    case Stage2Part::cells:
      steps.push_back([this, shared] { heatmap_->set_data(hosts_->model().rows(), *shared); });
      break;
    case Stage2Part::analysis:
      steps.push_back([this, shared] { overview_->set_stage2(*shared); });
      steps.push_back([this, shared] { hosts_->apply_profiles(shared->analysis->hosts); });
      steps.push_back([this, shared] { uniformity_->set_analysis(*shared->analysis); });
      steps.push_back([this, shared] { risk_->set_analysis(shared->analysis, std::move(shared->risk_order)); });
      steps.push_back([this, shared] { detail_->set_analysis(shared->analysis); });
      break;
  }
  run_steps(std::move(steps), 0, generation_);
}

void MainWindow::run_steps(std::vector<std::function<void()>> steps, std::size_t next, int generation) {
  if (generation != generation_) return;  // another store was opened meanwhile
  QElapsedTimer clock;
  clock.start();
  steps[next]();
  stage2_gui_ms_ += static_cast<double>(clock.nsecsElapsed()) / 1e6;
  if (next + 1 < steps.size()) {
    ++pending_;  // busy until the last step
    QMetaObject::invokeMethod(
        this,
        [this, steps = std::move(steps), next, generation]() mutable {
          run_steps(std::move(steps), next + 1, generation);
          task_done();
        },
        Qt::QueuedConnection);
    return;
  }
  if (--stage2_parts_left_ > 0) return;
  stage2_done_ = true;
  emit stage2_shown();
}

void MainWindow::open_host(const QString& host, const QString& section) {
  if (host.isEmpty() || db_.empty() || !scan_id_) return;
  tabs_->setCurrentWidget(detail_);
  detail_->set_loading(host);
  auto db = db_;
  auto scan = scan_id_;
  run_async([db, scan, h = host.toStdString()] {
              auto st = Store::open(db, Store::Mode::read_only);
              if (!st) return Expected<std::pair<HostReport, std::vector<HostScorePoint>>>(std::unexpected(st.error()));
              auto report = st->load_host(scan, h);
              if (!report) return Expected<std::pair<HostReport, std::vector<HostScorePoint>>>(std::unexpected(report.error()));
              auto trend = st->host_history(h, 100);
              if (!trend) return Expected<std::pair<HostReport, std::vector<HostScorePoint>>>(std::unexpected(trend.error()));
              return Expected<std::pair<HostReport, std::vector<HostScorePoint>>>(std::pair{std::move(*report), std::move(*trend)});
            },
            [this, host, section](Expected<std::pair<HostReport, std::vector<HostScorePoint>>> r) {
              if (!r) {
                detail_->set_message(qs(r.error().message));
                return show_error(qs(r.error().message));
              }
              detail_->set_host(std::move(r->first), content_.get(), section);
              trends_->set_host_history(host, r->second);
            });
}

void MainWindow::show_error(const QString& message) {
  last_error_ = message;
  statusBar()->showMessage(message);
  if (!stage1_) store_label_->setText(tr("No store open"));  // the store itself failed
  qWarning("fleetaudit-gui: %s", qPrintable(message));
}

void MainWindow::export_current(bool html) {
  View* v = view_at_current();
  if (!v || !v->export_model()) return;
  QString suffix = html ? QStringLiteral("html") : QStringLiteral("csv");
  QString name = v->title().toLower().replace(QLatin1Char(' '), QLatin1Char('-')).remove(QLatin1Char('&'));
  QString f = QFileDialog::getSaveFileName(this, tr("Export %1").arg(v->title()), QStringLiteral("%1.%2").arg(name, suffix),
                                           html ? tr("HTML (*.html)") : tr("CSV (*.csv)"));
  if (!f.isEmpty()) export_view(tabs_->currentIndex(), f, html);
}

bool MainWindow::export_view(int index, const QString& file, bool html) {
  View* v = view(index);
  if (!v || !v->export_model()) return false;
  QString subtitle = stage1_ && stage1_->scan ? tr("Store %1, scan %2 started %3")
                                                    .arg(QString::fromStdString(db_.string()))
                                                    .arg(scan_id_)
                                                    .arg(qs(stage1_->scan->info.started_at))
                                              : QString();
  QString text = html ? model_to_html(*v->export_model(), tr("fleetaudit: %1").arg(v->title()), subtitle) : model_to_csv(*v->export_model());
  QSaveFile out(file);
  if (!out.open(QIODevice::WriteOnly) || out.write(text.toUtf8()) < 0 || !out.commit()) {
    show_error(tr("%1: cannot write: %2").arg(file, out.errorString()));
    return false;
  }
  statusBar()->showMessage(tr("%1 rows exported to %2").arg(v->export_model()->rowCount()).arg(file), 5000);
  return true;
}

void MainWindow::new_scan() {
  if (!content_) return show_error(last_error_.isEmpty() ? tr("check content is still loading") : last_error_);
  std::filesystem::path store = db_.empty() ? default_store_path() : db_;
  if (!scan_dialog_) {
    scan_dialog_ = new ScanDialog(content_, store, this);
    connect(scan_dialog_, &ScanDialog::scan_stored, this, [this](const QString& s, qint64) { open_store(s); });
  }
  scan_dialog_->show();
  scan_dialog_->raise();
  scan_dialog_->activateWindow();
}

void MainWindow::prepare_showcase() {
  if (!stage1_ || !stage1_->scan || stage1_->hosts.empty()) return;
  const HostRow* worst = &stage1_->hosts.front();
  for (const auto& h : stage1_->hosts)
    if (h.summary.summary.score < worst->summary.summary.score) worst = &h;
  open_host(worst->name);
  checks_->select_worst();
  uniformity_->select_first();
  risk_->select_first();
  trends_->compare_newest();
  tabs_->setCurrentIndex(0);
}

QStringList MainWindow::save_screenshots(const QString& dir) {
  QDir().mkpath(dir);
  QStringList written;
  const int current = tabs_->currentIndex();
  for (int i = 0; i < tabs_->count(); ++i) {
    tabs_->setCurrentIndex(i);
    QApplication::processEvents();
    QString file = QDir(dir).filePath(QStringLiteral("%1-%2.png").arg(i + 1).arg(QString::fromLatin1(kScreenshotNames[i])));
    if (grab().save(file)) written << file;
  }
  tabs_->setCurrentIndex(current);
  return written;
}

void MainWindow::closeEvent(QCloseEvent* e) {
  if (scan_dialog_ && scan_dialog_->running()) {
    auto answer = QMessageBox::question(this, tr("A scan is running"),
                                        tr("Cancel the running scan and quit? The hosts already scanned stay stored."));
    if (answer != QMessageBox::Yes) return e->ignore();
    scan_dialog_->cancel_and_wait();
  }
  if (options_.use_settings) {
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/tab"), tabs_->currentIndex());
    s.setValue(QStringLiteral("hosts/header"), hosts_->table()->horizontalHeader()->saveState());
  }
  QMainWindow::closeEvent(e);
}

void MainWindow::changeEvent(QEvent* e) {
  if (e->type() == QEvent::PaletteChange || e->type() == QEvent::ApplicationPaletteChange)
    for (int i = 0; i < tabs_->count(); ++i) view(i)->palette_changed();
  QMainWindow::changeEvent(e);
}

}  // namespace fleetaudit::gui

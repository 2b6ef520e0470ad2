// fleetaudit-gui: the desktop dashboard over a fleetaudit store.
//
//   fleetaudit-gui [--db FILE]                  the window (default: the last store, else the default store)
//   fleetaudit-gui --db FILE --screenshot DIR   renders every view to DIR/NN-view.png and exits
//   fleetaudit-gui --db FILE --bench [KEYS]     prints start-up and filter timings as JSON lines and exits

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLineEdit>
#include <QPalette>
#include <QSettings>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "fleetaudit/store.hpp"
#include "main_window.hpp"
#include "views.hpp"

using namespace fleetaudit;
using namespace fleetaudit::gui;

namespace {

QElapsedTimer g_clock;  // started first thing in main()

double since_start_ms() { return static_cast<double>(g_clock.nsecsElapsed()) / 1e6; }

void use_dark_palette(QApplication& app) {
  app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
  QPalette p;
  p.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x31));
  p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
  p.setColor(QPalette::Base, QColor(0x1f, 0x21, 0x24));
  p.setColor(QPalette::AlternateBase, QColor(0x2a, 0x2c, 0x30));
  p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
  p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3c));
  p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
  p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xc8));
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::ToolTipBase, QColor(0x35, 0x37, 0x3c));
  p.setColor(QPalette::ToolTipText, QColor(0xe6, 0xe6, 0xe6));
  p.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
  p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
  p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x80, 0x80, 0x80));
  app.setPalette(p);
}

// Timings of a filter keystroke on the host table: the text set (the filter
// runs synchronously on textChanged) and the table repainted.
void bench_filter(MainWindow& w, const QStringList& queries) {
  HostsView* hv = w.hosts_view();
  w.tabs()->setCurrentWidget(hv);
  QApplication::processEvents();
  std::vector<double> all;
  for (const QString& q : queries) {
    std::vector<double> times;
    auto key = [&](const QString& text) {
      QElapsedTimer t;
      t.start();
      hv->filter_edit()->setText(text);
      hv->table()->viewport()->repaint();
      times.push_back(static_cast<double>(t.nsecsElapsed()) / 1e6);
    };
    for (int i = 1; i <= q.size(); ++i) key(q.left(i));
    const int shown = hv->proxy().rowCount();
    for (int i = q.size() - 1; i >= 0; --i) key(q.left(i));  // and erased again
    std::vector<double> s = times;
    std::sort(s.begin(), s.end());
    std::printf("{\"bench\":\"filter_keystroke\",\"query\":\"%s\",\"keystrokes\":%zu,\"median_ms\":%.2f,\"max_ms\":%.2f,\"hosts\":%d,"
                "\"shown_at_full_query\":%d}\n",
                qPrintable(q), times.size(), s[s.size() / 2], s.back(), hv->model().rowCount(), shown);
    all.insert(all.end(), times.begin(), times.end());
  }
  std::sort(all.begin(), all.end());
  if (!all.empty())
    std::printf("{\"bench\":\"filter_keystroke_all\",\"keystrokes\":%zu,\"median_ms\":%.2f,\"p95_ms\":%.2f,\"max_ms\":%.2f}\n", all.size(),
                all[all.size() / 2], all[std::min(all.size() - 1, all.size() * 95 / 100)], all.back());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  g_clock.start();
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("fleetaudit"));
  QApplication::setApplicationName(QStringLiteral("fleetaudit-gui"));
  QCommandLineParser cli;
  cli.setApplicationDescription(QStringLiteral("fleetaudit dashboard: compliance, uniformity and patch risk of a fleet"));
  cli.addHelpOption();
  QCommandLineOption db({QStringLiteral("db"), QStringLiteral("d")}, QStringLiteral("Store file to open (default: the last one, else the default store)"),
                        QStringLiteral("FILE"));
  QCommandLineOption content(QStringLiteral("content"), QStringLiteral("Directory holding checks/ and benchmarks-cis/"), QStringLiteral("DIR"));
  QCommandLineOption shots(QStringLiteral("screenshot"), QStringLiteral("Render every view to DIR as PNG files and exit"), QStringLiteral("DIR"));
  QCommandLineOption bench(QStringLiteral("bench"),
                           QStringLiteral("Print timings (first paint of the overview, the rest loaded, filter keystrokes) as JSON lines and exit"));
  QCommandLineOption bench_paint(QStringLiteral("bench-first-paint"), QStringLiteral("Exit right after the overview's first paint with data"));
  QCommandLineOption dark(QStringLiteral("dark"), QStringLiteral("Use a dark palette (Fusion style) instead of the system's"));
  cli.addOptions({db, content, shots, bench, bench_paint, dark});
  cli.process(app);

  if (cli.isSet(dark)) use_dark_palette(app);
  const bool batch = cli.isSet(shots) || cli.isSet(bench) || cli.isSet(bench_paint);
  WindowOptions opts;
  opts.use_settings = !batch;
  opts.content_dir = cli.value(content).toStdString();

  QString store = cli.value(db);
  if (store.isEmpty() && !batch) store = QSettings().value(QStringLiteral("store/last")).toString();
  if (store.isEmpty()) {
    if (batch) {
      std::fprintf(stderr, "fleetaudit-gui: --screenshot and --bench need --db FILE\n");
      return 2;
    }
    store = QString::fromStdString(default_store_path().string());
  }
  if (batch && !QFileInfo::exists(store)) {
    std::fprintf(stderr, "fleetaudit-gui: %s: no such store file\n", qPrintable(store));
    return 2;
  }

  MainWindow w(opts);
  int status = 0;
  // The longest the event loop went without running a 5 ms timer while the
  // store loaded: how long the window would not have answered input.
  QElapsedTimer stall_clock;
  double longest_stall_ms = 0;
  QTimer stall_probe;
  if (cli.isSet(bench)) {
    stall_probe.setInterval(5);
    QObject::connect(&stall_probe, &QTimer::timeout, &app, [&] {
      if (stall_clock.isValid()) longest_stall_ms = std::max(longest_stall_ms, static_cast<double>(stall_clock.nsecsElapsed()) / 1e6);
      stall_clock.start();
    });
    stall_probe.start();
  }
  if (cli.isSet(bench) || cli.isSet(bench_paint)) {
    QObject::connect(w.overview(), &OverviewView::first_data_paint, &app, [&] {
      std::printf("{\"bench\":\"first_paint\",\"ms_since_main\":%.1f,\"hosts\":%d}\n", since_start_ms(), w.hosts_view()->model().rowCount());
      std::fflush(stdout);
      // Out at once: a normal exit would wait for the second stage's reads,
      // which this measurement is not about.
      if (cli.isSet(bench_paint)) std::_Exit(0);
    });
    if (cli.isSet(bench)) {
      QObject::connect(&w, &MainWindow::stage2_shown, &app, [&] {
        stall_probe.stop();
        std::printf("{\"bench\":\"all_views_loaded\",\"ms_since_main\":%.1f,\"gui_thread_ms_stage1\":%.1f,\"gui_thread_ms_stage2\":%.1f,"
                    "\"longest_event_loop_stall_ms\":%.1f}\n",
                    since_start_ms(), w.stage1_gui_ms(), w.stage2_gui_ms(), longest_stall_ms);
        std::fflush(stdout);
        QTimer::singleShot(0, &app, [&] {
          const auto& rows = w.hosts_view()->model().rows();
          QStringList queries;
          if (!rows.empty()) queries << rows[rows.size() / 2].name;
          queries << QStringLiteral("state:ok sev:high") << QStringLiteral("role:hypervisor 6.1") << QStringLiteral("score<60");
          bench_filter(w, queries);
          app.quit();
        });
      });
    }
  }
  if (cli.isSet(shots)) {
    const QString dir = cli.value(shots);
    // When both stages are shown, select what the views show off, wait for
    // those reads, then render.
    QObject::connect(&w, &MainWindow::stage2_shown, &app, [&] {
      QTimer::singleShot(0, &app, [&] {
        w.prepare_showcase();
        auto* poll = new QTimer(&app);
        QObject::connect(poll, &QTimer::timeout, &app, [&, poll] {
          if (w.busy()) return;
          poll->stop();
          QApplication::processEvents();
          QStringList files = w.save_screenshots(dir);
          for (const auto& f : files) std::printf("%s\n", qPrintable(f));
          if (files.size() != w.view_count()) {
            std::fprintf(stderr, "fleetaudit-gui: wrote %d of %d screenshots to %s\n", static_cast<int>(files.size()), w.view_count(),
                         qPrintable(dir));
            status = 1;
          }
          app.quit();
        });
        poll->start(20);
      });
    });
  }
  if (batch) {
    // A store that cannot be read ends a batch run with its message.
    QTimer* guard = new QTimer(&app);
    QObject::connect(guard, &QTimer::timeout, &app, [&] {
      if (!w.last_error().isEmpty() && !w.busy() && !w.loaded()) {
        std::fprintf(stderr, "fleetaudit-gui: %s\n", qPrintable(w.last_error()));
        status = 1;
        app.quit();
      }
    });
    guard->start(50);
    QTimer::singleShot(120000, &app, [&] {
      std::fprintf(stderr, "fleetaudit-gui: gave up after 120 s\n");
      status = 1;
      app.quit();
    });
  }
  w.show();
  w.open_store(store);
  int rc = app.exec();
  return status ? status : rc;
}

#pragma once
// The dashboard window: menus, the views in tabs, and every store read run
// off the GUI thread (each worker opens its own read-only Store handle).

#include <QMainWindow>
#include <QThreadPool>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>

#include "fleet_data.hpp"

class QLabel;
class QProgressBar;
class QTabWidget;
class QMenu;

namespace fleetaudit {
class ContentSet;
}

namespace fleetaudit::gui {

class OverviewView;
class HostsView;
class HeatmapView;
class HostDetailView;
class UniformityView;
class RiskView;
class ChecksView;
class TrendsView;
class View;
class ScanDialog;

struct WindowOptions {
  bool use_settings = true;          ///< restore and keep window state, last store (off for screenshots and benches)
  std::filesystem::path content_dir; ///< empty: find_content_dir()
};

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(WindowOptions options, QWidget* parent = nullptr);
  ~MainWindow() override;

  /// Opens a store: the overview and host table first, then the rest.
  void open_store(const QString& path);
  /// True while a store read, the content load or a host load is under way.
  bool busy() const { return pending_ > 0; }
  /// Both stages of the open store are shown.
  bool loaded() const { return stage2_done_; }
  /// The last error shown (empty: none).
  QString last_error() const { return last_error_; }
  /// How long the GUI thread spent putting each stage into the views (ms):
  /// the time the window does not answer input while a store opens.
  double stage1_gui_ms() const { return stage1_gui_ms_; }
  double stage2_gui_ms() const { return stage2_gui_ms_; }

  QTabWidget* tabs() const { return tabs_; }
  OverviewView* overview() const { return overview_; }
  HostsView* hosts_view() const { return hosts_; }
  View* view(int index) const;
  int view_count() const;

  /// Fills the views that need a selection (the worst host in detail, the
  /// check failing most, the first uniformity and risk rows, the diff of the
  /// two newest scans): what screenshots show.
  void prepare_showcase();
  /// Writes every view to DIR as NN-name.png. Returns the files written.
  QStringList save_screenshots(const QString& dir);

  /// Writes what view `index` shows (filtered and sorted) to `file` as CSV or
  /// HTML (File → Export asks for the file, then calls this).
  bool export_view(int index, const QString& file, bool html);

  /// Opens a host in the detail view (optionally one section group).
  void open_host(const QString& host, const QString& section = {});

 signals:
  void stage1_shown();
  void stage2_shown();
  void idle();

 protected:
  void closeEvent(QCloseEvent* e) override;
  void changeEvent(QEvent* e) override;

 private:
  /// Runs `work` on the thread pool and `done` with its answer on the GUI
  /// thread; an answer about a store no longer open is dropped unless `always`.
  template <class Work, class Done>
  void run_async(Work work, Done done, bool always = false);
  void task_done();
  void build_menus();
  void show_stage1(FleetStage1 d);
  void show_stage2_part(Stage2Part part, FleetStage2 d);
  void run_steps(std::vector<std::function<void()>> steps, std::size_t next, int generation);
  void show_error(const QString& message);
  void export_current(bool html);
  void open_dialog();
  void new_scan();
  void reload();
  void update_recent();
  void show_shortcuts();
  View* view_at_current() const;

  WindowOptions options_;
  /// The window's own readers. Not Qt's global pool: the raster paint
  /// engine queues parallel drawing work there and waits for it, so a long
  /// store read in the global pool stalls painting until it ends.
  QThreadPool pool_;
  QTabWidget* tabs_ = nullptr;
  OverviewView* overview_ = nullptr;
  HostsView* hosts_ = nullptr;
  HeatmapView* heatmap_ = nullptr;
  HostDetailView* detail_ = nullptr;
  UniformityView* uniformity_ = nullptr;
  RiskView* risk_ = nullptr;
  ChecksView* checks_ = nullptr;
  TrendsView* trends_ = nullptr;
  QLabel* store_label_ = nullptr;
  QProgressBar* busy_bar_ = nullptr;
  QMenu* recent_ = nullptr;
  ScanDialog* scan_dialog_ = nullptr;

  std::shared_ptr<const ContentSet> content_;
  std::filesystem::path db_;
  std::optional<FleetStage1> stage1_;
  std::int64_t scan_id_ = 0;
  bool stage2_done_ = false;
  int stage2_parts_left_ = 0;
  int generation_ = 0;  // bumped on each open: answers for an older store are dropped
  int pending_ = 0;
  QString last_error_;
  double stage1_gui_ms_ = 0, stage2_gui_ms_ = 0;
};

}  // namespace fleetaudit::gui

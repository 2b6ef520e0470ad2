#pragma once
// The dashboard's views. Each shows data handed to it by the main window
// (which reads the store off the GUI thread) and says what it would export.

#include <QWidget>

#include <memory>

#include "fleet_data.hpp"
#include "models.hpp"

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTableView;
class QTextBrowser;
class QChartView;
class QChart;

namespace fleetaudit {
class ContentSet;
}

namespace fleetaudit::gui {

/// What every view offers the window: a title and the model to export.
class View : public QWidget {
  Q_OBJECT
 public:
  using QWidget::QWidget;
  virtual QString title() const = 0;
  virtual const QAbstractItemModel* export_model() const = 0;
  /// Where Ctrl+F goes (null: nothing to search).
  virtual QWidget* search_field() { return nullptr; }
  /// Repaints charts in the current palette (light or dark).
  virtual void palette_changed() {}

 signals:
  void open_host(const QString& host, const QString& section);
  void status(const QString& message);
};

/// Chart colours follow the application palette.
void style_chart(QChart* chart);
/// A table view set up the same way everywhere (sorting, selection, row height).
QTableView* make_table(QWidget* parent);

class OverviewView : public View {
  Q_OBJECT
 public:
  explicit OverviewView(QWidget* parent = nullptr);
  QString title() const override { return tr("Overview"); }
  const QAbstractItemModel* export_model() const override;
  void set_stage1(const FleetStage1& d);
  void set_stage2(const FleetStage2& d);
  void palette_changed() override;
  /// True once a paint has shown data (the bench's first paint).
  bool painted_with_data() const { return painted_with_data_; }

 signals:
  void first_data_paint();

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  QLabel* score_ = nullptr;
  QLabel* counts_ = nullptr;
  QLabel* scan_ = nullptr;
  QLabel* fleet_ = nullptr;
  QChartView* donut_ = nullptr;
  QChartView* severity_ = nullptr;
  QTableView* worst_view_ = nullptr;
  HostTableModel worst_;
  TextFilterProxy worst_proxy_;
  bool has_data_ = false;
  bool painted_with_data_ = false;
};

class HostsView : public View {
  Q_OBJECT
 public:
  explicit HostsView(QWidget* parent = nullptr);
  QString title() const override { return tr("Hosts"); }
  const QAbstractItemModel* export_model() const override { return &proxy_; }
  QWidget* search_field() override;
  void set_rows(std::vector<HostRow> rows);
  void apply_profiles(const std::vector<HostProfile>& profiles);
  HostTableModel& model() { return model_; }
  HostFilterProxy& proxy() { return proxy_; }
  QLineEdit* filter_edit() const { return filter_; }
  QTableView* table() const { return table_; }
  /// Applies the text and facets now (what a keystroke does).
  void apply_filter();

 private:
  QLineEdit* filter_ = nullptr;
  QComboBox* state_ = nullptr;
  QComboBox* role_ = nullptr;
  QComboBox* severity_ = nullptr;
  QLabel* shown_ = nullptr;
  QTableView* table_ = nullptr;
  HostTableModel model_;
  HostFilterProxy proxy_;
};

class HeatmapView : public View {
  Q_OBJECT
 public:
  explicit HeatmapView(QWidget* parent = nullptr);
  QString title() const override { return tr("Heatmap"); }
  const QAbstractItemModel* export_model() const override { return &model_; }
  void set_data(const std::vector<HostRow>& hosts, const FleetStage2& d);
  HeatmapModel& model() { return model_; }

 private:
  QTableView* table_ = nullptr;
  QLabel* legend_ = nullptr;
  HeatmapModel model_;
};

class HostDetailView : public View {
  Q_OBJECT
 public:
  explicit HostDetailView(QWidget* parent = nullptr);
  QString title() const override { return tr("Host detail"); }
  const QAbstractItemModel* export_model() const override { return &proxy_; }
  QWidget* search_field() override;
  void set_host_names(const QStringList& names);
  /// Shows a host's results; `section` limits them to one section group.
  void set_host(HostReport host, const ContentSet* content, const QString& section);
  void set_loading(const QString& host);
  /// Says why a host could not be shown (it is not in this scan ...).
  void set_message(const QString& text);
  void select_first_problem();
  /// The scan's fleet analysis (null: not read yet): the host's containers
  /// are shown from it, with their fleet lag.
  void set_analysis(std::shared_ptr<const FleetAnalysis> analysis);
  const ContainerTableModel& container_model() const { return containers_model_; }
  QString container_summary() const;
  /// Copies the selected result's remediation to the clipboard.
  void copy_remediation();
  QString current_host() const;

 signals:
  void host_requested(const QString& host);

 private:
  void show_result(const QModelIndex& proxy_index);
  void show_containers();

  QLineEdit* host_edit_ = nullptr;
  QLabel* header_ = nullptr;
  QLineEdit* search_ = nullptr;
  QCheckBox* problems_ = nullptr;
  QPushButton* section_btn_ = nullptr;
  QTableView* table_ = nullptr;
  QTextBrowser* detail_ = nullptr;
  QPushButton* copy_ = nullptr;
  ResultTableModel model_;
  ResultFilterProxy proxy_;
  const ContentSet* content_ = nullptr;
  QGroupBox* containers_box_ = nullptr;
  QLabel* containers_label_ = nullptr;
  QTableView* containers_table_ = nullptr;
  ContainerTableModel containers_model_;
  TextFilterProxy containers_proxy_;
  std::shared_ptr<const FleetAnalysis> analysis_;
};

class UniformityView : public View {
  Q_OBJECT
 public:
  explicit UniformityView(QWidget* parent = nullptr);
  QString title() const override { return tr("Uniformity"); }
  const QAbstractItemModel* export_model() const override { return &proxy_; }
  void set_analysis(const FleetAnalysis& a);
  void palette_changed() override;
  void select_first();

 private:
  void show_row(const QModelIndex& proxy_index);
  QLabel* summary_ = nullptr;
  QTableView* table_ = nullptr;
  QChartView* chart_ = nullptr;
  QLabel* drift_label_ = nullptr;
  QListWidget* drifting_ = nullptr;
  UniformityModel model_;
  TextFilterProxy proxy_;
};

class RiskView : public View {
  Q_OBJECT
 public:
  explicit RiskView(QWidget* parent = nullptr);
  QString title() const override { return tr("Patch and uptime risk"); }
  const QAbstractItemModel* export_model() const override { return &proxy_; }
  void set_analysis(std::shared_ptr<const FleetAnalysis> a, std::vector<std::size_t> order);
  void select_first();
  RiskModel& model() { return model_; }

 private:
  void show_row(const QModelIndex& proxy_index);
  QLabel* summary_ = nullptr;
  QTableView* table_ = nullptr;
  QTextBrowser* detail_ = nullptr;
  RiskModel model_;
  TextFilterProxy proxy_;
};

class ChecksView : public View {
  Q_OBJECT
 public:
  explicit ChecksView(QWidget* parent = nullptr);
  QString title() const override { return tr("Checks"); }
  const QAbstractItemModel* export_model() const override { return &proxy_; }
  QWidget* search_field() override;
  void set_checks(std::vector<CheckSummary> checks);
  void set_failing_hosts(const QString& check_id, const std::vector<std::string>& hosts);
  void select_worst();

 signals:
  void failing_hosts_requested(const QString& check_id);

 private:
  QLineEdit* filter_ = nullptr;
  QCheckBox* failing_only_ = nullptr;
  QTableView* table_ = nullptr;
  QLabel* hosts_label_ = nullptr;
  QListWidget* hosts_ = nullptr;
  CheckTableModel model_;
  TextFilterProxy proxy_;
  QString current_check_;
};

class TrendsView : public View {
  Q_OBJECT
 public:
  explicit TrendsView(QWidget* parent = nullptr);
  QString title() const override { return tr("Trends"); }
  const QAbstractItemModel* export_model() const override;
  void set_history(const std::vector<ScanRecord>& history);
  void set_host_history(const QString& host, const std::vector<HostScorePoint>& points);
  void set_diff(const ScanDiff& diff);
  void palette_changed() override;
  /// Picks the two newest scans and asks for their diff.
  void compare_newest();

 signals:
  void diff_requested(std::int64_t before, std::int64_t after);

 private:
  void rebuild_chart();
  QChartView* chart_ = nullptr;
  QComboBox* before_ = nullptr;
  QComboBox* after_ = nullptr;
  QLabel* diff_summary_ = nullptr;
  QTableView* diff_table_ = nullptr;
  QListWidget* check_changes_ = nullptr;
  QTableView* history_table_ = nullptr;
  ScanHistoryModel history_model_;
  TextFilterProxy history_proxy_;
  HostDiffModel diff_model_;
  TextFilterProxy diff_proxy_;
  std::vector<ScanRecord> history_;
  QString host_;
  std::vector<HostScorePoint> host_points_;
};

}  // namespace fleetaudit::gui

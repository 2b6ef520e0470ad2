#pragma once
// Table models over plain value vectors (the addressbook pattern): each
// view puts a QSortFilterProxyModel over its model; kSortRole gives the
// proxy numbers to sort numbers by.

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <memory>
#include <vector>

#include "fleet_data.hpp"
#include "view_logic.hpp"

namespace fleetaudit::gui {

inline constexpr int kSortRole = Qt::UserRole + 1;
/// The host name a row is about (every model with hosts answers it).
inline constexpr int kHostRole = Qt::UserRole + 2;
/// The check id a row is about.
inline constexpr int kCheckRole = Qt::UserRole + 3;
/// For the heat map: the section group of a cell.
inline constexpr int kSectionRole = Qt::UserRole + 4;

class HostTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Name, Group, Role, State, Score, Critical, High, Medium, Low, Failures, Kernel, Uptime, Risk, ColumnCount };
  using QAbstractTableModel::QAbstractTableModel;
  void set_rows(std::vector<HostRow> rows);
  /// Kernel, uptime and risk from the host profiles (matched by name).
  void apply_profiles(const std::vector<HostProfile>& profiles);
  const std::vector<HostRow>& rows() const { return rows_; }
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation o, int role) const override;

 private:
  std::vector<HostRow> rows_;
};

/// The host table's proxy: a HostFilter over a HostTableModel.
class HostFilterProxy : public QSortFilterProxyModel {
  Q_OBJECT
 public:
  explicit HostFilterProxy(QObject* parent = nullptr);
  /// Replaces the filter and refilters once.
  void set_filter(const HostFilter& f);
  const HostFilter& filter() const { return filter_; }

 protected:
  bool filterAcceptsRow(int row, const QModelIndex& parent) const override;
  /// Compares the rows' values directly: sorting 10,000 hosts after each
  /// keystroke must not build a QVariant per comparison.
  bool lessThan(const QModelIndex& a, const QModelIndex& b) const override;

 private:
  HostFilter filter_;
};

class CheckTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Section, Check, Title, Severity_, HostsFailing, Fail, Error, Waived, Pass, ColumnCount };
  using QAbstractTableModel::QAbstractTableModel;
  void set_rows(std::vector<CheckSummary> rows);
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation o, int role) const override;

 private:
  std::vector<CheckSummary> rows_;
};

/// One host's results. Rationale, remediation and references come from the
/// check content (a ContentSet) when the caller found the check.
class ResultTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Section, Check, Subject, Severity_, Result, Title, Evidence, ColumnCount };
  using QAbstractTableModel::QAbstractTableModel;
  void set_host(HostReport host);
  const HostReport& host() const { return host_; }
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation o, int role) const override;

 private:
  HostReport host_;
};

/// Results of a host filtered by search text, result kind and section group.
class ResultFilterProxy : public QSortFilterProxyModel {
  Q_OBJECT
 public:
  using QSortFilterProxyModel::QSortFilterProxyModel;
  void set_search(const QString& text);
  void set_section(const QString& group);  ///< "5" keeps 5, 5.1, 5.2.3 ...; empty: all
  void set_problems_only(bool on);         ///< fail, error and waived only
  QString section() const { return section_; }

 protected:
  bool filterAcceptsRow(int row, const QModelIndex& parent) const override;

 private:
  QString search_, section_;
  bool problems_only_ = false;
};

/// A host's containers (HostProfile::containers). Fleet lag is only known
/// once the fleet analysis ran over the scan's profiles (`fleet_known`).
class ContainerTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Runtime, Name, Image, State, Outdated, Os, Behind, FleetLag, ImageAge, ColumnCount };
  using QAbstractTableModel::QAbstractTableModel;
  void set_containers(std::vector<ContainerProfile> containers, bool fleet_known);
  void clear() { set_containers({}, false); }
  const std::vector<ContainerProfile>& containers() const { return rows_; }
  bool fleet_known() const { return fleet_known_; }
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation o, int role) const override;

 private:
  std::vector<ContainerProfile> rows_;
  bool fleet_known_ = false;
};

/// One line on a host's containers: counts by state, image, patch level and
/// runtime; says so when there are none or no facts were collected.
QString container_counts_text(const HostProfile* profile);

/// Hosts x section groups, each cell coloured by its failure share.
class HeatmapModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  using QAbstractTableModel::QAbstractTableModel;
  /// Rows: hosts ordered worst first (most failures relative to counted);
  /// columns: `sections`.
  void set_data(const std::vector<HostRow>& hosts, const std::vector<SectionCell>& cells, std::vector<std::string> sections);
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation o, int role) const override;

 private:
  struct Cell {
    int fail = 0, counted = 0;
  };
  std::vector<QString> hosts_;
  std::vector<QString> sections_;
  std::vector<Cell> cells_;  // row-major
};

/// Hosts ranked by uptime and patch risk.
class RiskModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Rank, Host, Risk, Kernel, Uptime, SecurityUpdates, Reboot, Contributions, ColumnCount };
  using QAbstractTableModel::QAbstractTableModel;
  /// Ranks and shows `profiles` (a copy).
  void set_profiles(const std::vector<HostProfile>& profiles);
  /// Shows the analysis' hosts in an order already worked out (rank_by_risk).
  void set_ranked(std::shared_ptr<const FleetAnalysis> analysis, std::vector<std::size_t> order);
  const HostProfile* profile(int row) const;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation o, int role) const override;

 private:
  const HostProfile& at(int row) const { return analysis_->hosts[order_[static_cast<std::size_t>(row)]]; }
  std::shared_ptr<const FleetAnalysis> analysis_ = std::make_shared<const FleetAnalysis>();
  std::vector<std::size_t> order_;  // ranked indexes into analysis_->hosts
};

/// Uniformity per component and group.
class UniformityModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Group, Component, Versions, Majority, OnMajority, Drifting, ColumnCount };
  using QAbstractTableModel::QAbstractTableModel;
  void set_rows(std::vector<Uniformity> rows);
  const Uniformity* row(int r) const;
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation o, int role) const override;

 private:
  std::vector<Uniformity> rows_;
};

/// Past scans.
class ScanHistoryModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Id, Started, Profile, Hosts, HostsFailed, Score, Fail, Status, ColumnCount };
  using QAbstractTableModel::QAbstractTableModel;
  void set_rows(std::vector<ScanRecord> rows);
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation o, int role) const override;

 private:
  std::vector<ScanRecord> rows_;
};

/// Hosts that changed between two scans.
class HostDiffModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Host, Change, ScoreBefore, ScoreAfter, Delta, FailBefore, FailAfter, StateBefore, StateAfter, ColumnCount };
  using QAbstractTableModel::QAbstractTableModel;
  void set_rows(std::vector<HostDiff> rows);
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation o, int role) const override;

 private:
  std::vector<HostDiff> rows_;
};

/// A sort proxy over any model here: numbers by kSortRole, text filter
/// over every column (case-insensitive).
class TextFilterProxy : public QSortFilterProxyModel {
  Q_OBJECT
 public:
  explicit TextFilterProxy(QObject* parent = nullptr);
};

QString severity_text(Severity s);

}  // namespace fleetaudit::gui

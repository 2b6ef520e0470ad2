#include "models.hpp"

#include <QBrush>
#include <QFont>

#include <algorithm>
#include <numeric>
#include <unordered_map>

namespace fleetaudit::gui {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

QVariant right_aligned() { return QVariant::fromValue<int>(Qt::AlignRight | Qt::AlignVCenter); }

QString days_text(const std::optional<double>& d) { return d ? QString::number(*d, 'f', 1) : QString(); }

}  // namespace

QString severity_text(Severity s) { return QString::fromLatin1(to_string(s).data(), static_cast<int>(to_string(s).size())); }

// --- hosts -------------------------------------------------------------------

void HostTableModel::set_rows(std::vector<HostRow> rows) {
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
}

void HostTableModel::apply_profiles(const std::vector<HostProfile>& profiles) {
  if (rows_.empty()) return;
  std::unordered_map<std::string, const HostProfile*> by_name;
  by_name.reserve(profiles.size());
  for (const auto& p : profiles) by_name.emplace(p.host, &p);
  for (auto& r : rows_)
    if (auto it = by_name.find(r.summary.name); it != by_name.end()) apply_profile(r, *it->second);
  emit dataChanged(index(0, 0), index(static_cast<int>(rows_.size()) - 1, ColumnCount - 1));
}

int HostTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(rows_.size()); }
int HostTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant HostTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(rows_.size())) return {};
  const HostRow& r = rows_[static_cast<std::size_t>(index.row())];
  const Summary& s = r.summary.summary;
  auto sev = [&](Severity v) { return s.fail_by_severity[static_cast<int>(v)]; };
  if (role == kHostRole) return r.name;
  if (role == Qt::DisplayRole || role == kSortRole) {
    bool sort = role == kSortRole;
    switch (index.column()) {
      case Name: return r.name;
      case Group: return r.group;
      case Role: return r.role;
      case State: return r.state;
      case Score: return sort ? QVariant(s.score) : QVariant(QString::number(s.score, 'f', 1));
      case Critical: return sev(Severity::critical);
      case High: return sev(Severity::high);
      case Medium: return sev(Severity::medium);
      case Low: return sev(Severity::low);
      case Failures: return s.fail;
      case Kernel: return r.kernel;
      case Uptime: return sort ? QVariant(r.uptime_days.value_or(-1)) : QVariant(days_text(r.uptime_days));
      case Risk: return r.risk ? QVariant(*r.risk) : (sort ? QVariant(-1) : QVariant());
    }
    return {};
  }
  if (role == Qt::TextAlignmentRole && index.column() >= Score && index.column() != Kernel) return right_aligned();
  if (role == Qt::ForegroundRole) {
    if (index.column() == State && r.state != QLatin1String("ok")) return QBrush(result_color(ResultKind::error));
    if (index.column() >= Critical && index.column() <= Low) {
      auto v = static_cast<Severity>(static_cast<int>(Severity::critical) - (index.column() - Critical));
      if (sev(v) > 0) return QBrush(severity_color(v));
    }
    return {};
  }
  if (role == Qt::ToolTipRole && index.column() == State && !r.summary.state_detail.empty()) return qs(r.summary.state_detail);
  return {};
}

QVariant HostTableModel::headerData(int section, Qt::Orientation o, int role) const {
  if (o != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, o, role);
  static const char* names[] = {"Host", "Group", "Role", "State", "Score", "Critical", "High", "Medium", "Low", "Failures", "Kernel", "Uptime (d)", "Risk"};
  return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

HostFilterProxy::HostFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) { setSortRole(kSortRole); }

void HostFilterProxy::set_filter(const HostFilter& f) {
  filter_ = f;
  // One layout change rather than a removal or insertion per run of rows:
  // the views then relayout once instead of once per run (10,000 hosts
  // filtered by a name make thousands of runs).
  invalidate();
}

bool HostFilterProxy::filterAcceptsRow(int row, const QModelIndex& parent) const {
  if (parent.isValid()) return false;
  auto* m = static_cast<const HostTableModel*>(sourceModel());
  return filter_.matches(m->rows()[static_cast<std::size_t>(row)]);
}

bool HostFilterProxy::lessThan(const QModelIndex& a, const QModelIndex& b) const {
  auto* m = static_cast<const HostTableModel*>(sourceModel());
  const HostRow& x = m->rows()[static_cast<std::size_t>(a.row())];
  const HostRow& y = m->rows()[static_cast<std::size_t>(b.row())];
  const Summary& sx = x.summary.summary;
  const Summary& sy = y.summary.summary;
  auto sev = [](const Summary& s, Severity v) { return s.fail_by_severity[static_cast<int>(v)]; };
  switch (a.column()) {
    case HostTableModel::Name: return x.name < y.name;
    case HostTableModel::Group: return x.group < y.group;
    case HostTableModel::Role: return x.role < y.role;
    case HostTableModel::State: return x.state < y.state;
    case HostTableModel::Score: return sx.score < sy.score;
    case HostTableModel::Critical: return sev(sx, Severity::critical) < sev(sy, Severity::critical);
    case HostTableModel::High: return sev(sx, Severity::high) < sev(sy, Severity::high);
    case HostTableModel::Medium: return sev(sx, Severity::medium) < sev(sy, Severity::medium);
    case HostTableModel::Low: return sev(sx, Severity::low) < sev(sy, Severity::low);
    case HostTableModel::Failures: return sx.fail < sy.fail;
    case HostTableModel::Kernel: return x.kernel < y.kernel;
    case HostTableModel::Uptime: return x.uptime_days.value_or(-1) < y.uptime_days.value_or(-1);
    case HostTableModel::Risk: return x.risk.value_or(-1) < y.risk.value_or(-1);
  }
  return false;
}

// --- checks ------------------------------------------------------------------

void CheckTableModel::set_rows(std::vector<CheckSummary> rows) {
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
}
int CheckTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(rows_.size()); }
int CheckTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant CheckTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(rows_.size())) return {};
  const CheckSummary& c = rows_[static_cast<std::size_t>(index.row())];
  if (role == kCheckRole) return qs(c.check_id);
  if (role == Qt::DisplayRole || role == kSortRole) {
    switch (index.column()) {
      case Section: return qs(c.section);
      case Check: return qs(c.check_id);
      case Title: return qs(c.title);
      case Severity_: return role == kSortRole ? QVariant(static_cast<int>(c.severity)) : QVariant(severity_text(c.severity));
      case Pass: return c.pass;
      case Fail: return c.fail;
      case Error: return c.error;
      case Waived: return c.waived;
      case HostsFailing: return c.hosts_failing;
    }
    return {};
  }
  if (role == Qt::TextAlignmentRole && index.column() >= HostsFailing) return right_aligned();
  if (role == Qt::ForegroundRole && index.column() == Severity_) return QBrush(severity_color(c.severity));
  if (role == Qt::ForegroundRole && index.column() == HostsFailing && c.hosts_failing > 0) return QBrush(result_color(ResultKind::fail));
  return {};
}

QVariant CheckTableModel::headerData(int section, Qt::Orientation o, int role) const {
  if (o != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, o, role);
  static const char* names[] = {"Section", "Check", "Title", "Severity", "Hosts failing", "Fail", "Error", "Waived", "Pass"};
  return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

// --- results -----------------------------------------------------------------

void ResultTableModel::set_host(HostReport host) {
  beginResetModel();
  host_ = std::move(host);
  endResetModel();
}
int ResultTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(host_.results.size()); }
int ResultTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ResultTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(host_.results.size())) return {};
  const CheckResult& r = host_.results[static_cast<std::size_t>(index.row())];
  if (role == kCheckRole) return qs(r.check_id);
  if (role == kHostRole) return qs(host_.host);
  if (role == Qt::DisplayRole || role == kSortRole) {
    switch (index.column()) {
      case Section: return qs(r.section);
      case Check: return qs(r.check_id);
      case Subject: return qs(r.subject);
      case Severity_: return role == kSortRole ? QVariant(static_cast<int>(r.severity)) : QVariant(severity_text(r.severity));
      case Result: {
        auto t = to_string(r.result);
        return role == kSortRole ? QVariant(static_cast<int>(r.result)) : QVariant(QString::fromLatin1(t.data(), static_cast<int>(t.size())));
      }
      case Title: return qs(r.title);
      case Evidence: {
        // One line in the table; the detail pane shows all of it.
        QString e = qs(r.evidence);
        int nl = e.indexOf(QLatin1Char('\n'));
        return nl < 0 ? e : e.left(nl) + QStringLiteral(" …");
      }
    }
    return {};
  }
  if (role == Qt::ForegroundRole && index.column() == Result) return QBrush(result_color(r.result));
  if (role == Qt::ForegroundRole && index.column() == Severity_) return QBrush(severity_color(r.severity));
  if (role == Qt::FontRole && index.column() == Result && (r.result == ResultKind::fail || r.result == ResultKind::error)) {
    QFont f;
    f.setBold(true);
    return f;
  }
  if (role == Qt::ToolTipRole && index.column() == Evidence) return qs(r.evidence);
  return {};
}

QVariant ResultTableModel::headerData(int section, Qt::Orientation o, int role) const {
  if (o != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, o, role);
  static const char* names[] = {"Section", "Check", "Subject", "Severity", "Result", "Title", "Evidence"};
  return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

void ResultFilterProxy::set_search(const QString& text) {
  search_ = text.trimmed();
  invalidateRowsFilter();
}
void ResultFilterProxy::set_section(const QString& group) {
  section_ = group;
  invalidateRowsFilter();
}
void ResultFilterProxy::set_problems_only(bool on) {
  problems_only_ = on;
  invalidateRowsFilter();
}

bool ResultFilterProxy::filterAcceptsRow(int row, const QModelIndex& parent) const {
  if (parent.isValid()) return false;
  auto* m = static_cast<const ResultTableModel*>(sourceModel());
  const CheckResult& r = m->host().results[static_cast<std::size_t>(row)];
  if (problems_only_ && r.result != ResultKind::fail && r.result != ResultKind::error && r.result != ResultKind::waived) return false;
  if (!section_.isEmpty()) {
    QString s = qs(r.section);
    if (s != section_ && !s.startsWith(section_ + QLatin1Char('.'))) return false;
  }
  if (search_.isEmpty()) return true;
  const auto words = search_.split(QLatin1Char(' '), Qt::SkipEmptyParts);
  for (const QString& w : words) {
    bool hit = qs(r.check_id).contains(w, Qt::CaseInsensitive) || qs(r.title).contains(w, Qt::CaseInsensitive) ||
               qs(r.evidence).contains(w, Qt::CaseInsensitive) || qs(r.subject).contains(w, Qt::CaseInsensitive) ||
               qs(r.section).startsWith(w) || QString::fromLatin1(to_string(r.result).data()).startsWith(w, Qt::CaseInsensitive) ||
               QString::fromLatin1(to_string(r.severity).data()).startsWith(w, Qt::CaseInsensitive);
    if (!hit) return false;
  }
  return true;
}

// --- containers --------------------------------------------------------------

void ContainerTableModel::set_containers(std::vector<ContainerProfile> containers, bool fleet_known) {
  beginResetModel();
  rows_ = std::move(containers);
  fleet_known_ = fleet_known;
  endResetModel();
}

int ContainerTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(rows_.size()); }
int ContainerTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

namespace {

QString short_id(const std::string& id) { return qs(id.substr(0, 12)); }

QString lag_lines(const std::vector<PackageLag>& lags, int total) {
  QStringList out;
  for (const auto& l : lags)
    out << QStringLiteral("%1 %2 → %3%4 (%5)")
               .arg(qs(l.package), qs(l.installed), qs(l.newest), l.security ? QStringLiteral(" [security]") : QString(), qs(l.where));
  if (total > static_cast<int>(lags.size())) out << QStringLiteral("… and %1 more").arg(total - static_cast<int>(lags.size()));
  return out.join(QLatin1Char('\n'));
}

}  // namespace

QVariant ContainerTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= static_cast<int>(rows_.size())) return {};
  const ContainerProfile& c = rows_[static_cast<std::size_t>(index.row())];
  if (role == Qt::DisplayRole || role == kSortRole) {
    bool sort = role == kSortRole;
    switch (index.column()) {
      case Runtime: return qs(c.runtime);
      case Name: return qs(c.name.empty() ? c.id : c.name);
      case Image:
        if (!c.image.empty()) return qs(c.image);
        return c.image_id.empty() ? QStringLiteral("unknown") : short_id(c.image_id);
      case State: return qs(c.state);
      case Outdated:
        if (sort) return c.image_outdated ? 1 : 0;
        return c.image_outdated ? QStringLiteral("yes") : QStringLiteral("no");
      case Os:
        if (c.os_id.empty()) return QStringLiteral("unknown");
        return c.os_version.empty() ? qs(c.os_id) : QStringLiteral("%1 %2").arg(qs(c.os_id), qs(c.os_version));
      case Behind:
        // Security updates weigh first; not compared sorts below none behind.
        if (sort) return c.host_lists ? static_cast<qlonglong>(c.behind_host_security) * 1000000 + c.behind_host_total : qlonglong{-1};
        if (!c.host_lists) return QStringLiteral("–");
        return c.behind_host_security > 0 ? QStringLiteral("%1 (%2 security)").arg(c.behind_host_total).arg(c.behind_host_security)
                                          : QString::number(c.behind_host_total);
      case FleetLag:
        if (sort) return fleet_known_ ? c.behind_fleet_total : -1;
        return fleet_known_ ? QVariant(c.behind_fleet_total) : QVariant(QStringLiteral("–"));
      case ImageAge:
        if (sort) return c.image_age_days ? *c.image_age_days : -1LL;
        return c.image_age_days ? QVariant(*c.image_age_days) : QVariant();
    }
    return {};
  }
  if (role == Qt::ToolTipRole) {
    switch (index.column()) {
      case Runtime:
      case Name: {
        QStringList t{QStringLiteral("%1 container %2").arg(qs(c.runtime), qs(c.id))};
        if (!c.started_at.empty()) t << QStringLiteral("started %1").arg(qs(c.started_at));
        if (c.started_before_host_change) t << QStringLiteral("started before the host's packages last changed: restart it to pick up host updates");
        if (!c.package_format.empty()) t << QStringLiteral("%1 packages (%2), %3 layers").arg(c.packages).arg(qs(c.package_format)).arg(c.layers);
        for (const auto& p : c.problems) t << QStringLiteral("not read: %1").arg(qs(p));
        return t.join(QLatin1Char('\n'));
      }
      case Image:
      case Outdated: {
        QStringList t;
        if (!c.image_id.empty()) t << QStringLiteral("runs image %1").arg(short_id(c.image_id));
        if (!c.image_created.empty()) t << QStringLiteral("built %1").arg(qs(c.image_created));
        if (c.image_outdated)
          t << QStringLiteral("its tag now names %1%2: recreate the container")
                   .arg(short_id(c.image_current_id),
                        c.image_current_created.empty() ? QString() : QStringLiteral(" (built %1)").arg(qs(c.image_current_created)));
        return t.isEmpty() ? QVariant() : QVariant(t.join(QLatin1Char('\n')));
      }
      case Os: return c.os_name.empty() ? QVariant() : QVariant(qs(c.os_name));
      case Behind:
        if (!c.host_lists) return QStringLiteral("Not compared: the container's distribution or release is not the host's");
        return c.behind_host.empty() ? QVariant() : QVariant(lag_lines(c.behind_host, c.behind_host_total));
      case FleetLag:
        if (!fleet_known_) return QStringLiteral("Known once the fleet analysis of this scan is read");
        return c.behind_fleet.empty() ? QVariant() : QVariant(lag_lines(c.behind_fleet, c.behind_fleet_total));
    }
    return {};
  }
  if (role == Qt::ForegroundRole) {
    if (index.column() == Outdated && c.image_outdated) return QBrush(QColor(0xc6, 0x28, 0x28));
    if (index.column() == Behind && c.behind_host_security > 0) return QBrush(QColor(0xc6, 0x28, 0x28));
    if (index.column() == Name && !c.problems.empty()) return QBrush(QColor(0xb2, 0x6a, 0x00));
    return {};
  }
  if (role == Qt::TextAlignmentRole && (index.column() == FleetLag || index.column() == ImageAge || index.column() == Behind))
    return right_aligned();
  return {};
}

QVariant ContainerTableModel::headerData(int section, Qt::Orientation o, int role) const {
  if (o != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, o, role);
  static const char* names[] = {"Runtime", "Container", "Image", "State", "Outdated", "OS release", "Behind host (security)", "Fleet lag",
                                "Image age (days)"};
  return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

QString container_counts_text(const HostProfile* profile) {
  if (!profile) return QStringLiteral("No host facts were collected for this host: scan it with fleet facts on to see its containers.");
  ContainerCounts n = count_containers(*profile);
  QString problems;
  if (!profile->container_problems.empty()) {
    QStringList p;
    for (const auto& x : profile->container_problems) p << qs(x);
    problems = QStringLiteral(" Not read: %1.").arg(p.join(QStringLiteral("; ")));
  }
  if (n.total == 0) return QStringLiteral("No containers found on this host.") + problems;
  QStringList runtimes;
  for (const auto& [rt, k] : n.by_runtime) runtimes << QStringLiteral("%1 %2").arg(qs(rt)).arg(k);
  QString text = QStringLiteral("%1 container%2 (%3 running): %4 on an outdated image, %5 behind in packages, security updates missing in %6")
                     .arg(n.total)
                     .arg(n.total == 1 ? QString() : QStringLiteral("s"))
                     .arg(n.running)
                     .arg(n.outdated)
                     .arg(n.behind)
                     .arg(n.behind_security);
  if (n.unreadable > 0) text += QStringLiteral(", %1 not fully read").arg(n.unreadable);
  text += QStringLiteral("; %1.").arg(runtimes.join(QStringLiteral(", ")));
  return text + problems;
}

// --- heat map ----------------------------------------------------------------

void HeatmapModel::set_data(const std::vector<HostRow>& hosts, const std::vector<SectionCell>& cells,
                            std::vector<std::string> sections) {
  beginResetModel();
  sections_.clear();
  for (const auto& s : sections) sections_.push_back(qs(s));
  std::unordered_map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < sections.size(); ++i) col.emplace(sections[i], i);
  std::unordered_map<std::int64_t, std::size_t> host_at;
  for (std::size_t i = 0; i < hosts.size(); ++i) host_at.emplace(hosts[i].summary.host_id, i);
  std::vector<Cell> grid(hosts.size() * sections.size());
  for (const auto& c : cells) {
    auto h = host_at.find(c.host_id);
    auto s = col.find(c.section);
    if (h == host_at.end() || s == col.end()) continue;
    grid[h->second * sections.size() + s->second] = Cell{c.fail, c.counted};
  }
  // Worst hosts on top: most failures in proportion, then most failures, then name.
  std::vector<std::size_t> order(hosts.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  auto share = [&](std::size_t h) {
    int f = 0, n = 0;
    for (std::size_t s = 0; s < sections.size(); ++s) {
      f += grid[h * sections.size() + s].fail;
      n += grid[h * sections.size() + s].counted;
    }
    return std::pair<double, int>(n ? static_cast<double>(f) / n : 0.0, f);
  };
  std::vector<std::pair<double, int>> key(hosts.size());
  for (std::size_t h = 0; h < hosts.size(); ++h) key[h] = share(h);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (key[a] != key[b]) return key[a] > key[b];
    return hosts[a].name < hosts[b].name;
  });
  hosts_.clear();
  cells_.assign(grid.size(), Cell{});
  for (std::size_t i = 0; i < order.size(); ++i) {
    hosts_.push_back(hosts[order[i]].name);
    std::copy_n(grid.begin() + static_cast<std::ptrdiff_t>(order[i] * sections.size()), sections.size(),
                cells_.begin() + static_cast<std::ptrdiff_t>(i * sections.size()));
  }
  endResetModel();
}

int HeatmapModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(hosts_.size()); }
int HeatmapModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(sections_.size()); }

QVariant HeatmapModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount()) return {};
  const Cell& c = cells_[static_cast<std::size_t>(index.row()) * sections_.size() + static_cast<std::size_t>(index.column())];
  switch (role) {
    case Qt::DisplayRole:
      return c.counted ? QVariant(c.fail) : QVariant();
    case kSortRole:
      return c.counted ? static_cast<double>(c.fail) / c.counted : -1.0;
    case Qt::BackgroundRole: {
      QColor col = heat_color(c.fail, c.counted);
      return col.isValid() ? QVariant(QBrush(col)) : QVariant();
    }
    case Qt::ForegroundRole: {
      QColor col = heat_color(c.fail, c.counted);
      return col.isValid() ? QVariant(QBrush(contrast_text(col))) : QVariant();
    }
    case Qt::TextAlignmentRole:
      return QVariant::fromValue<int>(Qt::AlignCenter);
    case Qt::ToolTipRole:
      return c.counted ? QStringLiteral("%1, section %2: %3 of %4 results fail (%5%)")
                             .arg(hosts_[static_cast<std::size_t>(index.row())], sections_[static_cast<std::size_t>(index.column())])
                             .arg(c.fail)
                             .arg(c.counted)
                             .arg(100.0 * c.fail / c.counted, 0, 'f', 0)
                       : QStringLiteral("%1, section %2: nothing counted")
                             .arg(hosts_[static_cast<std::size_t>(index.row())], sections_[static_cast<std::size_t>(index.column())]);
    case kHostRole:
      return hosts_[static_cast<std::size_t>(index.row())];
    case kSectionRole:
      return sections_[static_cast<std::size_t>(index.column())];
  }
  return {};
}

QVariant HeatmapModel::headerData(int section, Qt::Orientation o, int role) const {
  if (role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, o, role);
  if (o == Qt::Horizontal) return section >= 0 && section < columnCount() ? sections_[static_cast<std::size_t>(section)] : QVariant();
  return section >= 0 && section < rowCount() ? hosts_[static_cast<std::size_t>(section)] : QVariant();
}

// --- risk --------------------------------------------------------------------

void RiskModel::set_profiles(const std::vector<HostProfile>& profiles) {
  auto a = std::make_shared<FleetAnalysis>();
  a->hosts = profiles;
  set_ranked(a, rank_by_risk(profiles));
}
void RiskModel::set_ranked(std::shared_ptr<const FleetAnalysis> analysis, std::vector<std::size_t> order) {
  beginResetModel();
  analysis_ = analysis ? std::move(analysis) : std::make_shared<const FleetAnalysis>();
  order_ = std::move(order);
  if (order_.size() != analysis_->hosts.size()) order_ = rank_by_risk(analysis_->hosts);
  endResetModel();
}
const HostProfile* RiskModel::profile(int row) const {
  return row >= 0 && row < static_cast<int>(order_.size()) ? &at(row) : nullptr;
}
int RiskModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(order_.size()); }
int RiskModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant RiskModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const HostProfile& p = at(index.row());
  if (role == kHostRole) return qs(p.host);
  if (role == Qt::DisplayRole || role == kSortRole) {
    bool sort = role == kSortRole;
    switch (index.column()) {
      case Rank: return index.row() + 1;
      case Host: return qs(p.host);
      case Risk: return p.risk;
      case Kernel: return qs(p.kernel_release) + (p.kernel_outdated && !sort ? QStringLiteral(" (newer installed)") : QString());
      case Uptime: return sort ? QVariant(p.uptime_days.value_or(-1)) : QVariant(days_text(p.uptime_days));
      case SecurityUpdates: return p.updates_known || sort ? QVariant(p.pending_security) : QVariant(QStringLiteral("unknown"));
      case Reboot: return sort ? QVariant(p.reboot_required) : QVariant(p.reboot_required ? QStringLiteral("required") : QString());
      case Contributions: {
        QStringList parts;
        for (const auto& c : p.risk_contributions) parts << QStringLiteral("%1 +%2").arg(qs(c.factor)).arg(c.points);
        return parts.join(QStringLiteral(", "));
      }
    }
    return {};
  }
  if (role == Qt::ToolTipRole && index.column() == Contributions) return explain_risk(p).join(QLatin1Char('\n'));
  if (role == Qt::TextAlignmentRole && (index.column() == Rank || index.column() == Risk || index.column() == Uptime || index.column() == SecurityUpdates))
    return right_aligned();
  if (role == Qt::BackgroundRole && index.column() == Risk) {
    QColor c = heat_color(p.risk, 100);
    return p.risk > 0 ? QVariant(QBrush(c)) : QVariant();
  }
  if (role == Qt::ForegroundRole && index.column() == Risk && p.risk > 0) return QBrush(contrast_text(heat_color(p.risk, 100)));
  return {};
}

QVariant RiskModel::headerData(int section, Qt::Orientation o, int role) const {
  if (o != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, o, role);
  static const char* names[] = {"#", "Host", "Risk", "Kernel", "Uptime (d)", "Security updates", "Reboot", "Contributions"};
  return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

// --- uniformity --------------------------------------------------------------

void UniformityModel::set_rows(std::vector<Uniformity> rows) {
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
}
const Uniformity* UniformityModel::row(int r) const {
  return r >= 0 && r < static_cast<int>(rows_.size()) ? &rows_[static_cast<std::size_t>(r)] : nullptr;
}
int UniformityModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(rows_.size()); }
int UniformityModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant UniformityModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Uniformity& u = rows_[static_cast<std::size_t>(index.row())];
  if (role == Qt::DisplayRole || role == kSortRole) {
    bool sort = role == kSortRole;
    switch (index.column()) {
      case Group: return qs(u.group);
      case Component: return qs(u.component);
      case Versions: return static_cast<int>(u.hosts.size());
      case Majority: return qs(u.majority);
      case OnMajority: return sort ? QVariant(u.score) : QVariant(QStringLiteral("%1%").arg(u.score, 0, 'f', 1));
      case Drifting: return static_cast<int>(u.drifting.size());
    }
    return {};
  }
  if (role == Qt::TextAlignmentRole && (index.column() == Versions || index.column() == OnMajority || index.column() == Drifting))
    return right_aligned();
  if (role == Qt::ForegroundRole && index.column() == Drifting && !u.drifting.empty()) return QBrush(result_color(ResultKind::fail));
  return {};
}

QVariant UniformityModel::headerData(int section, Qt::Orientation o, int role) const {
  if (o != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, o, role);
  static const char* names[] = {"Group", "Component", "Versions", "Majority version", "On majority", "Drifting hosts"};
  return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

// --- history -----------------------------------------------------------------

void ScanHistoryModel::set_rows(std::vector<ScanRecord> rows) {
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
}
int ScanHistoryModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(rows_.size()); }
int ScanHistoryModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ScanHistoryModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const ScanRecord& r = rows_[static_cast<std::size_t>(index.row())];
  if (role == Qt::DisplayRole || role == kSortRole) {
    switch (index.column()) {
      case Id: return static_cast<qlonglong>(r.info.id);
      case Started: return qs(r.info.started_at);
      case Profile: return r.info.profile.empty() ? QStringLiteral("all checks") : qs(r.info.profile);
      case Hosts: return r.hosts;
      case HostsFailed: return r.hosts_failed;
      case Score: return role == kSortRole ? QVariant(r.summary.score) : QVariant(QString::number(r.summary.score, 'f', 1));
      case Fail: return r.summary.fail;
      case Status: return qs(r.status);
    }
    return {};
  }
  if (role == Qt::TextAlignmentRole && index.column() != Started && index.column() != Profile && index.column() != Status) return right_aligned();
  return {};
}

QVariant ScanHistoryModel::headerData(int section, Qt::Orientation o, int role) const {
  if (o != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, o, role);
  static const char* names[] = {"Scan", "Started (UTC)", "Profile", "Hosts", "Hosts not ok", "Score", "Failures", "Status"};
  return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

// --- diff --------------------------------------------------------------------

void HostDiffModel::set_rows(std::vector<HostDiff> rows) {
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
}
int HostDiffModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(rows_.size()); }
int HostDiffModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant HostDiffModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const HostDiff& d = rows_[static_cast<std::size_t>(index.row())];
  if (role == kHostRole) return d.name;
  double delta = d.score_after.value_or(0) - d.score_before.value_or(0);
  if (role == Qt::DisplayRole || role == kSortRole) {
    bool sort = role == kSortRole;
    auto score = [&](const std::optional<double>& s) { return s ? (sort ? QVariant(*s) : QVariant(QString::number(*s, 'f', 1))) : QVariant(sort ? -1.0 : QVariant()); };
    switch (index.column()) {
      case Host: return d.name;
      case Change:
        if (!d.score_before) return QStringLiteral("new host");
        if (!d.score_after) return QStringLiteral("gone");
        return delta < 0 ? QStringLiteral("worse") : delta > 0 ? QStringLiteral("better") : QStringLiteral("changed");
      case ScoreBefore: return score(d.score_before);
      case ScoreAfter: return score(d.score_after);
      case Delta:
        if (!d.score_before || !d.score_after) return sort ? QVariant(0.0) : QVariant();
        return sort ? QVariant(delta) : QVariant(QString::asprintf("%+.1f", delta));
      case FailBefore: return d.fail_before;
      case FailAfter: return d.fail_after;
      case StateBefore: return d.state_before;
      case StateAfter: return d.state_after;
    }
    return {};
  }
  if (role == Qt::ForegroundRole && (index.column() == Delta || index.column() == Change) && d.score_before && d.score_after && delta != 0)
    return QBrush(result_color(delta < 0 ? ResultKind::fail : ResultKind::pass));
  if (role == Qt::TextAlignmentRole && index.column() >= ScoreBefore && index.column() <= FailAfter) return right_aligned();
  return {};
}

QVariant HostDiffModel::headerData(int section, Qt::Orientation o, int role) const {
  if (o != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, o, role);
  static const char* names[] = {"Host", "Change", "Score before", "Score after", "Δ score", "Failures before", "Failures after", "State before", "State after"};
  return section >= 0 && section < ColumnCount ? QString::fromUtf8(names[section]) : QVariant();
}

TextFilterProxy::TextFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
  setSortRole(kSortRole);
  setFilterCaseSensitivity(Qt::CaseInsensitive);
  setFilterKeyColumn(-1);
}

}  // namespace fleetaudit::gui

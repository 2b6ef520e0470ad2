#include "views.hpp"

#include <QApplication>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QCompleter>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHorizontalBarSeries>
#include <QHorizontalStackedBarSeries>
#include <QLabel>
#include <QLineEdit>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QListWidget>
#include <QPieSeries>
#include <QPieSlice>
#include <QPushButton>
#include <QScatterSeries>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QValueAxis>
#include <QVBoxLayout>
#include <QtCharts/QChartView>

#include <algorithm>
#include <map>

#include "fleetaudit/content.hpp"

namespace fleetaudit::gui {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

QLabel* heading(const QString& text, QWidget* parent) {
  auto* l = new QLabel(text, parent);
  QFont f = l->font();
  f.setBold(true);
  f.setPointSizeF(f.pointSizeF() * 1.1);
  l->setFont(f);
  return l;
}

bool dark_palette() { return qApp->palette().color(QPalette::Window).lightness() < 128; }

QString color_hex(const QColor& c) { return c.name(QColor::HexRgb); }

QString count(qsizetype n, const char* one, const char* many) {
  return QStringLiteral("%1 %2").arg(n).arg(QString::fromLatin1(n == 1 ? one : many));
}

}  // namespace

void style_chart(QChart* chart) {
  chart->setTheme(dark_palette() ? QChart::ChartThemeDark : QChart::ChartThemeLight);
  const QPalette p = qApp->palette();
  chart->setBackgroundBrush(p.brush(QPalette::Base));
  chart->setTitleBrush(p.brush(QPalette::Text));
  chart->legend()->setLabelColor(p.color(QPalette::Text));
  for (QAbstractAxis* a : chart->axes()) {
    a->setLabelsColor(p.color(QPalette::Text));
    a->setTitleBrush(p.brush(QPalette::Text));
  }
  chart->setBackgroundRoundness(0);
  chart->setMargins(QMargins(4, 4, 4, 4));
}

QTableView* make_table(QWidget* parent) {
  auto* t = new QTableView(parent);
  t->setSortingEnabled(true);
  t->setSelectionBehavior(QAbstractItemView::SelectRows);
  t->setSelectionMode(QAbstractItemView::SingleSelection);
  t->setAlternatingRowColors(true);
  t->setWordWrap(false);
  t->verticalHeader()->setVisible(false);
  // Fixed row heights: the view never measures 10,000 rows.
  t->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 6);
  // Column widths from the first 200 rows, not 1,000: resizing a 10,000-row
  // table to its contents must not hold the GUI thread.
  t->verticalHeader()->setResizeContentsPrecision(200);
  t->horizontalHeader()->setHighlightSections(false);
  t->horizontalHeader()->setStretchLastSection(true);
  return t;
}

// --- overview ------------------------------------------------------------------

OverviewView::OverviewView(QWidget* parent) : View(parent) {
  worst_proxy_.setSourceModel(&worst_);
  auto* grid = new QHBoxLayout(this);
  auto* left = new QVBoxLayout;
  score_ = new QLabel(tr("No store open"), this);
  QFont big = score_->font();
  big.setPointSizeF(big.pointSizeF() * 2.6);
  big.setBold(true);
  score_->setFont(big);
  score_->setObjectName(QStringLiteral("fleetScore"));
  left->addWidget(heading(tr("Fleet score"), this));
  left->addWidget(score_);
  counts_ = new QLabel(this);
  counts_->setTextFormat(Qt::RichText);
  left->addWidget(counts_);
  donut_ = new QChartView(this);
  donut_->setRenderHint(QPainter::Antialiasing);
  donut_->setMinimumSize(320, 280);
  left->addWidget(donut_, 1);
  scan_ = new QLabel(this);
  scan_->setTextFormat(Qt::RichText);
  scan_->setWordWrap(true);
  scan_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  left->addWidget(heading(tr("Scan"), this));
  left->addWidget(scan_);
  grid->addLayout(left, 2);

  auto* right = new QVBoxLayout;
  right->addWidget(heading(tr("Worst hosts"), this));
  worst_view_ = make_table(this);
  worst_view_->setModel(&worst_proxy_);
  worst_view_->setSortingEnabled(false);
  worst_view_->horizontalHeader()->setStretchLastSection(false);
  for (int c : {HostTableModel::Group, HostTableModel::Kernel, HostTableModel::Uptime, HostTableModel::Low})
    worst_view_->setColumnHidden(c, true);
  connect(worst_view_, &QTableView::activated, this,
          [this](const QModelIndex& i) { emit open_host(i.data(kHostRole).toString(), {}); });
  right->addWidget(worst_view_, 3);
  severity_ = new QChartView(this);
  severity_->setRenderHint(QPainter::Antialiasing);
  severity_->setMinimumHeight(170);
  right->addWidget(severity_, 2);
  right->addWidget(heading(tr("Patch and uptime"), this));
  fleet_ = new QLabel(tr("Reading host profiles…"), this);
  fleet_->setTextFormat(Qt::RichText);
  fleet_->setWordWrap(true);
  right->addWidget(fleet_);
  grid->addLayout(right, 3);
  score_->installEventFilter(this);
  palette_changed();
}

const QAbstractItemModel* OverviewView::export_model() const { return &worst_proxy_; }

bool OverviewView::eventFilter(QObject* watched, QEvent* event) {
  if (watched == score_ && event->type() == QEvent::Paint && has_data_ && !painted_with_data_) {
    painted_with_data_ = true;
    // After this paint has run: the bench reads the clock then.
    QMetaObject::invokeMethod(this, &OverviewView::first_data_paint, Qt::QueuedConnection);
  }
  return View::eventFilter(watched, event);
}

void OverviewView::set_stage1(const FleetStage1& d) {
  if (!d.scan) {
    score_->setText(tr("—"));
    counts_->setText(tr("The store holds no scan yet: run one with Scan → New scan (Ctrl+N) or <tt>fleetaudit scan</tt>."));
    scan_->clear();
    worst_.set_rows({});
    has_data_ = true;
    score_->update();
    return;
  }
  const ScanRecord& r = *d.scan;
  const Summary& s = r.summary;
  score_->setText(QString::number(s.score, 'f', 1));
  QColor sc = heat_color(static_cast<int>(100 - s.score + 0.5), 100);
  score_->setStyleSheet(QStringLiteral("color: %1").arg(color_hex(sc.darker(dark_palette() ? 90 : 115))));
  auto chip = [](ResultKind k, int n) {
    auto name = to_string(k);
    return QStringLiteral("<span style='color:%1'>&#9632;</span> %2 <b>%3</b>")
        .arg(color_hex(result_color(k)), QString::fromLatin1(name.data(), static_cast<int>(name.size())))
        .arg(n);
  };
  counts_->setText(QStringList{chip(ResultKind::pass, s.pass), chip(ResultKind::fail, s.fail), chip(ResultKind::error, s.error),
                               chip(ResultKind::waived, s.waived), chip(ResultKind::manual, s.manual),
                               chip(ResultKind::not_applicable, s.not_applicable)}
                       .join(QStringLiteral(" &nbsp; ")));
  // The donut: results that count, plus waived and manual.
  auto* chart = new QChart;
  auto* pie = new QPieSeries(chart);
  pie->setHoleSize(0.55);
  for (auto [k, n] : {std::pair{ResultKind::pass, s.pass}, {ResultKind::fail, s.fail}, {ResultKind::error, s.error},
                      {ResultKind::waived, s.waived}, {ResultKind::manual, s.manual}}) {
    if (n == 0) continue;
    auto name = to_string(k);
    auto* slice = pie->append(QStringLiteral("%1 %2").arg(QString::fromLatin1(name.data(), static_cast<int>(name.size()))).arg(n), n);
    slice->setColor(result_color(k));
    slice->setBorderColor(qApp->palette().color(QPalette::Base));
  }
  chart->addSeries(pie);
  chart->legend()->setAlignment(Qt::AlignRight);
  chart->setTitle(tr("Results"));
  style_chart(chart);
  QChart* old = donut_->chart();
  donut_->setChart(chart);
  delete old;

  int ok_hosts = 0;
  for (const auto& h : d.hosts) ok_hosts += h.summary.state == "ok";
  QString profile = r.info.profile.empty() ? tr("every check, no profile")
                                           : QStringLiteral("%1 %2%3").arg(qs(r.info.profile_title.empty() ? r.info.profile : r.info.profile_title),
                                                                          qs(r.info.profile_version),
                                                                          r.info.level ? tr(", level %1").arg(r.info.level) : QString());
  scan_->setText(tr("Scan %1 (%2), started %3 UTC, took %4 s<br>Profile: %5<br>Coverage: %6 of %7 hosts collected fully (%8%), "
                    "%9 checks selected")
                     .arg(r.info.id)
                     .arg(qs(r.status), qs(r.info.started_at).replace(QLatin1Char('T'), QLatin1Char(' ')).remove(QLatin1Char('Z')))
                     .arg(r.info.duration_seconds, 0, 'f', 1)
                     .arg(profile.toHtmlEscaped())
                     .arg(ok_hosts)
                     .arg(d.hosts.size())
                     .arg(d.hosts.empty() ? 100.0 : 100.0 * ok_hosts / static_cast<double>(d.hosts.size()), 0, 'f', 1)
                     .arg(r.info.checks_selected));
  // The ten lowest scores; ties by most failures, then name.
  std::vector<const HostRow*> order;
  for (const auto& h : d.hosts) order.push_back(&h);
  std::size_t n = std::min<std::size_t>(10, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n), order.end(), [](const HostRow* a, const HostRow* b) {
    if (a->summary.summary.score != b->summary.summary.score) return a->summary.summary.score < b->summary.summary.score;
    if (a->summary.summary.fail != b->summary.summary.fail) return a->summary.summary.fail > b->summary.summary.fail;
    return a->name < b->name;
  });
  std::vector<HostRow> worst;
  for (std::size_t i = 0; i < n; ++i) worst.push_back(*order[i]);
  worst_.set_rows(std::move(worst));
  worst_view_->resizeColumnsToContents();
  worst_view_->horizontalHeader()->setSectionResizeMode(HostTableModel::Name, QHeaderView::Stretch);

  // Failures by severity over the fleet.
  auto* bars = new QChart;
  auto* series = new QHorizontalStackedBarSeries(bars);
  QStringList cats;
  // Summed over the hosts: the scan row keeps the totals, not their severities.
  int by_severity[5] = {0, 0, 0, 0, 0};
  for (const auto& h : d.hosts)
    for (int v = 0; v <= 4; ++v) by_severity[v] += h.summary.summary.fail_by_severity[v];
  for (int v = 0; v <= 4; ++v) {
    auto* set = new QBarSet(severity_text(static_cast<Severity>(v)));
    for (int k = 0; k <= 4; ++k) *set << (k == v ? by_severity[v] : 0);
    set->setColor(severity_color(static_cast<Severity>(v)));
    series->append(set);
    cats << severity_text(static_cast<Severity>(v));
  }
  series->setLabelsVisible(true);
  bars->addSeries(series);
  auto* y = new QBarCategoryAxis(bars);
  y->append(cats);
  bars->addAxis(y, Qt::AlignLeft);
  series->attachAxis(y);
  auto* x = new QValueAxis(bars);
  x->setLabelFormat(QStringLiteral("%d"));
  bars->addAxis(x, Qt::AlignBottom);
  series->attachAxis(x);
  x->applyNiceNumbers();
  bars->legend()->hide();
  bars->setTitle(tr("Failures by severity"));
  style_chart(bars);
  QChart* old_bars = severity_->chart();
  severity_->setChart(bars);
  delete old_bars;
  has_data_ = true;
  score_->update();
}

void OverviewView::set_stage2(const FleetStage2& d) {
  const FleetAnalysis& a = *d.analysis;
  if (a.hosts.empty()) {
    fleet_->setText(tr("No host profiles in this scan (scanned without fleet facts)."));
    return;
  }
  int drifting = 0;
  for (const auto& u : a.uniformity)
    if (u.group == "fleet" && !u.drifting.empty()) ++drifting;
  fleet_->setText(tr("Mean risk <b>%1</b> over %2<br>"
                     "Hosts with pending updates: <b>%3</b> (%4 with security updates; %5 security updates in all)<br>"
                     "Hosts needing a reboot: <b>%6</b> &nbsp; running an older kernel than installed: <b>%7</b> &nbsp; "
                     "running replaced libraries: <b>%8</b><br>"
                     "Components not uniform across the fleet: <b>%9</b> (see Uniformity)")
                      .arg(a.mean_risk, 0, 'f', 1)
                      .arg(count(static_cast<qsizetype>(a.hosts.size()), "profiled host", "profiled hosts"))
                      .arg(a.hosts_with_pending)
                      .arg(a.hosts_with_security)
                      .arg(a.security_total)
                      .arg(a.hosts_reboot_required)
                      .arg(a.hosts_kernel_outdated)
                      .arg(a.hosts_with_stale)
                      .arg(drifting));
  worst_.apply_profiles(a.hosts);
}

void OverviewView::palette_changed() {
  if (donut_->chart()) style_chart(donut_->chart());
  if (severity_->chart()) style_chart(severity_->chart());
}

// --- hosts ---------------------------------------------------------------------

HostsView::HostsView(QWidget* parent) : View(parent) {
  proxy_.setSourceModel(&model_);
  auto* layout = new QVBoxLayout(this);
  auto* bar = new QHBoxLayout;
  filter_ = new QLineEdit(this);
  filter_->setPlaceholderText(tr("Filter: words, state:, role:, group:, kernel:, sev:high, score<80"));
  filter_->setClearButtonEnabled(true);
  filter_->setObjectName(QStringLiteral("hostFilter"));
  bar->addWidget(filter_, 3);
  state_ = new QComboBox(this);
  state_->addItem(tr("Any state"), QString());
  bar->addWidget(state_);
  role_ = new QComboBox(this);
  role_->addItem(tr("Any role"), QString());
  for (auto r : kKnownRoles) role_->addItem(QString::fromLatin1(r.data(), static_cast<int>(r.size())), QString::fromLatin1(r.data(), static_cast<int>(r.size())));
  bar->addWidget(role_);
  severity_ = new QComboBox(this);
  severity_->addItem(tr("Any failures"), -1);
  for (int s = 4; s >= 0; --s)
    severity_->addItem(tr("Fails %1 or worse").arg(severity_text(static_cast<Severity>(s))), s);
  bar->addWidget(severity_);
  shown_ = new QLabel(this);
  bar->addWidget(shown_);
  layout->addLayout(bar);
  table_ = make_table(this);
  table_->setModel(&proxy_);
  table_->sortByColumn(HostTableModel::Score, Qt::AscendingOrder);
  layout->addWidget(table_);
  connect(filter_, &QLineEdit::textChanged, this, &HostsView::apply_filter);
  for (QComboBox* c : {state_, role_, severity_}) connect(c, &QComboBox::currentIndexChanged, this, &HostsView::apply_filter);
  connect(table_, &QTableView::activated, this, [this](const QModelIndex& i) { emit open_host(i.data(kHostRole).toString(), {}); });
}

QWidget* HostsView::search_field() { return filter_; }

void HostsView::set_rows(std::vector<HostRow> rows) {
  // The state facet offers the states this scan has.
  QStringList states;
  for (const auto& r : rows)
    if (!states.contains(r.state)) states << r.state;
  states.sort();
  const QString keep = state_->currentData().toString();
  state_->blockSignals(true);
  while (state_->count() > 1) state_->removeItem(1);
  for (const auto& st : states) state_->addItem(st, st);
  state_->setCurrentIndex(std::max(0, state_->findData(keep)));
  state_->blockSignals(false);
  model_.set_rows(std::move(rows));
  apply_filter();
  table_->resizeColumnsToContents();
  table_->setColumnWidth(HostTableModel::Name, std::max(table_->columnWidth(HostTableModel::Name), 160));
}

void HostsView::apply_profiles(const std::vector<HostProfile>& profiles) {
  model_.apply_profiles(profiles);
  table_->resizeColumnToContents(HostTableModel::Kernel);
}

void HostsView::apply_filter() {
  HostFilter f;
  QString error;
  bool ok = f.set_text(filter_->text(), &error);
  f.set_state(state_->currentData().toString());
  f.set_role(role_->currentData().toString());
  f.set_min_severity(severity_->currentData().toInt());
  proxy_.set_filter(f);
  filter_->setToolTip(ok ? QString() : error);
  filter_->setStyleSheet(ok ? QString() : QStringLiteral("QLineEdit { border: 1px solid #d32f2f; }"));
  shown_->setText(tr("%1 of %2 hosts").arg(proxy_.rowCount()).arg(model_.rowCount()));
  if (!ok) emit status(error);
}

// --- heat map ------------------------------------------------------------------

HeatmapView::HeatmapView(QWidget* parent) : View(parent) {
  auto* layout = new QVBoxLayout(this);
  legend_ = new QLabel(this);
  legend_->setTextFormat(Qt::RichText);
  QStringList chips;
  for (auto [f, label] : {std::pair{0, "no failure"}, {1, "few fail"}, {4, "a third"}, {7, "most"}, {10, "all fail"}})
    chips << QStringLiteral("<span style='background:%1;color:%2'>&nbsp;%3&nbsp;</span>")
                 .arg(color_hex(heat_color(f, 10)), color_hex(contrast_text(heat_color(f, 10))), tr(label));
  legend_->setText(tr("Hosts, worst first, by benchmark section: failing results per cell, coloured by the failing share. "
                      "Click a cell for that host's checks in the section.&nbsp; ") +
                   chips.join(QLatin1Char(' ')));
  legend_->setWordWrap(true);
  layout->addWidget(legend_);
  table_ = new QTableView(this);
  table_->setModel(&model_);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setShowGrid(true);
  table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 4);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  table_->horizontalHeader()->setDefaultSectionSize(38);
  table_->setObjectName(QStringLiteral("heatmap"));
  layout->addWidget(table_);
  connect(table_, &QTableView::clicked, this, [this](const QModelIndex& i) {
    if (!i.isValid()) return;
    emit open_host(i.data(kHostRole).toString(), i.data(kSectionRole).toString());
  });
}

void HeatmapView::set_data(const std::vector<HostRow>& hosts, const FleetStage2& d) {
  model_.set_data(hosts, d.cells, d.sections);
  table_->verticalHeader()->setMinimumWidth(120);
}

// --- host detail ---------------------------------------------------------------

HostDetailView::HostDetailView(QWidget* parent) : View(parent) {
  proxy_.setSourceModel(&model_);
  proxy_.setSortRole(kSortRole);
  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Host:"), this));
  host_edit_ = new QLineEdit(this);
  host_edit_->setPlaceholderText(tr("host name"));
  host_edit_->setMaximumWidth(260);
  top->addWidget(host_edit_);
  header_ = new QLabel(tr("Pick a host in Hosts, the heatmap or here."), this);
  header_->setTextFormat(Qt::RichText);
  header_->setWordWrap(true);
  top->addWidget(header_, 1);
  layout->addLayout(top);
  auto* bar = new QHBoxLayout;
  search_ = new QLineEdit(this);
  search_->setPlaceholderText(tr("Search results: check, title, evidence, subject, severity, result"));
  search_->setClearButtonEnabled(true);
  bar->addWidget(search_, 1);
  problems_ = new QCheckBox(tr("Problems only"), this);
  bar->addWidget(problems_);
  section_btn_ = new QPushButton(this);
  section_btn_->setToolTip(tr("Show every section again"));
  section_btn_->hide();
  bar->addWidget(section_btn_);
  layout->addLayout(bar);
  auto* split = new QSplitter(Qt::Vertical, this);
  table_ = make_table(split);
  table_->setModel(&proxy_);
  table_->sortByColumn(-1, Qt::AscendingOrder);
  split->addWidget(table_);
  containers_proxy_.setSourceModel(&containers_model_);
  containers_box_ = new QGroupBox(tr("Containers"), split);
  auto* cl = new QVBoxLayout(containers_box_);
  containers_label_ = new QLabel(containers_box_);
  containers_label_->setWordWrap(true);
  containers_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  cl->addWidget(containers_label_);
  containers_table_ = make_table(containers_box_);
  containers_table_->setModel(&containers_proxy_);
  containers_table_->sortByColumn(-1, Qt::AscendingOrder);
  cl->addWidget(containers_table_, 1);
  split->addWidget(containers_box_);
  auto* lower = new QWidget(split);
  auto* ll = new QVBoxLayout(lower);
  ll->setContentsMargins(0, 0, 0, 0);
  detail_ = new QTextBrowser(lower);
  detail_->setOpenExternalLinks(false);
  ll->addWidget(detail_);
  copy_ = new QPushButton(tr("Copy remediation"), lower);
  copy_->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+C")));
  copy_->setToolTip(tr("Copy the selected result's remediation (Ctrl+Shift+C)"));
  copy_->setEnabled(false);
  ll->addWidget(copy_, 0, Qt::AlignLeft);
  split->addWidget(lower);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  split->setStretchFactor(2, 2);
  layout->addWidget(split, 1);
  show_containers();

  connect(search_, &QLineEdit::textChanged, &proxy_, &ResultFilterProxy::set_search);
  connect(problems_, &QCheckBox::toggled, &proxy_, &ResultFilterProxy::set_problems_only);
  connect(section_btn_, &QPushButton::clicked, this, [this] {
    proxy_.set_section({});
    section_btn_->hide();
  });
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& cur) { show_result(cur); });
  connect(copy_, &QPushButton::clicked, this, &HostDetailView::copy_remediation);
  connect(host_edit_, &QLineEdit::returnPressed, this, [this] {
    if (!host_edit_->text().trimmed().isEmpty()) emit host_requested(host_edit_->text().trimmed());
  });
}

QWidget* HostDetailView::search_field() { return search_; }

void HostDetailView::set_host_names(const QStringList& names) {
  auto* c = new QCompleter(names, host_edit_);
  c->setCaseSensitivity(Qt::CaseInsensitive);
  c->setFilterMode(Qt::MatchContains);
  connect(c, qOverload<const QString&>(&QCompleter::activated), this, [this](const QString& h) { emit host_requested(h); });
  delete host_edit_->completer();
  host_edit_->setCompleter(c);
}

QString HostDetailView::current_host() const { return qs(model_.host().host); }

void HostDetailView::set_message(const QString& text) { header_->setText(text.toHtmlEscaped()); }

void HostDetailView::set_loading(const QString& host) {
  header_->setText(tr("Reading %1…").arg(host.toHtmlEscaped()));
}

void HostDetailView::set_host(HostReport host, const ContentSet* content, const QString& section) {
  content_ = content;
  const Summary& s = host.summary;
  QStringList tags;
  for (const auto& t : host.tags) tags << qs(t);
  header_->setText(tr("<b>%1</b> &nbsp; state <b>%2</b>%3 &nbsp; score <b>%4</b> &nbsp; %5 fail, %6 error, %7 waived, %8 pass"
                      " &nbsp; collected %9 by %10%11")
                       .arg(qs(host.host).toHtmlEscaped(), qs(host.state).toHtmlEscaped(),
                            host.state_detail.empty() ? QString() : QStringLiteral(" (%1)").arg(qs(host.state_detail).toHtmlEscaped()))
                       .arg(s.score, 0, 'f', 1)
                       .arg(s.fail)
                       .arg(s.error)
                       .arg(s.waived)
                       .arg(s.pass)
                       .arg(qs(host.collected_at).toHtmlEscaped(), qs(host.collector).toHtmlEscaped(),
                            tags.isEmpty() ? QString() : tr(" &nbsp; roles %1").arg(tags.join(QStringLiteral(", ")).toHtmlEscaped())));
  host_edit_->setText(qs(host.host));
  model_.set_host(std::move(host));
  proxy_.set_section(section);
  section_btn_->setVisible(!section.isEmpty());
  section_btn_->setText(tr("Section %1 ✕").arg(section));
  table_->resizeColumnsToContents();
  table_->setColumnWidth(ResultTableModel::Title, std::min(table_->columnWidth(ResultTableModel::Title), 420));
  table_->setColumnWidth(ResultTableModel::Check, std::min(table_->columnWidth(ResultTableModel::Check), 300));
  detail_->clear();
  copy_->setEnabled(false);
  show_containers();
  select_first_problem();
}

void HostDetailView::set_analysis(std::shared_ptr<const FleetAnalysis> analysis) {
  analysis_ = std::move(analysis);
  if (!model_.host().host.empty()) show_containers();
}

QString HostDetailView::container_summary() const { return containers_label_->text(); }

void HostDetailView::show_containers() {
  const HostReport& host = model_.host();
  if (host.host.empty()) {
    containers_model_.clear();
    containers_label_->setText(tr("Pick a host to see its containers."));
    containers_table_->hide();
    containers_box_->setMaximumHeight(containers_box_->minimumSizeHint().height());
    return;
  }
  // The analysed profile carries the fleet lag; the stored one stands in
  // until the scan's fleet analysis has been read.
  const HostProfile* profile = host.profile ? &*host.profile : nullptr;
  bool fleet_known = false;
  if (analysis_) {
    auto it = std::find_if(analysis_->hosts.begin(), analysis_->hosts.end(), [&](const HostProfile& p) { return p.host == host.host; });
    if (it != analysis_->hosts.end()) {
      profile = &*it;
      fleet_known = true;
    }
  }
  containers_label_->setText(container_counts_text(profile));
  containers_model_.set_containers(profile ? profile->containers : std::vector<ContainerProfile>{}, fleet_known);
  containers_box_->setTitle(profile && !profile->containers.empty() ? tr("Containers (%1)").arg(profile->containers.size()) : tr("Containers"));
  const int rows = containers_model_.rowCount();
  containers_table_->setVisible(rows > 0);
  // Without containers the box is one line, leaving the room to the results.
  containers_box_->setMaximumHeight(rows > 0 ? QWIDGETSIZE_MAX : containers_box_->minimumSizeHint().height());
  if (rows == 0) return;
  containers_table_->resizeColumnsToContents();
  containers_table_->setColumnWidth(ContainerTableModel::Image, std::min(containers_table_->columnWidth(ContainerTableModel::Image), 300));
  containers_table_->setColumnWidth(ContainerTableModel::Name, std::min(containers_table_->columnWidth(ContainerTableModel::Name), 240));
  // Up to six containers in view without scrolling; more scroll.
  containers_table_->setMinimumHeight(containers_table_->horizontalHeader()->sizeHint().height() +
                                      containers_table_->verticalHeader()->defaultSectionSize() * std::min(rows, 6) +
                                      containers_table_->horizontalScrollBar()->sizeHint().height() + 2 * containers_table_->frameWidth());
}

void HostDetailView::select_first_problem() {
  for (int r = 0; r < proxy_.rowCount(); ++r) {
    auto res = proxy_.index(r, ResultTableModel::Result).data().toString();
    if (res == QLatin1String("fail") || res == QLatin1String("error")) {
      table_->setCurrentIndex(proxy_.index(r, 0));
      return;
    }
  }
  if (proxy_.rowCount() > 0) table_->setCurrentIndex(proxy_.index(0, 0));
}

void HostDetailView::show_result(const QModelIndex& proxy_index) {
  if (!proxy_index.isValid()) {
    detail_->clear();
    copy_->setEnabled(false);
    return;
  }
  QModelIndex src = proxy_.mapToSource(proxy_index);
  const CheckResult& r = model_.host().results[static_cast<std::size_t>(src.row())];
  const Check* check = content_ && !r.check_id.empty() ? content_->find_check(r.check_id) : nullptr;
  auto esc = [](const std::string& s) { return qs(s).toHtmlEscaped(); };
  auto rk = to_string(r.result);
  QString html = QStringLiteral("<h3>%1</h3><p><b>%2</b>%3 &nbsp; severity <b style='color:%4'>%5</b> &nbsp; result "
                                "<b style='color:%6'>%7</b>%8</p>")
                     .arg(esc(r.title), esc(r.check_id.empty() ? std::string("manual entry") : r.check_id),
                          r.section.empty() ? QString() : QStringLiteral(" &nbsp; section %1").arg(esc(r.section)),
                          color_hex(severity_color(r.severity)), severity_text(r.severity), color_hex(result_color(r.result)),
                          QString::fromLatin1(rk.data(), static_cast<int>(rk.size())),
                          r.subject.empty() ? QString() : QStringLiteral(" &nbsp; subject %1").arg(esc(r.subject)));
  html += QStringLiteral("<h4>%1</h4><p style='white-space:pre-wrap; font-family:monospace'>%2</p>")
              .arg(tr("Evidence"), r.evidence.empty() ? tr("(none recorded)") : esc(r.evidence));
  if (check) {
    html += QStringLiteral("<h4>%1</h4><p>%2</p>").arg(tr("Rationale"), esc(check->rationale).replace(QLatin1Char('\n'), QStringLiteral("<br>")));
    html += QStringLiteral("<h4>%1</h4><p style='white-space:pre-wrap; font-family:monospace'>%2</p>").arg(tr("Remediation"), esc(check->remediation));
    QStringList refs;
    for (const auto& [bench, sections] : check->refs.cis) {
      QStringList s;
      for (const auto& x : sections) s << esc(x);
      refs << QStringLiteral("%1 %2").arg(esc(bench), s.join(QStringLiteral(", ")));
    }
    if (!check->refs.nist_800_190.empty()) {
      QStringList s;
      for (const auto& x : check->refs.nist_800_190) s << esc(x);
      refs << QStringLiteral("NIST SP 800-190 %1").arg(s.join(QStringLiteral(", ")));
    }
    html += QStringLiteral("<h4>%1</h4><p>%2</p>").arg(tr("References"), refs.isEmpty() ? tr("none") : refs.join(QStringLiteral("<br>")));
    html += QStringLiteral("<p style='color:gray'>%1 %2:%3</p>").arg(tr("Defined in"), esc(check->defined_at.file)).arg(check->defined_at.line);
  } else if (!r.check_id.empty()) {
    html += QStringLiteral("<p><i>%1</i></p>").arg(tr("The loaded check content has no check '%1': rationale and remediation are not available.").arg(esc(r.check_id)));
  }
  detail_->setHtml(html);
  copy_->setEnabled(check && !check->remediation.empty());
}

void HostDetailView::copy_remediation() {
  QModelIndex cur = table_->currentIndex();
  if (!cur.isValid() || !content_) return;
  const CheckResult& r = model_.host().results[static_cast<std::size_t>(proxy_.mapToSource(cur).row())];
  const Check* check = content_->find_check(r.check_id);
  if (!check || check->remediation.empty()) return;
  QApplication::clipboard()->setText(qs(check->remediation));
  emit status(tr("Remediation of %1 copied").arg(qs(r.check_id)));
}

// --- uniformity ----------------------------------------------------------------

UniformityView::UniformityView(QWidget* parent) : View(parent) {
  proxy_.setSourceModel(&model_);
  auto* layout = new QVBoxLayout(this);
  summary_ = new QLabel(tr("Reading host profiles…"), this);
  summary_->setWordWrap(true);
  layout->addWidget(summary_);
  auto* split = new QSplitter(Qt::Horizontal, this);
  table_ = make_table(split);
  table_->setModel(&proxy_);
  table_->sortByColumn(UniformityModel::OnMajority, Qt::AscendingOrder);
  split->addWidget(table_);
  auto* right = new QWidget(split);
  auto* rl = new QVBoxLayout(right);
  rl->setContentsMargins(0, 0, 0, 0);
  chart_ = new QChartView(right);
  chart_->setRenderHint(QPainter::Antialiasing);
  chart_->setMinimumHeight(260);
  rl->addWidget(chart_, 3);
  drift_label_ = new QLabel(tr("Drifting hosts"), right);
  rl->addWidget(drift_label_);
  drifting_ = new QListWidget(right);
  rl->addWidget(drifting_, 2);
  split->addWidget(right);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  layout->addWidget(split, 1);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& i) { show_row(i); });
  connect(drifting_, &QListWidget::itemActivated, this, [this](QListWidgetItem* it) { emit open_host(it->data(Qt::UserRole).toString(), {}); });
}

void UniformityView::set_analysis(const FleetAnalysis& a) {
  model_.set_rows(a.uniformity);
  int components = 0, uniform = 0;
  for (const auto& u : a.uniformity)
    if (u.group == "fleet") {
      ++components;
      uniform += u.hosts.size() <= 1;
    }
  summary_->setText(a.uniformity.empty()
                        ? tr("No host profiles in this scan: uniformity needs the fleet facts a scan collects by default.")
                        : tr("%1 of %2 components run one version across the fleet. Rows per component for the whole fleet and each "
                             "role group; the least uniform first. Select a row for its versions and the hosts that drift.")
                              .arg(uniform)
                              .arg(components));
  table_->resizeColumnsToContents();
  select_first();
}

void UniformityView::select_first() {
  if (proxy_.rowCount() > 0) table_->setCurrentIndex(proxy_.index(0, 0));
}

void UniformityView::show_row(const QModelIndex& proxy_index) {
  drifting_->clear();
  const Uniformity* u = proxy_index.isValid() ? model_.row(proxy_.mapToSource(proxy_index).row()) : nullptr;
  auto* chart = new QChart;
  if (u) {
    // Versions by host count, most common first.
    std::vector<std::pair<std::string, std::size_t>> versions;
    for (const auto& [v, hosts] : u->hosts) versions.emplace_back(v, hosts.size());
    std::stable_sort(versions.begin(), versions.end(), [](auto& a, auto& b) { return a.second > b.second; });
    if (versions.size() > 12) versions.resize(12);
    auto* set = new QBarSet(tr("hosts"));
    QStringList cats;
    for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
      *set << static_cast<double>(it->second);
      QString v = qs(it->first);
      cats << (v.size() > 28 ? v.left(27) + QStringLiteral("…") : v);
    }
    set->setColor(QColor(0x1e, 0x88, 0xe5));
    auto* series = new QHorizontalBarSeries(chart);
    series->append(set);
    series->setLabelsVisible(true);
    chart->addSeries(series);
    auto* y = new QBarCategoryAxis(chart);
    y->append(cats);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
    auto* x = new QValueAxis(chart);
    x->setLabelFormat(QStringLiteral("%d"));
    x->setMin(0);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    chart->legend()->hide();
    chart->setTitle(tr("%1 in %2: %3 versions").arg(qs(u->component), qs(u->group)).arg(u->hosts.size()));
    for (const auto& h : u->drifting) {
      QString version;
      for (const auto& [v, hosts] : u->hosts)
        if (std::find(hosts.begin(), hosts.end(), h) != hosts.end()) version = qs(v);
      auto* item = new QListWidgetItem(QStringLiteral("%1  —  %2").arg(qs(h), version), drifting_);
      item->setData(Qt::UserRole, qs(h));
    }
    drift_label_->setText(tr("Hosts not on %1 (%2); activate one to open it").arg(qs(u->majority)).arg(u->drifting.size()));
  }
  style_chart(chart);
  QChart* old = chart_->chart();
  chart_->setChart(chart);
  delete old;
}

void UniformityView::palette_changed() {
  if (chart_->chart()) style_chart(chart_->chart());
}

// --- risk ----------------------------------------------------------------------

RiskView::RiskView(QWidget* parent) : View(parent) {
  proxy_.setSourceModel(&model_);
  auto* layout = new QVBoxLayout(this);
  summary_ = new QLabel(tr("Reading host profiles…"), this);
  summary_->setWordWrap(true);
  layout->addWidget(summary_);
  auto* split = new QSplitter(Qt::Vertical, this);
  table_ = make_table(split);
  table_->setModel(&proxy_);
  split->addWidget(table_);
  detail_ = new QTextBrowser(split);
  split->addWidget(detail_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  layout->addWidget(split, 1);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& i) { show_row(i); });
  connect(table_, &QTableView::activated, this, [this](const QModelIndex& i) { emit open_host(i.data(kHostRole).toString(), {}); });
}

void RiskView::set_analysis(std::shared_ptr<const FleetAnalysis> a, std::vector<std::size_t> order) {
  if (!a) a = std::make_shared<const FleetAnalysis>();
  const double mean = a->mean_risk;
  const bool none = a->hosts.empty();
  model_.set_ranked(std::move(a), std::move(order));
  proxy_.sort(-1);
  summary_->setText(none ? tr("No host profiles in this scan.")
                         : tr("Hosts ranked by uptime and patch risk (0-100): the highest first; ties by pending security "
                              "updates, then an outdated running kernel. Select a host to see each contribution. Mean risk %1.")
                               .arg(mean, 0, 'f', 1));
  table_->resizeColumnsToContents();
  select_first();
}

void RiskView::select_first() {
  if (proxy_.rowCount() > 0) table_->setCurrentIndex(proxy_.index(0, 0));
}

void RiskView::show_row(const QModelIndex& proxy_index) {
  const HostProfile* p = proxy_index.isValid() ? model_.profile(proxy_.mapToSource(proxy_index).row()) : nullptr;
  if (!p) {
    detail_->clear();
    return;
  }
  QString html = tr("<h3>%1: risk %2</h3>").arg(qs(p->host).toHtmlEscaped()).arg(p->risk);
  const QStringList lines = explain_risk(*p);
  if (lines.isEmpty()) html += tr("<p>Nothing adds to this host's risk.</p>");
  else {
    html += QStringLiteral("<ul>");
    for (const auto& l : lines) html += QStringLiteral("<li>%1</li>").arg(l.toHtmlEscaped());
    html += QStringLiteral("</ul>");
  }
  QStringList facts;
  facts << tr("kernel %1%2").arg(qs(p->kernel_release).toHtmlEscaped(), p->kernel_outdated ? tr(" (a newer one is installed)") : QString());
  if (p->uptime_days) facts << tr("up %1 days").arg(*p->uptime_days, 0, 'f', 1);
  facts << (p->livepatch_active ? tr("live patching active") : tr("no live patch"));
  if (p->updates_known) facts << tr("%1 pending updates, %2 of them security").arg(p->pending.size()).arg(p->pending_security);
  else if (!p->updates_note.empty()) facts << tr("updates unknown: %1").arg(qs(p->updates_note).toHtmlEscaped());
  if (!p->stale.empty()) facts << tr("%1 processes map replaced files").arg(p->stale.size());
  html += QStringLiteral("<p>%1</p>").arg(facts.join(QStringLiteral(" · ")));
  detail_->setHtml(html);
}

// --- checks --------------------------------------------------------------------

ChecksView::ChecksView(QWidget* parent) : View(parent) {
  proxy_.setSourceModel(&model_);
  auto* layout = new QVBoxLayout(this);
  auto* bar = new QHBoxLayout;
  filter_ = new QLineEdit(this);
  filter_->setPlaceholderText(tr("Filter checks: id, title, section"));
  filter_->setClearButtonEnabled(true);
  bar->addWidget(filter_, 1);
  failing_only_ = new QCheckBox(tr("Failing somewhere"), this);
  bar->addWidget(failing_only_);
  layout->addLayout(bar);
  auto* split = new QSplitter(Qt::Horizontal, this);
  table_ = make_table(split);
  table_->setModel(&proxy_);
  split->addWidget(table_);
  auto* right = new QWidget(split);
  right->setMaximumWidth(360);
  auto* rl = new QVBoxLayout(right);
  rl->setContentsMargins(0, 0, 0, 0);
  hosts_label_ = new QLabel(tr("Select a check to list the hosts where it fails."), right);
  hosts_label_->setWordWrap(true);
  rl->addWidget(hosts_label_);
  hosts_ = new QListWidget(right);
  rl->addWidget(hosts_);
  split->addWidget(right);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  layout->addWidget(split, 1);
  connect(filter_, &QLineEdit::textChanged, &proxy_, &QSortFilterProxyModel::setFilterFixedString);
  connect(failing_only_, &QCheckBox::toggled, this, [this](bool on) {
    // Failing somewhere: hosts failing > 0, by a filter on that column.
    proxy_.setFilterKeyColumn(on ? CheckTableModel::HostsFailing : -1);
    proxy_.setFilterRegularExpression(on ? QStringLiteral("^[1-9]") : QString());
    if (!on) proxy_.setFilterFixedString(filter_->text());
    filter_->setEnabled(!on);
  });
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& i) {
    if (!i.isValid()) return;
    QString id = i.data(kCheckRole).toString();
    if (id.isEmpty() || id == current_check_) return;
    current_check_ = id;
    hosts_->clear();
    hosts_label_->setText(tr("Reading the hosts where %1 fails…").arg(id));
    emit failing_hosts_requested(id);
  });
  connect(hosts_, &QListWidget::itemActivated, this, [this](QListWidgetItem* it) { emit open_host(it->text(), {}); });
}

QWidget* ChecksView::search_field() { return filter_; }

void ChecksView::set_checks(std::vector<CheckSummary> checks) {
  current_check_.clear();
  hosts_->clear();
  model_.set_rows(std::move(checks));
  table_->resizeColumnsToContents();
  table_->setColumnWidth(CheckTableModel::Title, std::min(table_->columnWidth(CheckTableModel::Title), 320));
  table_->setColumnWidth(CheckTableModel::Check, std::min(table_->columnWidth(CheckTableModel::Check), 260));
}

void ChecksView::select_worst() {
  table_->sortByColumn(CheckTableModel::HostsFailing, Qt::DescendingOrder);
  if (proxy_.rowCount() > 0) table_->setCurrentIndex(proxy_.index(0, 0));
}

void ChecksView::set_failing_hosts(const QString& check_id, const std::vector<std::string>& hosts) {
  if (check_id != current_check_) return;
  hosts_->clear();
  hosts_->setUpdatesEnabled(false);
  for (const auto& h : hosts) hosts_->addItem(qs(h));
  hosts_->setUpdatesEnabled(true);
  hosts_label_->setText(hosts.empty() ? tr("%1 fails on no host.").arg(check_id)
                                      : tr("%1 fails on %2 hosts; activate one to open it:").arg(check_id).arg(hosts.size()));
}

// --- trends --------------------------------------------------------------------

TrendsView::TrendsView(QWidget* parent) : View(parent) {
  history_proxy_.setSourceModel(&history_model_);
  diff_proxy_.setSourceModel(&diff_model_);
  auto* layout = new QVBoxLayout(this);
  auto* split = new QSplitter(Qt::Vertical, this);
  auto* upper = new QSplitter(Qt::Horizontal, split);
  chart_ = new QChartView(upper);
  chart_->setRenderHint(QPainter::Antialiasing);
  chart_->setMinimumHeight(240);
  upper->addWidget(chart_);
  history_table_ = make_table(upper);
  history_table_->setModel(&history_proxy_);
  upper->addWidget(history_table_);
  upper->setStretchFactor(0, 3);
  upper->setStretchFactor(1, 2);
  split->addWidget(upper);
  auto* lower = new QWidget(split);
  auto* ll = new QVBoxLayout(lower);
  ll->setContentsMargins(0, 0, 0, 0);
  auto* bar = new QHBoxLayout;
  bar->addWidget(new QLabel(tr("Compare scan"), lower));
  before_ = new QComboBox(lower);
  bar->addWidget(before_);
  bar->addWidget(new QLabel(tr("with"), lower));
  after_ = new QComboBox(lower);
  bar->addWidget(after_);
  auto* go = new QPushButton(tr("Compare"), lower);
  bar->addWidget(go);
  diff_summary_ = new QLabel(lower);
  diff_summary_->setWordWrap(true);
  bar->addWidget(diff_summary_, 1);
  ll->addLayout(bar);
  auto* dsplit = new QSplitter(Qt::Horizontal, lower);
  diff_table_ = make_table(dsplit);
  diff_table_->setModel(&diff_proxy_);
  dsplit->addWidget(diff_table_);
  check_changes_ = new QListWidget(dsplit);
  dsplit->addWidget(check_changes_);
  dsplit->setStretchFactor(0, 3);
  dsplit->setStretchFactor(1, 2);
  ll->addWidget(dsplit, 1);
  split->addWidget(lower);
  layout->addWidget(split);
  connect(go, &QPushButton::clicked, this, [this] {
    if (before_->currentIndex() < 0 || after_->currentIndex() < 0) return;
    emit diff_requested(before_->currentData().toLongLong(), after_->currentData().toLongLong());
  });
  connect(diff_table_, &QTableView::activated, this, [this](const QModelIndex& i) { emit open_host(i.data(kHostRole).toString(), {}); });
}

const QAbstractItemModel* TrendsView::export_model() const {
  return diff_model_.rowCount() > 0 ? static_cast<const QAbstractItemModel*>(&diff_proxy_) : &history_proxy_;
}

void TrendsView::set_history(const std::vector<ScanRecord>& history) {
  history_ = history;
  history_model_.set_rows(history);
  history_table_->resizeColumnsToContents();
  before_->clear();
  after_->clear();
  for (const auto& r : history) {
    QString label = QStringLiteral("#%1  %2").arg(r.info.id).arg(qs(r.info.started_at));
    before_->addItem(label, static_cast<qlonglong>(r.info.id));
    after_->addItem(label, static_cast<qlonglong>(r.info.id));
  }
  if (history.size() >= 2) before_->setCurrentIndex(1);
  diff_model_.set_rows({});
  check_changes_->clear();
  diff_summary_->setText(history.size() < 2 ? tr("One scan so far: a second one gives something to compare.") : QString());
  rebuild_chart();
}

void TrendsView::compare_newest() {
  if (history_.size() >= 2) emit diff_requested(history_[1].info.id, history_[0].info.id);
}

void TrendsView::set_host_history(const QString& host, const std::vector<HostScorePoint>& points) {
  host_ = host;
  host_points_ = points;
  rebuild_chart();
}

void TrendsView::set_diff(const ScanDiff& d) {
  diff_model_.set_rows(d.hosts);
  diff_table_->resizeColumnsToContents();
  diff_proxy_.sort(HostDiffModel::Delta, Qt::AscendingOrder);
  check_changes_->clear();
  for (const auto& c : d.checks)
    check_changes_->addItem(QStringLiteral("%1: %2 → %3 hosts failing (%4)")
                                .arg(c.check_id)
                                .arg(c.failing_before)
                                .arg(c.failing_after)
                                .arg(c.title));
  int worse = 0, better = 0;
  for (const auto& h : d.hosts)
    if (h.score_before && h.score_after) (*h.score_after < *h.score_before ? worse : better) += *h.score_after != *h.score_before;
  diff_summary_->setText(tr("Scan %1 → %2: fleet score %3 → %4; %5 hosts changed (%6 worse, %7 better); %8 checks fail on a different "
                            "number of hosts")
                             .arg(d.before.info.id)
                             .arg(d.after.info.id)
                             .arg(d.before.summary.score, 0, 'f', 1)
                             .arg(d.after.summary.score, 0, 'f', 1)
                             .arg(d.hosts.size())
                             .arg(worse)
                             .arg(better)
                             .arg(d.checks.size()));
}

void TrendsView::rebuild_chart() {
  auto* chart = new QChart;
  auto to_ms = [](const std::string& iso) {
    return static_cast<qreal>(QDateTime::fromString(qs(iso), Qt::ISODate).toMSecsSinceEpoch());
  };
  auto* fleet = new QLineSeries(chart);
  fleet->setName(tr("fleet score"));
  qreal lo = 100, hi = 0, tmin = 0, tmax = 0;
  bool first = true;
  auto extend = [&](qreal t, qreal v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    tmin = first ? t : std::min(tmin, t);
    tmax = first ? t : std::max(tmax, t);
    first = false;
  };
  auto* fleet_points = new QScatterSeries(chart);
  fleet_points->setMarkerSize(7);
  for (auto it = history_.rbegin(); it != history_.rend(); ++it) {
    qreal t = to_ms(it->info.started_at);
    fleet->append(t, it->summary.score);
    fleet_points->append(t, it->summary.score);
    extend(t, it->summary.score);
  }
  chart->addSeries(fleet);
  chart->addSeries(fleet_points);
  QLineSeries* host = nullptr;
  QScatterSeries* host_points = nullptr;
  if (!host_.isEmpty() && !host_points_.empty()) {
    host = new QLineSeries(chart);
    host->setName(tr("%1 score").arg(host_));
    for (auto it = host_points_.rbegin(); it != host_points_.rend(); ++it) {
      qreal t = to_ms(it->started_at);
      host->append(t, it->score);
      extend(t, it->score);
    }
    chart->addSeries(host);
    host_points = new QScatterSeries(chart);
    host_points->setMarkerSize(7);
    for (const auto& p : host->points()) host_points->append(p);
    chart->addSeries(host_points);
  }
  auto* x = new QDateTimeAxis(chart);
  x->setFormat(QStringLiteral("MMM d"));
  x->setTickCount(std::clamp<int>(static_cast<int>(history_.size()), 2, 6));
  if (tmax <= tmin) tmax = tmin + 3600e3;
  const qreal pad = (tmax - tmin) * 0.05;  // the first and last points not on the frame
  tmin -= pad;
  tmax += pad;
  x->setRange(QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(tmin)), QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(tmax)));
  chart->addAxis(x, Qt::AlignBottom);
  auto* y = new QValueAxis(chart);
  y->setRange(std::max<qreal>(0, std::floor((lo - 2) / 10) * 10), std::min<qreal>(100, std::ceil((hi + 2) / 10) * 10));
  y->setTickType(QValueAxis::TicksDynamic);
  y->setTickAnchor(0);
  y->setTickInterval(y->max() - y->min() > 50 ? 20 : y->max() - y->min() > 20 ? 10 : 5);
  y->setTitleText(tr("score"));
  y->setLabelFormat(QStringLiteral("%.0f"));
  chart->addAxis(y, Qt::AlignLeft);
  for (QAbstractSeries* s : chart->series()) {
    s->attachAxis(x);
    s->attachAxis(y);
  }
  for (QAbstractSeries* s : {static_cast<QAbstractSeries*>(fleet_points), static_cast<QAbstractSeries*>(host_points)})
    if (s)
      for (QLegendMarker* m : chart->legend()->markers(s)) m->setVisible(false);
  chart->setTitle(history_.empty() ? tr("No scans yet") : tr("Score over the last %1 scans").arg(history_.size()));
  style_chart(chart);
  fleet->setColor(QColor(0x1e, 0x88, 0xe5));
  fleet_points->setColor(QColor(0x1e, 0x88, 0xe5));
  if (host) host->setColor(QColor(0xe5, 0x39, 0x35));
  if (host_points) host_points->setColor(QColor(0xe5, 0x39, 0x35));
  QChart* old = chart_->chart();
  chart_->setChart(chart);
  delete old;
}

void TrendsView::palette_changed() { rebuild_chart(); }

}  // namespace fleetaudit::gui

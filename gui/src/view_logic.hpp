#pragma once
// View logic with no widgets: host filtering, heat map colours, risk
// ranking. Unit-tested on its own.

#include <QColor>
#include <QString>
#include <QStringList>

#include <vector>

#include "fleet_data.hpp"

namespace fleetaudit::gui {

/// The host table's filter: free text plus facets. Text words must all
/// match (case-insensitive substrings of name, group, role, state, kernel);
/// a word "key:value" is a facet term (state:, role:, group:, kernel:,
/// sev: for "fails at least one check of this severity or worse",
/// score< / score> for a score bound: "score<80").
class HostFilter {
 public:
  /// Parses the text box; returns false with `error` set for a term it
  /// cannot read (an unknown severity, a score that is no number).
  bool set_text(const QString& text, QString* error = nullptr);
  void set_state(const QString& s) { state_ = s; }     ///< empty: any
  void set_role(const QString& r) { role_ = r; }       ///< empty: any
  void set_min_severity(int s) { min_severity_ = s; }  ///< -1: any
  bool matches(const HostRow& row) const;
  bool empty() const;

 private:
  QStringList words_;
  QString state_, role_, group_term_, state_term_, role_term_, kernel_term_;
  int min_severity_ = -1;
  int term_severity_ = -1;
  double score_below_ = 1e9, score_above_ = -1e9;
};

/// Heat map colour for `fail` failures out of `counted` results: green when
/// nothing fails, through yellow and orange to red as the failing share
/// grows. An invalid colour when nothing was counted (the view leaves the
/// cell empty).
QColor heat_color(int fail, int counted);
/// Black or white, whichever reads better on `background`.
QColor contrast_text(const QColor& background);

/// Hosts ordered for the risk view: highest risk first; then more pending
/// security updates, then a running kernel older than the installed one,
/// then by name. Returns indexes into `hosts`.
std::vector<std::size_t> rank_by_risk(const std::vector<HostProfile>& hosts);

/// The contributions of a host's risk, one line each ("+25 uptime: up 120
/// days ..."), largest first.
QStringList explain_risk(const HostProfile& host);

/// Colour of a result kind in tables (palette-neutral mid tones).
QColor result_color(ResultKind r);
/// Colour of a severity.
QColor severity_color(Severity s);

}  // namespace fleetaudit::gui

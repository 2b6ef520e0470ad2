#include "view_logic.hpp"

#include <algorithm>
#include <numeric>

namespace fleetaudit::gui {

bool HostFilter::set_text(const QString& text, QString* error) {
  words_.clear();
  group_term_.clear();
  state_term_.clear();
  role_term_.clear();
  kernel_term_.clear();
  term_severity_ = -1;
  score_below_ = 1e9;
  score_above_ = -1e9;
  bool ok = true;
  const auto parts = text.toLower().split(QLatin1Char(' '), Qt::SkipEmptyParts);
  for (const QString& w : parts) {
    if (w.startsWith(QLatin1String("score<")) || w.startsWith(QLatin1String("score>"))) {
      bool num = false;
      double v = w.mid(6).toDouble(&num);
      if (!num) {
        if (error) *error = QStringLiteral("'%1': the score bound is not a number").arg(w);
        ok = false;
        continue;
      }
      (w[5] == QLatin1Char('<') ? score_below_ : score_above_) = v;
      continue;
    }
    int colon = w.indexOf(QLatin1Char(':'));
    if (colon > 0) {
      QString key = w.left(colon), value = w.mid(colon + 1);
      if (key == QLatin1String("state")) { state_term_ = value; continue; }
      if (key == QLatin1String("role")) { role_term_ = value; continue; }
      if (key == QLatin1String("group")) { group_term_ = value; continue; }
      if (key == QLatin1String("kernel")) { kernel_term_ = value; continue; }
      if (key == QLatin1String("sev") || key == QLatin1String("severity")) {
        auto s = parse_severity(value.toStdString());
        if (!s) {
          if (error) *error = QStringLiteral("'%1': severities are info, low, medium, high, critical").arg(value);
          ok = false;
          continue;
        }
        term_severity_ = static_cast<int>(*s);
        continue;
      }
    }
    words_ << w;
  }
  return ok;
}

bool HostFilter::empty() const {
  return words_.isEmpty() && state_.isEmpty() && role_.isEmpty() && group_term_.isEmpty() && state_term_.isEmpty() &&
         role_term_.isEmpty() && kernel_term_.isEmpty() && min_severity_ < 0 && term_severity_ < 0 && score_below_ >= 1e9 &&
         score_above_ <= -1e9;
}

bool HostFilter::matches(const HostRow& row) const {
  if (!state_.isEmpty() && row.state != state_) return false;
  if (!role_.isEmpty() && !row.role.split(QStringLiteral(", ")).contains(role_)) return false;
  int sev = std::max(min_severity_, term_severity_);
  if (sev >= 0 && row.worst_severity < sev) return false;
  double score = row.summary.summary.score;
  if (!(score < score_below_) || !(score > score_above_)) return false;
  if (!state_term_.isEmpty() && !row.state.contains(state_term_, Qt::CaseInsensitive)) return false;
  if (!role_term_.isEmpty() && !row.role.contains(role_term_, Qt::CaseInsensitive)) return false;
  if (!group_term_.isEmpty() && !row.group.contains(group_term_, Qt::CaseInsensitive)) return false;
  if (!kernel_term_.isEmpty() && !row.kernel.contains(kernel_term_, Qt::CaseInsensitive)) return false;
  for (const QString& w : words_)
    if (!row.haystack.contains(w)) return false;
  return true;
}

QColor heat_color(int fail, int counted) {
  if (counted <= 0) return {};
  double share = std::clamp(static_cast<double>(fail) / counted, 0.0, 1.0);
  if (fail == 0) return QColor(0x2e, 0x9e, 0x4f);  // all good: green
  // Any failure leaves green: yellow at the first failures, red when all fail.
  // Hue 55 (yellow) down to 0 (red); saturation and value stay readable.
  int hue = static_cast<int>(55.0 * (1.0 - share) + 0.5);
  return QColor::fromHsv(hue, 200, 235 - static_cast<int>(35 * share));
}

QColor contrast_text(const QColor& background) {
  // Relative luminance (sRGB weights) decides.
  double l = 0.2126 * background.redF() + 0.7152 * background.greenF() + 0.0722 * background.blueF();
  return l > 0.55 ? QColor(Qt::black) : QColor(Qt::white);
}

std::vector<std::size_t> rank_by_risk(const std::vector<HostProfile>& hosts) {
  std::vector<std::size_t> order(hosts.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = hosts[a];
    const auto& y = hosts[b];
    if (x.risk != y.risk) return x.risk > y.risk;
    if (x.pending_security != y.pending_security) return x.pending_security > y.pending_security;
    if (x.kernel_outdated != y.kernel_outdated) return x.kernel_outdated;
    return x.host < y.host;
  });
  return order;
}

QStringList explain_risk(const HostProfile& host) {
  std::vector<const RiskContribution*> parts;
  for (const auto& c : host.risk_contributions) parts.push_back(&c);
  std::stable_sort(parts.begin(), parts.end(), [](auto* a, auto* b) { return a->points > b->points; });
  QStringList out;
  for (const auto* c : parts)
    out << QStringLiteral("+%1 %2: %3").arg(c->points).arg(QString::fromStdString(c->factor), QString::fromStdString(c->why));
  return out;
}

QColor result_color(ResultKind r) {
  switch (r) {
    case ResultKind::pass: return QColor(0x2e, 0x9e, 0x4f);
    case ResultKind::fail: return QColor(0xd3, 0x2f, 0x2f);
    case ResultKind::error: return QColor(0xe6, 0x7e, 0x00);
    case ResultKind::waived: return QColor(0x7e, 0x57, 0xc2);
    case ResultKind::manual: return QColor(0x1e, 0x88, 0xe5);
    case ResultKind::not_applicable: return QColor(0x90, 0x90, 0x90);
  }
  return {};
}

QColor severity_color(Severity s) {
  switch (s) {
    case Severity::critical: return QColor(0xb7, 0x1c, 0x1c);
    case Severity::high: return QColor(0xe5, 0x39, 0x35);
    case Severity::medium: return QColor(0xef, 0x8f, 0x00);
    case Severity::low: return QColor(0xc0, 0xa0, 0x00);
    case Severity::info: return QColor(0x78, 0x90, 0x9c);
  }
  return {};
}

}  // namespace fleetaudit::gui

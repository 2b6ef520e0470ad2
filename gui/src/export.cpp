#include "export.hpp"

namespace fleetaudit::gui {

namespace {

QString csv_cell(QString v) {
  if (!v.isEmpty() && (v[0] == QLatin1Char('=') || v[0] == QLatin1Char('+') || v[0] == QLatin1Char('-') || v[0] == QLatin1Char('@'))) {
    // A negative number is a number, not a formula.
    bool num = false;
    v.toDouble(&num);
    if (!num) v.prepend(QLatin1Char('\''));
  }
  if (v.contains(QLatin1Char('"')) || v.contains(QLatin1Char(',')) || v.contains(QLatin1Char('\n')) || v.contains(QLatin1Char('\r'))) {
    v.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    v = QLatin1Char('"') + v + QLatin1Char('"');
  }
  return v;
}

}  // namespace

QString model_to_csv(const QAbstractItemModel& model) {
  QString out;
  const int cols = model.columnCount();
  for (int c = 0; c < cols; ++c) {
    if (c) out += QLatin1Char(',');
    out += csv_cell(model.headerData(c, Qt::Horizontal, Qt::DisplayRole).toString());
  }
  out += QStringLiteral("\r\n");
  for (int r = 0; r < model.rowCount(); ++r) {
    for (int c = 0; c < cols; ++c) {
      if (c) out += QLatin1Char(',');
      QVariant v = model.data(model.index(r, c), Qt::ToolTipRole);
      // The tool tip carries the whole text where the cell shows it cut (evidence).
      QString text = model.data(model.index(r, c), Qt::DisplayRole).toString();
      if (v.isValid() && text.endsWith(QStringLiteral(" …"))) text = v.toString();
      out += csv_cell(text);
    }
    out += QStringLiteral("\r\n");
  }
  return out;
}

QString model_to_html(const QAbstractItemModel& model, const QString& title, const QString& subtitle) {
  QString out = QStringLiteral(
                    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
                    "<title>%1</title>\n<style>\n"
                    ":root{color-scheme:light dark}body{font-family:sans-serif;margin:1.5em}\n"
                    "table{border-collapse:collapse;font-size:0.9em}th,td{border:1px solid #8884;padding:0.25em 0.5em;"
                    "text-align:left;vertical-align:top}\nth{background:#8882}td{white-space:pre-wrap}\n"
                    "</style></head><body>\n<h1>%1</h1>\n")
                    .arg(title.toHtmlEscaped());
  if (!subtitle.isEmpty()) out += QStringLiteral("<p>%1</p>\n").arg(subtitle.toHtmlEscaped());
  out += QStringLiteral("<p>%1 rows</p>\n<table>\n<thead><tr>").arg(model.rowCount());
  const int cols = model.columnCount();
  for (int c = 0; c < cols; ++c)
    out += QStringLiteral("<th>%1</th>").arg(model.headerData(c, Qt::Horizontal, Qt::DisplayRole).toString().toHtmlEscaped());
  out += QStringLiteral("</tr></thead>\n<tbody>\n");
  for (int r = 0; r < model.rowCount(); ++r) {
    out += QStringLiteral("<tr>");
    for (int c = 0; c < cols; ++c) {
      QString text = model.data(model.index(r, c), Qt::DisplayRole).toString();
      QVariant tip = model.data(model.index(r, c), Qt::ToolTipRole);
      if (tip.isValid() && text.endsWith(QStringLiteral(" …"))) text = tip.toString();
      out += QStringLiteral("<td>%1</td>").arg(text.toHtmlEscaped());
    }
    out += QStringLiteral("</tr>\n");
  }
  out += QStringLiteral("</tbody></table>\n</body></html>\n");
  return out;
}

}  // namespace fleetaudit::gui

#pragma once
// Export of what a view shows (its proxy model: filtered and sorted as on
// screen) to CSV and HTML.

#include <QAbstractItemModel>
#include <QString>

namespace fleetaudit::gui {

/// RFC 4180 CSV (CRLF, quotes doubled), a header row of the model's column
/// titles, one row per model row. A cell a spreadsheet would run as a
/// formula (starting with = + - @) gets a leading apostrophe.
QString model_to_csv(const QAbstractItemModel& model);

/// A standalone HTML page (UTF-8, no script) with `title`, an optional
/// `subtitle` and the model as a table; every cell escaped.
QString model_to_html(const QAbstractItemModel& model, const QString& title, const QString& subtitle = {});

}  // namespace fleetaudit::gui

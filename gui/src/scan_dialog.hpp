#pragma once
// Scans from the dashboard: pick an inventory (or this machine) and a
// profile, run the library's scan API in a worker thread with a progress bar
// and cancel. The window stays responsive; the scan is stored in the open
// store as it runs, and the window reloads when it ends.

#include <QDialog>

#include <atomic>
#include <filesystem>
#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QThread;

namespace fleetaudit {
class ContentSet;
}

namespace fleetaudit::gui {

class ScanDialog : public QDialog {
  Q_OBJECT
 public:
  ScanDialog(std::shared_ptr<const ContentSet> content, std::filesystem::path store, QWidget* parent = nullptr);
  ~ScanDialog() override;
  bool running() const;
  /// Asks a running scan to stop and waits for it (the hosts already done stay stored).
  void cancel_and_wait();

 signals:
  /// A scan ended (complete or cancelled) and was stored.
  void scan_stored(const QString& store, qint64 scan_id);

 protected:
  void closeEvent(QCloseEvent* e) override;
  void reject() override;

 private:
  void start();
  void cancel();
  void finished(bool ok, const QString& message, qint64 scan_id);
  void progress(qulonglong done, qulonglong total, qulonglong failed, const QString& host, const QString& state);

  std::shared_ptr<const ContentSet> content_;
  std::filesystem::path store_;
  QRadioButton* local_ = nullptr;
  QRadioButton* inventory_ = nullptr;
  QRadioButton* root_ = nullptr;
  QLineEdit* root_path_ = nullptr;
  QLineEdit* inventory_path_ = nullptr;
  QLineEdit* limit_ = nullptr;
  QComboBox* profile_ = nullptr;
  QSpinBox* level_ = nullptr;
  QSpinBox* parallel_ = nullptr;
  QSpinBox* connect_timeout_ = nullptr;
  QCheckBox* accept_keys_ = nullptr;
  QCheckBox* sudo_ = nullptr;
  QProgressBar* bar_ = nullptr;
  QLabel* status_ = nullptr;
  QPlainTextEdit* log_ = nullptr;
  QPushButton* run_ = nullptr;
  QPushButton* stop_ = nullptr;
  QThread* worker_ = nullptr;
  std::shared_ptr<std::atomic<bool>> cancel_;
};

}  // namespace fleetaudit::gui

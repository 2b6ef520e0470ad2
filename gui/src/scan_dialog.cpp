#include "scan_dialog.hpp"

#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

#include "fleetaudit/content.hpp"
#include "fleetaudit/inventory.hpp"
#include "fleetaudit/scan.hpp"

namespace fleetaudit::gui {

ScanDialog::ScanDialog(std::shared_ptr<const ContentSet> content, std::filesystem::path store, QWidget* parent)
    : QDialog(parent), content_(std::move(content)), store_(std::move(store)) {
  setWindowTitle(tr("New scan"));
  setModal(false);
  QSettings settings;
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  local_ = new QRadioButton(tr("This machine"), this);
  inventory_ = new QRadioButton(tr("The hosts of an inventory (SSH)"), this);
  root_ = new QRadioButton(tr("A root directory (a mounted image or chroot)"), this);
  local_->setObjectName(QStringLiteral("targetLocal"));
  inventory_->setObjectName(QStringLiteral("targetInventory"));
  root_->setObjectName(QStringLiteral("targetRoot"));
  auto* target = new QVBoxLayout;
  target->addWidget(inventory_);
  target->addWidget(root_);
  target->addWidget(local_);
  form->addRow(tr("Scan"), target);
  auto* inv = new QHBoxLayout;
  inventory_path_ = new QLineEdit(settings.value(QStringLiteral("scan/inventory")).toString(), this);
  inventory_path_->setPlaceholderText(tr("fleetaudit YAML or Ansible INI/YAML inventory"));
  auto* browse = new QPushButton(tr("Browse…"), this);
  inv->addWidget(inventory_path_, 1);
  inv->addWidget(browse);
  form->addRow(tr("Inventory"), inv);
  root_path_ = new QLineEdit(settings.value(QStringLiteral("scan/root")).toString(), this);
  root_path_->setPlaceholderText(tr("directory holding the image's /etc, /usr ..."));
  root_path_->setObjectName(QStringLiteral("rootPath"));
  form->addRow(tr("Root"), root_path_);
  inventory_path_->setObjectName(QStringLiteral("inventoryPath"));
  limit_ = new QLineEdit(settings.value(QStringLiteral("scan/limit")).toString(), this);
  limit_->setPlaceholderText(tr("all hosts; or names, groups, tags, globs: web-*,!legacy"));
  form->addRow(tr("Limit"), limit_);
  profile_ = new QComboBox(this);
  profile_->addItem(tr("every check (no profile)"), QString());
  if (content_)
    for (const auto& p : content_->profiles())
      profile_->addItem(QStringLiteral("%1 — %2").arg(QString::fromStdString(p.id), QString::fromStdString(p.title)), QString::fromStdString(p.id));
  int at = profile_->findData(settings.value(QStringLiteral("scan/profile"), QStringLiteral("cis-debian-12")).toString());
  profile_->setCurrentIndex(at >= 0 ? at : 0);
  form->addRow(tr("Profile"), profile_);
  profile_->setObjectName(QStringLiteral("profile"));
  level_ = new QSpinBox(this);
  level_->setRange(0, 3);
  level_->setSpecialValueText(tr("every level"));
  form->addRow(tr("Level"), level_);
  parallel_ = new QSpinBox(this);
  parallel_->setRange(1, 256);
  parallel_->setValue(settings.value(QStringLiteral("scan/parallel"), 16).toInt());
  form->addRow(tr("Hosts at once"), parallel_);
  parallel_->setObjectName(QStringLiteral("parallel"));
  connect_timeout_ = new QSpinBox(this);
  connect_timeout_->setRange(1, 300);
  connect_timeout_->setSuffix(tr(" s"));
  connect_timeout_->setValue(settings.value(QStringLiteral("scan/connect_timeout"), 10).toInt());
  connect_timeout_->setObjectName(QStringLiteral("connectTimeout"));
  form->addRow(tr("Connect timeout"), connect_timeout_);
  accept_keys_ = new QCheckBox(tr("Record unknown host keys (a changed key is always refused)"), this);
  form->addRow(QString(), accept_keys_);
  sudo_ = new QCheckBox(tr("Collect through sudo -n"), this);
  form->addRow(QString(), sudo_);
  layout->addLayout(form);
  layout->addWidget(new QLabel(tr("Stored in %1").arg(QString::fromStdString(store_.string())), this));
  bar_ = new QProgressBar(this);
  bar_->setRange(0, 1);
  bar_->setValue(0);
  layout->addWidget(bar_);
  status_ = new QLabel(tr("Ready"), this);
  layout->addWidget(status_);
  log_ = new QPlainTextEdit(this);
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(2000);
  layout->addWidget(log_, 1);
  auto* buttons = new QDialogButtonBox(this);
  run_ = buttons->addButton(tr("Run scan"), QDialogButtonBox::AcceptRole);
  stop_ = buttons->addButton(tr("Cancel scan"), QDialogButtonBox::ActionRole);
  stop_->setEnabled(false);
  auto* close = buttons->addButton(QDialogButtonBox::Close);
  layout->addWidget(buttons);
  QString last = settings.value(QStringLiteral("scan/target"), QStringLiteral("inventory")).toString();
  (last == QLatin1String("local") ? local_ : last == QLatin1String("root") ? root_ : inventory_)->setChecked(true);
  bar_->setObjectName(QStringLiteral("progress"));
  run_->setObjectName(QStringLiteral("run"));
  stop_->setObjectName(QStringLiteral("cancel"));
  status_->setObjectName(QStringLiteral("status"));
  auto sync = [this] {
    bool inv_on = inventory_->isChecked();
    root_path_->setEnabled(root_->isChecked());
    inventory_path_->setEnabled(inv_on);
    limit_->setEnabled(inv_on);
    accept_keys_->setEnabled(inv_on);
    sudo_->setEnabled(inv_on);
    parallel_->setEnabled(inv_on);
    connect_timeout_->setEnabled(inv_on);
  };
  connect(inventory_, &QRadioButton::toggled, this, sync);
  connect(root_, &QRadioButton::toggled, this, sync);
  sync();
  connect(browse, &QPushButton::clicked, this, [this] {
    QString f = QFileDialog::getOpenFileName(this, tr("Inventory"), inventory_path_->text(),
                                             tr("Inventories (*.yaml *.yml *.ini hosts);;All files (*)"));
    if (!f.isEmpty()) inventory_path_->setText(f);
  });
  connect(run_, &QPushButton::clicked, this, &ScanDialog::start);
  connect(stop_, &QPushButton::clicked, this, &ScanDialog::cancel);
  connect(close, &QPushButton::clicked, this, &ScanDialog::close);
  resize(640, 520);
}

ScanDialog::~ScanDialog() {
  cancel_and_wait();
  delete worker_;
}

bool ScanDialog::running() const { return worker_ && worker_->isRunning(); }

void ScanDialog::cancel_and_wait() {
  if (cancel_) cancel_->store(true);
  if (worker_) worker_->wait();
}

void ScanDialog::closeEvent(QCloseEvent* e) {
  // Closing the dialog does not stop a scan: it keeps running and the window
  // reloads when it ends. Cancel is a button of its own.
  hide();
  e->ignore();
}

void ScanDialog::reject() { hide(); }

void ScanDialog::start() {
  if (running()) return;
  if (!content_) {
    status_->setText(tr("No check content loaded: see the status bar of the main window"));
    return;
  }
  ScanRequest req;
  QString profile = profile_->currentData().toString();
  req.profile = profile.toStdString();
  req.level = level_->value();
  req.store = store_;
  if (inventory_->isChecked()) {
    QString path = inventory_path_->text().trimmed();
    if (path.isEmpty()) {
      status_->setText(tr("Choose an inventory file"));
      return;
    }
    auto inv = load_inventory(path.toStdString());
    if (!inv.ok()) {
      log_->clear();
      for (const auto& d : inv.diagnostics) log_->appendPlainText(QString::fromStdString(d.str()));
      status_->setText(tr("The inventory has %1 problem(s)").arg(inv.diagnostics.size()));
      return;
    }
    for (const auto& w : inv.warnings) log_->appendPlainText(tr("warning: %1").arg(QString::fromStdString(w.str())));
    auto hosts = inv.inventory.select(limit_->text().trimmed().toStdString());
    if (hosts.empty()) {
      status_->setText(limit_->text().trimmed().isEmpty() ? tr("The inventory lists no host") : tr("The limit matches no host"));
      return;
    }
    req.targets = ssh_targets(hosts);
    req.parallel = static_cast<unsigned>(parallel_->value());
    req.keep_snapshots = false;
    req.keep_results = false;
    req.ssh.accept_new_host_keys = accept_keys_->isChecked();
    req.ssh.sudo = sudo_->isChecked();
    req.ssh.connect_timeout = connect_timeout_->value();
  } else if (root_->isChecked()) {
    QString path = root_path_->text().trimmed();
    std::error_code ec;
    if (path.isEmpty() || !std::filesystem::is_directory(path.toStdString(), ec)) {
      status_->setText(tr("%1: not a directory").arg(path.isEmpty() ? tr("the root") : path));
      return;
    }
    Target t;
    t.kind = Target::Kind::root_dir;
    t.root = path.toStdString();
    req.targets.push_back(std::move(t));
  } else {
    req.targets.push_back(Target{});
  }
  QSettings settings;
  settings.setValue(QStringLiteral("scan/inventory"), inventory_path_->text());
  settings.setValue(QStringLiteral("scan/limit"), limit_->text());
  settings.setValue(QStringLiteral("scan/profile"), profile);
  settings.setValue(QStringLiteral("scan/parallel"), parallel_->value());
  settings.setValue(QStringLiteral("scan/connect_timeout"), connect_timeout_->value());
  settings.setValue(QStringLiteral("scan/root"), root_path_->text());
  settings.setValue(QStringLiteral("scan/target"), local_->isChecked() ? QStringLiteral("local")
                                                   : root_->isChecked() ? QStringLiteral("root")
                                                                        : QStringLiteral("inventory"));

  cancel_ = std::make_shared<std::atomic<bool>>(false);
  req.cancel = cancel_.get();
  bar_->setRange(0, static_cast<int>(req.targets.size()));
  bar_->setValue(0);
  log_->appendPlainText(tr("Scanning %1 host(s) with %2…").arg(req.targets.size()).arg(profile.isEmpty() ? tr("every check") : profile));
  status_->setText(tr("Running"));
  run_->setEnabled(false);
  stop_->setEnabled(true);
  req.on_progress = [this](const ScanProgress& p) {
    // From a worker thread: queued to the dialog, which outlives the worker (its destructor waits).
    QMetaObject::invokeMethod(
        this,
        [this, done = p.done, total = p.total, failed = p.failed, host = QString::fromStdString(p.last_host),
         state = QString::fromStdString(p.last_state)] { progress(done, total, failed, host, state); },
        Qt::QueuedConnection);
  };
  auto content = content_;
  auto cancel = cancel_;
  delete worker_;
  worker_ = QThread::create([this, content, cancel, req = std::move(req)]() mutable {
    bool ok = false;
    QString message;
    qint64 id = 0;
    try {
      auto report = run_scan(*content, req);
      if (!report) message = QString::fromStdString(report.error().message);
      else {
        ok = true;
        id = report->scan.id;
        message = tr("Scan %1 stored: score %2, %3 failures over %4 host(s)%5")
                      .arg(id)
                      .arg(report->summary.score, 0, 'f', 1)
                      .arg(report->summary.fail)
                      .arg(report->hosts.size())
                      .arg(cancel->load() ? tr(" (cancelled: the hosts done are kept)") : QString());
      }
    } catch (const std::exception& e) {
      message = tr("scan failed: %1").arg(QString::fromUtf8(e.what()));
    }
    QMetaObject::invokeMethod(this, [this, ok, message, id] { finished(ok, message, id); }, Qt::QueuedConnection);
  });
  worker_->start();
}

void ScanDialog::cancel() {
  if (!cancel_) return;
  cancel_->store(true);
  status_->setText(tr("Cancelling: the hosts under way finish, the rest are skipped…"));
  stop_->setEnabled(false);
}

void ScanDialog::progress(qulonglong done, qulonglong total, qulonglong failed, const QString& host, const QString& state) {
  bar_->setRange(0, static_cast<int>(total));
  bar_->setValue(static_cast<int>(done));
  status_->setText(tr("%1 of %2 hosts, %3 failed").arg(done).arg(total).arg(failed));
  log_->appendPlainText(QStringLiteral("[%1/%2] %3: %4").arg(done).arg(total).arg(host, state));
}

void ScanDialog::finished(bool ok, const QString& message, qint64 scan_id) {
  run_->setEnabled(true);
  stop_->setEnabled(false);
  status_->setText(ok ? tr("Done") : tr("Failed"));
  log_->appendPlainText(message);
  if (ok) emit scan_stored(QString::fromStdString(store_.string()), scan_id);
}

}  // namespace fleetaudit::gui

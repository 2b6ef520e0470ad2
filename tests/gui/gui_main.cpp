// Catch2 with a QApplication: the GUI tests run offscreen (CI has no display).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <QApplication>
#include <QSettings>
#include <QStandardPaths>

#include <cstdlib>

int main(int argc, char** argv) {
  if (!std::getenv("QT_QPA_PLATFORM")) setenv("QT_QPA_PLATFORM", "offscreen", 1);
  QApplication app(argc, argv);
  // Never the tester's own settings: Qt's test locations (~/.qttest) and an
  // organization of their own, cleared before the run.
  QStandardPaths::setTestModeEnabled(true);
  QApplication::setOrganizationName(QStringLiteral("fleetaudit-test"));
  QApplication::setApplicationName(QStringLiteral("fleetaudit-gui-test"));
  QSettings().clear();
  return Catch::Session().run(argc, argv);
}

// Catch2 with a QApplication: the GUI tests run offscreen (CI has no display).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <QApplication>

#include <cstdlib>

int main(int argc, char** argv) {
  if (!std::getenv("QT_QPA_PLATFORM")) setenv("QT_QPA_PLATFORM", "offscreen", 1);
  // Never the tester's own settings: a scratch configuration directory.
  setenv("XDG_CONFIG_HOME", "/nonexistent-fleetaudit-gui-test-config", 0);
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("fleetaudit-test"));
  QApplication::setApplicationName(QStringLiteral("fleetaudit-gui-test"));
  return Catch::Session().run(argc, argv);
}

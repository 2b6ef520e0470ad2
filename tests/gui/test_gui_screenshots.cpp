// fleetaudit-gui --screenshot: the real binary renders every view of a real
// store offscreen. Each PNG must show the view: not blank, text in it, and
// clearly different from the same view of an empty store.

#include <catch2/catch.hpp>

#include <QImage>

#include <map>
#include <set>

#include "fleetaudit/store.hpp"
#include "gui_fixture.hpp"
#include "support/fixture_tree.hpp"
#include "support/process.hpp"

using namespace fleetaudit;
namespace ft = fleetaudit::testing;

namespace {

const char* const kViews[] = {"1-overview", "2-hosts", "3-heatmap", "4-host-detail", "5-uniformity", "6-risk", "7-checks", "8-trends"};

ft::ProcessResult shoot(const std::filesystem::path& db, const std::filesystem::path& out, bool dark = false) {
  std::vector<std::string> argv = {FLEETAUDIT_GUI, "--db", db.string(), "--screenshot", out.string(), "--content", ft::source_dir().string()};
  if (dark) argv.push_back("--dark");
  return ft::run_process(argv, {std::string("QT_QPA_PLATFORM=offscreen:configfile=") + FLEETAUDIT_GUI_SCREEN});
}

struct Stats {
  int colours = 0;
  double ink = 0;  // share of pixels far from the background colour
  QRgb background = 0;
};

Stats stats(const QImage& img) {
  std::map<QRgb, int> counts;
  for (int y = 0; y < img.height(); y += 2)
    for (int x = 0; x < img.width(); x += 2) ++counts[img.pixel(x, y) & 0xffffff];
  Stats s;
  s.colours = static_cast<int>(counts.size());
  int best = 0, far = 0, total = 0;
  for (auto [c, n] : counts)
    if (n > best) {
      best = n;
      s.background = c;
    }
  for (auto [c, n] : counts) {
    total += n;
    int d = std::abs(qRed(c) - qRed(s.background)) + std::abs(qGreen(c) - qGreen(s.background)) + std::abs(qBlue(c) - qBlue(s.background));
    if (d > 120) far += n;
  }
  s.ink = static_cast<double>(far) / total;
  return s;
}

double difference(const QImage& a, const QImage& b) {
  if (a.size() != b.size()) return 1;
  int diff = 0, total = 0;
  for (int y = 0; y < a.height(); y += 2)
    for (int x = 0; x < a.width(); x += 2) {
      ++total;
      diff += (a.pixel(x, y) & 0xffffff) != (b.pixel(x, y) & 0xffffff);
    }
  return static_cast<double>(diff) / total;
}

}  // namespace

TEST_CASE("gui screenshots: every view of a fixture store renders with text, unlike an empty store", "[gui][screenshot]") {
  ft::TempDir t;
  auto fx = ft::make_gui_fixture_store(t.path() / "fleet", ft::repository_content());
  auto run = shoot(fx.db, t.path() / "shots");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  // FLEETAUDIT_GUI_KEEP=DIR keeps the store and the pictures to look at.
  if (const char* keep = std::getenv("FLEETAUDIT_GUI_KEEP")) {
    std::filesystem::create_directories(keep);
    std::filesystem::copy(t.path() / "shots", keep, std::filesystem::copy_options::overwrite_existing | std::filesystem::copy_options::recursive);
    std::filesystem::copy_file(fx.db, std::filesystem::path(keep) / "fleet.db", std::filesystem::copy_options::overwrite_existing);
  }
  // An empty store (no scan yet) as the blank reference.
  { REQUIRE(Store::open(t.path() / "empty.db")); }
  auto blank_run = shoot(t.path() / "empty.db", t.path() / "blank");
  INFO(blank_run.err);
  REQUIRE(blank_run.exit_code == 0);

  for (const char* view : kViews) {
    INFO(view);
    QImage img(QString::fromStdString((t.path() / "shots" / (std::string(view) + ".png")).string()));
    QImage blank(QString::fromStdString((t.path() / "blank" / (std::string(view) + ".png")).string()));
    REQUIRE(!img.isNull());
    REQUIRE(!blank.isNull());
    CHECK(img.width() >= 1200);  // the 1280x800 offscreen screen
    CHECK(img.height() >= 700);
    Stats s = stats(img);
    Stats b = stats(blank);
    INFO("colours " << s.colours << " ink " << s.ink << " blank colours " << b.colours << " blank ink " << b.ink);
    CHECK(s.colours > 60);                    // anti-aliased text and colour, not a flat fill
    CHECK(s.ink > 0.01);                      // dark glyphs on the light background
    CHECK(s.ink > b.ink);                     // more drawn than the empty store's view
    CHECK(difference(img, blank) > 0.02);     // and visibly different from it
    // The tab bar's text is there (the top strip is not flat).
    QImage strip = img.copy(0, 0, img.width(), 60);
    CHECK(stats(strip).colours > 10);
  }
  // Views with tables of hosts or charts carry much more than the empty one.
  QImage hosts(QString::fromStdString((t.path() / "shots" / "2-hosts.png").string()));
  QImage heat(QString::fromStdString((t.path() / "shots" / "3-heatmap.png").string()));
  CHECK(stats(hosts).ink > 0.03);
  // The heat map shows its colours: green and red cells.
  int green = 0, red = 0;
  for (int y = 0; y < heat.height(); y += 2)
    for (int x = 0; x < heat.width(); x += 2) {
      QColor c = heat.pixelColor(x, y);
      if (c.saturation() < 120 || c.value() < 120) continue;
      if (c.hue() >= 90 && c.hue() <= 160) ++green;
      if (c.hue() <= 12) ++red;
    }
  CHECK(green > 200);
  CHECK(red > 200);

  // A container host: its detail shows the containers table under the results.
  auto ctr = t.path() / "ctr";
  ft::make_container_host_store(ctr, ft::repository_content());
  auto ctr_run = shoot(ctr / "fleet.db", ctr / "shots");
  INFO(ctr_run.err);
  REQUIRE(ctr_run.exit_code == 0);
  if (const char* keep = std::getenv("FLEETAUDIT_GUI_KEEP"))
    std::filesystem::copy_file(ctr / "shots" / "4-host-detail.png", std::filesystem::path(keep) / "4-host-detail-containers.png",
                               std::filesystem::copy_options::overwrite_existing);
  QImage with(QString::fromStdString((ctr / "shots" / "4-host-detail.png").string()));
  QImage none(QString::fromStdString((t.path() / "blank" / "4-host-detail.png").string()));
  REQUIRE(!with.isNull());
  CHECK(stats(with).ink > stats(none).ink);
  CHECK(difference(with, none) > 0.05);
}

TEST_CASE("gui screenshots: the dark palette renders light text on dark views", "[gui][screenshot]") {
  ft::TempDir t;
  auto fx = ft::make_gui_fixture_store(t.path() / "fleet", ft::repository_content());
  auto run = shoot(fx.db, t.path() / "dark", true);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  for (const char* view : {"1-overview", "2-hosts", "8-trends"}) {
    INFO(view);
    QImage img(QString::fromStdString((t.path() / "dark" / (std::string(view) + ".png")).string()));
    REQUIRE(!img.isNull());
    Stats s = stats(img);
    CHECK(qGray(s.background) < 80);  // dark background
    CHECK(s.ink > 0.01);              // light text on it
  }
}

TEST_CASE("gui screenshots: bad arguments and stores are refused with a message", "[gui][screenshot]") {
  ft::TempDir t;
  auto r = ft::run_process({FLEETAUDIT_GUI, "--screenshot", (t.path() / "x").string()}, {"QT_QPA_PLATFORM=offscreen"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("need --db") != std::string::npos);
  r = ft::run_process({FLEETAUDIT_GUI, "--db", (t.path() / "none.db").string(), "--screenshot", (t.path() / "x").string()},
                      {"QT_QPA_PLATFORM=offscreen"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("none.db: no such store file") != std::string::npos);
}

// The HTML report as a person sees it: headless Chromium renders a report of
// real scans (several fixture hosts, waivers, a hostile host and an
// unreachable one) in light and dark mode; the screenshots must show a page,
// not a blank, and the DOM after load must show that the report's own script
// ran under its Content-Security-Policy while nothing from a host did.
//
// usage: fleetaudit_html_render_test WORKDIR
// Exit 77 (skipped) only when Chromium cannot start at all, and never when
// CI is set: CI installs Chromium, so there the test must run.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "fleetaudit/fleetaudit.hpp"
#include "support/fixture_tree.hpp"
#include "support/process.hpp"
#include "support/report_readers.hpp"

namespace fs = std::filesystem;
namespace ft = fleetaudit::testing;
namespace fa = fleetaudit;

namespace {

int passes = 0, failures = 0;

void check(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  ++(ok ? passes : failures);
}

std::string find_chromium() {
  if (const char* env = std::getenv("FLEETAUDIT_CHROMIUM"); env && *env) return env;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (const char* name : {"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}) {
    std::size_t start = 0;
    while (start <= dirs.size()) {
      std::size_t end = dirs.find(':', start);
      if (end == std::string::npos) end = dirs.size();
      fs::path candidate = fs::path(dirs.substr(start, end - start)) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
      start = end + 1;
    }
  }
  return {};
}

// Headless, no sandbox (root in a container), its own profile, and no
// network at all: every host name resolves to nothing.
ft::ProcessResult chromium(const std::string& exe, const fs::path& profile, std::vector<std::string> args) {
  std::vector<std::string> argv{"/usr/bin/timeout",
                                "120",
                                exe,
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--hide-scrollbars",
                                "--no-first-run",
                                "--no-default-browser-check",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--disable-extensions",
                                "--disable-default-apps",
                                "--disable-breakpad",
                                "--disable-dev-shm-usage",
                                "--host-resolver-rules=MAP * ~NOTFOUND",
                                "--user-data-dir=" + profile.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return ft::run_process(argv);
}

fa::ScanReport build_report(const fa::ContentSet& content) {
  fa::ScanRequest req;
  for (const char* name : {"ssh-fail", "ssh-pass", "audit-fail", "accounts-fail"}) {
    static std::vector<std::unique_ptr<ft::FixtureTree>> trees;
    trees.push_back(std::make_unique<ft::FixtureTree>(name));
    fa::Target t;
    t.kind = fa::Target::Kind::root_dir;
    t.root = trees.back()->root();
    t.name = std::string("web-") + name;
    req.targets.push_back(t);
  }
  req.profile = "cis-debian-12";
  auto waivers = fa::parse_waivers(
      "waivers:\n  - check: 'ssh.server.root-login-disabled'\n    reason: deploy tool logs in as root until replaced\n"
      "    owner: platform-team\n    expires: 2999-12-31\n",
      "waivers.yaml", &content);
  if (!waivers) throw std::runtime_error(waivers.error().message);
  req.waivers = *waivers;
  auto report = fa::run_scan(content, req);
  if (!report) throw std::runtime_error(report.error().message);
  // A host whose files try to become markup, and one that could not be reached.
  fa::HostReport hostile = report->hosts.front();
  hostile.host = "evil <b>host</b> & \"co\"";
  for (auto& r : hostile.results) {
    if (r.result == fa::ResultKind::fail) {
      r.evidence =
          "/etc/ssh/sshd_config:1: <script>document.title='pwned'</script><img src=x "
          "onerror=\"document.title='pwned'\">"
          "\n" +
          std::string("\0\x1b[31m", 5) + " </pre></details></section>";
      break;
    }
  }
  report->hosts.push_back(std::move(hostile));
  fa::HostReport down;
  down.host = "db-03";
  down.state = "unreachable";
  down.state_detail = "connect: connection refused";
  report->hosts.push_back(std::move(down));
  std::vector<fa::CheckResult> all;
  for (const auto& h : report->hosts) all.insert(all.end(), h.results.begin(), h.results.end());
  report->summary = fa::summarize(all);
  return std::move(*report);
}

struct Look {
  std::size_t colors = 0;       // distinct colours (exact)
  double background_share = 0;  // share of the most common colour
  double background_luminance = 0;
  std::size_t red_pixels = 0;   // failures are red somewhere
  std::size_t blue_pixels = 0;  // the header band
};

Look look_at(const ft::Image& img) {
  std::map<std::uint32_t, std::size_t> freq;
  Look l;
  for (std::uint32_t p : img.pixels) {
    ++freq[p];
    int r = p >> 24, g = (p >> 16) & 255, b = (p >> 8) & 255;
    if (r > 150 && g < 110 && b < 110) ++l.red_pixels;
    if (b > 80 && b > r + 40 && b > g + 20) ++l.blue_pixels;
  }
  l.colors = freq.size();
  auto top =
      std::max_element(freq.begin(), freq.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  l.background_share = static_cast<double>(top->second) / static_cast<double>(img.pixels.size());
  std::uint32_t bg = top->first;
  l.background_luminance = 0.2126 * (bg >> 24) + 0.7152 * ((bg >> 16) & 255) + 0.0722 * ((bg >> 8) & 255);
  return l;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s WORKDIR\n", argv[0]);
    return 2;
  }
  const bool ci = std::getenv("CI") && *std::getenv("CI");
  fs::path dir = argv[1];
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::path profile = dir / "profile";

  std::string exe = find_chromium();
  std::string why;
  if (exe.empty()) {
    why = "no chromium in PATH (Debian package 'chromium'; scripts/install-deps.sh installs it)";
  } else {
    auto probe = chromium(exe, profile, {"--dump-dom", "about:blank"});
    if (probe.exit_code != 0 || probe.out.find("<html") == std::string::npos)
      why = exe + " does not start: exit " + std::to_string(probe.exit_code) + "\n" + probe.err;
  }
  if (!why.empty()) {
    if (ci) {
      std::printf("FAIL chromium is required under CI: %s\n", why.c_str());
      return 1;
    }
    std::printf("SKIPPED: %s\n", why.c_str());
    return 77;
  }

  auto loaded = fa::ContentSet::load(ft::source_dir());
  if (!loaded.ok()) {
    std::printf("FAIL content: %s\n", loaded.diagnostics.front().str().c_str());
    return 1;
  }
  fa::ScanReport report = build_report(loaded.content);
  fs::path html = dir / "report.html";
  std::ofstream(html, std::ios::binary) << fa::format_html(report);
  std::string url = "file://" + fs::absolute(html).string();
  std::printf("report: %s\n", html.c_str());

  for (bool dark : {false, true}) {
    fs::path png = dir / (dark ? "dark.png" : "light.png");
    std::vector<std::string> args{"--screenshot=" + png.string(), "--window-size=1280,2000"};
    if (dark) args.push_back("--force-dark-mode");
    args.push_back(url);
    auto r = chromium(exe, profile, args);
    std::string mode = dark ? "dark" : "light";
    check(r.exit_code == 0 && fs::exists(png),
          mode + ": chromium wrote a screenshot (exit " + std::to_string(r.exit_code) + ")");
    if (!fs::exists(png)) {
      std::printf("%s\n", r.err.c_str());
      continue;
    }
    ft::Image img = ft::read_png(png);
    std::printf("%s: %s (%dx%d)\n", mode.c_str(), png.c_str(), img.width, img.height);
    check(img.width == 1280 && img.height == 2000, mode + ": 1280x2000");
    Look l = look_at(img);
    std::printf("     %zu colours, background %.0f%% of pixels (luminance %.0f), %zu red, %zu blue pixels\n", l.colors,
                100 * l.background_share, l.background_luminance, l.red_pixels, l.blue_pixels);
    check(l.colors >= 200, mode + ": many colours (text, badges, bars), not a blank page");
    check(l.background_share < 0.9, mode + ": at least 10% of the page is not background");
    check(l.red_pixels >= 200, mode + ": failures show in red");
    check(l.blue_pixels >= 10000, mode + ": the header band is there");
    if (dark)
      check(l.background_luminance < 60, "dark: follows prefers-color-scheme (dark background)");
    else
      check(l.background_luminance > 200, "light: light background");
  }

  auto dom = chromium(exe, profile, {"--dump-dom", url});
  check(dom.exit_code == 0, "dump-dom ran");
  check(dom.out.find("data-js=\"on\"") != std::string::npos,
        "the report's own script ran under its Content-Security-Policy");
  check(dom.out.find("<title>Compliance report: ") != std::string::npos, "the title is the report's");
  check(dom.out.find("<title>pwned") == std::string::npos, "nothing from a host ran");
  check(dom.out.find("&lt;script&gt;document.title='pwned'") != std::string::npos, "hostile evidence is shown as text");
  std::error_code ec;
  fs::remove_all(profile, ec);
  std::printf("%d passed, %d failed\n", passes, failures);
  return failures ? 1 : 0;
}

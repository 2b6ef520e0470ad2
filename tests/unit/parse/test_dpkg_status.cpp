#include "parse/dpkg_status.hpp"

#include "fleetaudit/version_compare.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <spawn.h>
#include <sstream>
#include <string>
#include <string_view>
#include <sys/wait.h>
#include <tuple>
#include <unistd.h>
#include <vector>

using fleetaudit::parse::PackageDatabase;
using fleetaudit::parse::Package;
using fleetaudit::parse::parse_dpkg_status;

namespace {

const char* const kSmallStatus =
    "Package: zlib1g\n"
    "Status: install ok installed\n"
    "Priority: required\n"
    "Architecture: amd64\n"
    "Multi-Arch: same\n"
    "Source: zlib (1:1.2.13.dfsg-1)\n"
    "Version: 1:1.2.13.dfsg-1\n"
    "Description: compression library - runtime\n"
    " zlib is a library implementing the deflate compression method found\n"
    " in gzip and PKZIP.\n"
    " .\n"
    " This package includes the shared library.\n"
    "\n"
    "Package: adduser\n"
    "Status: install ok installed\n"
    "Architecture: all\n"
    "Version: 3.134\n"
    "Conffiles:\n"
    " /etc/adduser.conf 5f3ea0fa4e4bbbd4e5a39b5ab3a7d7e6\n"
    "\n"
    "Package: oldpkg\n"
    "Status: deinstall ok config-files\n"
    "Architecture: amd64\n"
    "Version: 0.9-1\n"
    "Source: oldsrc\n";

std::vector<std::string> names_of(const PackageDatabase& db) {
  std::vector<std::string> names;
  for (const auto& p : db.packages) names.push_back(p.name + ":" + p.arch);
  return names;
}

std::string problems_of(const PackageDatabase& db) {
  std::string all;
  for (const auto& p : db.problems) all += p + "\n";
  return all;
}

std::string status_with_state(std::string_view status) {
  return "Package: p\nStatus: " + std::string(status) + "\nVersion: 1\n";
}

}  // namespace

TEST_CASE("dpkg status: fields of a small database", "[dpkg_status]") {
  const auto db = parse_dpkg_status(kSmallStatus);
  INFO(problems_of(db));
  CHECK(db.problems.empty());
  REQUIRE(db.packages.size() == 3);
  CHECK(names_of(db) == std::vector<std::string>{"adduser:all", "oldpkg:amd64", "zlib1g:amd64"});

  const auto* zlib = db.find("zlib1g");
  REQUIRE(zlib != nullptr);
  CHECK(zlib->arch == "amd64");
  CHECK(zlib->version == "1:1.2.13.dfsg-1");
  CHECK(zlib->status == "install ok installed");
  CHECK(zlib->source == "zlib");
  CHECK(zlib->present);
  CHECK(zlib->line == 1);

  const auto* adduser = db.find("adduser");
  REQUIRE(adduser != nullptr);
  CHECK(adduser->source.empty());
  CHECK(adduser->line == 14);

  const auto* old = db.find("oldpkg");
  REQUIRE(old != nullptr);
  CHECK_FALSE(old->present);
  CHECK(old->status == "deinstall ok config-files");
  CHECK(old->source == "oldsrc");
  CHECK(old->line == 21);

  CHECK(db.find("zlib") == nullptr);
  CHECK(db.find("") == nullptr);
  CHECK(db.find("zlib1g:amd64") == nullptr);
}

TEST_CASE("dpkg status: which states leave files on disk", "[dpkg_status]") {
  const std::vector<std::pair<std::string, bool>> states = {
      {"install ok installed", true},          {"hold ok installed", true},
      {"install ok half-configured", true},    {"install reinstreq half-installed", true},
      {"install ok unpacked", true},           {"install ok triggers-awaited", true},
      {"install ok triggers-pending", true},   {"deinstall ok config-files", false},
      {"purge ok not-installed", false},       {"unknown ok not-installed", false},
      {"deinstall ok installed", true},
  };
  for (const auto& [status, present] : states) {
    INFO(status);
    const auto db = parse_dpkg_status(status_with_state(status));
    CHECK(db.problems.empty());
    REQUIRE(db.packages.size() == 1);
    CHECK(db.packages[0].present == present);
    CHECK(db.packages[0].status == status);
  }
}

TEST_CASE("dpkg status: malformed Status fields are problems and not present", "[dpkg_status]") {
  for (const char* status : {"install ok", "install ok installed extra", "install ok sideways", "want ok installed",
                             "install maybe installed", ""}) {
    INFO("'" << status << "'");
    const auto db = parse_dpkg_status(status_with_state(status));
    REQUIRE(db.packages.size() == 1);
    CHECK_FALSE(db.packages[0].present);
    REQUIRE(db.problems.size() == 1);
    CHECK(db.problems[0].rfind("line 2: ", 0) == 0);
  }
  const auto missing = parse_dpkg_status("Package: p\nVersion: 1\n");
  REQUIRE(missing.packages.size() == 1);
  CHECK_FALSE(missing.packages[0].present);
  CHECK(missing.problems == std::vector<std::string>{"line 1: package 'p' has no Status field"});
}

TEST_CASE("dpkg status: layout tolerance", "[dpkg_status]") {
  SECTION("CRLF, several blank lines, no final newline") {
    const auto db = parse_dpkg_status(
        "\r\n\r\nPackage: b\r\nStatus: install ok installed\r\nVersion: 2.0-1\r\n"
        "Description: x\r\n more\r\n\r\n\r\n\r\n"
        "Package: a\r\nStatus: install ok installed\r\nArchitecture: all\r\nVersion: 1.0");
    INFO(problems_of(db));
    CHECK(db.problems.empty());
    REQUIRE(db.packages.size() == 2);
    CHECK(db.packages[0].name == "a");
    CHECK(db.packages[0].version == "1.0");
    CHECK(db.packages[0].arch == "all");
    CHECK(db.packages[0].line == 11);
    CHECK(db.packages[1].name == "b");
    CHECK(db.packages[1].version == "2.0-1");
    CHECK(db.packages[1].arch.empty());
    CHECK(db.packages[1].line == 3);
  }
  SECTION("blank-looking lines separate stanzas") {
    const auto db = parse_dpkg_status(
        "Package: a\nStatus: install ok installed\nVersion: 1\n \t \n"
        "Package: b\nStatus: install ok installed\nVersion: 1\n");
    CHECK(db.problems.empty());
    CHECK(db.packages.size() == 2);
  }
  SECTION("continuation lines, tabs and values with colons") {
    const auto db = parse_dpkg_status(
        "Package: a\nStatus:   install ok installed  \nDepends: libc6 (>= 2.34),\n\tlibfoo:any\n"
        "Version:\t1:2.0-1\nSource: a-src(1:2.0-1)\n");
    INFO(problems_of(db));
    CHECK(db.problems.empty());
    REQUIRE(db.packages.size() == 1);
    CHECK(db.packages[0].status == "install ok installed");
    CHECK(db.packages[0].version == "1:2.0-1");
    CHECK(db.packages[0].source == "a-src");
  }
  SECTION("field names are case-insensitive") {
    const auto db = parse_dpkg_status("package: a\nSTATUS: install ok installed\nversion: 1\nArchItecture: all\n");
    CHECK(db.problems.empty());
    REQUIRE(db.packages.size() == 1);
    CHECK(db.packages[0].name == "a");
    CHECK(db.packages[0].arch == "all");
    CHECK(db.packages[0].present);
  }
  SECTION("empty and blank input") {
    CHECK(parse_dpkg_status("").packages.empty());
    CHECK(parse_dpkg_status("").problems.empty());
    CHECK(parse_dpkg_status("\n\n\r\n  \n").packages.empty());
    CHECK(parse_dpkg_status("\n\n\r\n  \n").problems.empty());
  }
}

TEST_CASE("dpkg status: malformed stanzas are reported by line, never thrown", "[dpkg_status]") {
  const auto db = parse_dpkg_status(
      "Status: install ok installed\n"   // 1: stanza without Package
      "Version: 1\n"
      "\n"
      " orphan continuation\n"           // 4
      "Package: good\n"                  // 5
      "Status: install ok installed\n"
      "Version: 1.0\n"
      "this line has no colon\n"         // 8
      "Version: 2.0\n"                   // 9: duplicate
      "\n"
      "Package:\n"                       // 11: empty name
      "Status: install ok installed\n"
      "\n"
      "Package: noversion\n"             // 14: installed without Version
      "Status: install ok installed\n"
      "\n"
      "Package: good\n"                  // 17: duplicate package
      "Status: install ok installed\n"
      "Version: 1.1\n"
      "\n"
      ": no name\n");                    // 21
  CHECK(db.problems == std::vector<std::string>{
                           "line 1: stanza without a Package field",
                           "line 4: continuation line without a field",
                           "line 8: expected 'Field: value', got 'this line has no colon'",
                           "line 9: duplicate Version field (first on line 7)",
                           "line 11: empty Package field",
                           "line 14: package 'noversion' is installed but has no Version field",
                           "line 17: duplicate package 'good' (first on line 5)",
                           "line 21: expected 'Field: value', got ': no name'",
                           "line 21: stanza without a Package field",
                       });
  REQUIRE(db.packages.size() == 3);
  const auto* good = db.find("good");
  REQUIRE(good != nullptr);
  CHECK(good->version == "1.0");
  CHECK(good->line == 5);
}

TEST_CASE("dpkg status: find prefers a present package over earlier entries", "[dpkg_status]") {
  const auto db = parse_dpkg_status(
      "Package: libx\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 1\n\n"
      "Package: libx\nStatus: install ok installed\nArchitecture: i386\nVersion: 2\n\n"
      "Package: liby\nStatus: deinstall ok config-files\nArchitecture: i386\nVersion: 1\n\n"
      "Package: liby\nStatus: purge ok not-installed\nArchitecture: amd64\n\n"
      "Package: libw\nStatus: install ok installed\nVersion: 3\n");
  CHECK(db.problems.empty());
  CHECK(names_of(db) == std::vector<std::string>{"libw:", "libx:amd64", "libx:i386", "liby:amd64", "liby:i386"});

  const auto* x = db.find("libx");
  REQUIRE(x != nullptr);
  CHECK(x->arch == "i386");
  CHECK(x->present);

  const auto* y = db.find("liby");
  REQUIRE(y != nullptr);
  CHECK(y->arch == "amd64");  // first in (name, arch) order when none is present
  CHECK_FALSE(y->present);

  CHECK(db.find("libv") == nullptr);
  CHECK(db.find("libz") == nullptr);
  CHECK(db.find("libw") != nullptr);
}

// ---------------------------------------------------------------------------
// This machine's database.

namespace {

constexpr const char* kStatusFile = "/var/lib/dpkg/status";
constexpr const char* kDpkgQuery = "/usr/bin/dpkg-query";

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs a program with `args` as its argv (never through a shell) and returns
// its stdout; `exit_code` is -1 when it could not run or did not exit.
std::string run_capture(const char* program, const std::vector<std::string>& args, int& exit_code) {
  exit_code = -1;
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  char lc_all[] = "LC_ALL=C";
  char* envp[] = {lc_all, nullptr};

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return {};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int spawn_error = posix_spawn(&pid, program, &actions, nullptr, argv.data(), envp);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  std::string out;
  if (spawn_error == 0) {
    char buffer[65536];
    ssize_t n = 0;
    while ((n = read(fds[0], buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  if (spawn_error != 0) return out;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return out;
  }
  if (WIFEXITED(status)) exit_code = WEXITSTATUS(status);
  return out;
}

}  // namespace

TEST_CASE("dpkg status: this machine's database", "[dpkg_status][host]") {
  INFO(kStatusFile << " must exist: CI runs on Debian");
  const std::string text = read_file(kStatusFile);
  REQUIRE_FALSE(text.empty());

  constexpr int kRounds = 20;
  PackageDatabase db;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kRounds; ++i) db = parse_dpkg_status(text);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count() / kRounds;
  std::printf("dpkg status: %zu bytes, %zu packages, parsed in %.3f ms\n", text.size(), db.packages.size(), ms);

  INFO(problems_of(db));
  CHECK(db.problems.empty());
  CHECK(db.packages.size() > 50);
  CHECK(std::is_sorted(db.packages.begin(), db.packages.end(), [](const Package& a, const Package& b) {
    return std::tie(a.name, a.arch) < std::tie(b.name, b.arch);
  }));

  const auto* dpkg = db.find("dpkg");
  REQUIRE(dpkg != nullptr);
  CHECK(dpkg->present);
  CHECK(fleetaudit::is_valid_debian_version(dpkg->version));
  CHECK(dpkg->status == "install ok installed");
  CHECK_FALSE(dpkg->arch.empty());
  // The evidence line really is where the stanza starts.
  {
    std::istringstream lines(text);
    std::string line;
    for (int n = 1; n < dpkg->line && std::getline(lines, line); ++n) {
    }
    std::getline(lines, line);
    CHECK(line == "Package: dpkg");
  }

  // dpkg-query reads the same file (plus its journal in updates/, which is
  // empty unless dpkg was interrupted): every package it lists must match.
  const std::filesystem::path journal = "/var/lib/dpkg/updates";
  std::error_code ec;
  const bool journal_empty = !std::filesystem::exists(journal, ec) ||
                             std::filesystem::directory_iterator(journal, ec) == std::filesystem::directory_iterator();
  if (!journal_empty) {
    WARN("dpkg journal in /var/lib/dpkg/updates is not empty; skipping the dpkg-query cross-check");
    return;
  }
  int exit_code = -1;
  const std::string listing = run_capture(
      kDpkgQuery, {"-W", "-f", "${Package}\\t${Architecture}\\t${Version}\\t${Status}\\n"}, exit_code);
  REQUIRE(exit_code == 0);
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> expected;
  std::istringstream rows(listing);
  for (std::string row; std::getline(rows, row);) {
    std::vector<std::string> cols;
    std::size_t start = 0;
    for (std::size_t tab; (tab = row.find('\t', start)) != std::string::npos; start = tab + 1) {
      cols.push_back(row.substr(start, tab - start));
    }
    cols.push_back(row.substr(start));
    REQUIRE(cols.size() == 4);
    expected[{cols[0], cols[1]}] = {cols[2], cols[3]};
  }
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> ours;
  for (const auto& p : db.packages) {
    if (p.status.ends_with(" not-installed")) continue;  // dpkg-query -W leaves these out
    ours[{p.name, p.arch}] = {p.version, p.status};
  }
  CHECK(ours.size() == expected.size());
  CHECK(ours == expected);
}

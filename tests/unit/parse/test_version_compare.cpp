#include "fleetaudit/version_compare.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fcntl.h>
#include <spawn.h>
#include <string>
#include <string_view>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "support/rng.hpp"

using fleetaudit::compare_debian_versions;
using fleetaudit::is_valid_debian_version;

namespace {

int sign(int v) { return (v > 0) - (v < 0); }

struct Expected {
  const char* a;
  const char* b;
  int order;  // sign of compare(a, b)
};

// Hand-checked pairs; every one is also put to dpkg by the oracle test.
const std::vector<Expected> kTrickyPairs = {
    // Tilde sorts before everything, even the end of the string.
    {"1.0~~", "1.0~", -1},
    {"1.0~", "1.0", -1},
    {"1.0", "1.0+", -1},
    {"1.0~~a", "1.0~~", 1},
    {"1.0~rc1", "1.0", -1},
    {"1.0~rc1", "1.0~rc2", -1},
    {"1.0~beta", "1.0~rc", -1},
    {"2.0~rc1", "1.9", 1},
    {"1.0-1~bpo1", "1.0-1", -1},
    {"1.0-1", "1.0-1+deb12u1", -1},
    {"1.0-1+b1", "1.0-1.1", -1},
    // Epochs beat everything else, and are numbers.
    {"1:0.1", "9.9", 1},
    {"0:1.0", "1.0", 0},
    {"00:1.0", "1.0", 0},
    {"2:1.0", "10:1.0", -1},
    {"+1:2", "1:2", 0},
    {"1:2:3", "1:2:4", -1},
    {"1:1.0-1-2", "1:1.0-1-10", -1},
    // Revisions: after the last hyphen; none equals "0".
    {"1.0", "1.0-0", 0},
    {"1.0", "1.0-00", 0},
    {"1.0", "1.0-1", -1},
    {"1.0-a", "1.0-1", 1},
    {"1.0-1", "1.0-01", 0},
    {"1.0-1-1", "1.0-1", 1},
    {"1.0-1.1", "1.0-1", 1},
    {"1.0-2", "1.0-10", -1},
    {"1-1.0", "1-1", 1},
    // Letters before non-letters, upper case before lower.
    {"1.0a", "1.0+", -1},
    {"1.0a", "1.0.", -1},
    {"1.0A", "1.0a", -1},
    {"1.0z", "1.0+", -1},
    {"1.0a", "1.0", 1},
    {"1.0a", "1.01", -1},  // "0" vs "01": the zeros vanish, 0 < 1
    {"1a", "1.0", -1},
    {"1+", "1.", -1},
    {"1+", "1~", 1},
    {"1.0", "1", 1},
    {"1.0", "1.", 0},
    {"1..0", "1.0", 1},
    // Digit runs are numbers: leading zeros vanish, length wins.
    {"1.0", "1.00", 0},
    {"1.01", "1.1", 0},
    {"1.001", "1.1", 0},
    {"01.0", "1.0", 0},
    {"1.2", "1.10", -1},
    {"9", "10", -1},
    {"1.0.0", "1.0", 1},
    {"1.09", "1.10", -1},
    {"18446744073709551615", "18446744073709551616", -1},
    {"99999999999999999999999999999999999999", "100000000000000000000000000000000000000", -1},
    {"1.000000000000000000000000000000000000001", "1.1", 0},
    {"1.123456789012345678901234567890", "1.123456789012345678901234567891", -1},
    {"2147483647:1", "2147483646:9", 1},
    // Real-world shapes.
    {"2.36-9+deb12u4", "2.36-9+deb12u10", -1},
    {"1:9.2p1-2+deb12u3", "1:9.2p1-2+deb12u2", 1},
    {"5.10.0-28-amd64", "5.10.0-28", 1},
    {"3.0.11-1~deb12u2", "3.0.11-1", -1},
    {"7.88.1-10+deb12u5", "7.88.1-10+deb12u12", -1},
    {"20230311.0ubuntu0.22.04.1", "20230311ubuntu0.22.04.1", 1},
    // Warned about by dpkg, still compared.
    {"a1", "1", 1},
    {"1_0", "1+0", 1},
    {"1\xe9", "1+", -1},
    {"1\xe9", "1z", 1},
    // No version: dpkg's command line takes "" and "<unknown>" as older
    // than any version, and equal to each other.
    {"", "0", -1},
    {"", "0~", -1},
    {"<unknown>", "0~", -1},
    {"", "<unknown>", 0},
    {"", "", 0},
    // Surrounding blanks are trimmed.
    {" 1.0\t", "1.0", 0},
};

// Accepted by dpkg with neither error nor warning.
const std::vector<std::string_view> kValid = {
    "0",       "1.0",    "1:1.0",        "0:0",           "1.0-1",          "1.0-1-1",
    "1:2:3",   "1:2:3-4", "1.0~rc1+dfsg-2~bpo11+1", "2147483647:1", "00:1",  "1.0-a",
    "9.2p1-2+deb12u3",   "1.0-0",        "1.0-~",        "1A.B~C+D",      "1:1-1:1-1",
};

// Refused by dpkg, or warned about (`dpkg: warning: ... bad syntax`).
const std::vector<std::string_view> kInvalid = {
    "1.0-",    ":1",    "1:",      "a:1",    "-1:1",    "1 0",    "2147483648:1", "99999999999:1",
    "a1",      "1_0",   "1.0-1_1", "1.0-1:1", "~1",      "+1",     "1.0-a_b",      "1\xe9",
    "1:a",     "1:-1",  "1.0--",   "1.0-1 2",
};

// By our choice (documented in version_compare.cpp): dpkg accepts these
// silently, is_valid_debian_version does not.
const std::vector<std::string_view> kValidOnlyForDpkg = {" 1.0", "1.0 ", "\t1.0", "", "<unknown>", "+1:2"};

}  // namespace

TEST_CASE("debian versions: hand-written tricky pairs", "[version_compare]") {
  for (const auto& [a, b, order] : kTrickyPairs) {
    INFO("compare('" << a << "', '" << b << "')");
    CHECK(sign(compare_debian_versions(a, b)) == order);
    CHECK(sign(compare_debian_versions(b, a)) == -order);
  }
}

TEST_CASE("debian versions: the results are -1, 0 or 1", "[version_compare]") {
  CHECK(compare_debian_versions("1.0a", "1.0+") == -1);
  CHECK(compare_debian_versions("1.9", "1.10") == -1);
  CHECK(compare_debian_versions("1.10", "1.9") == 1);
  CHECK(compare_debian_versions("1:1", "0:9") == 1);
  CHECK(compare_debian_versions("1.0", "1.00") == 0);
}

TEST_CASE("debian versions: inputs dpkg refuses still sort consistently", "[version_compare]") {
  // Not dpkg's order (dpkg has none for these), but a total preorder, so a
  // sort over a database with one broken record still works.
  CHECK(compare_debian_versions("1.0-", "1.0") == 0);
  CHECK(compare_debian_versions("a:1", "a:1") == 0);
  CHECK(compare_debian_versions("a:1", "a:2") < 0);
  CHECK(compare_debian_versions("   ", "") == 0);
  CHECK(compare_debian_versions("99999999999:1", "2147483647:1") > 0);
  CHECK(compare_debian_versions(std::string_view("1\0" "2", 3), std::string_view("1\0" "2", 3)) == 0);
  CHECK(compare_debian_versions(std::string_view("1\0", 2), "1") > 0);
}

TEST_CASE("debian versions: validity", "[version_compare]") {
  for (const auto v : kValid) {
    INFO("'" << v << "'");
    CHECK(is_valid_debian_version(v));
  }
  for (const auto v : kInvalid) {
    INFO("'" << v << "'");
    CHECK_FALSE(is_valid_debian_version(v));
  }
  for (const auto v : kValidOnlyForDpkg) {
    INFO("'" << v << "'");
    CHECK_FALSE(is_valid_debian_version(v));
  }
}

// ---------------------------------------------------------------------------
// The oracle: the real dpkg.

namespace {

constexpr const char* kDpkg = "/usr/bin/dpkg";

struct DpkgRun {
  int exit_code = -1;  // -1: could not run dpkg
  std::string stderr_text;
};

// Runs dpkg with `args` as its argv (never through a shell). stderr goes to
// /dev/null unless `capture_stderr`, in which case it is returned.
DpkgRun run_dpkg(const std::vector<std::string>& args, bool capture_stderr) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(kDpkg));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // A fixed environment: no user locale, no DPKG_* variables.
  char lc_all[] = "LC_ALL=C";
  char* envp[] = {lc_all, nullptr};

  int pipe_fds[2] = {-1, -1};
  if (capture_stderr && pipe2(pipe_fds, O_CLOEXEC) != 0) return {};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  if (capture_stderr) {
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  }
  pid_t pid = -1;
  const int spawn_error = posix_spawn(&pid, kDpkg, &actions, nullptr, argv.data(), envp);
  posix_spawn_file_actions_destroy(&actions);

  DpkgRun run;
  if (capture_stderr) {
    close(pipe_fds[1]);
    if (spawn_error == 0) {
      char buffer[512];
      ssize_t n = 0;
      while ((n = read(pipe_fds[0], buffer, sizeof buffer)) > 0) {
        run.stderr_text.append(buffer, static_cast<std::size_t>(n));
      }
    }
    close(pipe_fds[0]);
  }
  if (spawn_error != 0) return run;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return run;
  }
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  return run;
}

// Exit status of `dpkg --compare-versions a op b`: 0 true, 1 false, 2 error.
int dpkg_compare(const std::string& a, const char* op, const std::string& b) {
  return run_dpkg({"--compare-versions", a, op, b}, false).exit_code;
}

void require_dpkg() {
  INFO(kDpkg << " is missing or not executable: the oracle tests need the real dpkg "
             "(CI runs on Debian, where it is always installed)");
  REQUIRE(access(kDpkg, X_OK) == 0);
}

using fleetaudit::testing::Rng;

std::string digit_run(Rng& rng) {
  std::string run;
  const auto kind = rng.below(10);
  if (kind < 6) return std::to_string(rng.below(kind < 3 ? 10 : 100));
  if (kind < 8) {
    run.assign(rng.below(3) + 1, '0');
    run += std::to_string(rng.below(20));
    return run;
  }
  // Long runs, far beyond 64 bits, often sharing a prefix with each other.
  const std::size_t length = 18 + rng.below(25);
  run = rng.chance(50) ? "1844674407370955161" : "9";
  while (run.size() < length) run += static_cast<char>('0' + rng.below(10));
  return run;
}

std::string word(Rng& rng) {
  static const std::vector<std::string> words = {"a", "b", "z", "A", "Z", "rc", "beta", "dfsg", "deb", "u",
                                                 "p", "ubuntu", "bpo", "git", "really", "build", "ds", "b"};
  return rng.pick(words);
}

std::string separator(Rng& rng) {
  static const std::vector<std::string> separators = {".", ".", ".", "+", "~", "~~", "+~", "~+", "..", ".~"};
  return rng.pick(separators);
}

// An alphanumeric-and-punctuation body in dpkg's alphabet; `allow_hyphen`
// for upstream versions that have a revision after them.
std::string body(Rng& rng, std::size_t max_parts, bool allow_hyphen) {
  std::string s = digit_run(rng);
  const std::size_t parts = rng.below(max_parts + 1);
  for (std::size_t i = 0; i < parts; ++i) {
    switch (rng.below(6)) {
      case 0: s += word(rng); break;
      case 1: s += word(rng) + digit_run(rng); break;
      case 2: s += allow_hyphen && rng.chance(30) ? "-" : separator(rng); break;
      default: s += separator(rng) + digit_run(rng); break;
    }
  }
  return s;
}

std::string random_version(Rng& rng) {
  std::string v;
  if (rng.chance(25)) {
    static const std::vector<std::string> epochs = {"0:", "1:", "2:", "10:", "01:", "00:", "99:"};
    v = rng.pick(epochs);
  }
  const bool has_revision = rng.chance(60);
  v += body(rng, 5, has_revision);
  if (v.find(':') != std::string::npos && rng.chance(10)) v += ":" + digit_run(rng);
  if (has_revision) {
    v += '-';
    if (rng.chance(20)) {
      static const std::vector<std::string> revisions = {"0", "1", "1ubuntu1", "1~bpo11+1", "1+b1", "2.1",
                                                         "0.1", "1~", "a", "deb12u1"};
      v += rng.pick(revisions);
    } else {
      v += rng.chance(80) ? body(rng, 3, false) : word(rng);
    }
  }
  return v;
}

// Positions where a digit run starts.
std::vector<std::size_t> digit_run_starts(const std::string& v) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const bool digit = v[i] >= '0' && v[i] <= '9';
    const bool after_digit = i > 0 && v[i - 1] >= '0' && v[i - 1] <= '9';
    if (digit && !after_digit) starts.push_back(i);
  }
  return starts;
}

// The same version written differently: extra or fewer leading zeros, an
// explicit zero epoch or revision, a zero-only digit run dropped.
std::string respell(Rng& rng, std::string v) {
  const int edits = 1 + static_cast<int>(rng.below(3));
  for (int e = 0; e < edits; ++e) {
    const auto starts = digit_run_starts(v);
    switch (rng.below(5)) {
      case 0:
        if (!starts.empty()) v.insert(rng.pick(starts), rng.chance(50) ? "0" : "000");
        break;
      case 1: {
        if (starts.empty()) break;
        const auto at = rng.pick(starts);
        if (v[at] == '0' && at + 1 < v.size() && v[at + 1] >= '0' && v[at + 1] <= '9') v.erase(at, 1);
        break;
      }
      case 2:
        if (v.find(':') == std::string::npos) v.insert(0, rng.chance(50) ? "0:" : "00:");
        else if (v.rfind("0:", 0) == 0 && v.find(':', 2) == std::string::npos) v.erase(0, 2);
        break;
      case 3: {
        const auto colon = v.find(':');
        const auto hyphen = v.rfind('-');
        const bool has_revision = hyphen != std::string::npos && (colon == std::string::npos || hyphen > colon);
        if (!has_revision) v += rng.chance(50) ? "-0" : "-00";
        else if (v.size() >= 2 && v.compare(v.size() - 2, 2, "-0") == 0 &&
                 v.find('-') == v.size() - 2)
          v.erase(v.size() - 2);
        break;
      }
      default: {
        // "1.0" and "1." are the same version: a run of zeros adds nothing.
        if (starts.empty()) break;
        const auto at = rng.pick(starts);
        std::size_t end = at;
        while (end < v.size() && v[end] == '0') ++end;
        const bool all_zero = end > at && (end == v.size() || v[end] < '0' || v[end] > '9');
        if (all_zero && at > 0) v.erase(at, end - at);
        break;
      }
    }
  }
  return v;
}

// A small edit, to make pairs that agree on a long prefix: the hard cases.
std::string mutate(Rng& rng, std::string v) {
  static const std::string alphabet = "0123456789azAZ~+.";
  static const std::vector<std::string> suffixes = {"~", "~~", "+", ".0", "0", "a", "~rc1", "+b1", "-1", ".", "~~a"};
  if (v.empty()) return v;
  const std::size_t at = rng.below(v.size());
  switch (rng.below(8)) {
    case 0: v += rng.pick(suffixes); break;
    case 1: v.erase(at, 1); break;
    case 2: v.insert(at, 1, alphabet[rng.below(alphabet.size())]); break;
    case 3: v[at] = alphabet[rng.below(alphabet.size())]; break;
    case 4:
      if (v[at] >= '0' && v[at] < '9') ++v[at];
      else v.insert(at, digit_run(rng));
      break;
    case 5: v.resize(at == 0 ? 1 : at); break;
    case 6: v = (rng.chance(50) ? "1:" : "0:") + v; break;
    default: v.insert(at, rng.chance(50) ? "~" : "+"); break;
  }
  return v;
}

// Retries an edit until it yields a version dpkg accepts without warning.
template <typename Edit>
std::string valid_edit(Rng& rng, const std::string& v, Edit edit) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto candidate = edit(rng, v);
    if (is_valid_debian_version(candidate)) return candidate;
  }
  return v;
}

// Versions dpkg compares after a warning: one character swapped for one
// outside Debian's alphabet, never inside the epoch (an error, not a warning).
std::string loosen(Rng& rng, std::string v) {
  static const std::vector<std::string> odd = {"_", "=", "@", "%", ",", "\xc3\xa9", "\xff", "!", "/"};
  const auto colon = v.find(':');
  const std::size_t from = colon == std::string::npos ? 0 : colon + 1;
  const std::size_t at = from + rng.below(v.size() - from);
  if (v[at] == '-' || v[at] == ':') return v;
  v.replace(at, 1, rng.pick(odd));
  return v;
}

struct Pair {
  std::string a;
  std::string b;
};

std::vector<Pair> generate_pairs(std::size_t count, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<Pair> pairs;
  pairs.reserve(count);
  while (pairs.size() < count) {
    const std::string a = random_version(rng);
    if (!is_valid_debian_version(a)) continue;
    const auto kind = rng.below(100);
    if (kind < 25) {
      pairs.push_back({a, random_version(rng)});
      if (!is_valid_debian_version(pairs.back().b)) pairs.pop_back();
    } else if (kind < 65) {
      pairs.push_back({a, valid_edit(rng, a, mutate)});
    } else if (kind < 88) {
      pairs.push_back({a, valid_edit(rng, a, respell)});
    } else {
      const auto b = valid_edit(rng, valid_edit(rng, a, respell), mutate);
      pairs.push_back({a, b});
    }
  }
  return pairs;
}

struct OracleResult {
  int ours = 0;
  int dpkg_exit = -1;  // for the question asked: is a <ours> b?
};

const char* relation_name(int order) { return order < 0 ? "lt" : order == 0 ? "eq" : "gt"; }

}  // namespace

TEST_CASE("debian versions: validity agrees with dpkg's warnings and errors", "[version_compare][oracle]") {
  require_dpkg();
  auto accepted_silently = [](std::string_view v) {
    const std::string s(v);
    const auto run = run_dpkg({"--compare-versions", s, "eq", s}, true);
    return run.exit_code == 0 && run.stderr_text.empty();
  };
  for (const auto v : kValid) {
    INFO("'" << v << "'");
    CHECK(accepted_silently(v));
  }
  for (const auto v : kInvalid) {
    INFO("'" << v << "'");
    if (v.front() == '-') continue;  // dpkg would take it for an option
    CHECK_FALSE(accepted_silently(v));
  }
  for (const auto v : kValidOnlyForDpkg) {
    INFO("'" << v << "'");
    CHECK(accepted_silently(v));
  }
}

TEST_CASE("debian versions: ordering agrees with dpkg --compare-versions", "[version_compare][oracle]") {
  require_dpkg();

  constexpr std::size_t kGenerated = 10'000;
  constexpr std::size_t kLoose = 400;
  std::vector<Pair> pairs = generate_pairs(kGenerated, 0x5eed'f1ee'7a0d'17ULL);
  for (const auto& [a, b, order] : kTrickyPairs) pairs.push_back({a, b});
  {
    Rng rng(42);
    const auto base = generate_pairs(kLoose, 7);
    for (const auto& [a, b] : base) pairs.push_back({loosen(rng, a), rng.chance(50) ? loosen(rng, b) : b});
  }

  std::vector<OracleResult> results(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    results[i].ours = sign(compare_debian_versions(pairs[i].a, pairs[i].b));
    // An ordering must be antisymmetric; checked here, on the main thread.
    INFO("'" << pairs[i].a << "' vs '" << pairs[i].b << "'");
    REQUIRE(sign(compare_debian_versions(pairs[i].b, pairs[i].a)) == -results[i].ours);
  }

  // One dpkg call a pair: ask whether the relation we computed holds. dpkg
  // costs a process start (~1.5 ms), so spread the calls over threads; they
  // mostly wait for exec and exit. Catch assertions stay on this thread.
  const auto started = std::chrono::steady_clock::now();
  std::atomic<std::size_t> next{0};
  const unsigned thread_count = 8;
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < thread_count; ++t) {
    threads.emplace_back([&] {
      for (std::size_t i = next++; i < pairs.size(); i = next++) {
        results[i].dpkg_exit = dpkg_compare(pairs[i].a, relation_name(results[i].ours), pairs[i].b);
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("dpkg oracle: %zu pairs (%zu generated, %zu loose, %zu hand-written), %u threads, %.2f s\n",
              pairs.size(), kGenerated, kLoose, kTrickyPairs.size(), thread_count, seconds);

  std::size_t equal_pairs = 0;
  std::size_t disagreements = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (results[i].ours == 0) ++equal_pairs;
    if (results[i].dpkg_exit == 0) continue;
    ++disagreements;
    if (disagreements > 25) continue;  // the first few say enough
    const auto& [a, b] = pairs[i];
    std::string dpkg_says = "an error (exit " + std::to_string(results[i].dpkg_exit) + ")";
    if (results[i].dpkg_exit == 1) {
      dpkg_says = dpkg_compare(a, "lt", b) == 0 ? "lt" : dpkg_compare(a, "eq", b) == 0 ? "eq" : "gt";
    }
    FAIL_CHECK("'" << a << "' vs '" << b << "': we say " << relation_name(results[i].ours) << ", dpkg says "
                   << dpkg_says);
  }
  CHECK(disagreements == 0);
  // The generator must keep producing the interesting cases.
  CHECK(equal_pairs > pairs.size() / 10);
}

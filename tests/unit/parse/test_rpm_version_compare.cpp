// rpm version ordering, hand-checked and then put to rpm itself: Debian's
// python3-rpm (rpm 4.18) answers every generated pair in one process.

#include <catch2/catch.hpp>

#include <unistd.h>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fleetaudit/version_compare.hpp"
#include "support/process.hpp"
#include "support/rng.hpp"

using fleetaudit::compare_rpm_versions;
using fleetaudit::is_valid_rpm_version;
using fleetaudit::rpmvercmp;
using fleetaudit::testing::Rng;

namespace {

int sign(int v) {
  return (v > 0) - (v < 0);
}

struct Expected {
  const char* a;
  const char* b;
  int order;  // sign of compare(a, b)
};

// rpmvercmp(): one version or release string, no epoch or release split.
const std::vector<Expected> kSegmentPairs = {
    {"1.0", "1.0", 0},
    {"1.0", "2.0", -1},
    {"2.0.1", "2.0", 1},
    {"2.0", "2.0.0", -1},
    {"1.0", "1.0.", 0},  // a trailing separator adds nothing
    {"1.0", "1..0", 0},
    {"1_0", "1.0", 0},  // every separator is alike
    {"1+0", "1.0", 0},
    {"1-0", "1.0", 0},
    {"1\xe9"
     "0",
     "1.0", 0},  // bytes outside ASCII separate too
    // Numbers: leading zeros vanish, the longer number wins.
    {"1.01", "1.1", 0},
    {"1.010", "1.9", 1},
    {"10", "9", 1},
    {"000", "0", 0},
    {"18446744073709551616", "18446744073709551615", 1},
    {"1.00000000000000000000000000001", "1.1", 0},
    // Letters: byte order, upper case first; a number beats letters.
    {"a", "b", -1},
    {"B", "a", -1},
    {"abc", "ab", 1},
    {"1a", "1.a", 0},
    {"1a", "1", 1},
    {"1a", "1.1", -1},
    {"1.1", "1a", 1},
    {"2.0a", "2.0.1", -1},
    {"p1", "1", -1},
    {"8.7p1", "8.7", 1},
    {"8.7p1", "8.7.1", -1},
    // '~' sorts before everything, even the end.
    {"1.0~rc1", "1.0", -1},
    {"1.0~rc1", "1.0~rc2", -1},
    {"1.0~~", "1.0~", -1},
    {"1.0~", "1.0~a", -1},
    {"~", "", -1},
    {"1.0~rc1", "1.0rc1", -1},
    // '^' sorts after the end but before any further segment.
    {"1.0^", "1.0", 1},
    {"1.0^git1", "1.0", 1},
    {"1.0^git1", "1.0.1", -1},
    {"1.0^git1", "1.0^git2", -1},
    {"1.0^git1", "1.0~rc1", 1},
    {"1.0^~", "1.0^", -1},
    {"1.0~rc1^git1", "1.0~rc1", 1},
    {"1.0~rc1^git1", "1.0", -1},
    {"1.0^", "1.0.", 1},
    // Ends.
    {"0", "", 1},
    {"", "", 0},
    {"el9", "el9_3", -1},
    {"38.el9", "34.el9_3.3", 1},
    {"1.el9_2", "1.el9", 1},
};

// compare_rpm_versions(): whole [epoch:]version[-release] strings.
const std::vector<Expected> kEvrPairs = {
    {"1:1.0", "2.0", 1},
    {"0:1.0", "1.0", 0},
    {":1.0", "1.0", 0},
    {"01:1.0", "1:1.0", 0},
    {"1.0-1", "1.0", 1},
    {"1.0", "1.0-0", -1},  // a missing release sorts before any release
    {"1.0-1", "1.0-2", -1},
    {"1.0-1.el9", "1.0-1.el9_2", -1},
    {"8.7p1-38.el9", "8.7p1-34.el9_3.3", 1},
    {"2:9.0.2081-1.el9", "9.0.2081-1.el9", 1},
    {"1.0-1-2", "1.0-1-10", -1},
    {"5.14.0-362.8.1.el9_3", "5.14.0-427.13.1.el9_4", -1},
    {"3.0.7-27.el9", "1:3.0.7-24.el9", -1},
    {"1.0~rc1-1", "1.0-0", -1},
    {"1.0^20240101-1", "1.0-5", 1},
    {"10:1", "9:99", 1},
};

const std::vector<std::string_view> kValid = {"1.0",   "1:1.0-1",    "8.7p1-38.el9", "1.0~rc1^git1-1.fc40",
                                              "0:0-0", "2.1.0+dfsg", "abc",          "1.0-1.el9_3"};
const std::vector<std::string_view> kInvalid = {"",        "1.0-", "-1", ":1.0",    "1.0,1",      "1 0",
                                                "1.0-1-2", "a:1",  "1:", "1.0-a b", "%{version}", "1\xe9"};

}  // namespace

TEST_CASE("rpm versions: hand-written segment pairs", "[version_compare][rpm]") {
  for (const auto& [a, b, order] : kSegmentPairs) {
    INFO("rpmvercmp('" << a << "', '" << b << "')");
    CHECK(sign(rpmvercmp(a, b)) == order);
    CHECK(sign(rpmvercmp(b, a)) == -order);
  }
}

TEST_CASE("rpm versions: hand-written epoch:version-release pairs", "[version_compare][rpm]") {
  for (const auto& [a, b, order] : kEvrPairs) {
    INFO("compare_rpm_versions('" << a << "', '" << b << "')");
    CHECK(compare_rpm_versions(a, b) == order);
    CHECK(compare_rpm_versions(b, a) == -order);
  }
}

TEST_CASE("rpm versions: C string semantics and the empty version", "[version_compare][rpm]") {
  CHECK(rpmvercmp(std::string_view("1.0\0"
                                   "9",
                                   5),
                  "1.0") == 0);
  CHECK(compare_rpm_versions(std::string_view("1\0"
                                              ":2",
                                              4),
                             "1") == 0);
  CHECK(compare_rpm_versions("", "0") < 0);
  CHECK(compare_rpm_versions("", "") == 0);
}

TEST_CASE("rpm versions: validity", "[version_compare][rpm]") {
  for (const auto v : kValid) {
    INFO("'" << v << "'");
    CHECK(is_valid_rpm_version(v));
  }
  for (const auto v : kInvalid) {
    INFO("'" << v << "'");
    CHECK_FALSE(is_valid_rpm_version(v));
  }
}

// ---------------------------------------------------------------------------
// The oracle: rpm 4.18 through its Python bindings.

namespace {

constexpr const char* kPython = "/usr/bin/python3";

// Reads "kind<TAB>a<TAB>b" lines; answers one -1/0/1 a line. Kind 's' asks
// rpmvercmp (labelCompare with neither epoch nor release), 'v' rpm.ver's
// ordering of whole versions. Bytes map to code points one to one; rpm sees
// them UTF-8 encoded, which keeps every non-ASCII byte non-ASCII.
constexpr const char* kOracle = R"PY(
import sys, rpm
out = []
for line in sys.stdin.buffer.read().split(b'\n'):
    if not line:
        continue
    kind, a, b = (x.decode('latin-1') for x in line.split(b'\t'))
    if kind == 's':
        r = rpm.labelCompare((None, a, None), (None, b, None))
    else:
        va, vb = rpm.ver(a), rpm.ver(b)
        r = -1 if va < vb else (1 if va > vb else 0)
    out.append(str(max(-1, min(1, r))))
sys.stdout.write('\n'.join(out) + '\n')
)PY";

std::string digit_run(Rng& rng) {
  const auto kind = rng.below(10);
  if (kind < 6) return std::to_string(rng.below(kind < 3 ? 10 : 100));
  if (kind < 8) return std::string(rng.below(3) + 1, '0') + std::to_string(rng.below(20));
  std::string run = rng.chance(50) ? "1844674407370955161" : "9";
  const std::size_t length = 18 + rng.below(25);
  while (run.size() < length) run += static_cast<char>('0' + rng.below(10));
  return run;
}

std::string word(Rng& rng) {
  static const std::vector<std::string> words = {"a",   "b",    "z",     "A",   "Z",    "p",   "rc",  "el", "fc",
                                                 "git", "beta", "alpha", "pre", "post", "svn", "dev", "x"};
  return rng.pick(words);
}

std::string separator(Rng& rng, bool allow_hyphen) {
  static const std::vector<std::string> separators = {".",  ".",  ".",  "_",  "+",  "~", "^",        "~~",
                                                      "^^", "..", ".~", "~^", "^~", "%", "\xc3\xa9", ":"};
  if (allow_hyphen && rng.chance(5)) return "-";
  return rng.pick(separators);
}

// A version or release in rpm's alphabet and beyond it.
std::string body(Rng& rng, std::size_t max_parts, bool allow_hyphen) {
  std::string s = rng.chance(85) ? digit_run(rng) : word(rng);
  const std::size_t parts = rng.below(max_parts + 1);
  for (std::size_t i = 0; i < parts; ++i) {
    switch (rng.below(6)) {
      case 0:
        s += word(rng);
        break;
      case 1:
        s += word(rng) + digit_run(rng);
        break;
      case 2:
        s += separator(rng, allow_hyphen);
        break;
      default:
        s += separator(rng, allow_hyphen) + digit_run(rng);
        break;
    }
  }
  return s;
}

std::string random_evr(Rng& rng) {
  std::string v;
  if (rng.chance(25)) {
    static const std::vector<std::string> epochs = {"0:", "1:", "2:", "10:", "01:", "00:", ":", "99:"};
    v = rng.pick(epochs);
  }
  v += body(rng, 5, false);
  if (rng.chance(65)) {
    v += '-';
    if (rng.chance(10)) return v;  // an empty release
    v += rng.chance(70) ? body(rng, 3, false) : word(rng) + digit_run(rng);
  }
  return v;
}

// The same version written differently, or a small edit: the pairs that
// agree on a long prefix are the hard cases.
std::string mutate(Rng& rng, std::string v) {
  static const std::string alphabet = "0123456789azAZ~^+._-";
  static const std::vector<std::string> suffixes = {"~",    "~~",   "^",  "^git1", "+", ".0", "0", "a",
                                                    "~rc1", ".el9", "_1", "-1",    ".", "~a", "^~"};
  if (v.empty()) return "1";
  const std::size_t at = rng.below(v.size());
  switch (rng.below(10)) {
    case 0:
      v += rng.pick(suffixes);
      break;
    case 1:
      v.erase(at, 1);
      break;
    case 2:
      v.insert(at, 1, alphabet[rng.below(alphabet.size())]);
      break;
    case 3:
      v[at] = alphabet[rng.below(alphabet.size())];
      break;
    case 4:
      if (v[at] >= '0' && v[at] < '9')
        ++v[at];
      else
        v.insert(at, digit_run(rng));
      break;
    case 5:
      v.resize(at == 0 ? 1 : at);
      break;
    case 6:
      v.insert(at, rng.chance(50) ? "0" : "000");
      break;  // often a leading zero
    case 7:
      if (v[at] == '.')
        v[at] = rng.chance(50) ? '_' : '+';
      else
        v.insert(at, 1, '.');
      break;
    case 8:
      v = (rng.chance(50) ? "0:" : "1:") + v;
      break;
    default:
      v.insert(at, rng.chance(50) ? "~" : "^");
      break;
  }
  return v.empty() ? std::string("0") : v;
}

struct Pair {
  char kind;  // 's' rpmvercmp, 'v' compare_rpm_versions
  std::string a, b;
};

std::vector<Pair> generate_pairs(std::size_t count, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<Pair> pairs;
  pairs.reserve(count);
  while (pairs.size() < count) {
    const bool whole = rng.chance(50);
    const std::string a = whole ? random_evr(rng) : body(rng, 6, true);
    std::string b;
    const auto kind = rng.below(100);
    if (kind < 25)
      b = whole ? random_evr(rng) : body(rng, 6, true);
    else if (kind < 80)
      b = mutate(rng, a);
    else
      b = mutate(rng, mutate(rng, a));
    if (a.empty() || b.empty()) continue;  // rpm.ver refuses the empty version
    pairs.push_back({whole ? 'v' : 's', a, b});
  }
  return pairs;
}

int ours(const Pair& p) {
  return p.kind == 's' ? sign(rpmvercmp(p.a, p.b)) : compare_rpm_versions(p.a, p.b);
}

}  // namespace

TEST_CASE("rpm versions: ordering agrees with rpm 4.18", "[version_compare][rpm][oracle]") {
  {
    INFO(kPython << " with Debian's python3-rpm is needed: the oracle is rpm itself "
                    "(scripts/install-deps.sh installs it)");
    auto probe = fleetaudit::testing::run_process({kPython, "-c", "import rpm"});
    REQUIRE(access(kPython, X_OK) == 0);
    REQUIRE(probe.exit_code == 0);
  }
  constexpr std::size_t kGenerated = 20'000;
  std::vector<Pair> pairs = generate_pairs(kGenerated, 0x2b7d'5eed'0042ULL);
  for (const auto& [a, b, order] : kSegmentPairs) {
    if (*a && *b) pairs.push_back({'s', a, b});
  }
  for (const auto& [a, b, order] : kEvrPairs) pairs.push_back({'v', a, b});

  std::string input;
  for (const auto& p : pairs) input += std::string(1, p.kind) + '\t' + p.a + '\t' + p.b + '\n';
  const auto run = fleetaudit::testing::run_process({kPython, "-c", kOracle}, {}, input);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);

  std::istringstream answers(run.out);
  std::size_t disagreements = 0;
  std::size_t equal_pairs = 0;
  for (const auto& p : pairs) {
    int rpm_says = 2;
    REQUIRE(answers >> rpm_says);
    const int we_say = ours(p);
    // An ordering must be antisymmetric.
    REQUIRE((p.kind == 's' ? sign(rpmvercmp(p.b, p.a)) : compare_rpm_versions(p.b, p.a)) == -we_say);
    if (we_say == 0) ++equal_pairs;
    if (we_say == rpm_says) continue;
    if (++disagreements > 25) continue;
    FAIL_CHECK((p.kind == 's' ? "rpmvercmp" : "compare_rpm_versions")
               << "('" << p.a << "', '" << p.b << "'): we say " << we_say << ", rpm says " << rpm_says);
  }
  CHECK(disagreements == 0);
  // The generator must keep producing the interesting cases.
  CHECK(equal_pairs > pairs.size() / 20);
}

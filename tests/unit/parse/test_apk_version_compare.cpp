// Alpine's apk version ordering. Debian 12 packages no apk-tools (no
// `apk version -t` to ask), so there is no oracle on this machine: the
// expected orders below are worked out by hand from apk's documented rules
// (apk-tools 2, `apk version -t A B`), each line saying which rule decides.
// The property tests then hold the ordering to being a total preorder on
// generated versions, which a sort key must be.

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "fleetaudit/version_compare.hpp"
#include "parse/apk_installed.hpp"
#include "support/rng.hpp"

using fleetaudit::compare_apk_versions;
using fleetaudit::is_valid_apk_version;

namespace {

int sign(int v) { return (v > 0) - (v < 0); }

struct Pair {
  const char* a;
  const char* b;
  int order;
};

const std::vector<Pair> kPairs = {
    // numbers by value, component by component
    {"1.0", "1.0", 0},
    {"1.2", "1.10", -1},
    {"2", "10", -1},
    {"1.2.3", "1.2.10", -1},
    // one runs out: the longer is newer ...
    {"1", "1.0", -1},
    {"1.0", "1.0.0", -1},
    {"1.0", "1.0-r0", -1},
    {"1.0", "1.0a", -1},
    {"1.0", "1.0_p1", -1},
    // ... unless it goes on with a pre-release suffix
    {"1.0_alpha", "1.0", -1},
    {"1.0_rc3", "1.0", -1},
    {"1.0_rc3-r1", "1.0", -1},
    {"2.0_rc1", "2.0", -1},  // a zero component, then a pre-release suffix
    {"1.05", "1.0_p1", 1},  // -1 (one zero) then the number 5, against -1 then a suffix: the suffix is the later part, older
    // suffix ranks: alpha < beta < pre < rc < (none) < cvs < svn < git < hg < p
    {"1.0_alpha", "1.0_beta", -1},
    {"1.0_beta", "1.0_pre", -1},
    {"1.0_pre", "1.0_rc", -1},
    {"1.0_cvs", "1.0_svn", -1},
    {"1.0_svn", "1.0_git", -1},
    {"1.0_git", "1.0_hg", -1},
    {"1.0_hg", "1.0_p", -1},
    {"1.0_git20240101", "1.0_p1", -1},
    // a suffix's number by value; no number is below any number
    {"1.0_rc1", "1.0_rc2", -1},
    {"1.0_rc2", "1.0_rc10", -1},
    {"1.0_rc", "1.0_rc1", -1},
    {"1.0_p9", "1.0_p10", -1},
    // several suffixes, compared in turn
    {"1.0_alpha1_p2", "1.0_alpha1_p3", -1},
    {"1.0_alpha1", "1.0_alpha1_p1", -1},
    {"1.0_alpha1_beta1", "1.0_alpha1", -1},  // goes on with a pre-release: older
    // revisions by value
    {"1.2.3-r0", "1.2.3-r1", -1},
    {"1.2.3-r9", "1.2.3-r10", -1},
    {"3.1.4-r5", "3.1.4-r1", 1},
    // letters by character, and a letter before the revision
    {"1.0a", "1.0b", -1},
    {"1.0z", "1.0.1", -1},          // a letter is a later part than a dot number: older
    {"1.0b-r5", "1.0c", -1},
    // a later kind of part where the other has an earlier kind: the later kind is older
    {"1.0-r1", "1.0_p1", -1},       // revision (5) vs suffix (3)
    {"1.0.1", "1.0_p1", 1},         // dot number (0) vs suffix (3)
    {"1.0a", "1.0_p1", 1},          // letter (2) vs suffix (3)
    // a dot component with leading zeros is a fraction
    {"1.01", "1.1", -1},
    {"1.001", "1.01", -1},
    {"1.0", "1.00", 1},
    {"1.09", "1.1", -1},
    {"1.010", "1.01", 1},
    {"2024.01.05", "2024.1.5", -1},
    // the first component is a plain number: leading zeros vanish
    {"01.0", "1.0", 0},
    // real Alpine versions
    {"1.2.4-r2", "1.2.4_git20230717-r4", -1},
    {"3.0.12-r0", "3.0.12-r1", -1},
    {"1.36.1-r15", "1.36.1-r2", 1},
    {"1.3-r2", "1.3.1-r0", -1},
    {"7.2.4-r0", "7.2.10-r0", -1},
    {"2.4.58-r0", "2.4.58_p1-r0", -1},
    {"6.4_p20231125-r0", "6.4_p20240330-r0", -1},
    // invalid rests: the comparison stops there, the one with it is newer
    {"1.0-x", "1.0-r0", 1},
    {"1.0_foo", "1.0", -1},  // an unknown suffix counts as a pre-release
    {"1.1-rx", "1.1", 1},
};

}  // namespace

TEST_CASE("apk version ordering follows apk's rules", "[parse][apk][version]") {
  for (const auto& p : kPairs) {
    INFO(p.a << " vs " << p.b);
    CHECK(sign(compare_apk_versions(p.a, p.b)) == p.order);
    CHECK(sign(compare_apk_versions(p.b, p.a)) == -p.order);
  }
}

TEST_CASE("apk version validity", "[parse][apk][version]") {
  for (const char* ok : {"1", "1.0", "1.2.3-r0", "1.0a", "1.0_alpha1", "1.0_p1-r2", "1.2.4_git20230717-r4", "2024.01.05"}) {
    INFO(ok);
    CHECK(is_valid_apk_version(ok));
  }
  for (const char* bad : {"", "1.0-1", "1.0_foo", "1.0A", "1.0-rx", "1.0 "}) {
    INFO(bad);
    CHECK_FALSE(is_valid_apk_version(bad));
  }
}

TEST_CASE("apk version ordering is a total preorder on generated versions", "[parse][apk][version]") {
  fleetaudit::testing::Rng rng(8);
  static const char* kSuffix[] = {"_alpha", "_beta", "_pre", "_rc", "_cvs", "_svn", "_git", "_hg", "_p"};
  std::vector<std::string> vs;
  for (int i = 0; i < 400; ++i) {
    std::string v = std::to_string(rng.below(3));
    for (int k = static_cast<int>(rng.below(3)); k > 0; --k) v += "." + std::string(rng.below(3) == 0 ? "0" : "") + std::to_string(rng.below(12));
    if (rng.below(4) == 0) v += static_cast<char>('a' + rng.below(3));
    for (int k = static_cast<int>(rng.below(3)); k > 0; --k) {
      v += kSuffix[rng.below(9)];
      if (rng.below(2)) v += std::to_string(rng.below(5));
    }
    if (rng.below(2)) v += "-r" + std::to_string(rng.below(12));
    REQUIRE(is_valid_apk_version(v));
    vs.push_back(v);
  }
  for (const auto& a : vs) {
    CHECK(compare_apk_versions(a, a) == 0);
  }
  // sort, then every later element is at least every earlier one
  std::stable_sort(vs.begin(), vs.end(), [](const std::string& a, const std::string& b) { return compare_apk_versions(a, b) < 0; });
  int broken = 0;
  for (std::size_t i = 0; i < vs.size(); ++i)
    for (std::size_t j = i + 1; j < vs.size(); ++j) {
      if (compare_apk_versions(vs[i], vs[j]) > 0) ++broken;
      if (sign(compare_apk_versions(vs[i], vs[j])) != -sign(compare_apk_versions(vs[j], vs[i]))) ++broken;
    }
  CHECK(broken == 0);
}

TEST_CASE("apk's installed database parses into packages", "[parse][apk]") {
  const std::string db =
      "C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nS:383152\nI:622592\nT:the musl c library\no:musl\nF:lib\nR:ld-musl-x86_64.so.1\n\n"
      "C:Q1def=\nP:libcrypto3\nV:3.1.4-r5\nA:x86_64\no:openssl\nD:so:libc.musl-x86_64.so.1\n\n"
      "C:Q1ghi=\nV:1.0-r0\nA:x86_64\n\n"  // no name: a problem, the rest still count
      "P:zlib\nV:1.3.1-r0\r\n";
  auto parsed = fleetaudit::parse::parse_apk_installed(db);
  REQUIRE(parsed.packages.size() == 3);
  CHECK(parsed.format == fleetaudit::parse::PackageFormat::apk);
  CHECK(parsed.packages[0].name == "libcrypto3");
  CHECK(parsed.packages[0].version == "3.1.4-r5");
  CHECK(parsed.packages[0].source == "openssl");
  CHECK(parsed.packages[0].line == 13);
  CHECK(parsed.packages[1].name == "musl");
  CHECK(parsed.packages[1].arch == "x86_64");
  CHECK(parsed.packages[2].name == "zlib");
  CHECK(parsed.packages[2].version == "1.3.1-r0");
  CHECK(parsed.packages[2].present);
  REQUIRE(parsed.problems.size() == 1);
  CHECK(parsed.problems[0] == "line 19: record without a name (P:)");
  CHECK_FALSE(parsed.complete);
}

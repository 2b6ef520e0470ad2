#include "fleetaudit/version_compare.hpp"

#include <array>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <string_view>

// Debian version ordering, written to agree with `dpkg --compare-versions`
// (dpkg 1.21, lib/dpkg/version.c and lib/dpkg/parsehelp.c) on every input
// dpkg accepts, including those it only warns about.
//
// Decisions where dpkg has no single answer:
//  * Inputs dpkg refuses (empty revision "1.0-", bad epoch "a:1", ":1",
//    "1:") are still ordered, never rejected: the function is noexcept and
//    used as a sort key, so it must stay a total preorder. A bad epoch
//    prefix is kept as part of the upstream version; an empty revision
//    equals no revision. Only the relative order of such inputs against
//    others is ours rather than dpkg's.
//  * "" and "<unknown>" are "no version" exactly as dpkg's command line
//    treats them: equal to each other and older than every real version.
//    Blank-only strings (dpkg: "version string is empty") join them.
//  * Bytes >= 0x80 weigh what they weigh in dpkg on amd64, where plain
//    char is signed: after letters, before ASCII punctuation. An embedded
//    NUL (dpkg can never see one) sorts as a punctuation character.
//  * The result is always -1, 0 or 1, which the header allows and callers
//    printing or switching on it find easier than dpkg's raw differences.
//
// is_valid_debian_version is stricter than dpkg: true only when dpkg
// accepts the string with neither error nor warning (so the upstream part
// must start with a digit: Debian Policy 5.6.12 says "should", dpkg warns,
// and a version that makes dpkg warn is not one an audit rule should be
// written against), and, in addition, without surrounding blanks, which dpkg
// would silently trim.

namespace fleetaudit {
namespace {

constexpr bool is_digit(unsigned char c) noexcept { return static_cast<unsigned>(c - '0') < 10U; }

constexpr bool is_alpha(unsigned char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

// Weight of a character in the non-digit parts of a version. Digits weigh 0
// like the end of the string, which is why "1.0" > "1" (a '.' outweighs the
// end) and "1~" < "1" (the '~' weighs less than the end). No other character
// may weigh 0: the comparison loop relies on it to tell digits apart.
constexpr std::array<std::int16_t, 256> make_weights() noexcept {
  std::array<std::int16_t, 256> w{};
  for (int c = 0; c < 256; ++c) {
    const auto uc = static_cast<unsigned char>(c);
    if (is_digit(uc)) {
      w[c] = 0;
    } else if (is_alpha(uc)) {
      w[c] = static_cast<std::int16_t>(c);
    } else if (c == '~') {
      w[c] = -1;
    } else if (c >= 0x80) {
      // dpkg computes (signed char)c + 256 here, which is c itself.
      w[c] = static_cast<std::int16_t>(c);
    } else {
      w[c] = static_cast<std::int16_t>(c + 256);
    }
  }
  return w;
}

constexpr auto kWeights = make_weights();

static_assert(kWeights['~'] < 0 && kWeights['a'] > 0 && kWeights['Z'] < kWeights['a'] &&
              kWeights['z'] < kWeights['.'] && kWeights['\0'] != 0);

struct VersionParts {
  bool blank = false;          // "no version": older than everything
  std::string_view epoch;      // digits without sign or leading zeros; "" is 0
  std::string_view upstream;
  std::string_view revision;   // "" when absent, which compares equal to "0"
};

constexpr VersionParts no_version() noexcept {
  VersionParts parts;
  parts.blank = true;
  return parts;
}

// dpkg splits at the first colon and reads the epoch before it with strtol,
// so an epoch exists exactly when the version starts with an optional sign
// and digits followed by ':'. Scanning just that prefix, and the revision
// backwards from the end, touches few bytes: this runs twice per comparison,
// and a full scan of both strings used to cost more than the comparison.
VersionParts split_version(std::string_view v) noexcept {
  if (v.empty() || v == "<unknown>") return no_version();
  const char* begin = v.data();
  const char* end = begin + v.size();
  while (begin != end && is_blank(*begin)) ++begin;
  while (end != begin && is_blank(end[-1])) --end;
  if (begin == end) return no_version();

  VersionParts parts;
  const char* rest = begin;
  const char* p = begin;
  const bool negative = *p == '-';
  if (*p == '+' || *p == '-') ++p;
  const char* digits = p;
  while (p != end && is_digit(static_cast<unsigned char>(*p))) ++p;
  if (p != digits && p != end && *p == ':') {
    while (digits != p && *digits == '0') ++digits;  // any length, no overflow
    // strtol reads "-0" as 0, which dpkg accepts; other negative epochs are
    // errors, so such a prefix stays part of upstream.
    if (!negative || digits == p) {
      parts.epoch = {digits, static_cast<std::size_t>(p - digits)};
      rest = p + 1;
    }
  }

  // The revision starts after the last hyphen: upstream may hold hyphens.
  const char* hyphen = end;
  while (hyphen != rest && hyphen[-1] != '-') --hyphen;
  if (hyphen != rest) {
    parts.upstream = {rest, static_cast<std::size_t>(hyphen - 1 - rest)};
    parts.revision = {hyphen, static_cast<std::size_t>(end - hyphen)};
  } else {
    parts.upstream = {rest, static_cast<std::size_t>(end - rest)};
  }
  return parts;
}

int compare_epochs(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b);
}

// Skips the longest common prefix that cannot change the outcome. Inside a
// digit run the whole number decides ("19" vs "100" diverge after the "1"),
// so the skip backs up to the start of the run the strings diverge in.
std::size_t skippable_prefix(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  std::size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  while (i > 0 && is_digit(static_cast<unsigned char>(a[i - 1]))) --i;
  return i;
}

// dpkg's ordering of an upstream version or a revision: alternate runs of
// non-digits (compared by weight, character by character) and digits
// (compared numerically).
int compare_fragments(std::string_view a, std::string_view b) noexcept {
  const std::size_t skip = skippable_prefix(a, b);
  auto pa = reinterpret_cast<const unsigned char*>(a.data()) + skip;
  auto pb = reinterpret_cast<const unsigned char*>(b.data()) + skip;
  const auto ea = reinterpret_cast<const unsigned char*>(a.data()) + a.size();
  const auto eb = reinterpret_cast<const unsigned char*>(b.data()) + b.size();

  while (pa != ea || pb != eb) {
    for (;;) {
      const int wa = pa != ea ? kWeights[*pa] : 0;
      const int wb = pb != eb ? kWeights[*pb] : 0;
      if (wa == 0 && wb == 0) break;  // both at a digit or at the end
      if (wa != wb) return wa - wb;
      ++pa;
      ++pb;
    }
    while (pa != ea && *pa == '0') ++pa;
    while (pb != eb && *pb == '0') ++pb;
    // Without leading zeros the longer run is the larger number; between
    // equally long runs the first differing digit decides.
    int first_diff = 0;
    while (pa != ea && pb != eb && is_digit(*pa) && is_digit(*pb)) {
      if (first_diff == 0) first_diff = *pa - *pb;
      ++pa;
      ++pb;
    }
    if (pa != ea && is_digit(*pa)) return 1;
    if (pb != eb && is_digit(*pb)) return -1;
    if (first_diff != 0) return first_diff;
  }
  return 0;
}

constexpr int sign(int v) noexcept { return (v > 0) - (v < 0); }

bool valid_epoch(std::string_view field) noexcept {
  if (field.empty()) return false;
  for (const char c : field) {
    if (!is_digit(static_cast<unsigned char>(c))) return false;
  }
  // dpkg refuses epochs above INT_MAX.
  const auto first_nonzero = field.find_first_not_of('0');
  if (first_nonzero == std::string_view::npos) return true;
  const auto digits = field.substr(first_nonzero);
  constexpr std::string_view kIntMax = "2147483647";
  static_assert(INT_MAX == 2147483647);
  return digits.size() < kIntMax.size() || (digits.size() == kIntMax.size() && digits <= kIntMax);
}

bool valid_upstream_char(unsigned char c) noexcept {
  return is_digit(c) || is_alpha(c) || c == '.' || c == '+' || c == '~' || c == '-' || c == ':';
}

bool valid_revision_char(unsigned char c) noexcept {
  return is_digit(c) || is_alpha(c) || c == '.' || c == '+' || c == '~';
}

}  // namespace

int compare_debian_versions(std::string_view a, std::string_view b) noexcept {
  if (a == b) return 0;
  const VersionParts pa = split_version(a);
  const VersionParts pb = split_version(b);
  if (pa.blank || pb.blank) return static_cast<int>(!pa.blank) - static_cast<int>(!pb.blank);
  if (const int c = compare_epochs(pa.epoch, pb.epoch); c != 0) return sign(c);
  if (const int c = compare_fragments(pa.upstream, pb.upstream); c != 0) return sign(c);
  return sign(compare_fragments(pa.revision, pb.revision));
}

bool is_valid_debian_version(std::string_view v) noexcept {
  std::string_view rest = v;
  if (const auto colon = v.find(':'); colon != std::string_view::npos) {
    if (!valid_epoch(v.substr(0, colon))) return false;
    rest = v.substr(colon + 1);
  }
  std::string_view upstream = rest;
  if (const auto hyphen = rest.rfind('-'); hyphen != std::string_view::npos) {
    upstream = rest.substr(0, hyphen);
    const std::string_view revision = rest.substr(hyphen + 1);
    if (revision.empty()) return false;
    for (const char c : revision) {
      if (!valid_revision_char(static_cast<unsigned char>(c))) return false;
    }
  }
  if (upstream.empty() || !is_digit(static_cast<unsigned char>(upstream.front()))) return false;
  for (const char c : upstream) {
    if (!valid_upstream_char(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// rpm ordering, written to agree with rpm 4.18 (rpmio/rpmvercmp.c and
// lib/rpmver.c) on every input.
//
// Decisions where rpm has no single answer:
//  * rpm works on C strings: an embedded NUL ends a version here too.
//  * The results are -1, 0 or 1, as rpm's own are.
//  * rpmverParse() refuses the empty string; compare_rpm_versions() orders
//    it as the version "" (before every other version), so the function
//    stays a total preorder usable as a sort key.

namespace {

constexpr bool rpm_is_alnum(unsigned char c) noexcept { return is_digit(c) || is_alpha(c); }

std::string_view c_string(std::string_view s) noexcept { return s.substr(0, s.find('\0')); }

struct RpmEvr {
  std::string_view epoch;    // "0" when written as ":1.0"
  std::string_view version;
  std::string_view release;
  bool has_epoch = false;
  bool has_release = false;
};

// rpm's parseEVR(): an epoch is the leading digits before a ':', the release
// what follows the last '-' after them.
RpmEvr split_rpm_evr(std::string_view evr) noexcept {
  RpmEvr parts;
  std::size_t digits = 0;
  while (digits < evr.size() && is_digit(static_cast<unsigned char>(evr[digits]))) ++digits;
  const std::size_t hyphen = evr.rfind('-');
  const bool release = hyphen != std::string_view::npos && hyphen >= digits;
  std::string_view rest = evr;
  if (digits < evr.size() && evr[digits] == ':') {
    parts.has_epoch = true;
    parts.epoch = digits == 0 ? std::string_view("0") : evr.substr(0, digits);
    rest = evr.substr(digits + 1);
  }
  if (release) {
    const std::size_t at = hyphen - (evr.size() - rest.size());
    parts.version = rest.substr(0, at);
    parts.release = rest.substr(at + 1);
    parts.has_release = true;
  } else {
    parts.version = rest;
  }
  return parts;
}

bool valid_rpm_part(std::string_view part) noexcept {
  if (part.empty()) return false;
  for (const char c : part) {
    const auto uc = static_cast<unsigned char>(c);
    if (!rpm_is_alnum(uc) && c != '.' && c != '_' && c != '+' && c != '~' && c != '^') return false;
  }
  return true;
}

}  // namespace

int rpmvercmp(std::string_view a, std::string_view b) noexcept {
  a = c_string(a);
  b = c_string(b);
  if (a == b) return 0;
  std::size_t i = 0;
  std::size_t j = 0;
  const auto at = [](std::string_view s, std::size_t k) -> unsigned char {
    return k < s.size() ? static_cast<unsigned char>(s[k]) : '\0';
  };
  while (i < a.size() || j < b.size()) {
    while (i < a.size() && !rpm_is_alnum(at(a, i)) && a[i] != '~' && a[i] != '^') ++i;
    while (j < b.size() && !rpm_is_alnum(at(b, j)) && b[j] != '~' && b[j] != '^') ++j;

    // '~' sorts before everything, even the end of the string.
    if (at(a, i) == '~' || at(b, j) == '~') {
      if (at(a, i) != '~') return 1;
      if (at(b, j) != '~') return -1;
      ++i;
      ++j;
      continue;
    }
    // '^' sorts after the end of the string but before anything else.
    if (at(a, i) == '^' || at(b, j) == '^') {
      if (i == a.size()) return -1;
      if (j == b.size()) return 1;
      if (at(a, i) != '^') return 1;
      if (at(b, j) != '^') return -1;
      ++i;
      ++j;
      continue;
    }
    if (i == a.size() || j == b.size()) break;

    // One segment from each: all digits, or all letters, as the first
    // string's segment decides.
    const bool numeric = is_digit(at(a, i));
    const auto in_segment = [numeric](unsigned char c) { return numeric ? is_digit(c) : is_alpha(c); };
    std::size_t ei = i;
    std::size_t ej = j;
    while (ei < a.size() && in_segment(at(a, ei))) ++ei;
    while (ej < b.size() && in_segment(at(b, ej))) ++ej;
    // Segments of different kinds: a number is newer than letters.
    if (ej == j) return numeric ? 1 : -1;

    std::string_view sa = a.substr(i, ei - i);
    std::string_view sb = b.substr(j, ej - j);
    if (numeric) {
      while (!sa.empty() && sa.front() == '0') sa.remove_prefix(1);
      while (!sb.empty() && sb.front() == '0') sb.remove_prefix(1);
      if (sa.size() != sb.size()) return sa.size() > sb.size() ? 1 : -1;
    }
    if (const int c = sa.compare(sb); c != 0) return c < 0 ? -1 : 1;
    i = ei;
    j = ej;
  }
  if (i == a.size() && j == b.size()) return 0;
  return i == a.size() ? -1 : 1;
}

int compare_rpm_versions(std::string_view a, std::string_view b) noexcept {
  a = c_string(a);
  b = c_string(b);
  if (a == b) return 0;
  const RpmEvr pa = split_rpm_evr(a);
  const RpmEvr pb = split_rpm_evr(b);
  const std::string_view ea = pa.has_epoch ? pa.epoch : std::string_view("0");
  const std::string_view eb = pb.has_epoch ? pb.epoch : std::string_view("0");
  if (const int c = rpmvercmp(ea, eb); c != 0) return c;
  if (const int c = rpmvercmp(pa.version, pb.version); c != 0) return c;
  if (pa.has_release != pb.has_release) return pa.has_release ? 1 : -1;
  return rpmvercmp(pa.release, pb.release);
}

bool is_valid_rpm_version(std::string_view v) noexcept {
  const RpmEvr parts = split_rpm_evr(v);
  if (parts.has_epoch && v.front() == ':') return false;
  if (!valid_rpm_part(parts.version)) return false;
  return !parts.has_release || valid_rpm_part(parts.release);
}

}  // namespace fleetaudit

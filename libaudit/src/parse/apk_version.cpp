// Alpine's apk version ordering (apk-tools 2), written from its documented
// rules (Gentoo-style versions: {number}{.number}...{letter}{_suffix{number}}...{-rN}).
//
// A version is read as a sequence of typed parts. Two versions compare part
// by part while the parts have the same type and value; the first
// difference decides:
//  * same type, different value: the smaller value is older. Numbers by
//    value, except a dot component with leading zeros, which is a fraction:
//    its value is minus the count of its zeros, so 1.001 < 1.01 < 1.1 and
//    1.01 < 1.1 (the digits after the zeros are then a further part);
//    letters by character; suffixes by rank (_alpha, _beta, _pre, _rc
//    below zero, then _cvs, _svn, _git, _hg, _p from zero up).
//  * different types: when one version continues with a pre-release suffix
//    it is the older; otherwise the part that comes later in a version
//    (number < letter < suffix < suffix number < revision < end) is the
//    older: 1.0a < 1.0.1, 1.0-r1 < 1.0_p1, 1.0 < 1.0-r0.
// A character that does not fit (upper case, '-' without 'r') makes the
// rest "invalid": the comparison stops there and, as in apk, the version
// with the invalid rest counts as the newer; an unknown suffix counts as a
// pre-release, as in apk.
//
// One place where apk-tools 2's code and its own rule part: a zero dot
// component followed straight by a suffix ("1.0_rc1" against "1.0"), where
// that code reads an empty number after the zero and so puts the release
// candidate after the release. We follow the rule (a pre-release suffix
// sorts before the release), as Gentoo's ordering, which apk's is, says.

#include <cstring>
#include <string_view>

#include "fleetaudit/version_compare.hpp"

namespace fleetaudit {
namespace {

// Part types, in the order that decides between versions whose parts differ
// in type (a later type is the older version).
enum class Part { dot_number = 0, number = 1, letter = 2, suffix = 3, suffix_number = 4, revision = 5, end = 6, invalid = -1 };

constexpr bool digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool lower(char c) noexcept { return c >= 'a' && c <= 'z'; }

struct Reader {
  std::string_view s;
  Part type = Part::number;  // the type of the part to read next

  // The type of the part that starts at s (after its separator), given the
  // part just read.
  void advance(Part last) noexcept {
    if (s.empty()) {
      type = Part::end;
      return;
    }
    Part next = Part::invalid;
    char c = s.front();
    if ((last == Part::number || last == Part::dot_number) && lower(c)) {
      next = Part::letter;  // no separator
    } else if (last == Part::letter && digit(c)) {
      next = Part::number;
    } else if (last == Part::suffix && digit(c)) {
      next = Part::suffix_number;
    } else {
      if (c == '.') next = Part::dot_number;
      else if (c == '_') next = Part::suffix;
      else if (c == '-' && s.size() > 1 && s[1] == 'r') {
        next = Part::revision;
        s.remove_prefix(1);
      }
      s.remove_prefix(1);
    }
    // Parts only go forward: a number after a letter, a suffix after a
    // suffix number and a dot number after a number are the ways back.
    if (next != Part::invalid && static_cast<int>(next) < static_cast<int>(last)) {
      bool allowed = (next == Part::dot_number && last == Part::number) || (next == Part::suffix && last == Part::suffix_number) ||
                     (next == Part::number && last == Part::letter);
      if (!allowed) next = Part::invalid;
    }
    type = next;
  }

  // Reads the part of type `type`; returns its value and moves on.
  long long read() noexcept {
    static constexpr const char* kPre[] = {"alpha", "beta", "pre", "rc"};
    static constexpr const char* kPost[] = {"cvs", "svn", "git", "hg", "p"};
    if (s.empty()) {
      type = Part::end;
      return 0;
    }
    const Part current = type;
    long long value = 0;
    std::size_t used = 0;
    Part forced = Part::invalid;  // the next type when it is known without looking
    switch (current) {
      case Part::dot_number:
        if (s.front() == '0') {
          while (used < s.size() && s[used] == '0') ++used;
          value = -static_cast<long long>(used);
          // Digits after the zeros are a number of their own (1.05: -1, 5);
          // anything else goes on as after any number, so 1.0_rc1 stays a
          // pre-release of 1.0.
          if (used < s.size() && digit(s[used])) forced = Part::number;
          break;
        }
        [[fallthrough]];
      case Part::number:
      case Part::suffix_number:
      case Part::revision:
        while (used < s.size() && digit(s[used])) {
          if (value < (1LL << 56)) value = value * 10 + (s[used] - '0');
          ++used;
        }
        break;
      case Part::letter:
        value = static_cast<unsigned char>(s.front());
        used = 1;
        break;
      case Part::suffix: {
        bool found = false;
        for (std::size_t i = 0; i < 4 && !found; ++i) {
          std::size_t n = std::strlen(kPre[i]);
          if (s.substr(0, n) == kPre[i]) {
            value = static_cast<long long>(i) - 4;
            used = n;
            found = true;
          }
        }
        for (std::size_t i = 0; i < 5 && !found; ++i) {
          std::size_t n = std::strlen(kPost[i]);
          if (s.substr(0, n) == kPost[i]) {
            value = static_cast<long long>(i);
            used = n;
            found = true;
          }
        }
        if (!found) {
          type = Part::invalid;
          return -1;
        }
        break;
      }
      default:
        type = Part::invalid;
        return -1;
    }
    s.remove_prefix(used);
    if (s.empty()) type = Part::end;
    else if (forced != Part::invalid) type = forced;
    else advance(current);
    return value;
  }
};

}  // namespace

int compare_apk_versions(std::string_view a, std::string_view b) noexcept {
  Reader x{a}, y{b};
  long long xv = 0, yv = 0;
  while (x.type == y.type && x.type != Part::end && x.type != Part::invalid && xv == yv) {
    xv = x.read();
    yv = y.read();
  }
  if (xv != yv) return xv < yv ? -1 : 1;
  if (x.type == y.type) return 0;
  // Equal so far: the one that goes on is newer, unless it goes on with a
  // pre-release suffix.
  auto pre_release = [](Reader r) { return r.type == Part::suffix && r.read() < 0; };
  if (pre_release(x)) return -1;
  if (pre_release(y)) return 1;
  return static_cast<int>(x.type) > static_cast<int>(y.type) ? -1 : 1;
}

bool is_valid_apk_version(std::string_view v) noexcept {
  if (v.empty()) return false;
  Reader r{v};
  while (r.type != Part::end && r.type != Part::invalid) r.read();
  return r.type == Part::end;
}

}  // namespace fleetaudit

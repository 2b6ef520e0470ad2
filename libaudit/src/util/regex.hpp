#pragma once
// A compiled PCRE2 regular expression (JIT when available). Immutable after
// compilation and safe to share between threads.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fleetaudit/expected.hpp"

namespace fleetaudit::util {

class Regex {
 public:
  Regex() = default;
  /// Compiles `pattern`; the error says where in the pattern it went wrong.
  /// JIT compilation waits for the first search: loading content stays cheap.
  static Expected<Regex> compile(std::string_view pattern, bool case_insensitive = false, bool multiline = false);
  /// A pattern already known to compile, compiled on its first search.
  static Regex deferred(std::string_view pattern, bool case_insensitive, bool multiline);

  /// True when the pattern matches anywhere in `subject`.
  bool search(std::string_view subject) const;
  /// Where the first match starts, when there is one.
  std::optional<std::size_t> find(std::string_view subject) const;
  const std::string& pattern() const noexcept { return pattern_; }
  /// A literal every match must contain (empty when none could be proven):
  /// a subject without it cannot match, which a substring search tells fast.
  const std::string& required_literal() const noexcept { return literal_; }
  bool valid() const noexcept { return code_ != nullptr; }

 private:
  struct Code;
  std::shared_ptr<Code> code_;  // prepared lazily (once, thread-safe); immutable afterwards
  std::string pattern_;
  std::string literal_;
};

/// The longest run of plain characters that every match of `pattern` must
/// contain, found conservatively (top-level alternation, inline flags or
/// anything unclear give none). Exposed for tests.
std::string required_literal_of(std::string_view pattern);

}  // namespace fleetaudit::util

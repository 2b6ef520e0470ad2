#pragma once
// Small string helpers shared by the parsers and the engine. Pure, no I/O.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetaudit::util {

std::string_view trim(std::string_view s) noexcept;
std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b) noexcept;
bool starts_with_icase(std::string_view s, std::string_view prefix) noexcept;

/// Splits on runs of spaces and tabs.
std::vector<std::string_view> split_ws(std::string_view s);
/// Splits on one character; empty fields are kept.
std::vector<std::string_view> split(std::string_view s, char sep);

/// A line of a text with its 1-based number.
struct Line {
  std::string_view text;  // without the line terminator ('\n', and a preceding '\r')
  int number = 0;
};
std::vector<Line> split_lines(std::string_view text);

/// Parses a decimal integer (optional sign). No partial parses.
std::optional<long long> parse_int(std::string_view s) noexcept;
/// Parses an integer, or an OpenSSH-style time ("90", "1m30s", "2h") in seconds.
std::optional<long long> parse_number_or_duration(std::string_view s) noexcept;
/// Parses an octal permission mode ("0644", "644"), at most 07777.
std::optional<std::uint32_t> parse_octal_mode(std::string_view s) noexcept;
/// "0644"
std::string format_mode(std::uint32_t mode);

/// Orders dotted section numbers naturally: 1.2 < 1.10 < 2.
bool section_less(std::string_view a, std::string_view b) noexcept;

/// fnmatch(3)-style match of one path against a glob ('*' and '?' do not
/// cross '/'; '[...]' classes). Pure, so the engine can match without the host.
bool glob_match(std::string_view pattern, std::string_view path) noexcept;
/// '*' any run of characters ('/' included), '?' any one: for names such as
/// image references ("harbor.example.com/*"), not paths.
bool wildcard_match(std::string_view pattern, std::string_view text) noexcept;

std::string join(const std::vector<std::string>& parts, std::string_view sep);

/// Length of the valid UTF-8 sequence starting at s[i] (2 to 4 bytes for
/// non-ASCII), or 0 when it is not one: no overlongs, surrogates or values
/// beyond U+10FFFF.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept;

/// Concatenates pieces with one allocation (evidence is built on hot paths).
std::string concat(std::initializer_list<std::string_view> parts);

/// Shortens a value for evidence, keeping it on one line.
std::string clip(std::string_view s, std::size_t max = 160);
/// clip(), but a long line whose interesting part (from offset `at`) would
/// be cut off is shown from a little before it ("...--seccomp-default=false ...").
std::string clip_around(std::string_view s, std::size_t at, std::size_t max = 160);

}  // namespace fleetaudit::util

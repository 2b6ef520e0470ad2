#pragma once
// PAM configuration (/etc/pam.d): "type control module args", with bracketed
// controls, '-' prefixed types, line continuations and @include.

#include <string>
#include <string_view>
#include <vector>

#include "parse/text_source.hpp"

namespace fleetaudit::parse {

struct PamLine {
  std::string type;     // auth, account, password, session ('-' prefix removed)
  std::string control;  // required, [success=1 default=ignore], ...
  std::string module;   // as written (pam_unix.so or a full path)
  std::vector<std::string> args;
  std::string file;  // where the line is, after following @include
  int line = 0;

  /// The module's file name ("pam_unix.so" for "/lib/security/pam_unix.so").
  std::string_view module_name() const;
  /// The argument named `name` ("remember" matches "remember" and "remember=5").
  const std::string* find_arg(std::string_view name) const;
  /// The value of "name=value", empty when the argument has no value.
  std::string_view arg_value(std::string_view name) const;
};

struct PamStack {
  std::vector<PamLine> lines;
  std::vector<std::string> problems;
  bool incomplete = false;
};

/// Lines of one PAM file with @include followed (depth-limited), in order.
PamStack parse_pam(const TextSource& source, std::string_view path);

}  // namespace fleetaudit::parse

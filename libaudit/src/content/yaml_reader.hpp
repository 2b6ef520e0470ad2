#pragma once
// Strict reading of YAML content: every value's type is checked, every map's
// keys are checked against what the reader asked for, and every problem is
// recorded with file:line:column instead of stopping at the first.

#include "content/yaml_doc.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fleetaudit/content.hpp"

namespace fleetaudit::detail {

class YamlContext {
 public:
  YamlContext(std::string file, std::vector<Diagnostic>& out) : file_(std::move(file)), out_(out) {}

  void error(const yaml::Node& at, std::string message);
  void error_at(int line, int column, std::string message);
  SourceLocation where(const yaml::Node& at) const;
  const std::string& file() const noexcept { return file_; }
  std::size_t error_count() const noexcept { return out_.size(); }

  std::optional<std::string> string(const yaml::Node& n, std::string_view what);
  std::optional<bool> boolean(const yaml::Node& n, std::string_view what);
  std::optional<long long> integer(const yaml::Node& n, std::string_view what);
  /// A scalar or a sequence of scalars.
  std::optional<std::vector<std::string>> string_list(const yaml::Node& n, std::string_view what);

 private:
  std::string file_;
  std::vector<Diagnostic>& out_;
};

/// Reads one YAML map: get() the keys you know, then finish() reports the rest.
class MapReader {
 public:
  MapReader(YamlContext& ctx, const yaml::Node& node, std::string what);
  bool ok() const noexcept { return ok_; }
  bool has(std::string_view key) const;
  /// The value for `key`, or an undefined node (operator bool false) when absent.
  yaml::Node get(std::string_view key);
  /// Reports an error when `key` is absent.
  yaml::Node require(std::string_view key);
  /// Reports every key that was never asked for, with a suggestion.
  void finish();
  const yaml::Node& node() const noexcept { return node_; }
  std::vector<std::string> keys() const;

 private:
  YamlContext& ctx_;
  yaml::Node node_;
  std::string what_;
  bool ok_ = true;
  std::set<std::string, std::less<>> asked_;
};

/// The closest of `candidates` to `word`, when close enough to be a typo.
std::optional<std::string> suggest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace fleetaudit::detail

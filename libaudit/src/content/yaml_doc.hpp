#pragma once
// A small YAML document tree over libyaml's event parser: what the content
// loader needs (scalars, sequences, mappings with positions), an order of
// magnitude faster than a general-purpose DOM.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fleetaudit/expected.hpp"

namespace fleetaudit::yaml {

/// A position in the text; 0-based like libyaml (callers add 1 for people).
struct Mark {
  int line = -1;
  int column = -1;
  bool is_null() const noexcept { return line < 0; }
};

class Node {
 public:
  enum class Type { undefined, null, scalar, sequence, map };
  using Pair = std::pair<Node, Node>;

  Node() = default;  // undefined: what a lookup of an absent key returns

  bool IsDefined() const noexcept { return d_ != nullptr; }
  bool IsNull() const noexcept { return d_ && d_->type == Type::null; }
  bool IsScalar() const noexcept { return d_ && d_->type == Type::scalar; }
  bool IsSequence() const noexcept { return d_ && d_->type == Type::sequence; }
  bool IsMap() const noexcept { return d_ && d_->type == Type::map; }
  Type type() const noexcept { return d_ ? d_->type : Type::undefined; }

  /// The text of a scalar (empty otherwise).
  const std::string& Scalar() const noexcept;
  Mark mark() const noexcept { return d_ ? d_->mark : Mark{}; }
  /// Entries of a sequence or pairs of a mapping.
  std::size_t size() const noexcept;

  /// Items of a sequence (empty otherwise).
  const std::vector<Node>& items() const noexcept;
  /// Key/value pairs of a mapping in document order, duplicates kept (empty otherwise).
  const std::vector<Pair>& pairs() const noexcept;
  /// The value of the first pair whose key is the scalar `key`, or undefined.
  Node operator[](std::string_view key) const;

 private:
  friend class Builder;

 public:
  struct Data {
    Type type = Type::null;
    Mark mark;
    std::string scalar;
    std::vector<Node> items;
    std::vector<Pair> pairs;
  };

 private:
  std::shared_ptr<Data> d_;
};

/// Parses one YAML document (an empty text gives a null node). The error
/// names line and column: "3:5: mapping values are not allowed in this context".
struct ParseError {
  Mark mark;
  std::string message;
};
std::expected<Node, ParseError> parse(std::string_view text);

}  // namespace fleetaudit::yaml

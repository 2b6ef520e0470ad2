#pragma once
// A small YAML document tree over libyaml's event parser: what the content
// loader needs (scalars, sequences, mappings with positions), an order of
// magnitude faster than a general-purpose DOM.

#include <memory>
#include <optional>
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
  /// A scalar written without quotes or block style: the only kind YAML
  /// resolves to booleans and numbers.
  bool IsPlain() const noexcept { return d_ && d_->plain; }
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
    bool plain = false;
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

/// Every document of a stream ("---" separated), for files that hold many
/// (Kubernetes manifests, Helm output). Documents are numbered from 1 in
/// stream order, empty ones included, so a number names the document a person
/// counts. A syntax error stops the stream: the documents before it are kept
/// and `error` names the document it is in.
struct Document {
  std::size_t number = 0;  ///< 1-based position in the stream
  Mark start;              ///< where the document begins
  Node root;               ///< null for an empty document
};
struct Stream {
  std::vector<Document> documents;
  std::optional<ParseError> error;
  std::size_t error_document = 0;  ///< the document the error is in (1-based), when error
};
Stream parse_stream(std::string_view text);

}  // namespace fleetaudit::yaml

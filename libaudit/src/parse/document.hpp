#pragma once
// Structured documents (JSON, YAML, TOML) as one tree, and the paths content
// uses to point into them ("HostConfig.CapAdd", "spec.containers[*].image").
// Pure: text in, tree out.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetaudit/expected.hpp"

namespace fleetaudit::parse {

enum class DocFormat { json, yaml, toml };

std::string_view to_string(DocFormat f) noexcept;
std::optional<DocFormat> parse_doc_format(std::string_view name) noexcept;
/// From a file name: .json, .yaml / .yml, .toml.
std::optional<DocFormat> doc_format_for(std::string_view path) noexcept;

/// One document. YAML scalars become strings (YAML's own typing is not
/// trusted: "no" stays "no"), an empty YAML value becomes null; TOML keeps
/// its types, dates and times as their text. Errors name line and column.
Expected<nlohmann::json> parse_document(std::string_view text, DocFormat format);
/// The same for one format (these two link without the YAML parser).
Expected<nlohmann::json> parse_json_document(std::string_view text);
Expected<nlohmann::json> parse_toml_document(std::string_view text);

/// One document of a file that may hold several ("---" separated YAML).
struct ParsedDocument {
  std::size_t number = 0;  ///< 1-based position in the file, empty documents counted
  int line = 0;            ///< 1-based line where it starts
  nlohmann::json value;    ///< null for an empty document
};
struct DocumentStream {
  std::vector<ParsedDocument> documents;  ///< every document read before any error
  std::string error;                      ///< empty: the whole text was read
  std::size_t error_document = 0;         ///< the document the error is in (1-based)
};
/// Every document of a text. JSON and TOML hold exactly one. With
/// `yaml11_scalars`, plain YAML scalars are read the way Kubernetes' YAML
/// reader (YAML 1.1) reads them: yes/no/on/off/y/n in any of their spellings
/// become "true"/"false", and integers in hex, octal, binary or with '_'
/// become decimal ("0x0" -> "0"), so `privileged: yes` or `runAsUser: 00`
/// cannot slip past a check. Quoted scalars stay as written.
DocumentStream parse_documents(std::string_view text, DocFormat format, bool yaml11_scalars = false);

/// A step of a path: a key, an index, or every element of a list (every
/// value of a mapping, in key order).
struct DocStep {
  enum class Kind { key, index, each };
  Kind kind = Kind::key;
  std::string key;
  std::size_t index = 0;
};
using DocPath = std::vector<DocStep>;

/// "a.b[*].c", "a[0]", a."key.with.dots".b; `[*]` on a mapping walks its
/// values ("PortBindings[*][*].HostPort"); keys may hold anything but
/// unquoted '.', '[' and '"'. The error says what is wrong at which offset.
Expected<DocPath> parse_doc_path(std::string_view text);
std::string to_string(const DocPath& path);

/// Where a path leads: every match with its concrete location
/// ("spec.containers[1].image"). Nothing matches when a key is absent, a
/// value has the wrong shape, or a list is empty. JSON null counts as absent.
struct DocMatch {
  std::string where;
  const nlohmann::json* value = nullptr;
};
std::vector<DocMatch> resolve(const nlohmann::json& doc, const DocPath& path);

/// A value as the value tests see it: strings as they are, booleans
/// "true"/"false", numbers in their shortest form, lists as their elements'
/// text joined by ",", objects as compact JSON.
std::string doc_text(const nlohmann::json& value);

}  // namespace fleetaudit::parse

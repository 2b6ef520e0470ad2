#include "parse/document.hpp"

#include <charconv>

#include "content/yaml_doc.hpp"

namespace fleetaudit::parse {

using nlohmann::json;

std::string_view to_string(DocFormat f) noexcept {
  switch (f) {
    case DocFormat::json: return "json";
    case DocFormat::yaml: return "yaml";
    case DocFormat::toml: return "toml";
  }
  return "json";
}

std::optional<DocFormat> parse_doc_format(std::string_view name) noexcept {
  if (name == "json") return DocFormat::json;
  if (name == "yaml") return DocFormat::yaml;
  if (name == "toml") return DocFormat::toml;
  return std::nullopt;
}

std::optional<DocFormat> doc_format_for(std::string_view path) noexcept {
  if (path.ends_with(".json")) return DocFormat::json;
  if (path.ends_with(".yaml") || path.ends_with(".yml")) return DocFormat::yaml;
  if (path.ends_with(".toml")) return DocFormat::toml;
  return std::nullopt;
}

namespace {

json from_yaml(const yaml::Node& n) {
  switch (n.type()) {
    case yaml::Node::Type::scalar: return n.Scalar();
    case yaml::Node::Type::sequence: {
      json a = json::array();
      for (const auto& item : n.items()) a.push_back(from_yaml(item));
      return a;
    }
    case yaml::Node::Type::map: {
      json o = json::object();
      // The first of duplicate keys wins, as in the content loader's lookups.
      for (const auto& [k, v] : n.pairs()) {
        std::string key = k.IsScalar() ? k.Scalar() : std::string();
        if (!o.contains(key)) o[key] = from_yaml(v);
      }
      return o;
    }
    default: return nullptr;
  }
}

}  // namespace

Expected<json> parse_document(std::string_view text, DocFormat format) {
  switch (format) {
    case DocFormat::json: return parse_json_document(text);
    case DocFormat::yaml: {
      auto n = yaml::parse(text);
      if (!n) {
        return std::unexpected(Error{"not valid YAML: " + std::to_string(n.error().mark.line + 1) + ":" +
                                     std::to_string(n.error().mark.column + 1) + ": " + n.error().message});
      }
      return from_yaml(*n);
    }
    case DocFormat::toml: return parse_toml_document(text);
  }
  return std::unexpected(Error{"unknown document format"});
}

}  // namespace fleetaudit::parse

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

// A plain scalar as YAML 1.1 resolves it, in canonical text: booleans
// "true"/"false", integers in decimal. Anything else as written.
std::string yaml11_scalar(const std::string& s) {
  static const char* const kTrue[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static const char* const kFalse[] = {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  for (const char* t : kTrue)
    if (s == t) return "true";
  for (const char* f : kFalse)
    if (s == f) return "false";
  std::string digits;
  for (char c : s)
    if (c != '_') digits += c;
  std::string_view v = digits;
  bool negative = false;
  if (!v.empty() && (v[0] == '+' || v[0] == '-')) {
    negative = v[0] == '-';
    v.remove_prefix(1);
  }
  int base = 10;
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) base = 16, v.remove_prefix(2);
  else if (v.size() > 2 && v[0] == '0' && (v[1] == 'o' || v[1] == 'O')) base = 8, v.remove_prefix(2);
  else if (v.size() > 2 && v[0] == '0' && (v[1] == 'b' || v[1] == 'B')) base = 2, v.remove_prefix(2);
  else if (v.size() > 1 && v[0] == '0') base = 8, v.remove_prefix(1);
  unsigned long long n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n, base);
  if (v.empty() || ec != std::errc{} || p != v.data() + v.size()) return s;
  if (n == 0) return "0";
  return (negative ? "-" : "") + std::to_string(n);
}

json from_yaml(const yaml::Node& n, bool yaml11 = false) {
  switch (n.type()) {
    case yaml::Node::Type::scalar: return yaml11 && n.IsPlain() ? yaml11_scalar(n.Scalar()) : n.Scalar();
    case yaml::Node::Type::sequence: {
      json a = json::array();
      for (const auto& item : n.items()) a.push_back(from_yaml(item, yaml11));
      return a;
    }
    case yaml::Node::Type::map: {
      json o = json::object();
      // The first of duplicate keys wins, as in the content loader's lookups.
      for (const auto& [k, v] : n.pairs()) {
        std::string key = k.IsScalar() ? k.Scalar() : std::string();
        if (!o.contains(key)) o[key] = from_yaml(v, yaml11);
      }
      return o;
    }
    default: return nullptr;
  }
}

}  // namespace

DocumentStream parse_documents(std::string_view text, DocFormat format, bool yaml11_scalars) {
  DocumentStream out;
  if (format != DocFormat::yaml) {
    auto one = parse_document(text, format);
    if (!one) {
      out.error = one.error().message;
      out.error_document = 1;
    } else {
      out.documents.push_back({1, 1, std::move(*one)});
    }
    return out;
  }
  yaml::Stream s = yaml::parse_stream(text);
  for (auto& d : s.documents) out.documents.push_back({d.number, d.start.line + 1, from_yaml(d.root, yaml11_scalars)});
  if (s.error) {
    out.error = "not valid YAML: " + std::to_string(s.error->mark.line + 1) + ":" + std::to_string(s.error->mark.column + 1) +
                ": " + s.error->message;
    out.error_document = s.error_document;
  }
  return out;
}

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

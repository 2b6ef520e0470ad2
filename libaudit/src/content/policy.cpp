// Site policy files: named lists content refers to (evaluate.hpp: Policy).

#include "content/yaml_doc.hpp"
#include "fleetaudit/evaluate.hpp"

namespace fleetaudit {

Expected<Policy> parse_policy(std::string_view text, std::string_view display) {
  auto where = [&](const yaml::Node& n) {
    return std::string(display) + ":" + std::to_string(n.mark().line + 1) + ":" + std::to_string(n.mark().column + 1) + ": ";
  };
  auto doc = yaml::parse(text);
  if (!doc) {
    return std::unexpected(Error{std::string(display) + ":" + std::to_string(doc.error().mark.line + 1) + ":" +
                                 std::to_string(doc.error().mark.column + 1) + ": invalid YAML: " + doc.error().message});
  }
  Policy p;
  if (doc->IsNull()) return p;
  if (!doc->IsMap()) return std::unexpected(Error{where(*doc) + "a policy is a mapping of list names to lists of patterns"});
  for (const auto& [k, v] : doc->pairs()) {
    if (!k.IsScalar() || k.Scalar().empty()) return std::unexpected(Error{where(k) + "a list name must be a string"});
    const std::string& name = k.Scalar();
    for (char c : name) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
        return std::unexpected(Error{where(k) + "list name '" + name + "': use lower-case letters, digits and '_'"});
    }
    if (p.lists.count(name)) return std::unexpected(Error{where(k) + "list '" + name + "' is given twice"});
    std::vector<std::string> items;
    if (v.IsScalar()) {
      items.push_back(v.Scalar());
    } else if (v.IsSequence()) {
      for (const auto& item : v.items()) {
        if (!item.IsScalar()) return std::unexpected(Error{where(item) + "list '" + name + "' must hold strings"});
        items.push_back(item.Scalar());
      }
    } else if (!v.IsNull()) {
      return std::unexpected(Error{where(v) + "list '" + name + "' must be a list of strings"});
    }
    p.lists.emplace(name, std::move(items));
  }
  return p;
}

}  // namespace fleetaudit

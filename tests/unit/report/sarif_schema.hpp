#pragma once
// The parts of the SARIF 2.1.0 JSON schema (OASIS, sarif-schema-2.1.0.json)
// that our reports use, written down as data: for each object its required
// properties and every property it allows (the schema sets
// additionalProperties false on all of them), with types, enums, minimums,
// uniqueItems and formats. validate_sarif() walks a log against it.

#include <nlohmann/json.hpp>

#include <climits>
#include <map>
#include <regex>
#include <string>
#include <vector>

namespace fleetaudit::testing::sarif {

struct Prop {
  std::string type;  // string integer number boolean object array map bag enum any
  std::string ref;   // object: its definition; array/map: the items' definition (or a type when it starts with '=')
  std::vector<std::string> values;  // enum
  bool unique = false;              // array: uniqueItems
  long long minimum = LLONG_MIN;    // integer
  std::string format;               // string: uri, uri-reference, date-time
};

struct Def {
  std::vector<std::string> required;
  std::map<std::string, Prop> props;
  std::vector<std::string> any_of;  // at least one of these present
};

inline Prop str(std::string format = {}) {
  return Prop{"string", {}, {}, false, LLONG_MIN, std::move(format)};
}
inline Prop integer(long long min = LLONG_MIN) {
  return Prop{"integer", {}, {}, false, min, {}};
}
inline Prop number() {
  return Prop{"number"};
}
inline Prop boolean() {
  return Prop{"boolean"};
}
inline Prop object(std::string ref) {
  return Prop{"object", std::move(ref)};
}
inline Prop array(std::string ref, bool unique = false) {
  return Prop{"array", std::move(ref), {}, unique};
}
inline Prop map_of(std::string ref) {
  return Prop{"map", std::move(ref)};
}
inline Prop bag() {
  return Prop{"bag"};
}
inline Prop one_of(std::vector<std::string> values) {
  return Prop{"enum", {}, std::move(values)};
}

inline const std::map<std::string, Def>& definitions() {
  static const std::map<std::string, Def> defs = [] {
    std::map<std::string, Def> d;
    const std::vector<std::string> levels{"none", "note", "warning", "error"};
    d["root"] = {{"version", "runs"},
                 {{"$schema", str("uri")},
                  {"version", one_of({"2.1.0"})},
                  {"runs", array("run")},
                  {"inlineExternalProperties", array("=any", true)},
                  {"properties", bag()}}};
    d["run"] = {{"tool"},
                {{"tool", object("tool")},
                 {"invocations", array("invocation")},
                 {"conversion", Prop{"any"}},
                 {"language", str()},
                 {"versionControlProvenance", array("=any", true)},
                 {"originalUriBaseIds", map_of("artifactLocation")},
                 {"artifacts", array("=any", true)},
                 {"logicalLocations", array("logicalLocation", true)},
                 {"graphs", array("=any", true)},
                 {"results", array("result")},
                 {"automationDetails", object("runAutomationDetails")},
                 {"runAggregates", array("runAutomationDetails", true)},
                 {"baselineGuid", str()},
                 {"redactionTokens", array("=string", true)},
                 {"defaultEncoding", str()},
                 {"defaultSourceLanguage", str()},
                 {"newlineSequences", array("=string", true)},
                 {"columnKind", one_of({"utf16CodeUnits", "unicodeCodePoints"})},
                 {"externalPropertyFileReferences", Prop{"any"}},
                 {"threadFlowLocations", array("=any", true)},
                 {"taxonomies", array("toolComponent", true)},
                 {"addresses", array("=any")},
                 {"translations", array("toolComponent", true)},
                 {"policies", array("toolComponent", true)},
                 {"webRequests", array("=any", true)},
                 {"webResponses", array("=any", true)},
                 {"specialLocations", Prop{"any"}},
                 {"properties", bag()}}};
    d["tool"] = {
        {"driver"},
        {{"driver", object("toolComponent")}, {"extensions", array("toolComponent", true)}, {"properties", bag()}}};
    d["toolComponent"] = {{"name"},
                          {{"guid", str()},
                           {"name", str()},
                           {"organization", str()},
                           {"product", str()},
                           {"productSuite", str()},
                           {"shortDescription", object("multiformatMessageString")},
                           {"fullDescription", object("multiformatMessageString")},
                           {"fullName", str()},
                           {"version", str()},
                           {"semanticVersion", str()},
                           {"dottedQuadFileVersion", str()},
                           {"releaseDateUtc", str()},
                           {"downloadUri", str("uri")},
                           {"informationUri", str("uri")},
                           {"globalMessageStrings", map_of("multiformatMessageString")},
                           {"notifications", array("reportingDescriptor", true)},
                           {"rules", array("reportingDescriptor", true)},
                           {"taxa", array("reportingDescriptor", true)},
                           {"locations", array("artifactLocation")},
                           {"language", str()},
                           {"contents", array("=string", true)},
                           {"isComprehensive", boolean()},
                           {"localizedDataSemanticVersion", str()},
                           {"minimumRequiredLocalizedDataSemanticVersion", str()},
                           {"associatedComponent", Prop{"any"}},
                           {"translationMetadata", Prop{"any"}},
                           {"supportedTaxonomies", array("=any", true)},
                           {"properties", bag()}}};
    d["reportingDescriptor"] = {{"id"},
                                {{"id", str()},
                                 {"deprecatedIds", array("=string", true)},
                                 {"guid", str()},
                                 {"deprecatedGuids", array("=string", true)},
                                 {"name", str()},
                                 {"deprecatedNames", array("=string", true)},
                                 {"shortDescription", object("multiformatMessageString")},
                                 {"fullDescription", object("multiformatMessageString")},
                                 {"messageStrings", map_of("multiformatMessageString")},
                                 {"defaultConfiguration", object("reportingConfiguration")},
                                 {"helpUri", str("uri")},
                                 {"help", object("multiformatMessageString")},
                                 {"relationships", array("=any", true)},
                                 {"properties", bag()}}};
    d["multiformatMessageString"] = {{"text"}, {{"text", str()}, {"markdown", str()}, {"properties", bag()}}};
    d["reportingConfiguration"] = {{},
                                   {{"enabled", boolean()},
                                    {"level", one_of(levels)},
                                    {"rank", number()},
                                    {"parameters", bag()},
                                    {"properties", bag()}}};
    d["invocation"] = {{"executionSuccessful"},
                       {{"commandLine", str()},
                        {"arguments", array("=string")},
                        {"responseFiles", array("artifactLocation", true)},
                        {"startTimeUtc", str("date-time")},
                        {"endTimeUtc", str("date-time")},
                        {"exitCode", integer()},
                        {"ruleConfigurationOverrides", array("=any", true)},
                        {"notificationConfigurationOverrides", array("=any", true)},
                        {"toolExecutionNotifications", array("notification")},
                        {"toolConfigurationNotifications", array("notification")},
                        {"exitCodeDescription", str()},
                        {"exitSignalName", str()},
                        {"exitSignalNumber", integer()},
                        {"processStartFailureMessage", str()},
                        {"executionSuccessful", boolean()},
                        {"machine", str()},
                        {"account", str()},
                        {"processId", integer()},
                        {"executableLocation", object("artifactLocation")},
                        {"workingDirectory", object("artifactLocation")},
                        {"environmentVariables", map_of("=string")},
                        {"stdin", object("artifactLocation")},
                        {"stdout", object("artifactLocation")},
                        {"stderr", object("artifactLocation")},
                        {"stdoutStderr", object("artifactLocation")},
                        {"properties", bag()}}};
    d["notification"] = {{"message"},
                         {{"locations", array("location", true)},
                          {"message", object("message")},
                          {"level", one_of(levels)},
                          {"threadId", integer()},
                          {"timeUtc", str("date-time")},
                          {"exception", Prop{"any"}},
                          {"descriptor", Prop{"any"}},
                          {"associatedRule", Prop{"any"}},
                          {"properties", bag()}}};
    d["runAutomationDetails"] = {{},
                                 {{"description", object("message")},
                                  {"id", str()},
                                  {"guid", str()},
                                  {"correlationGuid", str()},
                                  {"properties", bag()}}};
    d["result"] = {{"message"},
                   {{"ruleId", str()},
                    {"ruleIndex", integer(-1)},
                    {"rule", Prop{"any"}},
                    {"kind", one_of({"notApplicable", "pass", "fail", "review", "open", "informational"})},
                    {"level", one_of(levels)},
                    {"message", object("message")},
                    {"analysisTarget", object("artifactLocation")},
                    {"locations", array("location")},
                    {"guid", str()},
                    {"correlationGuid", str()},
                    {"occurrenceCount", integer(1)},
                    {"partialFingerprints", map_of("=string")},
                    {"fingerprints", map_of("=string")},
                    {"stacks", array("=any", true)},
                    {"codeFlows", array("=any")},
                    {"graphs", array("=any", true)},
                    {"graphTraversals", array("=any", true)},
                    {"relatedLocations", array("location", true)},
                    {"suppressions", array("suppression", true)},
                    {"baselineState", one_of({"new", "unchanged", "updated", "absent"})},
                    {"rank", number()},
                    {"attachments", array("=any", true)},
                    {"hostedViewerUri", str("uri")},
                    {"workItemUris", array("=string", true)},
                    {"provenance", Prop{"any"}},
                    {"fixes", array("=any", true)},
                    {"taxa", array("=any", true)},
                    {"webRequest", Prop{"any"}},
                    {"webResponse", Prop{"any"}},
                    {"properties", bag()}}};
    d["message"] = {
        {},
        {{"text", str()}, {"markdown", str()}, {"id", str()}, {"arguments", array("=string")}, {"properties", bag()}},
        {"text", "id"}};
    d["location"] = {{},
                     {{"id", integer(-1)},
                      {"physicalLocation", object("physicalLocation")},
                      {"logicalLocations", array("logicalLocation", true)},
                      {"message", object("message")},
                      {"annotations", array("region", true)},
                      {"relationships", array("=any", true)},
                      {"properties", bag()}}};
    d["physicalLocation"] = {{},
                             {{"address", Prop{"any"}},
                              {"artifactLocation", object("artifactLocation")},
                              {"region", object("region")},
                              {"contextRegion", object("region")},
                              {"properties", bag()}},
                             {"address", "artifactLocation"}};
    d["artifactLocation"] = {{},
                             {{"uri", str("uri-reference")},
                              {"uriBaseId", str()},
                              {"index", integer(-1)},
                              {"description", object("message")},
                              {"properties", bag()}}};
    d["region"] = {{},
                   {{"startLine", integer(1)},
                    {"startColumn", integer(1)},
                    {"endLine", integer(1)},
                    {"endColumn", integer(1)},
                    {"charOffset", integer(-1)},
                    {"charLength", integer(0)},
                    {"byteOffset", integer(-1)},
                    {"byteLength", integer(0)},
                    {"snippet", Prop{"any"}},
                    {"message", object("message")},
                    {"sourceLanguage", str()},
                    {"properties", bag()}}};
    d["logicalLocation"] = {{},
                            {{"name", str()},
                             {"index", integer(-1)},
                             {"fullyQualifiedName", str()},
                             {"decoratedName", str()},
                             {"parentIndex", integer(-1)},
                             {"kind", str()},
                             {"properties", bag()}}};
    d["suppression"] = {{"kind"},
                        {{"guid", str()},
                         {"kind", one_of({"inSource", "external"})},
                         {"status", one_of({"accepted", "underReview", "rejected"})},
                         {"justification", str()},
                         {"location", object("location")},
                         {"properties", bag()}}};
    return d;
  }();
  return defs;
}

inline bool valid_format(const std::string& format, const std::string& v) {
  static const std::regex date_time(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$)");
  // RFC 3986 characters only, and '%' always followed by two hex digits.
  static const std::regex uri_chars(R"(^([A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$)");
  static const std::regex absolute(R"(^[A-Za-z][A-Za-z0-9+.\-]*:.+$)");
  if (format == "date-time") return std::regex_match(v, date_time);
  if (format == "uri") return std::regex_match(v, uri_chars) && std::regex_match(v, absolute);
  if (format == "uri-reference") return std::regex_match(v, uri_chars);
  return true;
}

inline void check_value(const nlohmann::json& v, const Prop& p, const std::string& path,
                        std::vector<std::string>& problems);

inline void check_object(const nlohmann::json& v, const std::string& def_name, const std::string& path,
                         std::vector<std::string>& problems) {
  if (!v.is_object()) {
    problems.push_back(path + ": not an object (" + def_name + ")");
    return;
  }
  const Def& def = definitions().at(def_name);
  for (const auto& r : def.required)
    if (!v.contains(r)) problems.push_back(path + ": " + def_name + " lacks required property '" + r + "'");
  if (!def.any_of.empty()) {
    bool any = false;
    for (const auto& k : def.any_of) any = any || v.contains(k);
    if (!any) problems.push_back(path + ": " + def_name + " needs one of its alternative properties");
  }
  for (const auto& [key, value] : v.items()) {
    auto it = def.props.find(key);
    if (it == def.props.end()) {
      problems.push_back(path + ": property '" + key + "' is not allowed in " + def_name);
      continue;
    }
    check_value(value, it->second, path + "." + key, problems);
  }
}

inline void check_value(const nlohmann::json& v, const Prop& p, const std::string& path,
                        std::vector<std::string>& problems) {
  auto item = [&](const nlohmann::json& x, const std::string& at) {
    if (p.ref.starts_with("=")) {
      std::string t = p.ref.substr(1);
      if (t == "string" && !x.is_string()) problems.push_back(at + ": not a string");
      return;
    }
    check_object(x, p.ref, at, problems);
  };
  if (p.type == "any") return;
  if (p.type == "string") {
    if (!v.is_string()) return problems.push_back(path + ": not a string");
    if (!valid_format(p.format, v.get<std::string>()))
      problems.push_back(path + ": not a valid " + p.format + ": " + v.dump());
  } else if (p.type == "integer") {
    if (!v.is_number_integer()) return problems.push_back(path + ": not an integer");
    if (v.get<long long>() < p.minimum) problems.push_back(path + ": below its minimum " + std::to_string(p.minimum));
  } else if (p.type == "number") {
    if (!v.is_number()) problems.push_back(path + ": not a number");
  } else if (p.type == "boolean") {
    if (!v.is_boolean()) problems.push_back(path + ": not a boolean");
  } else if (p.type == "enum") {
    if (!v.is_string() || std::find(p.values.begin(), p.values.end(), v.get<std::string>()) == p.values.end())
      problems.push_back(path + ": " + v.dump() + " is not one of the allowed values");
  } else if (p.type == "object") {
    check_object(v, p.ref, path, problems);
  } else if (p.type == "array") {
    if (!v.is_array()) return problems.push_back(path + ": not an array");
    std::vector<std::string> seen;
    for (std::size_t i = 0; i < v.size(); ++i) {
      item(v[i], path + "[" + std::to_string(i) + "]");
      if (p.unique) {
        std::string dump = v[i].dump();
        if (std::find(seen.begin(), seen.end(), dump) != seen.end())
          problems.push_back(path + ": items are not unique");
        seen.push_back(dump);
      }
    }
  } else if (p.type == "map") {
    if (!v.is_object()) return problems.push_back(path + ": not an object");
    for (const auto& [k, x] : v.items()) item(x, path + "." + k);
  } else if (p.type == "bag") {
    if (!v.is_object()) return problems.push_back(path + ": property bag is not an object");
    if (v.contains("tags")) check_value(v["tags"], array("=string", true), path + ".tags", problems);
  }
}

/// Every way `log` departs from the schema (empty: none found).
inline std::vector<std::string> validate_sarif(const nlohmann::json& log) {
  std::vector<std::string> problems;
  check_object(log, "root", "$", problems);
  return problems;
}

}  // namespace fleetaudit::testing::sarif

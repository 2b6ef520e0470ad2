// JSON and TOML documents, apart from YAML (document.cpp): the collector's
// follow-up round reads daemon.json and storage.conf, and the static agent
// links it without libyaml.

#include <cstdio>

#include "parse/document.hpp"

// toml++ header-only in this one file: Debian ships only a shared library,
// and the static agent must link without it.
#define TOML_HEADER_ONLY 1
#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>

namespace fleetaudit::parse {

using nlohmann::json;

namespace {

json from_toml(const toml::node& n) {
  if (const auto* t = n.as_table()) {
    json o = json::object();
    for (const auto& [k, v] : *t) o[std::string(k.str())] = from_toml(v);
    return o;
  }
  if (const auto* a = n.as_array()) {
    json arr = json::array();
    for (const auto& v : *a) arr.push_back(from_toml(v));
    return arr;
  }
  if (const auto* s = n.as_string()) return s->get();
  if (const auto* i = n.as_integer()) return i->get();
  if (const auto* f = n.as_floating_point()) return f->get();
  if (const auto* b = n.as_boolean()) return b->get();
  if (const auto* d = n.as_date()) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(d->get().year), static_cast<int>(d->get().month),
                  static_cast<int>(d->get().day));
    return std::string(buf);
  }
  if (const auto* t = n.as_time()) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(t->get().hour), static_cast<int>(t->get().minute),
                  static_cast<int>(t->get().second));
    return std::string(buf);
  }
  if (const auto* dt = n.as_date_time()) {
    const auto& v = dt->get();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", static_cast<int>(v.date.year), static_cast<int>(v.date.month),
                  static_cast<int>(v.date.day), static_cast<int>(v.time.hour), static_cast<int>(v.time.minute),
                  static_cast<int>(v.time.second));
    return std::string(buf);
  }
  return nullptr;
}

}  // namespace

Expected<json> parse_json_document(std::string_view text) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> from "line"
    auto at = what.find("at line");
    return std::unexpected(Error{"not valid JSON: " + (at == std::string::npos ? what : what.substr(at + 3))});
  }
}

Expected<json> parse_toml_document(std::string_view text) {
  try {
    toml::table t = toml::parse(text);
    return from_toml(t);
  } catch (const toml::parse_error& e) {
    return std::unexpected(Error{"not valid TOML: " + std::to_string(e.source().begin.line) + ":" +
                                 std::to_string(e.source().begin.column) + ": " + std::string(e.description())});
  }
}

}  // namespace fleetaudit::parse

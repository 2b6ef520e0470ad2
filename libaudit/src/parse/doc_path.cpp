// Paths into structured documents (parse/document.hpp): parsing, printing,
// resolving. Kept apart from the format parsers so that what only plans or
// describes rules links without them.

#include <charconv>

#include "parse/document.hpp"

namespace fleetaudit::parse {

using nlohmann::json;

Expected<DocPath> parse_doc_path(std::string_view text) {
  DocPath out;
  std::size_t i = 0;
  auto fail = [&](std::string why) -> Expected<DocPath> {
    return std::unexpected(Error{"path '" + std::string(text) + "': " + why + " at offset " + std::to_string(i)});
  };
  if (text.empty()) return fail("empty");
  bool expect_key = true;  // at the start or after '.'
  while (i < text.size()) {
    char c = text[i];
    if (c == '[') {
      if (expect_key && !out.empty()) return fail("'[' right after '.'");
      std::size_t close = text.find(']', i);
      if (close == std::string_view::npos) return fail("unclosed '['");
      std::string_view inner = text.substr(i + 1, close - i - 1);
      DocStep s;
      if (inner == "*") {
        s.kind = DocStep::Kind::each;
      } else {
        std::size_t v = 0;
        auto [p, ec] = std::from_chars(inner.data(), inner.data() + inner.size(), v);
        if (inner.empty() || ec != std::errc{} || p != inner.data() + inner.size()) return fail("'[" + std::string(inner) + "]' is not [*] or an index");
        s.kind = DocStep::Kind::index;
        s.index = v;
      }
      out.push_back(std::move(s));
      i = close + 1;
      expect_key = false;
      continue;
    }
    if (c == '.') {
      if (expect_key) return fail("empty key");
      ++i;
      expect_key = true;
      continue;
    }
    if (!expect_key) return fail("expected '.' or '['");
    DocStep s;
    if (c == '"') {
      std::size_t close = text.find('"', i + 1);
      if (close == std::string_view::npos) return fail("unclosed quote");
      s.key = std::string(text.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      std::size_t end = text.find_first_of(".[\"", i);
      if (end == std::string_view::npos) end = text.size();
      if (end < text.size() && text[end] == '"') return fail("quote inside a key");
      s.key = std::string(text.substr(i, end - i));
      i = end;
    }
    out.push_back(std::move(s));
    expect_key = false;
  }
  if (expect_key) return fail("ends with '.'");
  return out;
}

std::string to_string(const DocPath& path) {
  std::string s;
  for (const auto& step : path) {
    switch (step.kind) {
      case DocStep::Kind::key: {
        if (!s.empty()) s += '.';
        bool quote = step.key.empty() || step.key.find_first_of(".[\"") != std::string::npos;
        s += quote ? "\"" + step.key + "\"" : step.key;
        break;
      }
      case DocStep::Kind::index: s += "[" + std::to_string(step.index) + "]"; break;
      case DocStep::Kind::each: s += "[*]"; break;
    }
  }
  return s;
}

namespace {

void walk(const json& v, const DocPath& path, std::size_t k, std::string& where, std::vector<DocMatch>& out) {
  if (v.is_null()) return;
  if (k == path.size()) {
    out.push_back({where, &v});
    return;
  }
  const DocStep& s = path[k];
  const std::size_t mark = where.size();
  switch (s.kind) {
    case DocStep::Kind::key: {
      if (!v.is_object()) return;
      auto it = v.find(s.key);
      if (it == v.end()) return;
      if (!where.empty()) where += '.';
      where += s.key.find_first_of(".[\"") == std::string::npos && !s.key.empty() ? s.key : "\"" + s.key + "\"";
      walk(*it, path, k + 1, where, out);
      break;
    }
    case DocStep::Kind::index:
      if (!v.is_array() || s.index >= v.size()) return;
      where += "[" + std::to_string(s.index) + "]";
      walk(v[s.index], path, k + 1, where, out);
      break;
    case DocStep::Kind::each:
      if (v.is_object()) {
        // every value of a mapping, named by its key
        for (auto it = v.begin(); it != v.end(); ++it) {
          where.resize(mark);
          if (!where.empty()) where += '.';
          const std::string& key = it.key();
          where += key.find_first_of(".[\"") == std::string::npos && !key.empty() ? key : "\"" + key + "\"";
          walk(*it, path, k + 1, where, out);
        }
        break;
      }
      if (!v.is_array()) return;
      for (std::size_t i = 0; i < v.size(); ++i) {
        where.resize(mark);
        where += "[" + std::to_string(i) + "]";
        walk(v[i], path, k + 1, where, out);
      }
      break;
  }
  where.resize(mark);
}

}  // namespace

std::vector<DocMatch> resolve(const json& doc, const DocPath& path) {
  std::vector<DocMatch> out;
  std::string where;
  walk(doc, path, 0, where, out);
  return out;
}

std::string doc_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return v.dump();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (d == static_cast<double>(static_cast<long long>(d))) return std::to_string(static_cast<long long>(d));
    return v.dump();
  }
  if (v.is_array()) {
    std::string s;
    for (const auto& e : v) {
      if (!s.empty()) s += ',';
      s += doc_text(e);
    }
    return s;
  }
  if (v.is_null()) return "";
  return v.dump();
}

}  // namespace fleetaudit::parse

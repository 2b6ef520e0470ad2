#include "parse/keyvalue.hpp"

#include "util/strings.hpp"

namespace fleetaudit::parse {

std::vector<KeyValue> parse_key_values(std::string_view text, KvSeparator sep,
                                       bool semicolon_comments) {
  std::vector<KeyValue> out;
  std::string section;
  for (const auto& [raw, number] : util::split_lines(text)) {
    std::string_view line = util::trim(raw);
    if (line.empty() || line.front() == '#' || (semicolon_comments && line.front() == ';')) continue;
    if (line.front() == '[' && line.back() == ']') {
      section = std::string(util::trim(line.substr(1, line.size() - 2)));
      continue;
    }
    std::string_view key, value;
    if (sep == KvSeparator::equals) {
      std::size_t eq = line.find('=');
      if (eq == std::string_view::npos) continue;
      key = util::trim(line.substr(0, eq));
      value = util::trim(line.substr(eq + 1));
    } else {
      std::size_t ws = line.find_first_of(" \t");
      key = line.substr(0, ws);
      value = ws == std::string_view::npos ? std::string_view{} : util::trim(line.substr(ws));
    }
    if (key.empty()) continue;
    out.push_back({std::string(key), std::string(value), section, number});
  }
  return out;
}

namespace {
std::string unquote_shell(std::string_view v) {
  std::string out;
  char quote = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (quote == '\'') {
      if (c == '\'') quote = 0; else out += c;
    } else if (c == '\\' && i + 1 < v.size() && quote != '\'') {
      out += v[++i];
    } else if (quote == '"') {
      if (c == '"') quote = 0; else out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '#' && (i == 0 || v[i - 1] == ' ')) {
      break;
    } else {
      out += c;
    }
  }
  return std::string(util::trim(out));
}
}  // namespace

std::map<std::string, std::string> parse_os_release(std::string_view text) {
  std::map<std::string, std::string> out;
  for (const auto& kv : parse_key_values(text, KvSeparator::equals)) {
    out[kv.key] = unquote_shell(kv.value);
  }
  return out;
}

}  // namespace fleetaudit::parse

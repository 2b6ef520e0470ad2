#pragma once
// Writing JSON fast: large texts (file contents, evidence) are copied in runs
// and escaped only where needed. Reading JSON stays with nlohmann::json.

#include <cstdint>
#include <string>
#include <string_view>

namespace fleetaudit::util {

/// Appends `s` as a JSON string literal. Bytes that are not valid UTF-8
/// become U+FFFD, so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view s);

class JsonWriter {
 public:
  /// `indent` > 0 writes one member per line, indented (for people).
  explicit JsonWriter(std::string& out, int indent = 0) : out_(out), indent_(indent) {}
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view v);
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  JsonWriter& value(const std::string& v) { return value(std::string_view(v)); }
  JsonWriter& value(bool v);
  JsonWriter& value(double v);
  JsonWriter& value(std::int64_t v);
  JsonWriter& value(std::uint64_t v);
  JsonWriter& value(int v) { return value(static_cast<std::int64_t>(v)); }
  JsonWriter& value(unsigned v) { return value(static_cast<std::uint64_t>(v)); }
  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

 private:
  JsonWriter& open(char c);
  JsonWriter& close(char c);
  void separate();
  void newline();

  std::string& out_;
  int indent_ = 0;
  int depth_ = 0;
  bool first_ = true;   // no value yet at this level
  bool after_key_ = false;
};

}  // namespace fleetaudit::util

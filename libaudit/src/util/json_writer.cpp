#include "util/json_writer.hpp"

#include "util/strings.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace fleetaudit::util {


// Bytes that need more than copying: controls, '"', '\\' and non-ASCII.
constexpr auto kSpecial = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[static_cast<std::size_t>(c)] = c < 0x20 || c >= 0x80 || c == '"' || c == '\\';
  return t;
}();

void append_json_string(std::string& out, std::string_view s) {
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  std::size_t run = 0;  // start of the pending run of bytes copied as they are
  std::size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  auto flush = [&](std::size_t end) {
    if (end > run) out.append(s.data() + run, end - run);
  };
  while (i < n) {
    while (i < n && !kSpecial[p[i]]) ++i;
    if (i >= n) break;
    auto c = p[i];
    if (c >= 0x80) {
      std::size_t n = utf8_sequence_length(s, i);
      if (n) {
        i += n;
        continue;
      }
      flush(i);
      out += "\xEF\xBF\xBD";  // U+FFFD
      run = ++i;
      continue;
    }
    flush(i);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
    }
    run = ++i;
  }
  flush(i);
  out += '"';
}

void JsonWriter::newline() {
  if (indent_ <= 0) return;
  out_ += '\n';
  out_.append(static_cast<std::size_t>(depth_ * indent_), ' ');
}

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_) out_ += ',';
  if (depth_ > 0) newline();
  first_ = false;
}

JsonWriter& JsonWriter::open(char c) {
  separate();
  out_ += c;
  ++depth_;
  first_ = true;
  return *this;
}

JsonWriter& JsonWriter::close(char c) {
  --depth_;
  if (!first_) newline();  // an empty container stays on one line
  out_ += c;
  first_ = false;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  separate();
  append_json_string(out_, k);
  out_ += indent_ > 0 ? ": " : ":";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view v) {
  separate();
  append_json_string(out_, v);
  return *this;
}

JsonWriter& JsonWriter::value(bool v) {
  separate();
  out_ += v ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::value(double v) {
  separate();
  if (!std::isfinite(v)) {
    out_ += "null";
    return *this;
  }
  char buf[32];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, p);
  return *this;
}

namespace {
template <class Int>
void append_int(std::string& out, Int v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, p);
}
}  // namespace

JsonWriter& JsonWriter::value(std::int64_t v) {
  separate();
  append_int(out_, v);
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t v) {
  separate();
  append_int(out_, v);
  return *this;
}

}  // namespace fleetaudit::util

// Snapshot <-> JSON. Text content is stored as is; anything that is not valid
// UTF-8 is base64-encoded so the JSON stays valid and the bytes survive.

#include <nlohmann/json.hpp>

#include "fleetaudit/plan.hpp"
#include "fleetaudit/snapshot.hpp"
#include "collect/probes.hpp"
#include "util/json_writer.hpp"
#include "util/strings.hpp"

namespace fleetaudit {

using nlohmann::json;

const FileFact* Snapshot::file(std::string_view path) const {
  auto it = files.find(path);
  return it == files.end() ? nullptr : &it->second;
}

const std::vector<std::string>* Snapshot::glob(std::string_view pattern) const {
  auto it = globs.find(pattern);
  return it == globs.end() ? nullptr : &it->second;
}

namespace {

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += i + 1 < in.size() ? kB64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view in) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (std::size_t i = 0; i < in.size(); i += 4) {
    int a = val(in[i]), b = val(in[i + 1]);
    int c = in[i + 2] == '=' ? 0 : val(in[i + 2]);
    int d = in[i + 3] == '=' ? 0 : val(in[i + 3]);
    if (a < 0 || b < 0 || c < 0 || d < 0) return std::nullopt;
    unsigned v = (a << 18) | (b << 12) | (c << 6) | d;
    out += static_cast<char>((v >> 16) & 0xff);
    if (in[i + 2] != '=') out += static_cast<char>((v >> 8) & 0xff);
    if (in[i + 3] != '=') out += static_cast<char>(v & 0xff);
  }
  return out;
}

// Strict UTF-8 (no overlongs, surrogates or NUL), so content nlohmann::json
// accepts round-trips byte for byte; anything else goes base64.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    // Fast path over ASCII (NUL excluded: it marks binary content).
    while (i < s.size() && p[i] - 1u < 0x7Fu) ++i;
    if (i >= s.size()) break;
    if (p[i] == 0) return false;
    std::size_t n = util::utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

const char* type_name(FileType t) {
  switch (t) {
    case FileType::missing: return "missing";
    case FileType::regular: return "file";
    case FileType::directory: return "directory";
    case FileType::other: return "other";
    case FileType::error: return "error";
  }
  return "error";
}

std::optional<FileType> parse_type(std::string_view s) {
  for (auto t : {FileType::missing, FileType::regular, FileType::directory, FileType::other, FileType::error}) {
    if (s == type_name(t)) return t;
  }
  return std::nullopt;
}

}  // namespace

std::string to_json(const Snapshot& s) {
  std::size_t bytes = 4096;
  for (const auto& [path, f] : s.files) bytes += path.size() + f.content.size() + 96;
  std::string out;
  out.reserve(bytes);
  util::JsonWriter w(out);
  w.begin_object();
  w.field("format", Snapshot::kFormatVersion).field("host", s.host).field("collector", s.collector);
  w.field("collected_at", s.collected_at);
  w.key("files").begin_object();
  for (const auto& [path, f] : s.files) {
    w.key(path).begin_object();
    w.field("type", type_name(f.type));
    if (!f.error.empty()) w.field("error", f.error);
    if (f.is_symlink) w.field("link", f.link_target);
    if (f.exists()) {
      w.field("mode", f.mode).field("uid", f.uid).field("gid", f.gid).field("size", static_cast<std::uint64_t>(f.size));
      if (f.mtime) w.field("mtime", static_cast<std::int64_t>(f.mtime));
    }
    if (f.has_content) {
      if (valid_utf8(f.content)) w.field("content", f.content);
      else w.field("content_b64", base64_encode(f.content));
      if (f.truncated) w.field("truncated", true);
      if (f.redacted) w.field("redacted", true);
    }
    if (!f.content_error.empty()) w.field("content_error", f.content_error);
    if (f.has_entries) {
      w.key("entries").begin_array();
      for (const auto& e : f.entries) w.value(e);
      w.end_array();
    }
    w.end_object();
  }
  w.end_object();
  w.key("globs").begin_object();
  for (const auto& [pattern, matches] : s.globs) {
    w.key(pattern).begin_array();
    for (const auto& m : matches) w.value(m);
    w.end_array();
  }
  w.end_object();
  w.key("errors").begin_array();
  for (const auto& e : s.errors) w.value(e);
  w.end_array();
  if (!s.tags.empty()) {
    w.key("tags").begin_array();
    for (const auto& t : s.tags) w.value(t);
    w.end_array();
  }
  if (s.kind == Snapshot::Kind::manifests) {
    w.field("kind", "manifests");
    w.key("manifests").begin_array();
    for (const auto& m : s.manifests) w.value(m);
    w.end_array();
  }
  w.end_object();
  return out;
}

std::string to_json(const Plan& plan) {
  std::string out;
  util::JsonWriter w(out);
  w.begin_object();
  w.field("format", 1);
  w.key("items").begin_object();
  for (const auto& [path, flags] : plan.items) w.field(path, static_cast<int>(flags));
  w.end_object();
  w.end_object();
  return out;
}

Expected<Plan> plan_from_json(std::string_view text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    return fail(std::string("plan is not valid JSON: ") + e.what());
  }
  if (!j.is_object() || j.value("format", 0) != 1 || !j.contains("items") || !j["items"].is_object())
    return fail("plan must be {\"format\":1,\"items\":{path:flags}}");
  Plan p;
  for (const auto& [path, flags] : j["items"].items()) {
    if (!flags.is_number_unsigned() || flags.get<unsigned>() > 3) return fail("plan item " + path + ": flags must be 0-3");
    if (path.starts_with('@')) {
      // A probe: only the ones this build knows (an agent older than its scanner says so plainly).
      const auto& known = hostfs::probe_names();
      if (std::find(known.begin(), known.end(), path) == known.end()) return fail("plan item '" + path + "' is not a probe this agent knows");
    } else if (path.empty() || path.front() != '/') {
      return fail("plan item '" + path + "' is not an absolute path");
    }
    p.add(path, static_cast<std::uint8_t>(flags.get<unsigned>()));
  }
  return p;
}

Expected<Snapshot> snapshot_from_json(std::string_view text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    return fail(std::string("snapshot is not valid JSON: ") + e.what());
  }
  try {
    if (!j.is_object()) return fail("snapshot must be a JSON object");
    int format = j.value("format", 0);
    if (format != Snapshot::kFormatVersion)
      return fail("unsupported snapshot format " + std::to_string(format) + " (this build reads format " +
                  std::to_string(Snapshot::kFormatVersion) + ")");
    Snapshot s;
    s.host = j.value("host", "");
    s.collector = j.value("collector", "");
    s.collected_at = j.value("collected_at", "");
    for (const auto& [path, o] : j.at("files").items()) {
      FileFact f;
      f.path = path;
      auto t = parse_type(o.at("type").get<std::string>());
      if (!t) return fail("snapshot file " + path + ": unknown type " + o.at("type").dump());
      f.type = *t;
      f.error = o.value("error", "");
      if (o.contains("link")) {
        f.is_symlink = true;
        f.link_target = o.at("link").get<std::string>();
      }
      f.mode = o.value("mode", 0u);
      f.uid = o.value("uid", 0u);
      f.gid = o.value("gid", 0u);
      f.size = o.value("size", std::uint64_t{0});
      f.mtime = o.value("mtime", std::int64_t{0});
      if (o.contains("content")) {
        f.has_content = true;
        f.content = o.at("content").get<std::string>();
      } else if (o.contains("content_b64")) {
        auto d = base64_decode(o.at("content_b64").get<std::string>());
        if (!d) return fail("snapshot file " + path + ": content_b64 is not valid base64");
        f.has_content = true;
        f.content = std::move(*d);
      }
      f.truncated = o.value("truncated", false);
      f.redacted = o.value("redacted", false);
      f.content_error = o.value("content_error", "");
      if (o.contains("entries")) {
        f.has_entries = true;
        f.entries = o.at("entries").get<std::vector<std::string>>();
      }
      s.files.emplace(path, std::move(f));
    }
    if (j.contains("globs")) {
      for (const auto& [pattern, matches] : j.at("globs").items())
        s.globs.emplace(pattern, matches.get<std::vector<std::string>>());
    }
    if (j.contains("errors")) s.errors = j.at("errors").get<std::vector<std::string>>();
    if (j.contains("tags")) s.tags = j.at("tags").get<std::vector<std::string>>();
    if (j.contains("kind")) {
      std::string kind = j.at("kind").get<std::string>();
      if (kind == "manifests") s.kind = Snapshot::Kind::manifests;
      else if (kind != "host") return fail("snapshot kind '" + kind + "' is not host or manifests");
    }
    if (j.contains("manifests")) s.manifests = j.at("manifests").get<std::vector<std::string>>();
    return s;
  } catch (const json::exception& e) {
    return fail(std::string("snapshot JSON has the wrong shape: ") + e.what());
  }
}

}  // namespace fleetaudit

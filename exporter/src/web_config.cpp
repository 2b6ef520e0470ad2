#include "web_config.hpp"

#include <crypt.h>
#include <yaml-cpp/yaml.h>

#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

namespace fleetaudit::exporter {

namespace {

std::string where(std::string_view display, const YAML::Node& n) {
  return std::string(display) + ":" + std::to_string(n.Mark().line + 1);
}

bool is_bcrypt(std::string_view h) {
  return h.size() == 60 && (h.starts_with("$2a$") || h.starts_with("$2b$") || h.starts_with("$2y$"));
}

// Constant time for equal lengths: no early exit on the first difference.
bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d |= static_cast<unsigned char>(a[i] ^ b[i]);
  return d == 0;
}


bool crypt_matches(const std::string& password, const std::string& hash) {
  crypt_data data{};
  const char* out = crypt_r(password.c_str(), hash.c_str(), &data);
  return out && out[0] != '*' && same(out, hash);
}

}  // namespace

Expected<WebConfig> parse_web_config(std::string_view yaml, std::string_view display) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return fail(std::string(display) + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  WebConfig c;
  if (root.IsNull()) return c;
  if (!root.IsMap()) return fail(where(display, root) + ": expected a mapping");
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (key == "basic_auth_users") {
      if (v.IsNull()) continue;
      if (!v.IsMap()) return fail(where(display, v) + ": basic_auth_users: expected a mapping of user names to bcrypt hashes");
      for (const auto& u : v) {
        std::string user = u.first.as<std::string>();
        if (!u.second.IsScalar()) return fail(where(display, u.second) + ": basic_auth_users." + user + ": expected a bcrypt hash");
        std::string hash = u.second.as<std::string>();
        if (!is_bcrypt(hash))
          return fail(where(display, u.second) + ": basic_auth_users." + user +
                      ": not a bcrypt hash ($2b$..., 60 characters): store hashes, never passwords");
        if (user.find(':') != std::string::npos) return fail(where(display, u.first) + ": user name '" + user + "' contains ':'");
        c.users[user] = hash;
      }
    } else if (key == "tls_server_config") {
      if (v.IsNull()) continue;
      if (!v.IsMap()) return fail(where(display, v) + ": tls_server_config: expected a mapping");
      for (const auto& t : v) {
        std::string k = t.first.as<std::string>();
        if (!t.second.IsScalar()) return fail(where(display, t.second) + ": tls_server_config." + k + ": expected a value");
        std::string val = t.second.as<std::string>();
        if (k == "cert_file") {
          c.cert_file = val;
        } else if (k == "key_file") {
          c.key_file = val;
        } else if (k == "min_version") {
          if (val != "TLS12" && val != "TLS13")
            return fail(where(display, t.second) + ": tls_server_config.min_version: '" + val + "' (TLS12 or TLS13)");
          c.min_version = val;
        } else {
          return fail(where(display, t.first) + ": tls_server_config." + k +
                      ": not supported (cert_file, key_file, min_version); terminate client-certificate TLS in a reverse proxy");
        }
      }
      if (c.cert_file.empty() != c.key_file.empty())
        return fail(where(display, v) + ": tls_server_config needs both cert_file and key_file");
    } else if (key == "http_server_config") {
      return fail(where(display, kv.first) + ": http_server_config: not supported by fleetaudit-exporter");
    } else {
      return fail(where(display, kv.first) + ": unknown key '" + key + "' (tls_server_config, basic_auth_users)");
    }
  }
  return c;
}

Expected<WebConfig> load_web_config(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(file.string() + ": cannot open: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  auto c = parse_web_config(ss.str(), file.string());
  if (!c) return c;
  // Relative certificate paths are relative to the configuration file.
  auto resolve = [&](std::string& p) {
    if (!p.empty() && std::filesystem::path(p).is_relative()) p = (file.parent_path() / p).string();
  };
  resolve(c->cert_file);
  resolve(c->key_file);
  return c;
}

Expected<std::string> bcrypt_hash(std::string_view password, int cost) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (!crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, salt, sizeof salt))
    return fail(std::string("cannot make a bcrypt salt: ") + std::strerror(errno));
  crypt_data data{};
  const char* out = crypt_r(std::string(password).c_str(), salt, &data);
  if (!out || out[0] == '*') return fail("bcrypt hashing failed");
  return std::string(out);
}

std::optional<std::string> base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    int v = value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

bool BasicAuth::check(std::string_view header) {
  if (!enabled()) return true;
  if (!header.starts_with("Basic ")) return false;
  header.remove_prefix(6);
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  auto decoded = base64_decode(header);
  if (!decoded) return false;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return false;
  return verify(decoded->substr(0, colon), decoded->substr(colon + 1));
}

bool BasicAuth::verify(const std::string& user, const std::string& password) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = verified_.find(user); it != verified_.end() && same(it->second, password)) return true;
  }
  auto it = users_.find(user);
  if (it == users_.end()) {
    // Unknown users cost a bcrypt verification too, so timing does not tell
    // which user names exist.
    static const std::string dummy = bcrypt_hash("fleetaudit-no-such-user").value_or("");
    crypt_matches(password, dummy);
    return false;
  }
  if (!crypt_matches(password, it->second)) return false;
  std::lock_guard lock(mutex_);
  verified_[user] = password;
  return true;
}

}  // namespace fleetaudit::exporter

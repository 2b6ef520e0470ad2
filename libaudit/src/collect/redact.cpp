#include "collect/redact.hpp"

#include <algorithm>
#include <cctype>

#include "util/strings.hpp"

namespace fleetaudit::hostfs {

namespace {

bool is_shadow_like(std::string_view path) {
  return path == "/etc/shadow" || path == "/etc/shadow-" || path == "/etc/gshadow" || path == "/etc/gshadow-";
}

bool is_opasswd(std::string_view path) {
  return path == "/etc/security/opasswd" || path == "/etc/security/opasswd.old";
}

bool is_grub(std::string_view path) {
  return path.starts_with("/boot/grub/") || path.starts_with("/boot/grub2/") || path.starts_with("/etc/grub.d/") ||
         path == "/etc/default/grub" || path.starts_with("/etc/default/grub.d/");
}

// Container and image configurations (Docker's config.v2.json and image
// store, an OCI runtime config.json) hold the environment as "NAME=value"
// strings: values whose names say they are secrets are replaced.
bool is_container_config(std::string_view path) {
  return path.ends_with("/config.v2.json") || path.ends_with("/userdata/config.json") ||
         path.find("/imagedb/content/") != std::string_view::npos;
}

bool secret_name(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.ends_with("_FILE")) return false;  // a path to a mounted secret, not the secret
  for (std::string_view word : {"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY", "API_KEY", "PRIVATE_KEY",
                                "ACCESS_KEY", "CREDENTIAL"})
    if (upper.find(word) != std::string::npos) return true;
  return false;
}

// In one JSON string's body: "NAME=value" as a whole (an environment entry:
// the value is the rest), and NAME=value words inside longer strings (a
// build step "ENV NAME=value", a command line: the value runs to the next
// blank).
bool redact_assignments(std::string& body) {
  bool changed = false;
  std::size_t i = 0;
  while ((i = body.find('=', i)) != std::string::npos) {
    std::size_t start = i;
    while (start > 0 && (std::isalnum(static_cast<unsigned char>(body[start - 1])) || body[start - 1] == '_')) --start;
    const bool whole = start == 0;
    if (start == i || !(whole || body[start - 1] == ' ' || body[start - 1] == '\t' || body[start - 1] == '-') ||
        !secret_name(std::string_view(body).substr(start, i - start))) {
      ++i;
      continue;
    }
    std::size_t end = whole ? body.size() : body.find_first_of(" \t", i + 1);
    if (end == std::string::npos) end = body.size();
    if (end > i + 1 && std::string_view(body).substr(i + 1, end - i - 1) != kRedacted) {
      body.replace(i + 1, end - i - 1, kRedacted);
      changed = true;
    }
    i += 1 + kRedacted.size();
  }
  return changed;
}

bool redact_env_strings(std::string& content) {
  bool changed = false;
  std::string out;
  out.reserve(content.size());
  std::size_t at = 0;
  std::size_t i = 0;
  while ((i = content.find('"', i)) != std::string::npos) {
    std::size_t start = i + 1, end = start;
    while (end < content.size() && content[end] != '"') end += content[end] == '\\' ? 2 : 1;
    if (end >= content.size()) break;
    std::string body = content.substr(start, end - start);
    if (body.find('=') != std::string::npos && redact_assignments(body)) {
      out.append(content, at, start - at);
      out += body;
      at = end;
      changed = true;
    }
    i = end + 1;
  }
  if (!changed) return false;
  out.append(content, at, std::string::npos);
  content = std::move(out);
  return true;
}

// Rewrites each line with `fix`, keeping line endings.
template <class Fix>
bool per_line(std::string& content, Fix&& fix) {
  std::string out;
  out.reserve(content.size());
  bool changed = false;
  std::size_t start = 0;
  while (start < content.size()) {
    std::size_t end = content.find('\n', start);
    bool nl = end != std::string::npos;
    if (!nl) end = content.size();
    std::string line = content.substr(start, end - start);
    changed |= fix(line);
    out += line;
    if (nl) out += '\n';
    start = end + 1;
  }
  if (changed) content = std::move(out);
  return changed;
}

// Replaces the `index`th ':'-separated field of a line by `replace(field)`.
template <class Replace>
bool field(std::string& line, std::size_t index, Replace&& replace) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < index; ++i) {
    pos = line.find(':', pos);
    if (pos == std::string::npos) return false;
    ++pos;
  }
  std::size_t end = line.find(':', pos);
  if (end == std::string::npos) end = line.size();
  std::string value = line.substr(pos, end - pos);
  std::string fixed = replace(value);
  if (fixed == value) return false;
  line.replace(pos, end - pos, fixed);
  return true;
}

}  // namespace

std::string redact_hash(std::string_view hash) {
  // Keep the lock markers ('!', '*') and the algorithm id ("$6$", "$y$"),
  // drop salt and digest.
  std::size_t i = 0;
  while (i < hash.size() && (hash[i] == '!' || hash[i] == '*')) ++i;
  std::string_view rest = hash.substr(i);
  if (rest.empty() || rest == "x") return std::string(hash);
  std::string out(hash.substr(0, i));
  if (rest.front() == '$') {
    std::size_t second = rest.find('$', 1);
    if (second != std::string_view::npos) out.append(rest.substr(0, second + 1));
  }
  out.append(kRedacted);
  return out;
}

bool redact_secrets(std::string_view path, std::string& content) {
  if (is_container_config(path)) return redact_env_strings(content);
  if (is_shadow_like(path)) {
    return per_line(content, [](std::string& line) {
      return field(line, 1, [](const std::string& v) { return redact_hash(v); });
    });
  }
  if (is_opasswd(path)) {
    // user:uid:count:hash,hash,...
    return per_line(content, [](std::string& line) {
      return field(line, 3, [](const std::string& v) {
        if (v.empty()) return v;
        std::vector<std::string> parts;
        for (auto h : util::split(v, ',')) parts.push_back(redact_hash(h));
        return util::join(parts, ",");
      });
    });
  }
  if (is_grub(path)) {
    // password_pbkdf2 USER HASH / password USER PLAINTEXT, and RHEL's
    // user.cfg: GRUB2_PASSWORD=grub.pbkdf2.sha512.10000.SALT.DIGEST
    return per_line(content, [](std::string& line) {
      if (std::string_view t = util::trim(line); t.starts_with("GRUB2_PASSWORD=")) {
        std::size_t at = line.find('=') + 1;
        std::string_view secret = std::string_view(line).substr(at);
        auto parts = util::split(secret, '.');
        std::string replacement = secret.starts_with("grub.pbkdf2.") && parts.size() >= 6
                                      ? util::concat({"grub.pbkdf2.", parts[2], ".", parts[3], ".", kRedacted})
                                      : std::string(kRedacted);
        if (secret == replacement) return false;
        line.replace(at, std::string::npos, replacement);
        return true;
      }
      auto words = util::split_ws(util::trim(line));
      if (words.size() < 3 || (words[0] != "password_pbkdf2" && words[0] != "password")) return false;
      std::string_view secret = words[2];
      std::size_t at = line.find(secret, line.find(words[1]) + words[1].size());
      if (at == std::string::npos) return false;
      // grub.pbkdf2.ALGORITHM.ITERATIONS.SALT.DIGEST: the algorithm and the
      // iteration count are policy, salt and digest are the secret.
      std::string replacement(kRedacted);
      if (words[0] == "password_pbkdf2" && secret.starts_with("grub.pbkdf2.")) {
        auto parts = util::split(secret, '.');
        replacement = parts.size() >= 6 ? util::concat({"grub.pbkdf2.", parts[2], ".", parts[3], ".", kRedacted})
                                        : util::concat({"grub.pbkdf2.", kRedacted});
      }
      line.replace(at, secret.size(), replacement);
      return true;
    });
  }
  return false;
}

}  // namespace fleetaudit::hostfs

#include "parse/sshd_config.hpp"

#include <algorithm>
#include <utility>

#include "util/strings.hpp"

namespace fleetaudit::parse {
namespace {

constexpr int kMaxIncludeDepth = 16;  // sshd's own limit

struct Directive {
  std::string keyword;  // lower-case
  std::string args;     // quotes removed, single-spaced
};

std::optional<Directive> split_directive(std::string_view line) {
  line = util::trim(line);
  if (line.empty() || line.front() == '#') return std::nullopt;
  std::size_t end = line.find_first_of(" \t=");
  Directive d;
  d.keyword = util::to_lower(line.substr(0, end));
  if (end == std::string_view::npos) return d;
  std::string_view rest = line.substr(end);
  // One '=' may separate the keyword from its arguments, with spaces around it.
  rest = util::trim(rest);
  if (!rest.empty() && rest.front() == '=') rest = util::trim(rest.substr(1));
  // Arguments: whitespace separated, double quotes group; a '#' starting an
  // argument begins a trailing comment.
  std::string out;
  std::size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
    if (i >= rest.size() || rest[i] == '#') break;
    if (!out.empty()) out += ' ';
    if (rest[i] == '"') {
      std::size_t close = rest.find('"', i + 1);
      if (close == std::string_view::npos) close = rest.size();
      out.append(rest.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      std::size_t j = i;
      while (j < rest.size() && rest[j] != ' ' && rest[j] != '\t') ++j;
      out.append(rest.substr(i, j - i));
      i = j;
    }
  }
  d.args = std::move(out);
  return d;
}

std::string absolute_include(std::string_view pattern) {
  if (!pattern.empty() && pattern.front() == '/') return std::string(pattern);
  // sshd resolves relative Include paths against /etc/ssh.
  return "/etc/ssh/" + std::string(pattern);
}

class Reader {
 public:
  Reader(const TextSource& source, SshdConfig& out) : source_(source), out_(out) {}

  void read_file(const std::string& path, std::string_view text, bool in_match, int depth) {
    out_.files.push_back(path);
    for (const auto& [raw, number] : util::split_lines(text)) {
      auto d = split_directive(raw);
      if (!d || d->keyword.empty()) continue;
      if (d->keyword == "match") {
        // A Match block runs to the next Match or the end of this file.
        in_match = !util::iequals(util::trim(d->args), "all");
        continue;
      }
      if (d->keyword == "include") {
        include(path, number, d->args, in_match, depth);
        continue;
      }
      auto& map = in_match ? out_.match_values : out_.values;
      map[d->keyword].push_back({d->args, path, number});
    }
  }

 private:
  void include(const std::string& from, int line, std::string_view args, bool in_match, int depth) {
    std::string where = from + ":" + std::to_string(line);
    if (depth >= kMaxIncludeDepth) {
      out_.problems.push_back(where + ": Include nested too deeply");
      out_.incomplete = true;
      return;
    }
    for (std::string_view pattern : util::split_ws(args)) {
      std::string abs = absolute_include(pattern);
      std::vector<std::string> paths;
      bool collected = true;
      if (abs.find_first_of("*?[") != std::string::npos) {
        paths = source_.glob(abs, collected);
        if (!collected) {
          out_.problems.push_back(where + ": included pattern " + abs + " was not collected");
          out_.incomplete = true;
          continue;
        }
      } else {
        paths.push_back(abs);
      }
      for (const auto& p : paths) {
        FileText ft = source_.text(p);
        switch (ft.status) {
          case FileText::Status::ok:
            read_file(p, ft.text, in_match, depth + 1);
            break;
          case FileText::Status::missing:
            // sshd ignores a missing literal include only when it came from a glob;
            // a named file that is missing is a configuration error.
            if (abs.find_first_of("*?[") == std::string::npos)
              out_.problems.push_back(where + ": included file " + p + " does not exist");
            break;
          case FileText::Status::unreadable:
            out_.problems.push_back(where + ": included file " + p + " unreadable: " + ft.reason);
            out_.incomplete = true;
            break;
          case FileText::Status::not_collected:
            out_.problems.push_back(where + ": included file " + p + " was not collected");
            out_.incomplete = true;
            break;
        }
      }
    }
  }

  const TextSource& source_;
  SshdConfig& out_;
};

// OpenSSH 9.x compiled-in defaults for the keywords benchmarks look at.
constexpr std::pair<std::string_view, std::string_view> kDefaults[] = {
    {"acceptenv", ""},
    {"allowagentforwarding", "yes"},
    {"allowgroups", ""},
    {"allowstreamlocalforwarding", "yes"},
    {"allowtcpforwarding", "yes"},
    {"allowusers", ""},
    {"banner", "none"},
    {"ciphers",
     "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
     "aes256-gcm@openssh.com"},
    {"clientalivecountmax", "3"},
    {"clientaliveinterval", "0"},
    {"compression", "yes"},
    {"denygroups", ""},
    {"denyusers", ""},
    {"disableforwarding", "no"},
    {"gatewayports", "no"},
    {"gssapiauthentication", "no"},
    {"hostbasedauthentication", "no"},
    {"ignorerhosts", "yes"},
    {"ignoreuserknownhosts", "no"},
    {"kbdinteractiveauthentication", "yes"},
    {"kexalgorithms",
     "sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,"
     "ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
     "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
     "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256"},
    {"logingracetime", "120"},
    {"loglevel", "INFO"},
    {"macs",
     "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
     "hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,"
     "umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1"},
    {"maxauthtries", "6"},
    {"maxsessions", "10"},
    {"maxstartups", "10:30:100"},
    {"passwordauthentication", "yes"},
    {"permitemptypasswords", "no"},
    {"permitrootlogin", "prohibit-password"},
    {"permittunnel", "no"},
    {"permituserenvironment", "no"},
    {"port", "22"},
    {"printlastlog", "yes"},
    {"pubkeyauthentication", "yes"},
    {"strictmodes", "yes"},
    {"tcpkeepalive", "yes"},
    {"usedns", "no"},
    {"usepam", "no"},
    {"x11forwarding", "no"},
};

}  // namespace

SshdConfig parse_sshd_config(const TextSource& source, std::string_view path) {
  SshdConfig cfg;
  FileText ft = source.text(path);
  std::string p(path);
  switch (ft.status) {
    case FileText::Status::ok:
      cfg.found = true;
      Reader(source, cfg).read_file(p, ft.text, false, 0);
      break;
    case FileText::Status::missing:
      break;
    case FileText::Status::unreadable:
      cfg.problems.push_back(p + ": unreadable: " + ft.reason);
      cfg.incomplete = true;
      break;
    case FileText::Status::not_collected:
      cfg.problems.push_back(p + ": was not collected");
      cfg.incomplete = true;
      break;
  }
  return cfg;
}

std::vector<std::string> sshd_include_patterns(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& line : util::split_lines(text)) {
    auto d = split_directive(line.text);
    if (!d || d->keyword != "include") continue;
    for (std::string_view pattern : util::split_ws(d->args)) out.push_back(absolute_include(pattern));
  }
  return out;
}

std::optional<std::string_view> sshd_default(std::string_view keyword_lower) {
  for (const auto& [k, v] : kDefaults) {
    if (k == keyword_lower) return v;
  }
  return std::nullopt;
}

std::string sshd_effective_list(std::string_view keyword_lower, std::string_view configured) {
  configured = util::trim(configured);
  if (configured.empty()) return std::string(sshd_default(keyword_lower).value_or(""));
  char modifier = configured.front();
  if (modifier != '+' && modifier != '-' && modifier != '^') return std::string(configured);
  auto base_text = sshd_default(keyword_lower).value_or("");
  std::vector<std::string> base;
  for (auto item : util::split(base_text, ',')) {
    if (!item.empty()) base.emplace_back(item);
  }
  std::vector<std::string> items;
  for (auto item : util::split(configured.substr(1), ',')) {
    if (!item.empty()) items.emplace_back(util::trim(item));
  }
  std::vector<std::string> result;
  if (modifier == '+') {
    result = base;
    for (auto& i : items) {
      if (std::find(result.begin(), result.end(), i) == result.end()) result.push_back(i);
    }
  } else if (modifier == '^') {
    result = items;
    for (auto& b : base) {
      if (std::find(result.begin(), result.end(), b) == result.end()) result.push_back(b);
    }
  } else {
    // '-' removes entries matching any of the (wildcard) patterns.
    for (auto& b : base) {
      bool removed = std::any_of(items.begin(), items.end(),
                                 [&](const std::string& pat) { return util::glob_match(pat, b); });
      if (!removed) result.push_back(b);
    }
  }
  return util::join(result, ",");
}

}  // namespace fleetaudit::parse

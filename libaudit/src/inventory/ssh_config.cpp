#include "inventory/ssh_config.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "util/strings.hpp"

namespace fleetaudit::detail {
namespace {

constexpr int kMaxIncludeDepth = 16;  // ssh's READCONF_MAX_DEPTH

struct Directive {
  std::string keyword;  // lower-case
  std::vector<std::string> args;
};

// "Keyword value", "Keyword=value" or "Keyword = value"; arguments split on
// blanks, quotes group, a '#' starting an argument begins a comment.
std::optional<Directive> split_directive(std::string_view line) {
  line = util::trim(line);
  if (line.empty() || line.front() == '#') return std::nullopt;
  std::size_t end = line.find_first_of(" \t=");
  Directive d;
  d.keyword = util::to_lower(line.substr(0, end));
  if (end == std::string_view::npos) return d;
  std::string_view rest = util::trim(line.substr(end));
  if (!rest.empty() && rest.front() == '=') rest = util::trim(rest.substr(1));
  std::size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
    if (i >= rest.size() || rest[i] == '#') break;
    std::string arg;
    while (i < rest.size() && rest[i] != ' ' && rest[i] != '\t') {
      char c = rest[i];
      if (c == '"' || c == '\'') {
        std::size_t close = rest.find(c, i + 1);
        if (close == std::string_view::npos) close = rest.size();
        arg.append(rest.substr(i + 1, close - i - 1));
        i = close + 1;
        continue;
      }
      arg += c;
      ++i;
    }
    d.args.push_back(std::move(arg));
  }
  return d;
}

bool has_glob(std::string_view s) {
  return s.find_first_of("*?[") != std::string_view::npos;
}

SourceLocation at(const std::string& file, int line) {
  return {file, line, 0};
}

std::optional<int> parse_port(std::string_view s) {
  auto v = util::parse_int(s);
  if (!v || *v < 1 || *v > 65535) return std::nullopt;
  return static_cast<int>(*v);
}

// "ssh://user@host:port" is a URI form ProxyJump accepts; keep the plain form.
std::string first_hop(std::string_view value) {
  std::string_view hop = value.substr(0, value.find(','));
  if (hop.starts_with("ssh://")) hop.remove_prefix(6);
  return std::string(hop);
}

}  // namespace

class SshConfig::Loader {
 public:
  Loader(SshConfig& cfg, const std::string& home, const SshConfigFs& fs, std::vector<Diagnostic>& errors,
         std::vector<Diagnostic>& warnings)
      : cfg_(cfg), home_(home), fs_(fs), errors_(errors), warnings_(warnings) {}

  std::size_t add_file(const std::string& path, std::string_view text, int depth) {
    std::size_t index = cfg_.files_.size();
    cfg_.files_.push_back({path, {}});
    reading_.push_back(path);
    std::vector<Line> lines;
    for (const auto& [raw, number] : util::split_lines(text)) {
      auto d = split_directive(raw);
      if (!d || d->keyword.empty()) continue;
      Line line;
      line.keyword = d->keyword;
      line.args = std::move(d->args);
      if (line.keyword == "host") {
        line.kind = Line::Kind::host;
      } else if (line.keyword == "match") {
        line.kind = Line::Kind::match;
        warnings_.push_back({at(path, number), "Match block not evaluated: its settings are ignored"});
      } else if (line.keyword == "include") {
        line.kind = Line::Kind::include;
        include(path, number, line.args, depth, line.included);
      } else {
        if (line.args.empty()) continue;  // ssh refuses it; nothing to apply either way
        check_setting(path, number, line);
      }
      lines.push_back(std::move(line));
    }
    // Recursion above may have grown files_: index, never hold a reference.
    cfg_.files_[index].lines = std::move(lines);
    reading_.pop_back();
    return index;
  }

 private:
  void check_setting(const std::string& path, int number, const Line& line) {
    const std::string& value = line.args.front();
    if (line.keyword == "port" && !parse_port(value)) {
      errors_.push_back({at(path, number), "bad Port '" + value + "': expected a number from 1 to 65535"});
    } else if (line.keyword == "proxyjump" && value.find(',') != std::string::npos) {
      warnings_.push_back({at(path, number), "ProxyJump '" + value + "' has several hops: only the first, '" +
                                                 first_hop(value) + "', is used"});
    }
  }

  void include(const std::string& from, int number, const std::vector<std::string>& args, int depth,
               std::vector<std::size_t>& out) {
    for (const std::string& arg : args) {
      std::string pattern = expand_home(arg, home_);
      // ssh reads a relative Include in a user configuration from ~/.ssh.
      if (pattern.empty() || pattern.front() != '/') pattern = home_ + "/.ssh/" + pattern;
      std::vector<std::string> paths = has_glob(pattern) ? fs_.glob(pattern) : std::vector<std::string>{pattern};
      for (const std::string& path : paths) {
        if (std::find(reading_.begin(), reading_.end(), path) != reading_.end()) {
          errors_.push_back({at(from, number), "Include cycle: '" + path + "' is already being read"});
          continue;
        }
        if (depth + 1 > kMaxIncludeDepth) {
          errors_.push_back({at(from, number), "Include nested more than " + std::to_string(kMaxIncludeDepth) +
                                                   " levels deep at '" + path + "'"});
          continue;
        }
        SshFile f = fs_.read(path);
        if (f.status == SshFile::Status::missing) continue;  // ssh skips them too
        if (f.status == SshFile::Status::unreadable) {
          errors_.push_back({at(from, number), "cannot read included file '" + path + "': " + f.reason});
          continue;
        }
        out.push_back(add_file(path, f.text, depth + 1));
      }
    }
  }

  SshConfig& cfg_;
  const std::string& home_;
  const SshConfigFs& fs_;
  std::vector<Diagnostic>& errors_;
  std::vector<Diagnostic>& warnings_;
  std::vector<std::string> reading_;  // files open on the include path, to break cycles
};

SshConfig SshConfig::load(const std::string& path, const std::string& home, const SshConfigFs& fs,
                          std::vector<Diagnostic>& errors, std::vector<Diagnostic>& warnings) {
  SshFile f = fs.read(path);
  if (f.status == SshFile::Status::missing) return {};
  if (f.status == SshFile::Status::unreadable) {
    errors.push_back({{path, 0, 0}, "cannot read ssh client configuration: " + f.reason});
    return {};
  }
  return parse(f.text, path, home, fs, errors, warnings);
}

SshConfig SshConfig::parse(std::string_view text, const std::string& path, const std::string& home,
                           const SshConfigFs& fs, std::vector<Diagnostic>& errors, std::vector<Diagnostic>& warnings) {
  SshConfig cfg;
  Loader(cfg, home, fs, errors, warnings).add_file(path, text, 0);
  return cfg;
}

std::vector<std::string> SshConfig::files() const {
  std::vector<std::string> out;
  out.reserve(files_.size());
  for (const auto& f : files_) out.push_back(f.path);
  return out;
}

SshHostConfig SshConfig::resolve(std::string_view alias) const {
  SshHostConfig out;
  if (!files_.empty()) walk(0, std::string(alias), true, out);
  return out;
}

// `active` is this file's block state. An included file starts in the state of
// the line that includes it, and that state comes back afterwards; a file
// included from an inactive block can never apply (ssh's SSHCONF_NEVERMATCH),
// so it is not walked at all.
void SshConfig::walk(std::size_t file, const std::string& alias, bool active, SshHostConfig& out) const {
  for (const Line& line : files_[file].lines) {
    switch (line.kind) {
      case Line::Kind::host:
        active = ssh_host_matches(line.args, alias);
        break;
      case Line::Kind::match:
        active = false;
        break;
      case Line::Kind::include:
        if (active) {
          for (std::size_t inc : line.included) walk(inc, alias, true, out);
        }
        break;
      case Line::Kind::setting: {
        if (!active) break;
        const std::string& value = line.args.front();
        if (line.keyword == "hostname") {
          if (!out.hostname) out.hostname = expand_ssh_tokens(value, {{'h', alias}});
        } else if (line.keyword == "port") {
          if (!out.port) out.port = parse_port(value);
        } else if (line.keyword == "user") {
          if (!out.user) out.user = value;
        } else if (line.keyword == "identityfile") {
          if (std::find(out.identity_files.begin(), out.identity_files.end(), value) == out.identity_files.end())
            out.identity_files.push_back(value);
        } else if (line.keyword == "proxyjump") {
          if (!out.proxy_jump) out.proxy_jump = util::iequals(value, "none") ? std::string() : first_hop(value);
        }
        break;
      }
    }
  }
}

bool ssh_pattern_match(std::string_view p, std::string_view s) noexcept {
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  std::size_t pi = 0, si = 0;
  std::size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star_p = pi++;
      star_s = si;
      continue;
    }
    if (pi < p.size() && (p[pi] == '?' || lower(p[pi]) == lower(s[si]))) {
      ++pi;
      ++si;
      continue;
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p + 1;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool ssh_host_matches(const std::vector<std::string>& patterns, std::string_view host) {
  bool positive = false;
  for (const std::string& pattern : patterns) {
    bool negated = !pattern.empty() && pattern.front() == '!';
    std::string_view p = negated ? std::string_view(pattern).substr(1) : std::string_view(pattern);
    if (!ssh_pattern_match(p, host)) continue;
    if (negated) return false;
    positive = true;
  }
  return positive;
}

std::string expand_ssh_tokens(std::string_view s, const std::map<char, std::string>& tokens) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    char t = s[i + 1];
    if (t == '%') {
      out += '%';
      ++i;
      continue;
    }
    auto it = tokens.find(t);
    if (it == tokens.end()) {
      out += '%';
      continue;
    }
    out += it->second;
    ++i;
  }
  return out;
}

std::string expand_home(std::string_view path, std::string_view home) {
  if (path == "~") return std::string(home);
  if (path.starts_with("~/")) return std::string(home) + std::string(path.substr(1));
  return std::string(path);
}

}  // namespace fleetaudit::detail

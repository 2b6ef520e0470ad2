#include "support/fixture_tree.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

namespace fleetaudit::testing {

namespace fs = std::filesystem;

fs::path fixtures_dir() { return FLEETAUDIT_FIXTURES_DIR; }

std::string fixture_bytes(const std::string& relative) {
  std::ifstream in(fixtures_dir() / relative, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + (fixtures_dir() / relative).string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}
fs::path source_dir() { return FLEETAUDIT_SOURCE_DIR; }

namespace {

struct Entry {
  enum class Kind { file, dir, link, socket, whiteout, remove } kind = Kind::file;
  std::string content;
  std::string link;
  std::optional<unsigned> mode;
  std::string owner = "root", group = "root";
  std::string origin;  // spec file:line, for errors
};

struct Spec {
  std::map<std::string, Entry> files;                       // by host path
  YAML::Node policy = YAML::Node(YAML::NodeType::Map);      // site policy lists, merged over the bases
  std::map<std::string, std::optional<std::string>> packages;  // name -> version (nullopt: removed)
};

[[noreturn]] void bad(const std::string& file, const YAML::Node& n, const std::string& msg) {
  std::ostringstream o;
  o << file << ":" << n.Mark().line + 1 << ": " << msg;
  throw std::runtime_error(o.str());
}

// Binary content (an rpm database, say) from a file under tests/fixtures.
std::string read_fixture_file(const std::string& file, const YAML::Node& n) {
  const std::string rel = n.as<std::string>();
  if (rel.empty() || rel[0] == '/' || rel.find("..") != std::string::npos)
    bad(file, n, "'from' must name a file under tests/fixtures, got '" + rel + "'");
  try {
    return fixture_bytes(rel);
  } catch (const std::runtime_error& e) {
    bad(file, n, e.what());
  }
}

// Binary content written inline; blanks and line breaks are ignored.
std::string decode_base64(const std::string& file, const YAML::Node& n) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : n.as<std::string>()) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') continue;
    if (c == '=') break;
    const auto v = alphabet.find(c);
    if (v == std::string::npos) bad(file, n, std::string("invalid base64 character '") + c + "'");
    bits = (bits << 6) | static_cast<unsigned>(v);
    if ((count += 6) >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

void load_spec(const std::string& name, Spec& spec, std::set<std::string>& seen) {
  if (!seen.insert(name).second) throw std::runtime_error("fixture " + name + ": base cycle");
  fs::path file = fixtures_dir() / "hosts" / (name + ".yaml");
  if (!fs::exists(file)) throw std::runtime_error("no fixture named '" + name + "' (" + file.string() + ")");
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(file.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  const std::string f = file.string();
  for (const auto& kv : root) {
    std::string k = kv.first.as<std::string>();
    if (k != "base" && k != "files" && k != "packages" && k != "description" && k != "tags" && k != "policy")
      bad(f, kv.first, "unknown key '" + k + "'");
  }
  if (auto base = root["base"]) {
    if (base.IsScalar()) load_spec(base.as<std::string>(), spec, seen);
    else
      for (const auto& b : base) load_spec(b.as<std::string>(), spec, seen);
  }
  if (auto files = root["files"]) {
    for (const auto& kv : files) {
      std::string path = kv.first.as<std::string>();
      if (path.empty() || path[0] != '/') bad(f, kv.first, "path '" + path + "' must be absolute");
      Entry e;
      e.origin = f + ":" + std::to_string(kv.first.Mark().line + 1);
      const YAML::Node& v = kv.second;
      if (v.IsNull()) {
        e.kind = Entry::Kind::remove;
      } else if (v.IsScalar()) {
        e.content = v.as<std::string>();  // shorthand: "path: text"
      } else if (v.IsMap()) {
        for (const auto& p : v) {
          std::string pk = p.first.as<std::string>();
          if (pk == "content") e.content = p.second.as<std::string>();
          else if (pk == "from") e.content = read_fixture_file(f, p.second);
          else if (pk == "base64") e.content = decode_base64(f, p.second);
          else if (pk == "link") { e.kind = Entry::Kind::link; e.link = p.second.as<std::string>(); }
          else if (pk == "dir") { if (p.second.as<bool>()) e.kind = Entry::Kind::dir; }
          else if (pk == "socket") { if (p.second.as<bool>()) e.kind = Entry::Kind::socket; }
          else if (pk == "whiteout") { if (p.second.as<bool>()) e.kind = Entry::Kind::whiteout; }
          else if (pk == "mode") e.mode = static_cast<unsigned>(std::stoul(p.second.as<std::string>(), nullptr, 8));
          else if (pk == "owner") e.owner = p.second.as<std::string>();
          else if (pk == "group") e.group = p.second.as<std::string>();
          else bad(f, p.first, "unknown file key '" + pk + "'");
        }
      } else {
        bad(f, v, "file entry must be a mapping, a string or null");
      }
      spec.files[path] = std::move(e);
    }
  }
  if (auto pol = root["policy"]) {
    if (!pol.IsMap()) bad(f, pol, "policy must be a mapping of list names to lists");
    for (const auto& kv : pol) spec.policy[kv.first.as<std::string>()] = kv.second;
  }
  if (auto pk = root["packages"]) {
    for (const auto& kv : pk) {
      std::string n = kv.first.as<std::string>();
      if (kv.second.IsNull()) spec.packages[n] = std::nullopt;
      else spec.packages[n] = kv.second.as<std::string>();
    }
  }
}

std::map<std::string, long> ids_from(const std::string& text) {
  std::map<std::string, long> out{{"root", 0}};
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    auto c1 = line.find(':');
    if (c1 == std::string::npos) continue;
    auto c2 = line.find(':', c1 + 1);
    auto c3 = line.find(':', c2 + 1);
    if (c2 == std::string::npos || c3 == std::string::npos) continue;
    try {
      out[line.substr(0, c1)] = std::stol(line.substr(c2 + 1, c3 - c2 - 1));
    } catch (...) {
    }
  }
  return out;
}

long resolve_id(const std::map<std::string, long>& table, const std::string& v, const std::string& origin) {
  if (!v.empty() && std::isdigit(static_cast<unsigned char>(v[0]))) return std::stol(v);
  auto it = table.find(v);
  if (it == table.end()) throw std::runtime_error(origin + ": unknown user or group '" + v + "' in the fixture's own files");
  return it->second;
}

void ensure_dir(const fs::path& p) {
  std::error_code ec;
  fs::create_directories(p, ec);
  if (ec) throw std::runtime_error("cannot create " + p.string() + ": " + ec.message());
}

}  // namespace

std::vector<std::string> fixture_names() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fixtures_dir() / "hosts")) {
    if (e.path().extension() == ".yaml") out.push_back(e.path().stem().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> fixture_tags(const std::string& name) {
  fs::path file = fixtures_dir() / "hosts" / (name + ".yaml");
  YAML::Node root = YAML::LoadFile(file.string());
  std::vector<std::string> out;
  if (auto tags = root["tags"]) {
    for (const auto& t : tags) out.push_back(t.as<std::string>());
  }
  return out;
}

std::vector<std::string> manifest_fixture_names() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fixtures_dir() / "manifests"))
    if (e.is_directory()) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

void materialize_fixture(const std::string& name, const fs::path& dest) {
  Spec spec;
  std::set<std::string> seen;
  load_spec(name, spec, seen);
  if (!spec.packages.empty()) {
    std::ostringstream status;
    for (const auto& [pkg, version] : spec.packages) {
      if (!version) continue;
      status << "Package: " << pkg << "\nStatus: install ok installed\nPriority: optional\nSection: misc\n"
             << "Architecture: amd64\nVersion: " << *version << "\nDescription: fixture package " << pkg << "\n\n";
    }
    Entry e;
    e.content = status.str();
    e.origin = "packages";
    spec.files["/var/lib/dpkg/status"] = e;
  }
  auto text_of = [&](const std::string& p) {
    auto it = spec.files.find(p);
    return it == spec.files.end() ? std::string() : it->second.content;
  };
  auto users = ids_from(text_of("/etc/passwd"));
  auto groups = ids_from(text_of("/etc/group"));
  ensure_dir(dest);
  const bool root = ::geteuid() == 0;
  // Parents first (map order), so explicit directory modes are applied after creation.
  for (const auto& [path, e] : spec.files) {
    if (e.kind == Entry::Kind::remove) continue;
    fs::path target = dest / path.substr(1);
    ensure_dir(target.parent_path());
    switch (e.kind) {
      case Entry::Kind::dir:
        ensure_dir(target);
        break;
      case Entry::Kind::link: {
        std::error_code ec;
        fs::create_symlink(e.link, target, ec);
        if (ec) throw std::runtime_error(e.origin + ": cannot create link " + path + ": " + ec.message());
        continue;  // links have no mode or owner of their own
      }
      case Entry::Kind::socket: {
        // A real listening-socket file, as a daemon leaves it (nothing listens).
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        if (target.native().size() >= sizeof addr.sun_path) throw std::runtime_error(e.origin + ": socket path too long: " + target.string());
        std::memcpy(addr.sun_path, target.c_str(), target.native().size() + 1);
        int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0) throw std::runtime_error(e.origin + ": socket() failed");
        int rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
        ::close(fd);
        if (rc != 0) throw std::runtime_error(e.origin + ": cannot create socket " + target.string());
        break;
      }
      case Entry::Kind::whiteout: {
        // overlayfs's whiteout: a character device 0/0 (needs CAP_MKNOD).
        if (::mknod(target.c_str(), S_IFCHR | 0600, ::makedev(0, 0)) != 0)
          throw std::runtime_error(e.origin + ": cannot create the whiteout device " + target.string() + ": " + std::strerror(errno));
        break;
      }
      default: {
        std::ofstream out(target, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error(e.origin + ": cannot write " + target.string());
        out << e.content;
        break;
      }
    }
    unsigned mode = e.mode.value_or(e.kind == Entry::Kind::dir ? 0755u : 0644u);
    if (::chmod(target.c_str(), mode) != 0) throw std::runtime_error(e.origin + ": chmod " + path + " failed");
    long uid = resolve_id(users, e.owner, e.origin);
    long gid = resolve_id(groups, e.group, e.origin);
    if (::lchown(target.c_str(), static_cast<uid_t>(uid), static_cast<gid_t>(gid)) != 0 && (uid != 0 || gid != 0 || root)) {
      throw std::runtime_error(e.origin + ": cannot set owner of " + path +
                               " (fixtures with owners need root: run the tests as root)");
    }
  }
}

std::string fixture_policy(const std::string& name) {
  Spec spec;
  std::set<std::string> seen;
  load_spec(name, spec, seen);
  if (spec.policy.size() == 0) return {};
  YAML::Emitter out;
  out << spec.policy;
  return out.c_str();
}

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "fleetaudit-test-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

FixtureTree::FixtureTree(const std::string& name) {
  std::string tmpl = (fs::temp_directory_path() / ("fleetaudit-fixture-" + name + "-XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  root_ = tmpl;
  ::chmod(root_.c_str(), 0755);
  try {
    materialize_fixture(name, root_);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(root_, ec);
    throw;
  }
}

FixtureTree::~FixtureTree() {
  std::error_code ec;
  fs::remove_all(root_, ec);
}

}  // namespace fleetaudit::testing

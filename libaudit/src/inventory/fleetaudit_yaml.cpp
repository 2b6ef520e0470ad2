#include "inventory/fleetaudit_yaml.hpp"

#include <map>

#include "util/strings.hpp"

namespace fleetaudit::detail {
namespace {

class FleetauditYamlReader {
 public:
  FleetauditYamlReader(YamlContext& ctx, RawInventory& out) : ctx_(ctx), out_(out) {}

  void read(const yaml::Node& root) {
    MapReader top(ctx_, root, "inventory");
    yaml::Node defaults = top.get("defaults"), groups = top.get("groups"), hosts = top.get("hosts");
    top.finish();
    if (defaults.IsDefined() && !defaults.IsNull()) {
      MapReader r(ctx_, defaults, "defaults");
      settings(r, out_.defaults, "defaults", false);
      r.finish();
    }
    if (hosts.IsDefined()) read_hosts(hosts);
    if (groups.IsDefined()) read_groups(groups);
  }

 private:
  // Names of one kind in one mapping; a repeat is an error naming the first.
  bool new_name(const yaml::Node& key, std::string_view kind, std::map<std::string, int>& seen) {
    if (!key.IsScalar()) {
      ctx_.error(key, std::string(kind) + " names must be strings");
      return false;
    }
    const std::string& name = key.Scalar();
    if (auto bad = check_name(kind, name)) {
      ctx_.error(key, *bad);
      return false;
    }
    auto [it, fresh] = seen.emplace(name, ctx_.where(key).line);
    if (!fresh) {
      ctx_.error(key, "duplicate " + std::string(kind) + " '" + name + "' (first declared at line " +
                          std::to_string(it->second) + ")");
      return false;
    }
    return true;
  }

  void read_hosts(const yaml::Node& hosts) {
    if (hosts.IsNull()) return;
    if (!hosts.IsMap()) {
      ctx_.error(hosts, "hosts must be a mapping of host names to their settings");
      return;
    }
    std::map<std::string, int> seen;
    for (const auto& [key, value] : hosts.pairs()) {
      if (!new_name(key, "host", seen)) continue;
      RawHost& h = out_.add_host(key.Scalar(), ctx_.where(key));
      if (value.IsNull()) continue;
      const std::string what = "host '" + h.name + "'";
      if (!value.IsMap()) {
        ctx_.error(value, what + " must be a mapping of settings or empty");
        continue;
      }
      MapReader r(ctx_, value, what);
      settings(r, h.settings, what, true);
      r.finish();
    }
  }

  void read_groups(const yaml::Node& groups) {
    if (groups.IsNull()) return;
    if (!groups.IsMap()) {
      ctx_.error(groups, "groups must be a mapping of group names to their members and settings");
      return;
    }
    std::map<std::string, int> seen;
    for (const auto& [key, value] : groups.pairs()) {
      if (!new_name(key, "group", seen)) continue;
      const std::string& name = key.Scalar();
      if (name == "all" || name == "ungrouped") {
        ctx_.error(key, "group name '" + name + "' is reserved");
        continue;
      }
      RawGroup& g = out_.group(name, ctx_.where(key));
      if (value.IsNull()) continue;
      const std::string what = "group '" + name + "'";
      if (!value.IsMap()) {
        ctx_.error(value, what + " must be a mapping or empty");
        continue;
      }
      MapReader r(ctx_, value, what);
      name_list(r.get("members"), what, "members", "host", g.members);
      name_list(r.get("children"), what, "children", "group", g.children);
      settings(r, g.settings, what, false);
      r.finish();
    }
  }

  void name_list(const yaml::Node& n, const std::string& what, std::string_view key, std::string_view kind,
                 std::vector<NameRef>& out) {
    if (!n.IsDefined() || n.IsNull()) return;
    const std::string msg = what + ": " + std::string(key) + " must be a list of " + std::string(kind) + " names";
    if (n.IsScalar()) {
      out.push_back({n.Scalar(), ctx_.where(n)});
      return;
    }
    if (!n.IsSequence()) {
      ctx_.error(n, msg);
      return;
    }
    for (const auto& item : n.items()) {
      if (!item.IsScalar()) {
        ctx_.error(item, msg);
        continue;
      }
      out.push_back({item.Scalar(), ctx_.where(item)});
    }
  }

  std::optional<std::string> text(const yaml::Node& n, const std::string& what, std::string_view key) {
    if (!n.IsScalar()) {
      ctx_.error(n, what + ": " + std::string(key) + " must be a string");
      return std::nullopt;
    }
    if (util::trim(n.Scalar()).empty()) {
      ctx_.error(n, what + ": " + std::string(key) + " must not be empty");
      return std::nullopt;
    }
    return n.Scalar();
  }

  void settings(MapReader& r, HostSettings& s, const std::string& what, bool allow_address) {
    if (allow_address) {
      if (yaml::Node n = r.get("address"); n.IsDefined()) {
        if (auto v = text(n, what, "address")) s.address = *v;
      }
    }
    if (yaml::Node n = r.get("port"); n.IsDefined()) port(n, what, s);
    if (yaml::Node n = r.get("user"); n.IsDefined()) {
      if (auto v = text(n, what, "user")) s.user = *v;
    }
    if (yaml::Node n = r.get("identity_file"); n.IsDefined()) identity_files(n, what, s);
    if (yaml::Node n = r.get("proxy_jump"); n.IsDefined()) proxy_jump(n, what, s);
    if (yaml::Node n = r.get("tags"); n.IsDefined()) tags(n, what, s);
    if (yaml::Node n = r.get("vars"); n.IsDefined()) vars(n, what, s);
  }

  void port(const yaml::Node& n, const std::string& what, HostSettings& s) {
    auto v = n.IsScalar() ? util::parse_int(n.Scalar()) : std::nullopt;
    if (!v) {
      ctx_.error(n, what + ": port must be an integer" + (n.IsScalar() ? ", got '" + n.Scalar() + "'" : ""));
      return;
    }
    if (*v < 1 || *v > 65535) {
      ctx_.error(n, what + ": port " + std::to_string(*v) + " is out of range 1-65535");
      return;
    }
    s.port = static_cast<int>(*v);
  }

  void identity_files(const yaml::Node& n, const std::string& what, HostSettings& s) {
    std::vector<std::string> files;
    if (n.IsScalar()) {
      if (auto v = text(n, what, "identity_file")) files.push_back(*v);
    } else if (n.IsSequence()) {
      for (const auto& item : n.items()) {
        if (auto v = text(item, what, "identity_file")) files.push_back(*v);
      }
    } else {
      ctx_.error(n, what + ": identity_file must be a string or a list of strings");
      return;
    }
    s.identity_files = std::move(files);
  }

  void proxy_jump(const yaml::Node& n, const std::string& what, HostSettings& s) {
    auto v = text(n, what, "proxy_jump");
    if (!v) return;
    if (util::iequals(*v, "none")) {
      s.proxy_jump = std::string();
      return;
    }
    if (v->find(',') != std::string::npos) {
      ctx_.error(n, what + ": proxy_jump takes one jump host, got '" + *v + "'");
      return;
    }
    if (v->find_first_of(" \t") != std::string::npos) {
      ctx_.error(n, what + ": proxy_jump must be [user@]host[:port], got '" + *v + "'");
      return;
    }
    s.proxy_jump = *v;
  }

  void tags(const yaml::Node& n, const std::string& what, HostSettings& s) {
    if (n.IsNull()) return;
    std::vector<yaml::Node> items = n.IsSequence() ? n.items() : std::vector<yaml::Node>{n};
    if (!n.IsSequence() && !n.IsScalar()) {
      ctx_.error(n, what + ": tags must be a list of strings");
      return;
    }
    for (const auto& item : items) {
      if (!item.IsScalar()) {
        ctx_.error(item, what + ": tags must be a list of strings");
        continue;
      }
      if (auto bad = check_tag(item.Scalar())) {
        ctx_.error(item, what + ": " + *bad);
        continue;
      }
      s.tags.push_back(item.Scalar());
    }
  }

  void vars(const yaml::Node& n, const std::string& what, HostSettings& s) {
    if (n.IsNull()) return;
    if (!n.IsMap()) {
      ctx_.error(n, what + ": vars must be a mapping");
      return;
    }
    MapReader dupes(ctx_, n, "vars of " + what);
    for (const auto& [key, value] : n.pairs()) {
      if (!key.IsScalar()) continue;
      if (!value.IsScalar() && !value.IsNull()) {
        ctx_.error(value, what + ": var '" + key.Scalar() + "' must be a string, number or boolean");
        continue;
      }
      s.vars[key.Scalar()] = value.Scalar();
    }
  }

  YamlContext& ctx_;
  RawInventory& out_;
};

}  // namespace

bool looks_like_fleetaudit_yaml(const yaml::Node& root) {
  return root.IsMap() && (root["hosts"].IsDefined() || root["groups"].IsDefined() || root["defaults"].IsDefined());
}

void read_fleetaudit_yaml(const yaml::Node& root, YamlContext& ctx, RawInventory& out) {
  out.order = RawInventory::GroupOrder::by_name;
  FleetauditYamlReader(ctx, out).read(root);
}

}  // namespace fleetaudit::detail

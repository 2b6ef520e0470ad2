#include "inventory/ansible_yaml.hpp"

#include "inventory/ansible_vars.hpp"

namespace fleetaudit::detail {
namespace {

// Lists and maps Ansible allows as variable values, kept as flow text: no
// check reads them, yet they should not vanish from a host's variables.
std::string flow_text(const yaml::Node& n) {
  if (n.IsScalar()) return n.Scalar();
  if (n.IsSequence()) {
    std::string out = "[";
    for (const auto& item : n.items()) out += (out.size() > 1 ? ", " : "") + flow_text(item);
    return out + "]";
  }
  if (n.IsMap()) {
    std::string out = "{";
    for (const auto& [k, v] : n.pairs()) out += (out.size() > 1 ? ", " : "") + flow_text(k) + ": " + flow_text(v);
    return out + "}";
  }
  return n.IsNull() ? "null" : "";
}

bool is_implicit(const std::string& group) {
  return group == "all" || group == "ungrouped";
}

class AnsibleYamlReader {
 public:
  AnsibleYamlReader(YamlContext& ctx, RawInventory& out) : ctx_(ctx), out_(out) {}

  void read(const yaml::Node& root) {
    MapReader top(ctx_, root, "inventory");  // refuses duplicate top-level groups
    for (const auto& [key, value] : root.pairs()) {
      if (!key.IsScalar()) continue;
      group(key.Scalar(), key, value);
    }
  }

 private:
  HostSettings& settings_of(const std::string& name, const yaml::Node& at) {
    if (name == "all") return out_.defaults;
    if (name == "ungrouped") return out_.ungrouped;
    return ansible_group(out_, name, ctx_.where(at)).settings;
  }

  void group(const std::string& name, const yaml::Node& key, const yaml::Node& node) {
    if (auto bad = check_name("group", name)) {
      ctx_.error(key, *bad);
      return;
    }
    if (!is_implicit(name)) ansible_group(out_, name, ctx_.where(key));
    if (node.IsNull()) return;
    const std::string what = "group '" + name + "'";
    if (!node.IsMap()) {
      ctx_.error(node, what + " must be a mapping with 'hosts', 'children' or 'vars'");
      return;
    }
    MapReader r(ctx_, node, what);
    yaml::Node hosts = r.get("hosts"), vars = r.get("vars"), children = r.get("children");
    r.finish();
    if (hosts.IsDefined()) read_hosts(name, hosts);
    if (vars.IsDefined()) read_vars(vars, settings_of(name, key), what);
    if (children.IsDefined()) read_children(name, children);
  }

  void read_hosts(const std::string& group, const yaml::Node& hosts) {
    if (hosts.IsNull()) return;
    const std::string what = "hosts of group '" + group + "'";
    if (!hosts.IsMap()) {
      ctx_.error(hosts, what + " must be a mapping of host names");
      return;
    }
    MapReader dupes(ctx_, hosts, what);
    for (const auto& [key, value] : hosts.pairs()) {
      if (!key.IsScalar()) continue;
      const std::string& pattern = key.Scalar();
      auto names = expand_host_pattern(pattern);
      if (!names) {
        ctx_.error(key, "bad host range in '" + pattern + "': " + names.error().message);
        continue;
      }
      bool good = true;
      for (const auto& n : *names) {
        if (auto bad = check_name("host", n)) {
          ctx_.error(key, *bad);
          good = false;
          break;
        }
      }
      if (!good) continue;
      HostSettings settings;
      if (!value.IsNull()) {
        if (!value.IsMap()) {
          ctx_.error(value, "host '" + pattern + "' must be a mapping of variables or empty");
          continue;
        }
        read_vars(value, settings, "host '" + pattern + "'");
      }
      for (const auto& n : *names) {
        RawHost* h = out_.find_host(n);
        if (!h) h = &out_.add_host(n, ctx_.where(key));
        h->settings.overlay(settings);
        if (!is_implicit(group)) ansible_group(out_, group, ctx_.where(key)).members.push_back({n, ctx_.where(key)});
      }
    }
  }

  void read_vars(const yaml::Node& vars, HostSettings& into, const std::string& what) {
    if (vars.IsNull()) return;
    if (!vars.IsMap()) {
      ctx_.error(vars, "vars of " + what + " must be a mapping");
      return;
    }
    MapReader dupes(ctx_, vars, "vars of " + what);
    for (const auto& [key, value] : vars.pairs()) {
      if (!key.IsScalar()) continue;
      const std::string& k = key.Scalar();
      std::string text;
      if (k == "fleetaudit_tags" && value.IsSequence()) {
        for (const auto& item : value.items()) text += (text.empty() ? "" : ",") + flow_text(item);
      } else if (value.IsScalar() || value.IsNull()) {
        text = value.Scalar();
      } else if (k.starts_with("ansible_") || k == "fleetaudit_tags") {
        ctx_.error(value, what + ": " + k + " must be a single value");
        continue;
      } else {
        text = flow_text(value);
      }
      if (auto bad = apply_ansible_var(into, k, text)) ctx_.error(value.IsDefined() ? value : key, what + ": " + *bad);
    }
  }

  void read_children(const std::string& parent, const yaml::Node& children) {
    if (children.IsNull()) return;
    const std::string what = "children of group '" + parent + "'";
    if (!children.IsMap()) {
      ctx_.error(children, what + " must be a mapping of group names");
      return;
    }
    MapReader dupes(ctx_, children, what);
    for (const auto& [key, value] : children.pairs()) {
      if (!key.IsScalar()) continue;
      const std::string& child = key.Scalar();
      // ansible-inventory itself writes ungrouped hosts under all's children.
      if (child == "all" || (child == "ungrouped" && parent != "all")) {
        ctx_.error(key, what + ": '" + child + "' cannot be a child group");
        continue;
      }
      if (auto bad = check_name("group", child)) {
        ctx_.error(key, *bad);
        continue;
      }
      // Children of all are top-level groups: no edge to draw.
      if (!is_implicit(parent))
        ansible_group(out_, parent, ctx_.where(key)).children.push_back({child, ctx_.where(key)});
      group(child, key, value);
    }
  }

  YamlContext& ctx_;
  RawInventory& out_;
};

}  // namespace

void read_ansible_yaml(const yaml::Node& root, YamlContext& ctx, RawInventory& out) {
  out.order = RawInventory::GroupOrder::by_depth_then_name;
  AnsibleYamlReader(ctx, out).read(root);
}

bool looks_like_ansible_yaml(const yaml::Node& root) {
  if (!root.IsMap()) return false;
  if (root["all"].IsDefined()) return true;
  for (const auto& [key, value] : root.pairs()) {
    if (value["hosts"].IsDefined() || value["children"].IsDefined() || value["vars"].IsDefined()) return true;
  }
  return false;
}

}  // namespace fleetaudit::detail

// From what each level of an inventory declares to hosts ready to connect to:
// group membership through children (cycles refused), precedence
// host > groups > defaults > ssh client configuration > built-in, tags.

#include <algorithm>
#include <functional>
#include <iterator>
#include <tuple>
#include <utility>

#include "content/yaml_reader.hpp"  // suggest
#include "inventory/model.hpp"

namespace fleetaudit::detail {

void HostSettings::overlay(const HostSettings& over) {
  if (over.address) address = over.address;
  if (over.port) port = over.port;
  if (over.user) user = over.user;
  if (over.identity_files) identity_files = over.identity_files;
  if (over.proxy_jump) proxy_jump = over.proxy_jump;
  tags.insert(tags.end(), over.tags.begin(), over.tags.end());
  for (const auto& [k, v] : over.vars) vars[k] = v;
}

RawHost* RawInventory::find_host(std::string_view name) {
  auto it = host_index_.find(name);
  return it == host_index_.end() ? nullptr : &hosts_[it->second];
}

RawGroup* RawInventory::find_group(std::string_view name) {
  auto it = group_index_.find(name);
  return it == group_index_.end() ? nullptr : &groups_[it->second];
}

RawHost& RawInventory::add_host(std::string name, SourceLocation at) {
  host_index_.emplace(name, hosts_.size());
  hosts_.push_back({std::move(name), std::move(at), {}});
  return hosts_.back();
}

RawGroup& RawInventory::group(const std::string& name, const SourceLocation& at) {
  if (RawGroup* g = find_group(name)) return *g;
  group_index_.emplace(name, groups_.size());
  groups_.push_back({name, at, {}, {}, {}});
  return groups_.back();
}

std::optional<std::string> check_name(std::string_view kind, std::string_view name) {
  const std::string k(kind);
  if (name.empty()) return k + " name must not be empty";
  // Host names are display names: anything printable but ',' (which a
  // --limit splits on) - even shell metacharacters, which never reach a
  // shell. Group names also keep clear of spaces and ':'.
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return k + " name must not contain control characters";
  }
  std::string_view bad = kind == "host" ? std::string_view(",") : std::string_view(" \t,:");
  if (name.find_first_of(bad) != std::string_view::npos)
    return k + " name '" + std::string(name) + "' must not contain " + (kind == "host" ? "commas" : "spaces, commas or colons");
  if (name.front() == '!' || name.front() == '&' || name.front() == '~')
    return k + " name '" + std::string(name) + "' must not start with '" + name.front() + "'";
  return std::nullopt;
}

std::optional<std::string> check_tag(std::string_view tag) {
  if (tag.empty()) return std::string("tags must not be empty");
  if (tag.find_first_of(" \t,:") != std::string_view::npos)
    return "tag '" + std::string(tag) + "' must not contain spaces, commas or colons";
  if (tag.front() == '!' || tag.front() == '&' || tag.front() == '~')
    return "tag '" + std::string(tag) + "' must not start with '" + tag.front() + "'";
  return std::nullopt;
}

void sort_diagnostics(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.where.file, a.where.line, a.where.column) < std::tie(b.where.file, b.where.line, b.where.column);
  });
}

namespace {

std::string with_suggestion(std::string message, std::string_view word, const std::vector<std::string>& known) {
  if (auto s = suggest(word, known)) message += " (did you mean '" + *s + "'?)";
  return message;
}

class Resolver {
 public:
  Resolver(const RawInventory& raw, std::vector<Diagnostic>& errors) : raw_(raw), errors_(errors) {
    const auto& groups = raw_.groups();
    by_name_.resize(groups.size());
    for (std::size_t i = 0; i < groups.size(); ++i) by_name_[i] = i;
    std::sort(by_name_.begin(), by_name_.end(),
              [&](std::size_t a, std::size_t b) { return groups[a].name < groups[b].name; });
    link();
    break_cycles();
    if (raw_.order == RawInventory::GroupOrder::by_depth_then_name) compute_depths();
    collect_members();
  }

  /// Groups of every host, in the order their settings apply.
  const std::vector<std::vector<std::size_t>>& host_groups() const noexcept { return host_groups_; }
  const std::vector<std::size_t>& groups_by_name() const noexcept { return by_name_; }

 private:
  struct Edge {
    std::size_t child;
    const NameRef* ref;
  };

  // Resolves member and child names to indices; unknown names are errors.
  void link() {
    const auto& hosts = raw_.hosts();
    const auto& groups = raw_.groups();
    std::map<std::string_view, std::size_t> host_at, group_at;
    for (std::size_t i = 0; i < hosts.size(); ++i) host_at.emplace(hosts[i].name, i);
    for (std::size_t i = 0; i < groups.size(); ++i) group_at.emplace(groups[i].name, i);
    members_.resize(groups.size());
    children_.resize(groups.size());
    for (std::size_t g = 0; g < groups.size(); ++g) {
      for (const NameRef& m : groups[g].members) {
        auto it = host_at.find(m.name);
        if (it != host_at.end()) {
          members_[g].push_back(it->second);
          continue;
        }
        errors_.push_back(
            {m.at, with_suggestion("group '" + groups[g].name + "': unknown host '" + m.name + "' in members", m.name,
                                   names(hosts))});
      }
      for (const NameRef& c : groups[g].children) {
        auto it = group_at.find(c.name);
        if (it != group_at.end()) {
          children_[g].push_back({it->second, &c});
          continue;
        }
        errors_.push_back(
            {c.at, with_suggestion("group '" + groups[g].name + "': unknown group '" + c.name + "' in children", c.name,
                                   names(groups))});
      }
    }
  }

  template <class T>
  static std::vector<std::string> names(const std::vector<T>& items) {
    std::vector<std::string> out;
    out.reserve(items.size());
    for (const auto& i : items) out.push_back(i.name);
    return out;
  }

  // Depth-first over children in name order; an edge back into the current
  // path closes a cycle: reported where it is written, and dropped.
  void break_cycles() {
    enum Color : char { white, grey, black };
    std::vector<Color> color(raw_.groups().size(), white);
    std::vector<std::size_t> path;
    std::function<void(std::size_t)> visit = [&](std::size_t g) {
      color[g] = grey;
      path.push_back(g);
      auto& edges = children_[g];
      for (auto it = edges.begin(); it != edges.end();) {
        if (color[it->child] == grey) {
          report_cycle(path, g, *it);
          it = edges.erase(it);
          continue;
        }
        if (color[it->child] == white) visit(it->child);
        ++it;
      }
      path.pop_back();
      color[g] = black;
    };
    for (std::size_t g : by_name_) {
      if (color[g] == white) visit(g);
    }
  }

  void report_cycle(const std::vector<std::size_t>& path, std::size_t from, const Edge& edge) {
    const auto& groups = raw_.groups();
    auto start = std::find(path.begin(), path.end(), edge.child);
    std::string chain;
    for (auto it = start; it != path.end(); ++it) chain += groups[*it].name + " -> ";
    chain += groups[edge.child].name;
    errors_.push_back({edge.ref->at, "group '" + groups[from].name + "': children form a cycle: " + chain});
  }

  // Ansible's depth: a group one level below every parent (top-level: 1).
  void compute_depths() {
    const std::size_t n = raw_.groups().size();
    std::vector<std::vector<std::size_t>> parents(n);
    for (std::size_t g = 0; g < n; ++g) {
      for (const Edge& e : children_[g]) parents[e.child].push_back(g);
    }
    depth_.assign(n, 0);
    std::function<int(std::size_t)> depth = [&](std::size_t g) -> int {
      if (depth_[g] != 0) return depth_[g];
      int d = 1;
      for (std::size_t p : parents[g]) d = std::max(d, depth(p) + 1);
      return depth_[g] = d;
    };
    for (std::size_t g = 0; g < n; ++g) depth(g);
  }

  void collect_members() {
    const std::size_t n = raw_.groups().size();
    std::vector<std::vector<std::size_t>> all(n);
    std::vector<bool> done(n, false);
    std::function<const std::vector<std::size_t>&(std::size_t)> hosts_of =
        [&](std::size_t g) -> const std::vector<std::size_t>& {
      if (done[g]) return all[g];
      std::vector<std::size_t> out = members_[g];
      std::sort(out.begin(), out.end());
      for (const Edge& e : children_[g]) {
        const auto& more = hosts_of(e.child);
        std::vector<std::size_t> merged;
        std::set_union(out.begin(), out.end(), more.begin(), more.end(), std::back_inserter(merged));
        out = std::move(merged);
      }
      out.erase(std::unique(out.begin(), out.end()), out.end());
      all[g] = std::move(out);
      done[g] = true;
      return all[g];
    };
    host_groups_.assign(raw_.hosts().size(), {});
    std::vector<std::size_t> order = by_name_;
    if (!depth_.empty()) {
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return depth_[a] < depth_[b]; });
    }
    for (std::size_t g : order) {
      for (std::size_t h : hosts_of(g)) host_groups_[h].push_back(g);
    }
  }

  const RawInventory& raw_;
  std::vector<Diagnostic>& errors_;
  std::vector<std::size_t> by_name_;
  std::vector<std::vector<std::size_t>> members_;
  std::vector<std::vector<Edge>> children_;
  std::vector<int> depth_;
  std::vector<std::vector<std::size_t>> host_groups_;
};

}  // namespace

void resolve_inventory(const RawInventory& raw, const InventoryOptions& options, const InventoryEnv& env,
                       InventoryLoad& out) {
  Resolver resolver(raw, out.diagnostics);

  SshConfig ssh;
  if (!options.ssh_config.empty()) {
    std::string path = expand_home(options.ssh_config.string(), env.home);
    ssh = SshConfig::load(path, env.home, env.fs, out.diagnostics, out.warnings);
  }

  const auto& groups = raw.groups();
  for (std::size_t g : resolver.groups_by_name()) out.inventory.groups.push_back(groups[g].name);

  out.inventory.hosts.reserve(raw.hosts().size());
  for (std::size_t i = 0; i < raw.hosts().size(); ++i) {
    const RawHost& rh = raw.hosts()[i];
    const auto& member_of = resolver.host_groups()[i];
    HostSettings eff = raw.defaults;
    if (member_of.empty()) eff.overlay(raw.ungrouped);
    for (std::size_t g : member_of) eff.overlay(groups[g].settings);
    eff.overlay(rh.settings);

    InventoryHost h;
    h.name = rh.name;
    h.defined_at = rh.defined_at;
    // ssh is given the explicit address when there is one, else the alias.
    const std::string& ssh_name = eff.address ? *eff.address : rh.name;
    SshHostConfig sc = ssh.resolve(ssh_name);
    h.address = eff.address ? *eff.address : sc.hostname ? *sc.hostname : rh.name;
    h.port = eff.port ? *eff.port : sc.port ? *sc.port : 22;
    h.user = eff.user ? *eff.user : sc.user ? *sc.user : std::string();
    h.proxy_jump = eff.proxy_jump ? *eff.proxy_jump : sc.proxy_jump ? *sc.proxy_jump : std::string();
    if (eff.identity_files) {
      for (const auto& f : *eff.identity_files) h.identity_files.push_back(expand_home(f, env.home));
    } else {
      // ssh expands these once everything else is known.
      const std::map<char, std::string> tokens = {
          {'d', env.home}, {'u', env.local_user},         {'h', h.address},
          {'n', ssh_name}, {'p', std::to_string(h.port)}, {'r', h.user.empty() ? env.local_user : h.user},
      };
      for (const auto& f : sc.identity_files)
        h.identity_files.push_back(expand_ssh_tokens(expand_home(f, env.home), tokens));
    }
    for (std::size_t g : member_of) h.groups.push_back(groups[g].name);
    std::sort(h.groups.begin(), h.groups.end());
    h.tags = std::move(eff.tags);
    std::sort(h.tags.begin(), h.tags.end());
    h.tags.erase(std::unique(h.tags.begin(), h.tags.end()), h.tags.end());
    h.vars = std::move(eff.vars);
    out.inventory.hosts.push_back(std::move(h));
  }
}

}  // namespace fleetaudit::detail

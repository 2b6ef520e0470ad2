#pragma once
/// \file
/// Fleet inventories: which hosts to scan and how to reach them. Reads
/// fleetaudit's own YAML format and Ansible inventories (INI and YAML), and
/// resolves host aliases through the user's OpenSSH client configuration.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fleetaudit/content.hpp"  // SourceLocation, Diagnostic
#include "fleetaudit/expected.hpp"

namespace fleetaudit {

/// Role tags with a meaning to fleetaudit (checks and fleet views use them).
/// Any other tag is kept as a free-form tag.
inline constexpr std::string_view kKnownRoles[] = {"hypervisor", "container-host", "k8s-node", "edge"};

/// One host, with everything needed to reach it already resolved.
struct InventoryHost {
  std::string name;     ///< inventory name, shown in reports (unique)
  std::string address;  ///< what to connect to (HostName / ansible_host / the name itself)
  int port = 22;
  std::string user;     ///< empty: the SSH user of the scanning process
  std::vector<std::string> identity_files;  ///< private keys to try, in order (~ expanded)
  std::string proxy_jump;                   ///< one jump host "[user@]host[:port]", empty: direct
  std::vector<std::string> groups;          ///< every group the host belongs to, sorted
  std::vector<std::string> tags;            ///< role and free-form tags, sorted, unique
  std::map<std::string, std::string> vars;  ///< merged variables (defaults < groups < host)
  SourceLocation defined_at;                ///< where the host was declared

  bool has_tag(std::string_view tag) const;
};

/// A loaded inventory: plain data, safe to read from many threads at once.
struct Inventory {
  std::filesystem::path file;
  std::vector<InventoryHost> hosts;  ///< in declaration order
  std::vector<std::string> groups;   ///< every group name, sorted

  /// Hosts matching an Ansible-style limit: comma- (or colon-) separated
  /// terms, each a host name, group name, tag or glob of those ("web-*"), or
  /// "all"; "!term" excludes and "&term" intersects. Only exclusions: from
  /// every host. A term that matches nothing selects nothing. Empty selects
  /// every host. The result keeps inventory order.
  std::vector<const InventoryHost*> select(std::string_view limit) const;
};

struct InventoryOptions {
  /// OpenSSH client configuration used to resolve aliases (HostName, Port,
  /// User, IdentityFile, ProxyJump). Default: ~/.ssh/config; empty: none.
  /// It only fills what the inventory leaves unset. A host without an
  /// address is looked up by its name (HostName then gives the address); a
  /// host with one is looked up by that address, as ssh would be given it.
  std::filesystem::path ssh_config = "~/.ssh/config";
};

struct InventoryLoad {
  Inventory inventory;
  std::vector<Diagnostic> diagnostics;  ///< file:line: reason, sorted; non-empty: unusable
  /// Worth telling the operator, but the inventory is usable: an ssh client
  /// configuration Match block that was not evaluated, a ProxyJump hop dropped.
  std::vector<Diagnostic> warnings;
  bool ok() const noexcept { return diagnostics.empty(); }
  /// "inventory FILE has N problem(s):" and one indented line per problem.
  std::string problems() const;
};

/// Reads an inventory, telling the format from the content (reentrant: each
/// call reads its files afresh and shares nothing): fleetaudit YAML
/// (top-level `hosts:`/`groups:`/`defaults:`), Ansible YAML (top-level
/// `all:` or groups with `hosts:`/`children:`), or Ansible INI.
InventoryLoad load_inventory(const std::filesystem::path& file, const InventoryOptions& options = {});

/// The same from text already in memory; `display` names it in diagnostics.
InventoryLoad parse_inventory(std::string_view text, const std::string& display, const InventoryOptions& options = {});

}  // namespace fleetaudit

#pragma once
// What every inventory format is read into before resolution: hosts and
// groups with what each level declares, nothing merged yet. One resolver then
// applies group membership, precedence, the ssh client configuration and tags
// the same way whatever the format.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fleetaudit/inventory.hpp"
#include "inventory/ssh_config.hpp"

namespace fleetaudit::detail {

/// What one level (defaults, a group, a host) declares. Unset fields fall
/// through to the level below.
struct HostSettings {
  std::optional<std::string> address;
  std::optional<int> port;
  std::optional<std::string> user;
  std::optional<std::vector<std::string>> identity_files;  ///< as written: ~ is expanded on resolution
  std::optional<std::string> proxy_jump;                   ///< "": explicitly direct
  std::vector<std::string> tags;                           ///< accumulate over levels
  std::map<std::string, std::string> vars;

  /// Lays `over` on top of this: its set fields and vars win, tags add up.
  void overlay(const HostSettings& over);
};

/// A name written somewhere (a group member, a child group).
struct NameRef {
  std::string name;
  SourceLocation at;
};

struct RawHost {
  std::string name;
  SourceLocation defined_at;
  HostSettings settings;
};

struct RawGroup {
  std::string name;
  SourceLocation defined_at;
  std::vector<NameRef> members;   ///< hosts named directly
  std::vector<NameRef> children;  ///< groups whose hosts belong here too
  HostSettings settings;
};

class RawInventory {
 public:
  /// How group settings stack when a host is in several groups. Ansible lets
  /// a child group override its parents (deeper wins, then name order).
  enum class GroupOrder { by_name, by_depth_then_name };
  GroupOrder order = GroupOrder::by_name;

  HostSettings defaults;
  HostSettings ungrouped;  ///< Ansible [ungrouped:vars]: for hosts in no group

  const std::vector<RawHost>& hosts() const noexcept { return hosts_; }
  const std::vector<RawGroup>& groups() const noexcept { return groups_; }
  std::vector<RawHost>& hosts() noexcept { return hosts_; }
  std::vector<RawGroup>& groups() noexcept { return groups_; }

  RawHost* find_host(std::string_view name);
  RawGroup* find_group(std::string_view name);
  /// Appends a host; the caller has checked that the name is new.
  RawHost& add_host(std::string name, SourceLocation at);
  /// The group named so, created (defined at `at`) when new.
  RawGroup& group(const std::string& name, const SourceLocation& at);

 private:
  std::vector<RawHost> hosts_;
  std::vector<RawGroup> groups_;
  std::map<std::string, std::size_t, std::less<>> host_index_;
  std::map<std::string, std::size_t, std::less<>> group_index_;
};

/// The world outside the text: the home directory, the local user and the
/// file system the ssh client configuration is read from. Tests give their own.
struct InventoryEnv {
  std::string home;
  std::string local_user;
  SshConfigFs fs;

  /// The running process: $HOME / $USER (or the password database) and the disk.
  static InventoryEnv system();
};

/// Merges `raw` into hosts ready to connect to, appending problems to `out`.
void resolve_inventory(const RawInventory& raw, const InventoryOptions& options, const InventoryEnv& env,
                       InventoryLoad& out);

/// parse_inventory() with an explicit environment.
InventoryLoad parse_inventory_in(std::string_view text, const std::string& display, const InventoryOptions& options,
                                 const InventoryEnv& env);

/// Why `name` cannot name a host ("host") or a group ("group"): empty, or a
/// character that would break a --limit term. nullopt: fine.
std::optional<std::string> check_name(std::string_view kind, std::string_view name);
/// The same for a tag.
std::optional<std::string> check_tag(std::string_view tag);

/// Orders diagnostics by file, line and column, keeping the order of equals.
void sort_diagnostics(std::vector<Diagnostic>& diagnostics);

}  // namespace fleetaudit::detail

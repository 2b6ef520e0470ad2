#pragma once
// What Ansible inventories in INI and YAML share: host ranges, the
// connection variables, role tags from group names, shell-like splitting.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fleetaudit/expected.hpp"
#include "inventory/model.hpp"

namespace fleetaudit::detail {

/// Splits like Python's shlex, as Ansible reads INI host lines: blanks
/// separate, single and double quotes group, a backslash escapes (not inside
/// single quotes), a '#' starting a word ends the line.
Expected<std::vector<std::string>> shell_split(std::string_view line);

/// Expands Ansible host ranges: "web[01:03].x" gives web01.x web02.x web03.x
/// (leading zeros keep the width), "[a:c]" letters, "[1:9:2]" a step; several
/// ranges multiply. A name without '[' is itself.
Expected<std::vector<std::string>> expand_host_pattern(std::string_view pattern);

/// Applies one Ansible variable to what a level declares: ansible_host,
/// ansible_port, ansible_user and ansible_ssh_private_key_file (and their
/// older ansible_ssh_* spellings) become connection settings, a ProxyJump in
/// ansible_ssh_common_args / ansible_ssh_extra_args becomes the jump host,
/// fleetaudit_tags ("a,b") adds tags; anything else is kept in vars. Returns
/// why the value is bad, or nullopt.
std::optional<std::string> apply_ansible_var(HostSettings& s, const std::string& key, const std::string& value);

/// The role tag an Ansible group's name gives: a known role, spelt with '-'
/// or '_' ("container_host" gives "container-host").
std::optional<std::string> role_tag_for_group(std::string_view group);

/// The Ansible group `name`, created (with its role tag) when new.
RawGroup& ansible_group(RawInventory& inventory, const std::string& name, const SourceLocation& at);

/// The first ProxyJump hop in ssh command-line arguments ("-J host",
/// "-o ProxyJump=host"); "" for "none"; nullopt: none given.
std::optional<std::string> proxy_jump_from_ssh_args(std::string_view args);

}  // namespace fleetaudit::detail

#pragma once
// Ansible inventories in YAML form:
//
//   all:
//     hosts: {mail.example.com: null}
//     vars: {ansible_user: admin}
//     children:
//       web:
//         hosts:
//           web[01:03].example.com:
//           db-1: {ansible_host: 10.0.0.5, ansible_port: 2222}
//         vars: {tier: frontend}
//         children: {edge: {hosts: {cdn-1: null}}}
//
// Top-level keys other than `all` are groups too. The variables, ranges and
// role tags are those of the INI form (ansible_vars.hpp).

#include "content/yaml_reader.hpp"
#include "inventory/model.hpp"

namespace fleetaudit::detail {

/// Reads the mapping `root` into `out`, reporting problems through `ctx`.
void read_ansible_yaml(const yaml::Node& root, YamlContext& ctx, RawInventory& out);

/// Whether a parsed YAML document looks like an Ansible inventory: a
/// top-level `all`, or top-level values that are maps with hosts/children/vars.
bool looks_like_ansible_yaml(const yaml::Node& root);

}  // namespace fleetaudit::detail

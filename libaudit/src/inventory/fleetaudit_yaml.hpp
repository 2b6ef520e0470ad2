#pragma once
// fleetaudit's own inventory format:
//
//   defaults: {user: audit, port: 22, identity_file: ~/.ssh/fleet_ed25519,
//              proxy_jump: "bastion:2222", tags: [prod], vars: {site: par1}}
//   groups:
//     web:
//       members: [web-01, web-02]   # hosts declared under hosts
//       children: [frontend]        # groups whose members belong here too
//       tags: [edge]
//       vars: {tier: frontend}      # also port, user, identity_file, proxy_jump
//   hosts:
//     web-01:
//       address: 10.0.0.1           # default: the name, through ssh_config
//       port: 2222
//       user: root
//       identity_file: ~/.ssh/a     # or a list
//       proxy_jump: user@bastion:22 # or none
//       tags: [container-host]
//       vars: {k: v}
//     web-02:                       # empty: defaults only
//
// Every value is checked: unknown keys (with a suggestion), types, ports,
// duplicate or empty names; each problem with file:line:column.

#include "content/yaml_reader.hpp"
#include "inventory/model.hpp"

namespace fleetaudit::detail {

/// Whether a parsed YAML document has a top-level hosts, groups or defaults key.
bool looks_like_fleetaudit_yaml(const yaml::Node& root);

/// Reads the mapping `root` into `out`, reporting problems through `ctx`.
void read_fleetaudit_yaml(const yaml::Node& root, YamlContext& ctx, RawInventory& out);

}  // namespace fleetaudit::detail

#pragma once
// Ansible inventories in INI form:
//
//   mail.example.com                 # ungrouped: before any section
//   [web]
//   web[01:20].example.com ansible_user=admin
//   db-1:2222 ansible_host=10.0.0.5 note="two words"
//   [web:vars]
//   ansible_port=2222
//   [edge:children]
//   web
//
// Comments start with '#' or ';'. Groups named after a role (hypervisor,
// container-host or container_host, k8s-node, edge) and fleetaudit_tags=a,b
// give tags.

#include <string>
#include <string_view>
#include <vector>

#include "fleetaudit/content.hpp"
#include "inventory/model.hpp"

namespace fleetaudit::detail {

struct IniReadStats {
  int good_lines = 0;  ///< section headers and host lines read without error
};

/// Reads `text` into `out`, appending problems ("file:line: ...") to `errors`.
IniReadStats read_ansible_ini(std::string_view text, const std::string& file, RawInventory& out,
                              std::vector<Diagnostic>& errors);

}  // namespace fleetaudit::detail

#pragma once
// The SSH collector for many hosts of one plan: the script is made once per
// agent path (ScriptCache) instead of once per host.

#include "collect/ssh/script.hpp"
#include "fleetaudit/collect.hpp"
#include "fleetaudit/inventory.hpp"

namespace fleetaudit::remote {

/// collect_ssh() with the cache's plan and file limit (options.max_file_bytes
/// is the cache's).
HostCollection collect_ssh_cached(const ScriptCache& scripts, const InventoryHost& host, const CollectOptions& options,
                                  const SshOptions& ssh);

}  // namespace fleetaudit::remote

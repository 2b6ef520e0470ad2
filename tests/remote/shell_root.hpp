#pragma once
// Test roots that can run the collection script: a fixture tree plus
// busybox (and dash with its libraries), entered with chroot.

#include <filesystem>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace fleetaudit::testing {

/// Copies `binary` and its shared libraries (the ldd closure, loader
/// included) into `root` at the same absolute paths.
void install_binary(const std::filesystem::path& root, const std::filesystem::path& binary,
                    const std::filesystem::path& as = {});

/// busybox as /bin/busybox with the applets the script uses, and /bin/dash.
void add_shells(const std::filesystem::path& root);

/// Runs `script` in `root` under `shell` ("/bin/sh" = busybox ash, "/bin/dash").
ProcessResult run_in_root(const std::filesystem::path& root, const std::string& shell, const std::string& script);

}  // namespace fleetaudit::testing

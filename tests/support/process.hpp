#pragma once
// Runs a program (no shell) and captures its exit code and output.

#include <string>
#include <vector>

namespace fleetaudit::testing {

struct ProcessResult {
  int exit_code = -1;
  std::string out, err;
};

/// argv[0] must be a path. `env` entries ("K=V") are added to this process's
/// environment; `input` is written to its standard input.
ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                          const std::string& input = {});

}  // namespace fleetaudit::testing

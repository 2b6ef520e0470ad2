// fleetaudit-fixture NAME DIR: materializes a fixture host for manual runs
// and shell-level tests ("fleetaudit scan --root DIR").

#include <cstdio>
#include <exception>

#include "support/fixture_tree.hpp"

int main(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--list") {
    for (const auto& n : fleetaudit::testing::fixture_names()) std::printf("%s\n", n.c_str());
    return 0;
  }
  if (argc != 3) {
    std::fprintf(stderr, "usage: fleetaudit-fixture NAME DIR | --list\n");
    return 1;
  }
  try {
    fleetaudit::testing::materialize_fixture(argv[1], argv[2]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fleetaudit-fixture: %s\n", e.what());
    return 1;
  }
  return 0;
}

#pragma once
// Secrets never leave the collector: password hashes in shadow files and
// boot-loader passwords are replaced, as they are read, by a marker that keeps
// what checks need (empty, locked, which algorithm) and nothing else; so are
// the values of secret-named environment variables ("DB_PASSWORD=...") in
// container and image configurations.

#include <string>
#include <string_view>

namespace fleetaudit::hostfs {

inline constexpr std::string_view kRedacted = "*REDACTED*";

/// Redacts `content` in place when `path` is a file that holds secrets.
/// Returns true when something was replaced.
bool redact_secrets(std::string_view path, std::string& content);

/// The redacted form of one password hash field ("" stays "", "!$6$x" -> "!$6$*REDACTED*").
std::string redact_hash(std::string_view hash);

}  // namespace fleetaudit::hostfs

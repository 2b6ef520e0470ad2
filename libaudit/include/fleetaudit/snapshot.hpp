#pragma once
/// \file
/// The Snapshot: plain data collected from one host, the only thing that
/// crosses from a host into the engine. Serializable to JSON and back, so a
/// stored snapshot can be re-evaluated after a content change without the host.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fleetaudit/expected.hpp"

namespace fleetaudit {

/// What a path turned out to be when collected.
enum class FileType {
  missing,    ///< does not exist (a dangling symlink's target type is missing too)
  regular,
  directory,
  other,      ///< device, socket, fifo
  error       ///< could not be examined: see FileFact::error
};

/// One path on the host as the collector saw it. Paths are absolute paths *on
/// the host* ("/etc/passwd"), never prefixed with a collector's root directory.
struct FileFact {
  std::string path;
  FileType type = FileType::missing;  ///< type of what the path resolves to
  std::string error;                  ///< why it could not be examined (type == error)
  bool is_symlink = false;            ///< the path itself is a symbolic link
  std::string link_target;            ///< readlink() of the path when is_symlink
  std::uint32_t mode = 0;             ///< permission bits, 07777 mask, of the resolved file
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;             ///< last modification, seconds since 1970 (0: unknown)

  bool has_content = false;      ///< content was requested and read
  std::string content;           ///< raw bytes (may be cut at the size limit)
  bool truncated = false;        ///< content was cut at the collector's size limit
  bool redacted = false;         ///< secrets (password hashes) in the content were replaced by *REDACTED*
  std::string content_error;     ///< why content could not be read (permission denied ...)

  bool has_entries = false;          ///< a directory listing was requested and read
  std::vector<std::string> entries;  ///< names in the directory, sorted

  bool exists() const noexcept { return type != FileType::missing && type != FileType::error; }
};

/// Everything collected from one host for one plan.
struct Snapshot {
  static constexpr int kFormatVersion = 1;

  std::string host;          ///< display name of the host
  std::string collector;     ///< "local", "root:/srv/image", ...
  std::string collected_at;  ///< UTC, ISO 8601 ("2026-11-21T22:08:05Z"); evaluation's "now"
  std::map<std::string, FileFact, std::less<>> files;                 ///< by host path
  std::map<std::string, std::vector<std::string>, std::less<>> globs;  ///< pattern -> sorted matches
  std::vector<std::string> errors;  ///< collection-level problems ("probe X: ...")
  /// The host's role tags (hypervisor, container-host, k8s-node, edge ...):
  /// from the inventory, or given for a local scan. Checks can apply by role.
  std::vector<std::string> tags;

  /// What the snapshot describes: a host, or Kubernetes manifests read from
  /// files (`scan --manifests`). A manifests snapshot is no host: checks that
  /// examine a host do not apply to it, and its `files` are keyed by the
  /// paths the manifests were read from, as named to the collector.
  enum class Kind { host, manifests };
  Kind kind = Kind::host;
  /// For a manifests snapshot: every manifest file read (keys of `files`), in
  /// the order they were read.
  std::vector<std::string> manifests;

  /// The fact for a path, or nullptr when the plan did not ask for it.
  const FileFact* file(std::string_view path) const;
  /// The matches of a glob pattern, or nullptr when the plan did not ask for it.
  const std::vector<std::string>* glob(std::string_view pattern) const;
};

/// Compact JSON text for a snapshot. Binary file content is base64-encoded.
std::string to_json(const Snapshot& snapshot);
/// Parses what to_json() wrote; the error names what was malformed.
Expected<Snapshot> snapshot_from_json(std::string_view json);

/// A compact binary encoding of a snapshot (length-prefixed; what the agent
/// sends over SSH). Decoding it is several times cheaper than JSON.
std::string to_binary(const Snapshot& snapshot);
/// Parses what to_binary() wrote; data that stops early or is malformed is an error.
Expected<Snapshot> snapshot_from_binary(std::string_view data);

}  // namespace fleetaudit

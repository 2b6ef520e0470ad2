#pragma once
/// \file
/// Collectors turn a Plan into a Snapshot. collect/ and store/ are the only
/// parts of the library that touch hosts and disks.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "fleetaudit/plan.hpp"
#include "fleetaudit/snapshot.hpp"

namespace fleetaudit {

struct CollectOptions {
  /// Read every path under this directory ("/" for the running machine). Under
  /// another root, symbolic links resolve inside it, as in a chroot: an image's
  /// absolute link never reaches the auditing machine's files.
  std::filesystem::path root = "/";
  std::string host_name;                              ///< empty: derived (hostname, or the root's /etc/hostname)
  std::uint64_t max_file_bytes = 32ull << 20;         ///< content beyond this is cut and marked truncated
  std::uint64_t max_total_bytes = 512ull << 20;       ///< content budget for the whole host
  int max_followup_rounds = 4;                        ///< rounds of followup_plan() (Include chains)
  /// Where probes may keep results between scans (the apt-list digest,
  /// keyed by every input's size and time). Empty: no cache.
  std::filesystem::path cache_dir;
};

/// How to reach hosts over SSH.
struct SshOptions {
  std::filesystem::path known_hosts;  ///< empty: ~/.ssh/known_hosts
  bool accept_new_host_keys = false;  ///< record unknown host keys (a changed key is always refused)
  bool sudo = false;                  ///< collect through `sudo -n` (never prompts)
  bool use_ssh_agent = true;          ///< try $SSH_AUTH_SOCK keys after the identity files
  double connect_timeout = 10;        ///< seconds for connect, handshake and authentication
  double host_timeout = 120;          ///< seconds for the whole host
  /// fleetaudit on the host collects instead of the shell when present there
  /// (the agent path). A host's inventory variable `fleetaudit_agent` overrides
  /// it; "none" or empty: always the shell.
  std::string agent_path = "/usr/local/bin/fleetaudit";
  /// the operator chose agent_path explicitly: it wins over `fleetaudit_agent`
  bool agent_path_explicit = false;
  std::uint64_t max_host_bytes = 256ull << 20;  ///< a host sending more is a collection error
};

/// The outcome of collecting one host.
struct HostCollection {
  Snapshot snapshot;
  /// ok, unreachable, auth-failed, host-key-unknown, host-key-changed,
  /// timeout, collection-error or partial (the stream ended early: what
  /// arrived is kept, what did not is an error in the results).
  std::string state = "ok";
  std::string detail;  ///< why, when not ok
};

struct InventoryHost;

/// Collects a plan from one host over SSH: one connection, one command, one
/// round trip. Never throws for a host problem.
HostCollection collect_ssh(const Plan& plan, const InventoryHost& host, const CollectOptions& options,
                           const SshOptions& ssh);

/// Collects a plan from the local machine or a root directory. Never throws
/// for a host problem: unreadable paths become FileFact errors, and problems
/// with the whole collection go to Snapshot::errors.
Snapshot collect(const Plan& plan, const CollectOptions& options);

/// Reads Kubernetes manifests into a snapshot of kind `manifests`
/// (`scan --manifests`): each path is a file (read whatever its name), a
/// directory (walked recursively for *.yaml, *.yml and *.json, sorted, hidden
/// entries skipped), or "-" for standard input. A file that cannot be read
/// is a FileFact error; a path that does not exist is a snapshot error. The
/// documents are parsed when evaluated, where a malformed one is reported by
/// file and document number. `options.host_name` names the snapshot (default:
/// the paths); the size limits apply as for hosts.
Snapshot collect_manifests(const std::vector<std::filesystem::path>& paths, const CollectOptions& options);

}  // namespace fleetaudit

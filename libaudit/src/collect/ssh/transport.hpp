#pragma once
// One SSH connection, one exec: libssh with strict host key checking,
// public-key and agent authentication, a connect timeout and a whole-host
// deadline, and one optional ProxyJump hop. Private to the library.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace fleetaudit::remote {

struct Endpoint {
  std::string host;
  int port = 22;
  std::string user;                         ///< empty: the local user's name
  std::vector<std::string> identity_files;  ///< empty: ~/.ssh/id_ed25519, id_ecdsa, id_rsa
};

struct SshSettings {
  std::filesystem::path known_hosts;  ///< empty: ~/.ssh/known_hosts
  bool accept_new_host_keys = false;  ///< record unknown keys instead of refusing them
  bool use_ssh_agent = true;          ///< try keys from $SSH_AUTH_SOCK after the files
  double connect_timeout = 10;        ///< seconds for TCP + SSH handshake + authentication
  double deadline = 120;              ///< seconds for the whole host, connect included
  std::uint64_t max_output = 256ull << 20;  ///< stop reading (and fail) beyond this many bytes
};

/// What happened on the wire. `state` is one of: ok, unreachable,
/// auth-failed, host-key-unknown, host-key-changed, timeout,
/// collection-error; `detail` says why in words an operator can act on.
struct SshRun {
  std::string state = "ok";
  std::string detail;
  std::string out;   ///< the command's standard output
  std::string err;   ///< its standard error (first 64 KiB)
  int exit_status = -1;
  bool output_limit = false;
};

/// Connects (through `jump` when its host is set), runs `command` with
/// `input` on its standard input, and reads everything it prints.
SshRun run_over_ssh(const Endpoint& target, const Endpoint* jump, const SshSettings& settings, const std::string& command,
                    const std::string& input);

/// "[user@]host[:port]" -> Endpoint (identity files left empty).
Endpoint parse_jump(const std::string& spec);

}  // namespace fleetaudit::remote

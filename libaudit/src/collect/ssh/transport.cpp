#include "collect/ssh/transport.hpp"

#include <libssh/libssh.h>
#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>

#include "util/strings.hpp"

namespace fleetaudit::remote {

namespace {

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

using Clock = std::chrono::steady_clock;

struct SessionDeleter {
  void operator()(ssh_session s) const noexcept {
    if (ssh_is_connected(s)) ssh_disconnect(s);
    ssh_free(s);
  }
};
struct ChannelDeleter {
  void operator()(ssh_channel c) const noexcept { ssh_channel_free(c); }
};
struct KeyDeleter {
  void operator()(ssh_key k) const noexcept { ssh_key_free(k); }
};
using Session = std::unique_ptr<ssh_session_struct, SessionDeleter>;
using Channel = std::unique_ptr<ssh_channel_struct, ChannelDeleter>;
using Key = std::unique_ptr<ssh_key_struct, KeyDeleter>;

std::once_flag g_init;
std::mutex g_known_hosts_write;  // ssh_session_update_known_hosts appends to one file

std::string home_dir() {
  if (const char* h = std::getenv("HOME"); h && *h) return h;
  if (const passwd* pw = ::getpwuid(::getuid())) return pw->pw_dir;
  return "/";
}

std::string local_user() {
  if (const passwd* pw = ::getpwuid(::getuid())) return pw->pw_name;
  return "root";
}

std::string fingerprint(ssh_key key) {
  unsigned char* hash = nullptr;
  size_t len = 0;
  if (!key || ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len) != 0) return "(unknown)";
  char* fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, len);
  std::string out = fp ? fp : "(unknown)";
  ssh_string_free_char(fp);
  ssh_clean_pubkey_hash(&hash);
  return out;
}

std::string endpoint_name(const Endpoint& e) { return e.port == 22 ? e.host : "[" + e.host + "]:" + std::to_string(e.port); }

// Fingerprints recorded for an endpoint in a known_hosts file (hashed names included).
std::string recorded_fingerprints(const std::string& file, const Endpoint& e) {
  std::FILE* f = std::fopen(file.c_str(), "r");
  if (!f) return "(unreadable)";
  std::vector<std::string> fps;
  std::string host = e.port == 22 ? e.host : "[" + e.host + "]:" + std::to_string(e.port);
  char* line = nullptr;
  size_t cap = 0;
  for (ssize_t n; (n = ::getline(&line, &cap, f)) > 0;) {
    if (line[n - 1] == '\n') line[n - 1] = '\0';
    ssh_knownhosts_entry* entry = nullptr;
    if (ssh_known_hosts_parse_line(host.c_str(), line, &entry) == SSH_OK && entry) {
      fps.push_back(fingerprint(entry->publickey));
      ssh_knownhosts_entry_free(entry);
    }
  }
  std::free(line);
  std::fclose(f);
  return fps.empty() ? "(no entry)" : util::join(fps, ", ");
}

struct Failure {
  std::string state, detail;
};

// Connects, verifies the host key and authenticates; a Failure says which step failed.
std::optional<Failure> open_session(ssh_session s, const Endpoint& e, const SshSettings& cfg, int fd = -1) {
  long secs = static_cast<long>(cfg.connect_timeout);
  long usecs = static_cast<long>((cfg.connect_timeout - static_cast<double>(secs)) * 1e6);
  int nodelay = 1, verbosity = SSH_LOG_NOLOG;
  bool process_config = false;
  std::string user = e.user.empty() ? local_user() : e.user;
  std::string known = cfg.known_hosts.empty() ? home_dir() + "/.ssh/known_hosts" : cfg.known_hosts.string();
  unsigned port = static_cast<unsigned>(e.port);
  ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
  ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &process_config);  // the inventory already resolved ssh_config
  ssh_options_set(s, SSH_OPTIONS_HOST, e.host.c_str());
  ssh_options_set(s, SSH_OPTIONS_PORT, &port);
  ssh_options_set(s, SSH_OPTIONS_USER, user.c_str());
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &secs);
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT_USEC, &usecs);
  ssh_options_set(s, SSH_OPTIONS_NODELAY, &nodelay);  // without it Nagle adds ~40 ms to authentication
  ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, known.c_str());
  ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
  if (fd >= 0) ssh_options_set(s, SSH_OPTIONS_FD, &fd);

  if (ssh_connect(s) != SSH_OK) {
    std::string why = util::to_lower(ssh_get_error(s));
    return Failure{"unreachable", endpoint_name(e) + ": " + why};
  }
  // Host keys: strict unless told to record new ones; a changed key is never accepted.
  ssh_key server = nullptr;
  ssh_get_server_publickey(s, &server);
  Key server_key(server);
  switch (ssh_session_is_known_server(s)) {
    case SSH_KNOWN_HOSTS_OK:
      break;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER: {
      std::string known_fp = recorded_fingerprints(known, e);
      return Failure{"host-key-changed", endpoint_name(e) + ": host key changed: " + known + " has " + known_fp +
                                             ", the host presented " + fingerprint(server_key.get()) +
                                             " (refused; if the change is expected, remove the old entry)"};
    }
    case SSH_KNOWN_HOSTS_NOT_FOUND:
    case SSH_KNOWN_HOSTS_UNKNOWN:
      if (!cfg.accept_new_host_keys)
        return Failure{"host-key-unknown", endpoint_name(e) + ": host key " + fingerprint(server_key.get()) + " is not in " +
                                               known + " (verify it, then rerun with --accept-new-host-keys to record it)"};
      {
        std::lock_guard lock(g_known_hosts_write);
        if (ssh_session_update_known_hosts(s) != SSH_OK)
          return Failure{"collection-error", endpoint_name(e) + ": cannot record the host key in " + known + ": " + ssh_get_error(s)};
      }
      break;
    case SSH_KNOWN_HOSTS_ERROR:
    default:
      return Failure{"collection-error", endpoint_name(e) + ": cannot check the host key against " + known + ": " + ssh_get_error(s)};
  }
  // Authentication: the key files in order, then the agent.
  std::vector<std::string> files = e.identity_files;
  if (files.empty()) {
    for (const char* n : {"id_ed25519", "id_ecdsa", "id_rsa"}) files.push_back(home_dir() + "/.ssh/" + n);
  }
  std::vector<std::string> tried;
  for (const auto& f : files) {
    if (::access(f.c_str(), R_OK) != 0) continue;
    ssh_key raw = nullptr;
    if (ssh_pki_import_privkey_file(f.c_str(), nullptr, nullptr, nullptr, &raw) != SSH_OK) {
      tried.push_back(f + " (unreadable or passphrase-protected)");
      continue;
    }
    Key key(raw);
    int rc = ssh_userauth_publickey(s, nullptr, key.get());
    if (rc == SSH_AUTH_SUCCESS) return std::nullopt;
    if (rc == SSH_AUTH_ERROR) return Failure{"unreachable", endpoint_name(e) + ": connection lost during authentication: " + ssh_get_error(s)};
    tried.push_back(f);
  }
  if (cfg.use_ssh_agent && std::getenv("SSH_AUTH_SOCK")) {
    if (ssh_userauth_agent(s, nullptr) == SSH_AUTH_SUCCESS) return std::nullopt;
    tried.push_back("ssh-agent");
  }
  return Failure{"auth-failed", endpoint_name(e) + ": " + user + " was refused (tried " +
                                    (tried.empty() ? std::string("no key: none readable") : util::join(tried, ", ")) + ")"};
}

// Carries one inner SSH session over a direct-tcpip channel of the jump
// session: a socketpair end on each side, bytes pumped between them.
class JumpPump {
 public:
  JumpPump(ssh_session jump, ssh_channel channel, int fd) : jump_(jump), channel_(channel), fd_(fd) {
    thread_ = std::thread([this] { run(); });
  }
  ~JumpPump() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }

 private:
  void run() {
    char buf[32768];
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      int pr = ::poll(&p, 1, 5);
      if (pr > 0 && (p.revents & POLLIN)) {
        ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n <= 0) break;
        if (ssh_channel_write(channel_, buf, static_cast<uint32_t>(n)) < 0) break;
      } else if (pr > 0 && (p.revents & (POLLHUP | POLLERR))) {
        break;
      }
      int n = ssh_channel_read_nonblocking(channel_, buf, sizeof buf, 0);
      if (n < 0 || (n == 0 && ssh_channel_is_eof(channel_))) break;
      for (int off = 0; off < n;) {
        ssize_t w = ::write(fd_, buf + off, static_cast<std::size_t>(n - off));
        if (w <= 0) return;
        off += static_cast<int>(w);
      }
    }
    ::shutdown(fd_, SHUT_RDWR);
    (void)jump_;
  }

  ssh_session jump_;
  ssh_channel channel_;
  int fd_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

Endpoint parse_jump(const std::string& spec) {
  Endpoint e;
  std::string rest = spec;
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    e.user = rest.substr(0, at);
    rest = rest.substr(at + 1);
  }
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    e.host = rest.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    if (close != std::string::npos && close + 1 < rest.size() && rest[close + 1] == ':')
      e.port = util::parse_int(rest.substr(close + 2)).value_or(22);
  } else if (auto colon = rest.rfind(':'); colon != std::string::npos && rest.find(':') == colon) {
    e.host = rest.substr(0, colon);
    e.port = static_cast<int>(util::parse_int(rest.substr(colon + 1)).value_or(22));
  } else {
    e.host = rest;
  }
  return e;
}

SshRun run_over_ssh(const Endpoint& target, const Endpoint* jump, const SshSettings& cfg, const std::string& command,
                    const std::string& input) {
  std::call_once(g_init, [] { ssh_init(); });
  SshRun run;
  const auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<long long>(cfg.deadline * 1000));
  auto fail = [&run](std::string state, std::string detail) {
    run.state = std::move(state);
    run.detail = std::move(detail);
    return run;
  };

  // The optional jump hop: its own verified, authenticated session.
  Session jump_session;
  Channel jump_channel;
  std::unique_ptr<JumpPump> pump;
  int inner_fd = -1;
  if (jump && !jump->host.empty()) {
    jump_session.reset(ssh_new());
    if (!jump_session) return fail("collection-error", "cannot create an SSH session");
    if (auto f = open_session(jump_session.get(), *jump, cfg)) return fail(f->state, "jump host " + f->detail);
    jump_channel.reset(ssh_channel_new(jump_session.get()));
    if (!jump_channel || ssh_channel_open_forward(jump_channel.get(), target.host.c_str(), target.port, "127.0.0.1", 0) != SSH_OK)
      return fail("unreachable", endpoint_name(target) + ": the jump host " + endpoint_name(*jump) +
                                     " could not connect to it: " + ssh_get_error(jump_session.get()));
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return fail("collection-error", "socketpair failed");
    inner_fd = sv[0];
    pump = std::make_unique<JumpPump>(jump_session.get(), jump_channel.get(), sv[1]);
  }

  Session session(ssh_new());
  if (!session) return fail("collection-error", "cannot create an SSH session");
  if (auto f = open_session(session.get(), target, cfg, inner_fd)) return fail(f->state, f->detail);

  Channel channel(ssh_channel_new(session.get()));
  if (!channel || ssh_channel_open_session(channel.get()) != SSH_OK || ssh_channel_request_exec(channel.get(), command.c_str()) != SSH_OK)
    return fail("collection-error", endpoint_name(target) + ": cannot run the collection command: " + ssh_get_error(session.get()));
  // The script goes in whole, then end-of-file: one round trip.
  for (std::size_t off = 0; off < input.size();) {
    int n = ssh_channel_write(channel.get(), input.data() + off, static_cast<uint32_t>(std::min<std::size_t>(input.size() - off, 32768)));
    if (n <= 0) return fail("collection-error", endpoint_name(target) + ": cannot send the collection script: " + ssh_get_error(session.get()));
    off += static_cast<std::size_t>(n);
  }
  ssh_channel_send_eof(channel.get());

  char buf[65536];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      return fail("timeout", endpoint_name(target) + ": no complete answer within " + seconds_text(cfg.deadline) +
                                 " s (" + std::to_string(run.out.size()) + " bytes received)");
    }
    int n = ssh_channel_read_timeout(channel.get(), buf, sizeof buf, 0, static_cast<int>(std::min<long long>(left, 200)));
    if (n == SSH_ERROR) return fail("partial", endpoint_name(target) + ": connection lost after " + std::to_string(run.out.size()) + " bytes: " + ssh_get_error(session.get()));
    if (n > 0) {
      run.out.append(buf, static_cast<std::size_t>(n));
      if (run.out.size() > cfg.max_output) {
        run.output_limit = true;
        return fail("collection-error", endpoint_name(target) + ": the host sent more than " + std::to_string(cfg.max_output) +
                                            " bytes; stopped reading");
      }
    }
    // Standard error, drained so the host never blocks on it.
    for (int e; (e = ssh_channel_read_nonblocking(channel.get(), buf, sizeof buf, 1)) > 0;) {
      if (run.err.size() < 65536) run.err.append(buf, static_cast<std::size_t>(e));
    }
    if (n == 0 && ssh_channel_is_eof(channel.get())) break;
    if (ssh_channel_is_closed(channel.get())) break;
  }
  for (int e; (e = ssh_channel_read_nonblocking(channel.get(), buf, sizeof buf, 1)) > 0;) {
    if (run.err.size() < 65536) run.err.append(buf, static_cast<std::size_t>(e));
  }
  ssh_channel_close(channel.get());
  run.exit_status = ssh_channel_get_exit_status(channel.get());
  return run;
}

}  // namespace fleetaudit::remote

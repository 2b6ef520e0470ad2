#pragma once
// Real daemons for the exporter's tests: a child process started in the
// background (output to a log file) and stopped with SIGTERM on destruction,
// a free loopback port, and a minimal HTTP/1.1 client.

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace fleetaudit::testing {

class Daemon {
 public:
  /// Starts argv (argv[0] a path) with stdout and stderr appended to `log`.
  Daemon(std::vector<std::string> argv, std::filesystem::path log, std::vector<std::string> env = {});
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;
  /// Sends SIGTERM and waits (SIGKILL after `grace`); returns the exit status (-1: killed).
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  bool running();
  std::string log_text() const;
  int pid() const noexcept { return pid_; }

 private:
  int pid_ = -1;
  int status_ = -1;
  std::filesystem::path log_;
};

/// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  ///< names lower-cased
  std::string body;
  std::size_t body_bytes = 0;
  double seconds = 0;  ///< connect to last byte
};

/// GET http://127.0.0.1:port/path; throws std::runtime_error when the
/// connection fails. `headers`: extra request header lines ("Accept-Encoding: gzip").
/// With `keep_body` false the body is read and counted (HttpResponse::body_bytes) but not kept, so a
/// benchmark measures the server, not the client's allocations.
HttpResponse http_get(int port, const std::string& path, const std::vector<std::string>& headers = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds(20), bool keep_body = true);

/// Polls `path` until it answers `status` or `deadline` passes; false on timeout.
bool wait_for_http(int port, const std::string& path, int status, std::chrono::milliseconds deadline);

std::string base64(const std::string& in);

}  // namespace fleetaudit::testing

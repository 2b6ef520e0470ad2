#include "daemon.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace fleetaudit::testing {

Daemon::Daemon(std::vector<std::string> argv, std::filesystem::path log, std::vector<std::string> env) : log_(std::move(log)) {
  int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(log_.string() + ": cannot open: " + std::strerror(errno));
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) envs.emplace_back(*e);
  for (auto& e : env) envs.push_back(e);
  std::vector<char*> envp;
  for (auto& e : envs) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    // A test that dies (a failed REQUIRE aborting, a crash) takes its daemons with it.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    ::execve(args[0], args.data(), envp.data());
    std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  ::close(fd);
}

Daemon::~Daemon() { stop(std::chrono::seconds(5)); }

bool Daemon::running() {
  if (pid_ <= 0) return false;
  int st = 0;
  pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    pid_ = -1;
    return false;
  }
  return true;
}

int Daemon::stop(std::chrono::milliseconds grace) {
  if (!running()) return status_;
  ::kill(pid_, SIGTERM);
  auto until = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < until) {
    if (!running()) return status_;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  int st = 0;
  ::waitpid(pid_, &st, 0);
  pid_ = -1;
  status_ = -1;
  return status_;
}

std::string Daemon::log_text() const {
  std::ifstream in(log_);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind: " + std::string(std::strerror(errno)));
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

HttpResponse http_get(int port, const std::string& path, const std::vector<std::string>& headers, std::chrono::milliseconds timeout,
                      bool keep_body) {
  auto t0 = std::chrono::steady_clock::now();
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    int e = errno;
    ::close(s);
    throw std::runtime_error("connect 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(e));
  }
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\nConnection: close\r\n";
  for (const auto& h : headers) req += h + "\r\n";
  req += "\r\n";
  ::send(s, req.data(), req.size(), MSG_NOSIGNAL);
  // Read straight into the response, a megabyte at a time: the client should
  // cost as little as possible of what benchmarks measure.
  std::string raw;
  std::size_t used = 0, dropped = 0;
  auto until = t0 + timeout;
  for (;;) {
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()).count());
    if (left <= 0) {
      ::close(s);
      throw std::runtime_error("GET " + path + ": timed out");
    }
    pollfd p{s, POLLIN, 0};
    if (::poll(&p, 1, left) <= 0) continue;
    if (raw.size() - used < (1u << 20)) raw.resize(std::max<std::size_t>(raw.size() * 2, used + (1u << 20)));
    ssize_t n = ::recv(s, raw.data() + used, raw.size() - used, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    used += static_cast<std::size_t>(n);
    // Not keeping the body: once the header is in, count bytes and reuse the buffer.
    if (!keep_body && used > (1u << 20)) {
      auto end = std::string_view(raw.data(), used).find("\r\n\r\n");
      if (end != std::string_view::npos) {
        dropped += used - (end + 4);
        used = end + 4;
      }
    }
  }
  raw.resize(used);
  ::close(s);
  HttpResponse r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto end = raw.find("\r\n\r\n");
  if (end == std::string::npos) throw std::runtime_error("GET " + path + ": no HTTP header in " + std::to_string(raw.size()) + " bytes");
  std::istringstream head(raw.substr(0, end));
  std::string line;
  std::getline(head, line);
  if (line.size() < 12) throw std::runtime_error("GET " + path + ": bad status line '" + line + "'");
  r.status = std::stoi(line.substr(9, 3));
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto c = line.find(':');
    if (c == std::string::npos) continue;
    std::string k = line.substr(0, c);
    for (auto& ch : k) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::string v = line.substr(c + 1);
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    r.headers[k] = v;
  }
  r.body = raw.substr(end + 4);
  r.body_bytes = r.body.size() + dropped;
  if (auto it = r.headers.find("content-length"); it != r.headers.end() && std::stoull(it->second) != r.body_bytes)
    throw std::runtime_error("GET " + path + ": body of " + std::to_string(r.body_bytes) + " bytes, Content-Length " + it->second);
  return r;
}

bool wait_for_http(int port, const std::string& path, int status, std::chrono::milliseconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    try {
      if (http_get(port, path).status == status) return true;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::string base64(const std::string& in) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned val = 0;
  int bits = -6;
  for (unsigned char c : in) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out += tbl[(val >> bits) & 0x3f];
      bits -= 6;
    }
  }
  if (bits > -6) out += tbl[((val << 8) >> (bits + 8)) & 0x3f];
  while (out.size() % 4) out += '=';
  return out;
}

}  // namespace fleetaudit::testing

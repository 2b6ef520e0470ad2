#pragma once
// The exporter's HTTP side: prometheus-cpp's Exposer owns the civetweb
// server (threads, listening sockets); a request hook answers every
// request from the exposition built last, so a scrape never waits for the
// store, a scan or a rebuild. The fleet part is rendered and gzipped ahead
// of time; only the exporter's own metrics are rendered per scrape.

#include <fleetaudit/expected.hpp>

#include <prometheus/registry.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gzip.hpp"
#include "web_config.hpp"

namespace prometheus {
class Exposer;
}

namespace fleetaudit::exporter {

/// One built exposition, immutable once published.
struct Exposition {
  std::string text;  ///< fleet families, text format
  GzipHead gzip;     ///< the same, compressed
};

struct ServerOptions {
  std::string listen_address = ":9847";
  std::string telemetry_path = "/metrics";
  int threads = 4;
  WebConfig web;
};

class HttpServer {
 public:
  /// Starts listening; errors name the address.
  static Expected<std::unique_ptr<HttpServer>> start(const ServerOptions& options,
                                                     std::shared_ptr<prometheus::Registry> self_metrics);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Serves `e` from the next request on. Thread-safe.
  void publish(std::shared_ptr<const Exposition> e);
  /// The ports actually bound.
  std::vector<int> ports() const;

  struct Impl;

 private:
  HttpServer() = default;
  std::unique_ptr<Impl> impl_;
};

/// Translates a Prometheus-style listen address (":9847", "127.0.0.1:9847",
/// "localhost:9847") into civetweb's listening_ports syntax.
Expected<std::string> civetweb_listen(std::string_view address, bool tls);

}  // namespace fleetaudit::exporter

#include "http_server.hpp"

#include <CivetServer.h>
#include <civetweb.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include <fleetaudit/version.hpp>

namespace fleetaudit::exporter {

struct HttpServer::Impl {
  ServerOptions options;
  std::shared_ptr<prometheus::Registry> registry;
  prometheus::Counter* scrapes = nullptr;
  prometheus::Counter* auth_failures = nullptr;
  BasicAuth auth;
  std::mutex mutex;
  std::shared_ptr<const Exposition> current;
  CivetCallbacks callbacks;
  std::unique_ptr<prometheus::Exposer> exposer;

  explicit Impl(const ServerOptions& o) : options(o), auth(o.web.users) {}
  ~Impl() {
    exposer.reset();  // stop serving before anything it uses goes away
  }

  std::shared_ptr<const Exposition> exposition() {
    std::lock_guard lock(mutex);
    return current;
  }

  int handle(mg_connection* conn);
};

namespace {

// civetweb hands the hook only the connection; the server is one per process.
std::atomic<HttpServer::Impl*> g_server{nullptr};

int begin_request(mg_connection* conn) {
  HttpServer::Impl* s = g_server.load();
  if (!s) return 0;
  try {
    return s->handle(conn);
  } catch (const std::exception& e) {
    mg_printf(conn, "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n%s\n", e.what());
    return 500;
  }
}

void send(mg_connection* conn, int code, std::string_view reason, std::string_view type, std::string_view body,
          std::string_view extra_headers = "", bool head_only = false) {
  mg_printf(conn,
            "HTTP/1.1 %d %.*s\r\nContent-Type: %.*s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n"
            "X-Content-Type-Options: nosniff\r\nConnection: close\r\n%.*s\r\n",
            code, static_cast<int>(reason.size()), reason.data(), static_cast<int>(type.size()), type.data(), body.size(),
            static_cast<int>(extra_headers.size()), extra_headers.data());
  if (!head_only && !body.empty()) mg_write(conn, body.data(), body.size());
}

bool accepts_gzip(const char* header) {
  if (!header) return false;
  std::string h(header);
  for (auto& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto pos = h.find("gzip");
  if (pos == std::string::npos) return false;
  auto end = h.find(',', pos);
  std::string params = h.substr(pos + 4, end == std::string::npos ? std::string::npos : end - pos - 4);
  auto q = params.find("q=");
  return q == std::string::npos || std::atof(params.c_str() + q + 2) > 0;  // "gzip;q=0" refuses it
}

}  // namespace

int HttpServer::Impl::handle(mg_connection* conn) {
  const mg_request_info* ri = mg_get_request_info(conn);
  std::string_view method = ri->request_method ? ri->request_method : "";
  std::string_view path = ri->local_uri ? ri->local_uri : "/";
  const bool head = method == "HEAD";
  if (method != "GET" && !head) {
    send(conn, 405, "Method Not Allowed", "text/plain; charset=utf-8", "only GET and HEAD\n", "Allow: GET, HEAD\r\n");
    return 405;
  }
  // Probes (Kubernetes, load balancers) carry no credentials; the answers say nothing but up or ready.
  const bool probe = path == "/-/healthy" || path == "/-/ready";
  if (auth.enabled() && !probe) {
    const char* h = mg_get_header(conn, "Authorization");
    if (!h || !auth.check(h)) {
      auth_failures->Increment();
      send(conn, 401, "Unauthorized", "text/plain; charset=utf-8", "unauthorized\n",
           "WWW-Authenticate: Basic realm=\"fleetaudit-exporter\", charset=\"UTF-8\"\r\n", head);
      return 401;
    }
  }
  if (path == options.telemetry_path) {
    scrapes->Increment();
    auto e = exposition();
    if (!e) {
      send(conn, 503, "Service Unavailable", "text/plain; charset=utf-8",
           "the store has not been read yet: see /-/ready and the exporter's log\n", "", head);
      return 503;
    }
    // Live self-metrics after the prebuilt fleet families.
    std::string self = prometheus::TextSerializer().Serialize(registry->Collect());
    const char* type = "text/plain; version=0.0.4; charset=utf-8";
    if (accepts_gzip(mg_get_header(conn, "Accept-Encoding"))) {
      std::string tail = gzip_tail(e->gzip, self);
      std::size_t length = e->gzip.bytes.size() + tail.size();
      mg_printf(conn,
                "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Encoding: gzip\r\nVary: Accept-Encoding\r\n"
                "Content-Length: %zu\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
                type, length);
      if (!head) {
        mg_write(conn, e->gzip.bytes.data(), e->gzip.bytes.size());
        mg_write(conn, tail.data(), tail.size());
      }
      return 200;
    }
    mg_printf(conn,
              "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nVary: Accept-Encoding\r\nContent-Length: %zu\r\n"
              "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
              type, e->text.size() + self.size());
    if (!head) {
      mg_write(conn, e->text.data(), e->text.size());
      mg_write(conn, self.data(), self.size());
    }
    return 200;
  }
  if (path == "/-/healthy") {
    send(conn, 200, "OK", "text/plain; charset=utf-8", "OK\n", "", head);
    return 200;
  }
  if (path == "/-/ready") {
    bool ready = exposition() != nullptr;
    send(conn, ready ? 200 : 503, ready ? "OK" : "Service Unavailable", "text/plain; charset=utf-8",
         ready ? "ready\n" : "the store has not been read yet\n", "", head);
    return ready ? 200 : 503;
  }
  if (path == "/") {
    std::string path_html;
    for (char c : options.telemetry_path) {
      switch (c) {
        case '&': path_html += "&amp;"; break;
        case '<': path_html += "&lt;"; break;
        case '>': path_html += "&gt;"; break;
        case '"': path_html += "&quot;"; break;
        default: path_html += c;
      }
    }
    std::string body = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>fleetaudit exporter</title></head><body>\n"
                       "<h1>fleetaudit exporter</h1>\n<p>Version " FLEETAUDIT_VERSION_STRING "</p>\n<p><a href=\"" +
                       path_html + "\">Metrics</a></p>\n</body></html>\n";
    send(conn, 200, "OK", "text/html; charset=utf-8", body, "Content-Security-Policy: default-src 'none'\r\n", head);
    return 200;
  }
  send(conn, 404, "Not Found", "text/plain; charset=utf-8", "not found\n", "", head);
  return 404;
}

Expected<std::string> civetweb_listen(std::string_view address, bool tls) {
  auto colon = address.rfind(':');
  if (colon == std::string_view::npos) return fail("--web.listen-address '" + std::string(address) + "': expected [HOST]:PORT");
  std::string host(address.substr(0, colon));
  std::string port(address.substr(colon + 1));
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535)
    return fail("--web.listen-address '" + std::string(address) + "': bad port '" + port + "'");
  if (host == "localhost") host = "127.0.0.1";
  if (host.starts_with('[')) return fail("--web.listen-address '" + std::string(address) + "': IPv6 addresses are not supported by this build");
  if (!host.empty()) {
    int parts = 0;
    std::istringstream in(host);
    std::string part;
    while (std::getline(in, part, '.')) {
      if (part.empty() || part.size() > 3 || part.find_first_not_of("0123456789") != std::string::npos || std::stoi(part) > 255)
        return fail("--web.listen-address '" + std::string(address) + "': '" + host + "' is not an IPv4 address");
      ++parts;
    }
    if (parts != 4) return fail("--web.listen-address '" + std::string(address) + "': '" + host + "' is not an IPv4 address");
  }
  return (host.empty() ? std::string() : host + ":") + port + (tls ? "s" : "");
}

Expected<std::unique_ptr<HttpServer>> HttpServer::start(const ServerOptions& options,
                                                        std::shared_ptr<prometheus::Registry> self_metrics) {
  std::unique_ptr<HttpServer> server(new HttpServer());
  auto impl = std::make_unique<Impl>(options);
  impl->registry = std::move(self_metrics);
  impl->scrapes = &prometheus::BuildCounter()
                       .Name("fleetaudit_exporter_scrapes_total")
                       .Help("Requests for the metrics path")
                       .Register(*impl->registry)
                       .Add({});
  impl->auth_failures = &prometheus::BuildCounter()
                             .Name("fleetaudit_exporter_http_auth_failures_total")
                             .Help("Requests refused for missing or wrong basic auth credentials")
                             .Register(*impl->registry)
                             .Add({});
  auto listen = civetweb_listen(options.listen_address, options.web.tls());
  if (!listen) return fail(listen.error().message);
  std::vector<std::string> civet{"listening_ports", *listen, "num_threads", std::to_string(std::max(1, options.threads)),
                                 "enable_keep_alive", "no", "request_timeout_ms", "30000"};
  if (options.web.tls()) {
    // Debian 12's civetweb (1.15) loads OpenSSL at run time by symbol name
    // and, after each TLS handshake, calls SSL_get_peer_certificate, which
    // OpenSSL 3 has only as a macro: the call goes through a null pointer and
    // the process dies. Refuse rather than crash under the first scrape.
    return fail(std::string("tls_server_config: TLS is not available in this build (civetweb ") + mg_version() +
                " cannot drive OpenSSL 3); terminate TLS in a reverse proxy in front of the exporter (see the README)");
  }
  impl->callbacks.begin_request = begin_request;
  HttpServer::Impl* expected_null = nullptr;
  if (!g_server.compare_exchange_strong(expected_null, impl.get())) return fail("an HTTP server is already running in this process");
  try {
    impl->exposer = std::make_unique<prometheus::Exposer>(civet, &impl->callbacks);
  } catch (const std::exception& e) {
    g_server.store(nullptr);
    return fail("cannot listen on " + options.listen_address + (options.web.tls() ? " (TLS)" : "") + ": " + e.what());
  }
  server->impl_ = std::move(impl);
  return server;
}

HttpServer::~HttpServer() {
  if (impl_) {
    impl_->exposer.reset();
    g_server.store(nullptr);
  }
}

void HttpServer::publish(std::shared_ptr<const Exposition> e) {
  std::lock_guard lock(impl_->mutex);
  impl_->current = std::move(e);
}

std::vector<int> HttpServer::ports() const { return impl_->exposer->GetListeningPorts(); }

}  // namespace fleetaudit::exporter

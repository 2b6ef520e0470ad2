#pragma once
// The web configuration file of Prometheus exporters (the exporter-toolkit
// format): basic auth users with bcrypt hashes, and TLS.
//
//   tls_server_config:
//     cert_file: /etc/fleetaudit/exporter.crt
//     key_file: /etc/fleetaudit/exporter.key
//     min_version: TLS12          # or TLS13
//   basic_auth_users:
//     prometheus: $2b$12$...      # bcrypt (htpasswd -B, or fleetaudit-exporter --web.hash-password)

#include <fleetaudit/expected.hpp>

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace fleetaudit::exporter {

struct WebConfig {
  std::string cert_file, key_file;
  std::string min_version = "TLS12";
  std::map<std::string, std::string> users;  ///< user -> bcrypt hash
  bool tls() const noexcept { return !cert_file.empty(); }
};

/// Parses a web configuration file; errors name the file and line.
Expected<WebConfig> load_web_config(const std::filesystem::path& file);
Expected<WebConfig> parse_web_config(std::string_view yaml, std::string_view display);

/// A bcrypt hash of `password` ($2b$, cost 10 by default).
Expected<std::string> bcrypt_hash(std::string_view password, int cost = 10);

/// Checks basic auth credentials against the configured users. bcrypt is
/// slow by design: credentials that passed are remembered (in memory only)
/// so a scraper's repeated requests cost one hash, not one per scrape.
/// Thread-safe.
class BasicAuth {
 public:
  explicit BasicAuth(std::map<std::string, std::string> users) : users_(std::move(users)) {}
  bool enabled() const noexcept { return !users_.empty(); }
  /// `header`: the Authorization header's value ("Basic dXNlcjpwYXNz").
  bool check(std::string_view header);

 private:
  bool verify(const std::string& user, const std::string& password);
  std::map<std::string, std::string> users_;
  std::mutex mutex_;
  std::map<std::string, std::string> verified_;  // user -> password that matched its hash
};

/// Decodes standard base64 (padding optional); none on bad input.
std::optional<std::string> base64_decode(std::string_view in);

}  // namespace fleetaudit::exporter

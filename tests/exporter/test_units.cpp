// The exporter's parts one at a time: durations, the web configuration and
// bcrypt, gzip with a live tail, the text writer, listen addresses.

#include <catch2/catch.hpp>

#include <crypt.h>

#include "duration.hpp"
#include "exposition.hpp"
#include "gzip.hpp"
#include "http_server.hpp"
#include "web_config.hpp"

namespace fe = fleetaudit::exporter;
using namespace std::chrono_literals;

TEST_CASE("durations read as Prometheus writes them", "[exporter]") {
  CHECK(*fe::parse_duration("30s") == 30s);
  CHECK(*fe::parse_duration("5m") == 5min);
  CHECK(*fe::parse_duration("1h30m") == 90min);
  CHECK(*fe::parse_duration("1d") == 24h);
  CHECK(*fe::parse_duration("1w") == 168h);
  CHECK(*fe::parse_duration("250ms") == 250ms);
  CHECK(*fe::parse_duration("0") == 0ms);
  for (const char* bad : {"", "5", "m", "5x", "1h-", "-5m"}) {
    INFO(bad);
    auto d = fe::parse_duration(bad);
    REQUIRE(!d);
    CHECK(d.error().message.find("duration '" + std::string(bad) + "'") == 0);
  }
}

TEST_CASE("web config: bcrypt users and TLS settings with errors naming the line", "[exporter]") {
  auto hash = fe::bcrypt_hash("s3cret", 4);
  REQUIRE(hash);
  CHECK(hash->starts_with("$2b$04$"));
  std::string yaml = "tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\nbasic_auth_users:\n  prometheus: '" + *hash + "'\n";
  auto c = fe::parse_web_config(yaml, "web.yml");
  REQUIRE(c);
  CHECK(c->tls());
  CHECK(c->min_version == "TLS12");
  REQUIRE(c->users.count("prometheus"));

  fe::BasicAuth auth(c->users);
  CHECK(auth.check("Basic " + std::string("cHJvbWV0aGV1czpzM2NyZXQ=")));  // prometheus:s3cret
  CHECK(auth.check("Basic cHJvbWV0aGV1czpzM2NyZXQ="));                   // again, from the cache
  CHECK_FALSE(auth.check("Basic cHJvbWV0aGV1czp3cm9uZw=="));             // prometheus:wrong
  CHECK_FALSE(auth.check("Basic bm9ib2R5OnMzY3JldA=="));                 // nobody:s3cret
  CHECK_FALSE(auth.check("Bearer cHJvbWV0aGV1czpzM2NyZXQ="));
  CHECK_FALSE(auth.check("Basic !!!"));
  CHECK_FALSE(auth.check(""));

  auto plain = fe::parse_web_config("basic_auth_users:\n  alice: hunter2\n", "web.yml");
  REQUIRE(!plain);
  CHECK(plain.error().message.starts_with("web.yml:2: basic_auth_users.alice: not a bcrypt hash"));
  auto unknown = fe::parse_web_config("basic_auth_users: {}\ntls_config:\n  cert_file: x\n", "web.yml");
  REQUIRE(!unknown);
  CHECK(unknown.error().message.starts_with("web.yml:2: unknown key 'tls_config'"));
  auto half = fe::parse_web_config("tls_server_config:\n  cert_file: x\n", "web.yml");
  REQUIRE(!half);
  CHECK(half.error().message.find("needs both cert_file and key_file") != std::string::npos);
  auto version = fe::parse_web_config("tls_server_config:\n  cert_file: x\n  key_file: y\n  min_version: TLS10\n", "web.yml");
  REQUIRE(!version);
  CHECK(version.error().message.starts_with("web.yml:4: tls_server_config.min_version"));
  auto broken = fe::parse_web_config("basic_auth_users: [\n", "web.yml");
  REQUIRE(!broken);
  CHECK(broken.error().message.starts_with("web.yml:"));
  CHECK(fe::parse_web_config("", "web.yml"));
}

TEST_CASE("gzip: a prebuilt head and a live tail make one gzip member", "[exporter]") {
  std::string head;
  for (int i = 0; i < 20000; ++i) head += "fleetaudit_host_results{host=\"h" + std::to_string(i) + "\",result=\"pass\"} 12\n";
  auto h = fe::gzip_head(head);
  CHECK(h.bytes.size() < head.size() / 5);
  for (std::string tail : {std::string(), std::string("fleetaudit_exporter_scrapes_total 3\n")}) {
    std::string whole = h.bytes + fe::gzip_tail(h, tail);
    CHECK(fe::gunzip(whole) == head + tail);
  }
  auto empty = fe::gzip_head("");
  CHECK(fe::gunzip(empty.bytes + fe::gzip_tail(empty, "x 1\n")) == "x 1\n");
}

TEST_CASE("text writer escapes label values and HELP and writes exact numbers", "[exporter]") {
  fe::TextWriter w;
  w.family("fleetaudit_x", "gauge", "back\\slash and\nnewline \"quoted\"");
  w.sample("fleetaudit_x", {{"host", "a\"b\\c\nd"}}, 0.1);
  w.sample("fleetaudit_x", {}, 3);
  w.sample("fleetaudit_x", {{"a", ""}}, 1e-7);
  CHECK(w.text() ==
        "# HELP fleetaudit_x back\\\\slash and\\nnewline \"quoted\"\n# TYPE fleetaudit_x gauge\n"
        "fleetaudit_x{host=\"a\\\"b\\\\c\\nd\"} 0.1\nfleetaudit_x 3\nfleetaudit_x{a=\"\"} 1e-07\n");
}

TEST_CASE("listen addresses in civetweb's terms", "[exporter]") {
  CHECK(*fe::civetweb_listen(":9847", false) == "9847");
  CHECK(*fe::civetweb_listen("127.0.0.1:9847", true) == "127.0.0.1:9847s");
  CHECK(*fe::civetweb_listen("localhost:1", false) == "127.0.0.1:1");
  for (const char* bad : {"9847", "host.example:9847", "1.2.3:80", ":99999", ":", "[::1]:9847", "300.1.1.1:80"}) {
    INFO(bad);
    CHECK(!fe::civetweb_listen(bad, false));
  }
}

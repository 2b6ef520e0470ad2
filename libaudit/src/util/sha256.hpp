#pragma once
// SHA-256 (FIPS 180-4) of a byte string, for content hashes that must not
// depend on a crypto library (the HTML report's Content-Security-Policy).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace fleetaudit::util {

std::array<std::uint8_t, 32> sha256(std::string_view data);

/// Standard base64 (RFC 4648, with padding).
std::string base64(std::string_view bytes);

}  // namespace fleetaudit::util

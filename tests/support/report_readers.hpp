#pragma once
// Reading reports back in tests: a strict RFC 4180 CSV reader, a strict XML
// parser (libxml2) giving a plain tree, and a PNG decoder (libpng).

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace fleetaudit::testing {

/// RFC 4180 records. Throws std::runtime_error, with the byte offset, on
/// anything the RFC does not allow: a quote inside an unquoted field, text
/// after a closing quote, an unterminated quoted field, a record ended by a
/// bare LF or CR, records of different lengths.
std::vector<std::vector<std::string>> read_csv(std::string_view text);

/// An element of a parsed XML document.
struct XmlNode {
  std::string name;                          ///< local name
  std::map<std::string, std::string> attrs;  ///< decoded attribute values
  std::vector<XmlNode> children;             ///< elements only
  std::string text;                          ///< decoded character data directly inside (text and CDATA)
  std::vector<std::size_t> child_offsets;    ///< where in `text` each child element sits

  /// Every descendant element (not this one) named `name`, in document order.
  std::vector<const XmlNode*> find_all(std::string_view name) const;
  /// Every descendant element whose class attribute contains `cls`.
  std::vector<const XmlNode*> find_class(std::string_view cls) const;
  /// Character data of this element and all descendants, in order.
  std::string all_text() const;
  bool has_class(std::string_view cls) const;
  std::string attr(const std::string& key) const;
};

/// Parses well-formed XML 1.0 strictly (no recovery, no network, no entity
/// expansion beyond XML's own). Throws std::runtime_error with libxml2's
/// message and line on the first error.
XmlNode parse_xml(std::string_view text);

/// An RGBA image.
struct Image {
  int width = 0, height = 0;
  std::vector<std::uint32_t> pixels;  ///< 0xRRGGBBAA, row by row
  std::uint32_t at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
};

/// Decodes a PNG file. Throws std::runtime_error when it is not one.
Image read_png(const std::filesystem::path& file);

}  // namespace fleetaudit::testing

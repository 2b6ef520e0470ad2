#include "support/report_readers.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <png.h>

#include <memory>
#include <stdexcept>

namespace fleetaudit::testing {

std::vector<std::vector<std::string>> read_csv(std::string_view s) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  std::size_t i = 0;
  auto fail = [&](const std::string& what) {
    throw std::runtime_error("csv: " + what + " at byte " + std::to_string(i));
  };
  auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    if (!records.empty() && records.front().size() != record.size())
      fail("record of " + std::to_string(record.size()) + " fields after a header of " +
           std::to_string(records.front().size()));
    records.push_back(std::move(record));
    record.clear();
  };
  while (i < s.size()) {
    if (s[i] == '"') {
      ++i;
      for (;;) {
        if (i >= s.size()) fail("unterminated quoted field");
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += s[i++];
      }
      if (i < s.size() && s[i] != ',' && s[i] != '\r') fail("text after a closing quote");
    } else {
      while (i < s.size() && s[i] != ',' && s[i] != '\r' && s[i] != '\n') {
        if (s[i] == '"') fail("quote inside an unquoted field");
        field += s[i++];
      }
    }
    if (i >= s.size()) fail("last record not ended by CRLF");
    if (s[i] == ',') {
      record.push_back(std::move(field));
      field.clear();
      ++i;
      continue;
    }
    if (s[i] == '\n') fail("record ended by a bare LF");
    if (i + 1 >= s.size() || s[i + 1] != '\n') fail("record ended by a bare CR");
    i += 2;
    end_record();
  }
  return records;
}

std::vector<const XmlNode*> XmlNode::find_all(std::string_view n) const {
  std::vector<const XmlNode*> out;
  for (const auto& c : children) {
    if (c.name == n) out.push_back(&c);
    auto sub = c.find_all(n);
    out.insert(out.end(), sub.begin(), sub.end());
  }
  return out;
}

bool XmlNode::has_class(std::string_view cls) const {
  auto it = attrs.find("class");
  if (it == attrs.end()) return false;
  std::string_view v = it->second;
  std::size_t start = 0;
  while (start <= v.size()) {
    std::size_t end = v.find(' ', start);
    if (end == std::string_view::npos) end = v.size();
    if (v.substr(start, end - start) == cls) return true;
    start = end + 1;
  }
  return false;
}

std::vector<const XmlNode*> XmlNode::find_class(std::string_view cls) const {
  std::vector<const XmlNode*> out;
  for (const auto& c : children) {
    if (c.has_class(cls)) out.push_back(&c);
    auto sub = c.find_class(cls);
    out.insert(out.end(), sub.begin(), sub.end());
  }
  return out;
}

std::string XmlNode::attr(const std::string& key) const {
  auto it = attrs.find(key);
  return it == attrs.end() ? std::string() : it->second;
}

std::string XmlNode::all_text() const {
  std::string out;
  std::size_t from = 0;
  for (std::size_t i = 0; i < children.size(); ++i) {
    out.append(text, from, child_offsets[i] - from);
    out += children[i].all_text();
    from = child_offsets[i];
  }
  out.append(text, from, std::string::npos);
  return out;
}

namespace {

void build(xmlNode* x, XmlNode& out) {
  out.name = reinterpret_cast<const char*>(x->name);
  for (xmlAttr* a = x->properties; a; a = a->next) {
    xmlChar* v = xmlNodeListGetString(x->doc, a->children, 1);
    out.attrs[reinterpret_cast<const char*>(a->name)] = v ? reinterpret_cast<const char*>(v) : "";
    xmlFree(v);
  }
  for (xmlNode* c = x->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) {
      out.children.emplace_back();
      build(c, out.children.back());
      out.child_offsets.push_back(out.text.size());
    } else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      if (c->content) out.text += reinterpret_cast<const char*>(c->content);
    }
  }
}

}  // namespace

XmlNode parse_xml(std::string_view text) {
  std::unique_ptr<xmlParserCtxt, decltype(&xmlFreeParserCtxt)> ctxt(xmlNewParserCtxt(), xmlFreeParserCtxt);
  if (!ctxt) throw std::runtime_error("xml: out of memory");
  xmlDoc* raw = xmlCtxtReadMemory(ctxt.get(), text.data(), static_cast<int>(text.size()), "report.xml", "UTF-8",
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(raw, xmlFreeDoc);
  const xmlError* err = xmlCtxtGetLastError(ctxt.get());
  if (!doc || (err && err->level >= XML_ERR_ERROR)) {
    std::string msg = err && err->message ? err->message : "not well-formed";
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    throw std::runtime_error("xml: line " + std::to_string(err ? err->line : 0) + ": " + msg);
  }
  XmlNode root;
  build(xmlDocGetRootElement(doc.get()), root);
  return root;
}

Image read_png(const std::filesystem::path& file) {
  png_image img{};
  img.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&img, file.c_str())) throw std::runtime_error(file.string() + ": " + img.message);
  img.format = PNG_FORMAT_RGBA;
  std::vector<png_byte> buf(PNG_IMAGE_SIZE(img));
  if (!png_image_finish_read(&img, nullptr, buf.data(), 0, nullptr)) {
    std::string msg = img.message;
    png_image_free(&img);
    throw std::runtime_error(file.string() + ": " + msg);
  }
  Image out;
  out.width = static_cast<int>(img.width);
  out.height = static_cast<int>(img.height);
  out.pixels.resize(static_cast<std::size_t>(out.width) * out.height);
  for (std::size_t i = 0; i < out.pixels.size(); ++i) {
    out.pixels[i] = (std::uint32_t{buf[4 * i]} << 24) | (std::uint32_t{buf[4 * i + 1]} << 16) |
                    (std::uint32_t{buf[4 * i + 2]} << 8) | buf[4 * i + 3];
  }
  return out;
}

}  // namespace fleetaudit::testing

// What the report formats share.

#include "report/common.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "util/strings.hpp"

namespace fleetaudit::report {

std::vector<const CheckResult*> sorted_results(const HostReport& h) {
  std::vector<const CheckResult*> v;
  v.reserve(h.results.size());
  for (const auto& r : h.results) v.push_back(&r);
  std::stable_sort(v.begin(), v.end(), [](const CheckResult* a, const CheckResult* b) {
    if (a->section != b->section) {
      if (a->section.empty() || b->section.empty()) return b->section.empty();
      return util::section_less(a->section, b->section);
    }
    if (a->check_id != b->check_id) return a->check_id < b->check_id;
    return a->subject < b->subject;
  });
  return v;
}

std::string format_score(double score) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", score);
  return buf;
}

std::string display_name(const CheckResult& r) {
  std::string out = r.section;
  if (!out.empty()) out += ' ';
  out += r.title.empty() ? r.check_id : r.title;
  if (!r.subject.empty()) out += " [" + r.subject + "]";
  return out;
}

std::string check_label(const CheckResult& r) {
  if (!r.check_id.empty()) return r.check_id;
  return "manual." + (r.section.empty() ? std::string("entry") : r.section);
}

WaivedEvidence split_waiver(std::string_view evidence) {
  constexpr std::string_view kMark = "waived until ";
  std::size_t at = evidence.rfind(kMark);
  while (at != std::string_view::npos && at != 0 && evidence[at - 1] != '\n') {
    at = at == 0 ? std::string_view::npos : evidence.rfind(kMark, at - 1);
  }
  if (at == std::string_view::npos) return {evidence, {}};
  std::string_view before = evidence.substr(0, at);
  if (!before.empty() && before.back() == '\n') before.remove_suffix(1);
  return {before, evidence.substr(at)};
}

std::vector<EvidenceLocation> evidence_locations(std::string_view evidence) {
  std::vector<EvidenceLocation> out;
  std::set<std::pair<std::string, int>> seen;
  for (const auto& l : util::split_lines(evidence)) {
    std::string_view line = l.text;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.size() < 4 || line.front() != '/') continue;
    for (std::size_t colon = line.find(':'); colon != std::string_view::npos; colon = line.find(':', colon + 1)) {
      std::size_t end = colon + 1;
      while (end < line.size() && end - colon <= 9 && line[end] >= '0' && line[end] <= '9') ++end;
      if (end == colon + 1 || end >= line.size() || line[end] != ':') {
        // "/path: text": prose, not a file name with a colon in it.
        if (colon + 1 < line.size() && line[colon + 1] == ' ') break;
        continue;
      }
      EvidenceLocation loc;
      loc.path = std::string(line.substr(0, colon));
      loc.line = static_cast<int>(util::parse_int(line.substr(colon + 1, end - colon - 1)).value_or(0));
      if (loc.line > 0 && seen.emplace(loc.path, loc.line).second) out.push_back(std::move(loc));
      break;
    }
  }
  return out;
}

std::string first_line(std::string_view s, std::size_t max) {
  std::string_view line = s.substr(0, s.find_first_of("\r\n"));
  if (line.size() <= max) return std::string(line);
  std::size_t n = max;
  // Back up over continuation bytes so a multi-byte character stays whole.
  while (n > 0 && (static_cast<unsigned char>(line[n]) & 0xC0) == 0x80) --n;
  return std::string(line.substr(0, n)) + "\u2026";
}

namespace {

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// U+2400..U+241F picture C0 controls, U+2421 DEL.
void append_control_picture(std::string& out, unsigned char c) {
  append_utf8(out, c == 0x7F ? 0x2421u : 0x2400u + c);
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Appends the valid UTF-8 sequence at s[i] (non-ASCII) or U+FFFD; returns its length.
std::size_t append_non_ascii(std::string& out, std::string_view s, std::size_t i) {
  std::size_t n = util::utf8_sequence_length(s, i);
  if (n == 0) {
    out += kReplacement;
    return 1;
  }
  auto b0 = static_cast<unsigned char>(s[i]), b1 = static_cast<unsigned char>(s[i + 1]);
  bool c1_control = b0 == 0xC2 && b1 < 0xA0;  // U+0080..U+009F
  bool non_character =
      b0 == 0xEF && b1 == 0xBF && (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xBE;  // U+FFFE, U+FFFF
  if (c1_control || non_character) {
    out += kReplacement;
  } else {
    out.append(s.substr(i, n));
  }
  return n;
}

}  // namespace

void append_markup(std::string& out, std::string_view s, bool attribute) {
  out.reserve(out.size() + s.size() + s.size() / 8);
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      i += append_non_ascii(out, s, i);
      continue;
    }
    ++i;
    switch (c) {
      case '&':
        out += "&amp;";
        continue;
      case '<':
        out += "&lt;";
        continue;
      case '>':
        out += "&gt;";
        continue;
      case '"':
        out += "&quot;";
        continue;
      case '\'':
        out += "&#39;";
        continue;
      case '\r':
        out += "&#13;";
        continue;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        continue;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7F) {
      append_control_picture(out, c);
      continue;
    }
    out += static_cast<char>(c);
  }
}

namespace {

constexpr const char* kControlNames[33] = {"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS",  "HT",  "LF",
                                           "VT",  "FF",  "CR",  "SO",  "SI",  "DLE", "DC1", "DC2", "DC3", "DC4", "NAK",
                                           "SYN", "ETB", "CAN", "EM",  "SUB", "ESC", "FS",  "GS",  "RS",  "US",  "DEL"};

void append_token(std::string& out, std::string_view text, std::string_view title) {
  out += "<span class=\"ctl\" title=\"";
  out += title;
  out += "\">";
  out += text;
  out += "</span>";
}

}  // namespace

void append_html_text(std::string& out, std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  out.reserve(out.size() + s.size() + s.size() / 8);
  std::size_t run = 0;  // start of the text not written yet: written by append_markup in one go
  auto flush = [&](std::size_t to) {
    if (to > run) append_markup(out, s.substr(run, to - run));
  };
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
        flush(i);
        const char* name = kControlNames[c == 0x7F ? 32 : c];
        char code[8];
        std::snprintf(code, sizeof code, "U+%04X", c);
        append_token(out, name, std::string("control character ") + code + " (" + name + ")");
        run = ++i;
        continue;
      }
      ++i;
      continue;
    }
    std::size_t n = util::utf8_sequence_length(s, i);
    if (n == 0) {
      flush(i);
      std::string byte = std::string("\\x") + hex[c >> 4] + hex[c & 15];
      append_token(out, byte, "byte 0x" + byte.substr(2) + ": not UTF-8");
      run = ++i;
      continue;
    }
    auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (c == 0xC2 && b1 < 0xA0) {
      flush(i);
      char code[8];
      std::snprintf(code, sizeof code, "U+%04X", b1);
      append_token(out, code, std::string("control character ") + code);
      run = i + n;
    } else if (c == 0xEF && b1 == 0xBF && (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xBE) {
      flush(i);
      append_token(out, s[i + 2] == '\xBE' ? "U+FFFE" : "U+FFFF", "not a character");
      run = i + n;
    }
    i += n;
  }
  flush(s.size());
}

std::string clean_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      i += append_non_ascii(out, s, i);
      continue;
    }
    ++i;
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
      append_control_picture(out, c);
      continue;
    }
    out += static_cast<char>(c);
  }
  return out;
}

}  // namespace fleetaudit::report

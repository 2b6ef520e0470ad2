#pragma once
// What the report formats share: result order, labels, waivers and file
// locations read back from evidence, and escaping for markup and CSV.

#include <string>
#include <string_view>
#include <vector>

#include "fleetaudit/evaluate.hpp"
#include "fleetaudit/scan.hpp"

namespace fleetaudit::report {

/// Profile order when a section is known (1.2 < 1.10), else by check id, then subject.
std::vector<const CheckResult*> sorted_results(const HostReport& host);

/// "53.3"
std::string format_score(double score);

/// "5.1.16 sshd allows at most 4 ... [web (3f2a9c4b1d0e)]": section, title and subject.
std::string display_name(const CheckResult& r);

/// The check id, or "manual.<section>" for a manual entry without a check.
std::string check_label(const CheckResult& r);

/// A waived result's evidence is the failure's evidence followed by one line
/// "waived until DATE (OWNER): REASON [FILE:LINE]" (content/waivers.cpp).
struct WaivedEvidence {
  std::string_view evidence;  ///< what the failure said
  std::string_view waiver;    ///< the waiver line, empty when there is none
};
WaivedEvidence split_waiver(std::string_view evidence);

/// A "/path:line:" at the start of an evidence line ("/etc/ssh/sshd_config:32: PermitRootLogin yes").
struct EvidenceLocation {
  std::string path;
  int line = 0;
};
/// Every distinct file and line the evidence names, in order of appearance.
std::vector<EvidenceLocation> evidence_locations(std::string_view evidence);

/// The first line of `s`, at most `max` bytes, cut at a UTF-8 boundary (an ellipsis when cut).
std::string first_line(std::string_view s, std::size_t max = 200);

/// Appends `s` escaped for XML 1.0 (and HTML) text or attribute values:
/// & < > " ' as references; in attributes also tab, newline (kept by XML's
/// attribute normalization); carriage return always; other C0 controls and
/// DEL as their U+2400 control pictures (XML 1.0 forbids them); C1 controls,
/// U+FFFE, U+FFFF and invalid UTF-8 as U+FFFD.
void append_markup(std::string& out, std::string_view s, bool attribute = false);
inline std::string markup(std::string_view s, bool attribute = false) {
  std::string out;
  append_markup(out, s, attribute);
  return out;
}

/// Appends `s` as HTML element text: like append_markup, but what cannot be
/// shown as itself is a visible token (class "ctl") naming it: control
/// characters by name (NUL, ESC, CR, DEL ...), C1 controls and non-characters
/// by code point, bytes that are not UTF-8 as \xFF. Fonts need no glyphs for it.
void append_html_text(std::string& out, std::string_view s);

/// `s` as valid UTF-8 text for CSV or JSON consumers: invalid UTF-8 as U+FFFD,
/// C0 controls except tab and newline (NUL, CR ...) and DEL as control pictures.
std::string clean_text(std::string_view s);

}  // namespace fleetaudit::report

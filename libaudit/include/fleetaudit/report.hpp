#pragma once
/// \file
/// Reports of a scan: for people (table, HTML), programs (JSON, CSV) and CI
/// systems (JUnit XML, SARIF). Every format is a pure function of the report:
/// the same report gives the same bytes. Anything that came from a host
/// (evidence, subjects, file names) is escaped for its format; bytes that a
/// format cannot carry (invalid UTF-8, control characters XML forbids) are
/// replaced visibly, never dropped silently.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fleetaudit/fleet.hpp"
#include "fleetaudit/scan.hpp"
#include "fleetaudit/types.hpp"

namespace fleetaudit {

struct TableOptions {
  bool color = false;          ///< ANSI colours (only on a terminal)
  bool show_passed = true;     ///< list pass / not-applicable rows, not only problems
  bool show_evidence = true;   ///< evidence under failing and error rows
  int width = 160;             ///< clip titles and evidence to fit this many columns
};

/// Sorted, aligned results per host with a summary (counts and score).
std::string format_table(const ScanReport& report, const TableOptions& options = {});

/// One line per host (name, collection state, score, failures by severity,
/// detail), sorted by name, and the fleet's totals: the end of a fleet scan.
std::string format_fleet_table(const ScanReport& report, const TableOptions& options = {});

/// The JSON report: {"scan":{...},"hosts":[{"name","state","score","summary","results":[...]}]}.
/// Later versions add fields, never remove or rename them.
std::string format_json(const ScanReport& report);

/// JUnit XML for CI systems: one <testsuite> per host (name = host) and one
/// <testcase> per result (classname = check id, name = section, title and
/// subject). fail gives <failure> with the evidence, error gives <error>,
/// not-applicable, manual and waived give <skipped> (a waiver with its
/// reason). A host whose collection state is not "ok" gets one more testcase
/// (classname "fleetaudit.collection") with an <error> naming the state, so an
/// unreachable host fails a CI run instead of vanishing from it.
std::string format_junit(const ScanReport& report);

/// SARIF 2.1.0: one run whose tool.driver lists every evaluated check as a
/// rule (title, rationale, remediation, severity, CIS and NIST references).
/// Results are the failures (level from severity: critical and high "error",
/// medium "warning", low and info "note"), the errors (kind "open": the rule
/// could not be decided) and the waived failures (with an accepted external
/// suppression whose justification is the waiver). Each result is located on
/// its host (and subject) as logical locations and, when the evidence names
/// "/path:line:", at that file and line.
std::string format_sarif(const ScanReport& report);

/// CSV (RFC 4180, UTF-8, CRLF between records) with a header row and one
/// row per result: scan_id, host, state, subject, section, check, severity,
/// result, title, evidence. A host without results (not collected) has one
/// row with its state and an empty result. Cells a spreadsheet would run as
/// a formula (starting with = + - @) are prefixed with an apostrophe.
std::string format_csv(const ScanReport& report);

/// One part of the HTML report: an anchor, a heading and its body. Build the
/// body with html_escape() for everything that is not markup of your own.
/// The stylesheet's classes (see format_html) are there for every section.
struct HtmlSection {
  std::string id;     ///< anchor and navigation target ("summary", "uniformity")
  std::string title;  ///< heading, plain text (escaped when written)
  std::string html;   ///< body markup
};

struct HtmlOptions {
  /// Document title; empty: "fleetaudit report" with the profile.
  std::string title;
  /// Sections after the built-in ones, in this order (fleet analytics ...).
  std::vector<HtmlSection> extra_sections;
};

/// Text (or an attribute value) for HTML and XML: markup characters become
/// references, control characters that XML forbids become visible symbols
/// (U+2400 "control pictures": NUL is shown as U+2400), invalid UTF-8 U+FFFD.
std::string html_escape(std::string_view text);

/// The fleet summary: hosts and their states, score, results, failures by severity.
HtmlSection html_summary_section(const ScanReport& report);
/// Every host: state, score, failures by severity, errors, waived; linked to its findings.
HtmlSection html_hosts_section(const ScanReport& report);
/// Per host, collapsible: its failing, error and waived results with
/// evidence, rationale, remediation and references.
HtmlSection html_findings_section(const ScanReport& report);

/// The frame around the sections: title, facts under it, a footer line (plain text).
struct HtmlPage {
  std::string title;
  std::vector<std::string> facts;  ///< "profile cis-debian-12 1.1.0", "scan #12" ...
  std::string footer;
};

/// A self-contained HTML document (inline CSS and one small inline script
/// for filtering and sorting; it reads the same without the script) with
/// navigation over `sections`. It loads nothing: a Content-Security-Policy
/// allows only its own inline style and script. Light or dark follows the
/// reader's system (prefers-color-scheme). Also well-formed XML.
std::string html_document(const HtmlPage& page, const std::vector<HtmlSection>& sections);

/// The HTML report: the summary, hosts and findings sections, then
/// options.extra_sections, in one self-contained file readable offline.
std::string format_html(const ScanReport& report, const HtmlOptions& options = {});

/// Highest severity among failing results of every host, if any failed.
std::optional<Severity> worst_failure(const ScanReport& report);

/// Fleet analytics for people: patch level, uptime risk (each host's named
/// contributions), uniformity per component and role group, fleet rules.
std::string format_fleet_analysis(const FleetAnalysis& analysis, const std::vector<CheckResult>& fleet_rules,
                                  const TableOptions& options = {});
/// The same as JSON: {"summary":{...},"hosts":[profile...],"uniformity":[...],"fleet_rules":[...]}.
std::string format_fleet_analysis_json(const FleetAnalysis& analysis, const std::vector<CheckResult>& fleet_rules);
/// The same as HTML sections for format_html's extra_sections.
/// Containers across the fleet: per host each container (runtime, name,
/// state, image and whether its tag still names it, base release, packages,
/// how many are behind the host's apt lists and the fleet, the worst ones),
/// then image references that run as more than one image or base release.
/// Part of format_fleet_analysis() when the fleet has containers.
std::string format_container_table(const FleetAnalysis& analysis, const TableOptions& options = {});

std::vector<HtmlSection> fleet_html_sections(const FleetAnalysis& analysis, const std::vector<CheckResult>& fleet_rules);

}  // namespace fleetaudit

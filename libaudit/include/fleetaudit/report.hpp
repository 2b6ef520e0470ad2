#pragma once
/// \file
/// Reports of a scan for people (table) and programs (JSON).

#include <optional>
#include <string>

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

/// Highest severity among failing results of every host, if any failed.
std::optional<Severity> worst_failure(const ScanReport& report);

}  // namespace fleetaudit

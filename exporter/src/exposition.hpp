#pragma once
// The Prometheus text exposition (format 0.0.4) of a fleet view, rendered
// once per store change and served as bytes: a scrape never walks the fleet.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fleet_view.hpp"

namespace fleetaudit::exporter {

/// Appends metric families in the text format. Label values and HELP text
/// are escaped; numbers use the shortest exact form.
class TextWriter {
 public:
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;
  /// Starts a family: HELP and TYPE lines. Every sample of it must follow.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, Labels labels, double value);
  std::string& text() noexcept { return out_; }

 private:
  std::string out_;
};

struct ExpositionOptions {
  bool host_checks = false;  ///< host x check series (fleetaudit_host_check_result)
};

/// Every fleet family, sorted within each family by its labels.
std::string render_fleet(const FleetView& view, const ExpositionOptions& options = {});

/// Names of every family render_fleet() can write (for docs and tests).
std::vector<std::string> fleet_family_names();

}  // namespace fleetaudit::exporter

#pragma once
// Containers in fleet analytics: each container's profile on its host
// (profile_host), and across the fleet (analyze_fleet): fleet lag, image
// drift. Pure.

#include <nlohmann/json.hpp>

#include "fleetaudit/fleet.hpp"
#include "fleetaudit/report.hpp"
#include "eval/subjects.hpp"
#include "parse/packages.hpp"

namespace fleetaudit::detail {

/// Fills h.containers and h.package_sets from the snapshot. `host_db` is the
/// host's own package database (nullptr: none); `host_change` the time its
/// file last changed (seconds since 1970, 0 unknown).
void profile_containers(const Snapshot& snapshot, HostProfile& h, const parse::PackageDatabase* host_db, long long host_change);

/// Fleet lag, image usage, image uniformity components and container totals.
void analyze_containers(FleetAnalysis& analysis);

/// The package classes the report calls out.
bool is_library_package(std::string_view name) noexcept;
bool is_key_library_package(std::string_view name) noexcept;

/// The subject kind `container`: every container of every runtime, its
/// document container_to_json() with `image_ref` (the normalized reference:
/// reference, registry, repository, tag, digest).
void plan_container_subjects(Plan& plan);
SubjectSet build_container_subjects(const Snapshot& snapshot, const SnapshotIndex& index, const parse::TextSource& source);

nlohmann::json containers_to_json(const HostProfile& h);
void containers_from_json(const nlohmann::json& j, HostProfile& h);
nlohmann::json container_to_json(const ContainerProfile& c);
nlohmann::json image_usage_to_json(const ImageUsage& u);

/// The fleet report's "containers" member: totals, per host, per image reference.
nlohmann::json fleet_containers_json(const FleetAnalysis& analysis);
/// The fleet HTML report's containers section.
HtmlSection containers_html_section(const FleetAnalysis& analysis);

}  // namespace fleetaudit::detail

#pragma once
/// \file
/// Everything public in one include.

#include "fleetaudit/collect.hpp"
#include "fleetaudit/content.hpp"
#include "fleetaudit/diff.hpp"
#include "fleetaudit/evaluate.hpp"
#include "fleetaudit/fleet.hpp"
#include "fleetaudit/waivers.hpp"
#include "fleetaudit/expected.hpp"
#include "fleetaudit/inventory.hpp"
#include "fleetaudit/plan.hpp"
#include "fleetaudit/report.hpp"
#include "fleetaudit/scan.hpp"
#include "fleetaudit/snapshot.hpp"
#include "fleetaudit/store.hpp"
#include "fleetaudit/types.hpp"
#include "fleetaudit/version.hpp"
#include "fleetaudit/version_compare.hpp"
